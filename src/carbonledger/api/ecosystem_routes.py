"""Scope 3+: programme progress, the overlap guard, verified lots, a participant's footprint,
the methodologies, the programme ledger's calculation and activities posted by systems. Each
answers what the ``carbonledger ecosystem`` command of the same name prints, as JSON; nothing
here touches the inventory."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from carbonledger import app
from carbonledger.api.analysis_routes import plain
from carbonledger.api.data_routes import batch_json
from carbonledger.api.run_routes import Calculator, Reader
from carbonledger.api.security import Access, require, server_of
from carbonledger.api.uploads import IDEMPOTENCY_HEADER, idempotent, request_sha256
from carbonledger.app.accounts import Permission
from carbonledger.app.server import acting_as

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}/ecosystem", tags=["ecosystem"])
Importer = Annotated[Access, Depends(require(Permission.IMPORT))]
#: Activities one request may post (larger streams go as a file to /batches).
MAX_ACTIVITIES = 100_000
_COLUMNS = (
    "activity_id",
    "programme_id",
    "methodology",
    "participant_id",
    "participant_type",
    "date",
    "amount",
    "unit",
    "region",
    "category",
    "mode",
    "mass",
    "price_ratio",
    "months_used",
    "condition",
    "pue",
    "certification_id",
    "source_ref",
    "measure_id",
)


class Activity(BaseModel):
    """One action of a programme (the ``ecosystem_activities`` columns)."""

    activity_id: str = Field(max_length=200, examples=["TRIP-20250301-000042"])
    programme_id: str = Field(max_length=200, examples=["MAAS-BJ"])
    methodology: str = Field(max_length=100, examples=["green_trip"])
    participant_id: str = Field(max_length=200, examples=["c00042"])
    participant_type: Literal["consumer", "merchant", "employee", "city", "partner"]
    date: dt.date = Field(examples=["2025-03-01"])
    amount: float = Field(ge=0, examples=[12])
    unit: str = Field(max_length=40, examples=["pkm"])
    region: str | None = Field(default=None, max_length=40)
    category: str | None = Field(default=None, max_length=200)
    mode: str | None = Field(default=None, max_length=40, examples=["metro"])
    mass: float | None = Field(default=None, ge=0)
    price_ratio: float | None = Field(default=None, ge=0)
    months_used: float | None = Field(default=None, ge=0)
    condition: str | None = Field(default=None, max_length=40)
    pue: float | None = Field(default=None, ge=1)
    certification_id: str | None = Field(default=None, max_length=200)
    source_ref: str | None = Field(default=None, max_length=200, examples=["TRIP-42"])
    measure_id: str | None = Field(default=None, max_length=200)


class Activities(BaseModel):
    """Activities a programme's system posts."""

    activities: list[Activity] = Field(min_length=1, max_length=MAX_ACTIVITIES)
    source: str = Field(default="programme", pattern="^[A-Za-z0-9_-]{1,40}$")


@router.get("/progress", summary="Progress of each programme and portfolio to its goal")
def progress(access: Reader) -> dict[str, Any]:
    """Counted, sold and retained reductions by year [t CO2e], cumulative, share of goal and
    the forecast to the goal year, with participation; sold lots are the buyer's."""
    return access.read(("eco-progress",), lambda: plain(app.ecosystem_progress(access.workspace)))


@router.get("/overlaps", summary="Actions the overlap guard kept out")
def overlaps(access: Reader, limit: Annotated[int, Query(ge=0, le=10_000)] = 100) -> dict[str, Any]:
    """Actions another programme already counts (same ``source_ref``) or that a plan
    measure counts in the inventory, by programme, with the first ``limit`` rows."""
    return access.read(
        ("eco-overlaps", limit),
        lambda: plain(app.ecosystem_overlaps(access.workspace, limit)),
    )


@router.get("/lots", summary="Verified lots, held or sold")
def lots(access: Reader) -> dict[str, Any]:
    """Each lot with its serial as a credit block, and what is left to issue by programme and
    year."""
    return access.read(("eco-lots",), lambda: plain(app.ecosystem_lots(access.workspace)))


@router.get("/participants/{participant_id}", summary="A participant's green footprint")
def participant(
    access: Reader, participant_id: Annotated[str, Path(max_length=200)]
) -> dict[str, Any]:
    """Actions, reductions [kg CO2e] and points by programme and year, for an app to show."""
    return access.read(
        ("eco-person", participant_id),
        lambda: plain(app.personal_footprint(access.workspace, participant_id)),
    )


@router.get("/methodologies", summary="The methodologies, as data")
def methodologies(access: Reader) -> dict[str, Any]:
    """Formulas, parameters, factors and the reference of each methodology version."""
    return app.methodology_table()


@router.post("/calculate", summary="Compute the programme ledger")
def calculate(access: Calculator) -> dict[str, Any]:
    """The programme ledger of the activities imported, stored once per inputs (a second
    request with nothing changed answers the same calculation, ``created`` false)."""
    with acting_as(access.actor):
        found = app.calculate_ecosystem(access.workspace)
    return plain(found)


@router.post(
    "/activities",
    status_code=201,
    summary="Post programme activities (systems)",
    responses={
        200: {"description": "The same activities were stored already"},
        422: {"description": "Validation findings, each with row and column"},
    },
)
def post_activities(
    access: Importer,
    request: Request,
    body: Activities,
    idempotency_key: Annotated[
        str | None, Header(alias=IDEMPOTENCY_HEADER, description="The same key stores once")
    ] = None,
) -> JSONResponse:
    """Validate and store activities as an ``ecosystem_activities`` batch, as a file would be:
    nothing is stored unless every row passes. Findings name rows as in the CSV the
    activities make: the header, then activity 1 as row 2."""
    rows = [a.model_dump(mode="json") for a in body.activities]
    fingerprint = request_sha256(request, json.dumps(rows, sort_keys=True))

    def store() -> tuple[int, Any]:
        with acting_as(access.actor):
            result = app.import_rows(
                access.workspace, "ecosystem_activities", rows, _COLUMNS, body.source
            )
        payload = {"batch": batch_json(result.batch), "created": result.created}
        return (201 if result.created else 200), payload

    return idempotent(server_of(request), access.tenant_id, idempotency_key, fingerprint, store)
