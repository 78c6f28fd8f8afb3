"""Base-year recalculation: acquisitions computed from the ledger, the threshold decides."""

from __future__ import annotations

import pyarrow as pa
import pytest

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory.base_year import base_year_recalculation
from carbonledger.inventory.boundary import consolidation_shares
from carbonledger.inventory.totals import totals
from carbonledger.run import ledger_schema

ENTITIES = [
    {
        "entity_id": "G",
        "parent_id": None,
        "equity_share": 1.0,
        "financial_control": True,
        "operational_control": True,
        "relationship": None,
        "joined": None,
        "left": None,
    },
    {
        "entity_id": "B",
        "parent_id": "G",
        "equity_share": 1.0,
        "financial_control": True,
        "operational_control": True,
        "relationship": None,
        "joined": "2023-04",
        "left": None,
    },
]


def _ledger():
    base = dict.fromkeys(ledger_schema().names)
    rows = [
        {
            **base,
            "entity_id": e,
            "period": p,
            "scope": 1,
            "co2e": kg,
            "mass": kg,
            "gas": "CO2",
            "status": "active",
            "biogenic": False,
        }
        for e, p, kg in (
            ("G", "2020-06", 100_000.0),
            ("B", "2020-06", 4_000.0),  # the acquired company's own base-year data
            ("B", "2023-03", 1_000.0),  # before the acquisition: outside the boundary
            ("B", "2023-05", 1_000.0),
        )
    ]
    return pa.Table.from_pylist(rows, schema=ledger_schema())


def _events(*rows):
    keys = ("event_id", "period", "kind", "entity_id", "scope", "effect", "description")
    return pa.Table.from_pylist([dict(zip(keys, r, strict=True)) for r in rows])


def test_an_entity_counts_only_while_it_belongs_to_the_group():
    shares = consolidation_shares(ENTITIES, "operational_control")
    by_month = totals(_ledger(), ["month"], shares=shares).to_pylist()
    assert {r["month"]: r["co2e"] for r in by_month} == {
        "2020-06": 100.0,
        "2023-03": 0.0,
        "2023-05": 1.0,
    }


@pytest.mark.parametrize(("threshold", "recalculated"), [(0.05, False), (0.03, True)])
def test_acquisition_effect_and_threshold(threshold, recalculated):
    record = base_year_recalculation(
        _ledger(),
        pa.Table.from_pylist(ENTITIES),
        _events(("E1", "2023-04", "acquisition", "B", None, None, "bought B")),
        base_year=2020,
        approach="operational_control",
        threshold=threshold,
    )
    assert record["original"]["total"] == pytest.approx(100.0)
    assert record["events"][0]["effect"] == pytest.approx(4.0)
    assert record["relative_effect"] == pytest.approx(0.04)
    assert record["recalculated"] is recalculated
    assert record["base_year"]["total"] == pytest.approx(104.0 if recalculated else 100.0)


def test_an_event_without_effect_or_entity_is_refused():
    with pytest.raises(CarbonLedgerError, match="give its effect"):
        base_year_recalculation(
            _ledger(),
            pa.Table.from_pylist(ENTITIES),
            _events(("E2", "2024-01", "method_change", None, None, None, "new method")),
            base_year=2020,
            approach="equity_share",
            threshold=0.05,
        )
