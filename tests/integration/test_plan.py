"""The plan room through the CLI on the demo company: targets with their history, checks and
progress, measures, the MACC and the pathway; the inventory itself never changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app

pytestmark = pytest.mark.xdist_group("demo")


def _json(folder: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "-w", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_targets_progress_checks_and_history(demo):
    folder, _ = demo
    result = _json(folder, "targets")
    assert result["criteria"] == [
        "SBTi Corporate Near-Term Criteria 5.2",
        "SBTi Corporate Net-Zero Standard 1.2",
    ]
    by_id = {t["target_id"]: t for t in result["targets"]}
    s12 = by_id["T-S12"]
    assert s12["version"] == 2
    progress = s12["progress"]
    # 1.5 °C: 4.2 % a year, linear, from the restated base year.
    assert progress["target_value"] == pytest.approx(progress["base_value"] * 0.58)
    assert {c["rule"]: c["passed"] for c in s12["checks"]}["ambition"] is True
    intensity = by_id["T-INT"]["progress"]
    rows = {r["year"]: r for r in intensity["years"]}
    # Reduce while growing: absolute emissions rose from 2020 to 2025 while intensity fell.
    assert rows[2025]["emissions"] > rows[2020]["emissions"]
    assert rows[2025]["actual"] < rows[2020]["actual"]
    assert intensity["unit"] == "t CO2e / MCNY"
    history = _json(folder, "targets", "history", "T-S12")
    assert [v["version"] for v in history] == [1, 2]
    assert history[0]["ambition"] == "well_below_2C" and "1.5" in history[1]["reason"]


def test_macc_order_interactions_and_what_is_kept_apart(demo):
    folder, _ = demo
    curve = _json(folder, "measures", "macc")
    costs = [r["levelised_cost"] for r in curve["rows"] if r["levelised_cost"] is not None]
    ids = [r["measure_id"] for r in curve["rows"]]
    assert "M-TREES" not in ids  # a removal is not abatement
    assert curve["removals"] == [{"measure_id": "M-TREES", "removed": pytest.approx(300.0)}]
    assert [o["measure_id"] for o in curve["outside"]] == ["M-PV-SH1"]
    standalone = {r["measure_id"]: r for r in curve["rows"]}
    # Chiller and PUE act on the same data centre's electricity: after the PUE measure the
    # chiller saves less than on its own.
    assert standalone["M-CHILLER"]["abatement"] < standalone["M-CHILLER"]["standalone"]
    assert curve["total_abatement"] == pytest.approx(sum(r["abatement"] for r in curve["rows"]))
    # Bars by their cost after interactions, each starting where the one before ends.
    assert costs == sorted(costs)
    ends = [r["start"] + r["abatement"] for r in curve["rows"]]
    assert [r["start"] for r in curve["rows"][1:]] == pytest.approx(ends[:-1])


def test_pathway_in_mitigation_order_and_inventory_untouched(demo):
    folder, _ = demo
    inventory = _json(folder, "inventory")
    path = _json(folder, "pathway", "--horizon", "2030")
    first = path["years"][0]
    assert first["year"] == path["latest_year"] == 2025
    assert first["bau_total"] == pytest.approx(inventory["total_market_based"], rel=1e-9)
    assert first["reductions"] == 0
    for row in path["years"]:
        assert row["residual"] == pytest.approx(row["gross_total"] - row["removals"])
        assert row["gross_total"] == pytest.approx(row["bau_total"] - row["reductions"])
    assert path["years"][-1]["year"] == 2030
    after = _json(folder, "inventory")  # planning changed nothing
    assert after["run_id"] == inventory["run_id"]
    for key in ("total_location_based", "total_market_based"):
        assert after[key] == pytest.approx(inventory[key], rel=1e-12)


def test_scenarios_are_sets_of_measures(demo):
    folder, summary = demo
    committed = _json(folder, "pathway", "--horizon", "2030", "--scenario", "committed")
    ambitious = _json(folder, "pathway", "--horizon", "2030", "--scenario", "ambitious")
    every = _json(folder, "pathway", "--horizon", "2030")
    assert "M-GREEN" in ambitious["order"] and "M-GREEN" not in committed["order"]
    assert "M-MOTOR" in committed["order"] and "M-PV-SH1" in committed["order"]  # blank: all
    assert set(ambitious["order"]) == set(every["order"])
    last = {p["scenario"]: p["years"][-1]["residual"] for p in (committed, ambitious)}
    assert last["ambitious"] < last["committed"]
    assert summary["plan"]["scenarios"] == pytest.approx(last)
    result = CliRunner().invoke(app, ["pathway", "--scenario", "bold", "-w", str(folder), "--json"])
    assert result.exit_code == 1 and "no measure is in scenario 'bold'" in result.output


def test_measures_name_their_factors(demo):
    folder, _ = demo
    results = {r["measure"]["measure_id"]: r for r in _json(folder, "measures")}
    waybill = results["M-WAYBILL"]["changes"][0]
    assert waybill["factor_releases"] == ["yz-t-0135-2014"]
    assert waybill["quantity"] == pytest.approx(-76e6 * 4e-6)  # t of paper


def test_users_own_rules_and_measure_types(demo, tmp_path):
    folder, _ = demo
    rules = (Path(__file__).parents[2] / "src/carbonledger/plan/rules.yaml").read_text("utf-8")
    mine = tmp_path / "rules.yaml"
    mine.write_text(rules.replace('version: "5.2"', 'version: "6.0"'), encoding="utf-8")
    result = _json(folder, "targets", "progress", "--rules", str(mine))
    assert result["criteria"][0] == "SBTi Corporate Near-Term Criteria 6.0"
    checks = [c for t in result["targets"] for c in t["checks"]]
    assert {c["criteria"] for c in checks if c["rule"] == "timeframe"} >= {
        "SBTi Corporate Near-Term Criteria 6.0"
    }
    types = tmp_path / "types.yaml"
    types.write_text(
        "paperless_waybill:\n"  # a user's own version of a packaged type replaces it
        "  title: {en: Paperless sign-off (two-ply), zh: 无纸化交接（双联）}\n"
        "  formula: paper saved = 2 x sheets x sheet mass\n"
        "  inputs:\n    sheets: {unit: ''}\n    sheet_mass: {unit: g}\n"
        "  changes:\n    - {activity: material/waybill_paper, unit: t, amount: '-2 * sheets * "
        "sheet_mass', source: {scope: 3, scope3_category: 1}, acts_as: share}\n",
        encoding="utf-8",
    )
    packaged = {r["measure"]["measure_id"]: r for r in _json(folder, "measures")}
    own = {
        r["measure"]["measure_id"]: r
        for r in _json(folder, "measures", "list", "--types", str(types))
    }
    assert own["M-WAYBILL"]["abatement"] == pytest.approx(2 * packaged["M-WAYBILL"]["abatement"])
    assert own["M-WAYBILL"]["type_title"]["en"] == "Paperless sign-off (two-ply)"
