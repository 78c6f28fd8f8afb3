"""The organisational boundary: what share of each entity's emissions the group reports.

The GHG Protocol Corporate Standard (chapter 3, table 1) sets, per financial-accounting
category of a holding, the share each approach takes:

=========================  ============  =================  ===================
holding                    equity share  financial control  operational control
=========================  ============  =================  ===================
subsidiary                 equity share  100 %              100 % if it operates
joint venture (joint FC)   equity share  equity share       100 % if it operates
associate                  equity share  0 %                100 % if it operates
fixed-asset investment     0 %           0 %                0 %
franchise                  equity share  100 % if FC        100 % if it operates
=========================  ============  =================  ===================

A holding's share is taken link by link from the entity up to the group parent and multiplied
through the chain, so an entity held indirectly gets the product of the links (a joint venture
of a wholly controlled subsidiary: its equity share; the same under equity share: both equity
shares multiplied). An entity counts only in the months it belongs to the group (``joined``
up to ``left``). The ledger keeps every entity's gross emissions; consolidation applies
these shares when the inventory is built, never by editing the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from carbonledger.errors import CarbonLedgerError
from carbonledger.options import Consolidation

__all__ = ["consolidation_shares", "link_share"]

_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("share", pa.float64()),
        ("path", pa.string()),
        ("joined", pa.string()),
        ("left", pa.string()),
    ]
)


def _relationship(entity: Mapping[str, Any]) -> str:
    given = entity.get("relationship")
    if given:
        return str(given)
    return "subsidiary" if entity.get("financial_control") else "associate"


def link_share(entity: Mapping[str, Any], approach: Consolidation) -> float:
    """Share of an entity its direct parent reports under an approach [fraction 0-1]."""
    relationship = _relationship(entity)
    equity = float(entity["equity_share"])
    if relationship == "fixed_asset_investment":
        return 0.0
    if approach is Consolidation.EQUITY_SHARE:
        return equity
    if approach is Consolidation.OPERATIONAL_CONTROL:
        return 1.0 if entity.get("operational_control") else 0.0
    if relationship == "joint_venture":
        return equity
    return 1.0 if entity.get("financial_control") else 0.0


def consolidation_shares(
    entities: Sequence[Mapping[str, Any]], approach: Consolidation | str
) -> pa.Table:
    """Each entity's consolidated share, multiplied through the ownership chain.

    Parameters
    ----------
    entities : list of mapping
        Rows of the ``entities`` table.
    approach : Consolidation or str

    Returns
    -------
    pyarrow.Table
        ``entity_id``, ``share`` [fraction 0-1], ``path`` (the chain up to the group parent,
        with each link's share, for the report), and the months the entity ``joined`` and
        ``left`` the group: outside them its share does not apply.

    Raises
    ------
    CarbonLedgerError
        If a parent is unknown or the holdings form a cycle.
    """
    approach = Consolidation(approach)
    by_id = {e["entity_id"]: e for e in entities}
    rows = []
    for entity_id in sorted(by_id):
        share, links, seen = 1.0, [], set()
        current = by_id[entity_id]
        while current.get("parent_id"):
            if current["entity_id"] in seen:
                raise CarbonLedgerError(f"entities: the holdings of {entity_id!r} form a cycle")
            seen.add(current["entity_id"])
            link = link_share(current, approach)
            share *= link
            links.append(f"{current['entity_id']} {link:.4g}")
            parent = by_id.get(current["parent_id"])
            if parent is None:
                raise CarbonLedgerError(
                    f"entities: {current['entity_id']!r} names an unknown parent "
                    f"{current['parent_id']!r}"
                )
            current = parent
        links.append(f"{current['entity_id']} (group parent)")
        rows.append(
            {
                "entity_id": entity_id,
                "share": share,
                "path": " <- ".join(links),
                "joined": by_id[entity_id].get("joined"),
                "left": by_id[entity_id].get("left"),
            }
        )
    return pa.Table.from_pylist(rows, schema=_SCHEMA)
