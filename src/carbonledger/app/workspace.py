"""Jobs on workspaces themselves: create one, open one, list its runs and its history."""

from __future__ import annotations

from pathlib import Path

from carbonledger.app.data import records_sha256
from carbonledger.options import WorkspaceConfig
from carbonledger.store import CONFIG_FILE, Event, StoredRun, Workspace

__all__ = ["create_workspace", "history", "list_runs", "open_if_workspace", "open_workspace"]


def create_workspace(folder: str | Path, config: WorkspaceConfig) -> Workspace:
    """Create a workspace: settings, metadata store and file store."""
    return Workspace.init(folder, config)


def open_workspace(folder: str | Path = ".") -> Workspace:
    """Open a workspace (its store upgraded, what dead processes left cleaned, and the records'
    hashes of batches an older release stored computed once)."""
    workspace = Workspace.open(folder)
    legacy = [b for b in workspace.batches(include_inactive=True) if b.records_sha256 is None]
    if legacy:
        workspace.record_digests(
            {b.batch_id: records_sha256(b.kind, workspace.read_batch(b.batch_id)) for b in legacy}
        )
    return workspace


def list_runs(workspace: Workspace) -> list[StoredRun]:
    """Every calculation run, oldest first."""
    return workspace.runs()


def history(workspace: Workspace, kind: str | None = None) -> list[Event]:
    """Every change the store's write path recorded, oldest first."""
    return workspace.events(kind)


def open_if_workspace(folder: str | Path) -> Workspace | None:
    """The workspace in ``folder``, or None where the folder holds none."""
    return Workspace.open(folder) if (Path(folder) / CONFIG_FILE).is_file() else None
