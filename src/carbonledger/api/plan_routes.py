"""The plan: targets with their checks and progress, a target's versions, the measures
library, each measure on its own, the MACC and the pathway. Each answers what the CLI command
of the same name prints, as JSON [t CO2e; currency per t CO2e]."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from carbonledger import app
from carbonledger.api.analysis_routes import plain
from carbonledger.api.run_routes import Reader, RunQuery

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}", tags=["plan"])
BasisQuery = Annotated[
    str,
    Query(pattern="^(location|market)$", description="Scope 2 basis the measures act on"),
]


@router.get("/targets", summary="Targets: progress and validity checks")
def targets(
    access: Reader,
    run: RunQuery = None,
    submitted: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> dict[str, Any]:
    """Each standing target (its latest version): progress by year against its pathway, the
    annual rate still required, and its checks against the criteria version the rules name;
    and the rules about the set of targets."""

    def compute() -> dict[str, Any]:
        return plain(app.targets(access.workspace, run, submitted))

    return access.read(("targets", run, submitted), compute)


@router.get("/targets/{target_id}/history", summary="Every version of a target")
def target_history(
    access: Reader, target_id: Annotated[str, Path(max_length=200)]
) -> list[dict[str, Any]]:
    """The versions of a target, oldest first, each with the reason it was set or revised."""
    return access.read(
        ("target-history", target_id),
        lambda: plain(app.target_history(access.workspace, target_id)),
    )


@router.get("/measure-types", summary="The measures library")
def measure_types(access: Reader) -> dict[str, Any]:
    """Each measure type: its formula, inputs with units, and the changes it makes (factor key,
    source acted on, boundary)."""
    return {name: t.model_dump(mode="json") for name, t in app.measure_types().items()}


@router.get("/measures", summary="Each measure on its own")
def measures(access: Reader, run: RunQuery = None) -> list[dict[str, Any]]:
    """Yearly effect of each measure at full implementation, before interactions: its
    activity changes, the factors that priced them and its energy-cost change."""
    return access.read(
        ("measures", run),
        lambda: plain([r.to_dict() for r in app.measure_results(access.workspace, run)]),
    )


@router.get("/macc", summary="Marginal abatement cost curve")
def macc(access: Reader, run: RunQuery = None, basis: BasisQuery = "market") -> dict[str, Any]:
    """Bars by levelised cost, as wide as each measure's abatement after interactions; the
    removals and avoided emissions outside the inventory apart."""
    return access.read(("macc", run, basis), lambda: plain(app.macc(access.workspace, run, basis)))


@router.get("/pathway", summary="Business as usual and the scenario to the horizon")
def pathway(
    access: Reader,
    run: RunQuery = None,
    horizon: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    basis: BasisQuery = "market",
    scenario: Annotated[str | None, Query(pattern="^[a-z0-9_-]+$")] = None,
) -> dict[str, Any]:
    """Yearly BAU, wedges of the measures (those of ``scenario``, default all), gross,
    removals and the residual credits must cover, beside each emission target's pathway."""
    return access.read(
        ("pathway", run, horizon, basis, scenario),
        lambda: plain(app.pathway(access.workspace, run, horizon, basis, scenario)),
    )
