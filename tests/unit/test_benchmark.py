"""The calculation benchmark runs what each phase's name says, and its same-work sides agree."""

from __future__ import annotations

import pytest
from benchmarks import run as bench


def test_each_phase_runs_what_its_name_says(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(
        bench,
        "run_calculate",
        lambda f, m, market=True, engine_name="duckdb": calls.append((engine_name, market)) or {},
    )
    monkeypatch.setattr(
        bench, "run_yardstick", lambda f, m=None: calls.append(("yardstick", m)) or {}
    )
    for phase in ("calculate", "calculate-location", "yardstick", "calculate-spark"):
        bench.run_phase(phase, tmp_path, "3GB")
    assert calls == [("duckdb", True), ("duckdb", False), ("yardstick", "3GB"), ("spark", True)]
    with pytest.raises(ValueError, match="unknown phase"):
        bench.run_phase("calculte", tmp_path, None)


def test_the_same_work_calculation_and_the_yardstick_write_the_same_rows_and_total(tmp_path):
    bench.generate(tmp_path, 3000)
    same = bench.run_phase("calculate-location", tmp_path, None)
    yard = bench.run_phase("yardstick", tmp_path, None)
    for side in (same, yard):
        side["peak_rss_gib"] = 0.0
    figures = bench.comparison(same, yard)
    assert figures["same_work_agrees"], figures
    assert same["ledger_rows"] > 3000  # one row per record and gas


def test_the_spill_and_ledger_sizes_count_every_file_below_the_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.tmp").write_bytes(b"x" * 1000)
    (tmp_path / "two.tmp").write_bytes(b"y" * 24)
    assert bench.folder_bytes(tmp_path) == 1024
    assert bench.folder_bytes(tmp_path / "missing") == 0


def test_the_workspace_benchmark_runs_each_command_on_the_workspace_it_built(tmp_path):
    from benchmarks import workspace as ws_bench

    files = ws_bench.write_import_files(tmp_path, 300)
    imported = ws_bench.run_step("import", tmp_path, None)["result"]
    assert imported == sum(bench.duckdb.read_parquet(str(f)).shape[0] for f in files.values())
    stored = ws_bench.run_step("calculate", tmp_path, None)["result"]
    direct = bench.run_phase("calculate", tmp_path / "stored", None)["ledger_rows"]
    assert stored == direct > 300  # the imported workspace's run is the benchmark's ledger
    assert ws_bench.run_step("hotspots", tmp_path, None)["result"] > 0
