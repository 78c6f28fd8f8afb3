"""The factors and estimate commands."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app

runner = CliRunner()


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_shows_every_release_with_row_counts():
    releases = _json(runner.invoke(app, ["factors", "list", "--json"]))
    ids = {r["release_id"] for r in releases}
    assert {
        "epa-hub-2025",
        "desnz-2025",
        "desnz-2026",
        "epa-scf-1.3.0",
        "epa-scf-1.2",
        "owid-ember-2026",
        "mee-cn-2021-2023",
        "egrid-states-2023",
        "naics-concordances",
    } <= ids
    assert all(sum(t["rows"] for t in r["tables"].values()) > 0 for r in releases)


@pytest.mark.parametrize("text", ["natural gas", "天然气"])
def test_search_in_english_and_chinese(text):
    rows = _json(runner.invoke(app, ["factors", "search", text, "--region", "GB", "--json"]))
    assert rows and all("natural_gas" in r["activity_key"] for r in rows)


def test_search_finds_chinese_province_names():
    rows = _json(runner.invoke(app, ["factors", "search", "广东", "--json"]))
    assert {r["region"] for r in rows} == {"CN-GD"}
    assert {r["year"] for r in rows} == {2021, 2022, 2023}


def test_show_a_factor_with_its_release():
    found = _json(
        runner.invoke(
            app, ["factors", "search", "natural_gas", "--region", "US", "--json", "--limit", "1"]
        )
    )
    shown = _json(runner.invoke(app, ["factors", "show", found[0]["factor_id"], "--json"]))
    assert shown["release"]["licence"] == "US-Government-Public-Domain"
    missing = runner.invoke(app, ["factors", "show", "nope:0", "--json"])
    assert missing.exit_code == 1


def test_estimate_reproduces_epa_worked_values():
    # 1,000 therm = 100 mmBtu of natural gas (EPA Hub 2025 Table 1: 53.06 kg CO2, 1 g CH4,
    # 0.1 g N2O per mmBtu): 5,306 kg CO2, 0.1 kg CH4, 0.01 kg N2O.
    result = _json(
        runner.invoke(
            app,
            [
                "estimate",
                "fuel/natural_gas",
                "1000",
                "therm",
                "--region",
                "US",
                "--year",
                "2025",
                "--basis",
                "HHV",
                "--gwp",
                "AR6",
                "--json",
            ],
        )
    )
    masses = {g["gas"]: g["mass"] for g in result["gases"]}
    assert masses == pytest.approx({"CO2": 5306.0, "CH4": 0.1, "N2O": 0.01})
    # AR6 WG1 Table 7.15: fossil methane 29.8 (natural gas is fossil); N2O 273.
    assert result["co2e_kg"] == pytest.approx(5306 + 0.1 * 29.8 + 0.01 * 273)
    assert {g["match_level"] for g in result["gases"]} == {"exact"}


def test_estimate_desnz_uk_electricity():
    # DESNZ 2025 UK electricity!E26: 0.17700 kg CO2e/kWh, printed by gas as E..H.
    result = _json(
        runner.invoke(
            app,
            [
                "estimate",
                "electricity/grid",
                "1",
                "MWh",
                "--region",
                "GB",
                "--year",
                "2025",
                "--json",
            ],
        )
    )
    assert result["co2e_kg"] == pytest.approx(177.0, abs=0.02)


def test_estimate_without_factor_fails_with_reason():
    result = runner.invoke(
        app, ["estimate", "fuel/natural_gas", "1", "kWh", "--region", "CN", "--year", "2025"]
    )
    assert result.exit_code == 1
    assert "no factor under the selection policy" in result.output
    proxied = _json(
        runner.invoke(
            app,
            [
                "estimate",
                "fuel/natural_gas",
                "1000",
                "kWh",
                "--region",
                "CN",
                "--year",
                "2025",
                "--basis",
                "HHV",
                "--proxy",
                "GB",
                "--json",
            ],
        )
    )
    assert {g["match_level"] for g in proxied["gases"]} == {"proxy"}


def test_estimate_without_basis_uses_the_publishers_and_says_so():
    # EPA Hub 2025 Table 1 natural gas is published on HHV only (53.06 kg CO2, 1 g CH4, 0.1 g
    # N2O per mmBtu; AR5 28 and 265): 1,000 therm = 100 mmBtu.
    args = ["estimate", "fuel/natural_gas", "1000", "therm", "--region", "US", "--year", "2025"]
    result = _json(runner.invoke(app, [*args, "--json"]))
    assert result["co2e_kg"] == pytest.approx(5306 + 0.1 * 28 + 0.01 * 265)
    text = runner.invoke(app, args).output
    assert "on the publisher's HHV basis" in " ".join(text.split())
