"""The inventory's SQL on Spark: a connection shaped like DuckDB's that runs each query on a
Spark session.

The inventory's aggregations are SQL in DuckDB's dialect (one ``GROUPING SETS`` scan, filtered
sums). On Spark each query is translated by sqlglot, the SQL translator Ibis compiles with, and
run by the session's executors over the ledger's Parquet parts; only the (small) results come
back to the driver, as Arrow.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

__all__ = ["SparkSQLConnection", "to_spark_sql"]


def to_spark_sql(query: str, tables: dict[str, str] | None = None) -> str:
    """A DuckDB-dialect query in Spark SQL, with table names replaced by ``tables``.

    Besides sqlglot's translation, ``GROUPING(a, b, …)`` of several columns becomes Spark's
    ``grouping_id(a, b, …)``, which sets the same bits (Spark's ``grouping`` takes one column).
    """
    import sqlglot
    from sqlglot import exp

    names = tables or {}

    def translated(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.name in names and not node.db:
            node.set("this", exp.to_identifier(names[node.name]))
        elif isinstance(node, exp.Grouping) and len(node.expressions) > 1:
            return exp.Anonymous(this="grouping_id", expressions=list(node.expressions))
        return node

    return sqlglot.parse_one(query, read="duckdb").transform(translated).sql(dialect="spark")


class _Result:
    """A query's result, read the ways the inventory reads DuckDB's."""

    def __init__(self, frame: Any) -> None:
        self._frame = frame

    @property
    def frame(self) -> Any:
        """The Spark DataFrame."""
        return self._frame

    def to_arrow_table(self) -> pa.Table:
        table: pa.Table = self._frame.toArrow()
        return table

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._frame.collect()]

    def fetchone(self) -> tuple[Any, ...] | None:
        rows = self._frame.limit(1).collect()
        return tuple(rows[0]) if rows else None


class SparkSQLConnection:
    """DuckDB's connection surface (``register``, ``read_parquet``, ``sql``, ``execute``,
    ``close``) over a Spark session.

    Parameters
    ----------
    session : pyspark.sql.SparkSession
    """

    def __init__(self, session: Any) -> None:
        self._session = session
        self._views: dict[str, str] = {}

    def read_parquet(self, paths: Sequence[str]) -> Any:
        """A Spark DataFrame over Parquet files (read by the executors)."""
        return self._session.read.parquet(*paths)

    def register(self, name: str, data: Any) -> None:
        """Make ``data`` (an Arrow table, a Spark DataFrame or a query's result) queryable as
        ``name``."""
        frame = data.frame if isinstance(data, _Result) else data
        if isinstance(frame, pa.Table):
            frame = self._session.createDataFrame(frame)
        view = f"{name}_{uuid.uuid4().hex[:12]}"
        frame.createOrReplaceTempView(view)
        self._views[name] = view

    def sql(self, query: str, params: Sequence[Any] | None = None) -> _Result:
        """Run a DuckDB-dialect query (``?`` parameters in order) on Spark."""
        return _Result(self._session.sql(to_spark_sql(query, self._views), args=list(params or [])))

    def execute(self, query: str, params: Sequence[Any] | None = None) -> _Result:
        """As :meth:`sql`."""
        return self.sql(query, params)

    def close(self) -> None:
        """Drop this connection's views (the session stays)."""
        for view in self._views.values():
            self._session.catalog.dropTempView(view)
        self._views.clear()
