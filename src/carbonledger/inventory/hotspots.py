"""Hotspots: the few sources that make most of the emissions, and what changed between years.

- :func:`pareto`: totals by any dimension (facility, category, entity, activity ...), largest
  first, with the cumulative share; the ``vital_few`` are those needed to reach the threshold
  (80 % by default).
- :func:`change_decomposition`: the change in emissions between two periods split, per
  (scope, method, activity key, unit), into an **activity effect** ``(A1 - A0) * F0`` and a **factor
  effect** ``(F1 - F0) * A1``, with ``F = E / A`` the implied factor. The two add up exactly to
  the change; sources present in one period only are all activity effect.
- :func:`change_summary`: those effects added up per scope and in total, with the largest
  changes, for a year-on-year section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from carbonledger.inventory.ledger_sql import LedgerSource, ledger_connection, weighted_source
from carbonledger.inventory.totals import totals
from carbonledger.options import DEFAULT_PARETO_SHARE

__all__ = [
    "DEFAULT_PARETO_SHARE",
    "change_decomposition",
    "change_summary",
    "pareto",
    "pareto_of",
    "previous_period",
]


def pareto(
    ledger: LedgerSource,
    dimension: str,
    shares: pa.Table | None = None,
    period: str | None = None,
    threshold: float = DEFAULT_PARETO_SHARE,
    basis: str = "location",
    where: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """Sources by one dimension, largest first, with cumulative shares [t CO2e], of the
    ledger's rows that ``where`` admits (as :func:`totals`; default all).

    Returns
    -------
    list of dict
        ``<dimension>``, ``co2e``, ``share``, ``cumulative_share``, ``vital_few`` (needed to
        reach ``threshold`` of the total).
    """
    table = totals(ledger, [dimension], basis, period, shares, where=where)
    return pareto_of(table, dimension, threshold)


def pareto_of(
    table: pa.Table, dimension: str, threshold: float = DEFAULT_PARETO_SHARE
) -> list[dict[str, Any]]:
    """:func:`pareto` of totals already computed by ``dimension`` (:func:`totals` rows)."""
    rows = table.to_pylist()
    rows.sort(key=lambda r: -r["co2e"])
    total = sum(r["co2e"] for r in rows)
    out, running = [], 0.0
    for row in rows:
        before = running
        running += row["co2e"]
        out.append(
            {
                dimension: row[dimension],
                "co2e": row["co2e"],
                "share": row["co2e"] / total if total else None,
                "cumulative_share": running / total if total else None,
                "vital_few": bool(total) and before / total < threshold,
            }
        )
    return out


def change_decomposition(
    ledger: LedgerSource,
    before: str,
    after: str,
    shares: pa.Table | None = None,
    basis: str = "location",
) -> list[dict[str, Any]]:
    """The change from period ``before`` to ``after`` by source, split into activity and factor
    effects [t CO2e], largest absolute change first."""
    con = ledger_connection(ledger)
    try:
        source, weight = weighted_source(con, shares)
        sql = f"""
            WITH rows AS (
                SELECT scope, method, activity_key, activity_unit, record_id, line,
                       starts_with(period, ?) AS is_before,
                       any_value(activity_quantity) * any_value({weight}) AS activity,
                       sum(co2e * {weight}) / 1000 AS co2e
                FROM {source}
                WHERE status = 'active' AND NOT biogenic
                  AND (scope2_basis IS NULL OR scope2_basis = ?)
                  AND (starts_with(period, ?) OR starts_with(period, ?))
                GROUP BY ALL),
            sources AS (
                SELECT scope, method, activity_key, activity_unit,
                       coalesce(sum(activity) FILTER (WHERE is_before), 0) AS a0,
                       coalesce(sum(co2e) FILTER (WHERE is_before), 0) AS e0,
                       coalesce(sum(activity) FILTER (WHERE NOT is_before), 0) AS a1,
                       coalesce(sum(co2e) FILTER (WHERE NOT is_before), 0) AS e1
                FROM rows GROUP BY ALL)
            SELECT * FROM sources ORDER BY abs(e1 - e0) DESC, scope, method, activity_key
        """
        rows = con.sql(sql, params=[before, basis, before, after]).to_arrow_table().to_pylist()
    finally:
        con.close()
    out = []
    for r in rows:
        if r["a0"] and r["a1"]:
            f0, f1 = r["e0"] / r["a0"], r["e1"] / r["a1"]
            activity_effect, factor_effect = (r["a1"] - r["a0"]) * f0, (f1 - f0) * r["a1"]
        else:
            activity_effect, factor_effect = r["e1"] - r["e0"], 0.0
        out.append(
            {
                "scope": r["scope"],
                "method": r["method"],
                "activity_key": r["activity_key"],
                "activity_unit": r["activity_unit"],
                "activity_before": r["a0"],
                "activity_after": r["a1"],
                "co2e_before": r["e0"],
                "co2e_after": r["e1"],
                "change": r["e1"] - r["e0"],
                "activity_effect": activity_effect,
                "factor_effect": factor_effect,
            }
        )
    return out


def change_summary(
    rows: list[dict[str, Any]], before: str, after: str, largest: int = 10
) -> dict[str, Any] | None:
    """The change between two periods by scope and in total, from
    :func:`change_decomposition` rows [t CO2e]; None when ``before`` has no emissions.

    Returns
    -------
    dict or None
        ``before``, ``after`` (the periods), ``scopes`` and ``total`` (each with
        ``co2e_before``, ``co2e_after``, ``change``, ``activity_effect``, ``factor_effect``)
        and ``largest``: the sources with the largest absolute change.
    """
    fields = ("co2e_before", "co2e_after", "change", "activity_effect", "factor_effect")
    if not any(r["co2e_before"] for r in rows):
        return None
    scopes: dict[int, dict[str, float]] = {}
    for row in rows:
        into = scopes.setdefault(row["scope"], dict.fromkeys(fields, 0.0))
        for name in fields:
            into[name] += row[name]
    total = {name: sum(s[name] for s in scopes.values()) for name in fields}
    return {
        "before": before,
        "after": after,
        "scopes": [{"scope": k, **scopes[k]} for k in sorted(scopes)],
        "total": total,
        "largest": rows[:largest],
    }


def previous_period(period: str | None) -> str | None:
    """The same period a year earlier: ``2024`` for ``2025``, ``2024-06`` for ``2025-06``."""
    if not period or not period[:4].isdigit():
        return None
    return f"{int(period[:4]) - 1}{period[4:]}"
