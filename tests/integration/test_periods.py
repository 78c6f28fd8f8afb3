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


def test_a_locked_periods_figures_stay_the_locked_runs_everywhere(workspace, load, tmp_path):
    """After sign-off, a changed reference table gives a new run, but every figure of the
    locked period shown without a named run is still the signed-off run's."""
    from carbonledger.app import hotspots, inventory, lock, quality, run_totals

    power = [
        {
            "record_id": "E1",
            "facility_id": "CN1",
            "period": "2025-03",
            "quantity": 50,
            "unit": "MWh",
        }
    ]
    load(workspace, electricity=power)
    locked_run = calculate(workspace).run
    locked = run_totals(workspace, ["scope"], period="2025")[1].to_pylist()
    lock(workspace, "2025")
    later = tmp_path / "later.csv"
    later.write_text(
        "record_id,facility_id,period,quantity,unit\nE2,CN1,2026-01,80,MWh\n", encoding="utf-8"
    )
    from carbonledger.app import import_file

    import_file(workspace, "electricity", later)
    newer = calculate(workspace).run
    assert newer.run_id != locked_run.run_id
    view, shown = run_totals(workspace, ["scope"], period="2025")
    assert view.run_id == locked_run.run_id and shown.to_pylist() == locked
    assert hotspots(workspace, period="2025")[0].run_id == locked_run.run_id
    assert quality(workspace, period="2025")[0].run_id == locked_run.run_id
    assert inventory(workspace, period="2025").run_id == locked_run.run_id
    assert run_totals(workspace, ["scope"], period="2026")[0].run_id == newer.run_id


def test_a_new_run_takes_a_locked_periods_rows_from_its_signed_off_run(workspace, load, tmp_path):
    """A factor release added after sign-off would change 2025: the new run keeps the locked
    run's 2025 rows, so totals over the whole run (no period named) agree with the lock."""
    import pyarrow.parquet as pq

    from carbonledger.app import add_factor_release, lock, run_totals
    from carbonledger.factors import ReleaseInfo

    power = [
        {
            "record_id": "E1",
            "facility_id": "CN1",
            "period": "2025-03",
            "quantity": 50,
            "unit": "MWh",
        },
        {
            "record_id": "E2",
            "facility_id": "CN1",
            "period": "2026-01",
            "quantity": 80,
            "unit": "MWh",
        },
    ]
    load(workspace, electricity=power)
    signed = calculate(workspace).run
    before = {
        r["period"][:4]: r
        for r in pq.read_table(workspace.ledger_files(signed)).to_pylist()
        if r["method"] == "electricity_location"
    }
    lock(workspace, "2025")
    own = tmp_path / "own.csv"
    own.write_text(
        "activity_key,name,region,year,gas,gwp_set,value,per_unit,stage,source\n"
        "electricity/grid,Guangdong 2025,CN-GD,2025,CO2,,0.9,kWh,generation,utility\n"
        "electricity/grid,Guangdong 2026,CN-GD,2026,CO2,,0.8,kWh,generation,utility\n",
        encoding="utf-8",
    )
    info = ReleaseInfo("gd-own", "utility", "own", "1", "2026-02-01", "CC0-1.0", "", ())
    add_factor_release(workspace, own, info)
    newer = calculate(workspace).run
    assert newer.run_id != signed.run_id
    assert newer.manifest["options"]["locked_periods"] == {"2025": signed.run_id}
    after = {
        r["period"][:4]: r
        for r in pq.read_table(workspace.ledger_files(newer)).to_pylist()
        if r["method"] == "electricity_location"
    }
    assert after["2025"] == before["2025"]  # the signed-off row, its run id included
    assert after["2026"]["co2e"] == pytest.approx(80_000 * 0.8)
    whole = run_totals(workspace, ["scope"], run=newer.run_id)[1].to_pylist()
    locked = run_totals(workspace, ["scope"], period="2025")[1].to_pylist()
    year_2026 = run_totals(workspace, ["scope"], period="2026", run=newer.run_id)[1].to_pylist()
    assert {r["scope"]: r["co2e"] for r in whole} == pytest.approx(
        {
            s: sum(r["co2e"] for r in (*locked, *year_2026) if r["scope"] == s)
            for s in {r["scope"] for r in whole}
        }
    )
