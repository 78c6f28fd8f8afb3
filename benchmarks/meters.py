"""Meter benchmark: a year of 15-minute readings of N meters (1,000 meters: 35 M readings)
imported as one CSV into a fresh workspace with every check, then read back and checked by
meter and time (gaps, resets, roll-overs, spikes) and a node of the tree aggregated by hour.

    python benchmarks/meters.py                  # 1,000 meters, 35,040,000 readings
    python benchmarks/meters.py --meters 100

The park: one cumulative main meter, the rest interval sub-meters under it; one reading in
10,000 missing, so the checks have gaps to find. Prints wall and CPU time and peak resident
memory of each phase as JSON, with the readings stored and the intervals read, so a run is
seen to do the whole year.
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

STEPS = 35_040  # a year of 15-minute intervals


def write_inputs(folder: Path, meters: int) -> dict[str, Path]:
    """The facility, the meters and their readings as CSV files, written by DuckDB."""
    paths = {kind: folder / f"{kind}.csv" for kind in ("entities", "facilities", "meters")}
    paths["entities"].write_text(
        "entity_id,name,country,equity_share,financial_control,operational_control\n"
        "E1,Park co,CN,1,true,true\n",
        encoding="utf-8",
    )
    paths["facilities"].write_text(
        "facility_id,entity_id,name,facility_type,country,subdivision\n"
        "P1,E1,Park,logistics_park,CN,CN-ZJ\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'M' || lpad(CAST(i AS VARCHAR), 5, '0') AS meter_id,
                  CASE WHEN i = 0 THEN NULL ELSE 'M00000' END AS parent_id,
                  CASE WHEN i = 0 THEN 'park' ELSE 'equipment' END AS level,
                  'P1' AS facility_id, 'electricity' AS medium, 'kWh' AS unit,
                  CASE WHEN i = 0 THEN 'cumulative' ELSE 'interval' END AS reading_type
                FROM range({meters}) t(i)) TO '{paths["meters"]}' (HEADER)"""
    )
    paths["meter_readings"] = folder / "meter_readings.csv"
    con.execute(
        f"""COPY (SELECT 'M' || lpad(CAST(m AS VARCHAR), 5, '0') AS meter_id,
                  strftime(TIMESTAMP '2025-01-01' + INTERVAL 15 MINUTE * s, '%Y-%m-%d %H:%M')
                    AS time,
                  CASE WHEN m = 0 THEN 1e6 + s * {meters} * 2.0
                       ELSE round(1.0 + ((m * 7919 + s * 104729) % 1000) / 500.0, 3) END
                    AS value
                FROM range({meters}) a(m), range({STEPS + 1}) b(s)
                WHERE m = 0 OR (s > 0 AND (m * 31 + s) % 10000 <> 7))
           TO '{paths["meter_readings"]}' (HEADER)"""
    )
    con.close()
    return paths


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
    parser.add_argument("--meters", type=int, default=1_000)
    args = parser.parse_args()
    results: dict = {"meters": args.meters}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _phase("write_csv", lambda: write_inputs(folder, args.meters), results)
        workspace = app.create_workspace(folder / "ws", WorkspaceConfig(organisation="Bench"))
        for kind in ("entities", "facilities", "meters"):
            app.import_file(workspace, kind, paths[kind])
        imported = _phase(
            "import",
            lambda: app.import_file(workspace, "meter_readings", paths["meter_readings"]),
            results,
        )
        results["readings_stored"] = imported.batch.rows
        results["import"]["rows_per_s"] = round(imported.batch.rows / results["import"]["wall_s"])
        checked = _phase("check", lambda: app.park_check(workspace, "2025"), results)
        results["intervals"] = checked["intervals"]
        found: dict[str, int] = {}
        for row in checked["summary"]:
            found[row["check"]] = found.get(row["check"], 0) + row["intervals"]
        results["findings"] = found
        node = _phase(
            "node_hourly", lambda: app.park_node(workspace, "M00000", "h", "2025"), results
        )
        results["unmetered_share"] = round(node["totals"]["unmetered_share"], 4)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
