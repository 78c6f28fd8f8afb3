"""The dispatch LP on cases whose optimum is known by hand: arbitrage between valley and peak,
curtailment where export is refused, shedding at the import limit, the carbon price moving
imports to cleaner hours, the demand charge flattening the peak; and the energy balance of
every step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonledger.energy import Battery, EVFleet, Site, dispatch
from carbonledger.errors import CarbonLedgerError

TIMES = pd.date_range("2025-01-06", periods=4, freq="1h")


def _s(*values: float) -> pd.Series:
    return pd.Series(values, index=TIMES, dtype=float)


def _site(**changes) -> Site:
    base = dict(
        load=_s(10, 10, 10, 10),
        import_price=_s(0.3, 0.3, 1.2, 1.2),
        grid_factor=_s(0.5, 0.5, 0.5, 0.5),
    )
    return Site(**(base | changes))


def _balanced(result) -> None:
    s = result.series
    supply = s.pv_used + s.grid_import + s.discharge + s.shed
    assert np.allclose(supply, s.load + s.charge + s.grid_export, atol=1e-6)


def test_a_lossless_battery_buys_the_peak_in_the_valley():
    result = dispatch(_site(), Battery(capacity=20, power=10, round_trip_efficiency=1))
    assert result.series.grid_import.tolist() == pytest.approx([20, 20, 0, 0])
    assert result.totals["energy_cost"] == pytest.approx(
        40 * 0.3
    )  # not 2 x 10 x 0.3 + 2 x 10 x 1.2
    _balanced(result)


def test_round_trip_losses_are_paid_and_arbitrage_stops_when_it_does_not_pay():
    lossy = dispatch(_site(), Battery(capacity=30, power=20, round_trip_efficiency=0.81))
    # 1 kWh out of the battery needs 1 / 0.81 kWh in (0.9 each way): the 20 kWh of the peak
    # come from 24.69 kWh bought at 0.3 (22.2 kWh stored), cheaper than 20 kWh at 1.2
    assert lossy.totals["import_kwh"] == pytest.approx(20 + 20 / 0.81)
    assert lossy.totals["energy_cost"] == pytest.approx(0.3 * (20 + 20 / 0.81))
    # with wear at 1.0 per kWh discharged, storing costs more than the 0.9 it saves
    worn = dispatch(_site(), Battery(20, 10, 1, degradation_cost=1.0))
    assert worn.totals["discharged_kwh"] == pytest.approx(0)


def test_pv_beyond_the_load_is_curtailed_when_export_is_refused_and_sold_when_paid():
    pv = _s(0, 15, 15, 0)
    refused = dispatch(_site(pv=pv))
    assert refused.totals["curtailed_kwh"] == pytest.approx(10)
    assert refused.totals["export_kwh"] == 0
    sold = dispatch(_site(pv=pv, export_price=0.2, export_limit=3))
    assert sold.totals["export_kwh"] == pytest.approx(6)  # 3 kW for two hours
    assert sold.totals["curtailed_kwh"] == pytest.approx(4)
    assert sold.totals["export_revenue"] == pytest.approx(1.2)
    _balanced(sold)


def test_non_priority_load_is_shed_at_the_import_limit_and_too_little_is_an_error():
    result = dispatch(_site(import_limit=8, sheddable=_s(3, 3, 3, 3), value_of_lost_load=5))
    assert result.totals["shed_kwh"] == pytest.approx(8)  # 2 kW short in each of 4 hours
    with pytest.raises(CarbonLedgerError, match="import limit"):
        dispatch(_site(import_limit=8, sheddable=_s(1, 1, 1, 1), value_of_lost_load=5))
    with pytest.raises(CarbonLedgerError, match="value of lost load"):
        dispatch(_site(sheddable=_s(1, 1, 1, 1)))  # free shedding is no policy


def test_a_carbon_price_moves_charging_to_the_cleaner_hours():
    site = _site(import_price=_s(0.5, 0.5, 0.5, 0.6), grid_factor=_s(0.9, 0.2, 0.9, 0.9))
    battery = Battery(capacity=30, power=30, round_trip_efficiency=1)
    cheapest = dispatch(site, battery)
    cleanest = dispatch(site, battery, carbon_price=1.0)
    assert cleanest.totals["emissions_kg"] < cheapest.totals["emissions_kg"]
    assert cleanest.series.grid_import.iloc[1] == pytest.approx(40)  # all of it at 0.2 kg/kWh
    assert cleanest.totals["emissions_kg"] == pytest.approx(40 * 0.2)
    assert cheapest.totals["energy_cost"] <= cleanest.totals["energy_cost"]


def test_the_demand_charge_flattens_the_months_peak():
    site = _site(load=_s(2, 2, 2, 18), import_price=_s(1, 1, 1, 1), demand_charge=10)
    result = dispatch(site, Battery(capacity=24, power=20, round_trip_efficiency=1))
    assert result.totals["peaks_kw"] == {"2025-01": pytest.approx(6)}  # 24 kWh over 4 h
    assert result.series.grid_import.max() == pytest.approx(6)
    assert result.totals["demand_cost"] == pytest.approx(60)


def test_inputs_on_other_times_or_with_gaps_are_named():
    with pytest.raises(CarbonLedgerError, match="pv: its times"):
        dispatch(_site(pv=pd.Series([1.0, 2.0], index=TIMES[:2])))
    with pytest.raises(CarbonLedgerError, match="import_price: 1 steps without a value"):
        dispatch(_site(import_price=_s(0.3, np.nan, 1.2, 1.2)))


def _fleet(**changes) -> EVFleet:
    session = dict(
        session_id="V1",
        arrival=TIMES[0],
        departure=TIMES[-1] + pd.Timedelta("1h"),
        energy_kwh=20.0,
        max_kw=10.0,
        v2g_kw=0.0,
    )
    return EVFleet(pd.DataFrame([session | changes]))


def test_an_ev_charges_in_the_cheap_hours_of_its_stay():
    site = _site(import_price=_s(1.2, 0.3, 0.3, 1.2))
    result = dispatch(site, fleet=_fleet())
    assert result.series.ev_charge.tolist() == pytest.approx([0, 10, 10, 0])
    assert result.totals["ev_charged_kwh"] == pytest.approx(20)
    _balanced_with_evs(result)
    # leaving after two hours, it must charge then, whatever the price
    early = dispatch(site, fleet=_fleet(departure=TIMES[2]))
    assert early.series.ev_charge.tolist() == pytest.approx([10, 10, 0, 0])


def test_v2g_gives_back_at_the_peak_what_it_charged_in_the_valley():
    # load 10 kW; the car needs 10 kWh by the end; prices alternate valley and peak
    site = _site(import_price=_s(0.3, 1.2, 0.3, 1.2))
    plain = dispatch(site, fleet=_fleet(energy_kwh=10.0))
    v2g = dispatch(site, fleet=_fleet(energy_kwh=10.0, v2g_kw=10.0))
    assert plain.totals["energy_cost"] == pytest.approx(0.3 * 20 + 1.2 * 10 + 0.3 * 10 + 1.2 * 10)
    assert v2g.series.grid_import.tolist() == pytest.approx([20, 0, 20, 10])
    assert v2g.totals["energy_cost"] == pytest.approx(24)
    assert v2g.totals["ev_discharged_kwh"] == pytest.approx(10)
    _balanced_with_evs(v2g)


def test_a_session_its_charger_cannot_serve_is_named():
    with pytest.raises(CarbonLedgerError, match=r"EV session V1: 50\.0 kWh needed, at most 40\.0"):
        dispatch(_site(), fleet=_fleet(energy_kwh=50.0))


def _balanced_with_evs(result) -> None:
    s = result.series
    supply = s.pv_used + s.grid_import + s.discharge + s.shed + s.ev_discharge
    assert np.allclose(supply, s.load + s.charge + s.grid_export + s.ev_charge, atol=1e-6)
