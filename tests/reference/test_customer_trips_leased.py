"""Customer trips to stores and leased assets against DESNZ 2025 (and the demo's cited rows)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from carbonledger.app import calculate
from carbonledger.errors import CarbonLedgerError

REL = 1e-4  # per-gas rows weighed with AR5 against the published CO2e, rounded to 5 decimals


def _rows(workspace, method):
    table = pq.read_table(workspace.ledger_files(calculate(workspace).run))
    return [r for r in table.to_pylist() if r["method"] == method]


def _trips(**shares):
    return {
        "record_id": "C1",
        "facility_id": "GB1",
        "period": "2025-09",
        "store_environment": "suburban",
        "trips": 10_000,
        "round_trip_distance": 8,
        **shares,
    }


def test_customer_trips_by_mode(workspace, load, factor):
    # Average car, unknown fuel: 0.16725 kg CO2e/km (Business travel- land!X53); average local
    # bus 0.10385 kg CO2e/passenger.km (Business travel- land!D81). 10,000 trips of 8 km.
    car = factor(
        "desnz-2025", "land_travel/cars_by_size/average_car/unknown", "CO2e", stage="combustion"
    )
    assert car["source_location"] == "Business travel- land!X53"
    load(
        workspace,
        customer_trips=[_trips(share_car=0.6, share_transit=0.2, share_non_motorised=0.2)],
    )
    rows = _rows(workspace, "customer_trips")
    by_line = {line: sum(r["co2e"] for r in rows if r["line"] == line) for line in (0, 2)}
    assert by_line[0] == pytest.approx(48_000 * 0.16725, rel=REL)
    assert by_line[2] == pytest.approx(16_000 * 0.10385, rel=REL)
    assert {r["scope3_category"] for r in rows} == {9}


def test_mode_shares_must_add_up(workspace, load):
    load(workspace, customer_trips=[_trips(share_car=0.6, share_transit=0.2)])
    with pytest.raises(CarbonLedgerError, match="do not add up to 1"):
        calculate(workspace)


def _asset(record_id, **fields):
    return {
        "record_id": record_id,
        "entity_id": "E-GB",
        "asset_id": record_id,
        "relation": "franchise",
        "period": "2025-02",
        "region": "GB",
        **fields,
    }


def test_leased_assets_metered_and_area_based(workspace, load):
    # UK electricity 0.177 kg CO2e/kWh (UK electricity!E26). Metered 10,000 kWh; area-based
    # 1,200 m2 at 120 kWh/m2/a for one month = 12,000 kWh.
    load(
        workspace,
        leased_assets=[
            _asset("A1", electricity=10_000),
            _asset(
                "A2",
                relation="upstream_leased",
                floor_area=1200,
                energy_intensity=120,
                intensity_source="tenant survey 2024",
            ),
        ],
    )
    rows = _rows(workspace, "leased_electricity")
    co2e = {a: sum(r["co2e"] for r in rows if r["record_id"] == a) for a in ("A1", "A2")}
    assert co2e == {"A1": pytest.approx(1770, rel=REL), "A2": pytest.approx(2124, rel=REL)}
    assert {(r["record_id"], r["scope3_category"], r["data_quality"]) for r in rows} == {
        ("A1", 14, "measured"),
        ("A2", 8, "estimated"),
    }


def test_area_based_estimate_needs_a_named_source(workspace, load):
    load(workspace, leased_assets=[_asset("A3", floor_area=500, energy_intensity=90)])
    with pytest.raises(CarbonLedgerError, match="no energy intensity with its source"):
        calculate(workspace)
