"""Monte Carlo uncertainty: seeded, mean-preserving, and narrower with better data."""

from __future__ import annotations

import pyarrow as pa
import pytest

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory.uncertainty import uncertainty
from carbonledger.run import ledger_schema


def _ledger(quality, match="exact", n=20):
    base = dict.fromkeys(ledger_schema().names)
    rows = [
        {
            **base,
            "entity_id": "E",
            "scope": 1 if i % 2 else 3,
            "co2e": 1000.0 * (i + 1),
            "mass": 1.0,
            "gas": "CO2",
            "status": "active",
            "biogenic": False,
            "period": "2025-01",
            "factor_id": f"f{i % 5}",
            "data_quality": quality,
            "match_level": match,
            "method": "m",
            "year_gap": 0,
        }
        for i in range(n)
    ]
    return pa.Table.from_pylist(rows, schema=ledger_schema())


def _by_part(rows):
    return {r["part"]: r for r in rows}


def test_same_seed_same_interval_and_mean_near_the_point_estimate():
    first = _by_part(uncertainty(_ledger("estimated"), seed=7))
    again = _by_part(uncertainty(_ledger("estimated"), seed=7))
    other = _by_part(uncertainty(_ledger("estimated"), seed=8))
    assert first == again
    assert first["total location"]["low"] != other["total location"]["low"]
    total = first["total location"]
    assert total["low"] < total["co2e"] < total["high"]
    assert total["mean"] == pytest.approx(total["co2e"], rel=0.01)  # mean-one multipliers
    assert total["co2e"] == pytest.approx(sum(1.0 * (i + 1) for i in range(20)))


def test_the_interval_shrinks_when_data_quality_improves():
    widths = {}
    for quality, match in (
        ("estimated", "proxy"),
        ("calculated", "country"),
        ("measured", "exact"),
    ):
        total = _by_part(uncertainty(_ledger(quality, match), seed=1))["total location"]
        widths[quality] = total["high"] - total["low"]
    assert widths["estimated"] > widths["calculated"] > widths["measured"]


def test_primary_share_and_unknown_classes():
    rows = _by_part(uncertainty(_ledger("measured")))
    assert rows["1"]["primary_share"] == 1.0
    assert _by_part(uncertainty(_ledger("estimated")))["1"]["primary_share"] == 0.0
    with pytest.raises(CarbonLedgerError, match="no default uncertainty"):
        uncertainty(_ledger("guessed"))
