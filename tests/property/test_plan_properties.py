"""Properties of measures' interactions and pathways (hypothesis): no source is driven below
zero, measures on one source never save more than it emits plus what others added to it, and a
scenario's totals equal the sum of their parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.plan import (
    ChangeResult,
    Measure,
    MeasureResult,
    Source,
    apply_in_sequence,
    scenario_pathway,
)

CELLS = {
    (1, None, "mobile_combustion", "F1"): 500.0,
    (2, None, "electricity", "F1"): 800.0,
    (2, None, "electricity", "F2"): 300.0,
    (3, 1, "spend_eeio", None): 1200.0,
}
SOURCES = [
    Source(scope=1, methods=("mobile_combustion",)),
    Source(scope=2),
    Source(scope=3, scope3_category=1),
]

change = st.builds(
    lambda source, co2e, acts_as: ChangeResult(
        activity="x",
        quantity=-1.0,
        unit="kWh",
        co2e=co2e,
        boundary="inventory",
        source=source,
        acts_as=acts_as,
        bases=("location", "market"),
        energy_cost_change=0.0,
    ),
    st.sampled_from(SOURCES),
    st.floats(-3000, 400),
    st.sampled_from(["share", "amount"]),
)
measure = st.builds(
    lambda i, facility, changes, start, ramp_years: MeasureResult(
        Measure(
            f"M{i}", "t", "t", "CN", start, 10, "CNY", facility_id=facility, ramp_years=ramp_years
        ),
        {},
        "",
        "",
        changes,
    ),
    st.integers(0, 10**6),
    st.sampled_from([None, "F1", "F2"]),
    st.lists(change, min_size=1, max_size=3),
    st.integers(2025, 2030),
    st.integers(1, 4),
)
measures = st.lists(measure, max_size=8, unique_by=lambda m: m.measure.measure_id)


@settings(max_examples=200, deadline=None)
@given(measures)
def test_no_cell_below_zero_and_no_source_oversaved(results):
    applied = apply_in_sequence(results, CELLS, "location")
    assert all(v >= -1e-9 for v in applied.remaining.values())
    added = sum(-s for s in applied.by_source.values() if s < 0)
    saved = sum(s for s in applied.by_source.values() if s > 0)
    assert saved <= sum(CELLS.values()) + added + 1e-6
    # What was saved is exactly what left the cells.
    assert sum(applied.remaining.values()) == pytest.approx(
        sum(CELLS.values()) - sum(applied.savings.values()), abs=1e-6
    )


@settings(max_examples=100, deadline=None)
@given(measures, st.floats(0.5, 2.0))
def test_scenario_totals_equal_the_sum_of_their_parts(results, g):
    growth = {
        2025: {1: 1.0, 2: 1.0, 3: 1.0},
        2026: {1: g, 2: g, 3: 1.0},
        2027: {1: g, 2: 1.0, 3: g},
    }
    path = scenario_pathway(results, CELLS, growth, "location")
    for row in path.years:
        assert abs(row["bau_total"] - row["reductions"] - row["gross_total"]) < 1e-6
        assert abs(sum(row["wedges"].values()) - row["reductions"]) < 1e-6
        assert abs(sum(row["gross"].values()) - row["gross_total"]) < 1e-6
        assert all(v >= -1e-9 for v in row["gross"].values())
