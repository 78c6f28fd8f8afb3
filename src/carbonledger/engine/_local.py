"""Local query connections: the engine room's door for small, in-process queries.

Rooms that query tables in place (the inventory over a ledger, factor selection over a
release, the evidence pack's lineage) ask for a connection here instead of opening DuckDB
themselves, so that one room knows the embedded engine and its settings.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ibis_connection", "sql_connection"]


def sql_connection(**tables: Any) -> Any:
    """A fresh embedded DuckDB connection with ``tables`` (Arrow tables, or relations)
    registered under their names; the caller closes it."""
    import duckdb

    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    return con


def ibis_connection() -> Any:
    """A fresh embedded Ibis backend (DuckDB) for small relational steps; the caller
    disconnects it."""
    import ibis

    return ibis.duckdb.connect()
