"""Accounting invariants of a calculation: linearity, unit invariance, order, additivity."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonledger.engine import get_engine
from carbonledger.inventory import totals
from carbonledger.run import RunInputs
from tests.crosscheck.helpers import context, inputs, scratch

BASE = {
    "electricity": [
        {
            "record_id": "E1",
            "facility_id": "US1",
            "period": "2025-01",
            "quantity": 1200.0,
            "unit": "MWh",
        },
        {
            "record_id": "E2",
            "facility_id": "CN1",
            "period": "2025-02",
            "quantity": 3.5e6,
            "unit": "kWh",
        },
        {
            "record_id": "E3",
            "facility_id": "SG1",
            "period": "2025-03",
            "quantity": 9.0e5,
            "unit": "kWh",
        },
    ],
    "stationary_fuel": [
        {
            "record_id": "S1",
            "facility_id": "GB1",
            "period": "2025-01",
            "fuel": "natural_gas",
            "quantity": 5000.0,
            "unit": "m ** 3",
        },
        {
            "record_id": "S2",
            "facility_id": "US1",
            "period": "2025-02",
            "fuel": "diesel",
            "quantity": 300.0,
            "unit": "gallon",
        },
    ],
    "spend": [
        {
            "record_id": "G1",
            "entity_id": "E-CN",
            "period": "2025-04",
            "gl_account": "x",
            "supplier_category": "packaging",
            "amount": 1.0e6,
            "currency": "CNY",
        },
    ],
}


def _ledger(calc_inputs: RunInputs):
    from carbonledger.methods import registered_methods
    from carbonledger.run import relational_ledger

    engine = get_engine("duckdb")
    try:
        return engine.to_arrow(
            relational_ledger(
                engine, registered_methods(), calc_inputs, context(), "run"
            ).expression
        )
    finally:
        engine.close()


def _total(table) -> float:
    kept = table.filter(pc.invert(pc.equal(table["scope2_basis"].fill_null(""), "market")))
    return float(pc.sum(kept["co2e"]).as_py())


def _scaled(k: float) -> dict:
    out = {}
    for kind, rows in BASE.items():
        field = "amount" if kind == "spend" else "quantity"
        out[kind] = [{**r, field: r[field] * k} for r in rows]
    return out


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(k=st.floats(min_value=0.01, max_value=1000))
def test_scaling_activity_scales_emissions(k):
    with scratch() as folder:
        base = _total(_ledger(inputs(Path(folder), BASE)))
        scaled = _total(_ledger(inputs(Path(folder), _scaled(k))))
    assert scaled == pytest.approx(base * k, rel=1e-9)


def test_kwh_and_mwh_give_the_same_result(tmp_path):
    in_mwh = {
        "electricity": [
            {
                **r,
                "quantity": r["quantity"] / 1000 if r["unit"] == "kWh" else r["quantity"],
                "unit": "MWh",
            }
            for r in BASE["electricity"]
        ]
    }
    in_kwh = {
        "electricity": [
            {
                **r,
                "quantity": r["quantity"] * 1000 if r["unit"] == "MWh" else r["quantity"],
                "unit": "kWh",
            }
            for r in BASE["electricity"]
        ]
    }
    assert _total(_ledger(inputs(tmp_path, in_mwh))) == pytest.approx(
        _total(_ledger(inputs(tmp_path, in_kwh))), rel=1e-12
    )


def test_row_order_does_not_change_totals(tmp_path):
    shuffled = {kind: random.Random(7).sample(rows, len(rows)) for kind, rows in BASE.items()}
    assert _total(_ledger(inputs(tmp_path, shuffled))) == pytest.approx(
        _total(_ledger(inputs(tmp_path, BASE))), rel=1e-12
    )


def test_scope_totals_equal_the_sum_of_rows(tmp_path):
    ledger = _ledger(inputs(tmp_path, BASE))
    by_scope = totals(ledger, ["scope"]).to_pylist()
    grand = totals(ledger).to_pylist()[0]["co2e"]
    assert sum(r["co2e"] for r in by_scope) == pytest.approx(grand, rel=1e-12)
    assert grand == pytest.approx(_total(ledger) / 1000, rel=1e-12)
    by_month_gas = totals(ledger, ["month", "gas", "facility"]).to_pylist()
    assert sum(r["co2e"] or 0 for r in by_month_gas) == pytest.approx(grand, rel=1e-12)
