"""Jobs on workspaces themselves: create one, open one, list its runs and its history."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from carbonledger.app.data import records_sha256
from carbonledger.options import WorkspaceConfig
from carbonledger.store import CONFIG_FILE, Event, StoredRun, Workspace

__all__ = [
    "change_settings",
    "create_workspace",
    "history",
    "list_runs",
    "open_if_workspace",
    "open_workspace",
    "settings",
]


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


def settings(workspace: Workspace) -> dict[str, Any]:
    """The workspace's settings (``carbonledger.toml``) as JSON values, without where its
    metadata lives (``database_url``, the operator's)."""
    return workspace.config.model_dump(mode="json", exclude={"database_url"})


def change_settings(workspace: Workspace, changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Change settings: each changed field with its value before and after, recorded as one
    ``settings.changed`` event (see :meth:`Workspace.change_config`). A change moves the
    workspace's revision, so results kept from before are not served again; runs are not
    recalculated by it (``calculate`` does that under the new settings).

    Raises
    ------
    SettingsError
        Naming the field and what it admits.
    """
    return workspace.change_config(changes)
