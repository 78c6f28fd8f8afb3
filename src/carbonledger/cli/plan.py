"""``carbonledger targets``, ``measures`` and ``pathway``: the plan room's commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption, RunOption, WorkspaceOption

__all__ = [
    "history_command",
    "macc_command",
    "measures_command",
    "pathway_command",
    "targets_command",
    "types_command",
]

BasisOption = Annotated[
    str, typer.Option(help="Scope 2 basis the measures act on: market (default) or location.")
]
TypesOption = Annotated[
    Path | None,
    typer.Option("--types", help="A YAML file of more measure types (plan/measure_types.yaml)."),
]
RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="A YAML file of target rules laid out like plan/rules.yaml."),
]


def _plan(
    workspace: Path, run: str | None, types: Path | None = None, rules: Path | None = None
) -> Any:
    """The workspace's plan of a run, with the user's rules and measure types if given."""
    return app.open_plan(
        app.open_workspace(workspace),
        run,
        str(rules) if rules else None,
        str(types) if types else None,
    )


def _round(value: Any, digits: int = 1) -> Any:
    return round(value, digits) if isinstance(value, float) else value


def targets_command(
    run: RunOption = None,
    submitted: Annotated[
        int | None,
        typer.Option(help="Year the targets are submitted (default: after the run's last year)."),
    ] = None,
    rules: RulesOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each target's progress (actual, pathway, gap, required rate) and its validity checks
    against the SBTi criteria version the rules name.

    Example: [bold]carbonledger targets progress -w acme --rules my_rules.yaml[/]
    """
    with fail_cleanly(as_json):
        plan = _plan(workspace, run, rules=rules)
        result = app.targets(plan.workspace, plan, submitted)
    if as_json:
        emit_json(result)
        return
    console.print(f"Criteria: {'; '.join(result['criteria'])}")
    rows = []
    for t in result["targets"]:
        p = t["progress"]
        latest: dict[str, Any] = next((y for y in p["years"] if y["year"] == p["latest_year"]), {})
        rows.append(
            (
                f"{t['target_id']} v{t['version']}",
                p["base_value"],
                latest.get("actual"),
                latest.get("pathway"),
                p["target_value"],
                p["required_annual_rate"],
                {True: "on track", False: "off track"}.get(p["on_track"], "-"),
                p["unit"],
            )
        )
    console.print(
        rich_table(
            "Targets and progress (latest year with data)",
            [
                "target",
                "base",
                "latest",
                "pathway",
                "target",
                "rate a year",
                "status",
                "unit",
            ],
            rows,
            percent=("rate a year",),
        )
    )
    checks = [
        (
            t["target_id"],
            c["rule"],
            {True: "pass", False: "FAIL"}.get(c["passed"], "n/a"),
            ", ".join(f"{k} {_round(v, 3)}" for k, v in c["numbers"].items() if k != "note"),
        )
        for t in result["targets"]
        for c in t["checks"]
    ]
    checks += [
        (
            c["subject"],
            c["rule"],
            {True: "pass", False: "FAIL"}.get(c["passed"], "n/a"),
            ", ".join(f"{k} {_round(v, 3)}" for k, v in c["numbers"].items()),
        )
        for c in result["portfolio"]
    ]
    console.print(rich_table("Validity checks", ["target", "rule", "result", "numbers"], checks))


def history_command(
    target_id: Annotated[str, typer.Argument(help="Target id.")],
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Every version of a target with the reason it was set or revised."""
    with fail_cleanly(as_json):
        versions = app.target_history(app.open_workspace(workspace), target_id)
    if as_json:
        emit_json(versions)
        return
    rows = [
        (
            v["version"],
            v["kind"],
            v["base_year"],
            v["target_year"],
            v["ambition"],
            v["reduction"],
            v["reason"],
        )
        for v in versions
    ]
    columns = ["version", "kind", "base", "target year", "ambition", "reduction", "reason"]
    console.print(rich_table(f"History of {target_id}", columns, rows, percent=("reduction",)))


def types_command(
    types_file: TypesOption = None,
    as_json: JsonOption = False,
) -> None:
    """The measures library: each type's formula, inputs and units, and what it acts on.

    Example: [bold]carbonledger measures types --types our_types.yaml --json[/]
    """
    with fail_cleanly(as_json):
        types = app.measure_types(str(types_file) if types_file else None)
    if as_json:
        emit_json({name: t.model_dump(mode="json") for name, t in types.items()})
        return
    rows = [
        (
            name,
            t.title.get("en", name),
            t.formula,
            ", ".join(f"{i} [{s.unit or '1'}]" for i, s in t.inputs.items()),
            "; ".join(
                (c.source.label() if c.source else c.boundary) + f" ({c.activity or 'CO2'})"
                for c in t.changes
            ),
        )
        for name, t in types.items()
    ]
    console.print(
        rich_table("Measure types", ["type", "title", "formula", "inputs", "acts on"], rows)
    )


def measures_command(
    run: RunOption = None,
    types: TypesOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Each measure on its own: yearly abatement, its activity changes and the factors that
    priced them (before interactions; see ``measures macc``).

    Example: [bold]carbonledger measures list -w acme --types our_types.yaml[/]
    """
    with fail_cleanly(as_json):
        plan = _plan(workspace, run, types)
        results = app.measure_results(plan.workspace, plan)
    if as_json:
        emit_json([r.to_dict() for r in results])
        return
    rows = [
        (
            r.measure.measure_id,
            r.measure.name,
            r.measure.measure_type,
            c.activity or "removal",
            c.quantity,
            c.unit,
            c.abatement,
            c.source.label() if c.source else c.boundary,
            ", ".join(c.factor_ids) or "-",
        )
        for r in results
        for c in r.changes
    ]
    columns = [
        "measure",
        "name",
        "type",
        "activity",
        "change a year",
        "unit",
        "t CO2e avoided",
        "acts on",
        "factors",
    ]
    console.print(rich_table("Measures, standalone", columns, rows))


def macc_command(
    run: RunOption = None,
    basis: BasisOption = "market",
    types: TypesOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The marginal abatement cost curve: measures by levelised cost, abatement after their
    interactions on the same sources.

    Example: [bold]carbonledger measures macc -w acme --json[/]
    """
    with fail_cleanly(as_json):
        plan = _plan(workspace, run, types)
        curve = app.macc(plan.workspace, plan, basis)
    if as_json:
        emit_json(curve)
        return
    currency = curve["currency"]
    rows = [
        (
            r["measure_id"],
            r["name"],
            r["standalone"],
            r["abatement"],
            r["levelised_cost"],
            r["net_present_cost"],
            r["payback_years"],
            r["cost_note"] or "",
        )
        for r in curve["rows"]
    ]
    columns = [
        "measure",
        "name",
        "standalone t/yr",
        "after interactions t/yr",
        f"{currency} per t",
        f"NPC {currency}",
        "payback yr",
        "costs",
    ]
    console.print(
        rich_table(f"MACC {curve['year']}, {curve['basis']}-based scope 2", columns, rows)
    )
    console.print(f"Total abatement: {curve['total_abatement']:,.1f} t CO2e a year")
    for r in curve["removals"]:
        console.print(f"Removal (not abatement): {r['measure_id']} {r['removed']:,.1f} t CO2")
    for r in curve["outside"]:
        console.print(f"Avoided outside the inventory: {r['measure_id']} {r['avoided']:,.1f} t")
    for r in curve["unmatched"]:
        console.print(f"[yellow]No emissions to act on[/]: {r['measure_id']} on {r['source']}")


def pathway_command(
    run: RunOption = None,
    horizon: Annotated[
        int | None, typer.Option(help="Last year (default: the latest target year).")
    ] = None,
    basis: BasisOption = "market",
    scenario: Annotated[
        str | None, typer.Option(help="Only the measures of this scenario (default: all).")
    ] = None,
    types: TypesOption = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Business as usual and the scenario of measures, reduce then remove, and the residual
    that credits must cover, year by year against the targets.

    Example: [bold]carbonledger pathway -w acme --horizon 2030 --scenario committed[/]
    """
    with fail_cleanly(as_json):
        plan = _plan(workspace, run, types)
        path = app.pathway(plan.workspace, plan, horizon, basis, scenario)
    if as_json:
        emit_json(path)
        return
    lines = {t["target_id"]: t for t in path["targets"]}
    rows = [
        (
            str(y["year"]),
            y["bau_total"],
            y["reductions"],
            y["gross_total"],
            y["removals"],
            y["residual"],
            *(lines[t]["values"].get(y["year"]) for t in lines),
        )
        for y in path["years"]
    ]
    columns = ["year", "BAU", "reductions", "gross", "removals", "residual", *lines]
    name = f"scenario {scenario}" if scenario else "all measures"
    title = f"Pathway, {name}, {path['basis']}-based scope 2 (t CO2e)"
    console.print(rich_table(title, columns, rows))
    console.print(f"BAU: {path['bau_method']}")
