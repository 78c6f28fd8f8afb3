"""The embedded DuckDB engine (default)."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from carbonledger.engine._base import Capabilities, RelationalEngine

__all__ = ["DuckDBEngine"]


class DuckDBEngine(RelationalEngine):
    """DuckDB through Ibis, with a memory limit and a spill directory for larger-than-memory work.

    Parameters
    ----------
    memory_limit : str, optional
        DuckDB memory limit such as ``"4GB"`` (default: DuckDB's, 80 % of RAM).
    threads : int, optional
        Worker threads (default: one per core).
    temp_directory : str or Path, optional
        Where DuckDB spills when the memory limit is reached (default: a temporary folder of
        its own, removed on :meth:`close`). A run passes a folder inside its process's staging
        folder, which the next command removes if the process dies.
    """

    name = "duckdb"
    capabilities = Capabilities(relational=True, out_of_core=True, distributed=False)

    def __init__(
        self,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_directory: str | Path | None = None,
    ) -> None:
        self._own_spill = temp_directory is None
        self._spill = temp_directory or tempfile.mkdtemp(prefix="carbonledger-spill-")
        # Results are ordered explicitly where order matters (the ledger's ORDER BY is a total
        # order), so DuckDB may reorder freely, which lets more operators spill to disk.
        config: dict[str, Any] = {
            "temp_directory": str(self._spill),
            "preserve_insertion_order": True,
        }
        if memory_limit:
            config["memory_limit"] = memory_limit
        if threads:
            config["threads"] = threads
        self._backend = ibis.duckdb.connect(**config)

    @property
    def backend(self) -> Any:
        """The Ibis DuckDB backend."""
        return self._backend

    def table(self, data: pa.Table) -> Any:
        """Register an Arrow table with DuckDB under a fresh name and return it as a table."""
        name = f"carbonledger_{uuid.uuid4().hex}"
        self._backend.con.register(name, data)
        return self._backend.table(name)

    def to_parquet(self, expression: Any, path: Path) -> None:
        """Execute and stream the result into a Parquet file with DuckDB's ``COPY``, which
        spills to disk under the memory limit (ordering included)."""
        sql = ibis.to_sql(expression, dialect="duckdb")
        target = str(path).replace("'", "''")
        self._backend.raw_sql(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")

    def close(self) -> None:
        """Close the DuckDB connection and remove the spill folder it made itself."""
        self._backend.disconnect()
        if self._own_spill:
            shutil.rmtree(self._spill, ignore_errors=True)
