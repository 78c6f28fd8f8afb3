"""Quality assessment of credits: scores per criterion (with evidence and assessor) turned by a
policy into eligible or not for a neutrality claim, with the reasons.

A vintage's own score of a criterion replaces the project's; a criterion the policy requires
and nobody scored makes the credit not eligible (no evidence is not a pass); permanence is
scored for removals only, and a nature-based removal needs the policy's reversal buffer.

Examples
--------
>>> from carbonledger.credits.projects import Project
>>> project = Project("P1", "verra")
>>> scores = [Score("P1", None, c, 3, "validation report", "analyst")
...           for c in ("additionality", "quantification", "leakage", "safeguards", "verification")]
>>> assess(project, 2023, scores).eligible
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from carbonledger.credits.catalogue import quality_criteria, quality_policy
from carbonledger.credits.checks import Check
from carbonledger.credits.projects import Project
from carbonledger.errors import CarbonLedgerError

__all__ = ["Assessment", "Score", "assess"]


@dataclass(frozen=True)
class Score:
    """One criterion scored for a project, or for one of its vintages.

    Attributes
    ----------
    vintage : int or None
        None: the project's score, for every vintage without its own.
    score : int
        0 to 3 (``quality_criteria.yaml`` scale).
    """

    project_id: str
    vintage: int | None
    criterion: str
    score: int
    evidence: str
    assessor: str
    assessed: str | None = None


@dataclass(frozen=True)
class Assessment:
    """A project vintage's quality: each criterion's check and the verdict.

    Attributes
    ----------
    eligible : bool
        Every decisive criterion of the policy met.
    reasons : list of str
        Why not, in words (empty when eligible).
    """

    project_id: str
    vintage: int | None
    policy: str
    eligible: bool
    checks: list[Check] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return {
            "project_id": self.project_id,
            "vintage": self.vintage,
            "policy": self.policy,
            "eligible": self.eligible,
            "reasons": self.reasons,
            "checks": [c.to_dict() for c in self.checks],
        }


def _effective(scores: Iterable[Score], project_id: str, vintage: int | None) -> dict[str, Score]:
    """The scores that apply to a vintage: the project's, replaced by the vintage's own."""
    found: dict[str, Score] = {}
    mine = [s for s in scores if s.project_id == project_id]
    for s in sorted(mine, key=lambda s: s.vintage is not None):
        if s.vintage is None or s.vintage == vintage:
            found[s.criterion] = s
    return found


def assess(
    project: Project,
    vintage: int | None,
    scores: Iterable[Score],
    policy: Mapping[str, Any] | None = None,
    criteria: Mapping[str, Any] | None = None,
) -> Assessment:
    """Assess one project vintage under a policy (default: the packaged policy).

    Raises
    ------
    CarbonLedgerError
        If a score names a criterion the criteria file does not define.
    """
    policy = policy or quality_policy()
    defined = (criteria or quality_criteria())["criteria"]
    scored = _effective(scores, project.project_id, vintage)
    unknown = sorted(set(scored) - set(defined))
    if unknown:
        raise CarbonLedgerError(
            f"project {project.project_id}: unknown quality criteria {unknown}; "
            f"known: {', '.join(defined)}"
        )
    name = f"{policy['name']} v{policy['version']}"
    checks: list[Check] = []
    for criterion, entry in defined.items():
        minimum = policy["minimum"].get(criterion)
        score = scored.get(criterion)
        applies = entry.get("applies_to") in (None, project.mitigation)
        numbers: dict[str, Any] = {
            "score": score.score if score else None,
            "minimum": minimum,
            "evidence": score.evidence if score else None,
            "assessor": score.assessor if score else None,
        }
        if not applies:
            passed, numbers["reason"] = None, f"applies to {entry['applies_to']} credits only"
        elif minimum is None:
            passed, numbers["reason"] = None, "informative under this policy"
        elif score is None:
            passed, numbers["reason"] = False, "not scored: no evidence"
        else:
            passed = score.score >= minimum
            numbers["reason"] = f"score {score.score} against minimum {minimum}"
        checks.append(Check(criterion, passed, entry["source"], entry["question"], numbers))
    buffer_minimum = policy.get("minimum_buffer_share")
    if buffer_minimum is not None and project.nature_based:
        held = project.buffer_share or 0.0
        checks.append(
            Check(
                "reversal_buffer",
                held >= buffer_minimum,
                "ICVCM CCP 6 Permanence",
                "a nature-based removal holds a reversal buffer",
                {"buffer_share": project.buffer_share, "minimum": buffer_minimum},
            )
        )
    reasons = [
        f"{c.rule}: {c.numbers.get('reason') or c.statement}" for c in checks if c.passed is False
    ]
    return Assessment(project.project_id, vintage, name, not reasons, checks, reasons)
