"""Buyer eligibility for a credit service like Amazon's (seed 001): configurable rules, each
citing its source, over what a buyer declares (``credit_buyers``).

Tests a rule may use: ``"true"`` (the field is true), ``at_least_purchase_year_minus_1`` (a
year no earlier than the year before the purchase), ``within_residual`` (the credits requested
no more than the declared residual emissions).

Examples
--------
>>> buyer = {"buyer": "B1", "net_zero_commitment": True, "inventory_year": 2024,
...          "purchase_year": 2025, "requested": 800, "residual_emissions": 1000.0,
...          "sbti_validated": False}
>>> result = check_buyer(buyer)
>>> result["eligible"], [c.rule for c in result["checks"] if c.passed is False]
(True, ['science_based_targets'])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from carbonledger.credits.catalogue import buyer_rules
from carbonledger.credits.checks import Check, verdict
from carbonledger.errors import CarbonLedgerError

__all__ = ["check_buyer"]

_Test = Callable[[Any, Mapping[str, Any]], tuple[bool | None, dict[str, Any]]]


def _true(value: Any, buyer: Mapping[str, Any]) -> tuple[bool | None, dict[str, Any]]:
    return bool(value), {"value": value}


def _recent(value: Any, buyer: Mapping[str, Any]) -> tuple[bool | None, dict[str, Any]]:
    year = buyer.get("purchase_year")
    if year is None:
        return False, {"inventory_year": value, "reason": "no purchase year"}
    if value is None:
        return False, {"inventory_year": None, "reason": "no public inventory declared"}
    return value >= year - 1, {"inventory_year": value, "purchase_year": year}


def _within(value: Any, buyer: Mapping[str, Any]) -> tuple[bool | None, dict[str, Any]]:
    residual = buyer.get("residual_emissions")
    if residual is None:
        return False, {"requested": value, "residual": None, "reason": "no residual declared"}
    return value <= residual, {"requested": value, "residual": residual}


_TESTS: dict[str, _Test] = {
    "true": _true,
    "at_least_purchase_year_minus_1": _recent,
    "within_residual": _within,
}


def check_buyer(buyer: Mapping[str, Any], rules: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Each rule's check for one buyer and whether the required ones all pass.

    Parameters
    ----------
    buyer : mapping
        A ``credit_buyers`` row: ``buyer``, ``net_zero_commitment``, ``inventory_year``,
        ``sbti_validated``, ``residual_emissions`` [t CO2e], ``requested`` [t CO2e],
        ``purchase_year``.
    rules : mapping, optional
        A rules file's content (default ``buyer_rules.yaml``).

    Raises
    ------
    CarbonLedgerError
        For a rule whose test is unknown.
    """
    rules = rules or buyer_rules()
    checks, required = [], set()
    for rule in rules["rules"]:
        test = _TESTS.get(str(rule["test"]))
        if test is None:
            raise CarbonLedgerError(
                f"buyer rule {rule['id']}: unknown test {rule['test']!r}; "
                f"known: {', '.join(_TESTS)}"
            )
        passed, numbers = test(buyer.get(rule["field"]), buyer)
        checks.append(Check(rule["id"], passed, rule["source"], rule["statement"], numbers))
        if rule.get("required", True):
            required.add(rule["id"])
    return {
        "buyer": buyer.get("buyer"),
        "rules": f"{rules['name']} v{rules['version']}",
        "eligible": verdict(checks, required),
        "required": sorted(required),
        "checks": checks,
    }
