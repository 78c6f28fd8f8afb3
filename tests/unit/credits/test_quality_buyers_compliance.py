"""Credit quality under a policy, buyer eligibility (seed 001) and compliance-market surrender
caps, each against the rule text it cites.

Compliance sources: 碳排放权交易管理办法(试行) (MEE Order 19, 2020) art. 29: CCER offsets at most
5 % of the allowances due and never from sources the national market covers;
广东省碳排放管理试行办法 (Order 197, 2014) art. 21: at most 10 % of the previous year's
emissions, 70 % of them from Guangdong projects; 北京市碳排放权抵消管理办法(试行) (2014): at most
5 % of the year's allocation, projects outside Beijing at most 2.5 % of it.
"""

from __future__ import annotations

import pytest

from carbonledger.credits import Project, Score, SurrenderLine, assess, check_buyer, check_surrender
from carbonledger.errors import CarbonLedgerError

BASIC = ("additionality", "quantification", "leakage", "safeguards", "verification")


def _scores(project_id="P1", value=3, vintage=None, criteria=BASIC) -> list[Score]:
    return [
        Score(project_id, vintage, c, value, "validation report p. 12", "analyst") for c in criteria
    ]


def test_a_reduction_scored_at_the_minimums_is_eligible_and_permanence_does_not_apply():
    assessment = assess(Project("P1", "verra"), 2023, _scores(value=2))
    assert assessment.eligible and assessment.reasons == []
    permanence = next(c for c in assessment.checks if c.rule == "permanence")
    assert permanence.passed is None  # scored for removals only


def test_a_criterion_nobody_scored_is_no_pass():
    assessment = assess(Project("P1", "verra"), 2023, _scores(criteria=BASIC[1:]))
    assert not assessment.eligible
    assert assessment.reasons == ["additionality: not scored: no evidence"]


def test_a_vintage_score_replaces_the_project_score():
    scores = [*_scores(), Score("P1", 2021, "quantification", 1, "over-crediting review", "v")]
    project = Project("P1", "acr")
    assert assess(project, 2022, scores).eligible
    old = assess(project, 2021, scores)
    assert not old.eligible and old.reasons == ["quantification: score 1 against minimum 2"]


def test_a_nature_based_removal_needs_permanence_and_the_reversal_buffer():
    arr = Project(
        "P2", "verra", mitigation="removal", removal_type="nature_based", buffer_share=0.05
    )
    scores = _scores("P2", criteria=(*BASIC, "permanence"))
    failed = {c.rule for c in assess(arr, 2023, scores).checks if c.passed is False}
    assert failed == {"reversal_buffer"}  # ICVCM CCP 6: a buffer of at least the policy's 10 %
    assert assess(
        Project("P2", "verra", mitigation="removal", removal_type="nature_based", buffer_share=0.2),
        2023,
        scores,
    ).eligible
    without = assess(
        Project("P2", "puro", mitigation="removal", removal_type="technological"),
        2023,
        _scores("P2"),
    )
    assert [c.rule for c in without.checks if c.passed is False] == ["permanence"]


def test_a_user_policy_changes_the_verdict():
    strict = {"name": "strict", "version": "2", "minimum": {c: 3 for c in BASIC}}
    assert not assess(Project("P1", "verra"), 2023, _scores(value=2), policy=strict).eligible


def test_an_unknown_criterion_is_refused_by_name():
    with pytest.raises(CarbonLedgerError, match=r"unknown quality criteria.*vibes"):
        assess(Project("P1", "verra"), 2023, [*_scores(), Score("P1", None, "vibes", 3, "", "")])


BUYER = {
    "buyer": "B1",
    "net_zero_commitment": True,
    "inventory_year": 2024,
    "purchase_year": 2025,
    "requested": 800,
    "residual_emissions": 1_000.0,
    "sbti_validated": True,
}


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({}, []),
        ({"net_zero_commitment": False}, ["net_zero_commitment"]),
        ({"inventory_year": 2022}, ["disclosed_inventory"]),  # older than the year before
        ({"inventory_year": None}, ["disclosed_inventory"]),
        ({"requested": 1_001}, ["residual_only"]),  # credits only for residual emissions
        ({"residual_emissions": None}, ["residual_only"]),
    ],
)
def test_buyer_rules_of_seed_001(changes, failed):
    result = check_buyer(BUYER | changes)
    assert [c.rule for c in result["checks"] if c.passed is False] == failed
    assert result["eligible"] is (not failed)
    assert all(c.reference for c in result["checks"])  # each rule cites its source


def test_science_based_targets_are_optional_by_default():
    result = check_buyer(BUYER | {"sbti_validated": False})
    assert result["eligible"]


CCER_GD = Project("CCER-GD", "ccer", host_region="CN-GD")
CCER_BJ = Project("CCER-BJ", "ccer", host_region="CN-BJ")
CCER_SX = Project("CCER-SX", "ccer", host_region="CN-SX")


def _failed(result) -> list[str]:
    return [c.rule for c in result["checks"] if c.passed is False]


def test_china_national_market_takes_ccer_up_to_five_percent():
    ok = [SurrenderLine("allowance", 95_000), SurrenderLine("offset", 5_000, CCER_SX, "B1")]
    assert check_surrender("china_national", 100_000, ok)["passed"]
    over = [SurrenderLine("allowance", 94_999), SurrenderLine("offset", 5_001, CCER_SX, "B1")]
    assert _failed(check_surrender("china_national", 100_000, over)) == ["offset_cap"]
    short = [SurrenderLine("allowance", 90_000), SurrenderLine("offset", 5_000, CCER_SX, "B1")]
    assert _failed(check_surrender("china_national", 100_000, short)) == ["surrender_complete"]


def test_china_national_market_refuses_other_standards_and_covered_sources():
    vcs = Project("VCS-1", "verra")
    covered = Project("CCER-POWER", "ccer", ets_covered=True)
    lines = [
        SurrenderLine("allowance", 96_000),
        SurrenderLine("offset", 2_000, vcs, "B1"),
        SurrenderLine("offset", 2_000, covered, "B2"),
    ]
    result = check_surrender("china_national", 100_000, lines)
    assert _failed(result) == ["offset_standard", "not_ets_covered"]


def test_guangdong_wants_seventy_percent_of_offsets_from_the_province():
    lines = [
        SurrenderLine("allowance", 90_000),
        SurrenderLine("offset", 7_000, CCER_GD, "B1"),
        SurrenderLine("offset", 3_000, CCER_SX, "B2"),
    ]
    assert check_surrender("guangdong_pilot", 100_000, lines)["passed"]  # 10 %, 70 % local
    lines[1], lines[2] = (
        SurrenderLine("offset", 6_999, CCER_GD, "B1"),
        SurrenderLine("offset", 3_001, CCER_SX, "B2"),
    )
    assert _failed(check_surrender("guangdong_pilot", 100_000, lines)) == ["local_share"]


def test_beijing_caps_against_the_allocation_and_offsets_from_outside_at_two_and_a_half():
    lines = [
        SurrenderLine("allowance", 96_000),
        SurrenderLine("offset", 1_500, CCER_BJ, "B1"),
        SurrenderLine("offset", 2_500, CCER_SX, "B2"),
    ]
    assert check_surrender("beijing_pilot", 100_000, lines, allocation=100_000)["passed"]
    more_outside = [*lines[:2], SurrenderLine("offset", 2_501, CCER_SX, "B2")]
    assert _failed(check_surrender("beijing_pilot", 100_000, more_outside, allocation=100_000)) == [
        "nonlocal_cap"
    ]
    # the cap is 5 % of the allocation, not of the emissions
    assert _failed(check_surrender("beijing_pilot", 100_000, lines, allocation=70_000)) == [
        "offset_cap",
        "nonlocal_cap",
    ]
    with pytest.raises(CarbonLedgerError, match="allocation"):
        check_surrender("beijing_pilot", 100_000, lines)


def test_an_unknown_market_is_named():
    with pytest.raises(CarbonLedgerError, match="no compliance market 'mars'"):
        check_surrender("mars", 1, [])
