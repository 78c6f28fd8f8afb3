"""Calculation benchmark: synthetic activity at 1M / 10M / 100M records, end to end.

    python benchmarks/run.py --rows 1e6 1e7        # sizes to run
    python benchmarks/run.py --rows 1e8 --memory-limit 5GB
    python benchmarks/run.py --rows 1e9 --memory-limit 5GB --only-calculate --scratch /big/disk

For each size it generates activity batches in their stored form (Parquet, schema types) with
realistic cardinalities: 3,000 facilities over 200 regions (US states and eGRID subregions,
Chinese provinces, UK and South-East Asian countries), 1,000 spend categories mapped to NAICS
codes, fuels in several units, 12 months. Then, each in a fresh process so peak memory is its
own:

- ``calculate``: every method's relational plan on the DuckDB engine, factor selection for the
  distinct requests, checks, and the ledger (one row per record and gas) written to Parquet;
- ``yardstick``: one hand-written DuckDB SQL statement doing the same joins, currency and unit
  conversion, GWP weighting and ledger write for the location-based, stationary and spend
  rows, from factors already resolved (no selection, checks, market basis or lineage columns).

It prints rows/s, peak resident memory, the largest size DuckDB's spill files reached and the
ledger's size on disk, and the ratio of the two times. ``--only-calculate`` runs the full
calculation and the analyses alone (for out-of-core sizes, where three calculations would take
hours).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SHARE = {"spend": 0.6, "electricity": 0.3, "stationary_fuel": 0.1}


def _reference_tables(folder: Path) -> None:
    """Facilities, entities, mapping, rates and index as Parquet, in stored form."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from carbonledger.factors import default_library
    from carbonledger.run import default_spend_mapping
    from tests.crosscheck.helpers import typed

    regions = (
        [
            ("US", f"US-{s}", g)
            for s, g in (
                ("NJ", "RFCE"),
                ("CA", "CAMX"),
                ("TX", "ERCT"),
                ("WA", "NWPP"),
                ("NY", "NYUP"),
            )
        ]
        + [("CN", f"CN-{p}", None) for p in ("GD", "ZJ", "JS", "SH", "BJ", "SC", "HE")]
        + [("GB", None, None), ("SG", None, None), ("TH", None, None), ("MY", None, None)]
    )
    facilities = [
        {
            "facility_id": f"F{i:05d}",
            "entity_id": f"E-{regions[i % len(regions)][0]}",
            "name": f"site {i}",
            "facility_type": "warehouse",
            "country": regions[i % len(regions)][0],
            "subdivision": regions[i % len(regions)][1],
            "grid_region": regions[i % len(regions)][2],
            "business_unit": f"bu{i % 9}",
        }
        for i in range(3000)
    ]
    entities = [
        {
            "entity_id": f"E-{c}",
            "name": c,
            "country": c,
            "equity_share": 1.0,
            "financial_control": True,
            "operational_control": True,
            "business_unit": "x",
        }
        for c in ("US", "CN", "GB", "SG", "TH", "MY")
    ]
    factors = default_library().factors
    codes = sorted(
        {
            k.split("/")[2]
            for k in factors.filter(pc.equal(factors["release_id"], "epa-scf-1.3.0"))[
                "activity_key"
            ].to_pylist()
        }
    )[:1000]
    mapping = [
        {
            "match_field": "supplier_category",
            "match_value": f"cat{i:04d}",
            "naics_code": code,
            "scope3_category": 1 + (i % 2),
        }
        for i, code in enumerate(codes)
    ]
    default = default_spend_mapping().to_pylist()
    fx = [
        {"currency": c, "year": 2025, "per_usd": v, "source": "benchmark"}
        for c, v in (("USD", 1.0), ("CNY", 7.19), ("GBP", 0.78), ("SGD", 1.34))
    ]
    index = [
        {"year": y, "index_value": v, "source": "benchmark"}
        for y, v in ((2022, 100.0), (2025, 108.8))
    ]
    tables = {
        "facilities": typed("facilities", facilities),
        "entities": typed("entities", entities),
        "spend_mapping": typed(
            "spend_mapping",
            mapping + [{k: v for k, v in r.items() if k != "source_row"} for r in default],
        ),
        "fx_rates": typed("fx_rates", fx),
        "price_index": typed("price_index", index),
    }
    for name, table in tables.items():
        pq.write_table(table, folder / f"{name}.parquet")


def generate(folder: Path, rows: int) -> None:
    """Activity batches of ``rows`` records in total, written by DuckDB."""
    folder.mkdir(parents=True, exist_ok=True)
    _reference_tables(folder)
    con = duckdb.connect()
    n = {k: int(rows * v) for k, v in SHARE.items()}
    con.execute(f"""
        COPY (SELECT 'E' || i AS record_id, 'F' || lpad(CAST(i % 3000 AS VARCHAR), 5, '0')
                     AS facility_id,
                     '2025-' || lpad(CAST(1 + i % 12 AS VARCHAR), 2, '0') AS period,
                     CAST(1000 + (i * 7919) % 100000 AS DOUBLE) AS quantity,
                     CASE WHEN i % 10 = 0 THEN 'MWh' ELSE 'kWh' END AS unit,
                     CAST(NULL AS DOUBLE) AS bill_amount, CAST(NULL AS VARCHAR) AS currency,
                     'State Grid' AS supplier, 'meter' AS data_source, 'electricity' AS energy_type,
                     'grid' AS supply,
                     CAST(i AS BIGINT) AS source_row
              FROM range({n["electricity"]}) t(i))
        TO '{folder}/electricity.parquet' (FORMAT parquet)""")
    con.execute(f"""
        COPY (SELECT 'S' || i AS record_id,
                     'F' || lpad(CAST((i * 3) % 3000 AS VARCHAR), 5, '0') AS facility_id,
                     '2025-' || lpad(CAST(1 + i % 12 AS VARCHAR), 2, '0') AS period,
                     ['natural_gas', 'diesel', 'lpg'][1 + i % 3] AS fuel,
                     CAST(10 + (i * 31) % 5000 AS DOUBLE) AS quantity,
                     ['m ** 3', 'L', 'kg'][1 + i % 3] AS unit,
                     CAST(NULL AS VARCHAR) AS heating_value_basis,
                     CAST(i AS BIGINT) AS source_row
              FROM range({n["stationary_fuel"]}) t(i))
        TO '{folder}/stationary_fuel.parquet' (FORMAT parquet)""")
    con.execute(f"""
        COPY (SELECT 'G' || i AS record_id, ['E-US', 'E-CN', 'E-GB'][1 + i % 3] AS entity_id,
                     '2025-' || lpad(CAST(1 + i % 12 AS VARCHAR), 2, '0') AS period,
                     CAST(6000 + i % 50 AS VARCHAR) AS gl_account,
                     'account' AS gl_account_name, 'supplier' AS supplier,
                     'cat' || lpad(CAST(i % 1000 AS VARCHAR), 4, '0') AS supplier_category,
                     CAST(NULL AS VARCHAR) AS cost_centre, CAST(NULL AS VARCHAR) AS facility_id,
                     CAST(100 + (i * 104729) % 1000000 AS DOUBLE) / 100 AS amount,
                     ['USD', 'CNY', 'GBP'][1 + i % 3] AS currency,
                     CAST(NULL AS VARCHAR) AS description, CAST(i AS BIGINT) AS source_row
              FROM range({n["spend"]}) t(i))
        TO '{folder}/spend.parquet' (FORMAT parquet)""")
    con.close()


def _inputs(folder: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from carbonledger.run import REFERENCE_KINDS, RunInputs, default_spend_mapping
    from carbonledger.schema import get_schema
    from carbonledger.validate import SOURCE_ROW

    batches = {kind: [(kind, folder / f"{kind}.parquet")] for kind in SHARE}
    references = {}
    for kind in REFERENCE_KINDS:
        path = folder / f"{kind}.parquet"
        if path.exists():
            references[kind] = pq.read_table(path)
        else:
            schema = get_schema(kind).arrow_schema().append(pa.field(SOURCE_ROW, pa.int64()))
            references[kind] = schema.empty_table()
    references.setdefault("spend_mapping", default_spend_mapping())
    return RunInputs(batches, references)


#: The methods whose work the yardstick does by hand.
SAME_WORK = ("electricity_location", "stationary_combustion", "spend_eeio")


def run_calculate(
    folder: Path, memory_limit: str | None, market: bool = True, engine_name: str = "duckdb"
) -> dict[str, Any]:
    """The full calculation, ledger written to Parquet (with ``market=False``, only the
    methods the yardstick does: no market basis, no category 3 upstream of the same rows).

    On ``spark`` (a ``local[2]`` session unless ``CARBONLEDGER_SPARK_MASTER`` says otherwise)
    the CPU time and peak memory include the JVM's (a child of this process); the session's
    start is timed apart (``start_seconds``)."""

    from carbonledger.engine import get_engine
    from carbonledger.factors import SelectionPolicy, default_library
    from carbonledger.methods import FactorContext, registered_methods
    from carbonledger.run import relational_ledger

    context = FactorContext(default_library(), "AR5", SelectionPolicy(proxy_regions=("GB", "US")))
    inputs = _inputs(folder)
    started = time.perf_counter()
    if engine_name == "spark":
        os.environ.setdefault("CARBONLEDGER_SPARK_MASTER", "local[2]")
        engine = get_engine("spark")
    started = time.perf_counter() - started
    start, cpu_start = time.perf_counter(), process_tree_cpu()
    if engine_name == "duckdb":
        engine = get_engine("duckdb", **({"memory_limit": memory_limit} if memory_limit else {}))
    methods = [m for m in registered_methods() if market or m.name in SAME_WORK]
    plan = relational_ledger(engine, methods, inputs, context, "benchmark")
    name = f"ledger_{'full' if market else 'same_work'}_{engine_name}"
    for old in folder.glob(f"{name}.part*.parquet"):
        old.unlink()
    count = iter(range(10**6))
    out = engine.write_parts(plan.parts, lambda: folder / f"{name}.part{next(count):04d}.parquet")
    seconds, cpu = time.perf_counter() - start, process_tree_cpu() - cpu_start
    result = {"seconds": seconds, "cpu_seconds": cpu, **ledger_summary(out)}
    if engine_name == "duckdb":  # resolved factors for the yardstick, from the same selection
        _write_resolved(engine, inputs, context, folder)
    else:
        result |= {"start_seconds": started, "jvm_peak_rss_gib": children_peak_rss() / 2**30}
    engine.close()
    return result


def run_analyse(folder: Path) -> dict[str, Any]:
    """The analyses of the full calculation's ledger (its parts, as a run stores them), each
    timed on its own: the inventory (every breakdown, scope 3 coverage, quality, Monte Carlo
    uncertainty), and alone the uncertainty, the facility hotspots and the quality by scope."""
    import pyarrow.parquet as pq

    from carbonledger.inventory import build_inventory, consolidation_shares
    from carbonledger.inventory.hotspots import pareto
    from carbonledger.inventory.quality import quality_by
    from carbonledger.inventory.uncertainty import uncertainty

    parts = sorted(folder.glob("ledger_full_duckdb.part*.parquet"))
    entities = pq.read_table(folder / "entities.parquet")
    shares = consolidation_shares(entities.to_pylist(), "operational_control")
    jobs = {
        "inventory": lambda: build_inventory(
            parts, entities, run_id="benchmark", approach="operational_control", gwp_set="AR5"
        ).total("location"),
        "uncertainty": lambda: uncertainty(parts, shares)[-1]["co2e"],
        "hotspots": lambda: len(pareto(parts, "facility", shares)),
        "quality": lambda: len(quality_by(parts, "scope", shares)),
    }
    result: dict[str, Any] = {"ledger_rows": ledger_summary(parts)["ledger_rows"]}
    for name, job in jobs.items():
        start, cpu = time.perf_counter(), time.process_time()
        result[f"{name}_result"] = job()
        result[f"{name}_s"] = time.perf_counter() - start
        result[f"{name}_cpu_s"] = time.process_time() - cpu
    return result


def process_tree_cpu() -> float:
    """CPU time [s] of this process and of its live descendants (Spark's JVM)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    for pid in _descendants():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def own_peak_rss_gib() -> float:
    """This process's own peak resident memory [GiB] (``VmHWM``).

    Not ``getrusage``'s ``ru_maxrss``: Linux carries a parent's peak into a child it starts
    (the address space the child had until ``exec``), so a phase started by a driver that had
    generated the inputs reported the driver's peak when that was larger."""
    status = Path("/proc/self/status").read_text()
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    return kib / 2**20


def print_figures(figures: dict[str, Any]) -> None:
    """Print a phase's figures as the last line of its output, with its own peak RSS [GiB]
    (the driver that started the phase reads that line)."""
    print(json.dumps(figures | {"peak_rss_gib": own_peak_rss_gib()}))


def children_peak_rss() -> int:
    """Largest peak resident memory [bytes] of this process's live descendants."""
    peaks = [0]
    for pid in _descendants():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) * 1024 for line in status.splitlines() if "VmHWM" in line]
    return max(peaks)


def _descendants() -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [os.getpid()]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def ledger_summary(paths: Path | list[Path]) -> dict[str, Any]:
    """Rows and total CO2e [t] of a ledger (its files): what a phase produced, to compare."""
    files = [str(p) for p in (paths if isinstance(paths, list) else [paths])]
    rows, co2e = (
        duckdb.connect()
        .execute("SELECT count(*), sum(co2e) / 1000 FROM read_parquet(?)", [files])
        .fetchone()
    )
    return {"ledger_rows": rows, "co2e_t": co2e}


def _write_resolved(engine: Any, inputs: Any, context: Any, folder: Path) -> None:
    """The resolved factors of each method's distinct requests, and a GWP table."""
    import ibis
    import pyarrow as pa
    import pyarrow.parquet as pq

    from carbonledger.methods import method_by_name
    from carbonledger.methods.base import REQUEST_KEYS, Derivation
    from carbonledger.units import gwp

    presence = pa.table({c: pa.array([], pa.string()) for c in ("method", "entity_id", "period")})
    given = {**inputs.references, "process_presence": presence}
    for name in SAME_WORK:
        method = method_by_name(name)
        path = inputs.batches[method.kind][0][1]
        activity = engine.read_parquet([path]).mutate(batch_id=ibis.literal(method.kind))
        distinct = {
            c: engine.to_arrow(activity.select(c).distinct())[c].to_pylist()
            for c in method.distinct_columns
        }
        derived = method.derived_references(Derivation(distinct, context, inputs.references))
        for derived_name, table in derived.items():  # e.g. the fuels' heat contents
            pq.write_table(table, folder / f"{derived_name}.parquet")
        references = {k: engine.table(v) for k, v in {**given, **derived}.items()}
        lines = method.lines(activity, references)
        requests = engine.to_arrow(lines.select(*REQUEST_KEYS).distinct())
        resolved = method.resolve(requests, context, {**inputs.references, **derived})
        pq.write_table(resolved, folder / f"resolved_{method.kind}.parquet")
    gases = ["CO2", "CH4", "N2O"]
    pq.write_table(
        pa.table({"gas": gases, "gwp": [gwp(g, "AR5") for g in gases]}), folder / "gwp.parquet"
    )


def run_yardstick(folder: Path, memory_limit: str | None = None) -> dict[str, Any]:
    """Hand-written SQL: join to resolved factors, unit conversion, GWP, ledger write (under
    the same DuckDB memory limit as the calculation, when one is given)."""
    con = duckdb.connect(config={"memory_limit": memory_limit} if memory_limit else {})
    f = folder
    start, cpu_start = time.perf_counter(), time.process_time()
    con.execute(f"""
        COPY (
          WITH resolved AS (
            SELECT *, coalesce(heating_value_basis, '') AS basis FROM (
              SELECT * FROM '{f}/resolved_electricity.parquet' UNION ALL
              SELECT * FROM '{f}/resolved_stationary_fuel.parquet' UNION ALL
              SELECT * FROM '{f}/resolved_spend.parquet')),
          activity AS (
            SELECT 'electricity' AS batch_id, e.record_id, 'electricity_location' AS method,
                   x.entity_id, e.facility_id, x.business_unit, e.period, 2 AS scope,
                   CAST(NULL AS BIGINT) AS category, 2 AS iso, 'location' AS basis2,
                   e.quantity AS q, e.unit,
                   coalesce('EGRID-' || x.grid_region, x.subdivision, x.country) AS region,
                   'electricity/grid' AS activity_key, '' AS basis, 'measured' AS quality
            FROM '{f}/electricity.parquet' e JOIN '{f}/facilities.parquet' x USING (facility_id)
            UNION ALL
            SELECT 'stationary_fuel', s.record_id, 'stationary_combustion', x.entity_id,
                   s.facility_id, x.business_unit, s.period, 1, NULL, 1, NULL,
                   s.quantity * coalesce(p.mmbtu_per_unit, 1.0),
                   CASE WHEN p.mmbtu_per_unit IS NULL THEN s.unit ELSE 'mmBtu' END,
                   coalesce('EGRID-' || x.grid_region, x.subdivision, x.country),
                   'fuel/' || s.fuel,
                   CASE WHEN p.mmbtu_per_unit IS NULL THEN coalesce(s.heating_value_basis, '')
                        ELSE 'HHV' END,
                   'measured'
            FROM '{f}/stationary_fuel.parquet' s
            JOIN '{f}/facilities.parquet' x USING (facility_id)
            LEFT JOIN '{f}/energy_paths.parquet' p  -- heat contents: fuel mass/volume to energy
                   ON p.p_region = coalesce('EGRID-' || x.grid_region, x.subdivision, x.country)
                  AND p.p_fuel = s.fuel AND p.p_unit = s.unit
            UNION ALL
            SELECT 'spend', g.record_id, 'spend_eeio', g.entity_id, g.facility_id,
                   n.business_unit, g.period, 3, m.scope3_category, 4, NULL,
                   g.amount / r.per_usd, 'USD', n.country, 'eeio/naics/' || m.naics_code, '',
                   'spend_based'
            FROM '{f}/spend.parquet' g
            JOIN '{f}/entities.parquet' n USING (entity_id)
            JOIN '{f}/spend_mapping.parquet' m ON m.match_value = g.supplier_category
            JOIN '{f}/fx_rates.parquet' r ON r.currency = g.currency)
          SELECT 'yardstick' AS run_id, a.batch_id, a.record_id, 0 AS line, a.method,
                 a.entity_id, a.facility_id, a.business_unit, a.period, a.scope,
                 a.category AS scope3_category, a.iso AS iso_category,
                 a.basis2 AS scope2_basis, r.gas, a.q * r.kg_per_unit AS mass,
                 a.q * r.kg_per_unit * coalesce(w.gwp, 1.0) AS co2e, r.gwp_set, r.biogenic,
                 a.activity_key, a.q AS activity_quantity, a.unit AS activity_unit,
                 r.factor_id, r.factor_release, r.match_level, r.year_gap, r.stage,
                 a.quality AS data_quality
          FROM activity a
          JOIN resolved r ON r.activity_key = a.activity_key AND r.region = a.region
                         AND r.unit = a.unit AND r.basis = a.basis
          LEFT JOIN '{f}/gwp.parquet' w ON w.gas = r.gas
          ORDER BY a.batch_id, a.record_id, a.method, r.gas
        ) TO '{f}/yardstick.parquet' (FORMAT parquet)""")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    con.close()
    return {"seconds": seconds, "cpu_seconds": cpu, **ledger_summary(f / "yardstick.parquet")}


def run_phase(phase: str, folder: Path, memory_limit: str | None) -> dict[str, Any]:
    """Run one phase in this process: what its name says (``calculate``: every method;
    ``calculate-location``: only :data:`SAME_WORK`, the yardstick's methods; ``yardstick``)."""
    if phase == "calculate":
        return run_calculate(folder, memory_limit)
    if phase == "calculate-location":
        return run_calculate(folder, memory_limit, market=False)
    if phase == "yardstick":
        return run_yardstick(folder, memory_limit)
    if phase == "analyse":
        return run_analyse(folder)
    if phase == "calculate-spark":
        return run_calculate(folder, memory_limit, engine_name="spark")
    raise ValueError(f"unknown phase {phase!r}")


def _child(phase: str, folder: Path, memory_limit: str | None) -> dict[str, Any]:
    """Run ``phase`` in a fresh process; its figures with ``spill_peak_gib``, the largest size
    [GiB] its temporary files (DuckDB's spill among them) reached, sampled every second."""
    command = [sys.executable, __file__, "--phase", phase, "--folder", str(folder)]
    if memory_limit:
        command += ["--memory-limit", memory_limit]
    scratch = folder / f"tmp-{phase}"
    scratch.mkdir(exist_ok=True)
    env = os.environ | {"TMPDIR": str(scratch)}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    ) as child:
        peak = [0]
        sampler = threading.Thread(target=_sample_size, args=(scratch, child, peak), daemon=True)
        sampler.start()
        stdout, stderr = child.communicate()
        sampler.join()
    if child.returncode:
        raise RuntimeError(f"{phase} failed:\n{stderr[-3000:]}")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["spill_peak_gib"] = peak[0] / 2**30
    return result


def _sample_size(folder: Path, child: subprocess.Popen[str], peak: list[int]) -> None:
    while child.poll() is None:
        peak[0] = max(peak[0], folder_bytes(folder))
        time.sleep(1.0)


def folder_bytes(folder: Path) -> int:
    """Bytes [B] of the files under ``folder`` (0 for files removed while it is read)."""
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:
            continue
    return total


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="*", type=float, default=[1e6, 1e7])
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument(
        "--phase",
        choices=["calculate", "calculate-location", "yardstick", "calculate-spark", "analyse"],
    )
    parser.add_argument("--spark", action="store_true", help="also calculate on Spark local[2]")
    parser.add_argument("--folder", type=Path)
    parser.add_argument(
        "--only-calculate",
        action="store_true",
        help="the full calculation and the analyses, without the same-work side and yardstick",
    )
    parser.add_argument("--scratch", type=Path, help="folder for the inputs, ledger and spill")
    args = parser.parse_args()
    if args.phase:
        print_figures(run_phase(args.phase, args.folder, args.memory_limit))
        return
    sys.path.insert(0, str(ROOT))
    for rows in (int(r) for r in args.rows):
        with tempfile.TemporaryDirectory(prefix="carbonledger-bench-", dir=args.scratch) as tmp:
            folder = Path(tmp)
            start = time.perf_counter()
            generate(folder, rows)
            generated = time.perf_counter() - start
            calc = _child("calculate", folder, args.memory_limit)
            figures = calculation_figures(rows, generated, calc, folder)
            if not args.only_calculate:
                same = _child("calculate-location", folder, args.memory_limit)
                yard = _child("yardstick", folder, args.memory_limit)
                figures |= comparison(same, yard)
                figures["ratio_full_wall"] = round(calc["seconds"] / yard["seconds"], 2)
            analysed = _child("analyse", folder, None)
            figures |= {k: round(v, 2) for k, v in analysed.items() if k.endswith("_s")}
            figures["analyse_peak_rss_gib"] = round(analysed["peak_rss_gib"], 2)
            if args.spark:
                figures |= spark_figures(calc, _child("calculate-spark", folder, None))
            print(json.dumps(figures), flush=True)


def calculation_figures(
    rows: int, generated: float, calc: dict[str, Any], folder: Path
) -> dict[str, Any]:
    """The full calculation's figures at one size: time, memory, spill and disk."""
    inputs = sum((folder / f"{kind}.parquet").stat().st_size for kind in SHARE)
    ledger = sum(p.stat().st_size for p in folder.glob("ledger_full_duckdb.part*.parquet"))
    return {
        "records": rows,
        "generate_s": round(generated, 1),
        "inputs_gib": round(inputs / 2**30, 2),
        "calculate_s": round(calc["seconds"], 2),
        "calculate_cpu_s": round(calc["cpu_seconds"], 2),
        "calculate_rows_per_s": round(rows / calc["seconds"]),
        "ledger_rows": calc["ledger_rows"],
        "ledger_gib": round(ledger / 2**30, 2),
        "calculate_peak_rss_gib": round(calc["peak_rss_gib"], 2),
        "calculate_spill_peak_gib": round(calc["spill_peak_gib"], 2),
    }


def comparison(same: dict[str, Any], yard: dict[str, Any]) -> dict[str, Any]:
    """The same-work calculation beside the yardstick; ``same_work_agrees`` says whether both
    wrote the same rows and total (else their ratio compares different work)."""
    agrees = same["ledger_rows"] == yard["ledger_rows"] and abs(
        same["co2e_t"] - yard["co2e_t"]
    ) <= 1e-9 * abs(yard["co2e_t"])
    return {
        "calculate_same_work_s": round(same["seconds"], 2),
        "calculate_same_work_cpu_s": round(same["cpu_seconds"], 2),
        "calculate_same_work_peak_rss_gib": round(same["peak_rss_gib"], 2),
        "yardstick_s": round(yard["seconds"], 2),
        "yardstick_cpu_s": round(yard["cpu_seconds"], 2),
        "yardstick_peak_rss_gib": round(yard["peak_rss_gib"], 2),
        "same_work_rows": [same["ledger_rows"], yard["ledger_rows"]],
        "same_work_t_co2e": [round(same["co2e_t"], 3), round(yard["co2e_t"], 3)],
        "same_work_agrees": agrees,
        "ratio_same_work_wall": round(same["seconds"] / yard["seconds"], 2),
        "ratio_same_work_cpu": round(same["cpu_seconds"] / yard["cpu_seconds"], 2),
    }


def spark_figures(calc: dict[str, Any], spark: dict[str, Any]) -> dict[str, Any]:
    """The Spark calculation's figures beside DuckDB's, and whether both wrote the same."""
    agrees = spark["ledger_rows"] == calc["ledger_rows"] and abs(
        spark["co2e_t"] - calc["co2e_t"]
    ) <= 1e-9 * abs(calc["co2e_t"])
    return {
        "spark_start_s": round(spark["start_seconds"], 2),
        "spark_calculate_s": round(spark["seconds"], 2),
        "spark_calculate_cpu_s": round(spark["cpu_seconds"], 2),
        "spark_driver_peak_rss_gib": round(spark["peak_rss_gib"], 2),
        "spark_jvm_peak_rss_gib": round(spark["jvm_peak_rss_gib"], 2),
        "spark_agrees_with_duckdb": agrees,
        "ratio_spark_duckdb_wall": round(spark["seconds"] / calc["seconds"], 2),
    }


if __name__ == "__main__":
    main()
