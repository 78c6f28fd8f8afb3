"""The evidence pack a verifier needs (ISO 14064-3): one ZIP, everything traceable.

It holds the run manifest, the manifests of the factor releases the run used, the input batch
ids (content hashes), the ledger itself, the reported numbers, and a lineage table from every
reported number to the ledger rows that sum to it (with each row's boundary weight and
contribution), so a verifier can re-add any total from the rows. ``README.txt`` in the pack
says what each file is and how to re-add a number.

The lineage is written by DuckDB straight to files (Parquet, and CSV for spreadsheets) and the
ZIP is assembled beside its target and renamed into place, so memory stays bounded however
large the ledger, and a failed run leaves no half-written pack.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.inventory.ledger_sql import LedgerSource, ledger_connection, weighted_source
from carbonledger.report.context import ReportContext
from carbonledger.report.escape import sql_csv_safe

__all__ = ["evidence_pack", "lineage"]

_README = """\
carbonledger evidence pack (ISO 14064-3)
Run {run_id}, period {period}, organisation {organisation}.

run_manifest.json      the run: input batches, factor releases (id@content hash), GWP set,
                       options, software versions
input_batches.json     each activity kind's input batches by SHA-256 of their content
factor_releases/       the manifest of every factor release the run used (publisher, source
                       files with their SHA-256, licence)
ledger.parquet         every ledger row of the run: record, factor id and release, GWP set,
                       method, gas, CO2e [kg]
numbers.json           the reported numbers by id [t CO2e]
lineage.parquet        for every reported number, the ledger rows that sum to it, with the
lineage.csv            row's boundary weight and contribution [t CO2e] (CSV: the same rows)

Re-add a number, e.g. with DuckDB:
  SELECT number_id, sum(contribution) FROM 'lineage.parquet' GROUP BY number_id;
and compare with numbers.json. Join lineage to ledger.parquet on batch_id, record_id, line,
method, gas and stage for each row's factor.
"""


def lineage(context: ReportContext, ledger: LedgerSource, shares: pa.Table) -> pa.Table:
    """For every reported number, the ledger rows that sum to it [t CO2e].

    Returns
    -------
    pyarrow.Table
        ``number_id``, the row's keys (batch, record, line, method, gas, stage, scope 2 basis,
        entity), its ``co2e`` [t], boundary ``weight`` and ``contribution`` [t]; the
        contributions of a number add up to it.
    """
    con = ledger_connection(ledger)
    try:
        return con.sql(_lineage_sql(context, con, shares)).to_arrow_table()
    finally:
        con.close()


def _csv_safe_query(con: Any, query: str) -> str:
    """``query`` with every text column made inert for spreadsheets (see
    :mod:`carbonledger.report.escape`)."""
    relation = con.sql(query)
    types = zip(relation.columns, relation.types, strict=True)
    text = [c for c, t in types if str(t) == "VARCHAR"]
    if not text:
        return query
    return f"SELECT * REPLACE ({', '.join(sql_csv_safe(c) for c in text)}) FROM ({query})"


def evidence_pack(
    context: ReportContext,
    ledger: LedgerSource,
    shares: pa.Table,
    release_manifests: list[dict[str, Any]],
    path: str | Path,
    audit: dict[str, str] | None = None,
) -> Path:
    """Write the evidence ZIP to ``path`` (atomically); returns it. ``audit`` adds files under
    ``audit/`` (the signed checkpoint, the verifier key and the inclusion proofs of the run
    and its input batches, so a verifier checks the pack without the workspace)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    inv = context.inventory
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".evidence-") as folder:
        work = Path(folder)
        con = ledger_connection(ledger)
        try:
            query = _lineage_sql(context, con, shares)
            parquet, csv = (
                _quoted(str(work / "lineage.parquet")),
                _quoted(str(work / "lineage.csv")),
            )
            con.execute(f"COPY ({query}) TO {parquet} (FORMAT parquet)")
            con.execute(f"COPY ({_csv_safe_query(con, query)}) TO {csv} (HEADER)")
        finally:
            con.close()
        partial = work / target.name
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as pack:
            readme = _README.format(
                run_id=inv.run_id, period=inv.period or "all", organisation=context.organisation
            )
            pack.writestr("README.txt", readme)
            pack.writestr("run_manifest.json", _json(context.run_manifest))
            pack.writestr("input_batches.json", _json(context.run_manifest.get("inputs", {})))
            for manifest in release_manifests:
                pack.writestr(f"factor_releases/{manifest['release_id']}.json", _json(manifest))
            pack.write(_one_file(ledger, work / "ledger.parquet"), "ledger.parquet")
            pack.writestr("numbers.json", _json(context.numbers()))
            for name in ("lineage.parquet", "lineage.csv"):
                pack.write(work / name, name)
            for name, text in (audit or {}).items():
                pack.writestr(f"audit/{name}", text)
        partial.replace(target)
    return target


def _one_file(ledger: LedgerSource, target: Path) -> Path:
    """The ledger as one Parquet file (its parts in order), for readers outside carbonledger."""
    con = ledger_connection(ledger)
    try:
        target_sql = _quoted(str(target))
        con.execute(f"COPY (FROM ledger) TO {target_sql} (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()
    return target


def _lineage_sql(context: ReportContext, con: Any, shares: pa.Table) -> str:
    """One query over the ledger: each reported number's rows (registers the shares on ``con``)."""
    source, weight = weighted_source(con, shares)
    period = context.inventory.period
    in_period = f"starts_with(l.period, {_quoted(period)})" if period else "TRUE"
    parts = [
        f"""SELECT {_quoted(number_id)} AS number_id, l.batch_id, l.record_id, l.line, l.method,
               l.gas, l.stage, l.scope2_basis, l.entity_id, l.co2e / 1000 AS co2e,
               {weight} AS weight, l.co2e / 1000 * {weight} AS contribution
        FROM {source}
        WHERE l.status = 'active' AND NOT l.biogenic AND {in_period}
          AND ({context.number_filter(number_id)}) AND {weight} > 0"""
        for number_id in context.numbers()
    ]
    return " UNION ALL ".join(parts)


def _quoted(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, default=str, ensure_ascii=False)
