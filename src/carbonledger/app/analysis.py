"""Jobs that analyse a stored run: totals, the inventory, intensity, hotspots, quality, base
year, forecast, footprints, reconciliation and the scope 3 table.

Each takes a workspace and a run (an id, an open :class:`~carbonledger.app.view.RunView`, or
None for the latest) and computes only what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from carbonledger.app.view import RunView, open_run
from carbonledger.errors import CarbonLedgerError, NotFoundError
from carbonledger.inventory import (
    Inventory,
    build_inventory,
    intensities,
    reconcile,
    scope3_coverage,
    shipment_footprints,
    tce_footprints,
    totals,
    unmatched_process_activity,
)
from carbonledger.inventory.allocation import footprint as allocate_footprint
from carbonledger.inventory.base_year import base_year_recalculation
from carbonledger.inventory.forecast import forecast as forecast_emissions
from carbonledger.inventory.hotspots import DEFAULT_PARETO_SHARE, change_decomposition, pareto
from carbonledger.inventory.ledger_sql import LedgerOnEngine, holds_period
from carbonledger.inventory.quality import quality_by
from carbonledger.inventory.uncertainty import DEFAULT_SAMPLES
from carbonledger.inventory.uncertainty import uncertainty as monte_carlo
from carbonledger.run import workspace_library
from carbonledger.store import Workspace
from carbonledger.store.periods import store_base_year

__all__ = [
    "RunRef",
    "base_year",
    "change",
    "facilities",
    "facility",
    "footprint",
    "forecast",
    "hotspots",
    "intensity",
    "inventory",
    "quality",
    "reconciliation",
    "run_totals",
    "scope3_table",
    "shipments",
    "uncertainty",
]

#: A run as the jobs take it: an id (or unique prefix), an open view, or None for the latest.
RunRef = str | RunView | None


def run_totals(
    workspace: Workspace,
    by: Sequence[str] = ("scope",),
    basis: str = "location",
    period: str | None = None,
    run: RunRef = None,
    where: Mapping[str, Sequence[str]] | None = None,
) -> tuple[RunView, pa.Table]:
    """A run's ledger totals by dimensions [t CO2e], optionally of some values of some
    dimensions only (``where``; see :func:`carbonledger.inventory.totals`); for a locked
    period without a named run, the signed-off run's."""
    view = open_run(workspace, run, period)
    return view, totals(view.ledger, list(by), basis, period, where=where)


def inventory(
    workspace: Workspace,
    run: RunRef = None,
    period: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    engine: str = "duckdb",
) -> Inventory:
    """The consolidated inventory of a run (default: the latest, or a locked period's run) for
    a period (default: the run's, or the latest year the run holds: an inventory is of one
    reporting period). ``samples`` and ``seed`` drive the Monte Carlo uncertainty; ``engine``
    aggregates the ledger (``duckdb`` here, ``spark`` on the Spark session's executors)."""
    view = open_run(workspace, run, period)
    config = workspace.config
    ledger = view.ledger if engine == "duckdb" else LedgerOnEngine(tuple(view.ledger), engine)
    return build_inventory(
        ledger,
        view.inputs.entities,
        run_id=view.run_id,
        approach=config.consolidation,
        gwp_set=view.stored.gwp_set,
        period=view.period(period),
        exclusions=config.scope3_exclusions,
        samples=samples,
        seed=seed,
    )


def uncertainty(
    workspace: Workspace,
    run: RunRef = None,
    period: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
) -> tuple[RunView, str | None, list[dict[str, Any]]]:
    """The inventory's 95 % intervals and primary-data shares, by scope and for the total, and
    nothing else of the inventory (as :attr:`Inventory.uncertainty`, the same draws): the
    view, the period and the rows [t CO2e]."""
    view = open_run(workspace, run, period)
    chosen = view.period(period)
    return view, chosen, monte_carlo(view.ledger, view.shares, chosen, samples, seed)


def intensity(
    workspace: Workspace, run: RunRef = None, period: str | None = None
) -> tuple[Inventory, list[dict[str, Any]]]:
    """Intensity metrics of the inventory: per unit of each imported denominator."""
    view = open_run(workspace, run, period)
    inv = inventory(workspace, view, period)
    return inv, intensities(inv, view.inputs.reference("denominators"))


def hotspots(
    workspace: Workspace,
    by: str = "facility",
    period: str | None = None,
    threshold: float = DEFAULT_PARETO_SHARE,
    run: RunRef = None,
    basis: str = "location",
    where: Mapping[str, Sequence[str]] | None = None,
) -> tuple[RunView, list[dict[str, Any]]]:
    """The vital few sources by a dimension (Pareto) [t CO2e], of the rows ``where`` admits
    (as :func:`run_totals`); of a locked period, from its signed-off run unless a run is
    named."""
    view = open_run(workspace, run, period)
    found = pareto(view.ledger, by, view.shares, view.period(period), threshold, basis, where)
    return view, found


def change(
    workspace: Workspace, before: str, after: str, run: RunRef = None
) -> tuple[RunView, list[dict[str, Any]]]:
    """The change from one period to another split into activity and factor effects.

    Raises
    ------
    CarbonLedgerError
        If either period is missing.
    """
    if not after:
        raise CarbonLedgerError("a comparison needs the later period too (--period)")
    view = open_run(workspace, run)
    for period in (before, after):
        if not holds_period(view.ledger, period):
            raise CarbonLedgerError(
                f"run {view.run_id[:12]} holds no data for {period}: there is nothing to "
                "compare (calculate a run that holds both periods)"
            )
    return view, change_decomposition(view.ledger, before, after, view.shares)


def quality(
    workspace: Workspace, by: str = "scope", period: str | None = None, run: RunRef = None
) -> tuple[RunView, list[dict[str, Any]]]:
    """Data quality by a dimension: primary-data share and pedigree scores; of a locked
    period, from its signed-off run unless a run is named."""
    view = open_run(workspace, run, period)
    return view, quality_by(view.ledger, by, view.shares, view.period(period))


def forecast(workspace: Workspace, years: Sequence[int], run: RunRef = None) -> dict[str, Any]:
    """Next years' emissions by scope from a run holding at least one year (two or more give
    activity trends); see :mod:`carbonledger.inventory.forecast`."""
    view = open_run(workspace, run)
    return {
        "run_id": view.run_id,
        **forecast_emissions(
            view.ledger,
            view.inputs.reference("facilities"),
            view.inputs.entities,
            workspace_library(workspace),
            list(years),
            view.shares,
        ),
    }


def base_year(workspace: Workspace, run: RunRef = None, store: bool = False) -> dict[str, Any]:
    """The workspace's base year, its events and whether they recalculate it [t CO2e];
    ``store`` keeps the result as a new base-year version.

    Raises
    ------
    CarbonLedgerError
        If the run holds no data for the base year.
    """
    view = open_run(workspace, run)
    config = workspace.config
    record = base_year_recalculation(
        view.ledger,
        view.inputs.entities,
        view.inputs.reference("base_year_events"),
        base_year=config.base_year,
        approach=config.consolidation,
        threshold=config.recalculation_threshold,
    )
    if not record["original"]["total"]:
        raise CarbonLedgerError(
            f"run {view.run_id[:12]} has no data for the base year {config.base_year}"
        )
    result = {"run_id": view.run_id, **record}
    if store:
        result["version"] = store_base_year(workspace, config.base_year, view.run_id, result)
    return result


def footprint(
    workspace: Workspace,
    consumer_type: str,
    consumer_id: str,
    basis: str = "location",
    run: RunRef = None,
) -> dict[str, Any]:
    """The footprint of a shipment, order, customer or product line [t CO2e].

    Raises
    ------
    CarbonLedgerError
        If no allocation key or transport leg names the consumer.
    """
    view = open_run(workspace, run)
    result = allocate_footprint(
        view.ledger,
        view.inputs.reference("allocation_keys"),
        consumer_type,
        consumer_id,
        [path for _, path in view.inputs.batches.get("transport_legs", [])],
        view.shares,
        basis,
    )
    if not result["components"]:
        raise CarbonLedgerError(
            f"no allocation or transport leg names {consumer_type} {consumer_id!r}"
        )
    return {"run_id": view.run_id, **result}


def shipments(
    workspace: Workspace, by: str = "shipment", run: RunRef = None
) -> tuple[RunView, pa.Table]:
    """Transport footprints per shipment or transport chain element, iLEAP fields.

    Raises
    ------
    CarbonLedgerError
        If ``by`` is neither tce nor shipment, or no transport legs were imported.
    """
    if by not in ("tce", "shipment"):
        raise CarbonLedgerError(f"--by must be tce or shipment, got {by!r}")
    view = open_run(workspace, run)
    legs = [path for _, path in view.inputs.batches.get("transport_legs", [])]
    if not legs:
        raise CarbonLedgerError("no transport_legs imported")
    table = tce_footprints(view.ledger, legs)
    return view, shipment_footprints(table) if by == "shipment" else table


def reconciliation(workspace: Workspace, run: RunRef = None) -> tuple[RunView, pa.Table, pa.Table]:
    """The hybrid model's reconciliation and the process results that matched no spend line."""
    view = open_run(workspace, run)
    return view, reconcile(view.ledger), unmatched_process_activity(view.ledger)


def scope3_table(
    workspace: Workspace, run: RunRef = None, language: str = "en"
) -> tuple[RunView, pa.Table]:
    """Every scope 3 category: calculated, excluded (with the reason) or a gap [t CO2e]."""
    view = open_run(workspace, run)
    return view, scope3_coverage(view.ledger, workspace.config.scope3_exclusions, language)


def facilities(
    workspace: Workspace, period: str | None = None, run: RunRef = None
) -> dict[str, Any]:
    """Every facility of the workspace with its emissions on both scope 2 bases [t CO2e],
    largest first (those without emissions in the period too)."""
    view = open_run(workspace, run, period)
    chosen = view.period(period)
    sums = {
        basis: {
            r["facility"]: r["co2e"]
            for r in totals(view.ledger, ["facility"], basis, chosen).to_pylist()
        }
        for basis in ("location", "market")
    }
    rows = [
        {
            **{k: f[k] for k in ("facility_id", "name", "facility_type", "country", "subdivision")},
            "co2e_location": sums["location"].get(f["facility_id"], 0.0),
            "co2e_market": sums["market"].get(f["facility_id"], 0.0),
        }
        for f in view.inputs.reference("facilities").to_pylist()
    ]
    rows.sort(key=lambda r: -r["co2e_location"])
    return {"run_id": view.run_id, "period": chosen, "unit": "t CO2e", "rows": rows}


def facility(
    workspace: Workspace, facility_id: str, period: str | None = None, run: RunRef = None
) -> dict[str, Any]:
    """One facility's emissions by scope (both scope 2 bases), month and method [t CO2e].

    Raises
    ------
    NotFoundError
        If the workspace defines no such facility.
    """
    view = open_run(workspace, run, period)
    known = view.inputs.reference("facilities").to_pylist()
    found = next((f for f in known if f["facility_id"] == facility_id), None)
    if found is None:
        raise NotFoundError(f"no facility {facility_id!r} in the imported facilities")
    chosen = view.period(period)
    where = {"facility": [facility_id]}

    def by(dimensions: list[str], basis: str = "location") -> list[dict[str, Any]]:
        return totals(view.ledger, dimensions, basis, chosen, where=where).to_pylist()

    return {
        "run_id": view.run_id,
        "period": chosen,
        "unit": "t CO2e",
        "facility": {k: v for k, v in found.items() if k != "source_row"},
        "scopes": {"location": by(["scope"]), "market": by(["scope"], "market")},
        "months": by(["month"]),
        "methods": by(["scope", "method"]),
    }
