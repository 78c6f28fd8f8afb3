"""The embedded DuckDB engine (default)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ibis

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
        Where DuckDB spills when the memory limit is reached (default: a temporary folder).
    """

    name = "duckdb"
    capabilities = Capabilities(relational=True, out_of_core=True, distributed=False)

    def __init__(
        self,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_directory: str | Path | None = None,
    ) -> None:
        self._spill = temp_directory or tempfile.mkdtemp(prefix="carbonledger-spill-")
        # Results are ordered explicitly where order matters (the ledger's ORDER BY is a total
        # order), so DuckDB may reorder freely, which lets more operators spill to disk.
        config: dict[str, Any] = {
            "temp_directory": str(self._spill),
            "preserve_insertion_order": False,
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

    def close(self) -> None:
        """Close the DuckDB connection."""
        self._backend.disconnect()
