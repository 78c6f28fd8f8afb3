"""Totals of a ledger by any of its dimensions.

Scope 2 appears in a ledger under both bases (location and market); a total picks one, so
scope 2 is never counted twice. Spend-based rows a process method superseded (hybrid model)
stay in the ledger but not in totals. Biogenic CO2 is left out of CO2e and summed apart. Sums are
exact aggregations of the ledger rows: the parts of any grouping add up to the total.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory.ledger_sql import ledger_connection, weighted_source
from carbonledger.options import DIMENSIONS

__all__ = ["DIMENSIONS", "totals"]


def totals(
    ledger: Path | pa.Table,
    by: list[str] | None = None,
    basis: str = "location",
    period: str | None = None,
    shares: pa.Table | None = None,
) -> pa.Table:
    """Sum CO2e (and biogenic CO2) of a ledger by dimensions.

    Parameters
    ----------
    ledger : Path or pyarrow.Table
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

    Returns
    -------
    pyarrow.Table
        The grouping columns, ``co2e`` [t CO2e], ``biogenic_co2`` [t] and ``rows``.
    """
    if basis not in ("location", "market"):
        raise CarbonLedgerError(f"unknown scope 2 basis {basis!r}; use location or market")
    unknown = [d for d in by or [] if d not in DIMENSIONS]
    if unknown:
        raise CarbonLedgerError(f"cannot total by {unknown}; dimensions: {', '.join(DIMENSIONS)}")
    keys = by or []
    select = "".join(f"{DIMENSIONS[d]} AS {d}, " for d in keys)
    group = f"GROUP BY ALL ORDER BY {', '.join(keys)}" if keys else ""
    con = ledger_connection(ledger)  # a Parquet ledger is scanned in place, never loaded whole
    try:
        source, weight = weighted_source(con, shares)
        sql = (
            f"SELECT {select}sum(co2e * {weight}) / 1000 AS co2e, "
            f"coalesce(sum(mass * {weight}) FILTER (WHERE biogenic), 0) / 1000 AS biogenic_co2, "
            f"count(*) AS rows FROM {source} "
            "WHERE status = 'active' AND (scope2_basis IS NULL OR scope2_basis = ?) "
            f"AND (CAST(? AS VARCHAR) IS NULL OR starts_with(period, ?)) {group}"
        )
        return con.sql(sql, params=[basis, period, period]).to_arrow_table()
    finally:
        con.close()
