"""The marginal abatement cost curve: measures ordered by levelised cost, each bar as wide as
its yearly abatement after interactions.

Order: by the standalone levelised cost (cheapest first; measures that abate nothing last);
the measures are then applied in that order to the inventory's cells
(:func:`~carbonledger.plan.interactions.apply_in_sequence`), each bar's width and cost are
recomputed on its effective abatement, and the bars are drawn sorted by that cost. Only
inventory reductions are bars: avoided emissions outside the inventory and removals are listed
apart, and credits never appear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from carbonledger.plan.costs import MeasureCosts, measure_costs
from carbonledger.plan.interactions import Applied, Cell, apply_in_sequence
from carbonledger.plan.measures import MeasureResult

__all__ = ["Macc", "build_macc", "macc_order"]


def _costs(result: MeasureResult, abatement: float) -> MeasureCosts:
    m = result.measure
    return measure_costs(
        m.capex,
        m.opex_change,
        result.energy_cost_change,
        m.lifetime,
        m.discount_rate,
        abatement,
        m.currency,
    )


def macc_order(results: Sequence[MeasureResult]) -> list[MeasureResult]:
    """Measures by standalone levelised cost, cheapest first; ties and non-abating measures
    keep their given order."""

    def key(item: tuple[int, MeasureResult]) -> tuple[int, float, int]:
        index, result = item
        cost = _costs(result, result.abatement).levelised_cost
        return (cost is None, cost if cost is not None else 0.0, index)

    return [r for _, r in sorted(enumerate(results), key=key)]


@dataclass
class Macc:
    """A MACC.

    Attributes
    ----------
    basis : str
        Scope 2 basis of the cells the measures acted on.
    currency : str
    rows : list of dict
        Bars by levelised cost: measure id, name, type, standalone and effective abatement
        [t CO2e a year], start (cumulative abatement before it), levelised cost [currency per
        t CO2e], net present cost, annualised cost, payback, capex, cost note.
    outside : list of dict
        Avoided emissions outside the inventory, by measure [t CO2e a year].
    removals : list of dict
        Removals by measure [t CO2 a year].
    matrix : list of dict
        Measure-to-source matrix: measure id, source, effective abatement.
    unmatched : list of dict
        Changes that found no inventory emissions to act on.
    """

    basis: str
    currency: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    outside: list[dict[str, Any]] = field(default_factory=list)
    removals: list[dict[str, Any]] = field(default_factory=list)
    matrix: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_abatement(self) -> float:
        """[t CO2e a year]"""
        return sum(r["abatement"] for r in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return {
            "basis": self.basis,
            "currency": self.currency,
            "total_abatement": self.total_abatement,
            "rows": self.rows,
            "outside": self.outside,
            "removals": self.removals,
            "matrix": self.matrix,
            "unmatched": self.unmatched,
        }


def build_macc(
    results: Sequence[MeasureResult],
    cells: Mapping[Cell, float],
    basis: str,
    currency: str,
    reference: Mapping[Cell, float] | None = None,
) -> tuple[Macc, list[MeasureResult]]:
    """The MACC of ``results`` on the inventory's ``cells``, and the measures in its order.

    ``reference``: the location-based cells the standalone results were computed on (see
    :func:`~carbonledger.plan.interactions.apply_in_sequence`). Measures that only remove or
    only avoid emissions outside the inventory are not bars.

    Raises
    ------
    ValueError
        If the measures' costs are in another currency than ``currency``.
    """
    others = {r.measure.currency for r in results} - {currency}
    if others:
        raise ValueError(
            f"measures' costs are in {sorted(others)}, the plan's currency is {currency}: "
            "give every measure's costs in one currency"
        )
    ordered = macc_order(results)
    applied: Applied = apply_in_sequence(ordered, cells, basis, reference=reference)
    macc = Macc(basis, currency, unmatched=applied.unmatched)
    for result in ordered:
        m = result.measure
        for change in result.changes:
            if change.boundary == "outside":
                macc.outside.append({"measure_id": m.measure_id, "avoided": change.abatement})
            elif change.boundary == "removal":
                macc.removals.append({"measure_id": m.measure_id, "removed": change.abatement})
        if all(c.boundary != "inventory" for c in result.changes):
            continue
        effective = applied.savings.get(m.measure_id, 0.0)
        costs = _costs(result, effective)
        macc.rows.append(
            {
                "measure_id": m.measure_id,
                "name": m.name,
                "measure_type": m.measure_type,
                "standalone": result.abatement,
                "abatement": effective,
                **costs.to_dict(),
                "cost_note": m.cost_note,
            }
        )
    macc.rows.sort(key=lambda r: (r["levelised_cost"] is None, r["levelised_cost"] or 0.0))
    start = 0.0
    for row in macc.rows:
        row["start"] = start
        start += row["abatement"]
    macc.matrix = [
        {"measure_id": mid, "source": source, "abatement": value}
        for (mid, source), value in applied.by_source.items()
    ]
    return macc, ordered
