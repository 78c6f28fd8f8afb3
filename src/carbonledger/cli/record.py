"""``carbonledger estimate-record``: one transport leg, package or flight through its methods."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import (
    console,
    emit_json,
    fail_cleanly,
    print_validation_report,
    rich_table,
)
from carbonledger.errors import CarbonLedgerError
from carbonledger.options import DEFAULT_GWP_SET

__all__ = ["estimate_record_command"]


def _fields(pairs: list[str]) -> dict[str, str]:
    fields = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CarbonLedgerError(f"expected FIELD=VALUE, got {pair!r}")
        fields[name.strip()] = value.strip()
    return fields


def estimate_record_command(
    kind: Annotated[str, typer.Argument(help="Activity kind: transport_legs, packaging_use ...")],
    fields: Annotated[list[str], typer.Argument(help="Column values as FIELD=VALUE.")],
    country: Annotated[
        str | None,
        typer.Option(help="Country of a stand-in entity and facility, if the record names none."),
    ] = None,
    reference: Annotated[
        list[str] | None,
        typer.Option(help="A reference table as KIND=FILE (e.g. package_types=types.csv)."),
    ] = None,
    gwp: Annotated[str, typer.Option(help="GWP set: AR4, AR5 or AR6.")] = DEFAULT_GWP_SET,
    workspace: Annotated[
        Path,
        typer.Option(
            "--workspace", "-w", help="Workspace whose references and factors are used, if any."
        ),
    ] = Path(),
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Estimate one record with every method of its kind (TTW and WTT of a leg, a package's
    materials and end of life, a flight with or without radiative forcing).

    Examples:
    [bold]carbonledger estimate-record transport_legs mode=air vehicle=long_haul mass=2
    distance=9000 distance_type=gcd direction=upstream --country CN[/];
    [bold]carbonledger estimate-record packaging_use package_type=box packages=1
    --reference package_types=types.csv --country CN[/]
    """
    with fail_cleanly(as_json, lambda exc: print_validation_report(exc, as_json)):
        ws = app.open_if_workspace(workspace)
        ledger = app.estimate_one_record(
            kind,
            _fields(fields),
            workspace=ws,
            country=country,
            reference_files=_fields(reference or []),
            gwp_set=gwp,
        ).to_pylist()
    total = sum(r["co2e"] for r in ledger if r["status"] == "active" and not r["biogenic"])
    if as_json:
        emit_json({"co2e_kg": total, "rows": ledger})
        return
    console.print(
        rich_table(
            f"{kind}: one record",
            ["method", "line", "stage", "gas", "CO2e [kg]", "factor", "match", "status"],
            [
                (
                    r["method"],
                    r["line"],
                    r["stage"],
                    r["gas"],
                    r["co2e"],
                    r["factor_id"],
                    r["match_level"],
                    r["status"],
                )
                for r in ledger
            ],
        )
    )
    console.print(f"Total: [bold]{total:,.3f} kg CO2e[/] (active rows, biogenic CO2 apart)")
