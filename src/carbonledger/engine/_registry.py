"""The one door of the engine room."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from carbonledger.engine._base import Engine

__all__ = ["ENGINES", "get_engine"]

#: Engine names and where their classes live (imported only when asked for).
ENGINES: dict[str, str] = {
    "duckdb": "carbonledger.engine._duckdb:DuckDBEngine",
    "spark": "carbonledger.engine._spark:SparkEngine",
    "reference": "carbonledger.engine._reference:ReferenceEngine",
}


def get_engine(name: str = "duckdb", **options: Any) -> Engine:
    """Create an engine by name.

    Parameters
    ----------
    name : {"duckdb", "spark", "reference"}
        Engine to use.
    **options
        Passed to the engine (e.g. ``memory_limit="4GB"`` for DuckDB).

    Raises
    ------
    KeyError
        If the name is unknown (the message lists the engines).
    """
    if name not in ENGINES:
        raise KeyError(f"unknown engine {name!r}; engines: {', '.join(ENGINES)}")
    module, attribute = ENGINES[name].split(":")
    factory: Callable[..., Engine] = getattr(import_module(module), attribute)
    return factory(**options)
