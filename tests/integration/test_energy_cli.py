"""``carbonledger park dispatch`` as a user runs it: a week of 15-minute load with PV from the
bundled TMY3 year and a battery, JSON that is JSON (no solver banner), the grid factor traced
to its library factor, the per-step CSV, and bad input named by file, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonledger.cli import app

TMY3 = Path(__file__).parents[2].parent / "shared/data/pvlib_bundled_weather/723170TYA.CSV"
runner = CliRunner()


@pytest.fixture
def week(tmp_path):
    times = pd.date_range("2023-07-03", periods=96 * 7, freq="15min")
    hour = np.asarray(times.hour + times.minute / 60)
    load = 300 + 200 * np.sin(np.pi * (hour - 6) / 12).clip(0)
    path = tmp_path / "load.csv"
    pd.DataFrame({"time": times, "load_kw": load.round(1)}).to_csv(path, index=False)
    return path


def test_a_week_with_pv_and_a_battery(week, tmp_path):
    series = tmp_path / "series.csv"
    args = ["park", "dispatch", str(week), "--region", "CN-ZJ", "--year", "2023"]
    args += ["--pv-kwp", "400", "--weather", str(TMY3), "--battery-kwh", "800"]
    args += ["--battery-kw", "200", "--efficiency", "0.9", "--out", str(series), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)  # nothing but JSON on stdout
    totals = found["totals"]
    assert found["status"] == "optimal" and totals["pv_used_kwh"] > 0
    assert found["grid_factor"]["releases"] == ["mee-cn-2021-2023"]  # Zhejiang 2023, MEE
    kg_per_kwh = found["grid_factor"]["kg_per_kwh"]
    assert totals["emissions_kg"] == pytest.approx(totals["import_kwh"] * kg_per_kwh)
    steps = pd.read_csv(series, index_col="time")
    assert len(steps) == 96 * 7
    assert totals["import_kwh"] == pytest.approx(steps["grid_import"].sum() / 4)
    without = runner.invoke(app, [*args[:7], "--json"])  # no PV, no battery
    assert json.loads(without.stdout)["totals"]["energy_cost"] > totals["energy_cost"]


def test_a_negative_load_is_named_by_row_and_column(week):
    text = week.read_text(encoding="utf-8").splitlines()
    text[5] = text[5].rsplit(",", 1)[0] + ",-3"
    week.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["park", "dispatch", str(week), "--region", "CN-ZJ", "--year", "2023"]
    )
    assert result.exit_code == 1
    assert "row 6, column load_kw: expected a number >= 0, found -3" in result.output


def test_size_writes_the_design_as_a_plan_measure(week, tmp_path):
    from carbonledger.ingest import read_table
    from carbonledger.schema import get_schema
    from carbonledger.validate import validate_table

    args = ["park", "size", str(week), "--region", "CN-ZJ", "--year", "2023"]
    args += ["--weather", str(TMY3), "--pv-capex", "300", "--pv-max-kwp", "800"]
    args += ["--battery-kwh-capex", "150", "--battery-kw-capex", "80"]
    args += ["--battery-max-kwh", "2000", "--lifetime", "20", "--discount-rate", "0.06"]
    args += ["--efficiency", "0.9", "--as-measure", str(tmp_path / "plan"), "--facility", "F1"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["steps"] == 24 * 7 and 0 < found["pv_kwp"] <= 800
    assert found["npv"] == pytest.approx(
        found["annual_savings"] * (1 - 1.06**-20) / 0.06 - found["capex"], rel=1e-9
    )
    for kind in ("measures", "measure_inputs"):  # files the plan room imports as they are
        frame, meta = read_table(tmp_path / "plan" / f"{kind}.csv")
        assert validate_table(frame, meta, get_schema(kind)).report.ok(True)
    inputs = pd.read_csv(tmp_path / "plan" / "measure_inputs.csv").set_index("input")["value"]
    assert inputs["capacity"] == pytest.approx(found["pv_kwp"])
    yearly = found["with"]["pv_used_kwh"] * 8760 / (24 * 7)
    assert inputs["specific_yield"] * inputs["capacity"] == pytest.approx(yearly)
