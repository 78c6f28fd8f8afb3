"""Pedigree scores of ledger rows, weighted by CO2e."""

from __future__ import annotations

import pyarrow as pa
import pytest

from carbonledger.inventory.quality import quality_by
from carbonledger.run import ledger_schema


def test_scores_follow_the_rules():
    base = dict.fromkeys(ledger_schema().names)
    rows = [
        {
            **base,
            "method": method,
            "scope": 3,
            "co2e": kg,
            "mass": kg,
            "gas": "CO2e",
            "status": "active",
            "biogenic": False,
            "period": "2025-01",
            "data_quality": quality,
            "match_level": match,
            "year_gap": gap,
            "entity_id": "E",
        }
        for method, quality, match, gap, kg in (
            ("spend_eeio", "spend_based", "proxy", 3, 3000.0),
            ("waste_generated", "measured", "exact", 0, 1000.0),
        )
    ]
    ledger = pa.Table.from_pylist(rows, schema=ledger_schema())
    by_method = {r["method"]: r for r in quality_by(ledger, "method")}
    spend, waste = by_method["spend_eeio"], by_method["waste_generated"]
    assert (spend["reliability"], spend["geographical"], spend["technological"]) == (4, 4, 4)
    assert (spend["temporal"], spend["primary_share"]) == (2, 0)
    assert (waste["reliability"], waste["temporal"], waste["primary_share"]) == (1, 1, 1)
    total = quality_by(ledger, "scope")[0]
    assert total["reliability"] == pytest.approx((3 * 4 + 1 * 1) / 4)
    assert total["primary_share"] == pytest.approx(0.25)
