"""Allocation: footprints of shipments, orders, customers and product lines.

A pool's emissions (one facility, business unit or entity in one month, optionally only some
scopes or methods, consolidated) are split among its consumers in proportion to their
quantities of the allocation key (``allocation_keys``), so the parts always add up to the
pool. A consumer's footprint is the sum of its shares of every pool, plus, for orders and
shipments, the well-to-wheel emissions of their transport legs, which belong to them
directly. Examples: a fulfilment centre's electricity per unit handled, its packaging per
package, a data centre's emissions per vCPU-hour of each cloud customer (as the AWS Customer
Carbon Footprint Tool shares a service's emissions by usage).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.inventory.ledger_sql import LedgerSource, ledger_connection, weighted_source
from carbonledger.inventory.transport import tce_footprints

__all__ = ["allocate", "footprint"]

_POOL = ("period", "pool_type", "pool_id", "scopes", "methods", "key")


def allocate(
    ledger: LedgerSource,
    keys: pa.Table,
    shares: pa.Table | None = None,
    basis: str = "location",
) -> pa.Table:
    """Each consumer's share of each pool [t CO2e].

    Returns
    -------
    pyarrow.Table
        The key rows with ``pool_co2e`` (the pool's consolidated total), ``pool_quantity`` and
        ``co2e`` (the consumer's share). Pools without emissions allocate zero.
    """
    con = ledger_connection(ledger)
    try:
        source, weight = weighted_source(con, shares)
        con.register("keys", keys)
        con.execute(f"CREATE VIEW weighted AS SELECT l.*, {weight} AS w FROM {source}")
        pool = ", ".join(_POOL)
        return con.sql(
            f"""
            WITH pools AS (SELECT DISTINCT {pool} FROM keys),
            emissions AS (
                SELECT p.period, p.pool_type, p.pool_id, p.scopes, p.methods, p.key,
                       coalesce(sum(l.co2e * l.w), 0) / 1000 AS pool_co2e
                FROM pools p LEFT JOIN weighted l
                  ON l.period = p.period
                 AND CASE p.pool_type WHEN 'facility' THEN l.facility_id
                                      WHEN 'business_unit' THEN l.business_unit
                                      ELSE l.entity_id END = p.pool_id
                 AND (p.scopes IS NULL
                      OR list_contains(string_split(p.scopes, ','), CAST(l.scope AS VARCHAR)))
                 AND (p.methods IS NULL OR list_contains(string_split(p.methods, ','), l.method))
                 AND l.status = 'active' AND NOT l.biogenic
                 AND (l.scope2_basis IS NULL OR l.scope2_basis = ?)
                GROUP BY ALL),
            quantities AS (
                SELECT *, sum(quantity) OVER (PARTITION BY {pool}) AS pool_quantity FROM keys)
            SELECT q.period, q.pool_type, q.pool_id, q.scopes, q.methods, q.key,
                   q.consumer_type, q.consumer_id, q.quantity, q.pool_quantity, e.pool_co2e,
                   CASE WHEN q.pool_quantity > 0
                        THEN e.pool_co2e * q.quantity / q.pool_quantity ELSE 0 END AS co2e
            FROM quantities q
            JOIN emissions e ON e.period = q.period AND e.pool_type = q.pool_type
             AND e.pool_id = q.pool_id AND e.key = q.key
             AND e.scopes IS NOT DISTINCT FROM q.scopes AND e.methods IS NOT DISTINCT FROM q.methods
            ORDER BY q.consumer_type, q.consumer_id, q.period, q.pool_id, q.key
            """,
            params=[basis],
        ).to_arrow_table()
    finally:
        con.close()


def _label(share: dict[str, Any]) -> str:
    limits = share["methods"] or (f"scopes {share['scopes']}" if share["scopes"] else "")
    pool = f"{share['pool_type']} {share['pool_id']}" + (f" ({limits})" if limits else "")
    return f"{share['key']} share of {pool}, {share['period']}"


def footprint(
    ledger: LedgerSource,
    keys: pa.Table,
    consumer_type: str,
    consumer_id: str,
    legs: Sequence[Path] = (),
    shares: pa.Table | None = None,
    basis: str = "location",
) -> dict[str, Any]:
    """One consumer's footprint: its pool shares and, for orders and shipments, its transport.

    Returns
    -------
    dict
        ``components`` (one per pool share or transport leg) and ``co2e`` [t CO2e].
    """
    allocated = allocate(ledger, keys, shares, basis).to_pylist()
    components = [
        {
            "component": f"{r['key']} share of {r['pool_type']} {r['pool_id']}"
            + (
                f" ({r['methods'] or 'scopes ' + r['scopes']})"
                if r["methods"] or r["scopes"]
                else ""
            )
            + f", {r['period']}",
            "quantity": r["quantity"],
            "co2e": r["co2e"],
        }
        for r in allocated
        if r["consumer_type"] == consumer_type and r["consumer_id"] == consumer_id
    ]
    if consumer_type in ("order", "shipment") and legs:
        field = "order_id" if consumer_type == "order" else "shipment_id"
        for tce in tce_footprints(ledger, legs).to_pylist():
            mine = tce["orderId"] if field == "order_id" else tce["shipmentId"]
            if mine == consumer_id:
                components.append(
                    {
                        "component": f"transport {tce['mode']} leg {tce['tceId']} (WTW)",
                        "quantity": tce["transportActivity"],
                        "co2e": tce["co2eWTW"] / 1000,
                    }
                )
    return {
        "consumer_type": consumer_type,
        "consumer_id": consumer_id,
        "unit": "t CO2e",
        "components": components,
        "co2e": sum(c["co2e"] for c in components),
    }
