"""Locked periods refuse imports and keep their run; a restatement reopens with a reason."""

from __future__ import annotations

import pytest

from carbonledger.app import calculate, estimate
from carbonledger.errors import FactorNotFoundError, PeriodLockedError, WorkspaceError
from carbonledger.factors import SelectionPolicy
from carbonledger.store.periods import lock_period, period_history, reopen_period


def _fuel(record_id, period="2025-02", quantity=100):
    return {
        "record_id": record_id,
        "facility_id": "GB1",
        "period": period,
        "fuel": "natural_gas",
        "quantity": quantity,
        "unit": "m ** 3",
    }


def test_lock_restate_lock(workspace, load):
    load(workspace, stationary_fuel=[_fuel("S1")])
    run = calculate(workspace).run
    lock_period(workspace, "2025", run.run_id)
    with pytest.raises(PeriodLockedError, match="locked"):
        load(workspace, stationary_fuel=[_fuel("S2", "2025-03")])
    load(workspace, stationary_fuel=[_fuel("S3", "2026-01")])  # another period is open
    assert calculate(workspace, period="2025").run.run_id == run.run_id  # as signed off
    with pytest.raises(WorkspaceError, match="needs a reason"):
        reopen_period(workspace, "2025", " ")
    reopen_period(workspace, "2025", "meter S2 was missing")
    load(workspace, stationary_fuel=[_fuel("S2", "2025-03")])
    second = calculate(workspace, period="2025").run
    assert second.run_id != run.run_id
    assert lock_period(workspace, "2025", second.run_id).version == 2
    history = period_history(workspace, "2025")
    assert [(h.status, h.version) for h in history] == [
        ("locked", 1),
        ("reopened", 1),
        ("locked", 2),
    ]
    assert history[1].reason == "meter S2 was missing"


def test_later_year_factors_only_when_asked():
    # No release holds 2019 natural gas for GB: refused by default, served by DESNZ 2025
    # under the explicit policy, with the gap recorded as negative.
    with pytest.raises(FactorNotFoundError):
        estimate("fuel/natural_gas", 1, "m ** 3", "GB", 2019)
    result = estimate(
        "fuel/natural_gas", 1, "m ** 3", "GB", 2019, policy=SelectionPolicy(later_years=True)
    )
    assert {r["year_gap"] for r in result.rows} == {-6}
