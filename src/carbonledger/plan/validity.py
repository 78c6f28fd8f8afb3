"""Coverage and validity checks of targets against the rules' criteria (``rules.yaml``).

Each check returns a :class:`RuleResult`: pass, fail or not applicable, the criteria document
and version it applied, and the numbers that decided it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from carbonledger.plan.rules import Rules
from carbonledger.plan.targets import Target, TargetKind, target_reduction

__all__ = ["RuleResult", "check_portfolio", "check_target"]


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule for one target (or for the set of targets).

    Attributes
    ----------
    subject : str
        Target id, or ``all targets`` for a rule about the set.
    rule : str
        Short name of the rule (``scope12_coverage`` ...).
    passed : bool or None
        None where the rule does not apply.
    criteria : str
        Criteria document and version.
    statement : str
        The rule in words.
    numbers : dict
        The figures that decided it.
    """

    subject: str
    rule: str
    passed: bool | None
    criteria: str
    statement: str
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return asdict(self)


def _result(
    subject: str, rule: str, entry: Mapping[str, Any], passed: bool | None, **numbers: Any
) -> RuleResult:
    return RuleResult(subject, rule, passed, entry["criteria"], entry["rule"], numbers)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def check_target(
    target: Target,
    covered: Mapping[int, float],
    company: Mapping[int, float],
    rules: Rules,
    *,
    submitted: int,
    restated_base: float | None = None,
) -> list[RuleResult]:
    """Check one target.

    Parameters
    ----------
    target : Target
    covered : dict of int to float
        Base-year emissions inside the target's boundary, by scope [t CO2e].
    company : dict of int to float
        Company-wide base-year emissions by scope [t CO2e].
    rules : Rules
    submitted : int
        Year the target is submitted (its own ``submitted`` wins when given).
    restated_base : float, optional
        The base year's emissions in the target's boundary as recalculated after significant
        changes [t CO2e]; a target whose stated ``base_value`` departs from it by the
        recalculation threshold or more fails the recalculation rule.
    """
    tid, results = target.target_id, list[RuleResult]()
    if target.kind in (TargetKind.RENEWABLE_SHARE, TargetKind.KPI, TargetKind.BUDGET):
        return results  # the criteria's rules are about emission targets
    results += _coverage(target, covered, company, rules)
    earliest = rules.rule("base_year", "earliest")
    results.append(
        _result(
            tid,
            "base_year_earliest",
            earliest,
            target.base_year >= earliest["year"],
            base_year=target.base_year,
            earliest=earliest["year"],
        )
    )
    results.append(_recalculation(target, rules, restated_base))
    year = target.submitted or submitted
    if target.milestone_of:
        frame = rules.rule("timeframe", "near_term")
        results.append(
            _result(
                tid,
                "timeframe",
                frame,
                None,
                milestone_of=target.milestone_of,
                note="an interim milestone of a longer target: the timeframe rule is the target's",
            )
        )
    elif target.term == "near_term":
        frame = rules.rule("timeframe", "near_term")
        years = target.target_year - year
        results.append(
            _result(
                tid,
                "timeframe",
                frame,
                frame["minimum_years"] <= years <= frame["maximum_years"],
                submitted=year,
                target_year=target.target_year,
                years=years,
            )
        )
    else:
        frame = rules.rule("timeframe", "long_term")
        results.append(
            _result(
                tid,
                "timeframe",
                frame,
                target.target_year <= frame["latest_year"],
                target_year=target.target_year,
                latest_year=frame["latest_year"],
            )
        )
    results += _ambition(target, rules)
    return results


def _coverage(
    target: Target, covered: Mapping[int, float], company: Mapping[int, float], rules: Rules
) -> list[RuleResult]:
    long = target.term == "long_term"
    out = []
    if {1, 2} <= set(target.scopes):
        name = "scope12_long_term" if long else "scope12"
        covered_12, total_12 = (
            covered.get(1, 0) + covered.get(2, 0),
            company.get(1, 0) + company.get(2, 0),
        )
        out.append(
            _share_rule(
                target, "scope12_coverage", rules.rule("coverage", name), covered_12, total_12
            )
        )
    if target.covers_scope3:
        name = "scope3_long_term" if long else "scope3_near_term"
        entry = rules.rule("coverage", name)
        out.append(
            _share_rule(target, "scope3_coverage", entry, covered.get(3, 0), company.get(3, 0))
        )
    return out


def _share_rule(
    target: Target, rule: str, entry: Mapping[str, Any], covered: float, total: float
) -> RuleResult:
    """A coverage rule: the covered share of the total against the rule's minimum."""
    share = _share(covered, total)
    return _result(
        target.target_id,
        rule,
        entry,
        share is not None and share >= entry["minimum"],
        coverage=share,
        minimum=entry["minimum"],
        covered=covered,
        total=total,
    )


def _recalculation(target: Target, rules: Rules, restated: float | None) -> RuleResult:
    entry = rules.rule("base_year", "recalculation")
    if target.base_value is None or restated is None or not restated:
        return _result(
            target.target_id,
            "recalculation",
            entry,
            True,
            stated_base=target.base_value,
            inventory_base=restated,
            note="measured against the inventory's base year (restated where recalculated)",
        )
    departure = abs(target.base_value - restated) / restated
    return _result(
        target.target_id,
        "recalculation",
        entry,
        departure < entry["threshold"],
        stated_base=target.base_value,
        inventory_base=restated,
        departure=departure,
        threshold=entry["threshold"],
    )


def _ambition(target: Target, rules: Rules) -> list[RuleResult]:
    tid = target.target_id
    years = target.target_year - target.base_year
    if target.kind is TargetKind.NET_ZERO:
        entry = rules.rule("net_zero", "minimum_reduction")
        reduction = target_reduction(target, rules)
        return [
            _result(
                tid,
                "net_zero_reduction",
                entry,
                reduction >= entry["share"],
                reduction=reduction,
                minimum=entry["share"],
            )
        ]
    if target.kind is not TargetKind.ABSOLUTE or target.term != "near_term":
        return []
    ambition = "well_below_2C" if target.scopes == (3,) else "1.5C"
    entry = dict(rules.data["absolute_contraction"][ambition])
    entry["criteria"] = rules.criteria_name(entry["criteria"])
    entry["rule"] = (
        f"absolute contraction of at least {entry['annual_rate']:.1%} of the base year a year, "
        f"linear ({ambition}; {entry['basis']})"
    )
    rate = target_reduction(target, rules) / years
    return [
        _result(
            tid,
            "ambition",
            entry,
            rate > entry["annual_rate"] or math.isclose(rate, entry["annual_rate"]),
            annual_rate=rate,
            minimum=entry["annual_rate"],
            ambition=ambition,
        )
    ]


def check_portfolio(
    targets: Sequence[Target], company: Mapping[int, float], rules: Rules
) -> list[RuleResult]:
    """Rules about the set of targets: a near-term scope 1+2 target, and a near-term scope 3
    target where scope 3 is at least the trigger share of the total."""
    near = [t for t in targets if t.term == "near_term" and t.kind is not TargetKind.NEUTRALITY]
    total = sum(company.values())
    entry = rules.rule("coverage", "scope3_trigger")
    share = _share(company.get(3, 0), total)
    required = share is not None and share >= entry["minimum"]
    has_scope3 = any(t.covers_scope3 for t in near)
    s12 = rules.rule("coverage", "scope12")
    return [
        _result(
            "all targets",
            "scope12_target",
            s12,
            any({1, 2} <= set(t.scopes) for t in near),
            near_term_targets=[t.target_id for t in near],
        ),
        _result(
            "all targets",
            "scope3_target",
            entry,
            (has_scope3 or not required) if share is not None else None,
            scope3_share=share,
            trigger=entry["minimum"],
            required=required,
            scope3_targets=[t.target_id for t in near if t.covers_scope3],
        ),
    ]
