"""Business travel (scope 3 category 6) against DESNZ 2025 rows (sheet!cell)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from carbonledger.app import calculate
from carbonledger.methods.travel import air_key, hotel_key


def _trip(record_id, **fields):
    return {"record_id": record_id, "entity_id": "E-GB", "period": "2025-05", **fields}


def test_flight_hotel_and_rail(workspace, load):
    load(
        workspace,
        business_travel=[
            # Business travel- air!E30: long-haul to/from UK, business class, with RF,
            # 0.33940 kg CO2e per passenger.km.
            _trip(
                "A1", mode="air", haul="long_haul", cabin="business", distance=9000, passengers=2
            ),
            # Business travel- air!I30: the same without RF, 0.20083.
            _trip(
                "A2",
                mode="air",
                haul="long_haul",
                cabin="business",
                distance=9000,
                radiative_forcing=False,
            ),
            # Hotel stay!D35: China, 53.5 kg CO2e per room night.
            _trip("H1", mode="hotel", nights=3, hotel_country="CN"),
        ],
    )
    rows = pq.read_table(workspace.ledger_files(calculate(workspace).run)).to_pylist()
    by_record = {}
    for row in rows:
        by_record.setdefault(row["record_id"], []).append(row)
    with_rf = sum(r["co2e"] for r in by_record["A1"])
    assert with_rf == pytest.approx(2 * 9000 * 0.3394, rel=1e-3)
    assert sum(r["co2e"] for r in by_record["A2"]) == pytest.approx(9000 * 0.20083, rel=1e-3)
    assert by_record["H1"][0]["co2e"] == pytest.approx(3 * 53.5)
    assert {r["scope3_category"] for r in rows} == {6}
    assert {r["match_level"] for r in rows} == {"exact"}  # GB entity, GB factors


def test_travel_elsewhere_uses_named_proxies(workspace, load):
    load(
        workspace,
        business_travel=[
            {
                "record_id": "R1",
                "entity_id": "E-CN",
                "period": "2025-05",
                "mode": "rail",
                "distance": 100,
            }
        ],
    )
    rows = pq.read_table(workspace.ledger_files(calculate(workspace).run)).to_pylist()
    assert {r["match_level"] for r in rows} == {"proxy"}
    assert {r["factor_release"] for r in rows} == {"desnz-2025"}


def test_keys():
    assert air_key("domestic", "business", None) == (
        "air_travel/domestic_to_from_uk/average_passenger/with_rf"
    )  # class not published
    assert air_key("international", "economy", False) == (
        "air_travel/international_to_from_non-uk/economy_class/without_rf"
    )
    assert hotel_key("GB") == "hotel_stay/uk"
    assert hotel_key("TH") == "hotel_stay/thailand"
    assert hotel_key("VN") == "hotel_stay/vietnam"
