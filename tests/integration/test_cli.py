"""The CLI, through Typer's test runner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app
from tests.conftest import SITES

runner = CliRunner()


def _json(result):
    assert result.stdout, result.output
    return json.loads(result.stdout)


def test_init_import_batches(tmp_path, electricity_csv):
    ws = tmp_path / "ws"
    created = runner.invoke(
        app,
        ["init", str(ws), "--organisation", "Acme", "--gwp", "AR6", "--period", "2024", "--json"],
    )
    assert created.exit_code == 0, created.output
    assert _json(created)["gwp_set"] == "AR6GWP100"
    for kind, text in SITES.items():
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
        runner.invoke(app, ["import", kind, str(tmp_path / f"{kind}.csv"), "-w", str(ws)])
    imported = runner.invoke(
        app, ["import", "electricity", str(electricity_csv), "-w", str(ws), "--json"]
    )
    assert imported.exit_code == 0, imported.output
    assert _json(imported)["rows"] == 3 and _json(imported)["created"] is True
    again = runner.invoke(
        app, ["import", "electricity", str(electricity_csv), "-w", str(ws), "--json"]
    )
    assert _json(again)["created"] is False
    listed = runner.invoke(app, ["batches", "-w", str(ws), "--json"])
    assert sorted(b["kind"] for b in _json(listed)) == ["electricity", "entities", "facilities"]


def test_malformed_import_exits_non_zero_naming_row_and_column(tmp_path):
    ws = tmp_path / "ws"
    runner.invoke(app, ["init", str(ws)])
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,facility_id,period,quantity\nX1,F1,2024-01,lots\n")
    result = runner.invoke(app, ["import", "electricity", str(bad), "-w", str(ws), "--json"])
    assert result.exit_code == 1
    report = _json(result)
    finding = report["findings"][0]
    assert finding["location"] == {"file": str(bad), "sheet": None, "row": 2, "column": "quantity"}
    assert finding["value"] == "lots"
    listed = runner.invoke(app, ["batches", "-w", str(ws), "--json"])
    assert _json(listed) == []


def test_validate_command(tmp_path, electricity_csv):
    ok = runner.invoke(app, ["validate", "electricity", str(electricity_csv), "--json"])
    assert ok.exit_code == 0 and _json(ok)["errors"] == 0
    wrong_kind = runner.invoke(app, ["validate", "spend", str(electricity_csv)])
    assert wrong_kind.exit_code == 1


def test_errors_are_one_line_reasons(tmp_path):
    result = runner.invoke(app, ["batches", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a workspace" in result.output
    assert "Traceback" not in result.output
    unknown = runner.invoke(
        app, ["import", "teleport", str(tmp_path / "x.csv"), "-w", str(tmp_path)]
    )
    assert unknown.exit_code == 1


def test_every_command_has_help_with_an_example():
    for command in ("init", "import", "validate", "batches", "demo"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, command


@pytest.mark.xdist_group("demo")
def test_demo_runs_and_is_deterministic(demo):
    folder, summary = demo
    kinds = {i["kind"] for i in summary["imports"]}
    assert kinds == {
        "entities",
        "facilities",
        "electricity",
        "stationary_fuel",
        "mobile_fuel",
        "refrigerants",
        "spend",
        "electricity_prices",
        "fx_rates",
        "price_index",
        "spend_mapping",
        "energy_instruments",
        "business_travel",
        "waste",
        "commuting",
        "spend_coverage",
        "transport_legs",
        "package_types",
        "packaging_use",
        "device_models",
        "device_sales",
        "customer_trips",
        "denominators",
        "base_year_events",
        "allocation_keys",
        "targets",
        "kpi_values",
        "measures",
        "measure_inputs",
        "credit_projects",
        "credit_assessments",
        "credit_blocks",
        "credit_forwards",
        "credit_retirements",
        "claims",
        "meters",
        "meter_readings",
        "equipment_output",
        "park_designs",
        "programmes",
        "product_certifications",
        "ecosystem_activities",
        "ecosystem_lots",
    }
    audit = summary["audit"]  # the workspace verified against its log after every phase
    assert [v["phase"] for v in audit["verified"]] == [
        "imports",
        "calculate",
        "ecosystem",
        "reports and park",
    ]
    assert all(v["ok"] for v in audit["verified"])
    assert audit["checkpoint"]["size"] == audit["verified"][-1]["entries"]
    eco = summary["ecosystem"]  # Scope 3+, apart: five programmes, the goal, the planted faults
    assert len(eco["programmes"]) == 5 and eco["portfolio"]["goal"] == 30_000
    assert eco["portfolio"]["cumulative"] == pytest.approx(
        sum(p["cumulative"] for p in eco["programmes"])
    )
    kept_out = {(o["status"], o["programme_id"]): o["rows"] for o in eco["overlaps"]}
    assert kept_out == {("overlap", "PACK"): 40, ("inventory_measure", "PACK"): 60}
    sold, held = eco["lots"]
    assert sold["status"] == "sold" and sold["serial"].startswith("S3P-MAAS-BJ-2024-000000001")
    assert held["status"] == "held"
    park = summary["park"]  # the metered park: its faults found, its carbon the inventory's
    found = {(f["meter_id"], f["check"]): f["intervals"] for f in park["findings"]}
    assert found == {
        ("SH1-COLD", "gap"): 120,
        ("SH1-MAIN", "rollover"): 1,
        ("SH1-OFFICE", "spike"): 1,
    }
    assert park["metered_t"] == pytest.approx(park["inventory_scope2_t"], abs=0.1)
    assert park["dispatch"]["savings"] > 0 and park["dispatch"]["steps"] == 35_040
    assert park["dispatch"]["imports_t_with"] < park["dispatch"]["imports_t_without"]
    assert park["sizing"]["npv"] > 0 and park["alerts"]
    claims = {c["claim_id"]: c for c in summary["claims"]}
    assert claims["CL-HZ1-2024"]["passed"] is True  # the first period: offsets may come first
    assert claims["CL-HZ1-2025"]["failed"] == ["reductions"]  # then emissions must fall
    scopes = {(e["scope"], e["basis"]) for e in summary["emissions"]}
    assert {(1, None), (2, "location"), (2, "market"), (3, None)} <= scopes
    assert all(e["t_co2e"] > 0 for e in summary["emissions"])
    reconciled = {r["scope3_category"]: r for r in summary["reconciliation"]}
    for category in (1, 4, 6):  # packaging and devices, freight carriers, travel replaced
        assert reconciled[category]["lines_superseded"] > 0, category
        assert reconciled[category]["spend_superseded"] > 0, category
    # The "done when": these categories are exercised with data.
    statuses = {r["category"]: r["status"] for r in summary["scope3"]}
    assert {c for c, s in statuses.items() if s == "calculated"} >= {1, 2, 3, 4, 5, 6, 7, 9, 11, 12}
    assert "gap" not in statuses.values()
    assert (folder / "inputs" / "electricity.csv").read_bytes().decode("gbk")
    reports = {p.rsplit("/", 1)[-1] for p in summary["reports"]}
    assert {
        "report.zh.html",
        "report.en.pdf",
        "report.xlsx",
        "disclosures.json",
        "disclosures.xlsx",
        "evidence.zip",
    } <= reports
    second = runner.invoke(app, ["demo", "--out", str(folder), "--json"])
    again = _json(second)
    assert [i["batch_id"] for i in again["imports"]] == [i["batch_id"] for i in summary["imports"]]
    assert not any(i["created"] for i in again["imports"])
    # every change the demo made passed the store's one write path, once
    history = _json(runner.invoke(app, ["data", "history", "-w", str(folder), "--json"]))
    kinds = [e["kind"] for e in history]
    assert kinds.count("batch.stored") == len(summary["imports"])
    assert kinds.count("run.stored") == 1 and kinds.count("factor_release.added") == 1
    # and the log still verifies after the second run of every command
    verified = runner.invoke(app, ["verify", "-w", str(folder), "--json"])
    assert verified.exit_code == 0, verified.output
    assert _json(verified)["entries"] == len(history)


def test_task_groups_and_the_short_names_reach_the_same_commands(workspace):
    """Grouped commands (``data import``, ``periods list``) and the short names users already
    type (``import``, ``periods 2025``, deprecated) give the same result."""
    folder = str(workspace.root)
    grouped = runner.invoke(app, ["results", "runs", "-w", folder, "--json"])
    short = runner.invoke(app, ["runs", "-w", folder, "--json"])
    assert grouped.exit_code == short.exit_code == 0
    assert grouped.stdout == short.stdout
    listed = runner.invoke(app, ["periods", "list", "2025", "-w", folder, "--json"])
    old = runner.invoke(app, ["periods", "2025", "-w", folder, "--json"])
    assert listed.exit_code == old.exit_code == 0, old.output
    assert json.loads(listed.stdout) == json.loads(old.stdout.strip()) == []
    assert "deprecated" in old.stderr
    for group in ("data", "results", "inventory", "periods", "factors"):
        assert runner.invoke(app, [group, "--help"]).exit_code == 0, group


def test_settings_are_shown_and_changed_from_the_command_line(workspace):
    folder = str(workspace.root)
    changed = runner.invoke(
        app, ["settings", "-w", folder, "--set", "base_year=2021", "--set", "language=zh"]
    )
    assert changed.exit_code == 0, changed.output
    assert "changed base_year: 2020 -> 2021" in changed.output
    shown = runner.invoke(app, ["settings", "-w", folder, "--json"])
    assert json.loads(shown.output)["settings"]["language"] == "zh"
    refused = runner.invoke(app, ["settings", "-w", folder, "--set", "base_year=1000"])
    assert refused.exit_code == 1 and "base_year: Input should be greater" in refused.output
