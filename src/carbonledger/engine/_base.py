"""Engine base classes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

__all__ = ["Capabilities", "Engine", "RelationalEngine"]


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do.

    Attributes
    ----------
    relational : bool
        Runs Ibis expressions (method plans).
    out_of_core : bool
        Streams inputs larger than memory (spills to disk).
    distributed : bool
        Runs on a cluster.
    """

    relational: bool
    out_of_core: bool
    distributed: bool


class Engine(ABC):
    """An engine, selected by name through :func:`carbonledger.engine.get_engine`."""

    name: ClassVar[str]
    capabilities: ClassVar[Capabilities]

    def close(self) -> None:  # noqa: B027 - engines without resources need not override
        """Release the engine's resources."""


class RelationalEngine(Engine):
    """An engine that executes Ibis expressions."""

    @property
    @abstractmethod
    def backend(self) -> Any:
        """The Ibis backend."""

    def read_parquet(self, paths: list[Path]) -> Any:
        """An Ibis table over Parquet files."""
        return self.backend.read_parquet([str(p) for p in paths])

    def table(self, data: pa.Table) -> Any:
        """An Ibis table over an in-memory Arrow table."""
        import ibis

        return ibis.memtable(data)

    def to_arrow(self, expression: Any) -> pa.Table:
        """Execute and return an Arrow table."""
        result: pa.Table = self.backend.to_pyarrow(expression)
        return result

    def to_parquet(self, expression: Any, path: Path) -> None:
        """Execute and write Parquet (streamed where the backend can)."""
        self.backend.to_parquet(expression, str(path))

    def write_parts(self, parts: list[Any], staging: Callable[[], Path]) -> list[Path]:
        """Write the ordered parts into fresh files from ``staging``; the files, in order.

        A ledger is the ordered list of these files: nothing is concatenated afterwards, so
        each row is encoded once. Here each part is one file; an engine that writes a part as
        several ordered files (Spark) returns them all.
        """
        with removed_on_failure() as paths:
            for part in parts:
                paths.append(staging())
                self.to_parquet(part, paths[-1])
        return paths


@contextmanager
def removed_on_failure() -> Iterator[list[Path]]:
    """A list for the files a block writes; if the block raises, they are removed."""
    paths: list[Path] = []
    try:
        yield paths
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise
