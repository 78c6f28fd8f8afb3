"""Scope 3+ jobs: calculate the programme ledger, and read progress, overlaps, lots and a
participant's footprint from it.

The programme ledger is computed by the embedded engine in one query over the verified
activity batches (:func:`carbonledger.ecosystem.ledger_sql`), with each factor found once per
(methodology, factor, selector, region, year) under the workspace's selection policy, and
stored through the store's one write path (``ecosystem.calculated``). Reads take the latest
calculation and say when the inputs have moved since. Nothing here reads or writes the
emission ledger: the inventory's totals are the same with or without Scope 3+ data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pint
import pyarrow as pa

from carbonledger.ecosystem import (
    FORECAST_METHOD,
    Lot,
    LotBook,
    LotError,
    Methodology,
    Programme,
    base_scale,
    ledger_sql,
    load_methodologies,
    lot_serial,
    portfolio_progress,
    programme_progress,
)
from carbonledger.engine import sql_connection
from carbonledger.errors import CarbonLedgerError, FactorNotFoundError, UnitError
from carbonledger.run import read_reference
from carbonledger.run.steps import workspace_library, workspace_policy
from carbonledger.store import Workspace
from carbonledger.units import parse_unit, ureg

__all__ = [
    "ECOSYSTEM_KINDS",
    "SOLD_LOTS_POLICY",
    "calculate_ecosystem",
    "ecosystem_context",
    "ecosystem_findings",
    "ecosystem_lots",
    "ecosystem_methodologies",
    "ecosystem_overlaps",
    "ecosystem_progress",
    "ecosystem_status",
    "methodology_table",
    "personal_footprint",
    "programmes",
]

#: The kinds a Scope 3+ calculation reads.
ECOSYSTEM_KINDS = ("programmes", "ecosystem_activities", "product_certifications")
#: DuckDB's memory for the programme ledger's query; beyond it the sort and joins spill to disk.
CALCULATION_MEMORY = "2GB"
#: How sold lots count in the platform's progress (recorded on every progress result).
SOLD_LOTS_POLICY = (
    "sold lots are the buyer's: excluded from the platform's retained reductions and progress"
)


def ecosystem_methodologies(path: str | Path | None = None) -> dict[str, Methodology]:
    """The methodologies: packaged, with a user's file added (same layout)."""
    return load_methodologies(path)


def methodology_table(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The methodologies as plain data (what a verifier reads): version, type, unit,
    formulas, parameters, factor keys, eligibility and reference of each."""
    return {
        key: {
            "version": m.version,
            "programme_type": m.programme_type,
            "title": m.title,
            "activity_unit": m.activity_unit,
            "baseline": m.baseline,
            "project": m.project,
            "parameters": {n: str(q) for n, q in m.parameters.items()},
            "factors": {n: f.key or f.keys for n, f in m.factors.items()},
            "eligible": {n: list(b) for n, b in m.eligible.items()},
            "reference": m.reference,
        }
        for key, m in ecosystem_methodologies(path).items()
    }


def programmes(workspace: Workspace) -> dict[str, Programme]:
    """The workspace's programmes by id."""
    found = {}
    for row in read_reference(workspace, "programmes").to_pylist():
        found[row["programme_id"]] = Programme(
            row["programme_id"],
            row["name"],
            row["type"],
            row["goal"],
            row["start_year"],
            row["end_year"],
            row["parent_id"],
            row["owner"],
            row["name_zh"],
            row["points_per_kg"] or 0.0,
        )
    return found


# -- calculate -----------------------------------------------------------------------------


def _inputs(workspace: Workspace, methodologies: dict[str, Methodology]) -> dict[str, Any]:
    """What a calculation reads, named by hashes: its id is their hash."""
    kinds = (*ECOSYSTEM_KINDS, "measures")
    batches = {k: sorted(b.batch_id for b in workspace.batches(k)) for k in kinds}
    labels = sorted(m.label for m in methodologies.values())
    library = workspace_library(workspace)
    config = workspace.config
    return {
        "batches": batches,
        "methodologies": labels,
        "methodologies_sha256": hashlib.sha256(
            json.dumps([repr(methodologies[k]) for k in sorted(methodologies)]).encode()
        ).hexdigest(),
        "ledger_sql_sha256": hashlib.sha256(ledger_sql(methodologies).encode()).hexdigest(),
        "factor_releases": sorted(library.release_ids),
        "gwp_set": config.gwp_set,
        "policy": repr(workspace_policy(config)),
    }


def _calculation_id(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _activities_view(con: Any, workspace: Workspace) -> None:
    paths = workspace.batch_paths("ecosystem_activities")
    if not paths:
        raise CarbonLedgerError("no ecosystem_activities imported")
    files = pa.table({"filename": [str(p) for _, p in paths], "batch_id": [b for b, _ in paths]})
    con.register("batch_files", files)
    con.register("programme_rows", read_reference(workspace, "programmes"))
    con.register("certificates", read_reference(workspace, "product_certifications"))
    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for _, p in paths)
    con.execute(
        f"""CREATE TEMP VIEW activities AS
        SELECT r.* EXCLUDE (region, filename), f.batch_id,
          CAST(year(r.date) AS INTEGER) AS year,
          COALESCE(r.region, p.region, 'WORLD') AS region, p.methodologies AS allowed,
          c.reference_footprint, c.certified_footprint,
          (c.certification_id IS NOT NULL AND r.date BETWEEN c.valid_from AND c.valid_to)
            AS certificate_valid
        FROM read_parquet([{listed}], filename = true) r JOIN batch_files f USING (filename)
        LEFT JOIN programme_rows p USING (programme_id)
        LEFT JOIN certificates c USING (certification_id)"""
    )


def _refuse_unknown_programmes(con: Any, known: Iterable[str]) -> None:
    """Every activity names a programme of the workspace and a methodology it allows."""
    bad = con.sql(
        """SELECT batch_id, source_row, activity_id, programme_id, methodology, allowed
        FROM activities
        WHERE allowed IS NULL
           OR NOT list_contains(string_split(replace(allowed, ' ', ''), ';'), methodology)
        ORDER BY batch_id, source_row LIMIT 5"""
    ).fetchall()
    if not bad:
        return
    lines = []
    for batch, row, activity, programme, methodology, allowed in bad:
        why = (
            f"programme {programme} is not in programmes"
            if programme not in set(known)
            else f"programme {programme} allows {allowed or 'no methodology'}, not {methodology}"
        )
        lines.append(f"ecosystem_activities batch {batch[:12]} row {row} ({activity}): {why}")
    raise CarbonLedgerError("; ".join(lines))


def _unit_scales(con: Any, methodologies: dict[str, Methodology]) -> pa.Table:
    rows = con.sql("SELECT DISTINCT methodology, unit FROM activities").fetchall()
    out: dict[str, list[Any]] = {"methodology": [], "unit": [], "scale": []}
    for methodology, unit in rows:
        m = methodologies.get(methodology)
        scale = None
        if m is not None:
            try:
                one = ureg.Quantity(1, parse_unit(unit)).to(m.activity_unit)
                scale = float(one.magnitude) * base_scale(m.activity_unit)
            except (UnitError, pint.DimensionalityError):
                scale = None
        out["methodology"].append(methodology)
        out["unit"].append(unit)
        out["scale"].append(scale)
    return pa.table(
        out,
        schema=pa.schema(
            [("methodology", pa.string()), ("unit", pa.string()), ("scale", pa.float64())]
        ),
    )


def _fallback(rows: list[dict[str, Any]]) -> str:
    notes = {
        f"{r['factor_region']} {r['factor_year']} ({r['match_level']})"
        for r in rows
        if r["match_level"] != "exact" or r["year_gap"]
    }
    return ", ".join(sorted(notes))


def _factor_values(
    con: Any, workspace: Workspace, methodologies: dict[str, Methodology]
) -> pa.Table:
    """Each factor the activities need, found once per selector, region and year, all in one
    selection under the workspace's policy."""
    from carbonledger.app.factors import estimate_many

    found: list[dict[str, Any]] = []
    requests: list[tuple[str, float, str, str, int]] = []
    asked: list[int] = []
    for m in methodologies.values():
        for name, spec in m.factors.items():
            pick = f"COALESCE({spec.selector}, '')" if spec.selector else "''"
            combos = con.sql(
                f"SELECT DISTINCT {pick}, region, year FROM activities WHERE methodology = $m",
                params={"m": m.id},
            ).fetchall()
            for value, region, year in combos:
                row: dict[str, Any] = dict.fromkeys(_FACTOR_COLUMNS)
                row |= {"methodology": m.id, "factor": name, "selector": value}
                row |= {"region": region, "year": year}
                found.append(row)
                try:
                    key = spec.key_for(value or None)
                except CarbonLedgerError as exc:
                    row["problem"] = str(exc)
                    continue
                if key is None:
                    row |= {"value": 0.0, "fallback": f"{value}: no emissions"}
                    continue
                requests.append((key, 1.0, spec.unit, region, year))
                asked.append(len(found) - 1)
    config = workspace.config
    results = estimate_many(
        requests,
        config.gwp_set,
        workspace_policy(config),
        workspace_library(workspace),
    )
    for index, request, result in zip(asked, requests, results, strict=True):
        row = found[index]
        if isinstance(result, FactorNotFoundError):
            row["problem"] = f"{row['factor']}: {str(result)[:300]}"
            continue
        row["value"] = result.co2e / base_scale(request[2])
        row["factor_ids"] = ";".join(r["factor_id"] for r in result.rows)
        row["releases"] = ";".join(sorted({r["release_id"] for r in result.rows}))
        row["fallback"] = _fallback(result.rows)
    types = [pa.string(), pa.string(), pa.string(), pa.string(), pa.int32(), pa.float64()]
    schema = pa.schema(list(zip(_FACTOR_COLUMNS, types + [pa.string()] * 4, strict=True)))
    return pa.Table.from_pylist(found, schema=schema)


_FACTOR_COLUMNS = (
    "methodology",
    "factor",
    "selector",
    "region",
    "year",
    "value",
    "factor_ids",
    "releases",
    "fallback",
    "problem",
)


def _plan_measures(workspace: Workspace) -> pa.Table:
    measures = read_reference(workspace, "measures")
    return measures.select(["measure_id", "measure_type"])


def calculate_ecosystem(
    workspace: Workspace, methodologies_file: str | Path | None = None
) -> dict[str, Any]:
    """Compute and store the programme ledger of the workspace's activities.

    Returns
    -------
    dict
        The calculation (``calculation_id``, ``ledger_sha256``, ``rows``, its inputs) and
        ``created`` (False when the same inputs were calculated before: nothing is stored
        twice).

    Raises
    ------
    CarbonLedgerError
        When no activity is imported, or an activity names a programme the workspace lacks or
        a methodology its programme does not allow (batch, row and activity named).
    """
    methodologies = ecosystem_methodologies(methodologies_file)
    inputs = _inputs(workspace, methodologies)
    calculation_id = _calculation_id(inputs)
    for known in workspace.programme_calculations():
        if known["calculation_id"] == calculation_id:
            return known | {"created": False}
    con = sql_connection()
    staged = workspace.staging_path()
    con.execute(f"SET memory_limit = '{CALCULATION_MEMORY}'")
    con.execute(f"SET temp_directory = '{staged.parent / 'spill'}'")
    try:
        _activities_view(con, workspace)
        _refuse_unknown_programmes(con, programmes(workspace))
        con.register("unit_scales", _unit_scales(con, methodologies))
        con.register("factor_values", _factor_values(con, workspace, methodologies))
        con.register("plan_measures", _plan_measures(workspace))
        con.execute(
            f"COPY ({ledger_sql(methodologies)}) TO '{staged}' (FORMAT parquet, COMPRESSION zstd)"
        )
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    calculation, created = workspace.store_programme_ledger([staged], calculation_id, inputs)
    return calculation | {"created": created}


# -- read ----------------------------------------------------------------------------------


def _latest(workspace: Workspace) -> dict[str, Any]:
    calculations = workspace.programme_calculations()
    if not calculations:
        raise CarbonLedgerError(
            "no Scope 3+ calculation in this workspace: run `carbonledger ecosystem calculate`"
        )
    return calculations[-1]


def ecosystem_status(workspace: Workspace) -> dict[str, Any]:
    """The latest calculation and whether the inputs moved since (then calculate again)."""
    latest = _latest(workspace)
    current = _inputs(workspace, ecosystem_methodologies())
    return {
        "calculation_id": latest["calculation_id"],
        "rows": latest["rows"],
        "current": _calculation_id(current) == latest["calculation_id"],
    }


def _query(workspace: Workspace, sql: str, **params: Any) -> list[dict[str, Any]]:
    files = [str(p) for p in workspace.programme_ledger_files(_latest(workspace))]
    con = sql_connection()
    try:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(f"CREATE TEMP VIEW ledger AS SELECT * FROM read_parquet([{listed}])")
        rows = con.sql(sql, params=params or None).to_arrow_table().to_pylist()
    finally:
        con.close()
    return rows


def _counted_by_year(workspace: Workspace) -> dict[tuple[str, int], float]:
    rows = _query(
        workspace,
        "SELECT programme_id, year, sum(reduction_kg) / 1000 AS t FROM ledger "
        "WHERE status = 'counted' GROUP BY ALL",
    )
    return {(r["programme_id"], r["year"]): r["t"] for r in rows}


def _lot_rows(workspace: Workspace) -> list[dict[str, Any]]:
    from carbonledger.app.credits import rows_in_history_order

    return rows_in_history_order(workspace, "ecosystem_lots")


def _lot(row: dict[str, Any]) -> Lot:
    return Lot(
        row["lot_id"],
        row["programme_id"],
        row["year"],
        row["quantity"],
        row["scheme"],
        row["verifier"],
        str(row["verified"]),
        row["buyer"],
        None if row["sold"] is None else str(row["sold"]),
    )


def lot_book(workspace: Workspace) -> LotBook:
    """The lots issued and sold, in the order stored, against the counted reductions.

    Raises
    ------
    CarbonLedgerError
        Naming the ``ecosystem_lots`` row whose lot exceeds what is left of its programme's
        counted reductions for the year.
    """
    book = LotBook(_counted_by_year(workspace))
    for row in _lot_rows(workspace):
        try:
            book.issue(_lot(row))
            if row["buyer"]:
                book.sell(
                    row["lot_id"], row["buyer"], None if row["sold"] is None else str(row["sold"])
                )
        except LotError as exc:
            raise CarbonLedgerError(
                f"ecosystem_lots row {row.get('source_row', '?')} ({row['lot_id']}): {exc}"
            ) from exc
    return book


def ecosystem_lots(workspace: Workspace, book: LotBook | None = None) -> dict[str, Any]:
    """Lots with their serials as credit blocks, sold or held, and what is left to issue
    (``book``: the :func:`lot_book` already read, if the caller has it)."""
    book = lot_book(workspace) if book is None else book
    counted = book.counted
    lots = [
        {
            **lot.__dict__,
            "serial": lot_serial(lot, book.first_tonne(lot.lot_id)),
            "status": "sold" if lot.buyer else "held",
        }
        for lot in book.lots
    ]
    left = [
        {
            "programme_id": p,
            "year": y,
            "counted": t,
            "issued": book.issued(p, y),
            "remaining": book.remaining(p, y),
        }
        for (p, y), t in sorted(counted.items())
    ]
    return {"lots": lots, "by_programme_year": left, "policy": SOLD_LOTS_POLICY}


def _participation(workspace: Workspace) -> dict[str, dict[int, dict[str, int]]]:
    rows = _query(
        workspace,
        "SELECT programme_id, year, participant_type, count(*) AS actions, "
        "count(DISTINCT participant_id) AS participants FROM ledger "
        "WHERE status = 'counted' GROUP BY ALL ORDER BY ALL",
    )
    out: dict[str, dict[int, dict[str, int]]] = {}
    for r in rows:
        year = out.setdefault(r["programme_id"], {}).setdefault(r["year"], {"actions": 0})
        year["actions"] += r["actions"]
        year[f"active_{r['participant_type']}s"] = r["participants"]
    return out


def ecosystem_progress(workspace: Workspace, book: LotBook | None = None) -> dict[str, Any]:
    """Each programme's progress toward its goal and each portfolio's, by year, with the
    forecast to the goal year and participation (actions, active participants by type);
    ``book``: the :func:`lot_book` already read, if the caller has it."""
    found = programmes(workspace)
    book = lot_book(workspace) if book is None else book
    counted = book.counted
    participation = _participation(workspace)
    results: dict[str, dict[str, Any]] = {}
    for pid, programme in found.items():
        if programme.type == "portfolio":
            continue
        by_year = {y: t for (p, y), t in counted.items() if p == pid}
        sold = {y: float(book.sold(pid, y)) for y in by_year}
        results[pid] = programme_progress(programme, by_year, sold, participation.get(pid))
    portfolios = [
        portfolio_progress(p, [r for r in results.values() if r["parent_id"] == pid])
        for pid, p in found.items()
        if p.type == "portfolio"
    ]
    return {
        "programmes": list(results.values()),
        "portfolios": portfolios,
        "sold_lots": SOLD_LOTS_POLICY,
        "forecast_method": FORECAST_METHOD,
        "status": ecosystem_status(workspace),
    }


def ecosystem_overlaps(workspace: Workspace, limit: int = 100) -> dict[str, Any]:
    """Rows the overlap guard kept out (another programme's claim on the same source, or an
    inventory measure), counted by status and programme, and the first ``limit`` of them."""
    summary = _query(
        workspace,
        "SELECT status, programme_id, count(*) AS rows, sum(baseline_kg - project_kg) / 1000 "
        "AS withheld FROM ledger WHERE status IN ('overlap', 'inventory_measure') "
        "GROUP BY ALL ORDER BY ALL",
    )
    rows = _query(
        workspace,
        "SELECT activity_id, programme_id, methodology, source_ref, status, reason, batch_id, "
        "source_row FROM ledger WHERE status IN ('overlap', 'inventory_measure') "
        "ORDER BY programme_id, activity_id LIMIT $limit",
        limit=limit,
    )
    return {"summary": summary, "rows": rows}


def ecosystem_findings(workspace: Workspace) -> list[dict[str, Any]]:
    """Rows that earned nothing, by status, methodology and reason."""
    return _query(
        workspace,
        "SELECT status, methodology, reason, count(*) AS rows FROM ledger "
        "WHERE status NOT IN ('counted') GROUP BY ALL ORDER BY rows DESC LIMIT 50",
    )


def personal_footprint(workspace: Workspace, participant_id: str) -> dict[str, Any]:
    """One participant's actions, reductions and points, by programme and year (for an app
    to show).

    Raises
    ------
    NotFoundError
        If the participant has no activity.
    """
    from carbonledger.errors import NotFoundError

    rows = _query(
        workspace,
        "SELECT programme_id, methodology, year, count(*) AS actions, "
        "sum(reduction_kg) AS reduction_kg FROM ledger "
        "WHERE participant_id = $p AND status = 'counted' GROUP BY ALL ORDER BY ALL",
        p=participant_id,
    )
    if not rows:
        raise NotFoundError(f"participant {participant_id!r} has no counted action")
    found = programmes(workspace)
    for r in rows:
        r["points"] = round(r["reduction_kg"] * found[r["programme_id"]].points_per_kg)
    return {
        "participant_id": participant_id,
        "actions": sum(r["actions"] for r in rows),
        "reduction_kg": sum(r["reduction_kg"] for r in rows),
        "points": sum(r["points"] for r in rows),
        "by_programme": rows,
    }


def ecosystem_context(workspace: Workspace) -> dict[str, Any] | None:
    """What the dashboard page and the report section show (None without Scope 3+ data)."""
    if not workspace.programme_calculations():
        return None
    book = lot_book(workspace)  # the ledger's counted sums and the lots, read once for both
    progress = ecosystem_progress(workspace, book)
    return {
        "progress": progress,
        "overlaps": ecosystem_overlaps(workspace, limit=20),
        "lots": ecosystem_lots(workspace, book),
        "findings": ecosystem_findings(workspace),
    }
