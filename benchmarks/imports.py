"""Import benchmark: one electricity file of N rows into a fresh workspace, every check on.

    python benchmarks/imports.py --rows 1e6             # CSV and Parquet
    python benchmarks/imports.py --rows 1e8 --format csv
    PYTHONPATH=/path/to/other/checkout/src python benchmarks/imports.py --rows 1e6

Each size and format runs in its own process (so the peak resident memory is the import's),
and prints wall and CPU time, rows/s and peak RSS as JSON, with the rows stored, so each side
of a comparison is seen to import the whole file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.run import print_figures

REFERENCES = {
    "entities": "SELECT 'E-US' AS entity_id, 'US co' AS name, 'US' AS country, 1.0 AS "
    "equity_share, true AS financial_control, true AS operational_control",
    "facilities": "SELECT 'F' || lpad(CAST(i AS VARCHAR), 5, '0') AS facility_id, 'E-US' AS "
    "entity_id, 'site' AS name, 'warehouse' AS facility_type, 'US' AS country, 'US-NJ' AS "
    "subdivision, 'RFCE' AS grid_region FROM range(300) t(i)",
}
ELECTRICITY = (
    "SELECT 'E' || i AS record_id, 'F' || lpad(CAST(i % 300 AS VARCHAR), 5, '0') AS facility_id, "
    "'2025-' || lpad(CAST(1 + i % 12 AS VARCHAR), 2, '0') AS period, "
    "CAST(1000 + (i * 7919) % 100000 AS DOUBLE) AS quantity, "
    "CASE WHEN i % 10 = 0 THEN 'MWh' ELSE 'kWh' END AS unit FROM range({rows}) t(i)"
)


def write_inputs(folder: Path, rows: int, formats: list[str] | None = None) -> dict[str, Path]:
    """The reference CSVs and the electricity file as CSV and Parquet (or the ``formats``)."""
    con = duckdb.connect()
    for kind, sql in REFERENCES.items():
        con.execute(f"COPY ({sql}) TO '{folder / kind}.csv' (HEADER)")
    options = {"csv": "HEADER", "parquet": "FORMAT parquet"}
    files = {}
    for fmt in formats or list(options):
        files[fmt] = folder / f"electricity.{fmt}"
        query = ELECTRICITY.format(rows=rows)
        con.execute(f"COPY ({query}) TO '{files[fmt]}' ({options[fmt]})")
    con.close()
    return files


def run_import(folder: Path, path: Path) -> dict[str, float | int]:
    """Import ``path`` into a fresh workspace in ``folder``; timings of the import alone."""
    from carbonledger.app import create_workspace, import_file
    from carbonledger.options import WorkspaceConfig

    workspace = create_workspace(
        folder / f"ws-{path.suffix[1:]}", WorkspaceConfig(organisation="x")
    )
    for kind in REFERENCES:
        import_file(workspace, kind, path.parent / f"{kind}.csv")
    start, cpu = time.perf_counter(), time.process_time()
    result = import_file(workspace, "electricity", path)
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        "rows": result.batch.rows,
    }


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="*", type=float, default=[1e6])
    parser.add_argument("--format", choices=["csv", "parquet"], nargs="*", default=None)
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()
    if args.file:
        print_figures(run_import(args.file.parent, args.file))
        return
    for rows in (int(r) for r in args.rows):
        with tempfile.TemporaryDirectory(prefix="carbonledger-import-") as tmp:
            for fmt, path in write_inputs(Path(tmp), rows, args.format).items():
                command = [sys.executable, __file__, "--file", str(path)]
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode:
                    raise RuntimeError(f"{fmt} import failed:\n{done.stderr[-3000:]}")
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                figures |= {"format": fmt, "file_rows": rows}
                figures["rows_per_s"] = round(rows / figures["seconds"])
                print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
