"""The process's cache of read results (``app.cache``): kept until the workspace changes."""

from __future__ import annotations

import threading
import time

import pytest

from carbonledger.app import import_file
from carbonledger.app.cache import ResultCache
from tests.conftest import ELECTRICITY_CSV


def test_a_result_is_kept_until_the_workspace_changes(sited, tmp_path):
    cache = ResultCache()
    calls = []

    def compute() -> int:
        calls.append(sited.revision())
        return len(calls)

    assert cache.get(sited, "n", compute) == cache.get(sited, "n", compute) == 1
    before = sited.revision()
    source = tmp_path / "electricity.csv"
    source.write_text(ELECTRICITY_CSV)
    import_file(sited, "electricity", source)
    assert sited.revision() == before + 1  # the import's one event
    assert cache.get(sited, "n", compute) == 2
    assert calls == [before, before + 1]
    assert (cache.stats.hits, cache.stats.misses) == (1, 2)


def test_many_threads_asking_at_once_compute_once(workspace):
    cache = ResultCache()
    started = []

    def slow() -> str:
        started.append(1)
        time.sleep(0.2)
        return "result"

    found: list[str] = []
    threads = [
        threading.Thread(target=lambda: found.append(cache.get(workspace, "k", slow)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == ["result"] * 8 and len(started) == 1


def test_a_failure_is_not_kept_and_the_oldest_result_goes_first(workspace):
    cache = ResultCache(max_entries=2)

    def fail() -> int:
        raise ValueError("no run yet")

    with pytest.raises(ValueError, match="no run yet"):
        cache.get(workspace, "a", fail)
    assert cache.get(workspace, "a", lambda: 1) == 1
    cache.get(workspace, "b", lambda: 2)
    cache.get(workspace, "a", lambda: 0)  # "a" used again: "b" is now the oldest
    cache.get(workspace, "c", lambda: 3)
    assert cache.get(workspace, "a", lambda: 0) == 1
    assert cache.get(workspace, "b", lambda: 20) == 20  # dropped, so computed again


def test_a_cache_of_no_entries_always_computes(workspace):
    cache = ResultCache(max_entries=0)
    assert [cache.get(workspace, "k", lambda n=n: n) for n in range(3)] == [0, 1, 2]


def test_worker_processes_share_results_through_the_folder(sited, tmp_path):
    """Two caches over one folder stand for two workers of a server: what one computed the
    other loads; a new revision computes again and drops the old revision's file."""
    shared = tmp_path / "results"
    first, second = ResultCache(shared=shared), ResultCache(shared=shared)
    assert first.get(sited, ("totals", "scope"), lambda: {"scope 1": 1.5}) == {"scope 1": 1.5}
    assert second.get(sited, ("totals", "scope"), lambda: pytest.fail("computed twice")) == {
        "scope 1": 1.5
    }
    assert (second.stats.hits, second.stats.shared_hits, second.stats.misses) == (1, 1, 0)
    old_files = sorted(p.name for p in shared.glob("*.pickle"))
    source = tmp_path / "electricity.csv"
    source.write_text(ELECTRICITY_CSV)
    import_file(sited, "electricity", source)
    assert second.get(sited, ("totals", "scope"), lambda: {"scope 1": 2.0}) == {"scope 1": 2.0}
    now = sorted(p.name for p in shared.glob("*.pickle"))
    assert len(now) == 1 and now != old_files


def test_workers_wait_for_the_one_computing(workspace, tmp_path):
    shared = tmp_path / "results"
    caches = [ResultCache(shared=shared) for _ in range(4)]
    calls = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "done"

    found: list[str] = []
    threads = [
        threading.Thread(target=lambda c=c: found.append(c.get(workspace, "k", slow)))
        for c in caches
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == ["done"] * 4 and len(calls) == 1


def test_a_result_that_cannot_be_pickled_stays_in_memory(workspace, tmp_path):
    shared = tmp_path / "results"
    cache = ResultCache(shared=shared)
    lock = threading.Lock()
    assert cache.get(workspace, "lock", lambda: lock) is lock
    assert cache.get(workspace, "lock", lambda: pytest.fail("not kept")) is lock
    assert not list(shared.glob("*.pickle"))


def test_a_cache_that_keeps_nothing_shares_nothing(workspace, tmp_path):
    shared = tmp_path / "results"
    cache = ResultCache(max_entries=0, shared=shared)
    assert [cache.get(workspace, "n", lambda: 1) for _ in range(2)] == [1, 1]
    assert cache.stats.misses == 2 and not shared.exists()
