"""CLI tables a user reads at 120 columns: headers and figures never cut, shares as
percentages, one unit per table, and the demo summary never sums years without saying so."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app
from carbonledger.cli._output import console as shared_console
from carbonledger.cli._output import rich_table

pytestmark = pytest.mark.xdist_group("demo")

COMMANDS = [
    ["inventory"],
    ["inventory", "hotspots", "--by", "category"],
    ["inventory", "hotspots", "--compare", "2024", "--period", "2025"],
    ["inventory", "quality", "--by", "method"],
    ["inventory", "uncertainty", "--samples", "500"],
    ["inventory", "intensity"],
    ["results", "totals", "--by", "scope", "--by", "category"],
    ["results", "scope3"],
    ["results", "reconcile"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_tables_fit_120_columns_without_cutting_anything(demo, command):
    folder, _summary = demo
    result = CliRunner().invoke(app, [*command, "-w", str(folder)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output  # Rich's ellipsis: a header or figure was cut
    assert max(len(line) for line in result.output.splitlines()) <= 120


def test_shares_are_percentages_and_a_change_table_has_one_unit(demo):
    folder, _summary = demo
    runner = CliRunner()
    hotspots = runner.invoke(app, ["inventory", "hotspots", "-w", str(folder)]).output
    assert "cumulative share" in hotspots and " %" in hotspots
    change = runner.invoke(
        app, ["inventory", "hotspots", "--compare", "2024", "--period", "2025", "-w", str(folder)]
    ).output
    assert "(t CO2e)" in change
    assert "kWh" not in change and "USD" not in change  # activity amounts stay in --json


def test_a_narrow_column_folds_instead_of_cutting():
    table = rich_table("t", ["a very long header indeed", "n"], [("x" * 60, 1.5)])
    with shared_console.capture() as captured:
        shared_console.print(table, width=40)
    text = captured.get()
    assert "…" not in text and "indeed" in text and "1.500" in text


def test_the_demo_summary_says_which_years_it_sums(demo):
    folder, summary = demo
    first, last = summary["years"]
    assert first < last == summary["year"]
    # the emissions table is the reporting year's, not the sum of every year of the run
    location = sum(e["t_co2e"] for e in summary["emissions"] if e["basis"] in (None, "location"))
    runner = CliRunner()

    def total(*period: str) -> float:
        args = ["results", "totals", *period, "-w", str(folder), "--json"]
        return sum(r["co2e"] for r in json.loads(runner.invoke(app, args).stdout)["totals"])

    assert location == pytest.approx(total("--period", str(last)), abs=0.5)
    assert total() > 2 * location


def test_uncertainty_alone_gives_the_inventorys_intervals(demo):
    folder, _summary = demo
    runner = CliRunner()
    args = ["--samples", "2000", "--seed", "3", "-w", str(folder), "--json"]
    alone = json.loads(runner.invoke(app, ["inventory", "uncertainty", *args]).stdout)
    whole = json.loads(runner.invoke(app, ["inventory", "--json", "-w", str(folder)]).stdout)
    assert alone["period"] == whole["period"]
    from carbonledger.app import inventory, open_workspace

    expected = inventory(open_workspace(folder), samples=2000, seed=3).uncertainty
    assert [r["part"] for r in alone["rows"]] == [r["part"] for r in expected]
    for got, want in zip(alone["rows"], expected, strict=True):
        assert {k: v for k, v in got.items() if k != "part"} == pytest.approx(
            {k: v for k, v in want.items() if k != "part"}
        )


def test_the_inventory_names_the_engines_that_can_aggregate_it(demo):
    """``--engine`` picks who aggregates the ledger; one that runs no SQL is refused plainly
    (Spark's run is in tests/crosscheck/test_spark.py, marked ``spark``)."""
    folder, _summary = demo
    runner = CliRunner()
    default = runner.invoke(app, ["inventory", "-w", str(folder), "--json"])
    named = runner.invoke(app, ["inventory", "-w", str(folder), "--engine", "duckdb", "--json"])
    assert default.exit_code == named.exit_code == 0
    named_inv, default_inv = json.loads(named.stdout), json.loads(default.stdout)
    assert named_inv.keys() == default_inv.keys()
    assert (named_inv["run_id"], named_inv["period"]) == (
        default_inv["run_id"],
        default_inv["period"],
    )
    for basis in ("total_location_based", "total_market_based"):  # parallel sums: last bits
        assert named_inv[basis] == pytest.approx(default_inv[basis], rel=1e-12)
    refused = runner.invoke(app, ["inventory", "-w", str(folder), "--engine", "reference"])
    assert refused.exit_code == 1
    assert "the 'reference' engine runs no SQL; use duckdb or spark" in refused.output
    assert "Traceback" not in refused.output
