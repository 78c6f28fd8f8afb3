"""Targets: pathways, validity rules and progress against published rules.

Sources: SBTi Corporate Near-Term Criteria v5.2 (2024) and Foundations of Science-based
Target Setting v1.0 (2019): the absolute contraction approach reduces emissions linearly, by a
fixed share of the base year each year (4.2 % a year for 1.5 °C, 2.5 % for well-below 2 °C);
SBTi Corporate Net-Zero Standard v1.2: at least 90 % reduction by 2050; SDA formula from
Krabbe et al. (2015), Nature Climate Change 5, 1057-1060.
"""

from __future__ import annotations

import pytest

from carbonledger.errors import CarbonLedgerError
from carbonledger.plan import (
    SectorPathway,
    Target,
    TargetKind,
    check_portfolio,
    check_target,
    compounded_reduction,
    latest_versions,
    linear_reduction,
    load_rules,
    sda_intensity,
    target_progress,
    target_reduction,
)

RULES = load_rules()


def _target(**fields: object) -> Target:
    row: dict[str, object] = {
        "target_id": "T",
        "version": 1,
        "kind": "absolute",
        "scopes": "1+2",
        "base_year": 2020,
        "target_year": 2030,
        "ambition": "1.5C",
    }
    row.update(fields)
    return Target.from_row(row)


def _checks(target, covered=None, company=None, submitted=2025, **kw):
    results = check_target(target, covered or {}, company or {}, RULES, submitted=submitted, **kw)
    return {r.rule: r for r in results}


def test_absolute_contraction_is_linear_not_compounded():
    # 4.2 % a year over 2020-2030 is 42 % of the base year; compounding 4.2 % gives 34.9 %,
    # the classic wrong answer.
    assert linear_reduction(0.042, 10) == pytest.approx(0.42)
    assert compounded_reduction(0.042, 10) == pytest.approx(1 - 0.958**10)
    assert compounded_reduction(0.042, 10) == pytest.approx(0.3488, abs=1e-4)
    target = _target()
    assert target_reduction(target, RULES) == pytest.approx(0.42)
    assert target.pathway(1000.0, 2030, RULES) == pytest.approx(580.0)
    assert target.pathway(1000.0, 2025, RULES) == pytest.approx(790.0)  # 5 x 4.2 % = 21 %
    assert target.pathway(1000.0, 2019, RULES) is None


def test_well_below_2c_rate_and_a_stated_reduction():
    assert target_reduction(_target(ambition="well_below_2C"), RULES) == pytest.approx(0.25)
    stated = _target(ambition=None, reduction=0.5)
    assert stated.pathway(200.0, 2025, RULES) == pytest.approx(150.0)


def test_economic_intensity_with_the_1_5c_ambition_is_compounded_seven_percent():
    target = _target(kind="intensity", metric="revenue", scopes="3")
    assert target.pathway(10.0, 2023, RULES) == pytest.approx(10.0 * 0.93**3)


def test_net_zero_floor_of_ninety_percent():
    ok = _target(kind="net_zero", scopes="1+2+3", target_year=2050, reduction=0.9, ambition=None)
    short = _target(kind="net_zero", scopes="1+2+3", target_year=2050, reduction=0.8, ambition=None)
    full = {1: 10.0, 2: 20.0, 3: 70.0}
    rule = _checks(ok, full, full, submitted=2025)
    assert rule["net_zero_reduction"].passed
    assert "Net-Zero Standard 1.2" in rule["net_zero_reduction"].criteria
    bad = _checks(short, full, full, submitted=2025)
    assert bad["net_zero_reduction"].passed is False
    assert bad["net_zero_reduction"].numbers == {"reduction": 0.8, "minimum": 0.9}
    late = _target(kind="net_zero", scopes="1+2", target_year=2055, reduction=0.9, ambition=None)
    frame = _checks(late, full, full, submitted=2025)["timeframe"]
    assert frame.passed is False and frame.numbers["latest_year"] == 2050


def test_scope12_coverage_threshold_is_95_percent():
    target = _target(entity_id="E1")
    company = {1: 40.0, 2: 60.0, 3: 0.0}
    at = _checks(target, {1: 40.0, 2: 55.0}, company, submitted=2025)
    below = _checks(target, {1: 40.0, 2: 54.9}, company, submitted=2025)
    assert at["scope12_coverage"].passed and at["scope12_coverage"].numbers["coverage"] == 0.95
    assert below["scope12_coverage"].passed is False
    assert "Near-Term Criteria 5.2" in below["scope12_coverage"].criteria


def test_scope3_target_needed_from_forty_percent_and_coverage_67_percent():
    s12 = _target(target_id="A")
    at_trigger = check_portfolio([s12], {1: 30.0, 2: 30.0, 3: 40.0}, RULES)
    below = check_portfolio([s12], {1: 30.0, 2: 31.0, 3: 39.0}, RULES)
    assert {r.rule: r.passed for r in at_trigger}["scope3_target"] is False
    assert {r.rule: r.passed for r in below}["scope3_target"] is True
    s3 = _target(target_id="B", scopes="3", scope3_categories="1,4", ambition="well_below_2C")
    company = {1: 0.0, 2: 0.0, 3: 100.0}
    cover = _checks(s3, {3: 66.0}, company, submitted=2025)
    assert cover["scope3_coverage"].passed is False
    assert cover["scope3_coverage"].numbers["minimum"] == 0.67


def test_timeframe_ambition_and_base_year_rules():
    old = _checks(_target(base_year=2014, target_year=2024), {}, {}, submitted=2019)
    assert old["base_year_earliest"].passed is False
    far = _checks(_target(), {}, {}, submitted=2019)
    assert far["timeframe"].passed is False and far["timeframe"].numbers["years"] == 11
    weak = _checks(_target(ambition="well_below_2C"), {}, {}, submitted=2025)
    assert weak["ambition"].passed is False and weak["ambition"].numbers["minimum"] == 0.042


def test_a_stated_base_that_misses_the_recalculated_base_year_fails():
    target = _target(base_value=1000.0)
    ok = _checks(target, {}, {}, submitted=2025, restated_base=1040.0)
    stale = _checks(target, {}, {}, submitted=2025, restated_base=1060.0)
    assert ok["recalculation"].passed
    assert stale["recalculation"].passed is False
    assert stale["recalculation"].numbers["departure"] == pytest.approx(60 / 1060)


def test_sda_formula_converges_to_the_sector():
    # At the base year the company's own intensity, in 2050 the sector's; in between the
    # distance closes as the sector's does (constant market share).
    assert sda_intensity(0.8, 0.6, 0.6, 0.1) == pytest.approx(0.8)
    assert sda_intensity(0.8, 0.6, 0.1, 0.1) == pytest.approx(0.1)
    assert sda_intensity(0.8, 0.6, 0.35, 0.1) == pytest.approx(0.1 + 0.7 * 0.5)
    # A company growing faster than the sector (share doubles) must close faster: m = 0.5.
    pathway = SectorPathway(
        "logistics",
        {2020: 0.6, 2030: 0.35, 2050: 0.1},
        {2020: 100.0, 2030: 100.0},
        {2020: 10.0, 2030: 20.0},
    )
    assert pathway.company_intensity(0.8, 2020, 2030) == pytest.approx(0.1 + 0.7 * 0.5 * 0.5)
    assert pathway.company_intensity(0.8, 2020, 2025) == pytest.approx(
        sda_intensity(0.8, 0.6, 0.475, 0.1)
    )


def test_versions_keep_history_and_the_highest_stands():
    v1, v2 = _target(ambition="well_below_2C"), _target(version=2, reason="raised")
    assert latest_versions([v2, v1])["T"] is v2


def test_progress_reports_gap_rate_and_track():
    target = _target()
    progress = target_progress(target, {2020: 1000.0, 2024: 900.0}, 1000.0, RULES, unit="t CO2e")
    rows = {r["year"]: r for r in progress.years}
    assert rows[2024]["pathway"] == pytest.approx(832.0)
    assert rows[2024]["gap"] == pytest.approx(68.0) and rows[2024]["on_track"] is False
    # from 900 in 2024 to 580 in 2030: -53.3 t a year, 5.33 % of the base year a year
    assert progress.required_annual_change == pytest.approx(-320 / 6)
    assert progress.required_annual_rate == pytest.approx(-0.32 / 6)
    assert progress.on_track is False


def test_a_target_missing_what_its_kind_needs_is_refused():
    with pytest.raises(CarbonLedgerError, match="metric"):
        _target(kind="intensity")
    with pytest.raises(CarbonLedgerError, match="target_year"):
        _target(target_year=2019)
    with pytest.raises(CarbonLedgerError, match="target_value"):
        _target(kind="renewable_share", kpi="re_share", scopes=None)
    assert _target(kind="neutrality", ambition=None).kind is TargetKind.NEUTRALITY
