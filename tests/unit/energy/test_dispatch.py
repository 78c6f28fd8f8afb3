"""The dispatch LP on cases whose optimum is known by hand: arbitrage between valley and peak,
curtailment where export is refused, shedding at the import limit, the carbon price moving
imports to cleaner hours, the demand charge flattening the peak; and the energy balance of
every step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonledger.energy import Battery, EVFleet, Site, Sizing, dispatch, size
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


def _sizing(**changes) -> Sizing:
    # one year of life, no discount: the annuity is the capex; a 4-hour period pays 4 / 8,760
    # of it, so a capex of 8,760 / 4 = 2,190 is 1 currency unit in the period
    base = dict(
        pv_capex=1e9,
        pv_max_kwp=100,
        battery_energy_capex=1e9,
        battery_power_capex=0,
        battery_max_kwh=100,
        lifetime_years=1,
        discount_rate=0,
    )
    return Sizing(**(base | changes))


TECH = Battery(0, 0, 1)  # a lossless battery's technology; its size is chosen


def test_a_battery_is_built_when_the_arbitrage_pays_for_it_and_not_otherwise():
    # each kWh of storage moves 1 kWh from 0.3 to 1.2 in the period: it pays below 0.9
    cheap = dispatch(
        _site(),
        TECH,
        sizing=_sizing(battery_energy_capex=0.8 * 2_190, battery_power_capex=0.04 * 2_190),
    )
    assert cheap.totals["battery_kwh"] == pytest.approx(20)  # the peak's 20 kWh, no more
    assert cheap.totals["battery_kw"] == pytest.approx(10)
    assert cheap.totals["capex"] == pytest.approx(20 * 0.8 * 2_190 + 10 * 0.04 * 2_190)
    dear = dispatch(_site(), TECH, sizing=_sizing(battery_energy_capex=0.96 * 2_190))
    assert dear.totals["battery_kwh"] == pytest.approx(0)
    assert Sizing(1, 1, 1, 1, 1, lifetime_years=10, discount_rate=0.05).annuity() == (
        pytest.approx(0.129505, abs=1e-6)  # the capital recovery factor at 5 % over 10 years
    )


def test_pv_is_sized_to_what_the_load_can_use_and_the_roof_holds():
    per_kwp = _s(0, 1, 1, 0)  # kW per kWp; its energy is worth 0.3 + 1.2 = 1.5 a kWp
    worth = dispatch(_site(pv=per_kwp), TECH, sizing=_sizing(pv_capex=1.0 * 2_190))
    assert worth.totals["pv_kwp"] == pytest.approx(10)  # beyond the 10 kW load: curtailed
    roof = dispatch(_site(pv=per_kwp), TECH, sizing=_sizing(pv_capex=2_190, pv_max_kwp=4))
    assert roof.totals["pv_kwp"] == pytest.approx(4)
    dear = dispatch(_site(pv=per_kwp), TECH, sizing=_sizing(pv_capex=1.6 * 2_190))
    assert dear.totals["pv_kwp"] == pytest.approx(0)


def test_the_sized_park_against_the_park_without_pv_or_battery():
    site = _site(pv=_s(0, 1, 1, 0))
    case = size(site, TECH, _sizing(pv_capex=1.0 * 2_190, lifetime_years=10))
    # 10 kWp save 1.5 a kWp in 4 hours: 15 x 2,190 = 32,850 a year for 21,900 (10 years, 0 %)
    assert case["pv_kwp"] == pytest.approx(10) and case["capex"] == pytest.approx(21_900)
    assert case["annual_savings"] == pytest.approx(32_850)
    assert case["npv"] == pytest.approx(10 * 32_850 - 21_900)
    assert case["payback_years"] == pytest.approx(21_900 / 32_850)
    assert case["emissions_avoided_kg"] == pytest.approx(20 * 0.5 * 2_190)  # 20 kWh at 0.5


def test_sizing_chooses_the_charger_count():
    # two vehicles needing 10 kWh each in the one hour they stay: 20 kW, two 10 kW chargers
    both = EVFleet(
        pd.DataFrame(
            [
                dict(
                    session_id=name,
                    arrival=TIMES[0],
                    departure=TIMES[1],
                    energy_kwh=10.0,
                    max_kw=20.0,
                    v2g_kw=0.0,
                )
                for name in ("V1", "V2")
            ]
        )
    )
    costs = _sizing(charger_kw=10, charger_capex=0.5 * 2_190)  # 0.5 in the period each
    short = dispatch(_site(), TECH, fleet=both, sizing=costs)
    assert short.totals["chargers"] == 2 and short.totals["chargers_relaxed"] == pytest.approx(2)
    assert short.totals["capex"] == pytest.approx(2 * 0.5 * 2_190)
    # staying four hours at a flat price, 20 kWh need 5 kW at a time: half a charger, built
    # as one (with the valley of _site, one charger in the two cheap hours would pay)
    long = EVFleet(both.sessions.assign(departure=TIMES[-1] + pd.Timedelta("1h")))
    flat = _site(import_price=_s(0.3, 0.3, 0.3, 0.3))
    spread = dispatch(flat, TECH, fleet=long, sizing=costs)
    assert spread.totals["chargers_relaxed"] == pytest.approx(0.5)
    assert spread.totals["chargers"] == 1
    assert spread.series.ev_charge.max() <= 10 + 1e-6
