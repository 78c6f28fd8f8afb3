"""``carbonledger credits`` and ``claims``: holdings and retirements, quality, buyers, ETS
surrenders, credit disclosures, and neutrality claims with their statements."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption, RunOption, WorkspaceOption

__all__ = [
    "buyers_command",
    "claims_command",
    "credit_quality_command",
    "credits_command",
    "disclosure_command",
    "ets_command",
    "statement_command",
]


def credits_command(
    period: Annotated[
        str | None,
        typer.Option(help="A year: its retirements checked against its emissions."),
    ] = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Credit holdings by owner and status, the retirements with their serials and the
    forward agreements (credits contracted, not yet delivered); with ``--period``, whether
    the credits retired for it stay within its emissions.

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
    forwards = [
        (
            f["agreement_id"],
            f["counterparty"],
            f["project_id"] or "",
            str(f["vintage"] or ""),
            f["quantity"],
            f["delivery"],
            f["status"],
            f["block_id"] or "",
        )
        for f in result["forwards"]["agreements"]
    ]
    if forwards:
        columns = ["agreement", "counterparty", "project", "vintage", "t CO2e", "delivery"]
        console.print(rich_table("Forward agreements", [*columns, "status", "block"], forwards))
    check = result.get("residual_check")
    if check:
        verdict = "pass" if check["passed"] else "FAIL"
        console.print(
            f"{verdict}: {check['retired']:,} t retired for {check['period']} against "
            f"{check['emissions']:,.1f} t CO2e of emissions ({check['rule']})"
        )


PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", help="A quality policy laid out like credits/quality_policy.yaml."),
]


def credit_quality_command(
    policy: PolicyOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each project vintage held: eligible for a claim or not under the quality policy, with
    each criterion's score, evidence and the reasons.

    Example: [bold]carbonledger credits quality -w acme[/]
    """
    with fail_cleanly(as_json):
        found = app.credit_quality(app.open_workspace(workspace), str(policy) if policy else None)
    rows = [a.to_dict() for a in found.values()]
    if as_json:
        emit_json(rows)
        return
    table = [
        (
            r["project_id"],
            str(r["vintage"] or "all"),
            "yes" if r["eligible"] else "no",
            "; ".join(r["reasons"]),
        )
        for r in rows
    ]
    console.print(
        rich_table("Credit quality", ["project", "vintage", "eligible", "why not"], table)
    )


def buyers_command(
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Buyer rules laid out like credits/buyer_rules.yaml."),
    ] = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each buyer of ``credit_buyers`` checked against the buyer rules of a credit service.

    Example: [bold]carbonledger credits buyers -w acme[/]
    """
    with fail_cleanly(as_json):
        rows = app.buyer_eligibility(app.open_workspace(workspace), str(rules) if rules else None)
    if as_json:
        emit_json(rows)
        return
    table = [
        (
            r["buyer"],
            "yes" if r["eligible"] else "no",
            ", ".join(c["rule"] for c in r["checks"] if c["passed"] is False),
        )
        for r in rows
    ]
    console.print(rich_table("Buyer eligibility", ["buyer", "eligible", "rules failed"], table))


def ets_command(
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each ``ets_surrenders`` surrender checked against its market's offset rules (China
    national ETS 5 %, pilot markets' caps and local-origin shares).

    Example: [bold]carbonledger credits ets -w acme[/]
    """
    with fail_cleanly(as_json):
        rows = app.ets_surrenders(app.open_workspace(workspace))
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        checks = [
            (c["rule"], _verdict(c["passed"]), c["statement"], c["reference"]) for c in r["checks"]
        ]
        title = f"{r['surrender_id']} · {r['name']} {r['year']}: {_verdict(r['passed'])}"
        console.print(rich_table(title, ["rule", "result", "rule in words", "source"], checks))


def disclosure_command(
    period: Annotated[str, typer.Option(help="Year of the disclosure.")],
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The credit datapoints of a year (ESRS E1-7 59(a) and AR 62, CDP 7.79).

    Example: [bold]carbonledger credits disclosure -w acme --period 2025[/]
    """
    with fail_cleanly(as_json):
        result = app.credit_disclosure(app.open_workspace(workspace), period)
    if as_json:
        emit_json(result)
        return
    keys = [
        "credits_retired",
        "removal_share",
        "reduction_share",
        "eu_share",
        "corresponding_adjustment_share",
        "own_removals",
    ]
    console.print(
        rich_table(
            f"Credit disclosure {period}",
            ["datapoint", "value"],
            [(k, result[k]) for k in keys],
        )
    )


def _verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else "pass" if passed else "FAIL"


def claims_command(
    claim: Annotated[str | None, typer.Option(help="One claim id (default: every claim).")] = None,
    rules: Annotated[
        str | None,
        typer.Option(
            "--rules",
            help="A rule set for every claim: iso_14068_1, pas_2060, or a file laid out like "
            "credits/claim_rules/*.yaml.",
        ),
    ] = None,
    policy: PolicyOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="Date validity is judged at, YYYY-MM-DD (default: the declaration)."),
    ] = None,
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each neutrality claim under its rule set (ISO 14068-1 by default, PAS 2060 for claims
    already made under it): every rule pass, fail or not applicable, with its clause and the
    numbers.

    Example: [bold]carbonledger claims -w acme --claim CL-2025[/]
    """
    from datetime import date

    with fail_cleanly(as_json):
        found = app.claim_evaluations(
            app.open_workspace(workspace),
            run,
            claim,
            str(policy) if policy else None,
            str(rules) if rules else None,
            date.fromisoformat(as_of) if as_of else None,
        )
    rows = [e.to_dict() for e in found]
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        title = (
            f"{r['claim_id']} {r['name']} · {r['rule_set']}: {_verdict(r['passed'])} "
            f"(residual {r['residual']:,.1f} t CO2e, retired {r['retired']:,})"
        )
        checks = [
            (c["rule"], _verdict(c["passed"]), c["reference"], c["numbers"].get("reason", ""))
            for c in r["checks"]
        ]
        console.print(rich_table(title, ["rule", "result", "clause", "note"], checks))
        for action in r["actions"]:
            console.print(f"action: {action}")


def statement_command(
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    out: Annotated[Path, typer.Option(help="File to write (.html or .pdf).")],
    lang: Annotated[str, typer.Option(help="en or zh.")] = "en",
    run: RunOption = None,
    workspace: WorkspaceOption = Path(),
) -> None:
    """A claim's qualifying explanatory statement, as HTML or PDF (by the file's suffix).

    Example: [bold]carbonledger claims statement CL-2025 --out qes.pdf --lang zh -w acme[/]
    """
    fmt = out.suffix.lstrip(".").lower()
    with fail_cleanly(False):
        document = app.claim_statement(app.open_workspace(workspace), claim, lang, fmt, run)
    if isinstance(document, bytes):
        out.write_bytes(document)
    else:
        out.write_text(document, encoding="utf-8")
    console.print(f"wrote {out}")
