"""Background jobs: a calculation runs in a worker thread; its status is kept in the
accounts database, so every server worker answers for it."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from carbonledger.app.server import (
    Job,
    Server,
    acting_as,
    finish_job,
    get_job,
    queue_job,
    start_job,
)
from carbonledger.errors import CarbonLedgerError

__all__ = ["JobRunner", "job_json"]


def job_json(job: Job) -> dict[str, Any]:
    """A job as the API shows it (without the tenant, which the URL names)."""
    shown = asdict(job)
    del shown["tenant_id"]
    return shown


class JobRunner:
    """Runs jobs one at a time per server process (a calculation uses every core already).

    Parameters
    ----------
    server : Server
        Where job records are kept.
    """

    def __init__(self, server: Server) -> None:
        self.server = server
        self._pool: ThreadPoolExecutor | None = None

    def submit(
        self,
        tenant_id: str,
        kind: str,
        request: dict[str, Any],
        actor: str,
        work: Callable[[], dict[str, Any]],
    ) -> Job:
        """Queue ``work`` (returning the job's JSON result) as ``actor``; the queued job."""
        job = queue_job(self.server, tenant_id, kind, request, actor)
        if self._pool is None:  # started on first use (again after a shutdown)
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="carbonledger-job")
        self._pool.submit(self._run, job.job_id, actor, work)
        return job

    def _run(self, job_id: str, actor: str, work: Callable[[], dict[str, Any]]) -> None:
        start_job(self.server, job_id)
        try:
            with acting_as(actor):
                result = work()
        except CarbonLedgerError as exc:
            finish_job(self.server, job_id, error={"type": type(exc).__name__, "detail": str(exc)})
        except Exception as exc:  # a bug: recorded with its trace instead of lost in a thread
            error = {
                "type": type(exc).__name__,
                "detail": str(exc),
                "trace": traceback.format_exc(limit=5),
            }
            finish_job(self.server, job_id, error=error)
        else:
            finish_job(self.server, job_id, result=result)

    def get(self, tenant_id: str, job_id: str) -> Job | None:
        """A job of the tenant (None for an unknown id or another tenant's)."""
        return get_job(self.server, tenant_id, job_id)

    def shutdown(self) -> None:
        """Wait for the queued and running jobs and stop (a later job starts a new pool)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
