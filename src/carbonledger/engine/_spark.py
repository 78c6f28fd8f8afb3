"""The Spark engine: the same Ibis plans on a PySpark session (install ``carbonledger[spark]``)."""

from __future__ import annotations

from typing import Any

from carbonledger.engine._base import Capabilities, RelationalEngine
from carbonledger.errors import CarbonLedgerError

__all__ = ["SparkEngine"]


class SparkEngine(RelationalEngine):
    """PySpark through Ibis.

    Parameters
    ----------
    session : pyspark.sql.SparkSession, optional
        An existing session (default: ``SparkSession.builder.getOrCreate()``).
    """

    name = "spark"
    capabilities = Capabilities(relational=True, out_of_core=True, distributed=True)

    def __init__(self, session: Any = None) -> None:
        try:
            import ibis
            from pyspark.sql import SparkSession
        except ImportError:
            raise CarbonLedgerError(
                "the spark engine needs PySpark: pip install 'carbonledger[spark]'"
            ) from None
        self._session = session or SparkSession.builder.getOrCreate()
        self._backend = ibis.pyspark.connect(self._session)

    @property
    def backend(self) -> Any:
        """The Ibis PySpark backend."""
        return self._backend
