"""The demo's closing summary, as tables on the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from carbonledger.cli._output import rich_table
from carbonledger.demo import DemoSummary

__all__ = ["print_demo_summary"]


def print_demo_summary(summary: DemoSummary, console: Console) -> None:
    """Print the closing summary tables of :func:`carbonledger.demo.run_demo`."""
    rows = [
        (
            i["kind"],
            i["file"],
            i["encoding"] or i["format"],
            i["rows"],
            i["batch_id"][:12],
            "new" if i["created"] else "already stored",
        )
        for i in summary.imports
    ]
    console.print(
        rich_table("Imported batches", ["kind", "file", "format", "rows", "batch", "status"], rows)
    )
    first, last = summary.years
    span = f"{first}-{last}, all years summed"
    console.print(
        rich_table(
            f"Activity of the demo company, {span}",
            ["figure", "value"],
            list(summary.figures.items()),
        )
    )
    labels = [(_label(e), e["t_co2e"]) for e in summary.emissions]
    console.print(
        rich_table(
            f"Emissions {summary.year} (t CO2e), run {summary.run_id[:12]}",
            ["source", "t CO2e"],
            labels,
        )
    )
    columns = [
        "category",
        "spend estimate",
        "superseded",
        "process",
        "active total",
        "lines replaced",
    ]
    console.print(
        rich_table(
            f"Hybrid model reconciliation, scope 3, {span} (t CO2e)",
            columns,
            [tuple(r.values()) for r in summary.reconciliation],
        )
    )
    console.print(
        rich_table(
            f"Scope 3 categories, {span} (t CO2e)",
            ["category", "status", "t CO2e", "methods / reason"],
            [
                (
                    f"{r['category']} {r['name']}",
                    r["status"],
                    round(r["co2e_t"], 1),
                    r["methods_used"] or r["reason"] or "",
                )
                for r in summary.scope3
            ],
        )
    )
    _print_analysis(summary, console)
    _print_plan(summary, console)
    _print_claims(summary, console)
    _print_park(summary, console)
    _print_ecosystem(summary, console)
    _print_audit(summary, console)
    console.print(f"Reports, disclosures and evidence pack in {summary.workspace / 'reports'}")
    console.print(
        f"Workspace: [bold]{summary.workspace}[/]; "
        f"input templates in {summary.workspace / 'inputs'}"
    )


def _print_analysis(summary: DemoSummary, console: Console) -> None:
    """The reporting year's consolidated inventory: one table per unit."""
    a = summary.analysis
    year, before = summary.year, a["previous_year"]["year"]
    standing = "recalculated" if a["base_year_recalculated"] else "standing"
    console.print(
        rich_table(
            f"Consolidated inventory {year}, {a['approach']} (t CO2e)",
            ["figure", "t CO2e"],
            [
                (f"base year {a['base_year']} as drawn", a["base_year_as_drawn"]),
                (f"base year {a['base_year']} {standing}", a["base_year_standing"]),
                (f"total {year}, location-based", a["total_t_co2e"]),
                ("95 % interval, low", a["interval_95"][0]),
                ("95 % interval, high", a["interval_95"][1]),
                (f"change since {before}: activity effect", a["previous_year"]["activity_effect"]),
                (f"change since {before}: factor effect", a["previous_year"]["factor_effect"]),
                (f"trend forecast {a['forecast']['year']}", a["forecast"]["t_co2e"]),
            ],
        )
    )
    console.print(
        rich_table(
            f"Shares and changes {year}",
            ["figure", "share"],
            [
                ("change since the base year", a["change_since_base_year"]),
                (f"change since {before}", a["previous_year"]["change"]),
                ("primary data", a["primary_data_share"]),
                *((f"hotspot: scope 3 category {c}", s) for c, s in a["hotspot_categories"]),
            ],
            percent=("share",),
        )
    )
    console.print(
        rich_table(
            f"Intensity {year} (t CO2e per million CNY of revenue)",
            ["scope", "t CO2e / MCNY"],
            [
                ("total, location-based", a["t_co2e_per_million_cny"]),
                ("scope 3", a["scope3_t_co2e_per_million_cny"]),
            ],
        )
    )
    order = a["sample_order"]
    console.print(f"Footprint of order {order['order_id']}: {order['kg_co2e']:,.3f} kg CO2e")
    console.print(f"Base-year recalculation: {a['base_year_reason']}")


def _print_plan(summary: DemoSummary, console: Console) -> None:
    """Targets' progress, the MACC and the pathway."""
    plan = summary.plan
    status = {True: "on track", False: "off track"}
    console.print(
        rich_table(
            f"Targets ({'; '.join(plan['criteria'])})",
            ["target", "base", "latest", "pathway", "target", "status", "unit"],
            [
                (
                    f"{t['target_id']} v{t['version']}",
                    t["base"],
                    t["latest"],
                    t["pathway"],
                    t["target"],
                    status.get(t["on_track"], "-"),
                    t["unit"],
                )
                for t in plan["targets"]
            ],
        )
    )
    macc = plan["macc"]
    console.print(
        rich_table(
            f"MACC: {macc['total_abatement']:,.0f} t CO2e a year (costs illustrative)",
            ["measure", "t CO2e a year", f"{macc['currency']} per t"],
            [(r["name"], r["abatement"], r["levelised_cost"]) for r in macc["rows"]],
        )
    )
    p = plan["pathway"]
    console.print(
        f"Pathway {p['year']}: BAU {p['bau']:,.0f}, reductions {p['reductions']:,.0f}, "
        f"removals {p['removals']:,.0f}, residual for credits {p['residual']:,.0f} t CO2e"
    )
    for name, residual in plan["scenarios"].items():
        console.print(f"  scenario {name}: residual {residual:,.0f} t CO2e in {p['year']}")


def _print_claims(summary: DemoSummary, console: Console) -> None:
    """Each neutrality claim: met or not, and the rules it fails."""
    console.print(
        rich_table(
            "Neutrality claims (t CO2e)",
            ["claim", "period", "rule set", "residual", "retired", "met", "rules failed"],
            [
                (
                    c["claim_id"],
                    c["period"],
                    c["rule_set"],
                    c["residual"],
                    c["retired"],
                    "yes" if c["passed"] else "no",
                    ", ".join(c["failed"]),
                )
                for c in summary.claims
            ],
        )
    )


def _print_park(summary: DemoSummary, console: Console) -> None:
    """The metered park: what the checks found, carbon beside the inventory, budgets, the
    dispatch of the design and the sizing."""
    park = summary.park
    findings = [(f["meter_id"], f["check"], f["intervals"]) for f in park["findings"]]
    title = f"Park {park['facility']}: {park['readings']:,} meter readings, findings"
    console.print(rich_table(title, ["meter", "check", "intervals"], findings))
    console.print(
        f"metered grid electricity {park['metered_t']:,} t CO2e; the inventory's scope 2 "
        f"(location) for the park {park['inventory_scope2_t']:,} t"
    )
    for alert in park["alerts"]:
        console.print(f"[bold red]budget alert[/]: {alert}")
    d, s = park["dispatch"], park["sizing"]
    currency = d["currency"] + (" (illustrative tariff)" if d["illustrative_tariff"] else "")
    rows = [
        (f"bill [{currency}]", d["bill_without"], d["bill_with"]),
        ("grid emissions [t CO2e]", d["imports_t_without"], d["imports_t_with"]),
    ]
    title = (
        f"Dispatch of a year ({d['steps']:,} steps, {d['ev_sessions']:,} EV sessions): "
        f"saves {d['savings']:,} {d['currency']}"
    )
    console.print(rich_table(title, ["", "without PV and battery", "with them"], rows))
    payback = s["payback_years"]
    console.print(
        f"sizing: {s['pv_kwp']:,.0f} kWp PV, {s['battery_kwh']:,.0f} kWh / "
        f"{s['battery_kw']:,.0f} kW battery, capex {s['capex']:,.0f}, NPV {s['npv']:,.0f}, "
        f"payback {payback if payback is not None else 'never'} years, "
        f"{s['emissions_avoided_kg'] / 1000:,.0f} t CO2e avoided a year"
    )


def _print_ecosystem(summary: DemoSummary, console: Console) -> None:
    """Scope 3+, apart from the inventory: each programme's progress and the platform goal."""
    eco = summary.ecosystem
    goal = eco["portfolio"]
    rows = [
        (
            p["name"],
            f"{p['cumulative']:,.0f}",
            f"{p['goal']:,.0f}",
            f"{p['share_of_goal']:.1%}",
            f"{p['forecast_at_goal_year']:,.0f}",
        )
        for p in eco["programmes"]
    ]
    title = (
        f"Scope 3+ (outside the inventory, demo data): {eco['activities']:,} activity rows, "
        f"retained reductions [t CO2e]"
    )
    console.print(rich_table(title, ["programme", "so far", "goal", "share", "forecast"], rows))
    console.print(
        f"{goal['name']}: {goal['cumulative']:,.0f} of {goal['goal']:,.0f} t CO2e by "
        f"{goal['end_year']} ({goal['share_of_goal']:.1%}); forecast "
        f"{goal['forecast_at_goal_year']:,.0f} t, {'on' if goal['on_track'] else 'off'} track"
    )
    for lot in eco["lots"]:
        console.print(
            f"lot {lot['lot_id']} ({lot['serial']}): {lot['quantity']:,} t, {lot['status']}"
            + (f" to {lot['buyer']}" if lot["buyer"] else "")
        )
    kept_out = ", ".join(
        f"{o['rows']} {o['status']} ({o['programme_id']})" for o in eco["overlaps"]
    )
    console.print(f"overlap guard kept out: {kept_out or 'nothing'}")


def _print_audit(summary: DemoSummary, console: Console) -> None:
    """The audit log: verified after each phase, and the checkpoint signed at the end."""
    audit = summary.audit
    steps = ", ".join(
        f"{v['phase']} ({v['entries']} entries, {'ok' if v['ok'] else 'DIFFERS'})"
        for v in audit["verified"]
    )
    console.print(f"audit log verified after: {steps}")
    c = audit["checkpoint"]
    console.print(f"checkpoint signed: {c['size']} entries, root {c['root'][:16]}…")
    console.print(f"verifier key: {audit['verifier_key']}")


def _label(entry: dict[str, Any]) -> str:
    if entry["scope"] == 2:
        return f"scope 2 ({entry['basis']}-based)"
    if entry["scope"] == 3:
        return f"scope 3, category {entry['category']}"
    return f"scope {entry['scope']}"
