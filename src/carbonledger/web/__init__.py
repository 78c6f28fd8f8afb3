"""The web dashboard: server-rendered pages over the ``app`` layer, served with the API.

``create_app(settings)`` is the whole server (``carbonledger serve`` runs it): the REST API
of :mod:`carbonledger.api` and the dashboard's pages.
"""

from __future__ import annotations

from fastapi import FastAPI

from carbonledger.api import ServerSettings
from carbonledger.api import create_app as create_api
from carbonledger.web.pages import router

__all__ = ["create_app", "router"]


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The REST API with the dashboard's pages."""
    server = create_api(settings)
    server.include_router(router)
    return server
