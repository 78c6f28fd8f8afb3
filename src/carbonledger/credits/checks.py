"""The outcome of one rule: pass, fail or not applicable, with the clause or source it applies
and the numbers that decided it. Claims, buyer eligibility, quality and compliance surrenders
all answer in these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Check", "verdict"]


@dataclass(frozen=True)
class Check:
    """One rule's result.

    Attributes
    ----------
    rule : str
        The rule's id.
    passed : bool or None
        None where the rule does not apply.
    reference : str
        Where the rule comes from (``ISO 14068-1:2023 11.2``, a regulation's article ...).
    statement : str
        The rule in words.
    numbers : dict
        The figures that decided it, and ``reason`` in words.
    """

    rule: str
    passed: bool | None
    reference: str
    statement: str
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return asdict(self)


def verdict(checks: list[Check], required: set[str] | None = None) -> bool:
    """True when no (required) rule failed."""
    return not any(c.passed is False and (required is None or c.rule in required) for c in checks)
