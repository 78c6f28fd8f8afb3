"""The hybrid model's de-duplication, as a pass of its own.

A method whose spec says ``hybrid: covered`` (the spend-based estimate) writes on each line the
process method the coverage map assigns it to (``covered_by``). After every method has planned
its lines, this pass marks a covered line ``superseded`` by that method where the method has
results for the same entity and month (its *presence*), and ``active`` otherwise; superseded
lines stay in the ledger, leave the totals and appear in the reconciliation table. Because it
runs after all methods, no result depends on the order in which methods are registered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import ibis
import pyarrow as pa

from carbonledger.methods.base import NULL_STRING

__all__ = ["PRESENCE_SCHEMA", "reference_supersede", "supersede"]

#: Where covering process methods have results.
PRESENCE_SCHEMA = pa.schema(
    [("method", pa.string()), ("entity_id", pa.string()), ("period", pa.string())]
)


def supersede(lines: Any, presence: Any) -> Any:
    """Status and ``superseded_by`` of covered lines from the presence table (Ibis); the
    ``covered_by`` column is consumed."""
    seen = presence.select(
        _pr_method=presence.method, _pr_entity=presence.entity_id, _pr_period=presence.period
    ).distinct()
    joined = lines.join(
        seen,
        [
            lines.covered_by == seen._pr_method,
            lines.entity_id == seen._pr_entity,
            lines.period == seen._pr_period,
        ],
        how="left",
    )
    replaced = joined._pr_method.notnull()
    keep = [c for c in lines.columns if c not in ("covered_by", "status", "superseded_by")]
    return joined.select(
        *keep,
        status=ibis.ifelse(replaced, "superseded", "active"),
        superseded_by=ibis.ifelse(replaced, joined.covered_by, NULL_STRING),
    )


def reference_supersede(
    line: Mapping[str, Any], presence: Iterable[tuple[str, str, str]]
) -> dict[str, Any]:
    """:func:`supersede` for one plain-Python line; ``presence`` holds
    ``(method, entity_id, period)`` triples."""
    out = dict(line)
    cover = out.pop("covered_by", None)
    replaced = cover is not None and (cover, out["entity_id"], out["period"]) in set(presence)
    out["status"] = "superseded" if replaced else "active"
    out["superseded_by"] = cover if replaced else None
    return out
