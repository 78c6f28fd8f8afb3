"""Scope 3+ benchmark: N consumer and merchant actions of four programmes over five years (10 M
by default) written as one Parquet file, imported into a fresh workspace with every check, then
calculated into the programme ledger and read (progress, the overlap guard, one person).

    python benchmarks/ecosystem.py                # 10,000,000 actions
    python benchmarks/ecosystem.py --rows 1e8

Green trips by mode, e-waybills, doorstep recycling by category and green-office savings, a
hundred thousand participants, one action in 1,000 sharing its order with another programme
(the overlap guard's work). Prints wall and CPU time and peak resident memory of each phase as
JSON, with the rows stored, the ledger's rows and the counted reduction, so a run is seen to
do the whole stream.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from carbonledger import app
from carbonledger.options import WorkspaceConfig

PROGRAMMES = (
    "programme_id,name,type,owner,methodologies,goal,start_year,end_year,region\n"
    "TRAVEL,Green travel,green_travel,Mobility,green_trip,1000000,2021,2035,CN\n"
    "WAYBILL,E-waybills,paperless,Logistics,e_waybill,1000000,2021,2035,CN\n"
    "RECYCLE,Recycling,recycling,Recycling,doorstep_recycling,1000000,2021,2035,CN\n"
    "OFFICE,Green office,green_office,HR,office_energy_saving,1000000,2021,2035,CN\n"
)


def write_activities(path: Path, rows: int) -> None:
    """The activity stream as Parquet, written by DuckDB."""
    con = duckdb.connect()
    con.execute(
        f"""COPY (
          SELECT 'A' || i AS activity_id,
            ['TRAVEL', 'WAYBILL', 'RECYCLE', 'OFFICE'][1 + i % 4] AS programme_id,
            ['green_trip', 'e_waybill', 'doorstep_recycling', 'office_energy_saving'][1 + i % 4]
              AS methodology,
            'p' || (i * 7919 % 100000) AS participant_id,
            CASE WHEN i % 4 IN (1, 3) THEN 'merchant' ELSE 'consumer' END AS participant_type,
            DATE '2021-01-01' + CAST(i % 1826 AS INTEGER) AS date,
            round(1 + (i * 104729 % 1000) / 50.0, 2) AS amount,
            ['pkm', 'item', 'kg', 'kWh'][1 + i % 4] AS unit,
            CASE WHEN i % 4 = 0 THEN ['bus', 'metro', 'rail', 'bike', 'walk'][1 + i // 4 % 5] END
              AS mode,
            CASE WHEN i % 4 = 2 THEN ['paper_and_board_board', 'glass', 'metals'][1 + i // 4 % 3]
              END AS category,
            'O' || CASE WHEN i % 1000 = 1 THEN i - 1 ELSE i END AS source_ref
          FROM range({rows}) t(i)) TO '{path}' (FORMAT parquet)"""
    )
    con.close()


def _phase(name: str, run, results: dict) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    out = run()
    results[name] = {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e7)
    args = parser.parse_args()
    rows = int(args.rows)
    results: dict = {"rows": rows}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "ecosystem_activities.parquet"
        _phase("write_parquet", lambda: write_activities(path, rows), results)
        config = WorkspaceConfig(
            organisation="Bench", proxy_regions=["GB"], later_year_factors=True
        )
        workspace = app.create_workspace(folder / "ws", config)
        (folder / "programmes.csv").write_text(PROGRAMMES, encoding="utf-8")
        app.import_file(workspace, "programmes", folder / "programmes.csv")
        imported = _phase(
            "import", lambda: app.import_file(workspace, "ecosystem_activities", path), results
        )
        results["rows_stored"] = imported.batch.rows
        results["import"]["rows_per_s"] = round(rows / results["import"]["wall_s"])
        calculation = _phase("calculate", lambda: app.calculate_ecosystem(workspace), results)
        results["ledger_rows"] = calculation["rows"]
        results["calculate"]["rows_per_s"] = round(rows / results["calculate"]["wall_s"])
        progress = _phase("progress", lambda: app.ecosystem_progress(workspace), results)
        results["counted_t"] = round(sum(p["cumulative"] for p in progress["programmes"]), 1)
        overlaps = _phase("overlaps", lambda: app.ecosystem_overlaps(workspace), results)
        results["overlaps"] = sum(s["rows"] for s in overlaps["summary"])
        _phase("person", lambda: app.personal_footprint(workspace, "p42"), results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
