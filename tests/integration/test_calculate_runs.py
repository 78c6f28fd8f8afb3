"""Runs: reproducible, content-addressed, registered with a manifest; the CLI around them."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
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
        manifest = (workspace.root / run.ledger_path).read_bytes()
        parts = [p.read_bytes() for p in workspace.ledger_files(run)]
        ledgers.append((run.run_id, manifest, parts))
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
    assert first.run.ledger_path == f"ledgers/{first.run.ledger_sha256}.json"


def test_the_ledger_is_its_parts_in_method_order_each_stored_once(workspace, load):
    """One part per method with rows, named by its hash, listed by the manifest in order."""
    import json

    load(workspace, **ROWS)
    run = calculate(workspace).run
    manifest = json.loads((workspace.root / run.ledger_path).read_text())
    files = workspace.ledger_files(run)
    assert [f"ledgers/parts/{p['sha256']}.parquet" for p in manifest["parts"]] == [
        f.relative_to(workspace.root).as_posix() for f in files
    ]
    assert manifest["rows"] == run.rows == sum(p["rows"] for p in manifest["parts"])
    methods = [pq.read_table(f, columns=["method"])["method"].unique().to_pylist() for f in files]
    assert all(len(m) == 1 for m in methods) and len({m[0] for m in methods}) == len(files)
    # every part in the ledger schema's types (a bare literal 2 is INTEGER to DuckDB: the parts
    # of one ledger would then disagree, and Spark refuses to read them together)
    from carbonledger.run.plan import ledger_schema

    expected = [(f.name, f.type) for f in ledger_schema()]
    assert all([(f.name, f.type) for f in pq.read_schema(p)] == expected for p in files)


def test_a_changed_ledger_part_is_found_on_reading(workspace, load):
    from carbonledger.errors import IntegrityError

    load(workspace, **ROWS)
    run = calculate(workspace).run
    part = workspace.ledger_files(run)[-1]
    part.write_bytes(part.read_bytes()[:-10])
    with pytest.raises(IntegrityError, match=part.name):
        workspace.ledger_files(run)


def test_a_ledger_stored_as_one_file_before_parts_still_reads(workspace, load):
    """Workspaces made before ledgers had parts hold one ``ledgers/<sha256>.parquet``."""
    import dataclasses

    from carbonledger.provenance import sha256_file

    load(workspace, **ROWS)
    run = calculate(workspace).run
    one = workspace.root / "ledgers" / "old.parquet"
    pq.write_table(pq.read_table(workspace.ledger_files(run)), one)
    digest = sha256_file(one)
    old = dataclasses.replace(run, ledger_path="ledgers/old.parquet", ledger_sha256=digest)
    assert workspace.ledger_files(old) == [one]


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


def test_every_part_is_written_in_ledger_order_across_batches_and_threads(workspace, load):
    """Written by DuckDB on several threads, each part's rows of two batches, each larger than
    a Parquet row group, come out in :data:`LEDGER_ORDER`, every row with the run's id (the
    order that makes reruns byte-identical)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from carbonledger.run import LEDGER_ORDER

    records = 150_000
    batches = {
        f"electricity-{b}": [
            {
                "record_id": f"E{b}-{(i * 7919) % records}",
                "facility_id": "US1",
                "period": f"2025-{1 + i % 12:02d}",
                "quantity": 1 + i % 97,
                "unit": "MWh",
            }
            for i in range(records)
        ]
        for b in ("a", "b")
    }
    for rows in batches.values():
        load(workspace, electricity=rows)
    run = calculate(workspace).run
    files = workspace.ledger_files(run)
    assert run.rows > 2 * records and len(workspace.batches("electricity")) == 2
    for part in files:
        table = pq.read_table(part, columns=[*LEDGER_ORDER, "run_id"])
        order = pc.sort_indices(table, sort_keys=[(c, "ascending") for c in LEDGER_ORDER])
        assert order.equals(pa.array(range(table.num_rows), pa.uint64())), part.name
        assert pc.unique(table["run_id"]).to_pylist() == [run.run_id]
    assert {b.batch_id for b in workspace.batches("electricity")} <= {
        v for f in files for v in pq.read_table(f, columns=["batch_id"])["batch_id"].to_pylist()
    }


def test_a_report_compares_with_the_year_before_only_where_the_run_holds_it(workspace, load):
    from carbonledger.app import report_context

    load(workspace, **ROWS)
    calculate(workspace)
    assert report_context(workspace).year_on_year is None  # 2025 alone: nothing to compare
    earlier = [{**ROWS["electricity"][0], "record_id": "E0", "period": "2024-01", "quantity": 10}]
    load(workspace, electricity=earlier)
    calculate(workspace)
    change = report_context(workspace, period="2025").year_on_year
    assert change is not None and change["before"] == "2024"
