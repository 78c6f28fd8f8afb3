"""The Spark engine: the same Ibis plans on a PySpark session (install ``carbonledger[spark]``).

Run inside ``spark-submit`` (or any process with an active session), the engine uses that
session and its cluster; otherwise it starts a local one, ``local[*]`` unless
``CARBONLEDGER_SPARK_MASTER`` names another master. Inputs are read where the workspace holds
them and each ledger part is written by the executors as several ordered files (one per range
of the sort), which the run stores as they are: the ledger's manifest lists them in order.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.engine._base import Capabilities, RelationalEngine, removed_on_failure
from carbonledger.errors import CarbonLedgerError

__all__ = ["MASTER_ENV", "SparkEngine", "spark_session"]

#: Environment variable naming the master of a session the engine starts itself.
MASTER_ENV = "CARBONLEDGER_SPARK_MASTER"

#: Settings of a session the engine starts itself: UTC, no web UI, and few shuffle partitions
#: (adaptive execution merges small ones), which suits one machine; a cluster's own session
#: keeps its settings.
_LOCAL_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.parquet.compression.codec": "zstd",
}


def spark_session() -> Any:
    """The active Spark session, or a new local one (see the module's notes)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CarbonLedgerError(
            "the spark engine needs PySpark (and Java): pip install 'carbonledger[spark]'"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.master(os.environ.get(MASTER_ENV, "local[*]"))
    for key, value in _LOCAL_SETTINGS.items():
        builder = builder.config(key, value)
    return builder.appName("carbonledger").getOrCreate()


class SparkEngine(RelationalEngine):
    """PySpark through Ibis.

    Parameters
    ----------
    session : pyspark.sql.SparkSession, optional
        An existing session (default: :func:`spark_session`).
    """

    name = "spark"
    capabilities = Capabilities(relational=True, out_of_core=True, distributed=True)

    def __init__(self, session: Any = None) -> None:
        import ibis

        self._session = session or spark_session()
        self._backend = ibis.pyspark.connect(self._session)
        self._views: list[str] = []

    @property
    def backend(self) -> Any:
        """The Ibis PySpark backend."""
        return self._backend

    @property
    def session(self) -> Any:
        """The Spark session."""
        return self._session

    def read_parquet(self, paths: list[Path]) -> Any:
        """An Ibis table over Parquet files, read by the executors."""
        frame = self._session.read.parquet(*[str(p) for p in paths])
        return self._view(frame)

    def table(self, data: pa.Table) -> Any:
        """An Ibis table over an Arrow table (reference tables, resolved factors), sent to the
        session as Arrow record batches."""
        frame = self._session.createDataFrame(data)
        return self._view(frame)

    def to_arrow(self, expression: Any) -> pa.Table:
        """Execute and collect the result as Arrow, straight from the executors' Arrow batches
        (Ibis's PySpark backend goes through pandas), in the expression's types."""
        table: pa.Table = self._frame(expression).toArrow()
        return table.cast(expression.schema().to_pyarrow())

    def write_parts(self, parts: list[Any], staging: Callable[[], Path]) -> list[Path]:
        """Write each ordered part with the executors; the files, in ledger order.

        Spark writes a sorted result as one file per range of the sort key, numbered in key
        order (``part-00000…``); a part's files in that order, then the next part's, are the
        ledger.
        """
        with removed_on_failure() as paths:
            for part in parts:
                folder = staging().with_suffix(".spark")
                try:
                    self._frame(part).write.parquet(str(folder), compression="zstd")
                    for written in sorted(folder.glob("part-*.parquet")):
                        paths.append(staging())
                        shutil.move(written, paths[-1])
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
        return paths

    def close(self) -> None:
        """Drop the views this engine registered (the session stays for the next run)."""
        for name in self._views:
            self._session.catalog.dropTempView(name)
        self._views.clear()

    def _frame(self, expression: Any) -> Any:
        return self._session.sql(self._backend.compile(expression))

    def _view(self, frame: Any) -> Any:
        name = f"carbonledger_{uuid.uuid4().hex}"
        frame.createOrReplaceTempView(name)
        self._views.append(name)
        return self._backend.table(name)
