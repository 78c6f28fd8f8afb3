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
    console.print(
        rich_table(
            "Activity of the demo company", ["figure", "value"], list(summary.figures.items())
        )
    )
    labels = [(_label(e), e["t_co2e"]) for e in summary.emissions]
    console.print(
        rich_table(f"Emissions (t CO2e), run {summary.run_id[:12]}", ["source", "t CO2e"], labels)
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
            "Hybrid model reconciliation, scope 3 (t CO2e)",
            columns,
            [tuple(r.values()) for r in summary.reconciliation],
        )
    )
    console.print(
        rich_table(
            "Scope 3 categories",
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
    a = summary.analysis
    console.print(
        rich_table(
            f"Consolidated inventory ({a['approach']})",
            ["figure", "value"],
            [
                (f"base year {a['base_year']} as drawn [t CO2e]", a["base_year_as_drawn"]),
                (
                    f"base year {a['base_year']} "
                    + ("recalculated" if a["base_year_recalculated"] else "standing"),
                    a["base_year_standing"],
                ),
                ("recalculation", a["base_year_reason"]),
                (
                    f"footprint of order {a['sample_order']['order_id']} [kg CO2e]",
                    a["sample_order"]["kg_co2e"],
                ),
                ("total, location-based [t CO2e]", a["total_t_co2e"]),
                ("change since the base year", f"{a['change_since_base_year']:+.1%}"),
                (
                    f"change since {a['previous_year']['year']}: activity, factor effects [t CO2e]",
                    f"{a['previous_year']['change']:+.1%}: "
                    f"{a['previous_year']['activity_effect']:+,.0f}, "
                    f"{a['previous_year']['factor_effect']:+,.0f}",
                ),
                (
                    f"trend forecast {a['forecast']['year']} [t CO2e]",
                    a["forecast"]["t_co2e"],
                ),
                (
                    "95 % interval [t CO2e]",
                    f"{a['interval_95'][0]:,.0f} - {a['interval_95'][1]:,.0f}",
                ),
                ("primary-data share", a["primary_data_share"]),
                ("t CO2e per million CNY revenue", a["t_co2e_per_million_cny"]),
                ("scope 3 t CO2e per million CNY", a["scope3_t_co2e_per_million_cny"]),
                (
                    "hotspot scope 3 categories (share of total)",
                    ", ".join(f"{c} ({s:.0%})" for c, s in a["hotspot_categories"]),
                ),
            ],
        )
    )
    console.print(f"Reports, disclosures and evidence pack in {summary.workspace / 'reports'}")
    console.print(
        f"Workspace: [bold]{summary.workspace}[/]; "
        f"input templates in {summary.workspace / 'inputs'}"
    )


def _label(entry: dict[str, Any]) -> str:
    if entry["scope"] == 2:
        return f"scope 2 ({entry['basis']}-based)"
    if entry["scope"] == 3:
        return f"scope 3, category {entry['category']}"
    return f"scope {entry['scope']}"
