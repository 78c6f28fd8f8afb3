"""Base year and its recalculation (GHG Protocol Corporate Standard, chapter 5).

The base-year inventory as originally drawn (entities inside the boundary in the base year)
is compared with the cumulative effect of the recorded events: for an acquisition, the
acquired entity's base-year emissions are added as if it had always been part of the group;
for a divestment, the divested entity's are removed; other events carry their effect. When the
cumulative net effect reaches the significance threshold (5 % by default) of the original
base-year total, the base year is recalculated; otherwise it stands and the report says why.
Each recalculation is stored as a new version; nothing is edited.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory.boundary import consolidation_shares
from carbonledger.inventory.ledger_sql import LedgerSource
from carbonledger.inventory.totals import totals
from carbonledger.options import Consolidation

__all__ = ["STRUCTURAL", "base_year_recalculation"]

#: Events whose effect is computed from the entity's base-year data.
STRUCTURAL = {"acquisition": 1.0, "divestment": -1.0}


def _by_scope(
    ledger: LedgerSource, year: str, shares: pa.Table, basis: str = "location"
) -> dict[int, float]:
    return {
        r["scope"]: r["co2e"] for r in totals(ledger, ["scope"], basis, year, shares).to_pylist()
    }


def base_year_recalculation(
    ledger: LedgerSource,
    entities: pa.Table,
    events: pa.Table,
    *,
    base_year: int,
    approach: Consolidation | str,
    threshold: float,
) -> dict[str, Any]:
    """The base year as drawn, the events' effects, and the recalculated base year [t CO2e].

    Parameters
    ----------
    ledger : Path, list of Path or pyarrow.Table
        A run's ledger that holds the base year's data.
    entities, events : pyarrow.Table
        The ``entities`` and ``base_year_events`` tables.
    base_year : int
    approach : Consolidation or str
    threshold : float
        Significance threshold [fraction of the original base-year total].

    Returns
    -------
    dict
        ``original`` (by scope and total, location-based), ``events`` (each with its effect
        by scope), ``cumulative_effect``, ``relative_effect``, ``threshold``, ``recalculated``
        (bool), ``base_year`` (the figures that stand, by scope and total), ``reason``.

    Raises
    ------
    CarbonLedgerError
        For an event whose effect can be neither computed nor read.
    """
    year = str(base_year)
    rows = entities.to_pylist()
    shares = consolidation_shares(rows, approach)
    original = _by_scope(ledger, year, shares)
    original_total = sum(original.values())
    effects = []
    for event in sorted(events.to_pylist(), key=lambda e: (e["period"], e["event_id"])):
        effects.append(_effect(event, ledger, year, rows, approach))
    cumulative = sum(e["effect"] for e in effects)
    relative = cumulative / original_total if original_total else None
    significant = relative is not None and abs(relative) >= threshold
    recalculated = dict(original)
    if significant:
        for e in effects:
            for scope, value in e["by_scope"].items():
                recalculated[scope] = recalculated.get(scope, 0.0) + value
    reason = (
        f"cumulative effect {cumulative:,.1f} t CO2e is {abs(relative or 0):.1%} of the base "
        f"year, {'at or above' if significant else 'below'} the {threshold:.0%} threshold"
    )
    return {
        "base_year_period": year,
        "approach": str(Consolidation(approach)),
        "original": {"by_scope": original, "total": original_total},
        "events": effects,
        "cumulative_effect": cumulative,
        "relative_effect": relative,
        "threshold": threshold,
        "recalculated": significant,
        "base_year": {"by_scope": recalculated, "total": sum(recalculated.values())},
        "reason": reason,
    }


def _effect(
    event: dict[str, Any],
    ledger: LedgerSource,
    year: str,
    entities: list[dict[str, Any]],
    approach: Consolidation | str,
) -> dict[str, Any]:
    sign = STRUCTURAL.get(event["kind"])
    if event["effect"] is not None:
        scope = event["scope"]
        by_scope = {scope: float(event["effect"])} if scope else {0: float(event["effect"])}
    elif sign is not None and event["entity_id"]:
        # The entity's base-year emissions at its share, as if inside the boundary all year.
        unbounded = [{**e, "joined": None, "left": None} for e in entities]
        shares = consolidation_shares(unbounded, approach)
        mine = shares.filter(pa.compute.equal(shares["entity_id"], event["entity_id"]))
        if not mine.num_rows:
            raise CarbonLedgerError(
                f"base-year event {event['event_id']}: unknown entity {event['entity_id']!r}"
            )
        by_scope = {s: sign * v for s, v in _by_scope(ledger, year, mine).items()}
    else:
        raise CarbonLedgerError(
            f"base-year event {event['event_id']} ({event['kind']}): give its effect, or an "
            "entity for an acquisition or divestment"
        )
    return {
        "event_id": event["event_id"],
        "period": event["period"],
        "kind": event["kind"],
        "entity_id": event["entity_id"],
        "description": event["description"],
        "by_scope": by_scope,
        "effect": sum(by_scope.values()),
    }
