"""Analyses of a run: facilities, intensity, uncertainty, data quality, change between
periods, forecast, base year, footprints of shipments and customers, the hybrid reconciliation
and scope 3 coverage. Each answers what the CLI command of the same name prints (the facilities
as the dashboard shows them), as JSON [t CO2e]."""

from __future__ import annotations

import math
from typing import Annotated, Any

import pyarrow as pa
from fastapi import APIRouter, Query
from pydantic import Field

from carbonledger import app
from carbonledger.api.period_routes import Locker
from carbonledger.api.run_routes import PeriodQuery, Reader, RunQuery
from carbonledger.options import DIMENSIONS

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}", tags=["analysis"])
YearQuery = Annotated[
    str, Query(pattern=r"^[0-9]{4}(-[0-9]{2})?$", description="YYYY or YYYY-MM", examples=["2024"])
]


def plain(value: Any) -> Any:
    """JSON-safe data: tables as lists of rows, NaN and infinities as null."""
    if isinstance(value, pa.Table):
        value = value.to_pylist()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@router.get("/intensity", summary="Emissions per unit of each imported denominator")
def intensity(access: Reader, period: PeriodQuery = None, run: RunQuery = None) -> dict[str, Any]:
    """Per revenue, per package, per m² ... on both scope 2 bases (the ``denominators`` kind)."""

    def compute() -> dict[str, Any]:
        inventory, rows = app.intensity(access.workspace, run, period)
        return plain({"run_id": inventory.run_id, "period": inventory.period, "rows": rows})

    return access.read(("intensity", period, run), compute)


@router.get("/uncertainty", summary="95 % intervals by scope and for the total [t CO2e]")
def uncertainty(
    access: Reader,
    period: PeriodQuery = None,
    run: RunQuery = None,
    samples: Annotated[int, Query(ge=100, le=100_000)] = app.DEFAULT_SAMPLES,
    seed: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Monte Carlo over each row's pedigree (the inventory's own draws)."""

    def compute() -> dict[str, Any]:
        view, chosen, rows = app.uncertainty(access.workspace, run, period, samples, seed)
        return plain({"run_id": view.run_id, "period": chosen, "samples": samples, "rows": rows})

    return access.read(("uncertainty", period, run, samples, seed), compute)


@router.get("/quality", summary="Primary-data share and pedigree scores by a dimension")
def quality(
    access: Reader,
    by: Annotated[str, Query(description=f"One of {', '.join(DIMENSIONS)}")] = "scope",
    period: PeriodQuery = None,
    run: RunQuery = None,
) -> dict[str, Any]:
    """Data quality of the run's rows grouped by ``by``."""

    def compute() -> dict[str, Any]:
        view, rows = app.quality(access.workspace, by, period, run)
        return plain({"run_id": view.run_id, "by": by, "rows": rows})

    return access.read(("quality", by, period, run), compute)


@router.get("/change", summary="The change between two periods: activity and factor effects")
def change(
    access: Reader, before: YearQuery, after: YearQuery, run: RunQuery = None
) -> dict[str, Any]:
    """A decomposition of the change from ``before`` to ``after`` [t CO2e]."""

    def compute() -> dict[str, Any]:
        view, rows = app.change(access.workspace, before, after, run)
        return plain({"run_id": view.run_id, "before": before, "after": after, "rows": rows})

    return access.read(("change", before, after, run), compute)


@router.get("/forecast", summary="Next years' emissions by scope")
def forecast(
    access: Reader,
    year: Annotated[
        list[Annotated[int, Field(ge=1990, le=2100)]], Query(description="Repeat for several")
    ],
    run: RunQuery = None,
) -> dict[str, Any]:
    """Activity trends times the factors of each year (:mod:`carbonledger.inventory.forecast`)."""
    years = tuple(sorted(set(year)))
    return access.read(
        ("forecast", years, run), lambda: plain(app.forecast(access.workspace, years, run))
    )


@router.get("/base-year", summary="The base year, its events and whether they recalculate it")
def base_year(access: Reader, run: RunQuery = None) -> dict[str, Any]:
    """Structural changes against the base-year policy's threshold [t CO2e]."""
    return access.read(("base-year", run), lambda: plain(app.base_year(access.workspace, run)))


@router.post(
    "/base-year", status_code=201, summary="Keep the base year's recalculation as a version"
)
def store_base_year(access: Locker, run: RunQuery = None) -> dict[str, Any]:
    """Store the recalculated base year as a new version (recorded with who stored it; the
    permission to lock periods)."""
    return plain(app.base_year(access.workspace, run, store=True))


@router.get(
    "/footprints/{consumer_type}/{consumer_id}",
    summary="The footprint of a shipment, order, customer or product line [t CO2e]",
)
def footprint(
    access: Reader,
    consumer_type: str,
    consumer_id: str,
    basis: Annotated[str, Query(pattern="^(location|market)$")] = "location",
    run: RunQuery = None,
) -> dict[str, Any]:
    """Allocated emissions of one consumer, component by component."""
    return access.read(
        ("footprint", consumer_type, consumer_id, basis, run),
        lambda: plain(app.footprint(access.workspace, consumer_type, consumer_id, basis, run)),
    )


@router.get("/shipments", summary="Transport footprints per shipment or chain element (iLEAP)")
def shipments(
    access: Reader,
    by: Annotated[str, Query(pattern="^(shipment|tce)$")] = "shipment",
    run: RunQuery = None,
) -> dict[str, Any]:
    """ISO 14083 footprints of each shipment (or transport chain element)."""

    def compute() -> dict[str, Any]:
        view, table = app.shipments(access.workspace, by, run)
        return plain({"run_id": view.run_id, "by": by, "rows": table})

    return access.read(("shipments", by, run), compute)


@router.get("/reconciliation", summary="The hybrid model's spend and process reconciliation")
def reconciliation(access: Reader, run: RunQuery = None) -> dict[str, Any]:
    """Spend lines recomputed by process models, and process results no spend line matched."""

    def compute() -> dict[str, Any]:
        view, matched, unmatched = app.reconciliation(access.workspace, run)
        return plain({"run_id": view.run_id, "rows": matched, "unmatched": unmatched})

    return access.read(("reconciliation", run), compute)


@router.get("/scope3", summary="Every scope 3 category: calculated, excluded or a gap")
def scope3(
    access: Reader,
    run: RunQuery = None,
    language: Annotated[str, Query(pattern="^(en|zh)$")] = "en",
) -> dict[str, Any]:
    """The 15 categories with their totals, exclusions (with the reason) and gaps."""

    def compute() -> dict[str, Any]:
        view, table = app.scope3_table(access.workspace, run, language)
        return plain({"run_id": view.run_id, "rows": table})

    return access.read(("scope3", run, language), compute)


@router.get("/facilities", summary="Every facility with its emissions on both scope 2 bases")
def facilities(access: Reader, period: PeriodQuery = None, run: RunQuery = None) -> dict[str, Any]:
    """The imported facilities, largest first [t CO2e]."""
    return access.read(
        ("facilities", period, run), lambda: plain(app.facilities(access.workspace, period, run))
    )


@router.get("/facilities/{facility_id}", summary="One facility by scope, month and method")
def facility(
    access: Reader, facility_id: str, period: PeriodQuery = None, run: RunQuery = None
) -> dict[str, Any]:
    """A facility's emissions by scope on both bases, by month and by method [t CO2e]; 404
    for a facility the workspace does not define."""
    return access.read(
        ("facility", facility_id, period, run),
        lambda: plain(app.facility(access.workspace, facility_id, period, run)),
    )
