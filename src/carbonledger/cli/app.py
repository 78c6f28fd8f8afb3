"""Typer application: workspace, import and demo commands."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from carbonledger.cli._lazy import app as jobs
from carbonledger.cli._output import (
    console,
    emit_json,
    fail_cleanly,
    print_validation_report,
    rich_table,
)
from carbonledger.cli.audit import (
    checkpoint_command,
    key_command,
    log_command,
    proof_command,
    verify_command,
)
from carbonledger.cli.calculate import (
    JsonOption,
    RunOption,
    WorkspaceOption,
    calculate,
    reconcile_command,
    runs,
    scope3_command,
    shipments_command,
    totals_command,
)
from carbonledger.cli.credits import (
    buyers_command,
    claims_command,
    credit_quality_command,
    credits_command,
    disclosure_command,
    ets_command,
    statement_command,
)
from carbonledger.cli.ecosystem import (
    eco_calculate_command,
    eco_lots_command,
    eco_methodologies_command,
    eco_overlaps_command,
    eco_person_command,
    eco_progress_command,
)
from carbonledger.cli.energy import dispatch_command, size_command
from carbonledger.cli.factors import estimate, factors_app
from carbonledger.cli.inventory import (
    base_year_command,
    footprint_command,
    forecast_command,
    hotspots_command,
    intensity_command,
    inventory_command,
    lock_command,
    periods_command,
    quality_command,
    report_command,
    restate_command,
    uncertainty_command,
)
from carbonledger.cli.park import (
    budgets_command,
    carbon_command,
    check_command,
    index_command,
    node_command,
    to_inventory_command,
)
from carbonledger.cli.plan import (
    history_command,
    macc_command,
    measures_command,
    pathway_command,
    targets_command,
    types_command,
)
from carbonledger.cli.record import estimate_record_command
from carbonledger.cli.server import serve, server_app
from carbonledger.errors import SettingsError
from carbonledger.options import (
    DEFAULT_FUEL_PROXY_REGIONS,
    Consolidation,
    Language,
    WorkspaceConfig,
)
from carbonledger.schema import schema_kinds

__all__ = ["app", "main"]

app = typer.Typer(
    name="carbonledger",
    help="Measure, analyse and reduce a company's carbon footprint.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _group(name: str, help_text: str, **options: Any) -> typer.Typer:
    group = typer.Typer(help=help_text, rich_markup_mode="rich", **options)
    app.add_typer(group, name=name)
    return group


data_app = _group("data", "Import, validate and list the workspace's data.", no_args_is_help=True)
results_app = _group(
    "results", "A run's ledger: totals, reconciliation, scope 3, shipments.", no_args_is_help=True
)
inventory_app = _group(
    "inventory",
    "The consolidated inventory (shown without a sub-command) and its analyses.",
    invoke_without_command=True,
)


class _PeriodsGroup(TyperGroup):
    """``periods``, which still takes ``periods 2025`` (the history of one period, as before
    the task groups) as the deprecated spelling of ``periods list 2025``."""

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:  # type: ignore[override]
        if args and re.fullmatch(r"\d{4}(-\d{2})?", args[0]):
            typer.echo(
                "warning: `carbonledger periods PERIOD` is deprecated; use "
                "`carbonledger periods list PERIOD`",
                err=True,
            )
            return "list", self.get_command(ctx, "list"), args
        return super().resolve_command(ctx, args)


periods_app = _group(
    "periods",
    "Sign-off: lock a period, restate it, its history (shown without a sub-command).",
    invoke_without_command=True,
    cls=_PeriodsGroup,
)
targets_app = _group(
    "targets",
    "Targets: progress and validity (shown without a sub-command), and each one's history.",
    invoke_without_command=True,
)
credits_app = _group(
    "credits",
    "Credits: holdings and retirements (shown without a sub-command), quality, buyers, ETS.",
    invoke_without_command=True,
)
claims_app = _group(
    "claims",
    "Neutrality claims: each under its rule set (shown without a sub-command), statements.",
    invoke_without_command=True,
)
park_app = _group(
    "park",
    "The park: meters, real-time carbon, budgets, equipment index, the microgrid's dispatch.",
    no_args_is_help=True,
)
audit_app = _group(
    "audit",
    "The tamper-evident log: its entries, signed checkpoints, inclusion proofs, the key.",
    no_args_is_help=True,
)
ecosystem_app = _group(
    "ecosystem",
    "Scope 3+: programmes, their ledger, progress to goals, overlaps, lots, personal footprints.",
    no_args_is_help=True,
)
measures_app = _group(
    "measures",
    "Reduction measures: each on its own (shown without a sub-command), the library, the MACC.",
    invoke_without_command=True,
)
app.add_typer(factors_app, name="factors")
app.add_typer(server_app, name="server")
app.command()(serve)

#: The commands of each task group, by name.
_GROUPED: dict[typer.Typer, dict[str, Callable[..., None]]] = {
    factors_app: {"estimate": estimate, "estimate-record": estimate_record_command},
    results_app: {
        "totals": totals_command,
        "reconcile": reconcile_command,
        "scope3": scope3_command,
        "shipments": shipments_command,
        "runs": runs,
    },
    inventory_app: {
        "intensity": intensity_command,
        "uncertainty": uncertainty_command,
        "hotspots": hotspots_command,
        "quality": quality_command,
        "forecast": forecast_command,
        "base-year": base_year_command,
        "footprint": footprint_command,
    },
    periods_app: {"lock": lock_command, "restate": restate_command, "list": periods_command},
    targets_app: {"progress": targets_command, "history": history_command},
    measures_app: {"list": measures_command, "types": types_command, "macc": macc_command},
    credits_app: {
        "holdings": credits_command,
        "quality": credit_quality_command,
        "buyers": buyers_command,
        "ets": ets_command,
        "disclosure": disclosure_command,
    },
    claims_app: {"evaluate": claims_command, "statement": statement_command},
    park_app: {
        "check": check_command,
        "node": node_command,
        "carbon": carbon_command,
        "budgets": budgets_command,
        "index": index_command,
        "to-inventory": to_inventory_command,
        "dispatch": dispatch_command,
        "size": size_command,
    },
    audit_app: {
        "log": log_command,
        "checkpoint": checkpoint_command,
        "proof": proof_command,
        "key": key_command,
    },
    ecosystem_app: {
        "calculate": eco_calculate_command,
        "progress": eco_progress_command,
        "overlaps": eco_overlaps_command,
        "lots": eco_lots_command,
        "person": eco_person_command,
        "methodologies": eco_methodologies_command,
    },
}
for group, commands in _GROUPED.items():
    for command_name, function in commands.items():
        group.command(command_name)(function)
        if group in (
            targets_app,
            measures_app,
            credits_app,
            claims_app,
            park_app,
            ecosystem_app,
            audit_app,
        ):
            continue
        if command_name != "list":  # the short names users already type, kept as aliases
            app.command(command_name, hidden=True)(function)
app.command()(calculate)
app.command("verify")(verify_command)
app.command("report")(report_command)
app.command("pathway")(pathway_command)


@credits_app.callback()
def _credits_default(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(help="A year: its retirements checked against its emissions."),
    ] = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Holdings and retirements (``credits holdings``)."""
    if ctx.invoked_subcommand is None:
        credits_command(period, run, workspace, as_json)


@claims_app.callback()
def _claims_default(
    ctx: typer.Context,
    claim: Annotated[str | None, typer.Option(help="One claim id (default: every claim).")] = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each claim under its rule set (``claims evaluate``)."""
    if ctx.invoked_subcommand is None:
        claims_command(claim, None, None, None, run, workspace, as_json)


@inventory_app.callback()
def _inventory_default(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(help="Period YYYY or YYYY-MM (default: the run's, or its latest year)."),
    ] = None,
    run: Annotated[str | None, typer.Option(help="Run id (default: the latest).")] = None,
    engine: Annotated[
        str, typer.Option(help="Aggregate on duckdb (default) or on the spark session.")
    ] = "duckdb",
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="Workspace folder.")
    ] = Path(),
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """The consolidated inventory: scopes (scope 2 on both bases), categories, gases, entities.

    Example: [bold]carbonledger inventory -w acme --period 2025 --json[/]
    """
    if ctx.invoked_subcommand is None:
        inventory_command(period, run, engine, workspace, as_json)


@targets_app.callback()
def _targets_default(
    ctx: typer.Context,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each target's progress and validity checks (``targets progress``)."""
    if ctx.invoked_subcommand is None:
        targets_command(run, None, None, workspace, as_json)


@measures_app.callback()
def _measures_default(
    ctx: typer.Context,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each measure on its own (``measures list``)."""
    if ctx.invoked_subcommand is None:
        measures_command(run, None, workspace, as_json)


@periods_app.callback()
def _periods_default(
    ctx: typer.Context,
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="Workspace folder.")
    ] = Path(),
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """The history of period locks and restatements.

    Example: [bold]carbonledger periods -w acme[/]
    """
    if ctx.invoked_subcommand is None:
        periods_command(None, workspace, as_json)


KIND_HELP = f"Activity kind: {', '.join(schema_kinds())}."


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    organisation: Annotated[str, typer.Option(help="Reporting organisation.")] = "My company",
    currency: Annotated[str, typer.Option(help="Reporting currency (ISO 4217).")] = "CNY",
    gwp: Annotated[str, typer.Option(help="GWP set: AR4, AR5 or AR6.")] = "AR5",
    consolidation: Annotated[
        Consolidation, typer.Option(help="Organisational-boundary approach.")
    ] = Consolidation.OPERATIONAL_CONTROL,
    base_year: Annotated[int, typer.Option(help="Base year.")] = 2020,
    period: Annotated[
        list[str] | None, typer.Option("--period", help="Reporting period (YYYY); repeatable.")
    ] = None,
    language: Annotated[Language, typer.Option(help="Report language.")] = Language.EN,
    proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--proxy",
            help="Region whose factors may stand in where none exists for an activity's "
            "region, country or the world; repeatable, in order.",
        ),
    ] = None,
    fuel_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--fuel-proxy",
            help="Region whose combustion factors stand in for fuels burnt where none is "
            "published; repeatable, in order (default: GB, then US).",
        ),
    ] = None,
    no_fuel_proxy: Annotated[
        bool, typer.Option("--no-fuel-proxy", help="Never take fuel factors from another region.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a workspace: settings, metadata store and batch folder.

    Example: [bold]carbonledger init acme --organisation "Acme Group" --gwp AR5 --period 2024[/]
    """
    with fail_cleanly(as_json):
        try:
            config = WorkspaceConfig(
                organisation=organisation,
                reporting_currency=currency,
                gwp_set=gwp,
                consolidation=consolidation,
                base_year=base_year,
                reporting_periods=period or [],
                language=language,
                proxy_regions=proxy or [],
                fuel_proxy_regions=[]
                if no_fuel_proxy
                else list(fuel_proxy or DEFAULT_FUEL_PROXY_REGIONS),
            )
        except ValueError as exc:
            raise _config_error(exc) from None
        workspace = jobs.create_workspace(directory, config)
    payload = {"workspace": str(workspace.root), **config.model_dump(mode="json")}
    if as_json:
        emit_json(payload)
    else:
        console.print(f"Created workspace [bold]{workspace.root}[/] for {organisation}.")


@data_app.command("import")
def import_(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or GBK), XLSX or Parquet file.")],
    sheet: Annotated[str | None, typer.Option(help="Worksheet of a workbook.")] = None,
    strict: Annotated[bool, typer.Option(help="Refuse files with warnings too.")] = False,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Validate a file and store it as an immutable batch; nothing is stored if a row is bad.

    Example: [bold]carbonledger import electricity inputs/electricity.csv -w acme[/]
    """
    with fail_cleanly(as_json, lambda exc: print_validation_report(exc, as_json)):
        result = jobs.import_file(jobs.open_workspace(workspace), kind, file, sheet, strict)
    batch = result.batch
    payload = {
        "batch_id": batch.batch_id,
        "kind": batch.kind,
        "rows": batch.rows,
        "created": result.created,
        "source": batch.source_path,
        "warnings": [str(w) for w in result.report.warnings],
    }
    if as_json:
        emit_json(payload)
        return
    verb = "Imported" if result.created else "Already imported"
    console.print(f"{verb} {batch.rows:,} {kind} row(s) as batch {batch.batch_id[:12]}.")
    for warning in result.report.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)


@data_app.command()
def validate(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or Parquet file.")],
    sheet: Annotated[str | None, typer.Option(help="Worksheet of a workbook.")] = None,
    strict: Annotated[bool, typer.Option(help="Count warnings as errors.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Check a file against its activity schema without storing it.

    Example: [bold]carbonledger validate spend ledger.xlsx --sheet 2024 --json[/]
    """
    with fail_cleanly(as_json):
        report = jobs.validate_file(kind, file, sheet, strict)
    if as_json:
        emit_json(report.to_dict())
    else:
        console.print(str(report), highlight=False)
    if not report.ok(strict):
        raise typer.Exit(1)


@data_app.command()
def batches(
    kind: Annotated[str | None, typer.Option(help="Only batches of this kind.")] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also batches that were replaced or removed.")
    ] = False,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """List the imported batches (the active ones, which calculations read).

    Example: [bold]carbonledger data batches -w acme --kind spend --all[/]
    """
    with fail_cleanly(as_json):
        stored = jobs.list_batches(jobs.open_workspace(workspace), kind, show_all)
    if as_json:
        emit_json([vars(b) for b in stored])
        return
    rows = [
        (
            b.batch_id[:12],
            b.kind,
            b.rows,
            Path(b.source_path).name,
            b.imported_at,
            b.status + (f" by {b.superseded_by[:12]}" if b.superseded_by else ""),
            b.status_reason or "",
        )
        for b in stored
    ]
    columns = ["batch", "kind", "rows", "source", "imported (UTC)", "status", "reason"]
    console.print(rich_table("Batches", columns, rows))


@data_app.command()
def replace(
    batch: Annotated[str, typer.Argument(help="The batch to replace (id or unique prefix).")],
    file: Annotated[Path, typer.Argument(help="The corrected CSV, XLSX or Parquet file.")],
    reason: Annotated[str, typer.Option(help="Why the batch is replaced.")],
    sheet: Annotated[str | None, typer.Option(help="Worksheet of a workbook.")] = None,
    strict: Annotated[bool, typer.Option(help="Refuse files with warnings too.")] = False,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Import a corrected file in place of a batch; the old batch is kept, marked superseded.

    Example: [bold]carbonledger data replace 3f2a9c electricity-fixed.csv --reason "meter read
    twice in May" -w acme[/]
    """
    with fail_cleanly(as_json, lambda exc: print_validation_report(exc, as_json)):
        ws = jobs.open_workspace(workspace)
        result = jobs.replace_batch(ws, batch, file, reason, sheet, strict)
    new = result.batch
    if as_json:
        emit_json({"replaced": batch, "batch_id": new.batch_id, "rows": new.rows, "reason": reason})
        return
    console.print(f"Batch {batch[:12]} replaced by {new.batch_id[:12]} ({new.rows:,} rows).")


@data_app.command()
def remove(
    batch: Annotated[str, typer.Argument(help="The batch to remove (id or unique prefix).")],
    reason: Annotated[str, typer.Option(help="Why the batch is removed.")],
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Take a batch out of the calculations; it is kept, marked removed, with the reason.

    Example: [bold]carbonledger data remove 3f2a9c --reason "imported into the wrong workspace"[/]
    """
    with fail_cleanly(as_json):
        removed = jobs.remove_batch(jobs.open_workspace(workspace), batch, reason)
    if as_json:
        emit_json(vars(removed))
        return
    console.print(f"Batch {removed.batch_id[:12]} ({removed.kind}) removed: {reason}")


@app.command()
def settings(
    changes: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="FIELD=VALUE to change (repeatable); VALUE is read as JSON where it parses "
            '(2021, ["GB"], true), else as text.',
        ),
    ] = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Show the workspace's settings, or change them (one recorded change, validated whole).

    Example: [bold]carbonledger settings -w acme --set gwp_set=AR6GWP100 --set base_year=2021[/]
    """
    with fail_cleanly(as_json):
        opened = jobs.open_workspace(workspace)
        changed = jobs.change_settings(opened, _field_values(changes or []))
        shown = jobs.settings(opened)
    if as_json:
        emit_json({"changed": changed, "settings": shown})
        return
    for name, (before, after) in changed.items():
        console.print(f"changed {name}: {before!r} -> {after!r}")
    values = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in sorted(shown.items())]
    console.print(rich_table("Settings", ["field", "value"], values))


def _field_values(pairs: list[str]) -> dict[str, Any]:
    """``FIELD=VALUE`` options as a mapping (VALUE as JSON where it parses).

    Raises
    ------
    SettingsError
        For an option without ``=``.
    """
    values: dict[str, Any] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals or not name.strip():
            raise SettingsError(f"--set {pair!r}: write FIELD=VALUE, e.g. gwp_set=AR6GWP100")
        try:
            values[name.strip()] = json.loads(text)
        except json.JSONDecodeError:
            values[name.strip()] = text
    return values


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo workspace.")] = Path(
        "carbonledger-demo"
    ),
    seed: Annotated[int, typer.Option(help="Random seed of the generated company.")] = 7,
    as_json: JsonOption = False,
    serve_it: Annotated[
        bool, typer.Option("--serve", help="Then serve its dashboard and API on localhost.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port of --serve.")] = 8000,
) -> None:
    """Generate a fictional e-commerce and logistics group, import its files and summarise.

    Example: [bold]carbonledger demo --out /tmp/demo[/]; with [bold]--serve[/], log in at
    http://127.0.0.1:8000 as [bold]demo[/] with the password printed (or
    CARBONLEDGER_PASSWORD).
    """
    from carbonledger.cli._demo import print_demo_summary
    from carbonledger.demo import run_demo

    with fail_cleanly(as_json):
        summary = run_demo(out, seed=seed, progress=not as_json)
    if as_json:
        emit_json(summary.to_dict())
    else:
        print_demo_summary(summary, console)
    if serve_it:
        import os
        import secrets

        from carbonledger.cli.server import serve

        password = os.environ.get("CARBONLEDGER_PASSWORD") or secrets.token_urlsafe(12)
        root = out / "server"
        first = not (root / "server.db").exists()
        with fail_cleanly(False):
            jobs.serve_workspace(root, out, "Demo group", "demo", password)
        if first:
            console.print(f"dashboard: http://127.0.0.1:{port}  user demo, password {password}")
        serve(root=root, port=port)


@app.command()
def docs(
    out: Annotated[Path, typer.Option(help="Documentation folder.")] = Path("docs"),
) -> None:
    """Render the reference pages (factor releases, methods, import schemas) from the package.

    Example: [bold]carbonledger docs --out docs[/]
    """
    written = jobs.write_reference_docs(out)
    console.print(f"wrote {len(written)} pages under {out}")


@data_app.command()
def history(
    kind: Annotated[str | None, typer.Option(help="Only events of this kind.")] = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Every change to the workspace, as the store's write path recorded it.

    Example: [bold]carbonledger data history -w acme --kind batch.stored[/]
    """
    with fail_cleanly(as_json):
        events = jobs.history(jobs.open_workspace(workspace), kind)
    if as_json:
        emit_json([vars(e) for e in events])
        return
    console.print(
        rich_table(
            "Workspace history",
            ["#", "at (UTC)", "kind", "subject", "by"],
            [(e.entry, e.at, e.kind, e.subject[:16], e.actor) for e in events],
        )
    )


for _alias, _function in (("import", import_), ("validate", validate), ("batches", batches)):
    app.command(_alias, hidden=True)(_function)


def _config_error(exc: ValueError) -> Exception:
    from carbonledger.errors import ConfigError

    return ConfigError(str(exc).replace("\n", "; "))


def main() -> None:
    """Entry point of the ``carbonledger`` script."""
    app()
