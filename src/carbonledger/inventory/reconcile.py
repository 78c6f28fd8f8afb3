"""Reconciliation of the hybrid model: what the spend-based estimate said, what the process
models say instead, and what no spend line matches.

Per scope 3 category (and method): the spend-based estimate of all lines, the part of it that
process results superseded, the process result, and the active total that counts. Process
activity for which no spend line was superseded (same method, entity and month) is listed for
review: it may be spend booked elsewhere, or a gap in the coverage map.
"""

from __future__ import annotations

import pyarrow as pa

from carbonledger.inventory.ledger_sql import LedgerSource, ledger_connection

__all__ = ["reconcile", "unmatched_process_activity"]

_SPEND = "spend_eeio"


def reconcile(ledger: LedgerSource) -> pa.Table:
    """The reconciliation table of a ledger's scope 3 [t CO2e].

    Returns
    -------
    pyarrow.Table
        ``scope3_category``, ``spend_estimate``, ``spend_superseded``, ``process``,
        ``active_total`` (spend still active plus process), and the lines superseded.
    """
    con = ledger_connection(ledger)
    try:
        return con.sql(f"""
            SELECT scope3_category,
                   coalesce(sum(co2e) FILTER (WHERE method = '{_SPEND}'), 0) / 1000
                       AS spend_estimate,
                   coalesce(sum(co2e) FILTER (WHERE method = '{_SPEND}'
                                              AND status = 'superseded'), 0) / 1000
                       AS spend_superseded,
                   coalesce(sum(co2e) FILTER (WHERE method <> '{_SPEND}' AND status = 'active'), 0)
                       / 1000 AS process,
                   coalesce(sum(co2e) FILTER (WHERE status = 'active'), 0) / 1000
                       AS active_total,
                   count(DISTINCT record_id) FILTER (WHERE status = 'superseded')
                       AS lines_superseded
            FROM ledger WHERE scope = 3
            GROUP BY scope3_category ORDER BY scope3_category""").to_arrow_table()
    finally:
        con.close()


def unmatched_process_activity(ledger: LedgerSource) -> pa.Table:
    """Scope 3 process results (method, entity, month) that superseded no spend line [t CO2e]."""
    con = ledger_connection(ledger)
    try:
        return con.sql(f"""
            WITH process AS (
                SELECT method, entity_id, period, sum(co2e) / 1000 AS co2e
                FROM ledger WHERE scope = 3 AND method <> '{_SPEND}' AND status = 'active'
                GROUP BY ALL),
            replaced AS (
                SELECT DISTINCT superseded_by AS method, entity_id, period FROM ledger
                WHERE status = 'superseded')
            SELECT p.* FROM process p ANTI JOIN replaced r USING (method, entity_id, period)
            ORDER BY method, entity_id, period""").to_arrow_table()
    finally:
        con.close()
