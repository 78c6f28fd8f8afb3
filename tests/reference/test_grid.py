"""Grid intensity: OWID/Ember (file:line), China MEE 2021-2023, eGRID2023 states."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from carbonledger.factors import SelectionPolicy, default_library


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
    ("region", "year", "kg_per_kwh", "name_zh"),
    [
        # MEE/NBS Announcement 2025 No. 47 (2023): Table 1 national, Table 2 regional grids,
        # Table 3 provinces, kg CO2/kWh.
        ("CN", 2023, 0.5306, "全国"),
        ("CN-GRID-NORTH", 2023, 0.6361, "华北"),
        ("CN-GRID-SOUTHWEST", 2023, 0.2472, "西南"),
        ("CN-BJ", 2023, 0.5554, "北京"),
        ("CN-SH", 2023, 0.5737, "上海"),
        ("CN-ZJ", 2023, 0.4974, "浙江"),
        ("CN-GD", 2023, 0.4419, "广东"),
        ("CN-SC", 2023, 0.1564, "四川"),
        # Announcement 2024 No. 33 (2022) and 2024 No. 12 (2021), Tables 1 and 2.
        ("CN", 2022, 0.5366, "全国"),
        ("CN-GRID-SOUTHWEST", 2022, 0.2268, "西南"),
        ("CN", 2021, 0.5568, "全国"),
        ("CN-GRID-NORTH", 2021, 0.7120, "华北"),
        ("CN-GRID-SOUTH", 2021, 0.4326, "南方"),
    ],
)
def test_china_mee_grid_factors_are_co2_only(factor, region, year, kg_per_kwh, name_zh):
    row = factor("mee-cn-2021-2023", "electricity/grid", "CO2", region=region, year=year)
    assert row["value"] == pytest.approx(kg_per_kwh)
    assert row["gwp_set"] is None and row["stage"] == "generation"
    assert row["name_zh"] == name_zh


def test_china_2023_variants_have_their_own_keys(factor):
    # Announcement 2025 No. 47, Table 4 (national average excluding market-traded non-fossil
    # electricity: the residual-mix analogue) and Table 5 (national fossil power).
    residual = factor("mee-cn-2021-2023", "electricity/residual_mix", "CO2", region="CN")
    fossil = factor("mee-cn-2021-2023", "electricity/fossil_generation", "CO2", region="CN")
    assert (residual["value"], residual["year"]) == (pytest.approx(0.6096), 2023)
    assert (fossil["value"], fossil["year"]) == (pytest.approx(0.8273), 2023)


def test_china_2023_provinces_agree_with_the_independent_codecarbon_copy(raw_dir):
    # PROVENANCE section 14: the annex PDF route and codecarbon's JSON (g/kWh) must agree.
    path = raw_dir / "codecarbon_grid_intensity" / "china_provincial_emissions_2023.json"
    copy = json.loads(path.read_text("utf-8"))["data"]
    factors = default_library().factors.to_pylist()
    mee = {
        r["region"]: r["value"]
        for r in factors
        if r["release_id"] == "mee-cn-2021-2023"
        and r["year"] == 2023
        and r["activity_key"] == "electricity/grid"
        and len(r["region"]) == 5
    }
    assert len(mee) == len(copy) == 30
    for region, entry in copy.items():
        assert mee[region] == pytest.approx(float(entry["emission_factor"]) / 1000), region


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


@pytest.mark.parametrize(
    ("region", "year", "chosen_region", "kg_per_kwh"),
    [
        ("CN-ZJ", 2024, "CN-ZJ", 0.4974),  # MEE 2023 provincial before OWID's 2024 lifecycle
        ("CN-ZJ", 2021, "CN-ZJ", 0.5422),  # MEE 2021 (Announcement 2024 No. 12, Table 3)
        ("CN-XZ", 2023, "CN-GRID-SOUTHWEST", 0.2472),  # Tibet: not published, its grid
        ("CN", 2022, "CN", 0.5366),
    ],
)
def test_a_chinese_facility_gets_mee_factors_first(region, year, chosen_region, kg_per_kwh):
    requests = pa.table(
        {
            "request_id": [1],
            "activity_key": ["electricity/grid"],
            "region": [region],
            "year": [year],
            "unit": ["kWh"],
        }
    )
    policy = SelectionPolicy(stages=("generation", "lifecycle"))
    selection = default_library().select(requests, policy)
    [match] = selection.matches.to_pylist()
    assert match["release_id"] == "mee-cn-2021-2023"
    assert (match["factor_region"], match["value"]) == (chosen_region, pytest.approx(kg_per_kwh))
