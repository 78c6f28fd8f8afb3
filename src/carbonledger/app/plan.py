"""Plan jobs: targets with their validity and progress, measures, the MACC and the pathway.

They read a run's inventory (through :class:`RunView`) and the workspace's plan tables
(``targets``, ``measures``, ``measure_inputs``, ``kpi_values``, ``sector_pathways``, imported
like any other file); the factor library turns measures' activity changes into emissions under
the workspace's selection policy. Nothing here changes the inventory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pyarrow as pa

from carbonledger.app.analysis import RunRef, base_year, forecast
from carbonledger.app.factors import estimate
from carbonledger.app.view import RunView, open_run
from carbonledger.errors import CarbonLedgerError, NotFoundError
from carbonledger.inventory import totals
from carbonledger.plan import (
    EMISSION_KINDS,
    Cell,
    EmissionLookup,
    Measure,
    MeasureResult,
    MeasureType,
    Pathway,
    Rules,
    SectorPathway,
    Target,
    TargetKind,
    build_macc,
    calculate_measure,
    check_portfolio,
    check_target,
    latest_versions,
    load_measure_types,
    load_rules,
    scenario_pathway,
    target_progress,
)
from carbonledger.run import read_reference, workspace_library, workspace_policy
from carbonledger.store import Workspace

__all__ = [
    "BAU_TREND_YEARS",
    "PLAN_KINDS",
    "PlanView",
    "macc",
    "measure_results",
    "measure_types",
    "open_plan",
    "pathway",
    "scenarios",
    "target_history",
    "targets",
]

#: The tables the plan reads (imported like activity files, not inputs of a run).
PLAN_KINDS = ("targets", "measures", "measure_inputs", "kpi_values", "sector_pathways")
_BY = ["scope", "category", "method", "facility", "entity"]
#: Years the business-as-usual pathway follows the forecast's trends before holding flat.
BAU_TREND_YEARS = 5


@dataclass
class PlanView:
    """A run's inventory seen by the plan, with the workspace's plan tables read once.

    Attributes
    ----------
    view : RunView
    rules : Rules
    types : dict of str to MeasureType
    """

    view: RunView
    rules: Rules
    types: dict[str, MeasureType]

    @property
    def workspace(self) -> Workspace:
        """The workspace."""
        return self.view.workspace

    @cached_property
    def tables(self) -> dict[str, pa.Table]:
        """The plan tables by kind (empty where not imported)."""
        return {kind: read_reference(self.workspace, kind) for kind in PLAN_KINDS}

    @cached_property
    def years(self) -> list[int]:
        """Years the run holds."""
        months = totals(self.view.ledger, ["month"], shares=self.view.shares)["month"]
        return sorted({int(m[:4]) for m in months.to_pylist() if m})

    def cells(self, year: int, basis: str) -> list[dict[str, Any]]:
        """Emissions of a year by scope, category, method, facility and entity [t CO2e]."""
        key = (year, basis)
        if key not in self._cells:
            table = totals(self.view.ledger, _BY, basis, str(year), self.view.shares)
            self._cells[key] = table.to_pylist()
        return self._cells[key]

    def __post_init__(self) -> None:
        self._cells: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self._results: dict[str | None, list[MeasureResult]] = {}

    @cached_property
    def emission_of(self) -> EmissionLookup:
        """The factor lookup measures are priced with (the workspace's library, read once)."""
        return _lookup(self.workspace)

    @cached_property
    def base_year_record(self) -> dict[str, Any] | None:
        """The workspace's base-year recalculation, or None where the run lacks that year."""
        if self.workspace.config.base_year not in self.years:
            return None
        return base_year(self.workspace, self.view)

    @cached_property
    def targets(self) -> list[Target]:
        """Every version of every target."""
        return [Target.from_row(r) for r in self.tables["targets"].to_pylist()]

    @cached_property
    def standing(self) -> dict[str, Target]:
        """The standing version of each target."""
        return latest_versions(self.targets)


def open_plan(
    workspace: Workspace,
    run: RunRef = None,
    rules_file: str | None = None,
    types_file: str | None = None,
) -> PlanView:
    """The plan of a run (default: the latest), with the packaged rules and measure types or
    the user's files."""
    view = run.view if isinstance(run, PlanView) else open_run(workspace, run)
    return PlanView(view, load_rules(rules_file), load_measure_types(types_file))


def _plan(workspace: Workspace, run: RunRef | PlanView) -> PlanView:
    return run if isinstance(run, PlanView) else open_plan(workspace, run)


# -- targets -----------------------------------------------------------------------------


def _in_boundary(target: Target, row: Mapping[str, Any]) -> bool:
    if row["scope"] not in target.scopes:
        return False
    if (
        row["scope"] == 3
        and target.scope3_categories
        and (row["category"] not in target.scope3_categories)
    ):
        return False
    if target.entity_id and row["entity"] != target.entity_id:
        return False
    return not (target.facility_id and row["facility"] != target.facility_id)


def _covered(plan: PlanView, target: Target, year: int) -> dict[int, float]:
    out: dict[int, float] = {}
    for row in plan.cells(year, target.scope2_basis):
        if _in_boundary(target, row):
            out[row["scope"]] = out.get(row["scope"], 0.0) + (row["co2e"] or 0.0)
    return out


def _company(plan: PlanView, year: int, basis: str) -> dict[int, float]:
    out: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.0}
    for row in plan.cells(year, basis):
        out[row["scope"]] += row["co2e"] or 0.0
    return out


def _restated(plan: PlanView, target: Target, covered: Mapping[int, float]) -> dict[int, float]:
    """The boundary's base-year emissions, scaled per scope by the base-year recalculation
    where it recalculated the base year (location-based; the ratio is applied to the basis)."""
    record = plan.base_year_record
    if (
        record is None
        or not record["recalculated"]
        or target.base_year != int(record["base_year_period"])
    ):
        return dict(covered)
    original, restated = record["original"]["by_scope"], record["base_year"]["by_scope"]
    return {
        scope: value * (restated.get(scope, 0.0) / original[scope] if original.get(scope) else 1)
        for scope, value in covered.items()
    }


def _denominator(plan: PlanView, metric: str, entity: str | None) -> tuple[dict[int, float], str]:
    table = plan.view.inputs.reference("denominators").to_pylist()
    values: dict[int, float] = {}
    units = set()
    for row in table:
        if row["metric"] == metric and row["entity_id"] == entity:
            year = int(row["period"][:4])
            values[year] = values.get(year, 0.0) + row["value"]
            units.add(row["unit"])
    if not values:
        raise CarbonLedgerError(
            f"no denominators row of metric {metric!r}"
            + (f" for entity {entity}" if entity else " for the group (blank entity)")
        )
    return values, "/".join(sorted(units))


def _kpi(plan: PlanView, kpi: str, entity: str | None) -> dict[int, float]:
    return {
        int(r["period"]): r["value"]
        for r in plan.tables["kpi_values"].to_pylist()
        if r["kpi"] == kpi and r["entity_id"] == entity
    }


def _sector(plan: PlanView, target: Target, company: Mapping[int, float]) -> SectorPathway:
    rows = [r for r in plan.tables["sector_pathways"].to_pylist() if r["sector"] == target.sector]
    if not rows:
        raise CarbonLedgerError(
            f"target {target.target_id}: no sector_pathways rows for sector {target.sector!r}"
        )
    return SectorPathway(
        target.sector or "",
        {r["year"]: r["intensity"] for r in rows},
        {r["year"]: r["activity"] for r in rows if r["activity"] is not None},
        company,
    )


def _progress(plan: PlanView, target: Target) -> dict[str, Any]:
    """The progress of one target, with the figures it rests on."""
    rules, held = plan.rules, [y for y in plan.years if y >= target.base_year]
    if target.kind in (TargetKind.RENEWABLE_SHARE, TargetKind.KPI):
        assert target.kpi is not None
        actual = _kpi(plan, target.kpi, target.entity_id)
        base = target.base_value if target.base_value is not None else actual.get(target.base_year)
        if base is None:
            raise CarbonLedgerError(
                f"target {target.target_id}: no {target.kpi} value for the base year "
                f"{target.base_year} (kpi_values) and no base_value"
            )
        unit = target.unit or ("share" if target.kind is TargetKind.RENEWABLE_SHARE else "")
        return target_progress(target, actual, base, rules, unit=unit).to_dict()
    emissions = {y: sum(_covered(plan, target, y).values()) for y in held}
    base_emissions = _base_emissions(plan, target)
    if target.kind in (TargetKind.INTENSITY, TargetKind.SDA):
        assert target.metric is not None
        denominator, unit = _denominator(plan, target.metric, target.entity_id)
        if target.base_year not in denominator:
            raise CarbonLedgerError(
                f"target {target.target_id}: no {target.metric} denominator for the base year"
            )
        intensity = {y: emissions[y] / denominator[y] for y in held if denominator.get(y)}
        sda = _sector(plan, target, denominator) if target.kind is TargetKind.SDA else None
        return target_progress(
            target,
            intensity,
            base_emissions / denominator[target.base_year],
            rules,
            unit=f"t CO2e / {unit}",
            emissions=emissions,
            denominator=denominator,
            sda=sda,
        ).to_dict()
    return target_progress(target, emissions, base_emissions, rules, unit="t CO2e").to_dict()


def _base_emissions(plan: PlanView, target: Target) -> float:
    if target.base_value is not None:
        return float(target.base_value)
    if target.base_year not in plan.years:
        raise CarbonLedgerError(
            f"target {target.target_id}: run {plan.view.run_id[:12]} holds no data for its "
            f"base year {target.base_year}; calculate a run that does, or give base_value"
        )
    return sum(_restated(plan, target, _covered(plan, target, target.base_year)).values())


def targets(
    workspace: Workspace, run: RunRef | PlanView = None, submitted: int | None = None
) -> dict[str, Any]:
    """Each standing target with its validity checks and progress, and the portfolio rules.

    Parameters
    ----------
    workspace : Workspace
    run : str, RunView or PlanView, optional
    submitted : int, optional
        Year the targets are submitted, for the timeframe rule where a target does not say
        (default: the year after the run's latest year).

    Raises
    ------
    CarbonLedgerError
        If no targets were imported, or a target lacks the data its kind needs.
    """
    plan = _plan(workspace, run)
    if not plan.standing:
        raise CarbonLedgerError("no targets imported: import a targets file first")
    latest = plan.years[-1] if plan.years else None
    submitted = submitted or (latest + 1 if latest else None)
    rows = []
    for target in plan.standing.values():
        checks: list[dict[str, Any]] = []
        if target.kind in EMISSION_KINDS and target.base_year in plan.years:
            covered = _covered(plan, target, target.base_year)
            company = _company(plan, target.base_year, target.scope2_basis)
            restated = sum(_restated(plan, target, covered).values())
            results = check_target(
                target,
                covered,
                company,
                plan.rules,
                submitted=submitted or target.base_year,
                restated_base=restated,
            )
            checks = [r.to_dict() for r in results]
        elif target.kind not in EMISSION_KINDS:
            results = check_target(
                target, {}, {}, plan.rules, submitted=submitted or target.base_year
            )
            checks = [r.to_dict() for r in results]
        rows.append(
            {
                "target_id": target.target_id,
                "version": target.version,
                "name": target.name,
                "kind": target.kind.value,
                "description": target.describe(),
                "milestone_of": target.milestone_of,
                "paired_with": target.paired_with,
                "reason": target.reason,
                "checks": checks,
                "progress": _progress(plan, target),
            }
        )
    portfolio: list[dict[str, Any]] = []
    base = workspace.config.base_year
    if base in plan.years:
        company = _company(plan, base, "market")
        checked = check_portfolio(list(plan.standing.values()), company, plan.rules)
        portfolio = [r.to_dict() for r in checked]
    return {
        "run_id": plan.view.run_id,
        "criteria": [plan.rules.criteria_name(k) for k in plan.rules.data["criteria"]],
        "submitted": submitted,
        "targets": rows,
        "portfolio": portfolio,
    }


def target_history(workspace: Workspace, target_id: str) -> list[dict[str, Any]]:
    """Every version of a target, oldest first, with the reason of each.

    Raises
    ------
    NotFoundError
        If no target has that id.
    """
    rows = [
        r for r in read_reference(workspace, "targets").to_pylist() if r["target_id"] == target_id
    ]
    if not rows:
        raise NotFoundError(f"no target {target_id!r}")
    return [
        {k: v for k, v in r.items() if k != "source_row"}
        for r in sorted(rows, key=lambda r: r["version"])
    ]


# -- measures ------------------------------------------------------------------------------


def measure_types(types_file: str | None = None) -> dict[str, MeasureType]:
    """The measures library: the packaged types and a user's file of more."""
    return load_measure_types(types_file)


def _lookup(workspace: Workspace) -> EmissionLookup:
    library = workspace_library(workspace)
    policy = workspace_policy(workspace.config)
    gwp_set = workspace.config.gwp_set

    def emission_of(
        key: str, quantity: float, unit: str, region: str, year: int
    ) -> tuple[float, list[str], list[str]]:
        result = estimate(
            key, quantity, unit, region, year, gwp_set, policy=policy, library=library
        )
        return (
            result.co2e / 1000,
            [r["factor_id"] for r in result.rows],
            sorted({r["release_id"] for r in result.rows}),
        )

    return emission_of


def _region(facilities: dict[str, dict[str, Any]], row: Mapping[str, Any]) -> str:
    if row["region"]:
        return str(row["region"])
    facility = facilities.get(row["facility_id"] or "")
    if facility is None:
        raise CarbonLedgerError(
            f"measure {row['measure_id']}: give its region, or a facility_id of the facilities "
            "table whose place sets it"
        )
    return str(facility["grid_region"] or facility["subdivision"] or facility["country"])


def _in_scenario(row: Mapping[str, Any], scenario: str | None) -> bool:
    """Whether a measures row belongs to ``scenario`` (None: every measure; a blank
    ``scenarios`` cell: every scenario)."""
    if scenario is None or not row["scenarios"]:
        return True
    return scenario in row["scenarios"].split(",")


def _scenario_names(rows: list[dict[str, Any]]) -> list[str]:
    return sorted({name for row in rows for name in (row["scenarios"] or "").split(",") if name})


def scenarios(workspace: Workspace) -> list[str]:
    """The scenarios the workspace's measures name, sorted."""
    return _scenario_names(read_reference(workspace, "measures").to_pylist())


def _measures(plan: PlanView, scenario: str | None = None) -> list[Measure]:
    inputs: dict[str, dict[str, tuple[float, str]]] = {}
    for row in plan.tables["measure_inputs"].to_pylist():
        inputs.setdefault(row["measure_id"], {})[row["input"]] = (row["value"], row["unit"] or "")
    facilities = {f["facility_id"]: f for f in plan.view.inputs.reference("facilities").to_pylist()}
    measures = []
    for row in plan.tables["measures"].to_pylist():
        if not _in_scenario(row, scenario):
            continue
        if row["measure_type"] not in plan.types:
            raise CarbonLedgerError(
                f"measure {row['measure_id']}: unknown measure type {row['measure_type']!r}; "
                f"the library has {', '.join(sorted(plan.types))}"
            )
        measures.append(
            Measure(
                measure_id=row["measure_id"],
                measure_type=row["measure_type"],
                name=row["name"],
                region=_region(facilities, row),
                start_year=row["start_year"],
                lifetime=row["lifetime_years"],
                currency=row["currency"],
                facility_id=row["facility_id"],
                ramp_years=row["ramp_years"] or 1,
                capex=row["capex"] or 0.0,
                opex_change=row["opex_change"] or 0.0,
                discount_rate=row["discount_rate"] or 0.0,
                inputs=inputs.get(row["measure_id"], {}),
                cost_note=row["cost_note"],
            )
        )
    return measures


def measure_results(
    workspace: Workspace, run: RunRef | PlanView = None, scenario: str | None = None
) -> list[MeasureResult]:
    """Each measure's standalone yearly effect at full implementation, its factors named.

    Raises
    ------
    CarbonLedgerError
        If no measures were imported, or one cannot be calculated (naming it and why).
    """
    plan = _plan(workspace, run)
    if scenario in plan._results:  # the MACC and the pathway of one plan price them once
        return plan._results[scenario]
    named = _scenario_names(plan.tables["measures"].to_pylist())
    if scenario is not None and scenario not in named:
        raise CarbonLedgerError(
            f"no measure is in scenario {scenario!r}; the measures name "
            f"{', '.join(named) or 'no scenario'}"
        )
    measures = _measures(plan, scenario)
    if not measures:
        raise CarbonLedgerError("no measures imported: import a measures file first")
    results = [calculate_measure(plan.types[m.measure_type], m, plan.emission_of) for m in measures]
    plan._results[scenario] = results
    return results


def _cells(plan: PlanView, year: int, basis: str) -> dict[Cell, float]:
    """The year's emissions by cell; scope 2 methods without their basis suffix, so a cell
    is the same on both bases (``electricity_location`` and ``electricity_market`` are
    ``electricity``)."""
    cells: dict[Cell, float] = {}
    for row in plan.cells(year, basis):
        method = row["method"].removesuffix("_location").removesuffix("_market")
        cell = (row["scope"], row["category"], method, row["facility"])
        cells[cell] = cells.get(cell, 0.0) + (row["co2e"] or 0.0)
    return cells


def _latest(plan: PlanView) -> int:
    if not plan.years:
        raise CarbonLedgerError(f"run {plan.view.run_id[:12]} holds no emissions")
    return plan.years[-1]


def macc(
    workspace: Workspace, run: RunRef | PlanView = None, basis: str = "market"
) -> dict[str, Any]:
    """The MACC of the measures on the run's latest year [t CO2e a year, currency per t].

    Raises
    ------
    CarbonLedgerError
        If no measures were imported or their costs are in several currencies.
    """
    plan = _plan(workspace, run)
    results = measure_results(workspace, plan)
    year = _latest(plan)
    try:
        curve, ordered = build_macc(
            results,
            _cells(plan, year, basis),
            basis,
            workspace.config.reporting_currency,
            _cells(plan, year, "location"),
        )
    except ValueError as exc:
        raise CarbonLedgerError(str(exc)) from exc
    return {
        "run_id": plan.view.run_id,
        "year": year,
        **curve.to_dict(),
        "measures": [r.to_dict() for r in ordered],
    }


def _growth(
    workspace: Workspace, plan: PlanView, latest: int, horizon: int
) -> tuple[dict[int, dict[int, float]], str]:
    """Each scope's BAU emissions as a ratio to the latest year: the forecast for the next
    :data:`BAU_TREND_YEARS` years, then held at the last of them."""
    growth: dict[int, dict[int, float]] = {latest: {1: 1.0, 2: 1.0, 3: 1.0}}
    trend = list(range(latest + 1, min(horizon, latest + BAU_TREND_YEARS) + 1))
    if not trend:
        return growth, ""
    projected = forecast(workspace, trend, plan.view)
    actual = _company(plan, latest, "location")
    for row in projected["years"]:
        growth[row["year"]] = {
            s: (row.get(f"scope_{s}", 0.0) / actual[s]) if actual[s] else 1.0 for s in (1, 2, 3)
        }
    for year in range(trend[-1] + 1, horizon + 1):
        growth[year] = growth[trend[-1]]
    method = (
        f"{projected['method']}; trends for {BAU_TREND_YEARS} years ({trend[0]}-{trend[-1]}), "
        "then held flat (activity trends are not extrapolated further)"
    )
    return growth, method


def pathway(
    workspace: Workspace,
    run: RunRef | PlanView = None,
    horizon: int | None = None,
    basis: str = "market",
    scenario: str | None = None,
) -> dict[str, Any]:
    """Business as usual and a scenario of measures to the horizon (default: the latest
    target year), in the mitigation order, with each emission target's pathway beside it.
    ``scenario`` names the measures' scenario (default: every measure).

    Raises
    ------
    CarbonLedgerError
        If no measures were imported.
    """
    plan = _plan(workspace, run)
    latest = _latest(plan)
    target_years = [t.target_year for t in plan.standing.values()]
    horizon = horizon or max(target_years, default=latest + 10)
    results = measure_results(workspace, plan, scenario)
    cells, reference = _cells(plan, latest, basis), _cells(plan, latest, "location")
    try:
        curve, ordered = build_macc(
            results, cells, basis, workspace.config.reporting_currency, reference
        )
    except ValueError as exc:
        raise CarbonLedgerError(str(exc)) from exc
    growth, method = _growth(workspace, plan, latest, horizon)
    path: Pathway = scenario_pathway(ordered, cells, growth, basis, reference)
    lines = []
    for target in plan.standing.values():
        if target.kind not in (TargetKind.ABSOLUTE, TargetKind.NET_ZERO, TargetKind.NEUTRALITY):
            continue
        try:
            base = _base_emissions(plan, target)
        except CarbonLedgerError:
            continue
        lines.append(
            {
                "target_id": target.target_id,
                "name": target.name,
                "scopes": list(target.scopes),
                "kind": target.kind.value,
                "values": {
                    y: target.pathway(base, y, plan.rules)
                    for y in range(target.base_year, target.target_year + 1)
                },
            }
        )
    return {
        "run_id": plan.view.run_id,
        "scenario": scenario,
        "latest_year": latest,
        "horizon": horizon,
        "bau_method": method,
        "order": [r.measure.measure_id for r in ordered],
        "names": {r.measure.measure_id: r.measure.name for r in ordered},
        "macc_total": curve.total_abatement,
        **path.to_dict(),
        "targets": lines,
    }
