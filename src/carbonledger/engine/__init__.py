"""Execution engines: a room with one door, :func:`get_engine`.

``duckdb`` (embedded default) and ``spark`` run the methods' relational plans (Ibis
expressions); ``reference`` is a slow, plain-Python engine that evaluates the same method
definitions row by row, as an oracle for cross-checks on small inputs. Backends are imported
lazily and declare what they support.
"""

from carbonledger.engine._base import Capabilities, Engine, RelationalEngine
from carbonledger.engine._local import (
    ibis_connection,
    records_connection,
    sql_connection,
    sql_connection_on,
)
from carbonledger.engine._memory import use_arrow_memory_pool
from carbonledger.engine._registry import ENGINES, get_engine

__all__ = [
    "ENGINES",
    "Capabilities",
    "Engine",
    "RelationalEngine",
    "get_engine",
    "ibis_connection",
    "records_connection",
    "sql_connection",
    "sql_connection_on",
    "use_arrow_memory_pool",
]
