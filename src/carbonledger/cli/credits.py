"""``carbonledger credits``: credit holdings and retirements."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption, RunOption, WorkspaceOption

__all__ = ["credits_command"]


def credits_command(
    period: Annotated[
        str | None,
        typer.Option(help="A year: its retirements checked against its emissions."),
    ] = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Credit holdings by owner and status, and the retirements with their serials; with
    ``--period``, whether the credits retired for it stay within its emissions.

    Example: [bold]carbonledger credits -w acme --period 2025[/]
    """
    with fail_cleanly(as_json):
        result = app.credits(app.open_workspace(workspace), period, run)
    if as_json:
        emit_json(result)
        return
    owners = [
        (owner, *(by.get(s, 0) for s in ("held", "reserved", "retired", "cancelled")))
        for owner, by in result["owners"].items()
    ]
    columns = ["owner", "held", "reserved", "retired", "cancelled"]
    console.print(rich_table("Credits by owner [t CO2e]", columns, owners))
    rows = [
        (
            r["retirement_id"],
            r["beneficiary"],
            r["period"] or "",
            r["quantity"],
            r["removals"],
            "; ".join(r["serials"]),
        )
        for r in result["retirements"]
    ]
    columns = ["retirement", "beneficiary", "period", "t CO2e", "of which removals", "serials"]
    console.print(rich_table("Retirements", columns, rows))
    check = result.get("residual_check")
    if check:
        verdict = "pass" if check["passed"] else "FAIL"
        console.print(
            f"{verdict}: {check['retired']:,} t retired for {check['period']} against "
            f"{check['emissions']:,.1f} t CO2e of emissions ({check['rule']})"
        )
