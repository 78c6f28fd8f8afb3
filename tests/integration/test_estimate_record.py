"""``carbonledger estimate-record``: a transport leg, a package and a flight, one record each."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app

runner = CliRunner()


def _estimate(*args):
    result = runner.invoke(app, ["estimate-record", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_transport_leg_gives_ttw_and_wtt():
    payload = _estimate(
        "transport_legs",
        "mode=road",
        "vehicle=hgv",
        "mass=10",
        "distance=200",
        "direction=upstream",
        "period=2025-05",
        "--country",
        "GB",
    )
    stages = {r["stage"] for r in payload["rows"]}
    assert stages == {"combustion", "wtt"}
    # DESNZ 2025 all HGVs average laden: 0.10163 + 0.02359 kg CO2e/tkm (reference tests).
    assert payload["co2e_kg"] == pytest.approx(2000 * (0.10163 + 0.02359), rel=1e-4)


def test_a_flight_with_and_without_radiative_forcing():
    common = [
        "business_travel",
        "mode=air",
        "haul=long_haul",
        "cabin=economy",
        "distance=9000",
        "period=2025-05",
        "--country",
        "GB",
    ]
    with_rf = _estimate(*common)["co2e_kg"]
    without = _estimate(*common, "radiative_forcing=false")["co2e_kg"]
    assert with_rf > without > 0


def test_a_package_from_a_reference_file(tmp_path):
    types = tmp_path / "types.csv"
    types.write_text(
        "package_type,component,material,mass,mass_unit,recycling_share\n"
        "box,box,corrugated_board,400,g,1\n",
        encoding="utf-8",
    )
    payload = _estimate(
        "packaging_use",
        "package_type=box",
        "packages=1",
        "period=2025-05",
        "--reference",
        f"package_types={types}",
        "--country",
        "GB",
    )
    # 0.4 kg of virgin board (1,199.72542 kg CO2e/t, Material use!D85) and its closed-loop
    # recycling (4.68568 kg CO2e/t, Waste disposal!E87).
    assert payload["co2e_kg"] == pytest.approx(0.4 * (1.19972542 + 0.00468568), rel=1e-6)


def test_a_bad_field_names_the_column():
    result = runner.invoke(
        app,
        [
            "estimate-record",
            "transport_legs",
            "mode=boat",
            "vehicle=x",
            "mass=1",
            "direction=upstream",
            "--country",
            "GB",
        ],
    )
    assert result.exit_code == 1
    assert "mode" in result.output


@pytest.mark.xdist_group("demo")
def test_shipments_and_scope3_commands_on_the_demo(demo):
    out, _ = demo
    result = runner.invoke(app, ["shipments", "-w", str(out), "--by", "tce", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert rows and all(r["co2eWTW"] >= r["co2eTTW"] > 0 for r in rows)
    assert {r["mode"] for r in rows} == {"road", "sea", "air"}
    scope3 = runner.invoke(app, ["scope3", "-w", str(out), "--lang", "zh", "--json"])
    categories = json.loads(scope3.stdout)["categories"]
    assert categories[14]["name"] == "投资" and categories[14]["status"] == "excluded"
