"""``carbonledger factors ...`` and ``carbonledger estimate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.errors import ValidationError
from carbonledger.options import DEFAULT_GWP_SET

__all__ = ["estimate", "factors_app"]

factors_app = typer.Typer(
    help="Browse, search and rebuild the emission-factor library.", no_args_is_help=True
)
JsonOption = Annotated[bool, typer.Option("--json", help="Print results as JSON.")]
WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace whose own factor releases are included "
        "(ignored when the folder is not a workspace).",
    ),
]


def _library(workspace: Path) -> Any:
    return app.factor_library(workspace)


@factors_app.command("list")
def list_releases(workspace: WorkspaceOption = Path(), as_json: JsonOption = False) -> None:
    """List the factor releases with publisher, version, licence and row counts.

    Example: [bold]carbonledger factors list --json[/]
    """
    with fail_cleanly(as_json):
        manifests = _library(workspace).manifests()
    if as_json:
        emit_json(manifests)
        return
    rows = [
        (
            m["release_id"],
            m["publisher"],
            m["version"],
            m["licence"],
            sum(t["rows"] for t in m["tables"].values()),
        )
        for m in manifests
    ]
    console.print(
        rich_table("Factor releases", ["release", "publisher", "version", "licence", "rows"], rows)
    )


@factors_app.command()
def search(
    text: Annotated[
        str, typer.Argument(help="Words in English or Chinese, e.g. 'diesel' or '天然气'.")
    ],
    region: Annotated[
        str | None, typer.Option(help="Only this region (US, GB, CN-GD ...).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    limit: Annotated[int, typer.Option(help="Most rows shown.")] = 30,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Search factors by activity key, name or Chinese name.

    Example: [bold]carbonledger factors search 天然气 --region GB[/]
    """
    with fail_cleanly(as_json):
        rows = _library(workspace).search(text, region, year, limit)
    if as_json:
        emit_json(rows)
        return
    table = [
        (
            r["factor_id"],
            r["activity_key"],
            r["region"],
            str(r["year"]),
            r["gas"],
            r["value"],
            f"kg/{r['unit']}",
            r["stage"],
        )
        for r in rows
    ]
    console.print(
        rich_table(
            f"Factors matching {text!r}",
            ["factor", "key", "region", "year", "gas", "value", "unit", "stage"],
            table,
        )
    )


@factors_app.command()
def show(
    factor_id: Annotated[str, typer.Argument(help="Factor id from search.")],
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Show one factor with its source location and release.

    Example: [bold]carbonledger factors show epa-hub-2025:b1128337b135d480[/]
    """
    with fail_cleanly(as_json):
        row = _library(workspace).get(factor_id)
    if as_json:
        emit_json(row)
        return
    release = row.pop("release")
    items = [(k, v) for k, v in row.items() if v is not None]
    items += [(f"release.{k}", v) for k, v in release.items()]
    console.print(rich_table(factor_id, ["field", "value"], [(k, str(v)) for k, v in items]))


@factors_app.command()
def build(
    raw: Annotated[Path | None, typer.Option(help="Folder of raw publisher files.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write here instead of the package.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Rebuild the packaged releases from the raw publisher files (checksums verified).

    Example: [bold]carbonledger factors build --raw ../shared/data --out /tmp/releases[/]
    """
    with fail_cleanly(as_json):
        manifests = app.build_factor_releases(out, raw)
    counts = {k: {t: e["rows"] for t, e in m["tables"].items()} for k, m in manifests.items()}
    if as_json:
        emit_json(counts)
    else:
        for release_id, tables in counts.items():
            console.print(f"{release_id}: {tables}")


@factors_app.command()
def verify(
    raw: Annotated[Path | None, typer.Option(help="Folder of raw publisher files.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Rebuild every release in memory and check it matches the packaged one.

    Example: [bold]carbonledger factors verify --raw ../shared/data[/]
    """
    with fail_cleanly(as_json):
        report = app.verify_factor_releases(raw)
    if as_json:
        emit_json(report)
    else:
        for release_id, problems in report.items():
            status = "[green]matches[/]" if not problems else "[red]differs[/]"
            console.print(f"{release_id}: {status}")
            for problem in problems:
                console.print(f"  {problem}", highlight=False)
    if any(report.values()):
        raise typer.Exit(1)


def estimate(
    activity_key: Annotated[str, typer.Argument(help="Factor key, e.g. fuel/natural_gas.")],
    quantity: Annotated[float, typer.Argument(help="Amount of activity.")],
    unit: Annotated[str, typer.Argument(help="Unit of the amount (therm, L, kWh, tkm ...).")],
    region: Annotated[str, typer.Option(help="Region (US, GB, CN-GD, EGRID-CAMX ...).")] = "WORLD",
    year: Annotated[int | None, typer.Option(help="Year of the activity.")] = None,
    gwp: Annotated[str, typer.Option(help="GWP set: AR4, AR5 or AR6.")] = DEFAULT_GWP_SET,
    basis: Annotated[
        str | None, typer.Option(help="Heating-value basis of an energy amount: HHV or LHV.")
    ] = None,
    stage: Annotated[
        list[str] | None, typer.Option(help="Acceptable stage; repeat in order of preference.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Refuse region and year fallbacks.")] = False,
    proxy: Annotated[
        list[str] | None,
        typer.Option(help="Proxy region to use when nothing else matches; repeatable."),
    ] = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Estimate one activity's emissions with the same method code as the engine.

    Example: [bold]carbonledger estimate fuel/natural_gas 1000 therm --region US --basis HHV[/]
    """
    policy = app.SelectionPolicy(
        stages=tuple(stage) if stage else app.DEFAULT_STAGE_ORDER,
        strict=strict,
        proxy_regions=tuple(proxy or ()),
    )
    with fail_cleanly(as_json):
        result = app.estimate(
            activity_key, quantity, unit, region, year, gwp, basis, policy, _library(workspace)
        )
    if as_json:
        emit_json(result.to_dict())
        return
    rows = [
        (
            r["gas"],
            r["mass"],
            r["co2e"],
            r["factor_id"],
            r["match_level"],
            r["year_gap"],
            r["stage"],
        )
        for r in result.rows
    ]
    console.print(
        rich_table(
            f"{quantity:g} {unit} of {activity_key} in {region}",
            ["gas", "mass [kg]", "CO2e [kg]", "factor", "match", "year gap", "stage"],
            rows,
        )
    )
    bases = {r["factor_basis"] for r in result.rows} - {None}
    console.print(
        f"Total: [bold]{result.co2e:,.3f} kg CO2e[/] ({result.gwp_set})"
        + (
            f"; biogenic CO2 {result.biogenic_co2:,.3f} kg reported apart"
            if result.biogenic_co2
            else ""
        )
        + (
            f"; on the publisher's {bases.pop()} basis, as the request stated none"
            if bases and basis is None
            else ""
        )
    )


@factors_app.command()
def add(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX in the user_factors format.")],
    release_id: Annotated[str, typer.Option("--id", help="Release id, e.g. cn-grid-2023.")],
    publisher: Annotated[str, typer.Option(help="Who published the factors.")],
    version: Annotated[str, typer.Option(help="Version of the factors.")] = "1",
    licence: Annotated[str, typer.Option(help="Licence of the data (SPDX id or name).")] = (
        "proprietary"
    ),
    published: Annotated[str, typer.Option(help="Publication date (YYYY-MM-DD).")] = "",
    url: Annotated[str, typer.Option(help="Where the publisher offers them.")] = "",
    dataset: Annotated[str, typer.Option(help="Name of the data set.")] = "user factors",
    sheet: Annotated[str | None, typer.Option(help="Worksheet of a workbook.")] = None,
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="Workspace folder.")
    ] = Path(),
    as_json: JsonOption = False,
) -> None:
    """Add your own factors (supplier, contract, national average) as an immutable release.

    Example: [bold]carbonledger factors add cn_grid.csv --id cn-grid-2023 --publisher MEE -w acme[/]
    """
    info = app.ReleaseInfo(release_id, publisher, dataset, version, published, licence, url, ())

    def report(exc: ValidationError) -> None:
        if as_json:
            emit_json({"error": "validation failed", **exc.report.to_dict()})  # type: ignore[attr-defined]
        console.print(f"[red]error:[/] {exc.report}", highlight=False, soft_wrap=True)

    with fail_cleanly(as_json, report):
        manifest = app.add_factor_release(app.open_workspace(workspace), file, info, sheet)
    if as_json:
        emit_json(manifest)
    else:
        rows = manifest["tables"]["factors"]["rows"]
        console.print(f"Added release [bold]{release_id}[/] with {rows} factor(s).")
