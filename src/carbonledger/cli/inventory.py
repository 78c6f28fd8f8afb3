"""``carbonledger inventory`` and ``carbonledger intensity``."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption, RunOption, WorkspaceOption
from carbonledger.options import DEFAULT_PARETO_SHARE, DEFAULT_SAMPLES

__all__ = [
    "base_year_command",
    "footprint_command",
    "forecast_command",
    "hotspots_command",
    "intensity_command",
    "inventory_command",
    "lock_command",
    "periods_command",
    "quality_command",
    "report_command",
    "restate_command",
    "uncertainty_command",
]

PeriodOption = Annotated[
    str | None,
    typer.Option(help="Period YYYY or YYYY-MM (default: the run's, or its latest year)."),
]


def inventory_command(
    period: PeriodOption = None,
    run: RunOption = None,
    engine: Annotated[
        str, typer.Option(help="Aggregate on duckdb (default) or on the spark session.")
    ] = "duckdb",
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The consolidated inventory: scopes (scope 2 on both bases), categories, gases, entities.

    Example: [bold]carbonledger inventory -w acme --period 2025 --json[/]
    """
    with fail_cleanly(as_json):
        inv = app.inventory(app.open_workspace(workspace), run, period, engine=engine)
    if as_json:
        emit_json(inv.to_dict())
        return
    title = f"Inventory {inv.period or '-'}, {inv.approach}, {inv.gwp_set} (t CO2e)"
    rows = [
        (f"scope {s['scope']}" + (f" ({s['basis']})" if s["basis"] else ""), s["co2e"])
        for s in inv.scopes
    ]
    rows += [
        ("total, location-based", inv.total("location")),
        ("total, market-based", inv.total("market")),
        ("biogenic CO2, outside the scopes", inv.biogenic_co2),
    ]
    console.print(rich_table(title, ["", "t CO2e"], rows))
    console.print(
        rich_table(
            "By gas group (t CO2e)",
            ["gas", "t CO2e"],
            [(g["gas_group"], g["co2e"]) for g in inv.breakdowns["gas_group"]],
        )
    )
    entity_rows: dict[str, float] = {}
    for r in inv.breakdowns["entity"]:
        entity_rows[r["entity"]] = entity_rows.get(r["entity"], 0.0) + r["co2e"]
    shares = {s["entity_id"]: s["share"] for s in inv.shares}
    console.print(
        rich_table(
            "By entity, location-based (t CO2e)",
            ["entity", "consolidated share", "t CO2e"],
            [(e, shares.get(e), v) for e, v in sorted(entity_rows.items(), key=lambda x: -x[1])],
            percent=("consolidated share",),
        )
    )


def intensity_command(
    period: PeriodOption = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Intensity metrics: emissions per unit of the imported denominators (revenue ...).

    Example: [bold]carbonledger intensity -w acme --period 2025[/]
    """
    with fail_cleanly(as_json):
        inv, rows = app.intensity(app.open_workspace(workspace), run, period)
    if as_json:
        emit_json({"run_id": inv.run_id, "period": inv.period, "unit": "t CO2e", "rows": rows})
        return
    for (metric, unit), group in itertools.groupby(
        sorted(rows, key=lambda r: (r["metric"], r["unit"])), key=lambda r: (r["metric"], r["unit"])
    ):
        console.print(
            rich_table(
                f"Intensity {inv.period or '-'}, {metric} (t CO2e per {unit})",
                ["entity", "scope", "t CO2e", f"t CO2e / {unit}"],
                [(r["entity_id"] or "group", r["scope"], r["co2e"], r["intensity"]) for r in group],
            )
        )


def uncertainty_command(
    period: PeriodOption = None,
    run: RunOption = None,
    samples: Annotated[int, typer.Option(help="Monte Carlo draws.")] = DEFAULT_SAMPLES,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same interval.")] = 0,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """95 % intervals per scope and for the total, primary-data shares and pedigree scores.

    Example: [bold]carbonledger uncertainty -w acme --samples 20000 --seed 1[/]
    """
    with fail_cleanly(as_json):
        view, chosen, rows = app.uncertainty(
            app.open_workspace(workspace), run, period, samples, seed
        )
    if as_json:
        emit_json(
            {
                "run_id": view.run_id,
                "period": chosen,
                "unit": "t CO2e",
                "samples": samples,
                "rows": rows,
            }
        )
        return
    console.print(
        rich_table(
            f"Uncertainty, {samples:,} draws, seed {seed} (t CO2e, 95 % interval)",
            ["part", "t CO2e", "low", "high", "primary data"],
            [(r["part"], r["co2e"], r["low"], r["high"], r["primary_share"]) for r in rows],
            percent=("primary data",),
        )
    )


def hotspots_command(
    by: Annotated[str, typer.Option(help="Dimension: facility, category, entity, activity ...")] = (
        "facility"
    ),
    period: PeriodOption = None,
    compare: Annotated[
        str | None,
        typer.Option(help="Earlier period: split the change into activity and factor effects."),
    ] = None,
    threshold: Annotated[float, typer.Option(help="Pareto share.")] = DEFAULT_PARETO_SHARE,
    run: RunOption = None,
    limit: Annotated[int, typer.Option(help="Rows to print.")] = 15,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The vital few sources (Pareto) by a dimension, or with --compare the year-on-year change
    split into activity and factor effects.

    Example: [bold]carbonledger hotspots -w acme --by facility --period 2025 --compare 2024[/]
    """
    with fail_cleanly(as_json):
        ws = app.open_workspace(workspace)
        if compare:
            view, rows = app.change(ws, compare, period or "", run)
        else:
            view, rows = app.hotspots(ws, by, period, threshold, run)
        stored = view.stored
    if as_json:
        emit_json({"run_id": stored.run_id, "unit": "t CO2e", "rows": rows})
        return
    if compare:
        # activity amounts are in each row's own unit: kept in --json, not in a t CO2e table;
        # figures to the gram, so a difference's float residue reads as zero
        figures = ("co2e_before", "co2e_after", "change", "activity_effect", "factor_effect")
        changes = [
            (r["scope"], r["method"], r["activity_key"], *(round(r[k], 6) for k in figures))
            for r in rows[:limit]
        ]
        columns = [
            "scope",
            "method",
            "activity",
            "before",
            "after",
            "change",
            "activity effect",
            "factor effect",
        ]
        console.print(rich_table(f"Change {compare} -> {period} (t CO2e)", columns, changes))
        return
    dimension = next(iter(rows[0])) if rows else by
    vital = [
        (
            _unattributed(r[dimension], by),
            r["co2e"],
            r["share"],
            r["cumulative_share"],
            r["vital_few"],
        )
        for r in rows[:limit]
    ]
    console.print(
        rich_table(
            f"Hotspots by {by} (t CO2e)",
            [by, "t CO2e", "share", "cumulative share", "vital few"],
            vital,
            percent=("share", "cumulative share"),
        )
    )


def lock_command(
    period: Annotated[str, typer.Argument(help="Period to lock: YYYY or YYYY-MM.")],
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Lock a period after sign-off with its run: its inputs and results can no longer change.

    Example: [bold]carbonledger lock 2025 -w acme[/]
    """
    with fail_cleanly(as_json):
        state = app.lock(app.open_workspace(workspace), period, run)
    if as_json:
        emit_json(asdict(state))
        return
    console.print(f"period {period} locked, version {state.version}, run {state.run_id}")


def restate_command(
    period: Annotated[str, typer.Argument(help="Locked period to reopen: YYYY or YYYY-MM.")],
    reason: Annotated[str, typer.Option(help="Why the period is restated.")],
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Reopen a locked period for a correction; lock it again to sign off the next version.

    Example: [bold]carbonledger restate 2025 --reason "meter FC-HZ1 read twice in May"[/]
    """
    with fail_cleanly(as_json):
        state = app.restate(app.open_workspace(workspace), period, reason)
    if as_json:
        emit_json(asdict(state))
        return
    console.print(f"period {period} reopened after version {state.version}: {reason}")


def periods_command(
    period: Annotated[str | None, typer.Argument(help="One period (default: all).")] = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The history of period locks and restatements.

    Example: [bold]carbonledger periods -w acme[/]
    """
    with fail_cleanly(as_json):
        history = app.periods(app.open_workspace(workspace), period)
    if as_json:
        emit_json([asdict(h) for h in history])
        return
    console.print(
        rich_table(
            "Period locks",
            ["period", "version", "status", "run", "at", "reason"],
            [
                (h.period, h.version, h.status, (h.run_id or "")[:12], h.at, h.reason or "")
                for h in history
            ],
        )
    )


def base_year_command(
    run: RunOption = None,
    store: Annotated[bool, typer.Option(help="Store the result as a new base-year version.")] = (
        False
    ),
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The base year, the recalculation events and whether they pass the threshold.

    Example: [bold]carbonledger base-year -w acme --store[/]
    """
    with fail_cleanly(as_json):
        record = app.base_year(app.open_workspace(workspace), run, store)
    if as_json:
        emit_json(record)
        return
    console.print(
        rich_table(
            f"Base year {record['base_year_period']} ({record['approach']}, t CO2e)",
            ["", "scope 1", "scope 2", "scope 3", "total"],
            [
                (label, *(figures["by_scope"].get(s, 0.0) for s in (1, 2, 3)), figures["total"])
                for label, figures in (
                    ("as drawn", record["original"]),
                    ("standing", record["base_year"]),
                )
            ],
        )
    )
    console.print(
        rich_table(
            "Events",
            ["event", "month", "kind", "entity", "effect [t CO2e]"],
            [
                (e["event_id"], e["period"], e["kind"], e["entity_id"] or "", e["effect"])
                for e in record["events"]
            ],
        )
    )
    verdict = "recalculated" if record["recalculated"] else "not recalculated"
    console.print(f"Base year {verdict}: {record['reason']}")


def footprint_command(
    consumer_type: Annotated[str, typer.Argument(help="shipment, order, customer or product_line")],
    consumer_id: Annotated[str, typer.Argument(help="Its id.")],
    basis: Annotated[str, typer.Option(help="Scope 2 basis of the pools.")] = "location",
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The footprint of a shipment, order, customer or product line: its shares of the pools
    in the allocation keys and, for orders and shipments, their transport legs.

    Example: [bold]carbonledger footprint order LT-ORD-2025-06-000001 -w acme[/]
    """
    with fail_cleanly(as_json):
        result = app.footprint(
            app.open_workspace(workspace), consumer_type, consumer_id, basis, run
        )
    if as_json:
        emit_json(result)
        return
    console.print(
        rich_table(
            f"Footprint of {consumer_type} {consumer_id} (t CO2e)",
            ["component", "quantity", "t CO2e"],
            [(c["component"], c["quantity"], c["co2e"]) for c in result["components"]],
        )
    )
    console.print(f"Total: [bold]{result['co2e'] * 1000:,.3f} kg CO2e[/]")


def forecast_command(
    years: Annotated[list[int], typer.Argument(help="Years to forecast.")],
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Next years' emissions from activity trends and grid trajectories (method stated).

    Example: [bold]carbonledger forecast 2026 2028 2030 -w acme[/]
    """
    with fail_cleanly(as_json):
        result = app.forecast(app.open_workspace(workspace), years, run)
    if as_json:
        emit_json(result)
        return
    console.print(
        rich_table(
            "Forecast (t CO2e, scope 2 location-based)",
            ["year", "scope 1", "scope 2", "scope 3", "total"],
            [
                (str(y["year"]), y["scope_1"], y["scope_2"], y["scope_3"], y["total"])
                for y in result["years"]
            ],
        )
    )
    console.print(f"Method: {result['method']}")


def quality_command(
    by: Annotated[str, typer.Option(help="Dimension: scope, method, facility, category ...")] = (
        "scope"
    ),
    period: PeriodOption = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Data quality by a dimension: primary-data share and pedigree scores (1 best, 5 worst).

    Example: [bold]carbonledger quality -w acme --by method --period 2025[/]
    """
    with fail_cleanly(as_json):
        view, rows = app.quality(app.open_workspace(workspace), by, period, run)
        stored = view.stored
    if as_json:
        emit_json({"run_id": stored.run_id, "rows": rows})
        return
    columns = [by, "t CO2e", "primary data", *_PEDIGREE_COLUMNS]
    keys = [next(iter(rows[0])) if rows else by, "co2e", "primary_share", *_PEDIGREE_COLUMNS]
    console.print(
        rich_table(
            f"Data quality by {by} (t CO2e; pedigree scores 1 best, 5 worst)",
            columns,
            [tuple(r.get(k) for k in keys) for r in rows],
            percent=("primary data",),
        )
    )


def report_command(
    period: PeriodOption = None,
    fmt: Annotated[str, typer.Option("--format", help="html, pdf, xlsx or json.")] = "html",
    lang: Annotated[str, typer.Option(help="Language: en or zh.")] = "en",
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Output file.")] = None,
    font: Annotated[
        Path | None,
        typer.Option(
            help="TrueType font for PDF and charts, if the bundled one lacks a name's characters."
        ),
    ] = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The GHG inventory report (GHG Protocol, ISO 14064-1) as HTML, PDF, XLSX or JSON.

    Example: [bold]carbonledger report -w acme --period 2025 --format pdf --lang zh[/]
    """
    with fail_cleanly(as_json):
        context = app.report_context(app.open_workspace(workspace), run, period)
        path = app.render_report(context, fmt, lang, out or Path(f"report.{lang}.{fmt}"), font)
    if as_json:
        emit_json({"path": str(path), "run_id": context.inventory.run_id})
        return
    console.print(f"wrote {path}")


#: Pedigree matrix indicators, as the quality analysis names them.
_PEDIGREE_COLUMNS = ("reliability", "completeness", "temporal", "geographical", "technological")


def _unattributed(value: Any, dimension: str) -> Any:
    """A hotspot row whose dimension is empty: emissions no facility (or category) holds."""
    if value is not None and value != "":
        return value
    return "(scopes 1 and 2)" if dimension == "category" else f"(no {dimension})"
