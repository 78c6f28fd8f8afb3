"""Scope 3 category by category: which methods serve it, what it holds, or why it is absent.

Every one of the fifteen categories gets a status, so that a missing category is never silent:

- ``calculated``: the ledger has active rows in it;
- ``excluded``: the workspace names a reason in ``scope3_exclusions`` (for example "no
  franchises"), which the report repeats;
- ``gap``: neither. The GHG Protocol requires a justification for every excluded category,
  so a gap is something to fix, and the table says which methods could fill it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml

from carbonledger.inventory.ledger_sql import LedgerSource, ledger_connection
from carbonledger.methods import method_specs

__all__ = [
    "Reason",
    "category_guidance",
    "category_reason",
    "reason_text",
    "scope3_categories",
    "scope3_coverage",
]

#: Why a category is excluded: one text, or one per language (``{"en": ..., "zh": ...}``).
Reason = str | Mapping[str, str]


def category_reason(
    category: int, status: str, exclusions: Mapping[int, Reason], language: str
) -> str | None:
    """Why a scope 3 category holds nothing, in ``language``: the workspace's own reason for an
    exclusion; None for a calculated category and for a gap, which the organisation has given
    no reason for (the category table's guidance is :func:`category_guidance`, never a reason
    in the company's voice)."""
    if status != "excluded":
        return None
    return reason_text(exclusions.get(category), language)


def category_guidance(category: int, language: str) -> str | None:
    """When a category usually does not apply (the category table's guidance), in
    ``language``; for a gap, a hint of what to check, not the organisation's reason."""
    return reason_text(scope3_categories()[category].get("not_applicable_when"), language)


def reason_text(reason: Reason | None, language: str) -> str | None:
    """A reason in ``language``: that language's text, else English, else the first given."""
    if reason is None or isinstance(reason, str):
        return reason
    return reason.get(language) or reason.get("en") or next(iter(reason.values()), None)


@cache
def _category_table() -> dict[int, dict[str, Any]]:
    path = resources.files("carbonledger.inventory").joinpath("scope3_categories.yaml")
    table: dict[int, dict[str, Any]] = yaml.safe_load(path.read_text("utf-8"))
    return table


def scope3_categories() -> dict[int, dict[str, Any]]:
    """The category table (``inventory/scope3_categories.yaml``), keyed by category number,
    with the registered methods that serve each (``methods``, from the methods' specs)."""
    specs = method_specs()
    return {
        number: {
            **entry,
            "methods": [name for name, spec in specs.items() if number in spec.scope3],
        }
        for number, entry in _category_table().items()
    }


def scope3_coverage(
    ledger: LedgerSource,
    exclusions: Mapping[int, Reason] | None = None,
    language: str = "en",
    co2e: Mapping[int, float] | None = None,
) -> pa.Table:
    """Status of each scope 3 category [t CO2e].

    Parameters
    ----------
    ledger : Path, list of Path or pyarrow.Table
        A run's ledger.
    exclusions : mapping of int to str or to a mapping of language to str, optional
        Categories the organisation excludes, with the reason.
    language : {"en", "zh"}
        Language of the category names and reasons.
    co2e : mapping of int to float, optional
        Each category's total [t CO2e] where the caller has it (e.g. consolidated); default:
        the ledger's active rows in full.

    Returns
    -------
    pyarrow.Table
        ``category``, ``name``, ``status`` (calculated, excluded, gap), ``co2e_t`` (active
        rows), ``methods_used``, ``methods_available``, ``reason`` (the exclusion's, or for a
        gap the category's usual reason not to apply, if it has one).
    """
    con = ledger_connection(ledger)
    try:
        found = {  # methods sorted here: an ordered aggregate does not translate to Spark SQL
            row[0]: (row[1], sorted(row[2]))
            for row in con.execute(
                "SELECT scope3_category, sum(co2e) / 1000, list(DISTINCT method) "
                "FROM ledger WHERE scope = 3 AND status = 'active' GROUP BY ALL"
            ).fetchall()
        }
    finally:
        con.close()
    exclusions = exclusions or {}
    rows = []
    for category, spec in scope3_categories().items():
        total, used = found.get(category, (0.0, []))
        if co2e is not None:
            total = co2e.get(category, 0.0)
        status = "calculated" if used else "excluded" if category in exclusions else "gap"
        reason = category_reason(category, status, exclusions, language)
        rows.append(
            {
                "category": category,
                "name": spec["name"][language],
                "status": status,
                "co2e_t": total,
                "methods_used": ", ".join(used),
                "methods_available": ", ".join(spec["methods"]),
                "reason": reason,
                "guidance": category_guidance(category, language) if status == "gap" else None,
            }
        )
    return pa.Table.from_pylist(rows)
