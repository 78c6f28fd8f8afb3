"""The workspace's writer lock: one writer at a time, readers never wait.

Writers take an exclusive ``flock`` on ``<workspace>/.writer.lock`` for the short moment in
which they register what they have already computed (a batch, a run, a lock); the lock file
then names the holder, so a writer that has to wait says whom it waits for. The kernel drops
the lock when its process dies, so a crash never leaves the workspace locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from carbonledger.provenance import utc_now

__all__ = ["LOCK_FILE", "writer_lock"]

LOCK_FILE = ".writer.lock"


@contextlib.contextmanager
def writer_lock(root: Path, purpose: str, timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace's writer lock for ``purpose`` (e.g. ``"import electricity"``).

    Parameters
    ----------
    root : Path
        Workspace folder.
    purpose : str
        What the holder does, shown to a writer that waits.
    timeout : float, optional
        Give up after this many seconds [s] (default: wait as long as it takes).

    Raises
    ------
    TimeoutError
        If ``timeout`` passes before the lock is free.
    """
    path = root / LOCK_FILE
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            sys.stderr.write(f"carbonledger: waiting for the workspace writer lock ({holder})\n")
            _wait(handle, timeout, holder)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "purpose": purpose, "since": utc_now()}))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _wait(handle: TextIO, timeout: float | None, holder: str) -> None:
    if timeout is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the workspace writer lock is still held after {timeout} s ({holder})"
                ) from None
            time.sleep(0.05)
