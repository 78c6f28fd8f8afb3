"""Hotspots: Pareto shares and the activity/factor split of a year-on-year change."""

from __future__ import annotations

import pyarrow as pa
import pytest

from carbonledger.inventory.hotspots import (
    change_decomposition,
    change_summary,
    pareto,
    previous_period,
)
from carbonledger.run import ledger_schema


def _row(record, period, key, quantity, co2e_kg, facility="F1", gas="CO2", scope=2):
    base = dict.fromkeys(ledger_schema().names)
    return {
        **base,
        "record_id": record,
        "line": 0,
        "period": period,
        "method": "m",
        "activity_key": key,
        "activity_unit": "kWh",
        "activity_quantity": quantity,
        "co2e": co2e_kg,
        "mass": co2e_kg,
        "gas": gas,
        "status": "active",
        "biogenic": False,
        "scope": scope,
        "scope2_basis": "location" if scope == 2 else None,
        "facility_id": facility,
        "entity_id": "E",
    }


def _ledger(rows):
    return pa.Table.from_pylist(rows, schema=ledger_schema())


def test_change_splits_into_activity_and_factor_effects():
    # 2024: 100 kWh at 0.5 kg/kWh = 50 kg; 2025: 120 kWh at 0.4 kg/kWh = 48 kg (two gases).
    ledger = _ledger(
        [
            _row("a", "2024-03", "electricity/grid", 100, 45_000.0),
            _row("a", "2024-03", "electricity/grid", 100, 5_000.0, gas="CH4"),
            _row("b", "2025-03", "electricity/grid", 120, 48_000.0),
            _row("c", "2025-04", "fuel/diesel", 10, 2_000.0),
        ]
    )
    rows = {r["activity_key"]: r for r in change_decomposition(ledger, "2024", "2025")}
    grid = rows["electricity/grid"]
    assert (grid["activity_before"], grid["activity_after"]) == (100, 120)  # not per gas
    assert grid["activity_effect"] == pytest.approx(20 * 0.5)
    assert grid["factor_effect"] == pytest.approx((0.4 - 0.5) * 120)
    assert grid["activity_effect"] + grid["factor_effect"] == pytest.approx(grid["change"])
    assert rows["fuel/diesel"]["activity_effect"] == pytest.approx(2.0)  # new source


def test_change_summary_adds_the_effects_up_by_scope():
    # Scope 2: grid 50 kg -> 48 kg (activity +10 kg, factor -12 kg); scope 1: diesel 3 kg ->
    # 2 kg at the same factor (activity -1 kg).
    ledger = _ledger(
        [
            _row("a", "2024-03", "electricity/grid", 100, 50_000.0),
            _row("b", "2025-03", "electricity/grid", 120, 48_000.0),
            _row("c", "2024-04", "fuel/diesel", 15, 3_000.0, scope=1),
            _row("d", "2025-04", "fuel/diesel", 10, 2_000.0, scope=1),
        ]
    )
    summary = change_summary(change_decomposition(ledger, "2024", "2025"), "2024", "2025")
    assert summary is not None
    by_scope = {s["scope"]: s for s in summary["scopes"]}
    assert by_scope[2]["activity_effect"] == pytest.approx(10.0)
    assert by_scope[2]["factor_effect"] == pytest.approx(-12.0)
    assert by_scope[1]["change"] == pytest.approx(-1.0)
    assert by_scope[1]["factor_effect"] == pytest.approx(0.0)
    total = summary["total"]
    assert (total["co2e_before"], total["co2e_after"]) == (pytest.approx(53.0), pytest.approx(50.0))
    assert total["activity_effect"] + total["factor_effect"] == pytest.approx(total["change"])
    assert summary["largest"][0]["activity_key"] == "electricity/grid"  # |-2| > |-1|
    assert change_summary(change_decomposition(ledger, "2023", "2025"), "2023", "2025") is None


def test_pareto_marks_the_vital_few():
    ledger = _ledger(
        [
            _row(str(i), "2025-01", "k", 1, kg, facility=f"F{i}")
            for i, kg in enumerate([70_000.0, 20_000.0, 6_000.0, 4_000.0])
        ]
    )
    rows = pareto(ledger, "facility")
    assert [r["facility"] for r in rows if r["vital_few"]] == ["F0", "F1"]
    assert rows[-1]["cumulative_share"] == pytest.approx(1.0)
    assert rows[0]["share"] == pytest.approx(0.7)


def test_previous_period_is_the_same_period_a_year_earlier():
    assert previous_period("2025") == "2024"
    assert previous_period("2025-06") == "2024-06"
    assert previous_period(None) is None
