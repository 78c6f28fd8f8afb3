"""The workspace store: SQL metadata (SQLite by default, PostgreSQL by URL), a content-addressed
file store, and the one write path every change passes through."""

from carbonledger.store.workspace import (
    CONFIG_FILE,
    BatchInfo,
    Event,
    StoredBatch,
    StoredRun,
    Workspace,
    acting_as,
    unchanged,
)

__all__ = [
    "CONFIG_FILE",
    "BatchInfo",
    "Event",
    "StoredBatch",
    "StoredRun",
    "Workspace",
    "acting_as",
    "unchanged",
]
