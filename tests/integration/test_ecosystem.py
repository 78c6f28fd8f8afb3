"""Scope 3+ in a workspace: the programme ledger stored once per inputs, the overlap guard on
crafted overlaps, lots within the counted reductions and never retired after sale, and the
inventory's totals the same with and without any of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonledger import app
from carbonledger.cli import app as cli
from carbonledger.errors import CarbonLedgerError
from carbonledger.options import WorkspaceConfig
from carbonledger.store import Workspace
from tests.conftest import ELECTRICITY_CSV, import_sites

PROGRAMMES = (
    "programme_id,name,type,owner,parent_id,methodologies,goal,start_year,end_year,region,"
    "points_per_kg\n"
    "GOAL,Ecosystem goal,portfolio,Group,,,10,2024,2030,CN,\n"
    "WAY,E-waybills,paperless,Logistics,GOAL,e_waybill;right_sized_box,5,2024,2030,CN,1\n"
    "OFF,Green office,green_office,HR,GOAL,office_energy_saving,5,2024,2030,CN,2\n"
)
ACTIVITIES = (
    "activity_id,programme_id,methodology,participant_id,participant_type,date,amount,unit,"
    "mass,source_ref,measure_id\n"
    "A1,WAY,e_waybill,m1,merchant,2024-03-01,100000,item,,O1,\n"
    "A2,WAY,right_sized_box,m1,merchant,2024-03-02,1000,item,0.05,O1,\n"  # same order as A1
    "A3,WAY,e_waybill,m2,merchant,2025-01-05,50000,item,,O2,M-1\n"  # the plan counts it
    "A4,OFF,office_energy_saving,e1,employee,2024-06-01,2000,kWh,,,\n"
    "A5,OFF,office_energy_saving,e1,employee,2025-06-01,3000,kWh,,,\n"
)
LOTS = (
    "lot_id,programme_id,year,quantity,scheme,verifier,verified,buyer,sold\n"
    "L1,OFF,2024,1,Pilot scheme,Verifier,2025-03-01,City Buyer,2025-04-01\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def scoped(tmp_path: Path) -> Workspace:
    config = WorkspaceConfig(organisation="Test Co", proxy_regions=["GB"], later_year_factors=True)
    workspace = Workspace.init(tmp_path / "ws", config)
    import_sites(workspace, tmp_path)
    metered = "".join(ELECTRICITY_CSV.splitlines(keepends=True)[:3])  # rows with kWh
    app.import_file(workspace, "electricity", _write(tmp_path, "e.csv", metered))
    return workspace


def _inventory_totals(workspace: Workspace) -> tuple[str, list[dict]]:
    run = app.calculate(workspace).run
    by_basis = [
        app.run_totals(workspace, ["scope", "facility"], basis, run=run.run_id)[1].to_pylist()
        for basis in ("location", "market")
    ]
    return run.run_id, by_basis


def _with_ecosystem(workspace: Workspace, folder: Path) -> dict:
    app.import_file(workspace, "programmes", _write(folder, "p.csv", PROGRAMMES))
    app.import_file(workspace, "ecosystem_activities", _write(folder, "a.csv", ACTIVITIES))
    return app.calculate_ecosystem(workspace)


def test_inventory_totals_are_the_same_with_and_without_scope3plus(scoped, tmp_path):
    before = _inventory_totals(scoped)
    calculation = _with_ecosystem(scoped, tmp_path)
    assert calculation["rows"] == 5
    after = _inventory_totals(scoped)
    assert after == before  # same run id (no input of it changed) and the same totals


def test_the_ledger_is_stored_once_per_inputs_with_lineage(scoped, tmp_path):
    first = _with_ecosystem(scoped, tmp_path)
    again = app.calculate_ecosystem(scoped)
    assert first["created"] and not again["created"]
    assert again["ledger_sha256"] == first["ledger_sha256"]
    assert len([e for e in scoped.events("ecosystem.calculated")]) == 1
    assert app.ecosystem_status(scoped)["current"]
    a4 = [r for r in app.ecosystem_overlaps(scoped)["rows"]]
    assert {r["activity_id"] for r in a4} == {"A2", "A3"}


def test_the_overlap_guard_on_crafted_overlaps(scoped, tmp_path):
    _with_ecosystem(scoped, tmp_path)
    found = app.ecosystem_overlaps(scoped)
    by_id = {r["activity_id"]: r for r in found["rows"]}
    assert by_id["A2"]["status"] == "overlap"
    assert by_id["A2"]["reason"] == "source O1 already counts in WAY A1"
    assert by_id["A3"]["status"] == "inventory_measure"
    progress = {p["programme_id"]: p for p in app.ecosystem_progress(scoped)["programmes"]}
    way = progress["WAY"]["years"]
    # only A1 counts for the waybills: 100,000 sheets of 4 g of paper, nothing of A2 or A3
    assert [r["year"] for r in way] == [2024]
    assert way[0]["actions"] == 1


def test_lots_within_the_counted_reductions_and_never_retired_after_sale(scoped, tmp_path):
    _with_ecosystem(scoped, tmp_path)
    app.import_file(scoped, "ecosystem_lots", _write(tmp_path, "l.csv", LOTS))
    lots = app.ecosystem_lots(scoped)
    assert lots["lots"][0]["serial"] == "S3P-OFF-2024-000000001-000000001"
    assert lots["lots"][0]["status"] == "sold"
    off = {p["programme_id"]: p for p in app.ecosystem_progress(scoped)["programmes"]}["OFF"]
    assert off["years"][0]["sold"] == 1
    assert off["years"][0]["retained"] == pytest.approx(off["years"][0]["counted"] - 1)
    # the platform retiring the sold lot for its own claim is refused by the registry
    retirement = (
        "retirement_id,block_id,beneficiary,reason,claim,period\n"
        "R1,L1,Test Co,neutrality,C-2024,2024\n"
    )
    app.import_file(scoped, "credit_retirements", _write(tmp_path, "r.csv", retirement))
    with pytest.raises(CarbonLedgerError, match="L1 is held by City Buyer, not HR"):
        app.credit_holdings(scoped)


def test_a_lot_larger_than_what_is_counted_is_refused_by_row(scoped, tmp_path):
    _with_ecosystem(scoped, tmp_path)
    too_much = LOTS.replace("L1,OFF,2024,1,", "L1,OFF,2024,9,")
    app.import_file(scoped, "ecosystem_lots", _write(tmp_path, "l.csv", too_much))
    with pytest.raises(
        CarbonLedgerError,
        match=r"ecosystem_lots row 2 \(L1\): lot L1: 9 t of OFF 2024 asked, 1 t left",
    ):
        app.ecosystem_lots(scoped)


def test_an_activity_of_an_unknown_programme_is_named(scoped, tmp_path):
    app.import_file(scoped, "programmes", _write(tmp_path, "p.csv", PROGRAMMES))
    wrong = ACTIVITIES.replace("A4,OFF,", "A4,NOPE,")
    app.import_file(scoped, "ecosystem_activities", _write(tmp_path, "a.csv", wrong))
    with pytest.raises(
        CarbonLedgerError, match=r"row 5 \(A4\): programme NOPE is not in programmes"
    ):
        app.calculate_ecosystem(scoped)


def test_the_cli_prints_progress_and_a_personal_footprint(scoped, tmp_path):
    _with_ecosystem(scoped, tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["ecosystem", "progress", "-w", str(scoped.root), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    goal = found["portfolios"][0]
    assert goal["programme_id"] == "GOAL"
    assert goal["cumulative"] == pytest.approx(sum(p["cumulative"] for p in found["programmes"]))
    result = runner.invoke(cli, ["ecosystem", "person", "e1", "-w", str(scoped.root), "--json"])
    person = json.loads(result.stdout)
    assert person["actions"] == 2
    assert person["points"] == round(person["reduction_kg"] * 2)
    result = runner.invoke(cli, ["ecosystem", "person", "nobody", "-w", str(scoped.root)])
    assert result.exit_code != 0 and "nobody" in result.output
