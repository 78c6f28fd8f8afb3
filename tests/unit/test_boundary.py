"""The organisational boundary: three approaches give three totals for the same group.

The group is built from the holding categories of the GHG Protocol Corporate Standard (revised
edition, chapter 3, table 1): a parent with a subsidiary it controls (80 %), a joint venture the
subsidiary holds with joint financial control (40 %) and operates, an associate (30 %, neither
control) and a fixed-asset investment (5 %). Each emits 1,000 t CO2e. Table 1 takes, for each
category: subsidiary — equity share / 100 % / 100 % if operated; joint venture — equity share /
equity share / 100 % if operated; associate — equity share / 0 % / 0 % if not operated;
fixed-asset investment — 0 % under every approach. Shares multiply down the chain.

Note: the standard's own worked example (its Holland Industries table) was not available in
this environment, so the figures here are derived from table 1's rules, not copied from it.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory import build_inventory, consolidation_shares
from carbonledger.run import ledger_schema

GROUP = [
    {
        "entity_id": "P",
        "parent_id": None,
        "equity_share": 1.0,
        "financial_control": True,
        "operational_control": True,
        "relationship": None,
    },
    {
        "entity_id": "S",
        "parent_id": "P",
        "equity_share": 0.8,
        "financial_control": True,
        "operational_control": True,
        "relationship": "subsidiary",
    },
    {
        "entity_id": "JV",
        "parent_id": "S",
        "equity_share": 0.4,
        "financial_control": False,
        "operational_control": True,
        "relationship": "joint_venture",
    },
    {
        "entity_id": "A",
        "parent_id": "P",
        "equity_share": 0.3,
        "financial_control": False,
        "operational_control": False,
        "relationship": "associate",
    },
    {
        "entity_id": "F",
        "parent_id": "P",
        "equity_share": 0.05,
        "financial_control": False,
        "operational_control": False,
        "relationship": "fixed_asset_investment",
    },
]
EXPECTED = {
    # 1000 * (1 + 0.8 + 0.8 * 0.4 + 0.3 + 0)
    "equity_share": 2420.0,
    # 1000 * (1 + 1 + 1 * 0.4 + 0 + 0)
    "financial_control": 2400.0,
    # 1000 * (1 + 1 + 1 + 0 + 0)
    "operational_control": 3000.0,
}


def _ledger():
    base = dict.fromkeys(ledger_schema().names)
    rows = [
        {
            **base,
            "entity_id": e["entity_id"],
            "scope": 1,
            "co2e": 1_000_000.0,
            "mass": 1.0,
            "gas": "CO2",
            "status": "active",
            "biogenic": False,
            "period": "2025-01",
            "data_quality": "measured",
            "match_level": "exact",
            "factor_id": "f",
            "method": "m",
        }
        for e in GROUP
    ]
    return pa.Table.from_pylist(rows, schema=ledger_schema())


@pytest.mark.parametrize("approach", sorted(EXPECTED))
def test_three_approaches_three_totals(approach):
    inventory = build_inventory(
        _ledger(), pa.Table.from_pylist(GROUP), run_id="r", approach=approach, gwp_set="AR5GWP100"
    )
    assert inventory.total() == pytest.approx(EXPECTED[approach])
    entity_sum = sum(r["co2e"] for r in inventory.breakdowns["entity"])
    assert entity_sum == pytest.approx(inventory.total())


def test_shares_multiply_through_the_chain():
    shares = {r["entity_id"]: r for r in consolidation_shares(GROUP, "equity_share").to_pylist()}
    assert shares["JV"]["share"] == pytest.approx(0.32)
    assert shares["JV"]["path"] == "JV 0.4 <- S 0.8 <- P (group parent)"


def test_unknown_parent_and_cycles_are_refused():
    with pytest.raises(CarbonLedgerError, match="unknown parent"):
        consolidation_shares([{**GROUP[1], "parent_id": "X"}], "equity_share")
    loop = [{**GROUP[1], "parent_id": "JV"}, {**GROUP[2], "parent_id": "S"}]
    with pytest.raises(CarbonLedgerError, match="cycle"):
        consolidation_shares(loop, "financial_control")


def test_holland_industries_joint_venture_held_through_a_subsidiary():
    # GHG Protocol Corporate Standard, chapter 3, table 3 (Holland Industries): BGB, a 50 %
    # joint venture under joint financial control, is held by Holland America, an 83 %
    # subsidiary. Holland Industries accounts for 41.5 % of BGB under equity share and 50 %
    # under financial control. (Only this part of the table is reproduced here: the full table
    # was not available in this environment; the figures agree with its published reading.)
    group = [
        {
            "entity_id": "Holland Industries",
            "parent_id": None,
            "equity_share": 1.0,
            "financial_control": True,
            "operational_control": True,
            "relationship": None,
        },
        {
            "entity_id": "Holland America",
            "parent_id": "Holland Industries",
            "equity_share": 0.83,
            "financial_control": True,
            "operational_control": True,
            "relationship": "subsidiary",
        },
        {
            "entity_id": "BGB",
            "parent_id": "Holland America",
            "equity_share": 0.5,
            "financial_control": False,
            "operational_control": False,
            "relationship": "joint_venture",
        },
    ]
    equity = {
        r["entity_id"]: r["share"] for r in consolidation_shares(group, "equity_share").to_pylist()
    }
    control = {
        r["entity_id"]: r["share"]
        for r in consolidation_shares(group, "financial_control").to_pylist()
    }
    assert equity["BGB"] == pytest.approx(0.415)
    assert control["BGB"] == pytest.approx(0.5)
    assert (equity["Holland America"], control["Holland America"]) == (pytest.approx(0.83), 1.0)
