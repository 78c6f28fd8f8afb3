"""Workspace benchmark: the commands a user runs, on a workspace of N records.

    python benchmarks/workspace.py --rows 1e6
    python benchmarks/workspace.py --rows 1e8 --memory-limit 5GB --scratch /big/disk
    python benchmarks/workspace.py --rows 1e8 --folder /big/ws       # kept, to run steps again
    python benchmarks/workspace.py --folder /big/ws --steps inventory report

The inputs are those of ``benchmarks/run.py`` (spend, electricity and stationary fuel with
their reference tables), written as import files. Each step runs in a fresh process through
the application layer, as the CLI runs it, so its peak resident memory is its own:

- ``import``: every reference and activity file into a new workspace (every check on);
- ``calculate``: ``carbonledger calculate`` (the run stored with its ledger parts);
- ``inventory``, ``uncertainty``, ``hotspots``, ``quality``: what each command computes;
- ``report``: ``carbonledger report --format html`` (the report context and the page).

Prints one JSON line per size with each step's wall and CPU time [s] and peak RSS [GiB].
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.run import SHARE, generate, print_figures, process_tree_cpu

REFERENCE_KINDS = ("entities", "facilities", "spend_mapping", "fx_rates", "price_index")
STEPS = ("import", "calculate", "inventory", "uncertainty", "hotspots", "quality", "report")


def write_import_files(folder: Path, rows: int) -> dict[str, Path]:
    """The benchmark's batches as import files (Parquet without the stored ``source_row``)."""
    generate(folder / "stored", rows)
    con = duckdb.connect()
    files = {}
    for kind in (*REFERENCE_KINDS, *SHARE):
        files[kind] = folder / f"{kind}.parquet"
        con.execute(
            f"COPY (SELECT * EXCLUDE (source_row) FROM '{folder / 'stored' / kind}.parquet') "
            f"TO '{files[kind]}' (FORMAT parquet)"
        )
    con.close()
    return files


def run_step(step: str, folder: Path, memory_limit: str | None) -> dict[str, Any]:
    """One step in this process, on the workspace in ``folder``; its figures."""
    from carbonledger import app
    from carbonledger.options import WorkspaceConfig

    root = folder / "workspace"
    if step == "import":
        config = WorkspaceConfig(
            organisation="benchmark", gwp_set="AR5", proxy_regions=["GB", "US"]
        )
        workspace = app.create_workspace(root, config)
        kinds = (*REFERENCE_KINDS, *SHARE)
        job: Callable[[], Any] = lambda: sum(  # noqa: E731
            app.import_file(workspace, kind, folder / f"{kind}.parquet").batch.rows
            for kind in kinds
        )
    else:
        workspace = app.open_workspace(root)
        jobs: dict[str, Callable[[], Any]] = {
            "calculate": lambda: app.calculate(workspace, memory_limit=memory_limit).run.rows,
            "inventory": lambda: app.inventory(workspace).total("location"),
            "uncertainty": lambda: app.uncertainty(workspace)[2][-1]["co2e"],
            "hotspots": lambda: len(app.hotspots(workspace)[1]),
            "quality": lambda: len(app.quality(workspace)[1]),
            "report": lambda: (
                app.render_report(
                    app.report_context(workspace), "html", "en", folder / "report.html"
                )
                .stat()
                .st_size
            ),
        }
        job = jobs[step]
    start, cpu = time.perf_counter(), process_tree_cpu()
    result = job()
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": process_tree_cpu() - cpu,
        "result": result,
    }


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="*", type=float, default=[1e6])
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--scratch", type=Path, help="folder for the inputs and the workspace")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--steps", choices=STEPS, nargs="*", default=list(STEPS))
    parser.add_argument("--folder", type=Path, help="build in (or reuse) this folder, kept")
    args = parser.parse_args()
    if args.step:
        print_figures(run_step(args.step, args.folder, args.memory_limit))
        return
    if args.folder:
        if not (args.folder / "spend.parquet").exists():
            args.folder.mkdir(parents=True, exist_ok=True)
            write_import_files(args.folder, int(args.rows[0]))
        print(json.dumps(run_steps(args.folder, args.steps, args.memory_limit)), flush=True)
        return
    for rows in (int(r) for r in args.rows):
        with tempfile.TemporaryDirectory(prefix="carbonledger-ws-", dir=args.scratch) as tmp:
            write_import_files(Path(tmp), rows)
            figures = {"records": rows} | run_steps(Path(tmp), args.steps, args.memory_limit)
            print(json.dumps(figures), flush=True)


def run_steps(folder: Path, steps: list[str], memory_limit: str | None) -> dict[str, Any]:
    """Each step in a fresh process, in order; its wall and CPU time, peak RSS and result."""
    figures: dict[str, Any] = {}
    for step in steps:
        command = [sys.executable, __file__, "--step", step, "--folder", str(folder)]
        if memory_limit:
            command += ["--memory-limit", memory_limit]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{step} failed:\n{done.stderr[-3000:]}")
        out = json.loads(done.stdout.strip().splitlines()[-1])
        figures[step] = {
            "wall_s": round(out["seconds"], 2),
            "cpu_s": round(out["cpu_seconds"], 2),
            "peak_rss_gib": round(out["peak_rss_gib"], 2),
            "result": out["result"],
        }
    return figures


if __name__ == "__main__":
    main()
