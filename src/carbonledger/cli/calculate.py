"""``carbonledger calculate``, ``totals`` and ``runs``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.options import DIMENSIONS

__all__ = [
    "calculate",
    "reconcile_command",
    "runs",
    "scope3_command",
    "shipments_command",
    "totals_command",
]

WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print results as JSON.")]
RunOption = Annotated[str | None, typer.Option(help="Run id (default: the latest).")]


def calculate(
    period: Annotated[str | None, typer.Option(help="Only this period: YYYY or YYYY-MM.")] = None,
    engine: Annotated[str, typer.Option(help="duckdb (default), reference or spark.")] = "duckdb",
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit, e.g. 4GB; larger inputs spill to disk.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Refuse factor region and year fallbacks.")] = False,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Run every method over the imported batches and store the emission ledger.

    Example: [bold]carbonledger calculate -w acme --period 2025[/]
    """
    with fail_cleanly(as_json):
        ws = app.open_workspace(workspace)
        result = app.calculate(ws, period, engine, memory_limit, strict)
        scopes = app.run_totals(ws, ["scope"], run=result.run.run_id)[1].to_pylist()
    run = result.run
    payload = {
        "run_id": run.run_id,
        "created": result.created,
        "rows": run.rows,
        "ledger": run.ledger_path,
        "gwp_set": run.gwp_set,
        "engine": run.engine,
        "scopes": scopes,
    }
    if as_json:
        emit_json(payload)
        return
    verb = "Calculated" if result.created else "Already calculated"
    console.print(f"{verb} run {run.run_id[:12]}: {run.rows:,} ledger rows ({run.gwp_set}).")
    console.print(
        rich_table(
            "Emissions by scope, t CO2e (scope 2 location-based)",
            ["scope", "t CO2e", "rows"],
            [(s["scope"], s["co2e"], s["rows"]) for s in scopes],
        )
    )


def totals_command(
    by: Annotated[str, typer.Option(help=f"Comma-separated: {', '.join(DIMENSIONS)}.")] = "scope",
    basis: Annotated[str, typer.Option(help="Scope 2 basis: location or market.")] = "location",
    period: Annotated[str | None, typer.Option(help="Only this period: YYYY or YYYY-MM.")] = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Totals of a run's ledger by scope, category, gas, entity, facility or month.

    Example: [bold]carbonledger totals -w acme --by scope,category --basis market[/]
    """
    dimensions = [d.strip() for d in by.split(",") if d.strip()]
    with fail_cleanly(as_json):
        view, table = app.run_totals(app.open_workspace(workspace), dimensions, basis, period, run)
        stored = view.stored
    rows = table.to_pylist()
    if as_json:
        emit_json({"run_id": stored.run_id, "basis": basis, "unit": "t CO2e", "totals": rows})
        return
    console.print(
        rich_table(
            f"Totals of run {stored.run_id[:12]} (t CO2e), scope 2 {basis}",
            [*dimensions, "t CO2e", "biogenic CO2 [t]", "rows"],
            [tuple(r.values()) for r in rows],
        )
    )


def runs(workspace: WorkspaceOption = Path(), as_json: JsonOption = False) -> None:
    """List the calculation runs.

    Example: [bold]carbonledger runs -w acme[/]
    """
    with fail_cleanly(as_json):
        stored = app.list_runs(app.open_workspace(workspace))
    if as_json:
        emit_json([{k: v for k, v in vars(r).items() if k != "manifest"} for r in stored])
        return
    console.print(
        rich_table(
            "Runs",
            ["run", "created (UTC)", "period", "engine", "GWP", "rows"],
            [
                (r.run_id[:12], r.created_at, r.period or "all", r.engine, r.gwp_set, r.rows)
                for r in stored
            ],
        )
    )


def reconcile_command(
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The hybrid model's reconciliation: spend estimate, superseded, process, active total.

    Example: [bold]carbonledger reconcile -w acme[/]
    """
    with fail_cleanly(as_json):
        view, reconciled, unmatched = app.reconciliation(app.open_workspace(workspace), run)
        stored, table = view.stored, reconciled.to_pylist()
    if as_json:
        emit_json(
            {
                "run_id": stored.run_id,
                "unit": "t CO2e",
                "categories": table,
                "unmatched_process_activity": unmatched.to_pylist(),
            }
        )
        return
    columns = ["category", "spend estimate", "superseded", "process", "active total", "lines"]
    console.print(
        rich_table(
            f"Reconciliation of run {stored.run_id[:12]} (t CO2e)",
            columns,
            [tuple(r.values()) for r in table],
        )
    )
    if unmatched.num_rows:
        console.print(
            f"{unmatched.num_rows} process result(s) matched no spend line; see "
            "--json for the list (review the coverage map)."
        )


def scope3_command(
    run: RunOption = None,
    lang: Annotated[str, typer.Option(help="Language of category names: en or zh.")] = "en",
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Every scope 3 category: calculated, excluded (with the reason) or a gap.

    Example: [bold]carbonledger scope3 -w acme --lang zh[/]
    """
    with fail_cleanly(as_json):
        view, coverage = app.scope3_table(app.open_workspace(workspace), run, lang)
        stored, table = view.stored, coverage.to_pylist()
    if as_json:
        emit_json({"run_id": stored.run_id, "unit": "t CO2e", "categories": table})
        return
    console.print(
        rich_table(
            f"Scope 3 categories, run {stored.run_id[:12]} (t CO2e)",
            ["category", "name", "status", "t CO2e", "methods used", "reason"],
            [
                (
                    r["category"],
                    r["name"],
                    r["status"],
                    r["co2e_t"],
                    r["methods_used"] or "-",
                    r["reason"] or "",
                )
                for r in table
            ],
        )
    )


def shipments_command(
    run: RunOption = None,
    by: Annotated[str, typer.Option(help="tce (one row per leg) or shipment.")] = "shipment",
    limit: Annotated[int, typer.Option(help="Rows to print (JSON prints all).")] = 20,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Transport footprints per shipment or transport chain element, with iLEAP field names
    (transportActivity [t km], co2eTTW and co2eWTW [kg]).

    Example: [bold]carbonledger shipments -w acme --by tce --json[/]
    """
    with fail_cleanly(as_json):
        view, table = app.shipments(app.open_workspace(workspace), by, run)
        stored = view.stored
    rows = table.to_pylist()
    if as_json:
        emit_json(
            {"run_id": stored.run_id, "unit": {"co2e": "kg", "activity": "t km"}, "rows": rows}
        )
        return
    columns = table.column_names
    console.print(
        rich_table(
            f"Transport footprints by {by}, run {stored.run_id[:12]} ({len(rows)} rows)",
            columns,
            [tuple(r[c] for c in columns) for r in rows[:limit]],
        )
    )
