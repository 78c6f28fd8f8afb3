"""Calculations (background jobs), runs, totals, inventory and hotspots."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from carbonledger import app
from carbonledger.api.jobs import job_json
from carbonledger.api.pages import PageQuery, PerPageQuery, paginate
from carbonledger.api.security import Access, require
from carbonledger.app.accounts import Permission
from carbonledger.options import DIMENSIONS

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}", tags=["runs"])
Reader = Annotated[Access, Depends(require(Permission.READ))]
Calculator = Annotated[Access, Depends(require(Permission.CALCULATE))]
PeriodQuery = Annotated[
    str | None, Query(pattern=r"^[0-9]{4}(-[0-9]{2})?$", description="YYYY or YYYY-MM")
]
RunQuery = Annotated[str | None, Query(description="A run id or its prefix (default: latest)")]
Scope = Annotated[int, Field(ge=1, le=3)]
Category = Annotated[int, Field(ge=1, le=15)]
FilterQuery = Annotated[
    list[str] | None, Query(max_length=128, description="Only these (repeatable)")
]


class CalculationRequest(BaseModel):
    """What to calculate."""

    period: str | None = Field(
        None, pattern=r"^[0-9]{4}(-[0-9]{2})?$", examples=["2025"], description="YYYY or YYYY-MM"
    )
    engine: str = Field("duckdb", pattern="^(duckdb|reference)$")


@router.post(
    "/calculations",
    status_code=202,
    summary="Start a calculation",
    responses={202: {"description": "Queued; poll the job at the Location header"}},
)
def calculate(access: Calculator, request: Request, body: CalculationRequest) -> JSONResponse:
    """Run every method over the tenant's batches in the background; the job's result names
    the run."""
    workspace = access.workspace

    def work() -> dict[str, Any]:
        result = app.calculate(workspace, body.period, body.engine)
        return {"run_id": result.run.run_id, "created": result.created, "rows": result.run.rows}

    job = request.app.state.jobs.submit(
        access.tenant_id, "calculation", body.model_dump(), access.actor, work
    )
    location = f"/api/v1/{access.tenant_id}/jobs/{job.job_id}"
    return JSONResponse(job_json(job), status_code=202, headers={"Location": location})


@router.get("/jobs/{job_id}", summary="A background job's status and result")
def job(access: Reader, request: Request, job_id: str) -> dict[str, Any]:
    """``queued``, ``running``, ``succeeded`` (with the result) or ``failed`` (with why)."""
    row = request.app.state.jobs.get(access.tenant_id, job_id)
    if row is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return job_json(row)


@router.get("/runs", summary="Calculation runs, oldest first")
def runs(
    access: Reader,
    request: Request,
    response: Response,
    period: PeriodQuery = None,
    page: PageQuery = 1,
    per_page: PerPageQuery = None,
) -> list[dict[str, Any]]:
    """The tenant's runs (optionally of one period)."""
    found = [r for r in app.list_runs(access.workspace) if period is None or r.period == period]
    return [
        {
            "run_id": r.run_id,
            "created_at": r.created_at,
            "period": r.period,
            "engine": r.engine,
            "gwp_set": r.gwp_set,
            "rows": r.rows,
            "ledger_sha256": r.ledger_sha256,
        }
        for r in paginate(request, response, found, page, per_page)
    ]


def row_filter(
    entity: FilterQuery = None,
    facility: FilterQuery = None,
    business_unit: FilterQuery = None,
    scope: Annotated[list[Scope] | None, Query(description="Only these scopes")] = None,
    category: Annotated[
        list[Category] | None, Query(description="Only these scope 3 categories")
    ] = None,
) -> dict[str, tuple[str, ...]]:
    """The ledger rows a request asks for (a dependency): the entities, facilities, business
    units, scopes and scope 3 categories it names, as ``inventory.totals`` takes them."""
    chosen: dict[str, Sequence[str | int] | None] = {
        "entity": entity,
        "facility": facility,
        "business_unit": business_unit,
        "scope": scope,
        "category": category,
    }
    return {d: tuple(str(v) for v in values) for d, values in chosen.items() if values}


RowFilter = Annotated[dict[str, tuple[str, ...]], Depends(row_filter)]


@router.get("/totals", summary="Totals of a run by dimensions [t CO2e]")
def totals(
    access: Reader,
    where: RowFilter,
    by: Annotated[list[str], Query(description=f"Dimensions: {', '.join(DIMENSIONS)}")] = [  # noqa: B006
        "scope"
    ],
    basis: Annotated[str, Query(pattern="^(location|market)$")] = "location",
    period: PeriodQuery = None,
    run: RunQuery = None,
) -> dict[str, Any]:
    """The ledger's totals grouped by ``by`` (repeat the parameter for several), of the
    entities, facilities, business units, scopes and scope 3 categories named (each
    repeatable; default all)."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise HTTPException(422, f"unknown dimension(s) {unknown}; use {', '.join(DIMENSIONS)}")

    def compute() -> dict[str, Any]:
        view, table = app.run_totals(access.workspace, by, basis, period, run, where)
        return {"run_id": view.run_id, "basis": basis, "unit": "t CO2e", "rows": table.to_pylist()}

    return access.read(("totals", tuple(by), basis, period, run, tuple(where.items())), compute)


@router.get("/inventory", summary="The consolidated inventory of a period")
def inventory(
    access: Reader,
    period: PeriodQuery = None,
    run: RunQuery = None,
    samples: Annotated[int, Query(ge=100, le=100_000)] = 2_000,
) -> dict[str, Any]:
    """Scopes on both scope 2 bases, breakdowns, scope 3 categories, quality and uncertainty."""
    return access.read(
        ("inventory", run, period, samples),
        lambda: app.inventory(access.workspace, run, period, samples=samples).to_dict(),
    )


@router.get("/hotspots", summary="The vital few sources by a dimension [t CO2e]")
def hotspots(
    access: Reader,
    where: RowFilter,
    by: Annotated[str, Query()] = "facility",
    basis: Annotated[str, Query(pattern="^(location|market)$")] = "location",
    period: PeriodQuery = None,
    run: RunQuery = None,
) -> dict[str, Any]:
    """A Pareto of the run's emissions by ``by``, of the entities, facilities, business
    units, scopes and scope 3 categories named (each repeatable; default all)."""
    if by not in DIMENSIONS:
        raise HTTPException(422, f"unknown dimension {by!r}; use {', '.join(DIMENSIONS)}")

    def compute() -> dict[str, Any]:
        view, rows = app.hotspots(access.workspace, by, period, run=run, basis=basis, where=where)
        return {"run_id": view.run_id, "basis": basis, "unit": "t CO2e", "rows": rows}

    return access.read(("hotspots", by, basis, period, run, tuple(where.items())), compute)
