"""A process's cache of read results, keyed by the workspace's revision.

Every change to a workspace goes through its single write path and adds one event, so a result
read at revision *n* (totals, an inventory, a page's charts) stays right until the workspace's
latest event is no longer *n*. A long-running process (the API server) keeps results here and
answers repeated reads without re-reading ledgers; each lookup costs one query for the
revision, and a result is computed once however many requests ask for it at the same moment.

The worker processes of one server share their results through a folder (``shared``): a
result computed by one worker is pickled there under its key and revision, written atomically,
and another worker loads it instead of computing it again; a file lock per key makes one
worker compute while the others wait. Only the server writes that folder (it lies in the
server's own root, beside its accounts database, and is as trusted as that database); results
of older revisions are deleted as newer ones are written, and a result that cannot be pickled
stays in its worker's memory only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from carbonledger.store import Workspace

__all__ = ["DEFAULT_CACHE_ENTRIES", "CacheStats", "ResultCache"]

T = TypeVar("T")
#: Results a :class:`ResultCache` keeps by default (least recently used dropped first).
DEFAULT_CACHE_ENTRIES = 256


@dataclass
class CacheStats:
    """How a cache has been used.

    Attributes
    ----------
    hits, misses : int
        Lookups answered from the cache, and those that computed their result.
    shared_hits : int
        Of the hits, those loaded from the shared folder (computed by another process).
    """

    hits: int = 0
    misses: int = 0
    shared_hits: int = 0


@dataclass
class ResultCache:
    """Read results of workspaces, least recently used dropped beyond ``max_entries``.

    Parameters
    ----------
    max_entries : int
        How many results to keep; 0 keeps none (every lookup computes, nothing is shared).
    shared : Path, optional
        A folder shared with the other processes serving the same workspaces (created).

    Examples
    --------
    >>> import tempfile
    >>> from carbonledger.options import WorkspaceConfig
    >>> ws = Workspace.init(tempfile.mkdtemp(), WorkspaceConfig(organisation="Demo Co"))
    >>> cache = ResultCache()
    >>> cache.get(ws, ("answer",), lambda: 42), cache.get(ws, ("answer",), lambda: 0)
    (42, 42)
    >>> cache.stats
    CacheStats(hits=1, misses=1, shared_hits=0)
    """

    max_entries: int = DEFAULT_CACHE_ENTRIES
    shared: Path | None = None
    stats: CacheStats = field(default_factory=CacheStats)
    _results: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict, repr=False)
    _computing: dict[Hashable, threading.Lock] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self, workspace: Workspace, key: Hashable, compute: Callable[[], T]) -> T:
        """The result of ``compute`` for ``key`` in ``workspace`` at its current revision.

        A result kept from the same revision is returned as it is (treat it as read-only);
        otherwise ``compute`` runs once, while other threads asking for the same key wait for
        it. An exception from ``compute`` is raised to its caller and nothing is kept.
        """
        folder, revision = str(workspace.root.resolve()), workspace.revision()
        full_key = (folder, revision, key)
        with self._lock:
            if full_key in self._results:
                self.stats.hits += 1
                self._results.move_to_end(full_key)
                return self._results[full_key]
            computing = self._computing.setdefault(full_key, threading.Lock())
        with computing:
            with self._lock:
                if full_key in self._results:  # computed meanwhile by another thread
                    self.stats.hits += 1
                    return self._results[full_key]
            try:
                result = self._shared_or_computed(folder, revision, key, compute)
            finally:
                with self._lock:
                    self._computing.pop(full_key, None)
            with self._lock:
                if self.max_entries > 0:
                    self._results[full_key] = result
                    while len(self._results) > self.max_entries:
                        self._results.popitem(last=False)
            return result

    def _shared_or_computed(
        self, folder: str, revision: int, key: Hashable, compute: Callable[[], T]
    ) -> T:
        """The result from the shared folder, or computed (and written there)."""
        if self.shared is None or self.max_entries == 0:  # 0: nothing kept, nor shared
            return self._computed(compute)
        self.shared.mkdir(parents=True, exist_ok=True)
        workspace_part = hashlib.sha256(folder.encode()).hexdigest()[:16]
        key_part = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
        path = self.shared / f"{workspace_part}-{revision}-{key_part}.pickle"
        with path.with_suffix(".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one process computes, the others wait for it
            if path.exists():
                with path.open("rb") as kept:
                    result: T = pickle.load(kept)
                with self._lock:
                    self.stats.hits += 1
                    self.stats.shared_hits += 1
                return result
            result = self._computed(compute)
            self._write_shared(path, result)
            self._drop_older(workspace_part, revision)
            return result

    def _computed(self, compute: Callable[[], T]) -> T:
        with self._lock:
            self.stats.misses += 1
        return compute()

    @staticmethod
    def _write_shared(path: Path, result: object) -> None:
        """Pickle ``result`` to ``path`` atomically; a result that cannot be pickled is not
        shared."""
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return
        handle, staging = tempfile.mkstemp(dir=path.parent, suffix=".partial")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(staging).replace(path)

    def _drop_older(self, workspace_part: str, revision: int) -> None:
        """Delete the shared results of this workspace's earlier revisions."""
        assert self.shared is not None
        for old in self.shared.glob(f"{workspace_part}-*"):
            kept_revision = old.name.split("-")[1]
            if kept_revision.isdigit() and int(kept_revision) < revision:
                with contextlib.suppress(FileNotFoundError):
                    old.unlink()

    def clear(self) -> None:
        """Drop every kept result."""
        with self._lock:
            self._results.clear()
