"""Concurrency trial: two ``carbonledger`` processes at once on one workspace, many times.

Before the store's writer lock and per-process staging, a calculation beside an import crashed
with a DuckDB traceback 7 times in 12 (a staged part file vanished under it), beside a read-only
``batches`` 4 in 8, beside a second calculation 1 in 6, and a lock committed while a 2025
import was writing let that batch in 3 times in 3. This script repeats each race and reports
what went wrong: a traceback, an unexpected exit code, or a batch with records in a period that
was locked before the batch was registered.

Usage::

    python benchmarks/races.py --repeat 10

The commands are the short names every version has (``import``, ``batches``, ``lock``), so
the same trial runs against an older checkout for comparison. Every process runs on this
machine against a workspace in a temporary folder; nothing is sent anywhere. Exit status 0
when every race came out right.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main", "run_trials"]

_ENTITIES = (
    "entity_id,name,country,equity_share,financial_control,operational_control\n"
    "E-CN,Trial Co,CN,1,true,true\n"
)
_FACILITIES = (
    "facility_id,entity_id,name,facility_type,country,subdivision\n"
    "F1,E-CN,Warehouse,fulfilment_centre,CN,CN-GD\n"
)


#: The command line of the carbonledger installed beside this Python (any version).
_CARBONLEDGER = (sys.executable, "-c", "from carbonledger.cli import main; main()")


def _electricity(year: int, rows: int, tag: str) -> str:
    lines = ["record_id,facility_id,period,quantity,unit"]
    lines += [f"{tag}-{i},F1,{year}-{1 + i % 12:02d},{100 + i},kWh" for i in range(rows)]
    return "\n".join(lines) + "\n"


def _cli(*args: str, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*_CARBONLEDGER, *args, "-w", str(folder / "ws")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=folder,
    )


def _run(*args: str, folder: Path) -> str:
    process = _cli(*args, folder=folder)
    out, err = process.communicate(timeout=600)
    if process.returncode:
        raise RuntimeError(f"carbonledger {' '.join(args)} failed: {err}")
    return out


def _workspace(folder: Path) -> None:
    subprocess.run(
        [*_CARBONLEDGER, "init", str(folder / "ws")],
        check=True,
        capture_output=True,
        cwd=folder,
    )
    (folder / "entities.csv").write_text(_ENTITIES, encoding="utf-8")
    (folder / "facilities.csv").write_text(_FACILITIES, encoding="utf-8")
    (folder / "base.csv").write_text(_electricity(2024, 5000, "B"), encoding="utf-8")
    for kind, name in (("entities", "entities"), ("facilities", "facilities")):
        _run("import", kind, str(folder / f"{name}.csv"), folder=folder)
    _run("import", "electricity", str(folder / "base.csv"), folder=folder)


def _outcome(name: str, process: subprocess.Popen[str], allowed: set[int]) -> list[str]:
    out, err = process.communicate(timeout=600)
    problems = []
    if "Traceback" in err or "Traceback" in out:
        problems.append(f"{name}: traceback\n{err[-2000:]}")
    if process.returncode not in allowed:
        problems.append(f"{name}: exit {process.returncode}: {err.strip()[-500:]}")
    return problems


def _locked_batches_let_in(folder: Path, period: str) -> list[str]:
    """Batches registered after the period's lock that still hold records of it (read through
    the command line's JSON, so the trial runs against any version of carbonledger)."""
    import pyarrow.parquet as pq

    history = json.loads(_run("periods", "--json", folder=folder))
    locks = [h["at"] for h in history if h["period"] == period and h["status"] == "locked"]
    if not locks:
        return []
    wrong = []
    for batch in json.loads(_run("batches", "--json", "--kind", "electricity", folder=folder)):
        if batch["imported_at"] <= locks[0]:
            continue
        periods = pq.read_table(folder / "ws" / batch["parquet_path"])["period"].to_pylist()
        if any(p.startswith(period) for p in periods):
            wrong.append(f"batch {batch['batch_id'][:12]} of {period} let in after the lock")
    return wrong


def run_trials(repeat: int = 3) -> dict[str, list[str]]:
    """Run every race ``repeat`` times; the problems found, by race."""
    found: dict[str, list[str]] = {
        "calculate | import": [],
        "calculate | batches": [],
        "calculate | calculate": [],
        "lock | import": [],
    }
    for number in range(repeat):
        with tempfile.TemporaryDirectory(prefix="carbonledger-races-") as scratch:
            folder = Path(scratch)
            _workspace(folder)
            new = folder / f"new-{number}.csv"
            new.write_text(_electricity(2025, 20000, f"N{number}"), encoding="utf-8")
            calc = _cli("calculate", folder=folder)
            other = _cli("import", "electricity", str(new), folder=folder)
            found["calculate | import"] += _outcome("calculate", calc, {0})
            found["calculate | import"] += _outcome("import", other, {0})

            calc = _cli("calculate", "--period", "2025", folder=folder)
            reader = _cli("batches", "--json", folder=folder)
            found["calculate | batches"] += _outcome("calculate", calc, {0})
            found["calculate | batches"] += _outcome("batches", reader, {0})

            first = _cli("calculate", "--period", "2024", folder=folder)
            second = _cli("calculate", "--period", "2024", folder=folder)
            found["calculate | calculate"] += _outcome("calculate 1", first, {0})
            found["calculate | calculate"] += _outcome("calculate 2", second, {0})

            late = folder / f"late-{number}.csv"
            late.write_text(_electricity(2024, 20000, f"L{number}"), encoding="utf-8")
            importer = _cli("import", "electricity", str(late), folder=folder)
            time.sleep(0.05 * (number % 5))  # vary which one reaches the lock first
            locker = _cli("lock", "2024", folder=folder)
            # the import is refused (exit 1) when the lock came first; either may win
            found["lock | import"] += _outcome("import", importer, {0, 1})
            found["lock | import"] += _outcome("lock", locker, {0})
            found["lock | import"] += _locked_batches_let_in(folder, "2024")
    return found


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--repeat N`` trials of each race; prints a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    found = run_trials(args.repeat)
    summary = {
        "repeat": args.repeat,
        "seconds": round(time.perf_counter() - start, 1),
        "problems": {race: len(p) for race, p in found.items()},
    }
    print(json.dumps(summary, indent=2))
    for race, problems in found.items():
        for problem in problems:
            print(f"{race}: {problem}", file=sys.stderr)
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
