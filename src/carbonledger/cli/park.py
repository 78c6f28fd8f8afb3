"""``carbonledger park``: the park's meters, real-time carbon, budgets and equipment index
(the microgrid's dispatch is :mod:`carbonledger.cli.energy`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption, WorkspaceOption

__all__ = [
    "budgets_command",
    "carbon_command",
    "check_command",
    "index_command",
    "node_command",
    "to_inventory_command",
]

PeriodArgument = Annotated[str, typer.Argument(help="Period: YYYY or YYYY-MM.")]
FillOption = Annotated[
    str,
    typer.Option(help="Gap filling: none, linear or previous_week (recorded on the result)."),
]


def check_command(
    period: Annotated[
        str | None, typer.Argument(help="Period: YYYY or YYYY-MM; all if blank.")
    ] = None,
    fill: FillOption = "none",
    rules: Annotated[Path | None, typer.Option(help="Meter rules YAML of your own.")] = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Read the meters: gaps, duplicates, counter resets and roll-overs, negative intervals
    and spikes, by meter and time.

    Example: [bold]carbonledger park check 2025-03 -w acme[/]
    """
    with fail_cleanly(as_json):
        found = app.park_check(app.open_workspace(workspace), period, fill, rules)
    if as_json:
        emit_json(found)
        return
    console.print(
        f"{found['readings']:,} readings, {found['intervals']:,} intervals, "
        f"{found['filled']:,} filled (fill {found['fill']})"
    )
    rows = [
        (s["meter_id"], s["check"], s["severity"], s["findings"], s["intervals"])
        for s in found["summary"]
    ]
    columns = ["meter", "check", "severity", "findings", "intervals"]
    console.print(rich_table("Findings by meter", columns, rows))
    first = [
        (f["meter_id"], f["time"], f["check"], f["value"], f["message"])
        for f in found["findings"][:20]
    ]
    if first:
        console.print(
            rich_table("First findings", ["meter", "time", "check", "value", "message"], first)
        )


def node_command(
    node: Annotated[str, typer.Argument(help="Meter id of the node (park, zone, building ...).")],
    period: PeriodArgument,
    interval: Annotated[str, typer.Option(help="15min, h, D, W, M or Y.")] = "D",
    fill: FillOption = "none",
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """A node of the meter tree by interval: its meter, its sub-meters and the unmetered rest.

    Example: [bold]carbonledger park node MAIN 2025-03 --interval h[/]
    """
    with fail_cleanly(as_json):
        found = app.park_node(app.open_workspace(workspace), node, interval, period, fill)
    if as_json:
        emit_json(found)
        return
    unit = found["unit"]
    rows = [(r["start"], r["metered"], r["submetered"], r["unmetered"]) for r in found["rows"]]
    columns = ["start", f"metered [{unit}]", f"sub-metered [{unit}]", f"unmetered [{unit}]"]
    console.print(rich_table(f"{node} ({found['medium']})", columns, rows))
    share = found["totals"]["unmetered_share"]
    console.print(f"unmetered: {share:.1%} of the metered" if share is not None else "")


def carbon_command(
    period: PeriodArgument,
    factor: Annotated[str, typer.Option(help="auto, hourly or annual.")] = "auto",
    basis: Annotated[
        str, typer.Option(help="Hourly series basis: average or marginal.")
    ] = "average",
    fill: FillOption = "none",
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Emissions of the park's grid electricity by day, at the hourly grid factor where one
    is imported or the factor library's annual average, the method recorded.

    Example: [bold]carbonledger park carbon 2025-03 --factor annual[/]
    """
    with fail_cleanly(as_json):
        found = app.park_carbon(app.open_workspace(workspace), period, factor, basis, fill)
    found.pop("intervals")
    if as_json:
        emit_json(found)
        return
    rows = [
        (f["facility"], f["region"], f["method"], f["kwh"], f["kg_co2e"] / 1000)
        for f in found["facilities"]
    ]
    columns = ["facility", "region", "method", "kWh", "t CO2e"]
    console.print(rich_table(f"Metered carbon {period}", columns, rows))
    monthly = [(r["facility"], r["month"], r["kwh"], r["kg_co2e"] / 1000) for r in found["monthly"]]
    console.print(rich_table("By month", ["facility", "month", "kWh", "t CO2e"], monthly))


def budgets_command(
    month: Annotated[str, typer.Argument(help="Month: YYYY-MM.")],
    as_of: Annotated[str | None, typer.Option(help="Last day observed (YYYY-MM-DD).")] = None,
    fill: FillOption = "none",
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each budget target of the park's zones for a month: so far, the month's forecast and
    an alert where it will exceed the budget.

    Example: [bold]carbonledger park budgets 2025-03 --as-of 2025-03-12[/]
    """
    with fail_cleanly(as_json):
        day = dt.date.fromisoformat(as_of) if as_of else None
        found = app.park_budgets(app.open_workspace(workspace), month, day, fill)
    if as_json:
        emit_json(found)
        return
    rows = [
        (
            b["target"],
            b["facility"],
            b["zone"] or "",
            b["so_far"] / 1000,
            b["forecast"] / 1000,
            b["budget"] / 1000,
            "exceeds" if b["exceeds"] else "within",
        )
        for b in found["budgets"]
    ]
    columns = ["target", "facility", "zone", "so far [t]", "forecast [t]", "budget [t]", ""]
    console.print(rich_table(f"Budgets {month}", columns, rows))
    for alert in found["alerts"]:
        console.print(f"[bold red]alert[/]: {alert}")


def index_command(
    period: PeriodArgument,
    fill: FillOption = "none",
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The equipment carbon index: kWh and kg CO2e per unit of output (per parcel sorted).

    Example: [bold]carbonledger park index 2025-03[/]
    """
    with fail_cleanly(as_json):
        found = app.park_index(app.open_workspace(workspace), period, fill)
    if as_json:
        emit_json(found)
        return
    rows = [
        (
            e["meter"],
            e["name"] or "",
            e["output"],
            e["output_unit"] or "",
            e["kwh_per_unit"],
            e["kg_co2e_per_unit"],
        )
        for e in found["equipment"]
    ]
    columns = ["meter", "name", "output", "unit", "kWh / unit", "kg CO2e / unit"]
    console.print(rich_table(f"Equipment carbon index {period}", columns, rows))


def to_inventory_command(
    period: PeriodArgument,
    fill: FillOption = "none",
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Import the main electricity meters' monthly kWh as electricity records (data source
    meter), the inventory's scope 2 from the meters; the same months again store nothing.

    Example: [bold]carbonledger park to-inventory 2025[/]
    """
    with fail_cleanly(as_json):
        result = app.import_park_electricity(app.open_workspace(workspace), period, fill)
    payload = {"batch": result.batch.batch_id, "rows": result.batch.rows, "created": result.created}
    if as_json:
        emit_json(payload)
        return
    verb = "Imported" if result.created else "Already imported:"
    console.print(
        f"{verb} {result.batch.rows} electricity record(s) from the meters as batch "
        f"{result.batch.batch_id[:12]}."
    )
