"""The REST API: FastAPI over the ``app`` layer, with tenants, roles and problem details.

``create_app(settings)`` builds the ASGI app; ``carbonledger serve`` runs it with uvicorn.
Every endpoint calls :mod:`carbonledger.app` and nothing deeper; every list is paginated with
``Link`` headers; every error is an RFC 9457 problem; OpenAPI 3.1 is at ``/openapi.json``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata

from fastapi import FastAPI

from carbonledger.api.admin_routes import router as admin_router
from carbonledger.api.analysis_routes import router as analysis_router
from carbonledger.api.audit_routes import router as audit_router
from carbonledger.api.auth_routes import router as auth_router
from carbonledger.api.credit_routes import router as credit_router
from carbonledger.api.data_routes import router as data_router
from carbonledger.api.ecosystem_routes import router as ecosystem_router
from carbonledger.api.examples import publish_examples
from carbonledger.api.factor_routes import router as factor_router
from carbonledger.api.jobs import JobRunner
from carbonledger.api.limits import RateLimit, RateLimiter
from carbonledger.api.park_routes import router as park_router
from carbonledger.api.period_routes import router as period_router
from carbonledger.api.plan_routes import router as plan_router
from carbonledger.api.problems import install_problem_handlers
from carbonledger.api.run_routes import router as run_router
from carbonledger.api.security import SecurityHeaders
from carbonledger.api.settings import ROOT_ENV, ServerSettings
from carbonledger.app.cache import ResultCache
from carbonledger.app.server import open_server

__all__ = ["ROOT_ENV", "ServerSettings", "create_app"]


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The API app over a server root.

    Parameters
    ----------
    settings : ServerSettings, optional
        Default: from the environment (:meth:`ServerSettings.from_env`).
    """
    settings = settings or ServerSettings.from_env()
    server = open_server(settings.root, create=True)
    version = metadata.version("carbonledger")
    jobs = JobRunner(server)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    api = FastAPI(
        title="carbonledger",
        version=version,
        summary="GHG inventory, analysis and planning for large companies",
        lifespan=lifespan,
    )
    api.state.settings = settings
    api.state.server = server
    api.state.jobs = jobs
    api.state.cache = ResultCache(settings.cache_entries, shared=server.results_folder)
    install_problem_handlers(api)
    publish_examples(api)
    limit = RateLimit(settings.rate_per_second, settings.rate_burst)
    api.add_middleware(RateLimiter, limit=limit)  # refused before any work is done
    api.add_middleware(SecurityHeaders)  # outermost: on every answer, a 429 too
    routers = [auth_router, data_router, run_router, analysis_router, factor_router]
    routers += [period_router, plan_router, credit_router, park_router, ecosystem_router]
    routers += [audit_router, admin_router]
    for router in routers:
        api.include_router(router)

    @api.get("/healthz", tags=["server"], summary="Liveness")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": version}

    return api
