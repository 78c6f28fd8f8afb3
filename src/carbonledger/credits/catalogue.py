"""The credits room's reference data as files: standards, quality criteria and the default
policy, buyer rules, claim rule sets (ISO 14068-1, PAS 2060) and compliance-market rules.

Each is packaged YAML the user may replace with a file of the same layout.

Examples
--------
>>> claim_rule_set("iso_14068_1")["name"]
'ISO 14068-1:2023'
>>> sorted(compliance_rules())[:2]
['beijing_pilot', 'china_national']
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carbonledger.errors import CarbonLedgerError

__all__ = [
    "buyer_rules",
    "claim_rule_set",
    "claim_rule_sets",
    "compliance_rules",
    "quality_criteria",
    "quality_policy",
    "standards",
]


@cache
def _packaged(name: str) -> Any:
    path = resources.files("carbonledger.credits").joinpath(name)
    return yaml.safe_load(path.read_text("utf-8"))


def _load(name: str, path: str | Path | None) -> Any:
    if path is None:
        return _packaged(name)
    try:
        return yaml.safe_load(Path(path).read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CarbonLedgerError(f"{path}: cannot read it as {name}: {exc}") from exc


def standards(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Crediting standards and compliance instruments by id (``standards.yaml``)."""
    return dict(_load("standards.yaml", path))


def quality_criteria(path: str | Path | None = None) -> dict[str, Any]:
    """The quality criteria and their scale (``quality_criteria.yaml``)."""
    return dict(_load("quality_criteria.yaml", path))


def quality_policy(path: str | Path | None = None) -> dict[str, Any]:
    """A quality policy: minimum score per decisive criterion (default ``quality_policy.yaml``)."""
    return dict(_load("quality_policy.yaml", path))


def buyer_rules(path: str | Path | None = None) -> dict[str, Any]:
    """Buyer-eligibility rules of a credit service (default ``buyer_rules.yaml``)."""
    return dict(_load("buyer_rules.yaml", path))


def claim_rule_sets() -> list[str]:
    """Ids of the packaged claim rule sets."""
    folder = resources.files("carbonledger.credits").joinpath("claim_rules")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def claim_rule_set(rule_set: str, path: str | Path | None = None) -> dict[str, Any]:
    """One claim rule set by id (``iso_14068_1``, ``pas_2060``), or the one ``path`` names: a
    packaged set's id or a user's file.

    Raises
    ------
    CarbonLedgerError
        For an unknown id, naming the known ones.
    """
    if path is not None and str(path) in claim_rule_sets():
        rule_set, path = str(path), None
    if path is not None:
        return dict(_load("a claim rule set", path))
    if rule_set not in claim_rule_sets():
        raise CarbonLedgerError(
            f"no claim rule set {rule_set!r}; known: {', '.join(claim_rule_sets())}"
        )
    return dict(_packaged(f"claim_rules/{rule_set}.yaml"))


def compliance_rules(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Compliance markets' offset rules by market id (``compliance_rules.yaml``)."""
    return dict(_load("compliance_rules.yaml", path))
