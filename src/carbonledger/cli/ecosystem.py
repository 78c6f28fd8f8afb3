"""``carbonledger ecosystem``: Scope 3+ programmes, their ledger, progress, overlaps, lots and
a participant's footprint. Nothing here changes the inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption, WorkspaceOption

__all__ = [
    "eco_calculate_command",
    "eco_lots_command",
    "eco_methodologies_command",
    "eco_overlaps_command",
    "eco_person_command",
    "eco_progress_command",
]

MethodologiesOption = Annotated[
    Path | None, typer.Option(help="Methodologies YAML of your own (added to the packaged).")
]


def eco_calculate_command(
    methodologies: MethodologiesOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Compute the programme ledger of the imported activities (stored once per inputs).

    Example: [bold]carbonledger ecosystem calculate -w acme[/]
    """
    with fail_cleanly(as_json):
        ws = app.open_workspace(workspace)
        found = app.calculate_ecosystem(ws, methodologies)
        findings = app.ecosystem_findings(ws)
    if as_json:
        emit_json(found | {"findings": findings})
        return
    verb = "Calculated" if found["created"] else "Already calculated"
    console.print(f"{verb}: {found['rows']:,} activities, ledger {found['ledger_sha256'][:12]}")
    if findings:
        rows = [(f["status"], f["methodology"], f["rows"], f["reason"]) for f in findings[:15]]
        console.print(
            rich_table("Rows that earn nothing", ["status", "methodology", "rows", "reason"], rows)
        )


def eco_progress_command(workspace: WorkspaceOption = Path(), as_json: JsonOption = False) -> None:
    """Progress of each programme and portfolio toward its goal, with the forecast.

    Example: [bold]carbonledger ecosystem progress -w acme[/]
    """
    with fail_cleanly(as_json):
        found = app.ecosystem_progress(app.open_workspace(workspace))
    if as_json:
        emit_json(found)
        return
    if not found["status"]["current"]:
        console.print("[yellow]Activities changed since: run `carbonledger ecosystem calculate`[/]")
    for result in found["portfolios"] + found["programmes"]:
        goal = result["goal"] or 0
        share = f"{result['share_of_goal']:.1%}" if result["share_of_goal"] is not None else "-"
        track = {True: "on track", False: "off track", None: "-"}[result["on_track"]]
        console.print(
            f"[bold]{result['name']}[/] ({result['programme_id']}): {result['cumulative']:,.1f} "
            f"of {goal:,.0f} t CO2e ({share}) by {result['end_year']}; forecast "
            f"{result['forecast_at_goal_year']:,.0f} t, {track}"
        )
        rows = [
            (
                str(r["year"]),
                f"{r['counted']:,.1f}",
                f"{r['sold']:,.0f}",
                f"{r['retained']:,.1f}",
                f"{r.get('actions', 0):,}",
            )
            for r in result["years"]
        ]
        if rows and result["type"] != "portfolio":
            console.print(
                rich_table("", ["year", "counted t", "sold t", "retained t", "actions"], rows)
            )
    console.print(f"Sold lots: {found['sold_lots']}. Forecast: {found['forecast_method']}.")


def eco_overlaps_command(
    limit: Annotated[int, typer.Option(help="Rows shown.")] = 20,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Actions the overlap guard kept out: claimed by another programme or counted as an
    inventory measure."""
    with fail_cleanly(as_json):
        found = app.ecosystem_overlaps(app.open_workspace(workspace), limit)
    if as_json:
        emit_json(found)
        return
    rows = [
        (s["status"], s["programme_id"], s["rows"], f"{s['withheld']:,.3f}")
        for s in found["summary"]
    ]
    console.print(rich_table("Kept out", ["status", "programme", "rows", "t CO2e"], rows))
    rows = [(r["activity_id"], r["programme_id"], r["status"], r["reason"]) for r in found["rows"]]
    if rows:
        console.print(rich_table("First rows", ["activity", "programme", "status", "reason"], rows))


def eco_lots_command(workspace: WorkspaceOption = Path(), as_json: JsonOption = False) -> None:
    """Verified lots: serial, held or sold, and what is left to issue by programme and year."""
    with fail_cleanly(as_json):
        found = app.ecosystem_lots(app.open_workspace(workspace))
    if as_json:
        emit_json(found)
        return
    rows = [
        (lot["lot_id"], lot["serial"], f"{lot['quantity']:,}", lot["status"], lot["buyer"] or "")
        for lot in found["lots"]
    ]
    console.print(rich_table("Lots", ["lot", "serial", "t", "status", "buyer"], rows))
    rows = [
        (
            r["programme_id"],
            str(r["year"]),
            f"{r['counted']:,.1f}",
            f"{r['issued']:,}",
            f"{r['remaining']:,}",
        )
        for r in found["by_programme_year"]
    ]
    console.print(
        rich_table(
            "By programme and year", ["programme", "year", "counted t", "issued t", "left t"], rows
        )
    )


def eco_person_command(
    participant: Annotated[str, typer.Argument(help="Participant id.")],
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """A participant's green footprint: actions, reductions and points by programme."""
    with fail_cleanly(as_json):
        found = app.personal_footprint(app.open_workspace(workspace), participant)
    if as_json:
        emit_json(found)
        return
    console.print(
        f"{participant}: {found['actions']:,} actions, {found['reduction_kg']:,.2f} kg CO2e "
        f"less, {found['points']:,} points"
    )
    rows = [
        (
            r["programme_id"],
            r["methodology"],
            str(r["year"]),
            r["actions"],
            f"{r['reduction_kg']:,.2f}",
            r["points"],
        )
        for r in found["by_programme"]
    ]
    console.print(
        rich_table("", ["programme", "methodology", "year", "actions", "kg", "points"], rows)
    )


def eco_methodologies_command(
    methodologies: MethodologiesOption = None, as_json: JsonOption = False
) -> None:
    """The methodologies: formulas, parameters, factors and their reference."""
    with fail_cleanly(as_json):
        found = app.ecosystem_methodologies(methodologies)
    if as_json:
        emit_json(app.methodology_table(methodologies))
        return
    rows = [
        (m.label, m.programme_type, m.activity_unit, m.baseline, m.project or "0")
        for m in found.values()
    ]
    console.print(rich_table("Methodologies", ["id", "type", "per", "baseline", "project"], rows))
