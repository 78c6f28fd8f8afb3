"""Sign-off (locks and restatements), report downloads and evidence packs."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, Field

from carbonledger import app
from carbonledger.api.security import Access, require
from carbonledger.app.accounts import Permission
from carbonledger.app.cache import ResultCache
from carbonledger.app.server import acting_as

__all__ = ["report_context", "router"]

router = APIRouter(prefix="/api/v1/{tenant}", tags=["periods and reports"])
Reader = Annotated[Access, Depends(require(Permission.READ))]
Locker = Annotated[Access, Depends(require(Permission.LOCK))]
RawReader = Annotated[Access, Depends(require(Permission.READ_RAW))]
PeriodPath = Annotated[
    str, PathParam(pattern=r"^[0-9]{4}(-[0-9]{2})?$", description="YYYY or YYYY-MM")
]
_MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


class LockRequest(BaseModel):
    """The run a period is signed off with (default: the latest)."""

    run: str | None = Field(None, description="Run id or prefix")


class RestateRequest(BaseModel):
    """Why a locked period is reopened."""

    reason: str = Field(min_length=1, examples=["supplier corrected the March invoices"])


@router.get("/periods", summary="Locks and restatements, oldest first")
def periods(
    access: Reader,
    period: Annotated[str | None, Query(pattern=r"^[0-9]{4}(-[0-9]{2})?$")] = None,
) -> list[dict[str, Any]]:
    """The history of sign-off (of one period, or all)."""
    return [asdict(state) for state in app.periods(access.workspace, period)]


@router.post("/periods/{period}/lock", summary="Lock a period with its signed-off run")
def lock(access: Locker, period: PeriodPath, body: LockRequest) -> dict[str, Any]:
    """No import may change the period's records until it is restated; its figures are the
    signed-off run's."""
    with acting_as(access.actor):
        return asdict(app.lock(access.workspace, period, body.run))


@router.post("/periods/{period}/restate", summary="Reopen a locked period with a reason")
def restate(access: Locker, period: PeriodPath, body: RestateRequest) -> dict[str, Any]:
    """Reopen the period for a correction."""
    with acting_as(access.actor):
        return asdict(app.restate(access.workspace, period, body.reason))


@router.get(
    "/reports/{fmt}",
    summary="Download a report",
    response_class=Response,
    responses={200: {"content": {m: {} for m in _MEDIA.values()}}},
)
def report(
    access: Reader,
    fmt: Annotated[str, PathParam(pattern="^(html|pdf|xlsx|json)$")],
    period: Annotated[str | None, Query(pattern=r"^[0-9]{4}(-[0-9]{2})?$")] = None,
    language: Annotated[str, Query(pattern="^(en|zh)$")] = "en",
    run: Annotated[str | None, Query(description="Run id or prefix")] = None,
) -> Response:
    """The inventory report of a period in ``fmt`` and ``language`` (rendered once per
    workspace revision)."""

    def render() -> tuple[str, bytes]:
        context = _context(access, run, period)
        name = f"carbonledger-{access.tenant_id}-{context.inventory.period}-{language}.{fmt}"
        with tempfile.TemporaryDirectory(prefix="carbonledger-report-") as folder:
            path = app.render_report(context, fmt, language, Path(folder) / name)
            return name, path.read_bytes()

    name, content = access.read(("report", fmt, language, run, period), render)
    return Response(
        content,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/evidence",
    summary="Download the evidence pack of a period's report",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def evidence(
    access: RawReader,
    period: Annotated[str | None, Query(pattern=r"^[0-9]{4}(-[0-9]{2})?$")] = None,
    run: Annotated[str | None, Query(description="Run id or prefix")] = None,
) -> Response:
    """Every reported number traced to the ledger rows behind it, with the run's manifest and
    the factor releases (a ZIP; for those who may read raw data: analysts, verifiers)."""

    def pack() -> tuple[str, bytes]:
        context = _context(access, run, period)
        name = f"carbonledger-{access.tenant_id}-{context.inventory.period}-evidence.zip"
        with tempfile.TemporaryDirectory(prefix="carbonledger-evidence-") as folder:
            path = app.evidence(access.workspace, context, Path(folder) / name, run)
            return name, path.read_bytes()

    name, content = access.read(("evidence", run, period), pack)
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _context(access: Access, run: str | None, period: str | None) -> app.ReportContext:
    return report_context(access.cache, access.workspace, run, period)


def report_context(
    cache: ResultCache, workspace: app.Workspace, run: str | None, period: str | None
) -> app.ReportContext:
    """A period's report context, computed once per workspace revision for the reports, the
    evidence pack and the dashboard's overview alike."""
    return cache.get(
        workspace,
        ("report-context", run, period),
        lambda: app.report_context(workspace, run, period),
    )
