"""The file store: a local folder of content-addressed, immutable files.

Every file is named by the SHA-256 of its bytes and every read checks it, so a changed or
truncated file is an :class:`~carbonledger.errors.IntegrityError` naming the file, never a
parse error deeper down. Files are written to a staging folder of the writing process first
(``.staging/<pid>-<token>/``) and renamed into place; a later process removes only the staging
folders of processes that are no longer alive, so it never deletes a file another live process
is writing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path

from carbonledger.errors import IntegrityError, WorkspaceError
from carbonledger.provenance import sha256_file

__all__ = ["FileStore"]

_STAGING = ".staging"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


class FileStore:
    """Content-addressed files under ``root``.

    Parameters
    ----------
    root : Path
        The workspace folder; keys are paths relative to it (``batches/<kind>/<sha256>.parquet``).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._staging: Path | None = None

    # -- reading ----------------------------------------------------------------------------
    def path(self, key: str, sha256: str) -> Path:
        """The absolute path of a stored file, after checking that it still has its hash.

        Raises
        ------
        IntegrityError
            If the file is missing or its bytes no longer hash to ``sha256``.
        """
        path = self.root / key
        if not path.is_file():
            raise IntegrityError(f"stored file {path} is missing (expected hash {sha256})")
        found = sha256_file(path)
        if found != sha256:
            raise IntegrityError(
                f"stored file {path} no longer matches its hash: expected {sha256}, found {found}"
            )
        return path

    def read_bytes(self, key: str, sha256: str) -> bytes:
        """The bytes of a stored file, checked against its hash (one read)."""
        from carbonledger.provenance import sha256_bytes

        path = self.root / key
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise IntegrityError(
                f"stored file {path} is missing (expected hash {sha256})"
            ) from None
        found = sha256_bytes(content)
        if found != sha256:
            raise IntegrityError(
                f"stored file {path} no longer matches its hash: expected {sha256}, found {found}"
            )
        return content

    # -- writing ----------------------------------------------------------------------------
    @property
    def staging(self) -> Path:
        """This process's staging folder (created on first use)."""
        if self._staging is None or not self._staging.is_dir():
            self._staging = self.root / _STAGING / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
            self._staging.mkdir(parents=True, exist_ok=True)
        return self._staging

    def staging_path(self, suffix: str = ".parquet") -> Path:
        """A fresh path in this process's staging folder."""
        return self.staging / f"{uuid.uuid4().hex}{suffix}"

    def stage_bytes(self, content: bytes, suffix: str = ".parquet") -> Path:
        """Write ``content`` to a fresh staged file, flushed to disk."""
        path = self.staging_path(suffix)
        with path.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        return path

    def commit(self, staged: Path, key: str) -> Path:
        """Move a staged file to its key (an atomic rename on the same file system)."""
        final = self.root / key
        final.parent.mkdir(parents=True, exist_ok=True)
        staged.replace(final)
        return final

    def discard(self, key: str) -> None:
        """Remove a file that was moved into place by a write that then failed."""
        with contextlib.suppress(FileNotFoundError):
            (self.root / key).unlink()

    def sweep(self) -> list[Path]:
        """Remove what dead processes left in staging; the paths of what they had written (an
        empty staging folder, which every process that wrote leaves, is removed silently).

        A crash after the rename but before the metadata commit can leave an unregistered file
        at its final, content-addressed path; it is never read (reads go through the metadata)
        and re-storing rewrites the same bytes there, so it is left alone.
        """
        removed: list[Path] = []
        staging = self.root / _STAGING
        if not staging.is_dir():
            return removed
        for entry in staging.iterdir():
            pid_text = entry.name.split("-", 1)[0]
            if entry.is_dir() and pid_text.isdigit() and _alive(int(pid_text)):
                continue
            if not (entry.is_dir() and not any(entry.iterdir())):
                removed.append(entry)
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        return removed

    def ensure(self) -> None:
        """Create the store's folders.

        Raises
        ------
        WorkspaceError
            If the folder cannot be created.
        """
        try:
            (self.root / _STAGING).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create the file store in {self.root}: {exc}") from None
