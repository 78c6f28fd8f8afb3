"""SQL access to a ledger for the inventory's aggregations (the engine room's local
connection, the ledger scanned in place)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa

from carbonledger.engine import sql_connection, sql_connection_on

__all__ = [
    "LedgerOnEngine",
    "LedgerSource",
    "holds_period",
    "latest_year",
    "ledger_connection",
    "ledger_summary",
    "summed_source",
    "weighted_source",
]


@dataclass(frozen=True)
class LedgerOnEngine:
    """A ledger's Parquet parts, to be aggregated by a named engine (``spark``: the Spark
    session's executors) instead of the local DuckDB connection.

    Attributes
    ----------
    files : tuple of Path
        The ledger's parts, in order.
    engine : str
    """

    files: tuple[Path, ...]
    engine: str


#: A ledger as the inventory reads it: a run's ordered Parquet parts (or one file), a table, or
#: parts to be read by another engine.
LedgerSource: TypeAlias = Path | Sequence[Path] | pa.Table | LedgerOnEngine


def ledger_connection(ledger: LedgerSource) -> Any:
    """A DuckDB connection with the ledger (Parquet parts or table) registered as ``ledger``.

    Parts are read in their order, so row order is the ledger's. Every row has ``_rows``, the
    number of ledger rows it stands for: 1 for a ledger row, the count for a row of
    :func:`ledger_summary`, so that counts are sums either way."""
    if isinstance(ledger, LedgerOnEngine):
        con = sql_connection_on(ledger.engine)
        con.register("ledger_rows", con.read_parquet(ledger_paths(ledger.files)))
    else:
        con = sql_connection()
        if isinstance(ledger, pa.Table):
            if "_rows" in ledger.column_names:  # a summary: its rows are sums already
                con.register("ledger", ledger)
                return con
            con.register("ledger_rows", ledger)
        else:
            con.register("ledger_rows", con.read_parquet(ledger_paths(ledger)))
    con.register("ledger", con.sql("SELECT *, CAST(1 AS BIGINT) AS _rows FROM ledger_rows"))
    return con


def ledger_summary(ledger: LedgerSource, keys: Sequence[str], period: str | None) -> pa.Table:
    """The ledger's active rows of ``period`` summed by ``keys``: ``co2e`` and ``mass`` [kg]
    and ``_rows`` per distinct key, as a table the inventory's queries read like a ledger.

    Millions of ledger rows have a few ten thousand distinct keys, so one scan of the ledger
    (on its engine) serves every total, breakdown and score of an inventory.
    """
    con = ledger_connection(ledger)
    try:
        columns = ", ".join(dict.fromkeys(["status", *keys]))
        sql = (
            f"SELECT {columns}, sum(co2e) AS co2e, sum(mass) AS mass, "
            "CAST(sum(_rows) AS BIGINT) AS _rows FROM ledger WHERE status = 'active' "
            "AND (CAST(? AS VARCHAR) IS NULL OR starts_with(period, ?)) GROUP BY ALL"
        )
        summary: pa.Table = con.sql(sql, params=[period, period]).to_arrow_table()
        return summary
    finally:
        con.close()


def ledger_paths(ledger: Path | Sequence[Path]) -> list[str]:
    """The ledger's files as strings, in order."""
    return [str(ledger)] if isinstance(ledger, Path) else [str(p) for p in ledger]


def weighted_source(con: Any, shares: pa.Table | None, table: str = "ledger") -> tuple[str, str]:
    """The ``FROM`` clause and the weight expression of consolidated sums.

    Without shares every row weighs 1. With them (``entity_id``, ``share``, optionally
    ``joined`` and ``left`` months) a row weighs its entity's share in the months the entity
    belongs to the group, and 0 otherwise or for an entity without a share.

    Returns
    -------
    tuple of str
        ``(source, weight)`` to use as ``FROM {source}`` and ``sum(co2e * {weight})``.
    """
    if shares is None:
        return f"{table} l", "1.0"
    columns = {"entity_id": shares["entity_id"], "share": shares["share"]}
    for name in ("joined", "left"):
        present = name in shares.column_names
        columns[f"_{name}"] = shares[name] if present else pa.nulls(len(shares), pa.string())
    con.register("shares", pa.table(columns))
    weight = (
        "(CASE WHEN (s._joined IS NULL OR l.period >= s._joined) "
        "AND (s._left IS NULL OR l.period < s._left) THEN coalesce(s.share, 0) ELSE 0 END)"
    )
    return f"{table} l LEFT JOIN shares s USING (entity_id)", weight


def summed_source(
    con: Any, shares: pa.Table | None, keys: Sequence[str], where: str
) -> tuple[str, str]:
    """:func:`weighted_source` over the ledger rows that pass ``where``, first summed by
    ``keys`` (and by entity and month, which the weights need).

    A ledger of millions of rows has a few ten thousand distinct keys: the per-row work is one
    hash aggregate, and the weights, groupings and scores run on the sums. The summed rows have
    the ledger's ``co2e`` and ``mass`` (sums) and ``_rows`` (how many ledger rows each sums).
    """
    kept = ", ".join(dict.fromkeys([*keys, "entity_id", "period"]))
    summed = (
        f"(SELECT {kept}, sum(co2e) AS co2e, sum(mass) AS mass, sum(_rows) AS _rows "
        f"FROM ledger WHERE {where} GROUP BY ALL)"
    )
    return weighted_source(con, shares, table=summed)


def holds_period(ledger: LedgerSource, period: str) -> bool:
    """Whether the ledger has active rows of ``period`` (``YYYY`` or ``YYYY-MM``): read before
    an analysis that compares periods, which would otherwise group every row of the other."""
    con = ledger_connection(ledger)
    try:
        row = con.execute(
            "SELECT EXISTS (SELECT 1 FROM ledger WHERE status = 'active' "
            "AND starts_with(period, ?))",
            [period],
        ).fetchone()
    finally:
        con.close()
    return bool(row and row[0])


def latest_year(ledger: LedgerSource) -> str | None:
    """The latest year (``YYYY``) with active rows in the ledger; None for an empty ledger."""
    con = ledger_connection(ledger)
    try:
        row = con.execute(
            "SELECT max(substr(period, 1, 4)) FROM ledger WHERE status = 'active'"
        ).fetchone()
    finally:
        con.close()
    return None if row is None or row[0] is None else str(row[0])
