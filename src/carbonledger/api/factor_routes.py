"""The factor library of a tenant (the packaged releases and the tenant's own): search, one
factor with its release, the releases with their licences, and one activity estimated."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from carbonledger import app
from carbonledger.api.analysis_routes import plain
from carbonledger.api.run_routes import Reader
from carbonledger.api.security import Access
from carbonledger.errors import FactorNotFoundError
from carbonledger.options import DEFAULT_GWP_SET

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}", tags=["factors"])


def _library(access: Access) -> app.FactorLibrary:
    """The tenant's library, built once per workspace revision."""
    return access.read(("factor-library",), lambda: app.workspace_library(access.workspace))


@router.get("/factors", summary="Search the factor library (English or Chinese words)")
def search(
    access: Reader,
    q: Annotated[str, Query(min_length=1, max_length=200, examples=["natural gas", "天然气"])],
    region: Annotated[str | None, Query(max_length=64, examples=["GB"])] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    limit: Annotated[int, Query(ge=1, le=1_000)] = 50,
) -> list[dict[str, Any]]:
    """Factors whose key or name matches every word of ``q``."""
    return [plain(row) for row in _library(access).search(q, region, year, limit)]


@router.get("/factors/{factor_id}", summary="One factor with its release and licence")
def factor(access: Reader, factor_id: str) -> dict[str, Any]:
    """A factor row by id, with the publisher, dataset, version and licence of its release."""
    try:
        return plain(_library(access).get(factor_id))
    except FactorNotFoundError:
        raise HTTPException(404, f"no factor {factor_id!r}") from None


@router.get("/factor-releases", summary="The releases the library holds, with their licences")
def releases(access: Reader) -> list[dict[str, Any]]:
    """Each release's manifest: publisher, dataset, version, licence, tables."""
    library = _library(access)
    return [plain({"release_id": r, **library.manifest(r)}) for r in library.release_ids]


class EstimateRequest(BaseModel):
    """One activity to estimate."""

    activity_key: str = Field(examples=["fuel/natural_gas"], max_length=200)
    quantity: float = Field(examples=[1000], allow_inf_nan=False)
    unit: str = Field(examples=["therm"], max_length=64)
    region: str = Field("WORLD", examples=["US"], max_length=64)
    year: int | None = Field(None, ge=1990, le=2100, examples=[2025])
    gwp_set: str = Field(DEFAULT_GWP_SET, examples=["AR6"], max_length=32)
    heating_value_basis: str | None = Field(None, pattern="^(HHV|LHV)$", examples=["HHV"])
    strict: bool = Field(False, description="Refuse region and year fallbacks")
    stages: list[str] | None = Field(None, description="Acceptable stages in order of preference")
    proxy_regions: list[str] = Field(default_factory=list, max_length=20)


@router.post("/estimate", summary="Estimate one activity with the engine's own method code")
def estimate(access: Reader, body: EstimateRequest) -> dict[str, Any]:
    """Emissions gas by gas with each factor's id, release, match level and year gap [kg]."""
    policy = app.SelectionPolicy(
        stages=tuple(body.stages) if body.stages else app.DEFAULT_STAGE_ORDER,
        strict=body.strict,
        proxy_regions=tuple(body.proxy_regions),
    )
    result = app.estimate(
        body.activity_key,
        body.quantity,
        body.unit,
        body.region,
        body.year,
        body.gwp_set,
        body.heating_value_basis,
        policy,
        _library(access),
    )
    return plain(result.to_dict())
