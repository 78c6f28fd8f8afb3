"""The park room over a workspace: a month of 15-minute meters imported and checked, the tree
reconciled, real-time carbon that agrees with the inventory's scope 2 built from the same
meters, an hourly factor series used where it is given and never made up where it is not,
a zone's budget with its forecast and alert, and the equipment carbon index."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from carbonledger.app import calculate, import_file, lock, run_totals
from carbonledger.app.park import (
    import_park_electricity,
    park_budgets,
    park_carbon,
    park_check,
    park_index,
    park_node,
)
from carbonledger.errors import CarbonLedgerError, PeriodLockedError

MONTH = "2024-01"
STEPS = 31 * 96  # 15-minute intervals of January


def _write(tmp_path, name, frame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def park(sited, tmp_path):
    """F1 (Guangdong) metered: a cumulative main meter, two zone meters and a sorter under
    zone A, whose sum leaves 10 % unmetered; a reset and a gap in the zone B meter."""
    meters = pd.DataFrame(
        {
            "meter_id": ["MAIN", "ZA", "ZB", "SORT", "PV"],
            "name": ["Park main", "Zone A", "Zone B", "Sorter", "Rooftop PV"],
            "parent_id": [None, "MAIN", "MAIN", "ZA", None],
            "level": ["park", "zone", "zone", "equipment", "equipment"],
            "facility_id": "F1",
            "zone": [None, "A", "B", "A", None],
            "medium": "electricity",
            "role": ["consumption"] * 4 + ["generation"],
            "unit": "kWh",
            "reading_type": ["cumulative", "interval", "interval", "interval", "interval"],
            "output_unit": [None, None, None, "parcel", None],
        }
    )
    import_file(sited, "meters", _write(tmp_path, "meters.csv", meters))
    ends = pd.date_range("2024-01-01 00:15", periods=STEPS, freq="15min")
    hour = ends.hour.to_numpy()
    zone_a = np.where((hour >= 8) & (hour < 20), 60.0, 30.0)
    zone_b = np.full(STEPS, 30.0)
    main = (zone_a + zone_b) / 0.9
    counter = np.concatenate([[5000.0], 5000.0 + np.cumsum(main)])
    frames = [
        pd.DataFrame(
            {
                "meter_id": "MAIN",
                "time": ends.insert(0, pd.Timestamp("2024-01-01")),
                "value": counter.round(6),
            }
        ),
        pd.DataFrame({"meter_id": "ZA", "time": ends, "value": zone_a}),
        pd.DataFrame({"meter_id": "ZB", "time": ends, "value": zone_b}).drop(index=[100, 101]),
        pd.DataFrame({"meter_id": "SORT", "time": ends, "value": zone_a / 2}),
        pd.DataFrame({"meter_id": "PV", "time": ends, "value": np.where(hour == 12, 25.0, 0.0)}),
    ]
    readings = pd.concat(frames, ignore_index=True)
    readings["time"] = readings["time"].dt.strftime("%Y-%m-%d %H:%M")
    import_file(sited, "meter_readings", _write(tmp_path, "readings.csv", readings))
    return sited, main, zone_a


def test_check_finds_the_gap_by_meter_and_time(park):
    workspace, _, _ = park
    found = park_check(workspace, MONTH)
    assert found["readings"] == 5 * STEPS + 1 - 2
    assert [(s["meter_id"], s["check"], s["intervals"]) for s in found["summary"]] == [
        ("ZB", "gap", 2)
    ]
    assert found["findings"][0]["time"] == "2024-01-02 01:15:00"
    filled = park_check(workspace, MONTH, fill="linear")
    assert filled["filled"] == 2 and filled["fill"] == "linear"


def test_node_reconciles_sub_meters_with_the_main_meter(park):
    workspace, main, _ = park
    node = park_node(workspace, "MAIN", "D", MONTH, fill="linear")
    assert node["totals"]["metered"] == pytest.approx(main.sum())
    assert node["totals"]["unmetered_share"] == pytest.approx(0.1)
    assert len(node["rows"]) == 31 and node["children"] == ["ZA", "ZB"]


def test_metered_carbon_agrees_with_the_inventory_scope_2(park):
    workspace, main, _ = park
    carbon = park_carbon(workspace, MONTH, factor="annual")
    (facility,) = carbon["facilities"]
    assert facility["method"] == "annual average from the factor library"
    assert facility["years"]["2024"]["factor_ids"]
    assert facility["kwh"] == pytest.approx(main.sum())
    result = import_park_electricity(workspace, MONTH)
    assert result.created and not import_park_electricity(workspace, MONTH).created
    assert result.batch.rows == 2  # the grid meter's month and the PV's, on-site generation
    calculate(workspace)
    _, totals = run_totals(workspace, ["scope", "facility"], basis="location", period=MONTH)
    scope2 = [r for r in totals.to_pylist() if r["scope"] == 2 and r["facility"] == "F1"]
    assert scope2[0]["co2e"] == pytest.approx(facility["kg_co2e"] / 1000, rel=1e-6)
    assert sum(r["kg_co2e"] for r in carbon["daily"]) == pytest.approx(facility["kg_co2e"])


def test_hourly_series_is_used_and_never_made_up(park, tmp_path):
    workspace, main, _ = park
    hours = pd.date_range("2024-01-01", periods=31 * 24, freq="h")
    factor = np.where(hours.hour < 12, 0.4, 0.6)
    series = pd.DataFrame(
        {
            "region": "CN-GD",
            "time": hours.strftime("%Y-%m-%d %H:%M"),
            "kg_co2e_per_kwh": factor,
            "basis": "average",
            "source": "test grid operator",
        }
    )
    import_file(workspace, "grid_factor_series", _write(tmp_path, "gf.csv", series.iloc[:-1]))
    with pytest.raises(CarbonLedgerError, match="no value for 2024-01-31 23:00 and 0 more"):
        park_carbon(workspace, MONTH, factor="hourly")
    import_file(workspace, "grid_factor_series", _write(tmp_path, "gf2.csv", series.iloc[-1:]))
    (facility,) = park_carbon(workspace, MONTH)["facilities"]
    assert facility["method"] == "hourly average grid factor"
    ends = pd.date_range("2024-01-01 00:15", periods=STEPS, freq="15min")
    starts_hour = (ends - pd.Timedelta("15min")).hour
    expected = (main * np.where(starts_hour < 12, 0.4, 0.6)).sum()
    assert facility["kg_co2e"] == pytest.approx(expected)


def test_zone_budget_forecast_and_alert(park, tmp_path):
    workspace, _, zone_a = park
    target = pd.DataFrame(
        [
            {
                "target_id": "BUD-A",
                "version": 1,
                "kind": "budget",
                "name": "Zone A",
                "scopes": "1+2",
                "facility_id": "F1",
                "zone": "A",
                "base_year": 2024,
                "target_year": 2025,
                "target_value": 100,
            }
        ]
    )
    import_file(workspace, "targets", _write(tmp_path, "targets.csv", target))
    found = park_budgets(workspace, MONTH, as_of=dt.date(2024, 1, 10))
    (budget,) = found["budgets"]
    assert budget["meters"] == ["ZA"] and budget["days_observed"] == 10
    per_kwh = budget["grid_factor"]["years"]["2024"]["kg_per_kwh"]
    daily = zone_a[:96].sum() * per_kwh  # every day alike: the forecast is 31 of them
    assert budget["so_far"] == pytest.approx(10 * daily)
    assert budget["forecast"] == pytest.approx(31 * daily)
    assert budget["budget"] == pytest.approx(100_000 * 31 / 366)
    assert budget["exceeds"] is bool(31 * daily > 100_000 * 31 / 366)
    assert (found["alerts"] != []) is budget["exceeds"]


def test_equipment_carbon_index(park, tmp_path):
    workspace, _, zone_a = park
    days = pd.date_range("2024-01-01", periods=31, freq="D").strftime("%Y-%m-%d")
    output = pd.DataFrame({"meter_id": "SORT", "date": days, "quantity": 20_000})
    import_file(workspace, "equipment_output", _write(tmp_path, "out.csv", output))
    (sorter,) = park_index(workspace, MONTH)["equipment"]
    assert sorter["kwh_per_unit"] == pytest.approx(zone_a.sum() / 2 / (31 * 20_000))
    assert sorter["output_unit"] == "parcel"


def test_readings_of_a_locked_month_are_refused(park, tmp_path):
    workspace, _, _ = park
    import_park_electricity(workspace, MONTH)
    calculate(workspace)
    lock(workspace, MONTH)
    late = pd.DataFrame({"meter_id": ["ZA"], "time": ["2024-01-15 10:07"], "value": [1.0]})
    with pytest.raises(PeriodLockedError, match="2024-01"):
        import_file(workspace, "meter_readings", _write(tmp_path, "late.csv", late))


def test_park_commands_as_a_user_runs_them(park):
    import json

    from typer.testing import CliRunner

    from carbonledger.cli import app as cli

    workspace, main, _ = park
    runner = CliRunner()
    folder = str(workspace.root)
    checked = runner.invoke(cli, ["park", "check", MONTH, "-w", folder, "--json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["summary"][0]["check"] == "gap"
    shown = runner.invoke(cli, ["park", "node", "MAIN", MONTH, "-w", folder])
    assert shown.exit_code == 0 and "unmetered: 10.0% of the metered" in shown.output
    carbon = runner.invoke(
        cli, ["park", "carbon", MONTH, "--factor", "annual", "-w", folder, "--json"]
    )
    assert json.loads(carbon.stdout)["facilities"][0]["kwh"] == pytest.approx(main.sum())
    moved = runner.invoke(cli, ["park", "to-inventory", MONTH, "-w", folder])
    assert moved.exit_code == 0 and "Imported 2 electricity record(s)" in moved.output
    wrong = runner.invoke(cli, ["park", "node", "NOPE", MONTH, "-w", folder])
    assert wrong.exit_code == 1 and "meter NOPE: not in meters" in wrong.output


def test_reading_in_parts_gives_what_one_read_gives(park, monkeypatch):
    import carbonledger.app.park as room

    workspace, _, _ = park
    whole = park_node(workspace, "MAIN", "D", MONTH, fill="linear")
    monkeypatch.setattr(room, "READINGS_PER_PART", STEPS)  # about a meter a part
    parted = room.park_series(workspace, MONTH, "linear")
    assert parted.series.intervals["meter_id"].nunique() == 5
    assert park_node(workspace, "MAIN", "D", MONTH, "linear", park=parted) == whole
    assert park_check(workspace, MONTH)["summary"] == [
        {"meter_id": "ZB", "check": "gap", "severity": "warning", "findings": 1, "intervals": 2}
    ]
