"""Every relational engine equals the reference engine on generated inputs (1e-9 relative)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crosscheck.helpers import inputs, run_both, scratch

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
FACILITIES = ["US1", "GB1", "CN1", "SG1"]
quantity = st.floats(min_value=0.001, max_value=1e7, allow_nan=False, allow_infinity=False)


@st.composite
def activity(draw):
    n = draw(st.integers(1, 6))
    electricity = [
        {
            "record_id": f"E{i}",
            "facility_id": draw(st.sampled_from(FACILITIES)),
            "period": draw(st.sampled_from(MONTHS)),
            "quantity": draw(quantity),
            "unit": draw(st.sampled_from(["kWh", "MWh", "GJ"])),
        }
        for i in range(n)
    ]
    fuels = [
        {
            "record_id": f"S{i}",
            "facility_id": draw(st.sampled_from(["US1", "GB1"])),
            "period": draw(st.sampled_from(MONTHS)),
            "fuel": draw(st.sampled_from(["natural_gas", "diesel", "propane"])),
            "quantity": draw(quantity),
            "unit": draw(st.sampled_from(["m ** 3", "L", "gallon", "t", "kg"])),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    refrigerants = [
        {
            "record_id": f"R{i}",
            "facility_id": draw(st.sampled_from(FACILITIES)),
            "period": "2025-12",
            "equipment_type": "chiller",
            "gas": draw(st.sampled_from(["R-410A", "R-404A", "HFC-134a", "SF6"])),
            "method": "top_up",
            "top_up": draw(quantity),
            "mass_unit": "kg",
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    spend = [
        {
            "record_id": f"G{i}",
            "entity_id": draw(st.sampled_from(["E-US", "E-CN"])),
            "period": draw(st.sampled_from(MONTHS)),
            "gl_account": "x",
            "supplier_category": draw(
                st.sampled_from(["packaging", "it_hardware", "freight_carriers"])
            ),
            "amount": draw(quantity),
            "currency": draw(st.sampled_from(["USD", "CNY"])),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    travel = [
        {
            "record_id": f"T{i}",
            "entity_id": draw(st.sampled_from(["E-US", "E-GB", "E-CN"])),
            "period": draw(st.sampled_from(MONTHS)),
            **draw(
                st.sampled_from(
                    [
                        {"mode": "air", "haul": "international", "cabin": "economy"},
                        {
                            "mode": "air",
                            "haul": "long_haul",
                            "cabin": "first",
                            "radiative_forcing": False,
                        },
                        {"mode": "rail"},
                        {"mode": "taxi"},
                        {"mode": "car", "car_fuel": "diesel"},
                        {"mode": "hotel", "hotel_country": "SG"},
                    ]
                )
            ),
            "distance": draw(quantity),
            "nights": 2.0,
            "passengers": draw(st.integers(1, 3)),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    waste = [
        {
            "record_id": f"W{i}",
            "facility_id": draw(st.sampled_from(["US1", "GB1", "CN1"])),
            "period": draw(st.sampled_from(MONTHS)),
            "material": draw(st.sampled_from(["paper_board", "plastics", "food", "general"])),
            "treatment": draw(st.sampled_from(["landfill", "combustion"])),
            "quantity": draw(quantity),
            "unit": draw(st.sampled_from(["t", "kg"])),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    commuting = [
        {
            "record_id": f"K{i}",
            "entity_id": draw(st.sampled_from(["E-US", "E-GB", "E-CN"])),
            "period": draw(st.sampled_from(MONTHS)),
            "mode": draw(st.sampled_from(["car", "bus", "rail", "remote", "walk", "motorbike"])),
            "employees": draw(st.floats(0, 500)),
            "days": draw(st.floats(0, 23)),
            "one_way_distance": draw(st.floats(0, 80)),
            "remote_heating": draw(st.booleans()),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    legs = [
        {
            "record_id": f"L{i}",
            "shipment_id": f"S{i}",
            "entity_id": draw(st.sampled_from(["E-US", "E-GB", "E-CN"])),
            "period": draw(st.sampled_from(MONTHS)),
            "direction": draw(st.sampled_from(["upstream", "downstream"])),
            "carrier": draw(st.sampled_from(["subcontracted", "own_fleet"])),
            "mass": draw(st.floats(0.01, 40)),
            "mass_unit": draw(st.sampled_from(["t", "kg"])),
            "distance": draw(st.floats(1, 12000)),
            "trip_id": draw(st.sampled_from([None, "T1", "T2"])),
            "load_factor": draw(st.sampled_from([None, 0.1, 0.6, 0.9])),
            **draw(
                st.sampled_from(
                    [
                        {"mode": "road", "vehicle": "hgv"},
                        {"mode": "road", "vehicle": "van_diesel", "trip_distance": 80.0},
                        {
                            "mode": "road",
                            "vehicle": "hgv_articulated",
                            "fuel": "diesel",
                            "fuel_quantity": 300.0,
                            "fuel_unit": "L",
                        },
                        {"mode": "air", "vehicle": "long_haul", "distance_type": "gcd"},
                        {
                            "mode": "sea",
                            "vehicle": "container_ship",
                            "distance_type": "gcd",
                            "distance_adjustment": 1.15,
                        },
                        {"mode": "rail", "vehicle": "freight_train", "distance_unit": "mi"},
                    ]
                )
            ),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    packaging = [
        {
            "record_id": f"P{i}",
            "entity_id": draw(st.sampled_from(["E-US", "E-GB", "E-CN"])),
            "period": draw(st.sampled_from(MONTHS)),
            "package_type": draw(st.sampled_from(["box", "bag"])),
            "packages": draw(quantity),
            "region": draw(st.sampled_from([None, "GB", "CN"])),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    devices = [
        {
            "record_id": f"D{i}",
            "entity_id": draw(st.sampled_from(["E-US", "E-GB", "E-CN"])),
            "period": draw(st.sampled_from(MONTHS)),
            "model": "speaker",
            "country": draw(st.sampled_from(["GB", "CN", "US", "SG"])),
            "units_sold": draw(quantity),
            "annual_energy": draw(st.floats(0, 200)),
            "lifetime_years": draw(st.floats(0, 10)),
            "renewable_share": draw(st.sampled_from([None, 0.0, 0.5])),
            "active_devices": draw(st.sampled_from([None, 1000.0])),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    store_trips = [
        {
            "record_id": f"C{i}",
            "facility_id": draw(st.sampled_from(FACILITIES)),
            "period": draw(st.sampled_from(MONTHS)),
            "store_environment": "urban",
            "trips": draw(quantity),
            "round_trip_distance": draw(st.floats(0, 40)),
            **draw(
                st.sampled_from(
                    [
                        {"share_car": 0.5, "share_transit": 0.3, "share_non_motorised": 0.2},
                        {"share_light_truck": 0.7, "share_other": 0.3},
                    ]
                )
            ),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    leased = [
        {
            "record_id": f"A{i}",
            "entity_id": draw(st.sampled_from(["E-US", "E-GB", "E-CN"])),
            "asset_id": "x",
            "relation": draw(
                st.sampled_from(["upstream_leased", "downstream_leased", "franchise"])
            ),
            "period": draw(st.sampled_from(MONTHS)),
            "region": draw(st.sampled_from(["GB", "CN-GD", "EGRID-RFCE"])),
            **draw(
                st.sampled_from(
                    [
                        {"electricity": 5000.0},
                        {"floor_area": 800.0, "energy_intensity": 150.0, "intensity_source": "s"},
                        {
                            "floor_area": 8000.0,
                            "area_unit": "ft ** 2",
                            "energy_intensity": 90.0,
                            "intensity_source": "s",
                            "fuel": "natural_gas",
                            "fuel_quantity": 40.0,
                            "fuel_unit": "m ** 3",
                        },
                    ]
                )
            ),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    return {
        "customer_trips": store_trips,
        "leased_assets": leased,
        "packaging_use": packaging,
        "device_sales": devices,
        "transport_legs": legs,
        "commuting": commuting,
        "waste": waste,
        "business_travel": travel,
        "electricity": electricity,
        "stationary_fuel": fuels,
        "refrigerants": refrigerants,
        "spend": spend,
    }


def _key(row):
    return (
        row["batch_id"],
        row["record_id"],
        row["method"],
        row["line"],
        row["scope2_basis"] or "",
        row["stage"],
        row["gas"],
    )


def assert_same_ledger(relational, reference):
    left = {_key(r): r for r in relational.to_pylist()}
    right = {_key(r): r for r in reference.to_pylist()}
    assert left.keys() == right.keys()
    for key, row in left.items():
        other = right[key]
        for column in ("mass", "co2e", "activity_quantity"):
            if row[column] is None or other[column] is None:
                assert row[column] == other[column], (key, column)
            else:
                assert row[column] == pytest.approx(other[column], rel=1e-9, abs=1e-12), key
        for column in (
            "factor_id",
            "factor_release",
            "match_level",
            "year_gap",
            "scope",
            "scope3_category",
            "iso_category",
            "gwp_set",
            "data_quality",
        ):
            assert row[column] == other[column], (key, column)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=activity(), gwp_set=st.sampled_from(["AR5", "AR6"]))
def test_duckdb_equals_reference(data, gwp_set):
    with scratch() as folder:
        relational, reference = run_both(inputs(Path(folder), data), gwp_set)
    assert relational.num_rows == reference.num_rows > 0
    assert_same_ledger(relational, reference)


def test_market_based_allocation_agrees(tmp_path):
    data = {
        "electricity": [
            {
                "record_id": "E1",
                "facility_id": "US1",
                "period": "2025-01",
                "quantity": 40,
                "unit": "MWh",
            },
            {
                "record_id": "E2",
                "facility_id": "US1",
                "period": "2025-01",
                "quantity": 60000,
                "unit": "kWh",
            },
            {
                "record_id": "E3",
                "facility_id": "CN1",
                "period": "2025-01",
                "bill_amount": 700,
                "currency": "CNY",
            },
        ]
    }
    instruments = [
        {
            "instrument_id": "PPA-1",
            "instrument_type": "ppa",
            "facility_id": "US1",
            "period": "2025-01",
            "quantity": 30,
            "unit": "MWh",
            "emission_factor": 0.05,
        },
        {
            "instrument_id": "REC-1",
            "instrument_type": "eac",
            "facility_id": "US1",
            "period": "2025-01",
            "quantity": 50,
            "unit": "MWh",
            "emission_factor": 0.0,
        },
        {
            "instrument_id": "REC-2",
            "instrument_type": "eac",
            "facility_id": "CN1",
            "period": "2025-01",
            "quantity": 5,
            "unit": "MWh",
            "emission_factor": 0.0,
        },
    ]
    relational, reference = run_both(inputs(tmp_path, data, instruments))
    assert_same_ledger(relational, reference)
    market = [r for r in relational.to_pylist() if r["scope2_basis"] == "market"]
    # US1: 100 MWh; RECs (EAC, first) cover 50, the PPA 30, the grid the last 20.
    by_key = {}
    for row in market:
        if row["facility_id"] == "US1" and row["gas"] in ("CO2e", "CO2"):
            by_key[row["activity_key"]] = (
                by_key.get(row["activity_key"], 0) + row["activity_quantity"]
            )
    assert by_key == pytest.approx(
        {"instrument/REC-1": 50_000, "instrument/PPA-1": 30_000, "electricity/grid": 20_000}
    )
