"""The park: meter checks, a node of the meter tree by interval, real-time carbon, zone budgets
with their forecast and alerts, the equipment carbon index, and readings posted by gateways.
Each answers what the ``carbonledger park`` command of the same name prints, as JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from carbonledger import app
from carbonledger.api.analysis_routes import plain
from carbonledger.api.data_routes import batch_json
from carbonledger.api.run_routes import Reader
from carbonledger.api.security import Access, require, server_of
from carbonledger.api.uploads import IDEMPOTENCY_HEADER, idempotent, request_sha256
from carbonledger.app.accounts import Permission
from carbonledger.app.server import acting_as

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}/park", tags=["park"])
Importer = Annotated[Access, Depends(require(Permission.IMPORT))]
PeriodQuery = Annotated[
    str,
    Query(pattern="^[0-9]{4}(-[0-9]{2})?$", description="YYYY or YYYY-MM", examples=["2025-03"]),
]
MonthQuery = Annotated[str, Query(pattern="^[0-9]{4}-[0-9]{2}$", description="YYYY-MM")]
FillQuery = Annotated[
    str,
    Query(pattern="^(none|linear|previous_week)$", description="Gap-filling policy, recorded"),
]
#: Readings one request may post (a gateway's batch; larger sets go as a file to /batches).
MAX_READINGS = 100_000


class Reading(BaseModel):
    """One reading: the end of its interval in the meter's local clock time."""

    meter_id: str = Field(max_length=200, examples=["M-ZONE-A"])
    time: str = Field(max_length=40, examples=["2025-03-01 00:15"])
    value: float = Field(examples=[1234])
    quality: str | None = Field(default=None, examples=["good"])
    signature: str | None = Field(
        default=None,
        max_length=200,
        description="The device's Ed25519 signature of the reading (base64), for a signing meter",
    )


class Readings(BaseModel):
    """Readings a gateway posts."""

    readings: list[Reading] = Field(min_length=1, max_length=MAX_READINGS)
    source: str = Field(default="gateway", pattern="^[A-Za-z0-9_-]{1,40}$")


@router.get("/check", summary="Meter faults by meter and time")
def check(access: Reader, period: PeriodQuery, fill: FillQuery = "none") -> dict[str, Any]:
    """Gaps, duplicates, counter resets and roll-overs, negative intervals and spikes, counted
    by meter and check, with the first findings."""
    return access.read(
        ("park-check", period, fill),
        lambda: plain(app.park_check(access.workspace, period, fill)),
    )


@router.get("/nodes/{meter_id}", summary="A node of the meter tree by interval")
def node(
    access: Reader,
    meter_id: Annotated[str, Path(max_length=200)],
    period: PeriodQuery,
    interval: Annotated[str, Query(pattern="^(15min|30min|h|D|W|M|Y)$")] = "D",
    fill: FillQuery = "none",
) -> dict[str, Any]:
    """The node's meter, its sub-meters summed and the unmetered remainder, by interval."""
    return access.read(
        ("park-node", meter_id, period, interval, fill),
        lambda: plain(app.park_node(access.workspace, meter_id, interval, period, fill)),
    )


@router.get("/carbon", summary="Real-time carbon of the park's grid electricity")
def carbon(
    access: Reader,
    period: PeriodQuery,
    factor: Annotated[str, Query(pattern="^(auto|hourly|annual)$")] = "auto",
    basis: Annotated[str, Query(pattern="^(average|marginal)$")] = "average",
    fill: FillQuery = "none",
) -> dict[str, Any]:
    """Emissions by day and month at the hourly grid factor or the library's annual average,
    each facility with its method and lineage [kg CO2e]."""

    def compute() -> dict[str, Any]:
        found = app.park_carbon(access.workspace, period, factor, basis, fill)
        found.pop("intervals")
        return plain(found)

    return access.read(("park-carbon", period, factor, basis, fill), compute)


@router.get("/budgets", summary="Zone budgets: the month so far, its forecast, alerts")
def budgets(
    access: Reader,
    month: MonthQuery,
    as_of: Annotated[dt.date | None, Query(description="Last day observed")] = None,
    fill: FillQuery = "none",
) -> dict[str, Any]:
    """Each budget target of the park's zones for the month [kg CO2e], with an alert where
    the forecast exceeds the month's share of the yearly budget."""
    return access.read(
        ("park-budgets", month, as_of, fill),
        lambda: plain(app.park_budgets(access.workspace, month, as_of, fill)),
    )


@router.get("/index", summary="Equipment carbon index")
def index(access: Reader, period: PeriodQuery, fill: FillQuery = "none") -> dict[str, Any]:
    """kWh and kg CO2e per unit of each equipment meter's output (per parcel sorted)."""
    return access.read(
        ("park-index", period, fill),
        lambda: plain(app.park_index(access.workspace, period, fill)),
    )


@router.post(
    "/readings",
    status_code=201,
    summary="Post meter readings (gateways)",
    responses={
        200: {"description": "The same readings were stored already"},
        422: {"description": "Validation findings, each with row and column"},
    },
)
def post_readings(
    access: Importer,
    request: Request,
    body: Readings,
    idempotency_key: Annotated[
        str | None, Header(alias=IDEMPOTENCY_HEADER, description="The same key stores once")
    ] = None,
) -> JSONResponse:
    """Validate and store readings as a ``meter_readings`` batch, as a file upload would be:
    nothing is stored unless every reading passes; a reading of a locked month is refused.
    Findings name rows as in the CSV the readings make: the header, then reading 1 as row 2."""
    rows = [r.model_dump() for r in body.readings]
    fingerprint = request_sha256(request, json.dumps(rows, sort_keys=True))

    def store() -> tuple[int, Any]:
        with acting_as(access.actor):
            result = app.import_readings(access.workspace, rows, body.source)
        payload = {"batch": batch_json(result.batch), "created": result.created}
        return (201 if result.created else 200), payload

    return idempotent(server_of(request), access.tenant_id, idempotency_key, fingerprint, store)
