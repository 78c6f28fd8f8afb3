"""Runs: reproducible, content-addressed, registered with a manifest; the CLI around them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonledger.app import calculate
from carbonledger.cli import app
from carbonledger.options import WorkspaceConfig
from carbonledger.store import Workspace

runner = CliRunner()
ROWS = {
    "electricity": [
        {
            "record_id": "E1",
            "facility_id": "US1",
            "period": "2025-01",
            "quantity": 12,
            "unit": "MWh",
        }
    ],
    "stationary_fuel": [
        {
            "record_id": "S1",
            "facility_id": "GB1",
            "period": "2025-01",
            "fuel": "natural_gas",
            "quantity": 100,
            "unit": "m ** 3",
        }
    ],
}


def test_same_inputs_give_a_byte_identical_ledger(tmp_path, load):
    ledgers = []
    for name in ("a", "b"):
        workspace = load(Workspace.init(tmp_path / name, WorkspaceConfig(organisation="x")), **ROWS)
        run = calculate(workspace).run
        ledgers.append((run.run_id, workspace.ledger_path(run).read_bytes()))
    assert ledgers[0] == ledgers[1]


def test_a_run_is_registered_once_with_its_manifest(workspace, load):
    load(workspace, **ROWS)
    first = calculate(workspace)
    again = calculate(workspace)
    assert first.created and not again.created
    manifest = first.run.manifest
    assert manifest["gwp_set"] == "AR5GWP100"
    assert set(manifest["inputs"]) >= {"electricity", "stationary_fuel", "facilities"}
    assert any(r.startswith("epa-hub-2025@") for r in manifest["factor_releases"])
    assert "carbonledger-code" in manifest["versions"]
    assert first.run.ledger_path == f"ledgers/{first.run.ledger_sha256}.parquet"


def test_period_filter_and_reference_engine(workspace, load):
    load(workspace, **ROWS)
    march = calculate(workspace, period="2025-03")
    assert march.run.rows == 0
    reference = calculate(workspace, engine="reference")
    duckdb = calculate(workspace)
    assert reference.run.rows == duckdb.run.rows > 0


def test_memory_limit_is_accepted(workspace, load):
    load(workspace, **ROWS)
    assert calculate(workspace, memory_limit="256MB").run.rows > 0


def test_cli_calculate_totals_runs(workspace, load):
    load(workspace, **ROWS)
    ws = str(workspace.root)
    result = runner.invoke(app, ["calculate", "-w", ws, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    # scope 3: category 3, the well-to-tank of the same fuel and the T&D losses
    assert {s["scope"] for s in payload["scopes"]} == {1, 2, 3}
    by = runner.invoke(app, ["totals", "-w", ws, "--by", "scope,gas", "--json"])
    rows = json.loads(by.stdout)["totals"]
    assert sum(r["co2e"] for r in rows) == pytest.approx(
        sum(s["co2e"] for s in payload["scopes"]), rel=1e-12
    )
    market = runner.invoke(app, ["totals", "-w", ws, "--basis", "market", "--json"])
    assert market.exit_code == 0
    bad = runner.invoke(app, ["totals", "-w", ws, "--by", "colour"])
    assert bad.exit_code == 1 and "cannot total by" in bad.output
    listed = json.loads(runner.invoke(app, ["runs", "-w", ws, "--json"]).stdout)
    assert [r["run_id"] for r in listed] == [payload["run_id"]]


def test_an_unknown_facility_is_refused_at_import_naming_the_row(workspace, load, tmp_path):
    load(workspace)
    bad = tmp_path / "nope.csv"
    bad.write_text(
        "record_id,facility_id,period,quantity,unit\nE9,NOPE,2025-01,1,kWh\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["import", "electricity", str(bad), "-w", str(workspace.root)])
    assert result.exit_code == 1
    assert "row 2" in result.output and "'facility_id'" in result.output
    assert "NOPE" in result.output and "not defined" in result.output
    assert workspace.batches("electricity") == []  # the workspace stays calculable
