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
    figures = bench.comparison(3000, 0.0, same, same, yard)
    assert figures["same_work_agrees"], figures
    assert same["ledger_rows"] > 3000  # one row per record and gas
