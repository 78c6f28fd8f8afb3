"""Compliance-market surrenders: allowances and the offsets a market accepts, checked against
its rules (``compliance_rules.yaml``): the offset cap as a share of verified emissions or of
the allocation, the standards accepted, no offsets from sources the market already covers,
and local-origin shares of pilot markets.

Examples
--------
>>> from carbonledger.credits.projects import Project
>>> ccer = Project("CCER-1", "ccer", host_region="CN-GD")
>>> lines = [SurrenderLine("allowance", 95_000), SurrenderLine("offset", 5_000, ccer, "B1")]
>>> result = check_surrender("china_national", 100_000, lines)
>>> result["passed"], [c.rule for c in result["checks"] if c.passed is False]
(True, [])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from carbonledger.credits.catalogue import compliance_rules
from carbonledger.credits.checks import Check, verdict
from carbonledger.credits.projects import Project
from carbonledger.errors import CarbonLedgerError

__all__ = ["SurrenderLine", "check_surrender"]


@dataclass(frozen=True)
class SurrenderLine:
    """One line of a surrender: allowances, or offsets from a block of a project [t CO2e]."""

    instrument: str
    quantity: int
    project: Project | None = None
    block_id: str | None = None


def check_surrender(
    market: str,
    verified_emissions: float,
    lines: Sequence[SurrenderLine],
    allocation: float | None = None,
    rules: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Check one compliance year's surrender under a market's rules.

    Parameters
    ----------
    market : str
        Market id (``china_national``, ``guangdong_pilot``, ``beijing_pilot``).
    verified_emissions : float
        The year's verified emissions: allowances due [t CO2e].
    lines : sequence of SurrenderLine
    allocation : float, optional
        Allowances allocated for the year, where the market caps offsets against them [t].

    Raises
    ------
    CarbonLedgerError
        For an unknown market, an offset line without its project, or a cap on the allocation
        without one.
    """
    known = rules or compliance_rules()
    if market not in known:
        raise CarbonLedgerError(f"no compliance market {market!r}; known: {', '.join(known)}")
    rule = known[market]
    source = rule["source"]
    offsets = [line for line in lines if line.instrument == "offset"]
    for line in offsets:
        if line.project is None:
            raise CarbonLedgerError(f"{market}: offset block {line.block_id} has no project")
    allowances = sum(line.quantity for line in lines if line.instrument == "allowance")
    offset_total = sum(line.quantity for line in offsets)
    if rule["cap_base"] == "allocation" and allocation is None:
        raise CarbonLedgerError(f"{market} caps offsets against the allocation: give it")
    base = allocation if rule["cap_base"] == "allocation" else verified_emissions
    cap = rule["cap_share"] * base
    checks = [
        Check(
            "surrender_complete",
            allowances + offset_total >= verified_emissions,
            source,
            "allowances and offsets surrendered cover the verified emissions",
            {"due": verified_emissions, "allowances": allowances, "offsets": offset_total},
        ),
        Check(
            "offset_cap",
            offset_total <= cap,
            source,
            f"offsets at most {rule['cap_share']:.0%} of the {rule['cap_base'].replace('_', ' ')}",
            {"offsets": offset_total, "cap": cap, "base": base, "share": rule["cap_share"]},
        ),
    ]
    wrong = {
        ln.block_id: ln.project.standard
        for ln in offsets
        if ln.project and ln.project.standard not in rule["standards"]
    }
    checks.append(
        Check(
            "offset_standard",
            not wrong if offsets else None,
            source,
            f"offsets are {', '.join(rule['standards'])} credits",
            {"not_accepted": wrong},
        )
    )
    if rule.get("exclude_ets_covered"):
        covered = [ln.block_id for ln in offsets if ln.project and ln.project.ets_covered]
        checks.append(
            Check(
                "not_ets_covered",
                not covered if offsets else None,
                source,
                "no offsets from sources the market already covers with allowances",
                {"covered_sources": covered},
            )
        )
    region = rule.get("local_region")
    local = sum(ln.quantity for ln in offsets if ln.project and ln.project.host_region == region)
    if rule.get("local_share") is not None:
        share = local / offset_total if offset_total else None
        checks.append(
            Check(
                "local_share",
                share >= rule["local_share"] if share is not None else None,
                source,
                f"at least {rule['local_share']:.0%} of the offsets from projects in {region}",
                {"local": local, "offsets": offset_total, "share": share},
            )
        )
    if rule.get("nonlocal_cap_share") is not None:
        outside = offset_total - local
        limit = rule["nonlocal_cap_share"] * base
        checks.append(
            Check(
                "nonlocal_cap",
                outside <= limit,
                source,
                f"offsets from outside {region} at most "
                f"{rule['nonlocal_cap_share']:.1%} of the base",
                {"outside": outside, "cap": limit},
            )
        )
    return {
        "market": market,
        "name": rule["name"],
        "passed": verdict(checks),
        "checks": checks,
    }
