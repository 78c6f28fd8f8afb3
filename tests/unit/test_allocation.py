"""Allocation: shares of pools add back to the pools; an order's footprint is its shares."""

from __future__ import annotations

import pyarrow as pa
import pytest

from carbonledger.inventory.allocation import allocate, footprint
from carbonledger.run import ledger_schema


def _ledger():
    base = dict.fromkeys(ledger_schema().names)
    rows = [
        {
            **base,
            "facility_id": f,
            "entity_id": "E",
            "period": "2025-01",
            "scope": scope,
            "scope2_basis": basis,
            "method": method,
            "co2e": kg,
            "mass": kg,
            "gas": "CO2e",
            "status": "active",
            "biogenic": False,
        }
        for f, scope, basis, method, kg in (
            ("FC", 2, "location", "electricity_location", 10_000.0),
            ("FC", 2, "market", "electricity_market", 4_000.0),
            ("FC", 1, None, "stationary_combustion", 2_000.0),
            ("FC", 3, None, "packaging", 3_000.0),
            ("DC", 2, "location", "electricity_location", 50_000.0),
        )
    ]
    return pa.Table.from_pylist(rows, schema=ledger_schema())


def _key(pool, consumer_type, consumer, quantity, key, scopes=None, methods=None):
    return {
        "period": "2025-01",
        "pool_type": "facility",
        "pool_id": pool,
        "scopes": scopes,
        "methods": methods,
        "key": key,
        "consumer_type": consumer_type,
        "consumer_id": consumer,
        "quantity": quantity,
    }


KEYS = pa.Table.from_pylist(
    [
        _key("FC", "order", "O1", 3, "units_handled", scopes="1,2"),
        _key("FC", "order", "other orders", 97, "units_handled", scopes="1,2"),
        _key("FC", "order", "O1", 1, "packages", methods="packaging"),
        _key("FC", "order", "other orders", 1499, "packages", methods="packaging"),
        _key("DC", "customer", "C1", 300, "vcpu_hours"),
        _key("DC", "customer", "C2", 700, "vcpu_hours"),
    ]
)


@pytest.mark.parametrize("basis", ["location", "market"])
def test_parts_add_back_to_each_pool(basis):
    rows = allocate(_ledger(), KEYS, basis=basis).to_pylist()
    pools: dict[tuple, list[dict]] = {}
    for r in rows:
        pools.setdefault((r["pool_id"], r["key"]), []).append(r)
    for parts in pools.values():
        assert sum(p["co2e"] for p in parts) == pytest.approx(parts[0]["pool_co2e"])
    handled = pools[("FC", "units_handled")][0]["pool_co2e"]
    assert handled == pytest.approx(12.0 if basis == "location" else 6.0)  # scopes 1 and 2 only


def test_order_and_customer_footprints():
    order = footprint(_ledger(), KEYS, "order", "O1")
    assert order["co2e"] == pytest.approx(12.0 * 3 / 100 + 3.0 / 1500)
    assert len(order["components"]) == 2
    assert footprint(_ledger(), KEYS, "customer", "C2")["co2e"] == pytest.approx(35.0)
