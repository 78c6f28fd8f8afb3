"""Local query connections: the engine room's door for small, in-process queries.

Rooms that query tables in place (the inventory over a ledger, factor selection over a
release, the evidence pack's lineage) ask for a connection here instead of opening DuckDB
themselves, so that one room knows the embedded engine and its settings.
"""

from __future__ import annotations

from typing import Any

from carbonledger.errors import CarbonLedgerError

__all__ = ["ibis_connection", "sql_connection", "sql_connection_on"]


def sql_connection(**tables: Any) -> Any:
    """A fresh embedded DuckDB connection with ``tables`` (Arrow tables, or relations)
    registered under their names; the caller closes it."""
    import duckdb

    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    return con


def records_connection(records: Any, memory_limit: str | None = None) -> Any:
    """A fresh DuckDB connection with ``records`` as the view ``records``: an Arrow table, or
    a Parquet file (a ``Path``) scanned in place; for a file, ``memory_limit`` caps DuckDB
    and it spills in a folder beside the file. The caller closes it."""
    from pathlib import Path

    if not isinstance(records, Path):
        return sql_connection(records=records)
    con = sql_connection()
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = {_quoted(records.parent / 'spill')}")
    con.execute(f"CREATE VIEW records AS SELECT * FROM read_parquet({_quoted(records)})")
    return con


def _quoted(path: Any) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def sql_connection_on(engine: str) -> Any:
    """A connection of DuckDB's shape (``register``, ``read_parquet``, ``sql``, ``execute``,
    ``close``) whose queries run on ``engine``: ``duckdb`` here, ``spark`` on the Spark session
    (DuckDB-dialect SQL translated, see :mod:`carbonledger.engine._spark_sql`).

    Raises
    ------
    CarbonLedgerError
        For an engine that runs no SQL.
    """
    if engine == "duckdb":
        return sql_connection()
    if engine == "spark":
        from carbonledger.engine._spark import spark_session
        from carbonledger.engine._spark_sql import SparkSQLConnection

        return SparkSQLConnection(spark_session())
    raise CarbonLedgerError(f"the {engine!r} engine runs no SQL; use duckdb or spark")


def ibis_connection() -> Any:
    """A fresh embedded Ibis backend (DuckDB) for small relational steps; the caller
    disconnects it."""
    import ibis

    return ibis.duckdb.connect()
