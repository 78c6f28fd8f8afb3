"""The workspace store: SQL metadata (SQLite by default) and content-addressed Parquet."""

from carbonledger.store.workspace import CONFIG_FILE, BatchInfo, StoredBatch, StoredRun, Workspace

__all__ = ["CONFIG_FILE", "BatchInfo", "StoredBatch", "StoredRun", "Workspace"]
