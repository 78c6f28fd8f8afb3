"""A process's cache of read results, keyed by the workspace's revision.

Every change to a workspace goes through its single write path and adds one event, so a result
read at revision *n* (totals, an inventory, a page's charts) stays right until the workspace's
latest event is no longer *n*. A long-running process (the API server) keeps results here and
answers repeated reads without re-reading ledgers; each lookup costs one query for the
revision, and a result is computed once however many requests ask for it at the same moment.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
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
    """

    hits: int = 0
    misses: int = 0


@dataclass
class ResultCache:
    """Read results of workspaces, least recently used dropped beyond ``max_entries``.

    Parameters
    ----------
    max_entries : int
        How many results to keep; 0 keeps none (every lookup computes).

    Examples
    --------
    >>> import tempfile
    >>> from carbonledger.options import WorkspaceConfig
    >>> ws = Workspace.init(tempfile.mkdtemp(), WorkspaceConfig(organisation="Demo Co"))
    >>> cache = ResultCache()
    >>> cache.get(ws, ("answer",), lambda: 42), cache.get(ws, ("answer",), lambda: 0)
    (42, 42)
    >>> cache.stats
    CacheStats(hits=1, misses=1)
    """

    max_entries: int = DEFAULT_CACHE_ENTRIES
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
        full_key = (str(workspace.root.resolve()), workspace.revision(), key)
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
                self.stats.misses += 1
            try:
                result = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(full_key, None)
                raise
            with self._lock:
                if self.max_entries > 0:
                    self._results[full_key] = result
                    while len(self._results) > self.max_entries:
                        self._results.popitem(last=False)
                self._computing.pop(full_key, None)
            return result

    def clear(self) -> None:
        """Drop every kept result."""
        with self._lock:
            self._results.clear()
