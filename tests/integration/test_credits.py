"""Credits in a workspace (issue 17, first part): registry exports imported as files, the
holdings and retirements replayed through the registry's invariants, errors naming the table,
row and block, and the check that credits serve only residual emissions."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonledger.app import calculate, credit_holdings, credits, import_file
from carbonledger.cli import app
from carbonledger.errors import CarbonLedgerError
from tests.api.conftest import METERED

BLOCKS = (
    "block_id,serial,owner,project_id,removal,price,currency\n"
    "V1,0001-000001-000100-VCS-VCU-003-VER-US-0003-01012020-31122020-1,group,0003,false,8,USD\n"
    "A1,ACR-US-192-2010-203-1-5000,broker,192,true,25,USD\n"
)
RETIREMENTS = (
    "retirement_id,block_id,quantity,beneficiary,reason,claim,period,on_behalf_of\n"
    "R1,V1,1,group,operations neutral 2024,C-2024,2024,\n"
    "R2,A1,30,buyer,buyer's claim,,2025,buyer\n"
    "R3,A1,20,buyer,buyer's claim,,2025,buyer\n"
)


def _import(workspace, folder, kind, text):
    path = folder / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return import_file(workspace, kind, path)


@pytest.fixture
def held(sited, tmp_path):
    _import(sited, tmp_path, "electricity", METERED)
    calculate(sited, "2024")
    _import(sited, tmp_path, "credit_blocks", BLOCKS)
    _import(sited, tmp_path, "credit_retirements", RETIREMENTS)
    return sited


def test_holdings_and_retirements_replay_with_splits(held):
    holdings = credit_holdings(held)
    assert holdings.balance("group") == 99 and holdings.balance("broker") == 4950
    result = credits(held)
    by_id = {r["retirement_id"]: r for r in result["retirements"]}
    assert by_id["R1"]["serials"] == [
        "0001-000001-000001-VCS-VCU-003-VER-US-0003-01012020-31122020-1"
    ]
    assert by_id["R2"]["serials"] == ["ACR-US-192-2010-203-1-30"]
    assert by_id["R3"]["serials"] == ["ACR-US-192-2010-203-31-50"]  # from what R2 left
    assert by_id["R2"]["removals"] == 30 and by_id["R1"]["reductions"] == 1
    assert result["owners"]["broker"] == {"held": 4950, "retired": 50}


def test_credits_only_against_residual_emissions(held, tmp_path):
    check = credits(held, "2024")["residual_check"]
    # 2,700.5 kWh in Guangdong in 2024, market-based (no instrument: the grid's factor
    # as the residual mix), 1.65 t: one credit stays within it, six do not
    assert check["retired"] == 1 and 1 < check["emissions"] < 6
    assert check["passed"] is True
    (tmp_path / "more").mkdir()
    more = "retirement_id,block_id,quantity,beneficiary,reason,period\nR4,V1,5,group,more,2024\n"
    _import(held, tmp_path / "more", "credit_retirements", more)
    over = credits(held, "2024")["residual_check"]
    assert over["retired"] == 6 and over["passed"] is False  # more than the emissions
    result = CliRunner().invoke(
        app, ["credits", "-w", str(held.root), "--period", "2024", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["residual_check"] == over


def test_a_serial_retired_twice_is_refused_naming_the_row(held, tmp_path):
    again = "retirement_id,block_id,beneficiary,reason\nR9,V1,group,again\n"
    # V1's first credit is retired; the rest (99) can be, once; a block of nothing cannot
    _import(held, tmp_path, "credit_retirements", again)
    assert credit_holdings(held).balance("group") == 0
    twice = "retirement_id,block_id,beneficiary,reason\nR10,V1,group,twice\n"
    (tmp_path / "twice").mkdir()
    _import(held, tmp_path / "twice", "credit_retirements", twice)
    with pytest.raises(CarbonLedgerError, match=r"credit_retirements row 2 \(V1\).*holds nothing"):
        credit_holdings(held)


def test_overlapping_purchases_and_unknown_serials_name_the_row(sited, tmp_path):
    v2 = "0001-000050-000060-VCS-VCU-003-VER-US-0003-01012020-31122020-1"
    overlap = BLOCKS + f"V2,{v2},group,0003,false,8,USD\n"
    _import(sited, tmp_path, "credit_blocks", overlap)
    with pytest.raises(CarbonLedgerError, match=r"credit_blocks row 4 \(V2\).*bought once"):
        credit_holdings(sited)


def test_forward_agreements_are_no_credits_until_delivered(held, tmp_path):
    forwards = (
        "agreement_id,counterparty,project_id,vintage,quantity,price,currency,delivery,status,"
        "block_id\n"
        "F1,Developer,0003,2020,100,8,USD,2024-05-01,delivered,V1\n"
        "F2,Biochar Co,PB-1,2026,2000,140,USD,2027-06-30,contracted,\n"
        "F3,Biochar Co,PB-1,2027,500,150,USD,2028-06-30,cancelled,\n"
    )
    _import(held, tmp_path, "credit_forwards", forwards)
    found = credits(held)["forwards"]
    assert found["to_come_by_year"] == {"2027": 2000}  # neither the delivered nor the cancelled
    by_id = {f["agreement_id"]: f for f in found["agreements"]}
    assert by_id["F2"]["value"] == 280_000 and by_id["F2"]["delivery"] == "2027-06-30"
    assert credit_holdings(held).balance("group") == 99  # a contract adds no credit
    (tmp_path / "bad").mkdir()
    wrong = forwards.replace("delivered,V1", "delivered,V9").replace("F1,", "F4,")
    _import(
        held,
        tmp_path / "bad",
        "credit_forwards",
        wrong.splitlines()[0] + "\n" + wrong.splitlines()[1] + "\n",
    )
    with pytest.raises(
        CarbonLedgerError, match=r"credit_forwards row 2 \(F4\), column block_id.*'V9'"
    ):
        credits(held)
