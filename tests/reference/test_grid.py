"""Grid intensity: OWID/Ember (file:line), China MEE 2023 provinces, eGRID2023 states."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("region", "year", "g_per_kwh", "line"),
    [
        ("WORLD", 2024, 471.08, 6257),
        ("CN", 2024, 555.40, 1172),
        ("US", 2024, 383.78, 6045),
        ("GB", 2024, 216.50, 6019),
        ("IN", 2024, 705.40, 2763),
        ("AR", 2024, 344.83, 253),
        ("SG", 2025, 497.09, 5200),
        ("TH", 2025, 545.74, 5714),
        ("MY", 2023, 607.88, 3575),
        ("CN", 2025, 525.34, 1173),
    ],
)
def test_owid_ember_lifecycle_intensity(factor, region, year, g_per_kwh, line):
    row = factor("owid-ember-2026", "electricity/grid", "CO2e", region=region, year=year)
    assert row["value"] == pytest.approx(g_per_kwh / 1000)
    assert row["stage"] == "lifecycle"
    assert row["source_location"] == f"carbon-intensity-electricity.csv:{line}"


@pytest.mark.parametrize(
    ("region", "kg_per_kwh", "name_zh"),
    [
        # MEE/NBS Announcement 2025 No. 47, Table 3 (2023), kg CO2/kWh.
        ("CN-BJ", 0.5554, "北京市"),
        ("CN-SH", 0.5737, "上海市"),
        ("CN-JS", 0.5827, "江苏省"),
        ("CN-ZJ", 0.4974, "浙江省"),
        ("CN-GD", 0.4419, "广东省"),
        ("CN-SC", 0.1564, "四川省"),
        ("CN-HE", 0.6516, "河北省"),
        ("CN-SD", 0.6191, "山东省"),
        ("CN-YN", 0.1333, "云南省"),
        ("CN-QH", 0.1796, "青海省"),
        ("CN-HB", 0.4044, "湖北省"),
    ],
)
def test_china_provincial_factors_are_co2_only(factor, region, kg_per_kwh, name_zh):
    row = factor("mee-cn-provincial-2023", "electricity/grid", "CO2", region=region)
    assert row["value"] == pytest.approx(kg_per_kwh)
    assert row["year"] == 2023 and row["gwp_set"] is None
    assert row["name_zh"] == name_zh


@pytest.mark.parametrize(
    ("region", "lb_per_mwh"),
    [
        ("US-AL", 713.976),
        ("US-AK", 814.457),
        ("US-CA", 394.769),
        ("US-NJ", 470.168),
        ("US-TX", 771.179),
        ("US-WA", 266.585),
        ("US-FL", 789.133),
        ("US-NY", 466.616),
        ("US-VT", 52.239),
        ("US-WV", 1968.869),
        ("US", 770.884),
    ],
)
def test_egrid_state_rates(factor, region, lb_per_mwh):
    row = factor("egrid-states-2023", "electricity/grid", "CO2e", region=region)
    assert row["value"] == pytest.approx(lb_per_mwh * 0.45359237 / 1000, rel=1e-12)
    assert row["original_unit"] == "lb CO2e/MWh"


def test_every_release_names_an_open_licence():
    from carbonledger.factors import default_library

    open_licences = ("US-Government-Public-Domain", "OGL-UK-3.0", "CC-BY-4.0", "PRC-official")
    for manifest in default_library().manifests():
        assert manifest["licence"].startswith(open_licences), manifest["release_id"]
        assert all(len(s["sha256"]) == 64 for s in manifest["sources"])
