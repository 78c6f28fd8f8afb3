"""The evidence pack a verifier needs (ISO 14064-3): one ZIP, everything traceable.

It holds the run manifest, the manifests of the factor releases the run used, the input batch
ids, the ledger itself, the reported numbers, and a lineage table from every reported number
to the ledger rows that sum to it (with each row's boundary weight and contribution), so a
verifier can re-add any total from the rows.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from carbonledger.inventory.ledger_sql import ledger_connection, weighted_source
from carbonledger.report.context import ReportContext

__all__ = ["evidence_pack", "lineage"]


def lineage(context: ReportContext, ledger: Path | pa.Table, shares: pa.Table) -> pa.Table:
    """For every reported number, the ledger rows that sum to it [t CO2e].

    Returns
    -------
    pyarrow.Table
        ``number_id``, the row's keys (batch, record, line, method, gas, stage, scope 2 basis,
        entity), its ``co2e`` [t], boundary ``weight`` and ``contribution`` [t]; the
        contributions of a number add up to it.
    """
    period = context.inventory.period
    con = ledger_connection(ledger)
    try:
        source, weight = weighted_source(con, shares)
        parts = []
        for number_id in context.numbers():
            parts.append(
                f"""SELECT '{number_id}' AS number_id, l.batch_id, l.record_id, l.line, l.method,
                       l.gas, l.stage, l.scope2_basis, l.entity_id, l.co2e / 1000 AS co2e,
                       {weight} AS weight, l.co2e / 1000 * {weight} AS contribution
                FROM {source}
                WHERE l.status = 'active' AND NOT l.biogenic
                  AND (CAST($period AS VARCHAR) IS NULL OR starts_with(l.period, $period))
                  AND ({context.number_filter(number_id)}) AND {weight} > 0"""
            )
        return con.sql(" UNION ALL ".join(parts), params={"period": period}).to_arrow_table()
    finally:
        con.close()


def evidence_pack(
    context: ReportContext,
    ledger: Path,
    shares: pa.Table,
    release_manifests: list[dict],
    path: str | Path,
) -> Path:
    """Write the evidence ZIP to ``path``; returns it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    table = lineage(context, ledger, shares)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        pack.writestr(
            "run_manifest.json", json.dumps(context.run_manifest, indent=2, sort_keys=True)
        )
        pack.writestr(
            "input_batches.json",
            json.dumps(context.run_manifest.get("inputs", {}), indent=2, sort_keys=True),
        )
        for manifest in release_manifests:
            pack.writestr(
                f"factor_releases/{manifest['release_id']}.json",
                json.dumps(manifest, indent=2, sort_keys=True, default=str),
            )
        pack.write(ledger, "ledger.parquet")
        pack.writestr("numbers.json", json.dumps(context.numbers(), indent=2, sort_keys=True))
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        pack.writestr("lineage.parquet", buffer.getvalue())
        text = io.BytesIO()
        pacsv.write_csv(table, text)
        pack.writestr("lineage.csv", text.getvalue())
    return target
