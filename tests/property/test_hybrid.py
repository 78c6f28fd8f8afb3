"""The hybrid model: process results replace the spend lines they cover, nothing twice, nothing
dropped (Amazon's method; coverage map per GL line)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonledger.inventory import reconcile, totals, unmatched_process_activity
from tests.crosscheck.helpers import inputs, run_both, scratch

MONTHS = ["2025-01", "2025-02", "2025-03"]
COVER_TRAVEL = [
    {
        "match_field": "supplier_category",
        "match_value": "business_travel",
        "method": "business_travel",
        "note": "trips are calculated from bookings",
    }
]


@st.composite
def books(draw):
    spend = [
        {
            "record_id": f"G{i}",
            "entity_id": draw(st.sampled_from(["E-GB", "E-US"])),
            "period": draw(st.sampled_from(MONTHS)),
            "gl_account": "6406",
            "supplier_category": draw(st.sampled_from(["business_travel", "packaging"])),
            "amount": draw(st.floats(1, 1e6)),
            "currency": "USD",
        }
        for i in range(draw(st.integers(1, 8)))
    ]
    trips = [
        {
            "record_id": f"T{i}",
            "entity_id": draw(st.sampled_from(["E-GB", "E-US"])),
            "period": draw(st.sampled_from(MONTHS)),
            "mode": "rail",
            "distance": draw(st.floats(1, 5000)),
        }
        for i in range(draw(st.integers(0, 5)))
    ]
    return {"spend": spend, "business_travel": trips}


def _active(table):
    return table.filter(pc.equal(table["status"], "active"))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=books(), covered=st.booleans())
def test_no_record_counted_twice_and_nothing_dropped(data, covered):
    with scratch() as folder:
        ledger, reference = run_both(
            inputs(Path(folder), data, coverage=COVER_TRAVEL if covered else None)
        )
    rows = ledger.to_pylist()
    assert {(r["record_id"], r["status"]) for r in rows} == {
        (r["record_id"], r["status"]) for r in reference.to_pylist()
    }
    trips = {(t["entity_id"], t["period"]) for t in data["business_travel"]}
    for row in rows:
        if row["method"] != "spend_eeio":
            assert row["status"] == "active"
            continue
        line = next(g for g in data["spend"] if g["record_id"] == row["record_id"])
        replaced = (
            covered
            and line["supplier_category"] == "business_travel"
            and (line["entity_id"], line["period"]) in trips
        )
        assert row["status"] == ("superseded" if replaced else "active")
        assert row["superseded_by"] == ("business_travel" if replaced else None)


def test_empty_coverage_map_gives_the_pure_spend_totals(tmp_path):
    data = {
        "spend": [
            {
                "record_id": "G1",
                "entity_id": "E-GB",
                "period": "2025-01",
                "gl_account": "x",
                "supplier_category": "business_travel",
                "amount": 1000.0,
                "currency": "USD",
            }
        ],
        "business_travel": [
            {
                "record_id": "T1",
                "entity_id": "E-GB",
                "period": "2025-01",
                "mode": "rail",
                "distance": 100.0,
            }
        ],
    }
    ledger, _ = run_both(inputs(tmp_path, data))
    spend_only = ledger.filter(pc.equal(ledger["method"], "spend_eeio"))
    assert set(spend_only["status"].to_pylist()) == {"active"}
    by_method = {r["method"]: r["co2e"] for r in totals(ledger, ["method"]).to_pylist()}
    assert by_method["spend_eeio"] == pytest.approx(pc.sum(spend_only["co2e"]).as_py() / 1000)


def test_superseding_and_reconciliation(tmp_path):
    data = {
        "spend": [
            {
                "record_id": "G1",
                "entity_id": "E-GB",
                "period": "2025-01",
                "gl_account": "x",
                "supplier_category": "business_travel",
                "amount": 1000.0,
                "currency": "USD",
            },
            {
                "record_id": "G2",
                "entity_id": "E-GB",
                "period": "2025-02",
                "gl_account": "x",
                "supplier_category": "business_travel",
                "amount": 500.0,
                "currency": "USD",
            },
        ],
        "business_travel": [
            {
                "record_id": "T1",
                "entity_id": "E-GB",
                "period": "2025-01",
                "mode": "rail",
                "distance": 100.0,
            },
            {
                "record_id": "T2",
                "entity_id": "E-US",
                "period": "2025-03",
                "mode": "rail",
                "distance": 50.0,
            },
        ],
    }
    first, _ = run_both(inputs(tmp_path, data, coverage=COVER_TRAVEL))
    again, _ = run_both(inputs(tmp_path, data, coverage=COVER_TRAVEL))
    assert first.column("status").to_pylist() == again.column("status").to_pylist()
    status = {r["record_id"]: r["status"] for r in first.to_pylist()}
    assert status == {"G1": "superseded", "G2": "active", "T1": "active", "T2": "active"}
    (row,) = reconcile(first).to_pylist()
    assert row["scope3_category"] == 6 and row["lines_superseded"] == 1
    assert row["active_total"] == pytest.approx(
        row["spend_estimate"] - row["spend_superseded"] + row["process"]
    )
    unmatched = unmatched_process_activity(first).to_pylist()
    assert [(u["entity_id"], u["period"]) for u in unmatched] == [("E-US", "2025-03")]
