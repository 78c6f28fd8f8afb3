"""Meter series on crafted faulty series: every fault found at its meter and time, each fill
policy keeping a cumulative meter's total, and the tree's unmetered remainder."""

import numpy as np
import pandas as pd
import pytest

from carbonledger.energy.meters import MeterTree, aggregate, bin_starts, read_series
from carbonledger.errors import CarbonLedgerError


def _meters(**overrides):
    base = {
        "meter_id": ["PARK", "Z1", "Z2"],
        "parent_id": [None, "PARK", "PARK"],
        "level": ["park", "zone", "zone"],
        "facility_id": ["P1"] * 3,
        "medium": ["electricity"] * 3,
        "unit": ["kWh"] * 3,
        "reading_type": ["cumulative", "interval", "interval"],
        "interval_minutes": [15, 15, 15],
        "rollover": [np.nan, np.nan, np.nan],
        "multiplier": [1.0, 1.0, 1.0],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def _readings(meter, values, start="2024-01-01 00:15", freq="15min", drop=()):
    times = pd.date_range(start, periods=len(values), freq=freq)
    frame = pd.DataFrame({"meter_id": meter, "time": times, "value": values})
    return frame.drop(index=list(drop)).reset_index(drop=True)


def _checks(series):
    return list(zip(series.findings["meter_id"], series.findings["check"], strict=True))


def test_cumulative_differences_with_rollover_and_reset():
    meters = _meters(rollover=[1000.0, np.nan, np.nan])
    # 990 -> 5 is a roll-over past 1000 (15 kWh); 25 -> 3 is a reset (3 kWh from zero)
    readings = _readings("PARK", [970.0, 990.0, 5.0, 25.0, 3.0, 10.0])
    series = read_series(meters, readings)
    assert series.intervals["value"].tolist() == [20.0, 15.0, 20.0, 3.0, 7.0]
    found = series.findings.set_index("check")
    assert found.loc["rollover", "time"] == pd.Timestamp("2024-01-01 00:45")
    assert found.loc["reset", "time"] == pd.Timestamp("2024-01-01 01:15")
    assert found.loc["reset", "severity"] == "warning"


def test_a_fall_far_below_the_rollover_value_is_a_reset():
    meters = _meters(rollover=[1000.0, np.nan, np.nan])
    series = read_series(meters, _readings("PARK", [400.0, 410.0, 2.0]))
    assert [c for _, c in _checks(series)] == ["reset"]
    assert series.intervals["value"].tolist() == [10.0, 2.0]


def test_gap_left_unfilled_counts_the_consumption_where_the_gap_ends():
    # readings at 00:15, 00:30, (00:45 and 01:00 missing), 01:15
    readings = _readings("PARK", [0.0, 10.0, 20.0, 30.0, 40.0], drop=(2, 3))
    series = read_series(_meters(), readings, fill="none")
    assert series.intervals["value"].tolist() == [10.0, 30.0]
    assert series.intervals["intervals"].tolist() == [1, 3]
    gap = series.findings[series.findings["check"] == "gap"].iloc[0]
    assert gap["time"] == pd.Timestamp("2024-01-01 00:45") and gap["count"] == 2


def test_linear_fill_spreads_a_cumulative_gap_and_keeps_the_total():
    readings = _readings("PARK", [0.0, 10.0, 20.0, 30.0, 40.0], drop=(2, 3))
    series = read_series(_meters(), readings, fill="linear")
    values = series.intervals["value"].tolist()
    assert values == [10.0, 10.0, 10.0, 10.0] and sum(values) == 40.0
    assert series.intervals["filled"].tolist() == [False, True, True, False]
    assert series.intervals["time"].tolist() == list(
        pd.date_range("2024-01-01 00:30", periods=4, freq="15min")
    )
    assert series.filled == 2 and series.fill == "linear"


def test_linear_fill_interpolates_an_interval_meter():
    readings = _readings("Z1", [4.0, 0.0, 0.0, 10.0], drop=(1, 2))
    series = read_series(_meters(), readings, fill="linear")
    assert series.intervals["value"].tolist() == [4.0, 6.0, 8.0, 10.0]


def test_previous_week_fill_takes_the_same_interval_a_week_earlier():
    week = 7 * 96
    values = np.arange(week + 4, dtype=float)
    readings = _readings("Z1", values, drop=(week + 1, week + 2))
    series = read_series(_meters(), readings, fill="previous_week")
    filled = series.intervals[series.intervals["filled"]]
    assert filled["value"].tolist() == [1.0, 2.0]


def test_previous_week_shares_a_cumulative_gap_in_proportion():
    week = 7 * 96
    steps = np.ones(week + 4)
    steps[1:3] = [1.0, 3.0]  # a week before the gap: 1 then 3 kWh
    counter = np.cumsum(steps)
    readings = _readings("PARK", counter, drop=(week + 1, week + 2))
    series = read_series(_meters(), readings, fill="previous_week")
    last = series.intervals.tail(4)["value"].to_numpy()
    assert last.sum() == pytest.approx(counter[-1] - counter[-5])
    np.testing.assert_allclose(last[1:3] / last[1:3].sum(), [0.25, 0.75])


def test_negative_duplicate_unknown_and_off_interval_readings():
    readings = pd.concat(
        [
            _readings("Z1", [1.0, -2.0, 3.0]),
            _readings("Z1", [9.0], start="2024-01-01 00:15"),
            _readings("NOPE", [1.0]),
            _readings("Z2", [1.0, 1.0], freq="20min"),
        ],
        ignore_index=True,
    )
    series = read_series(_meters(), readings)
    assert set(_checks(series)) == {
        ("Z1", "negative"),
        ("Z1", "duplicate"),
        ("NOPE", "unknown_meter"),
        ("Z2", "off_interval"),
        ("Z2", "gap"),
    }
    z1 = series.intervals[series.intervals["meter_id"] == "Z1"]
    assert z1["value"].tolist() == [1.0, 3.0]  # the first of the duplicates; the negative left out


def test_spike_is_flagged_and_kept():
    rng = np.random.default_rng(7)
    values = 50 + rng.normal(0, 2, 400)
    values[123] = 400.0
    series = read_series(_meters(), _readings("Z1", values))
    spikes = series.findings[series.findings["check"] == "spike"]
    assert spikes["time"].tolist() == [
        pd.Timestamp("2024-01-01 00:15") + pd.Timedelta("15min") * 123
    ]
    assert 400.0 in series.intervals["value"].tolist()


def test_flat_base_load_gives_no_spikes():
    series = read_series(_meters(), _readings("Z1", [5.0] * 50 + [5.2]))
    assert series.findings.empty


def test_multiplier_and_unit_convert_to_kwh():
    meters = _meters(unit=["MWh", "kWh", "kWh"], multiplier=[2.0, 1.0, 1.0])
    series = read_series(meters, _readings("PARK", [1.0, 1.5]))
    assert series.intervals["value"].tolist() == [1000.0]


def test_tree_refuses_a_missing_parent_another_medium_and_a_cycle():
    with pytest.raises(CarbonLedgerError, match="Z1: parent_id NOPE is not a meter"):
        MeterTree(_meters(parent_id=[None, "NOPE", "PARK"]))
    with pytest.raises(CarbonLedgerError, match="same medium"):
        MeterTree(_meters(medium=["electricity", "water", "electricity"]))
    with pytest.raises(CarbonLedgerError, match="cycle"):
        MeterTree(_meters(parent_id=["Z2", "PARK", "PARK"]))


def test_aggregate_shows_the_unmetered_remainder_by_hour():
    park = _readings("PARK", np.arange(9) * 10.0)  # 10 kWh an interval
    zone1 = _readings("Z1", [4.0] * 9)
    zone2 = _readings("Z2", [5.0] * 9)
    series = read_series(_meters(), pd.concat([park, zone1, zone2], ignore_index=True))
    tree = MeterTree(_meters())
    hourly = aggregate(series, tree, "PARK", "h")
    # interval ends 00:30..02:15 -> starts 00:15..02:00
    assert hourly.loc[pd.Timestamp("2024-01-01 01:00"), "metered"] == 40.0
    assert hourly.loc[pd.Timestamp("2024-01-01 01:00"), "submetered"] == 36.0
    assert hourly.loc[pd.Timestamp("2024-01-01 01:00"), "unmetered_share"] == pytest.approx(0.1)


def test_bin_starts_by_calendar_month():
    starts = pd.Series(pd.to_datetime(["2024-01-31 23:45", "2024-02-01 00:00"]))
    assert bin_starts(starts, "M").tolist() == [
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-02-01"),
    ]
    with pytest.raises(CarbonLedgerError, match="interval 'fortnight'"):
        bin_starts(starts, "fortnight")
