"""The scope 3 category table names real methods, and the coverage table reports every category."""

from __future__ import annotations

import pyarrow as pa

from carbonledger.calculation import ledger_schema
from carbonledger.inventory import scope3_categories, scope3_coverage
from carbonledger.methods import METHODS


def test_every_category_and_method_is_known():
    table = scope3_categories()
    assert sorted(table) == list(range(1, 16))
    names = {m.name for m in METHODS}
    for spec in table.values():
        assert set(spec["methods"]) <= names, spec
        assert spec["methods"] or spec.get("not_applicable_when")


def _ledger(rows):
    base = dict.fromkeys(ledger_schema().names)
    return pa.Table.from_pylist([{**base, **r} for r in rows], schema=ledger_schema())


def test_coverage_statuses():
    ledger = _ledger(
        [
            {
                "scope": 3,
                "scope3_category": 4,
                "co2e": 2000.0,
                "method": "transport_ttw",
                "status": "active",
            },
            {
                "scope": 3,
                "scope3_category": 11,
                "co2e": 500.0,
                "method": "device_use",
                "status": "memo",
            },
        ]
    )
    rows = {r["category"]: r for r in scope3_coverage(ledger, {15: "no investments"}).to_pylist()}
    assert (rows[4]["status"], rows[4]["co2e_t"]) == ("calculated", 2.0)
    assert rows[11]["status"] == "gap"  # a memo row alone is not a result
    assert (rows[15]["status"], rows[15]["reason"]) == ("excluded", "no investments")
    assert rows[14]["reason"].startswith("the organisation has no franchises")
