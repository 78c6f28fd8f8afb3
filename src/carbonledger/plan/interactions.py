"""Measures acting on the same source, applied in sequence on what is left.

The inventory's emissions are held as **cells** (scope, scope 3 category, method, facility). A
change acts on the cells its source and the measure's facility select:

- ``share`` (an efficiency: less of the activity in proportion): it saves the fraction
  ``f = standalone saving / the cells' baseline`` of what the measures before it left;
- ``amount`` (a fixed quantity, such as PV yield or green power bought): it saves its
  standalone amount, at most what is left;
- a change that adds emissions (electric vans' charging) adds them to its cells.

Savings are taken from the selected cells in proportion to what each still holds, so no cell
falls below zero and measures on one source never save more than it emits (plus what other
measures added to it). Changes outside the inventory and removals do not touch the cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from carbonledger.plan.measures import ChangeResult, MeasureResult

__all__ = ["Applied", "Cell", "apply_in_sequence", "cell_matches"]

#: (scope, scope 3 category or None, method, facility id or None)
Cell = tuple[int, int | None, str, str | None]


def cell_matches(cell: Cell, change: ChangeResult, facility: str | None) -> bool:
    """Whether a change of a measure at ``facility`` (None: the group) acts on ``cell``."""
    source = change.source
    if source is None or cell[0] != source.scope:
        return False
    if source.scope3_category is not None and cell[1] != source.scope3_category:
        return False
    if source.methods and cell[2] not in source.methods:
        return False
    return facility is None or cell[3] == facility


@dataclass
class Applied:
    """The effect of measures after their interactions, on one scope 2 basis.

    Attributes
    ----------
    savings : dict of str to float
        Effective inventory abatement by measure id [t CO2e a year] (net of what it adds).
    by_source : dict of (str, str) to float
        Effective abatement by measure id and source label: the measure-to-source matrix.
    remaining : dict of Cell to float
        The cells after all measures [t CO2e a year].
    unmatched : list of dict
        Changes that found no emissions to act on (measure, source, facility).
    """

    savings: dict[str, float] = field(default_factory=dict)
    by_source: dict[tuple[str, str], float] = field(default_factory=dict)
    remaining: dict[Cell, float] = field(default_factory=dict)
    unmatched: list[dict[str, Any]] = field(default_factory=list)


def apply_in_sequence(
    results: Sequence[MeasureResult],
    cells: Mapping[Cell, float],
    basis: str,
    scale: Mapping[str, float] | None = None,
    growth: Mapping[int, float] | None = None,
    reference: Mapping[Cell, float] | None = None,
) -> Applied:
    """Apply measures in the given order to the inventory's cells.

    Parameters
    ----------
    results : sequence of MeasureResult
        Standalone results, in the order they apply (the MACC's: cheapest first).
    cells : dict of Cell to float
        Emissions by cell [t CO2e a year].
    basis : {"location", "market"}
        Scope 2 basis of ``cells``; changes that do not act on it are skipped.
    scale : dict of str to float, optional
        Share of each measure's full effect in force (ramp-up), by measure id; default 1.
    growth : dict of int to float, optional
        Growth of each scope's emissions since the baseline the standalone results were
        computed on; proportional (``share``) savings grow with it.
    reference : dict of Cell to float, optional
        The cells on the basis the standalone results were computed on (location-based: the
        factor library's grid factors), unscaled; a ``share`` change's fraction is taken
        against them, so it is a fraction of the activity whatever the basis of ``cells``.
        Default: ``cells`` without growth.
    """
    left = {cell: max(0.0, value) for cell, value in cells.items()}
    grown = growth or {}
    baseline = (
        {c: max(0.0, v) for c, v in reference.items()}
        if reference is not None
        else {c: v / grown.get(c[0], 1.0) for c, v in left.items()}
    )
    applied = Applied(remaining=left)
    for result in results:
        measure = result.measure
        factor = (scale or {}).get(measure.measure_id, 1.0)
        total = 0.0
        for change in result.changes:
            if change.boundary != "inventory" or basis not in change.bases or not factor:
                continue
            assert change.source is not None
            label = change.source.label()
            chosen = [c for c in left if cell_matches(c, change, measure.facility_id)]
            effect = _act(change, chosen, left, baseline, factor)
            if effect is None:
                applied.unmatched.append(
                    {
                        "measure_id": measure.measure_id,
                        "source": label,
                        "facility_id": measure.facility_id,
                    }
                )
                continue
            total += effect
            key = (measure.measure_id, label)
            applied.by_source[key] = applied.by_source.get(key, 0.0) + effect
        applied.savings[measure.measure_id] = applied.savings.get(measure.measure_id, 0.0) + total
    return applied


def _act(
    change: ChangeResult,
    chosen: Iterable[Cell],
    left: dict[Cell, float],
    baseline: Mapping[Cell, float],
    factor: float,
) -> float | None:
    """Apply one change; its effective abatement, or None if it found nothing to act on."""
    chosen = list(chosen)
    assert change.source is not None
    if change.co2e > 0:  # adds emissions to its cells (or a new one)
        added = change.co2e * factor
        held = sum(left[c] for c in chosen)
        if not chosen:
            cell: Cell = (
                change.source.scope,
                change.source.scope3_category,
                change.source.methods[0] if change.source.methods else "added",
                None,
            )
            left[cell] = left.get(cell, 0.0) + added
            return -added
        for c in chosen:
            left[c] += added * (left[c] / held if held else 1 / len(chosen))
        return -added
    held = sum(left[c] for c in chosen)
    unscaled = sum(baseline.get(c, 0.0) for c in chosen)
    if not chosen or unscaled <= 0:
        return None
    standalone = change.abatement * factor
    if change.acts_as == "share":
        saving = min(1.0, standalone / unscaled) * held
    else:
        saving = min(standalone, held)
    for c in chosen:
        left[c] -= saving * (left[c] / held) if held else 0.0
    return saving
