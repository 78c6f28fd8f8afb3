"""The demo: a fictional group's files written as users have them, imported and summarised.

``run_demo`` writes ``inputs/<kind>.csv|xlsx`` (a few in GBK with Chinese headers, one with a
UTF-8 byte-order mark, two workbooks) so they serve as templates, creates or reopens a
workspace in the output folder, imports every file and returns a summary.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from carbonledger import app
from carbonledger.app import EVFleet, ReportContext, Sizing, Workspace
from carbonledger.app.factors import ReleaseInfo
from carbonledger.demo.ecosystem import ecosystem_lots_table
from carbonledger.demo.generate import Company, generate_tables, load_company
from carbonledger.demo.park import park_fleet
from carbonledger.errors import CarbonLedgerError
from carbonledger.options import WorkspaceConfig
from carbonledger.schema import get_schema

__all__ = ["DemoSummary", "demo_workspace", "run_demo", "write_inputs"]

# How each kind's file is written: format, encoding, and whether headers are Chinese.
_FILE_STYLES: dict[str, tuple[str, str, bool]] = {
    "entities": ("csv", "utf-8", False),
    "facilities": ("xlsx", "", False),
    "electricity": ("csv", "gbk", True),
    "stationary_fuel": ("csv", "utf-8-sig", False),
    "mobile_fuel": ("xlsx", "", False),
    "refrigerants": ("csv", "utf-8", False),
    "spend": ("csv", "gbk", True),
    "electricity_prices": ("csv", "utf-8", False),
    "fx_rates": ("csv", "utf-8", False),
    "price_index": ("csv", "utf-8", False),
    "spend_mapping": ("csv", "utf-8", False),
    "energy_instruments": ("xlsx", "", False),
    "business_travel": ("csv", "utf-8", False),
    "waste": ("csv", "gbk", True),
    "commuting": ("xlsx", "", False),
    "spend_coverage": ("csv", "utf-8", False),
    "transport_legs": ("csv", "utf-8", False),
    "package_types": ("xlsx", "", False),
    "packaging_use": ("csv", "gbk", True),
    "device_models": ("csv", "utf-8", False),
    "device_sales": ("csv", "utf-8", False),
    "customer_trips": ("csv", "gbk", True),
    "denominators": ("csv", "utf-8", False),
    "base_year_events": ("csv", "utf-8", False),
    "allocation_keys": ("csv", "utf-8", False),
    "targets": ("xlsx", "", False),
    "kpi_values": ("csv", "utf-8", False),
    "measures": ("xlsx", "", False),
    "measure_inputs": ("csv", "gbk", True),
    "credit_projects": ("csv", "utf-8", False),
    "credit_forwards": ("csv", "utf-8", False),
    "credit_blocks": ("xlsx", "", False),
    "credit_assessments": ("csv", "utf-8", False),
    "credit_retirements": ("csv", "utf-8", False),
    "claims": ("xlsx", "", False),
    "meters": ("xlsx", "", False),
    "meter_readings": ("csv", "utf-8", False),
    "equipment_output": ("csv", "utf-8", False),
    "park_designs": ("csv", "utf-8", False),
    "programmes": ("csv", "utf-8", False),
    "product_certifications": ("csv", "utf-8", False),
    "ecosystem_activities": ("csv", "utf-8", False),
    "ecosystem_lots": ("csv", "utf-8", False),
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class DemoSummary:
    """What the demo did.

    Attributes
    ----------
    workspace : Path
    imports : list of dict
        One entry per file: kind, file, format, encoding, rows, batch id, created.
    run_id : str
        The calculation run.
    year : int
        The reporting year.
    years : tuple of int
        First and last year of the run's data (the activity figures and the reconciliation
        sum them, and say so).
    emissions : list of dict
        t CO2e of the reporting year by scope, scope 2 basis and scope 3 category.
    reconciliation : list of dict
        The hybrid model's reconciliation by scope 3 category, all years [t CO2e].
    scope3 : list of dict
        Every scope 3 category: calculated, excluded with its reason, or a gap.
    reports : list of str
        Report, disclosure and evidence files written.
    plan : dict
        Targets' progress (latest year, pathway, on track), the MACC's bars and the pathway's
        target year (BAU, reductions, removals, residual for credits) [t CO2e].
    claims : list of dict
        Each neutrality claim: period, rule set, whether it is met, residual and credits
        retired for it [t CO2e], and the rules it fails.
    park : dict
        The metered park: the meter checks' findings, the metered carbon beside the
        inventory's scope 2 for the park, a zone budget's forecast, the sorter's carbon index,
        the dispatch of the design against the park without it, and the sizing.
    analysis : dict
        The consolidated inventory's headline analysis: total, 95 % interval, intensity per
        million CNY of revenue, primary-data share, and the hotspot categories.
    figures : dict of str to float or int
        Headline activity figures of the generated company.
    """

    workspace: Path
    imports: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, float | int] = field(default_factory=dict)
    run_id: str = ""
    year: int = 0
    years: tuple[int, int] = (0, 0)
    emissions: list[dict[str, Any]] = field(default_factory=list)
    reconciliation: list[dict[str, Any]] = field(default_factory=list)
    scope3: list[dict[str, Any]] = field(default_factory=list)
    analysis: dict[str, Any] = field(default_factory=dict)
    reports: list[str] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)
    park: dict[str, Any] = field(default_factory=dict)
    ecosystem: dict[str, Any] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON output."""
        return {
            "workspace": str(self.workspace),
            "imports": self.imports,
            "figures": self.figures,
            "run_id": self.run_id,
            "year": self.year,
            "years": list(self.years),
            "emissions": self.emissions,
            "reconciliation": self.reconciliation,
            "scope3": self.scope3,
            "analysis": self.analysis,
            "reports": self.reports,
            "plan": self.plan,
            "claims": self.claims,
            "park": self.park,
            "ecosystem": self.ecosystem,
            "audit": self.audit,
        }


def write_inputs(folder: Path, tables: dict[str, pd.DataFrame]) -> dict[str, Path]:
    """Write each kind's table into ``folder`` in its demo file style.

    Returns
    -------
    dict of str to Path
        File written for each kind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for kind, table in tables.items():
        file_format, encoding, chinese = _FILE_STYLES[kind]
        frame = table.rename(columns=_chinese_headers(kind)) if chinese else table
        path = folder / f"{kind}.{file_format}"
        if file_format == "csv":
            frame.to_csv(path, index=False, encoding=encoding, lineterminator="\n")
        else:
            frame.to_excel(path, index=False, sheet_name=kind)
        written[kind] = path
    return written


def _chinese_headers(kind: str) -> dict[str, str]:
    headers = {}
    for column in get_schema(kind).columns:
        chinese = [a for a in column.aliases if _CJK.search(a)]
        if chinese:
            headers[column.name] = chinese[0]
    return headers


def demo_workspace(
    folder: Path, company: Company, tables: dict[str, pd.DataFrame]
) -> tuple[Workspace, dict[str, Path]]:
    """The demo company's workspace in ``folder`` (created, or the one there) with its own
    factor release, and its input files written under ``folder / "inputs"`` (not imported).

    Returns
    -------
    workspace : Workspace
    files : dict of str to Path
        Activity kind to input file, in import order.
    """
    files = write_inputs(folder / "inputs", tables)
    files["spend_mapping"] = _copy_default_mapping(folder / "inputs")
    workspace = app.open_if_workspace(folder)
    if workspace is None:
        config = WorkspaceConfig(
            organisation=company["organisation"],
            reporting_currency=company["reporting_currency"],
            base_year=company["base_year"],
            reporting_periods=[str(company["year"])],
            proxy_regions=company["proxy_regions"],
            scope3_exclusions=company["scope3_exclusions"],
            later_year_factors=company["later_year_factors"],
        )
        workspace = app.create_workspace(folder, config)
    _add_user_factors(workspace, company["user_factor_release"], folder / "inputs")
    return workspace, files


def run_demo(out: str | Path, seed: int = 7, progress: bool = True) -> DemoSummary:
    """Generate the demo company in ``out``, import its files and summarise.

    Running it again on the same folder reuses the workspace; imports are idempotent.

    Parameters
    ----------
    out : str or Path
        Output folder (created if missing).
    seed : int, default 7
        Seed of the generator.
    progress : bool, default True
        Show a progress bar.
    """
    folder = Path(out)
    company = load_company()
    tables = generate_tables(company, seed)
    workspace, files = demo_workspace(folder, company, tables)
    summary = DemoSummary(folder)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        disable=not progress,
    ) as bar:
        task = bar.add_task("importing", total=len(files))
        for kind, path in files.items():
            bar.update(task, description=f"importing {kind}")
            result = app.import_file(workspace, kind, path)
            summary.imports.append(
                {
                    "kind": kind,
                    "file": path.name,
                    "format": path.suffix.lstrip("."),
                    "encoding": _FILE_STYLES[kind][1] or None,
                    "rows": result.batch.rows,
                    "batch_id": result.batch.batch_id,
                    "created": result.created,
                }
            )
            bar.advance(task)
    summary.figures = _activity_figures(tables)
    months = tables["electricity"]["period"].astype(str).str[:4].astype(int)
    summary.year, summary.years = int(company["year"]), (int(months.min()), int(months.max()))
    verified = [_verified(workspace, "imports")]
    view = app.open_run(workspace, app.calculate(workspace).run.run_id)
    verified.append(_verified(workspace, "calculate"))
    summary.run_id = view.run_id
    summary.emissions = _emissions(workspace, view, str(summary.year))
    summary.scope3 = app.scope3_table(workspace, view)[1].to_pylist()
    summary.ecosystem = _ecosystem_summary(workspace, company, folder / "inputs", summary.imports)
    verified.append(_verified(workspace, "ecosystem"))
    context = app.report_context(workspace, view, str(company["year"]))
    summary.analysis = _analysis(workspace, context, view)
    summary.reports = _reports(workspace, context, view, folder / "reports")
    summary.plan = _plan_summary(workspace, view)
    summary.claims = _claims_summary(context)
    summary.park = _park_summary(workspace, company, view)
    verified.append(_verified(workspace, "reports and park"))
    signed = app.checkpoint(workspace)
    summary.audit = {
        "verified": verified,
        "checkpoint": {"size": signed["size"], "root": signed["root"]},
        "verifier_key": signed["verifier_key"],
    }
    summary.reconciliation = [
        {k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()}
        for row in app.reconciliation(workspace, view)[1].to_pylist()
    ]
    return summary


def _park_summary(workspace: Workspace, company: Company, view: app.RunView) -> dict[str, Any]:
    """The metered park: checks, carbon against the inventory, a budget, the sorter's index,
    the design's dispatch against the park without it, and the sizing."""
    park = company["park"]
    year, facility = str(company["year"]), park["facility_id"]
    check = app.park_check(workspace, year)
    filled = app.park_series(workspace, year, "linear")
    carbon = app.park_carbon(workspace, year, "annual", park=filled)
    metered = next(f for f in carbon["facilities"] if f["facility"] == facility)
    _, totals = app.run_totals(workspace, ["scope", "facility"], "location", year, view)
    inventory = sum(
        r["co2e"] for r in totals.to_pylist() if r["scope"] == 2 and r["facility"] == facility
    )
    as_of = dt.date.fromisoformat(park["budget_as_of"])
    budgets = app.park_budgets(workspace, park["budget_month"], as_of, "linear")
    index = app.park_index(workspace, year, "linear")["equipment"]
    charging = park["fleet"]["zone"]
    load = app.park_load(workspace, facility, year, without_zones=[charging], park=filled)
    zone = app.park_node(workspace, _zone_meter(park, charging), "D", year, park=filled)
    fleet = EVFleet(park_fleet(company, zone["totals"]["metered"] / len(zone["rows"])))
    design, region = park["design"], _region(company, facility)
    common = {"tariff": design["tariff"], "place": park["place"], "fleet": fleet}
    without = app.park_dispatch(load, region, int(year), **common)
    with_design = app.park_dispatch(
        load,
        region,
        int(year),
        pv_kwp=design["pv_kwp"],
        tilt=design["tilt"],
        azimuth=design["azimuth"],
        derating=design["derating"],
        battery_kwh=design["battery_kwh"],
        battery_kw=design["battery_kw"],
        round_trip_efficiency=design["round_trip_efficiency"],
        **common,
    )
    costs = park["sizing"]
    sized = app.park_size(
        load,
        region,
        int(year),
        Sizing(
            costs["pv_capex"],
            costs["pv_max_kwp"],
            costs["battery_kwh_capex"],
            costs["battery_kw_capex"],
            costs["battery_max_kwh"],
            costs["lifetime_years"],
            costs["discount_rate"],
        ),
        tilt=design["tilt"],
        azimuth=design["azimuth"],
        derating=design["derating"],
        round_trip_efficiency=design["round_trip_efficiency"],
        **common,
    )

    def bill(found: dict[str, Any]) -> float:
        t = found["totals"]
        return float(t["energy_cost"] + t["demand_cost"] - t["export_revenue"] + t["shed_cost"])

    return {
        "facility": facility,
        "readings": check["readings"],
        "findings": [
            {k: f[k] for k in ("meter_id", "check", "findings", "intervals")}
            for f in check["summary"]
        ],
        "metered_t": round(metered["kg_co2e"] / 1000, 1),
        "inventory_scope2_t": round(inventory, 1),
        "budgets": [
            {k: b[k] for k in ("target", "zone", "so_far", "forecast", "budget", "exceeds")}
            for b in budgets["budgets"]
        ],
        "alerts": budgets["alerts"],
        "index": [
            {k: e[k] for k in ("meter", "output_unit", "kwh_per_unit", "kg_co2e_per_unit")}
            for e in index
        ],
        "dispatch": {
            "currency": with_design["tariff"]["currency"],
            "illustrative_tariff": with_design["tariff"]["illustrative"],
            "bill_without": round(bill(without)),
            "bill_with": round(bill(with_design)),
            "savings": round(bill(without) - bill(with_design)),
            "imports_t_without": round(without["totals"]["emissions_kg"] / 1000, 1),
            "imports_t_with": round(with_design["totals"]["emissions_kg"] / 1000, 1),
            "pv_used_mwh": round(with_design["totals"]["pv_used_kwh"] / 1000, 1),
            "steps": len(load),
            "ev_sessions": len(fleet.sessions),
        },
        "sizing": {
            k: (round(sized[k], 1) if isinstance(sized[k], float) else sized[k])
            for k in (
                "pv_kwp",
                "battery_kwh",
                "battery_kw",
                "capex",
                "annual_savings",
                "npv",
                "payback_years",
                "emissions_avoided_kg",
            )
        },
    }


def _verified(workspace: Workspace, phase: str) -> dict[str, Any]:
    """The workspace verified against its audit log after a phase of the demo."""
    found = app.verify(workspace)
    return {"phase": phase, "entries": found["entries"], "ok": found["ok"]}


def _ecosystem_summary(
    workspace: Workspace, company: Company, inputs: Path, imports: list[dict[str, Any]]
) -> dict[str, Any]:
    """Scope 3+: the programme ledger calculated, the verified lots made from it and imported
    (added to ``imports``), and each programme's progress to its goal."""
    calculation = app.calculate_ecosystem(workspace)
    counted = {
        (r["programme_id"], r["year"]): r["counted"]
        for r in app.ecosystem_lots(workspace)["by_programme_year"]
    }
    lots = write_inputs(inputs, {"ecosystem_lots": ecosystem_lots_table(company, counted)})
    result = app.import_file(workspace, "ecosystem_lots", lots["ecosystem_lots"])
    imports.append(
        {
            "kind": "ecosystem_lots",
            "file": lots["ecosystem_lots"].name,
            "format": "csv",
            "encoding": "utf-8",
            "rows": result.batch.rows,
            "batch_id": result.batch.batch_id,
            "created": result.created,
        }
    )
    progress = app.ecosystem_progress(workspace)
    overlaps = app.ecosystem_overlaps(workspace, limit=0)["summary"]
    return {
        "activities": calculation["rows"],
        "ledger_sha256": calculation["ledger_sha256"],
        "portfolio": progress["portfolios"][0],
        "programmes": [
            {
                k: p[k]
                for k in (
                    "programme_id",
                    "name",
                    "goal",
                    "cumulative",
                    "share_of_goal",
                    "forecast_at_goal_year",
                    "on_track",
                )
            }
            for p in progress["programmes"]
        ],
        "overlaps": overlaps,
        "lots": app.ecosystem_lots(workspace)["lots"],
    }


def _zone_meter(park: dict[str, Any], zone: str) -> str:
    return str(next(z["meter_id"] for z in park["zones"] if z["zone"] == zone))


def _region(company: Company, facility_id: str) -> str:
    site = next(f for f in company["facilities"] if f["facility_id"] == facility_id)
    return str(site.get("subdivision") or site["country"])


def _claims_summary(context: ReportContext) -> list[dict[str, Any]]:
    """Each claim of the report's credits context with the rules it fails."""
    claims = context.credits["claims"] if context.credits else []
    return [
        {
            "claim_id": c["claim_id"],
            "period": c["period"],
            "rule_set": c["rule_set"],
            "passed": c["passed"],
            "residual": round(c["residual"], 1),
            "retired": c["retired"],
            "failed": [x["rule"] for x in c["checks"] if x["passed"] is False],
        }
        for c in claims
    ]


def _plan_summary(workspace: Workspace, view: app.RunView) -> dict[str, Any]:
    """Progress of the group's targets, the MACC and the pathway to the near-term year."""
    plan = app.open_plan(workspace, view)
    targets = app.targets(workspace, plan)
    curve = app.macc(workspace, plan)
    near = max(t.target_year for t in plan.standing.values() if t.term == "near_term")
    path = app.pathway(workspace, plan, horizon=near)
    progress = []
    for t in targets["targets"]:
        p = t["progress"]
        latest: dict[str, Any] = next((y for y in p["years"] if y["year"] == p["latest_year"]), {})
        progress.append(
            {
                "target_id": t["target_id"],
                "version": t["version"],
                "name": t["name"],
                "unit": p["unit"],
                "base": p["base_value"],
                "latest": latest.get("actual"),
                "pathway": latest.get("pathway"),
                "target": p["target_value"],
                "on_track": p["on_track"],
                "failed_checks": [c["rule"] for c in t["checks"] if c["passed"] is False],
            }
        )
    final = path["years"][-1]
    by_scenario = {
        name: app.pathway(workspace, plan, horizon=near, scenario=name)["years"][-1]["residual"]
        for name in app.scenarios(workspace)
    }
    return {
        "scenarios": by_scenario,
        "criteria": targets["criteria"],
        "targets": progress,
        "macc": {
            "currency": curve["currency"],
            "total_abatement": curve["total_abatement"],
            "rows": [
                {k: r[k] for k in ("measure_id", "name", "abatement", "levelised_cost")}
                for r in curve["rows"]
            ],
        },
        "pathway": {
            "year": final["year"],
            "bau": final["bau_total"],
            "reductions": final["reductions"],
            "gross": final["gross_total"],
            "removals": final["removals"],
            "residual": final["residual"],
        },
    }


def _reports(
    workspace: Workspace, context: ReportContext, view: app.RunView, folder: Path
) -> list[str]:
    """The reports in both languages, the disclosure exports and the evidence pack."""
    written = [
        app.render_report(context, fmt, lang, folder / f"report.{lang}.{fmt}")
        for lang in ("en", "zh")
        for fmt in ("html", "pdf", "json")
    ]
    written.append(app.render_report(context, "xlsx", "en", folder / "report.xlsx"))
    written.append(app.render_report(context, "xlsx", "zh", folder / "report.zh.xlsx"))
    written += app.disclosure_files(context, folder)
    written.append(app.evidence(workspace, context, folder / "evidence.zip", view))
    return [str(p) for p in written]


def _analysis(workspace: Workspace, context: ReportContext, view: app.RunView) -> dict[str, Any]:
    """Headline figures of the consolidated inventory of the reporting year."""
    inv, base, change = context.inventory, context.base_year, context.year_on_year
    if base is None or change is None:
        raise CarbonLedgerError("the demo run has no base-year or previous-year data")
    total = next(u for u in inv.uncertainty if u["part"] == "total location")
    per_revenue = {
        r["scope"]: r["intensity"]
        for r in context.intensities
        if r["metric"] == "revenue" and r["entity_id"] is None
    }
    order_id = load_company()["allocation"]["sample_order"]["order_id"]
    order = app.footprint(workspace, "order", order_id, run=view)
    ahead = app.forecast(workspace, [int(inv.period or 0) + 5], view)["years"][0]
    return {
        "forecast": {"year": ahead["year"], "t_co2e": ahead["total"]},
        "sample_order": {
            "order_id": order_id,
            "kg_co2e": order["co2e"] * 1000,
            "components": order["components"],
        },
        "base_year": base["base_year_period"],
        "base_year_as_drawn": base["original"]["total"],
        "base_year_standing": base["base_year"]["total"],
        "base_year_recalculated": base["recalculated"],
        "base_year_reason": base["reason"],
        "change_since_base_year": inv.total() / base["base_year"]["total"] - 1,
        "previous_year": {
            "year": change["before"],
            "change": change["total"]["change"] / change["total"]["co2e_before"],
            "activity_effect": change["total"]["activity_effect"],
            "factor_effect": change["total"]["factor_effect"],
        },
        "approach": inv.approach,
        "total_t_co2e": inv.total(),
        "interval_95": [total["low"], total["high"]],
        "primary_data_share": total["primary_share"],
        "t_co2e_per_million_cny": per_revenue.get("total location"),
        "scope3_t_co2e_per_million_cny": per_revenue.get("3"),
        "hotspot_categories": [
            (h["category"], h["share"]) for h in inv.hotspots["category"] if h["category"]
        ],
    }


def _add_user_factors(workspace: Workspace, release: dict[str, Any], inputs: Path) -> None:
    """Copy the demo's user-factor file to the inputs and add it once as a release."""
    from importlib import resources

    target = inputs / release["file"]
    target.write_bytes(resources.files("carbonledger.demo").joinpath(release["file"]).read_bytes())
    if any(r["release_id"] == release["release_id"] for r in workspace.factor_releases()):
        return
    info = ReleaseInfo(
        release["release_id"],
        release["publisher"],
        release["dataset"],
        release["version"],
        release["published"],
        release["licence"],
        release["url"],
        (),
    )
    app.add_factor_release(workspace, target, info)


def _emissions(workspace: Workspace, view: app.RunView, period: str) -> list[dict[str, Any]]:
    """t CO2e of a period by scope (scope 2 on both bases) and by scope 3 category."""
    rows = []
    for basis in ("location", "market"):
        table = app.run_totals(workspace, ["scope", "category"], basis, period, view)[1]
        for row in table.to_pylist():
            if basis == "market" and row["scope"] != 2:
                continue
            rows.append(
                {
                    "scope": row["scope"],
                    "category": row["category"],
                    "basis": basis if row["scope"] == 2 else None,
                    "t_co2e": round(row["co2e"], 1),
                }
            )
    return sorted(rows, key=lambda r: (r["scope"], r["basis"] or "", r["category"] or 0))


def _copy_default_mapping(folder: Path) -> Path:
    """Write the default spend mapping as an editable template."""
    from importlib import resources

    target = folder / "spend_mapping.csv"
    source = resources.files("carbonledger").joinpath("data", "spend_mapping_default.csv")
    target.write_bytes(source.read_bytes())
    return target


def _activity_figures(tables: dict[str, pd.DataFrame]) -> dict[str, float | int]:
    electricity = tables["electricity"]
    grid = electricity[electricity["supply"] == "grid"]
    onsite = electricity[electricity["supply"] == "onsite_generation"]
    return {
        "entities": len(tables["entities"]),
        "facilities": len(tables["facilities"]),
        "metered grid electricity [MWh]": round(float(grid["quantity"].sum()) / 1000, 1),
        "electricity months known only from the bill": int(grid["quantity"].isna().sum()),
        "rooftop PV used on site [MWh]": round(float(onsite["quantity"].sum()) / 1000, 1),
        "fleet vehicles": int(tables["mobile_fuel"]["vehicle_id"].nunique()),
        "general-ledger lines": len(tables["spend"]),
        "energy certificates and contracts": len(tables["energy_instruments"]),
    }
