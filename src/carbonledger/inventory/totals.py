"""Totals of a ledger by any of its dimensions.

Scope 2 appears in a ledger under both bases (location and market); a total picks one, so
scope 2 is never counted twice. Spend-based rows a process method superseded (hybrid model)
stay in the ledger but not in totals. Biogenic CO2 is left out of CO2e and summed apart. Sums are
exact aggregations of the ledger rows: the parts of any grouping add up to the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory.ledger_sql import (
    LedgerSource,
    ledger_connection,
    summed_source,
    weighted_source,
)
from carbonledger.options import DIMENSIONS

__all__ = ["DIMENSIONS", "totals", "totals_sets"]

_SUMS = (  # ``_rows``: the ledger rows a row stands for (see ledger_connection)
    "sum(co2e * {weight}) / 1000 AS co2e, "
    "coalesce(sum(mass * {weight}) FILTER (WHERE biogenic), 0) / 1000 AS biogenic_co2, "
    "coalesce(CAST(sum(_rows) AS BIGINT), 0) AS rows"
)
_FILTER = (
    "status = 'active' AND (scope2_basis IS NULL OR scope2_basis = ?) "
    "AND (CAST(? AS VARCHAR) IS NULL OR starts_with(period, ?))"
)
_WHERE = f"WHERE {_FILTER}"


def _checked(basis: str, dimensions: Sequence[str]) -> None:
    if basis not in ("location", "market"):
        raise CarbonLedgerError(f"unknown scope 2 basis {basis!r}; use location or market")
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise CarbonLedgerError(f"cannot total by {unknown}; dimensions: {', '.join(DIMENSIONS)}")


def totals(
    ledger: LedgerSource,
    by: list[str] | None = None,
    basis: str = "location",
    period: str | None = None,
    shares: pa.Table | None = None,
    where: Mapping[str, Sequence[str]] | None = None,
) -> pa.Table:
    """Sum CO2e (and biogenic CO2) of a ledger by dimensions.

    Parameters
    ----------
    ledger : Path, list of Path or pyarrow.Table
        A ledger Parquet file or table.
    by : list of str, optional
        Names from :data:`DIMENSIONS` (default: one grand total).
    basis : {"location", "market"}
        Scope 2 basis kept; the other basis's rows are left out.
    period : str, optional
        Only rows whose month starts with this (``2025`` or ``2025-03``).
    shares : pyarrow.Table, optional
        ``entity_id``, ``share``: the organisational boundary
        (:func:`~carbonledger.inventory.boundary.consolidation_shares`); each row counts with
        its entity's share, and entities without one count at zero. Default: every row in full.
    where : mapping of str to sequence of str, optional
        Only rows whose dimension (a name from :data:`DIMENSIONS`) is one of the values given,
        compared as text: ``{"facility": ["DC-ZJK"], "scope": ["1", "2"]}``.

    Returns
    -------
    pyarrow.Table
        The grouping columns, ``co2e`` [t CO2e], ``biogenic_co2`` [t] and ``rows``.
    """
    filters = {d: list(v) for d, v in (where or {}).items() if v}
    _checked(basis, [*(by or []), *filters])
    keys = by or []
    select = "".join(f"{DIMENSIONS[d]} AS {d}, " for d in keys)
    group = f"GROUP BY ALL ORDER BY {', '.join(keys)}" if keys else ""
    chosen = "".join(
        f" AND CAST({DIMENSIONS[d]} AS VARCHAR) IN ({', '.join('?' * len(v))})"
        for d, v in filters.items()
    )
    params = [basis, period, period, *(str(x) for v in filters.values() for x in v)]
    con = ledger_connection(ledger)  # a Parquet ledger is scanned in place, never loaded whole
    try:
        source, weight = weighted_source(con, shares)
        sql = f"SELECT {select}{_SUMS.format(weight=weight)} FROM {source} {_WHERE}{chosen} {group}"
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()


def totals_sets(
    ledger: LedgerSource,
    sets: Sequence[Sequence[str]],
    basis: str = "location",
    period: str | None = None,
    shares: pa.Table | None = None,
) -> list[pa.Table]:
    """:func:`totals` for several groupings in one scan of the ledger (``GROUPING SETS``).

    Parameters
    ----------
    sets : sequence of sequence of str
        Each a ``by`` of :func:`totals` (names from :data:`DIMENSIONS`; ``[]`` for the grand
        total).
    basis, period, shares
        As for :func:`totals`.

    Returns
    -------
    list of pyarrow.Table
        One table per set, in order, each as :func:`totals` returns it for that ``by``.
    """
    dimensions = list(dict.fromkeys(d for s in sets for d in s))
    _checked(basis, dimensions)
    distinct = list(dict.fromkeys(tuple(s) for s in sets))
    columns = [DIMENSIONS[d] for d in dimensions]
    select = "".join(f"{c} AS {d}, " for d, c in zip(dimensions, columns, strict=True))
    grouping = ", ".join("(" + ", ".join(DIMENSIONS[d] for d in s) + ")" for s in distinct)
    flags = f"GROUPING({', '.join(columns)})" if columns else "0"
    con = ledger_connection(ledger)  # one scan and one hash aggregate, however many sets
    try:
        source, weight = summed_source(con, shares, [*columns, "biogenic"], _FILTER)
        sql = (
            f"SELECT {select}{flags} AS _set, {_SUMS.format(weight=weight)} "
            f"FROM {source} GROUP BY GROUPING SETS ({grouping})"
        )
        table = con.sql(sql, params=[basis, period, period]).to_arrow_table()
    finally:
        con.close()
    out = []
    for keys in sets:
        # GROUPING() sets one bit per dimension grouped away, the first dimension highest
        grouped_away = sum(
            1 << (len(dimensions) - 1 - i) for i, d in enumerate(dimensions) if d not in keys
        )
        rows = table.filter(pc.equal(table["_set"], grouped_away))
        rows = rows.select([*keys, "co2e", "biogenic_co2", "rows"])
        out.append(rows.sort_by([(k, "ascending") for k in keys]) if keys else rows)
    return out
