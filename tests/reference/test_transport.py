"""Trip-level freight transport against DESNZ 2025 "Freighting goods", its WTT sheet and "Fuels".

Cells cited are those of ``ghg-conversion-factors-2025-full-set.xlsx``; each test also checks the
packaged factor carries that cell as its source location.
The ledger weighs DESNZ's per-gas rows (CO2, CH4, N2O) with AR5, so its CO2e agrees with the
published CO2e column to the latter's rounding (five decimals): ``REL`` below.
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from carbonledger.app import add_factor_release, calculate
from carbonledger.factors import ReleaseInfo
from carbonledger.inventory import shipment_footprints, tce_footprints

REL = 1e-4


def _leg(record_id, **fields):
    leg = {
        "record_id": record_id,
        "shipment_id": f"S-{record_id}",
        "entity_id": "E-GB",
        "period": "2025-05",
        "direction": "upstream",
        "mode": "road",
        "vehicle": "hgv",
        "mass": 10,
    }
    return {**leg, **fields}


def _ledger(workspace, load, legs):
    load(workspace, transport_legs=legs)
    table = pq.read_table(workspace.ledger_files(calculate(workspace).run))
    return [r for r in table.to_pylist() if r["method"].startswith("transport_")]


def _co2e(rows, record_id, method):
    return sum(r["co2e"] for r in rows if r["record_id"] == record_id and r["method"] == method)


def test_lorry_tonne_km_split_into_ttw_and_wtt(workspace, load, factor):
    # Average HGV (all diesel), average laden: 0.10163 kg CO2e/tkm (Freighting goods!P63);
    # WTT 0.02359 kg CO2e/tkm (WTT- delivery vehs & freight!G57). 10 t over 200 km = 2,000 tkm.
    ttw = factor(
        "desnz-2025",
        "freight/hgv_all_diesel/all_hgvs/average_laden",
        "CO2e",
        unit="tkm",
        stage="combustion",
    )
    assert ttw["source_location"] == "Freighting goods!P63"
    rows = _ledger(workspace, load, [_leg("L1", distance=200)])
    assert _co2e(rows, "L1", "transport_ttw") == pytest.approx(2000 * 0.10163, rel=REL)
    assert _co2e(rows, "L1", "transport_wtt") == pytest.approx(2000 * 0.02359, rel=REL)
    assert {(r["scope"], r["scope3_category"], r["iso_category"]) for r in rows} == {(3, 4, 3)}
    assert {r["stage"] for r in rows} == {"combustion", "wtt"}


def test_air_great_circle_distance_is_not_uplifted_twice(workspace, load, factor, tmp_path):
    # Long-haul freight flight, with RF: 0.89939 kg CO2e/tkm (Freighting goods!D100), WTT
    # 0.13516 (WTT- delivery vehs & freight!D94). DESNZ: "All the factors include the
    # distance uplift of 8% to compensate for planes not flying using the most direct route"
    # (Freighting goods, notes), so a great-circle 9,000 km is used as it is; a factor without
    # an uplift gets ISO 14083's (EN 16258's) + 95 km instead.
    ttw = factor(
        "desnz-2025",
        "freight/freight_flights/long-haul_to_from_uk/with_rf",
        "CO2e",
        stage="combustion",
    )
    assert ttw["source_location"] == "Freighting goods!D100"
    assert ttw["distance_uplift"] == pytest.approx(0.08)
    path = tmp_path / "charter.csv"
    path.write_text(
        "activity_key,name,region,year,gas,gwp_set,value,per_unit,stage,source\n"
        "freight/air/charter,Charter,GB,2025,CO2e,AR5GWP100,1.2,t * km,combustion,carrier\n"
        "freight/air/charter,Charter,GB,2025,CO2e,AR5GWP100,0.2,t * km,wtt,carrier\n",
        encoding="utf-8",
    )
    info = ReleaseInfo("charter-2025", "carrier", "charter", "1", "2025-01-01", "CC0-1.0", "", ())
    add_factor_release(workspace, path, info)
    flight = {"mode": "air", "mass": 2, "distance": 9000, "distance_type": "gcd"}
    legs = [
        _leg("A1", vehicle="long_haul", direction="downstream", **flight),
        _leg("C1", vehicle="charter", **flight),
    ]
    rows = _ledger(workspace, load, legs)
    assert _co2e(rows, "A1", "transport_ttw") == pytest.approx(2 * 9000 * 0.89939, rel=REL)
    assert _co2e(rows, "A1", "transport_wtt") == pytest.approx(2 * 9000 * 0.13516, rel=REL)
    assert _co2e(rows, "C1", "transport_ttw") == pytest.approx(2 * 9095 * 1.2)
    assert _co2e(rows, "C1", "transport_wtt") == pytest.approx(2 * 9095 * 0.2)
    assert {r["scope3_category"] for r in rows if r["record_id"] == "A1"} == {9}


def test_trip_fuel_is_shared_by_tonne_km_and_own_fleet_is_scope_1(workspace, load):
    # Diesel (average biofuel blend): 2.57082 kg CO2e/litre (Fuels!D72), WTT 0.61101 kg
    # CO2e/litre (WTT- fuels!D71). 50 L for a trip carrying 4 t and 6 t over 100 km each.
    trip = {
        "trip_id": "T1",
        "fuel": "diesel",
        "fuel_quantity": 50,
        "fuel_unit": "L",
        "carrier": "own_fleet",
        "distance": 100,
    }
    rows = _ledger(workspace, load, [_leg("F1", mass=4, **trip), _leg("F2", mass=6, **trip)])
    assert _co2e(rows, "F1", "transport_ttw") == pytest.approx(20 * 2.57082, rel=REL)
    assert _co2e(rows, "F2", "transport_ttw") == pytest.approx(30 * 2.57082, rel=REL)
    assert _co2e(rows, "F2", "transport_wtt") == pytest.approx(30 * 0.61101, rel=REL)
    ttw = {(r["scope"], r["scope3_category"]) for r in rows if r["method"] == "transport_ttw"}
    wtt = {(r["scope"], r["scope3_category"]) for r in rows if r["method"] == "transport_wtt"}
    assert (ttw, wtt) == ({(1, None)}, {(3, 3)})


def test_trip_distance_is_shared_by_tonne_km(workspace, load, factor):
    # Diesel van up to 3.5 t: 0.25561 kg CO2e per vehicle-km (Freighting goods!D36). The van
    # drove 120 km (empty return included) for two parcels of equal tonne-km: 60 km each.
    van = factor(
        "desnz-2025",
        "freight/vans/average_up_to_3.5_tonnes/diesel",
        "CO2e",
        unit="vkm",
        stage="combustion",
    )
    assert van["source_location"] == "Freighting goods!D36"
    trip = {"trip_id": "V1", "vehicle": "van_diesel", "trip_distance": 120, "distance": 50}
    legs = [_leg("P1", mass=0.2, **trip), _leg("P2", mass=0.2, **trip)]
    rows = _ledger(workspace, load, legs)
    assert _co2e(rows, "P1", "transport_ttw") == pytest.approx(60 * 0.25561, rel=REL)


def test_hub_per_tonne_handled_and_tce_footprints(workspace, load, tmp_path):
    # A cross-dock's own emissions per tonne handled, from the operator (a user factor):
    # 3.2 kg CO2e per t. A 10 t shipment: a 200 km lorry leg, then the hub.
    path = tmp_path / "hub.csv"
    path.write_text(
        "activity_key,name,region,year,gas,gwp_set,value,per_unit,stage,source\n"
        "hub/cross_dock,Cross-dock,GB,2025,CO2e,AR5GWP100,3.2,t,operational,operator report\n",
        encoding="utf-8",
    )
    info = ReleaseInfo("hub-2025", "operator", "hub factors", "1", "2025-01-01", "CC0-1.0", "", ())
    add_factor_release(workspace, path, info)
    legs = [_leg("L1", distance=200), _leg("H1", mode="hub", vehicle="cross_dock")]
    legs[1]["shipment_id"] = legs[0]["shipment_id"]
    rows = _ledger(workspace, load, legs)
    assert _co2e(rows, "H1", "transport_ttw") == pytest.approx(10 * 3.2)
    assert not [r for r in rows if r["record_id"] == "H1" and r["method"] == "transport_wtt"]
    run = workspace.runs()[0]
    tces = tce_footprints(
        workspace.ledger_files(run),
        [workspace.root / b.parquet_path for b in workspace.batches("transport_legs")],
    )
    by_tce = {r["tceId"]: r for r in tces.to_pylist()}
    assert by_tce["L1"]["transportActivity"] == pytest.approx(2000)
    assert by_tce["L1"]["co2eWTW"] == pytest.approx(2000 * (0.10163 + 0.02359), rel=REL)
    shipment = shipment_footprints(tces).to_pylist()
    assert len(shipment) == 1 and shipment[0]["tces"] == 2
    assert shipment[0]["co2eWTW"] == pytest.approx(by_tce["L1"]["co2eWTW"] + 32)
