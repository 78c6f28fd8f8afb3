"""Carbon-neutrality claims evaluated against a rule set (ISO 14068-1 by default, PAS 2060 for
claims already made under it).

A claim is for a subject (the organisation, a facility such as a park, a business unit, an
entity or a product) and a period. Its facts come from the rest of carbonledger: the subject's
emissions in the claimed scopes and in all scopes (coverage), the previous claim period's
emissions (reductions), the plan's targets covering the scopes (management plan) and the
retired credits that serve it with their quality. Each rule of the set is one of the checks
below, with its clause and parameters from the rule file, and answers pass, fail or not
applicable with the numbers.

Examples
--------
>>> from datetime import date
>>> claim = Claim("C1", "facility", "FC-1", "2024", "1+2+3", declared=date(2025, 3, 1),
...               commitment=date(2024, 1, 1), management_plan="plan.pdf",
...               verification="independent_third_party")
>>> use = CreditUse("R1", "B1", "serial", 1000, 2023, "P1", False, date(2025, 2, 1), "C1",
...                 "2024", True)
>>> facts = ClaimFacts(emissions=990.0, subject_total=990.0, targets=["T1"], uses=[use])
>>> result = evaluate_claim(claim, facts)
>>> result.passed, result.residual, result.retired
(True, 990.0, 1000)
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from carbonledger.credits.catalogue import claim_rule_set
from carbonledger.credits.checks import Check, verdict

__all__ = ["Claim", "ClaimEvaluation", "ClaimFacts", "CreditUse", "add_months", "evaluate_claim"]


@dataclass(frozen=True)
class Claim:
    """A neutrality claim as declared (a ``claims`` row).

    Attributes
    ----------
    subject_type : {"organisation", "facility", "business_unit", "entity", "product"}
    scopes : str
        Scopes claimed, ``1+2`` or ``1+2+3``.
    declared, commitment : date or None
        Date of the declaration; date top management committed.
    verification : str or None
        ``independent_third_party``, ``other_party`` or ``self``.
    removals : float
        Removals inside the subject's boundary in the period [t CO2e].
    removals_share_target : float or None
        The plan's milestone for the removals share of the credits [-].
    intensity_metric : str or None
        Denominator of an intensity reduction (where the rule set allows one).
    """

    claim_id: str
    subject_type: str
    subject_id: str
    period: str
    scopes: str
    rule_set: str = "iso_14068_1"
    declared: date | None = None
    commitment: date | None = None
    management_plan: str | None = None
    verification: str | None = None
    removals: float = 0.0
    removals_share_target: float | None = None
    name: str = ""
    intensity_metric: str | None = None


@dataclass(frozen=True)
class CreditUse:
    """A retired block that names the claim: its credits, vintage, project and quality."""

    retirement_id: str
    block_id: str
    serial: str
    quantity: int
    vintage: int | None
    project_id: str | None
    removal: bool
    retired: date | None
    claim: str | None
    period: str | None
    eligible: bool | None
    quality_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimFacts:
    """What the rest of carbonledger knows about a claim's subject and period.

    Attributes
    ----------
    emissions : float
        The subject's emissions in the claimed scopes [t CO2e].
    subject_total : float
        The subject's emissions in all scopes [t CO2e].
    exclusions : dict of str to float
        Sources left out of the claim (scope or category) and their emissions [t CO2e].
    previous : dict or None
        The subject's previous claim period: ``period``, ``emissions`` [t CO2e] and
        ``intensity``; None for the first claim period.
    intensity : float or None
        The period's emissions per unit of the subject's denominator.
    targets : list of str
        Standing reduction targets covering the claimed scopes (the management plan).
    uses : list of CreditUse
        Retired blocks naming this claim.
    as_of : date or None
        Date the claim's validity is judged at (default: its declaration).
    """

    emissions: float
    subject_total: float
    exclusions: dict[str, float] = field(default_factory=dict)
    previous: dict[str, Any] | None = None
    intensity: float | None = None
    targets: list[str] = field(default_factory=list)
    uses: list[CreditUse] = field(default_factory=list)
    as_of: date | None = None


@dataclass(frozen=True)
class ClaimEvaluation:
    """A claim's result under a rule set.

    Attributes
    ----------
    passed : bool
        No rule failed.
    residual : float
        Emissions left to offset [t CO2e].
    retired, removals_retired : int
        Credits serving the claim's period, and the removals among them [t CO2e].
    reductions : float or None
        Previous period's emissions less this period's [t CO2e].
    actions : list of str
        What to do for a declared claim that fails (correct or withdraw it, by the rule set's
        deadline counted from the date it is judged at).
    """

    claim: Claim
    rule_set: str
    status: str
    checks: list[Check]
    passed: bool
    emissions: float
    residual: float
    retired: int
    removals_retired: int
    reductions: float | None
    actions: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        c = self.claim
        return {
            "claim_id": c.claim_id,
            "name": c.name,
            "subject_type": c.subject_type,
            "subject_id": c.subject_id,
            "period": c.period,
            "scopes": c.scopes,
            "declared": c.declared.isoformat() if c.declared else None,
            "verification": c.verification,
            "rule_set": self.rule_set,
            "status": self.status,
            "passed": self.passed,
            "emissions": self.emissions,
            "removals": c.removals,
            "residual": self.residual,
            "retired": self.retired,
            "removals_retired": self.removals_retired,
            "reductions": self.reductions,
            "actions": self.actions,
            "checks": [x.to_dict() for x in self.checks],
        }


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` later, kept within the month (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _period_end(period: str) -> date:
    return date(int(period[:4]), 12, 31)


_Result = tuple[bool | None, dict[str, Any]]


def _commitment(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    if claim.commitment is None:
        return False, {"commitment": None, "reason": "no commitment date"}
    late = claim.declared is not None and claim.commitment > claim.declared
    return not late, {
        "commitment": claim.commitment.isoformat(),
        "declared": claim.declared.isoformat() if claim.declared else None,
    }


def _management_plan(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    numbers = {"management_plan": claim.management_plan, "targets": facts.targets}
    if not claim.management_plan:
        return False, numbers | {"reason": "no management plan named"}
    if not facts.targets:
        return False, numbers | {
            "reason": f"no standing reduction target covers scopes {claim.scopes}"
        }
    return True, numbers


def _coverage(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    share = facts.emissions / facts.subject_total if facts.subject_total else 1.0
    largest = max(facts.exclusions.items(), key=lambda kv: kv[1], default=(None, 0.0))
    largest_share = largest[1] / facts.subject_total if facts.subject_total else 0.0
    numbers = {
        "covered": facts.emissions,
        "subject_total": facts.subject_total,
        "share": share,
        "minimum_share": rule["minimum_share"],
        "largest_exclusion": largest[0],
        "largest_exclusion_share": largest_share,
    }
    passed = share >= rule["minimum_share"]
    cap = rule.get("maximum_single_exclusion")
    if cap is not None:
        numbers["maximum_single_exclusion"] = cap
        passed = passed and largest_share <= cap
    return passed, numbers


def _reductions(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    previous = facts.previous
    if previous is None:
        if rule.get("first_period_offset_only", False):
            return None, {"reason": "first claim period: offsetting alone is allowed"}
        return False, {"reason": "no earlier period to show a reduction against"}
    absolute = facts.emissions < previous["emissions"]
    numbers = {
        "previous_period": previous["period"],
        "previous": previous["emissions"],
        "current": facts.emissions,
        "reduction": previous["emissions"] - facts.emissions,
        "reason": f"emissions {previous['emissions']:,.1f} t in {previous['period']}, "
        f"{facts.emissions:,.1f} t now",
    }
    if rule.get("intensity_allowed") and previous.get("intensity") and facts.intensity:
        numbers |= {"previous_intensity": previous["intensity"], "intensity": facts.intensity}
        return absolute or facts.intensity < previous["intensity"], numbers
    return absolute, numbers


def _serving(claim: Claim, facts: ClaimFacts) -> list[CreditUse]:
    return [u for u in facts.uses if u.period == claim.period]


def _offsetting(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    residual = max(facts.emissions - claim.removals, 0.0)
    retired = sum(u.quantity for u in _serving(claim, facts))
    return retired >= residual, {
        "emissions": facts.emissions,
        "removals": claim.removals,
        "residual": residual,
        "retired": retired,
        "shortfall": max(residual - retired, 0.0),
    }


def _credit_quality(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    uses = _serving(claim, facts)
    if not uses:
        return None, {"reason": "no credits serve the claim"}
    failing = {
        u.block_id: list(u.quality_reasons) or ["not assessed"]
        for u in uses
        if u.eligible is not True
    }
    return not failing, {"blocks": len(uses), "not_eligible": failing}


def _ex_post(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    uses = _serving(claim, facts)
    if not uses:
        return None, {"reason": "no credits serve the claim"}
    late = {
        u.block_id: {"vintage": u.vintage, "retired": u.retired.isoformat() if u.retired else None}
        for u in uses
        if u.vintage is None or u.retired is None or u.vintage > u.retired.year
    }
    return not late, {"blocks": len(uses), "not_issued_before_retirement": late}


def _retirement_window(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    uses = _serving(claim, facts)
    if not uses:
        return None, {"reason": "no credits serve the claim"}
    if rule["relative_to"] == "declaration":
        if claim.declared is None:
            return False, {"reason": "the claim is not declared: no window to judge"}
        start = claim.declared
    else:
        start = _period_end(claim.period)
    deadline = add_months(start, int(rule["months"]))
    outside = {
        u.retirement_id: u.retired.isoformat() if u.retired else None
        for u in uses
        if u.retired is None or u.retired > deadline
    }
    return not outside, {
        "relative_to": rule["relative_to"],
        "from": start.isoformat(),
        "deadline": deadline.isoformat(),
        "outside_window": outside,
    }


def _one_claim_one_period(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    other = {u.retirement_id: u.period for u in facts.uses if u.period != claim.period}
    return not other, {
        "serving": sorted({u.retirement_id for u in _serving(claim, facts)}),
        "naming_another_period": other,
    }


def _removals_share(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    if claim.removals_share_target is None:
        return None, {"reason": "the claim sets no removals milestone"}
    uses = _serving(claim, facts)
    total = sum(u.quantity for u in uses)
    share = sum(u.quantity for u in uses if u.removal) / total if total else 0.0
    return share >= claim.removals_share_target, {
        "share": share,
        "target": claim.removals_share_target,
    }


def _verification(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    return claim.verification in rule["allowed"], {
        "route": claim.verification,
        "allowed": list(rule["allowed"]),
    }


def _validity(claim: Claim, facts: ClaimFacts, rule: Mapping[str, Any]) -> _Result:
    if claim.declared is None:
        return None, {"reason": "not declared yet"}
    until = add_months(claim.declared, int(rule["months"]))
    as_of = facts.as_of or claim.declared
    return as_of <= until, {"valid_until": until.isoformat(), "as_of": as_of.isoformat()}


CHECKS: dict[str, Callable[[Claim, ClaimFacts, Mapping[str, Any]], _Result]] = {
    "commitment": _commitment,
    "management_plan": _management_plan,
    "coverage": _coverage,
    "reductions": _reductions,
    "offsetting": _offsetting,
    "credit_quality": _credit_quality,
    "ex_post": _ex_post,
    "retirement_window": _retirement_window,
    "one_claim_one_period": _one_claim_one_period,
    "removals_share": _removals_share,
    "verification": _verification,
    "validity": _validity,
}


def _corrective_action(
    claim: Claim, facts: ClaimFacts, rules: Mapping[str, Any], failed: str
) -> str:
    """What a declared claim that fails must do, and by when where the rule set says."""
    text = f"correct the claim or withdraw it: {failed} failed"
    rule = rules.get("corrective_action")
    if rule is None or claim.declared is None:
        return text
    found = facts.as_of or claim.declared
    deadline = add_months(found, int(rule["months"]))
    return f"{text}; by {deadline.isoformat()} ({rules['name']} {rule['clause']})"


def evaluate_claim(
    claim: Claim, facts: ClaimFacts, rule_set: Mapping[str, Any] | None = None
) -> ClaimEvaluation:
    """Every rule of the claim's rule set (or the one given) over the claim's facts.

    Raises
    ------
    KeyError
        For a rule whose ``check`` is none of :data:`CHECKS`.
    """
    rules = rule_set or claim_rule_set(claim.rule_set)
    checks = []
    for rule in rules["rules"]:
        if rule["check"] not in CHECKS:
            raise KeyError(
                f"rule {rule['id']}: unknown check {rule['check']!r}; known: {', '.join(CHECKS)}"
            )
        passed, numbers = CHECKS[rule["check"]](claim, facts, rule)
        checks.append(
            Check(
                rule["id"], passed, f"{rules['name']} {rule['clause']}", rule["statement"], numbers
            )
        )
    passed = verdict(checks)
    serving = _serving(claim, facts)
    previous = facts.previous
    actions = []
    if claim.declared is not None and not passed:
        failed = ", ".join(c.rule for c in checks if c.passed is False)
        actions.append(_corrective_action(claim, facts, rules, failed))
    if rules.get("status") == "superseded":
        actions.append(
            f"{rules['name']} is superseded by {rules.get('superseded_by')}: "
            "make the next claim under it"
        )
    return ClaimEvaluation(
        claim=claim,
        rule_set=rules["name"],
        status=rules.get("status", "current"),
        checks=checks,
        passed=passed,
        emissions=facts.emissions,
        residual=max(facts.emissions - claim.removals, 0.0),
        retired=sum(u.quantity for u in serving),
        removals_retired=sum(u.quantity for u in serving if u.removal),
        reductions=previous["emissions"] - facts.emissions if previous else None,
        actions=actions,
    )
