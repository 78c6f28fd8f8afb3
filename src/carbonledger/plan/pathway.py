"""Pathways: business as usual, and a scenario of measures applied in the mitigation order.

For each year from the inventory's latest year to the horizon:

1. **Business as usual** (BAU): the inventory's cells grown with the forecast's growth of their
   scope (:mod:`carbonledger.inventory.forecast`: activity trends and the grid's trajectory).
2. **Reduce**: the scenario's measures in force that year (from their start year, ramping up
   linearly over ``ramp_years``; renewed at the end of their life, whose cost the annualised
   cost carries) applied in order to the BAU cells; what each saves is its wedge.
3. **Remove**: the removals the company makes itself, reported after reductions, never
   netted into gross emissions.
4. **Residual** = gross emissions after reductions - removals: what credits must cover for a
   neutrality claim (the input of the credits room). Credits are never abatement here.

Avoided emissions outside the inventory are a memo line, never in any of these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from carbonledger.plan.interactions import Cell, apply_in_sequence
from carbonledger.plan.measures import MeasureResult

__all__ = ["Pathway", "ramp", "scenario_pathway"]


def ramp(start_year: int, ramp_years: int, year: int) -> float:
    """Share of a measure's full effect in force in ``year``.

    >>> [ramp(2026, 3, y) for y in (2025, 2026, 2027, 2028, 2029)]
    [0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 1.0]
    """
    if year < start_year:
        return 0.0
    return min(1.0, (year - start_year + 1) / max(1, ramp_years))


@dataclass
class Pathway:
    """Yearly emissions of a scenario [t CO2e].

    Attributes
    ----------
    basis : str
        Scope 2 basis.
    measures : list of str
        Measure ids in the order they apply.
    years : list of dict
        ``year``, ``bau`` and ``gross`` by scope (``{1: ..., 2: ..., 3: ...}``) and total,
        ``wedges`` (abatement by measure id), ``reductions``, ``removals``, ``residual``,
        ``avoided_outside`` (memo).
    """

    basis: str
    measures: list[str]
    years: list[dict[str, Any]] = field(default_factory=list)

    def year(self, year: int) -> dict[str, Any]:
        """The row of one year.

        Raises
        ------
        KeyError
            If the pathway does not reach that year.
        """
        for row in self.years:
            if row["year"] == year:
                return row
        raise KeyError(f"the pathway covers {self.years[0]['year']}-{self.years[-1]['year']}")

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (scope keys as strings, for JSON)."""
        rows = [
            {
                **row,
                "bau": {str(k): v for k, v in row["bau"].items()},
                "gross": {str(k): v for k, v in row["gross"].items()},
            }
            for row in self.years
        ]
        return {"basis": self.basis, "measures": self.measures, "years": rows}


def _by_scope(cells: Mapping[Cell, float]) -> dict[int, float]:
    out: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.0}
    for cell, value in cells.items():
        out[cell[0]] = out.get(cell[0], 0.0) + value
    return out


def scenario_pathway(
    ordered: Sequence[MeasureResult],
    cells: Mapping[Cell, float],
    growth: Mapping[int, Mapping[int, float]],
    basis: str,
    reference: Mapping[Cell, float] | None = None,
) -> Pathway:
    """The scenario's pathway.

    Parameters
    ----------
    ordered : sequence of MeasureResult
        The scenario's measures, in the order they apply.
    cells : dict of Cell to float
        The inventory's latest year by cell [t CO2e].
    growth : dict of int to dict of int to float
        For each year, each scope's BAU emissions as a ratio to the latest year.
    basis : {"location", "market"}
    reference : dict of Cell to float, optional
        The location-based cells of the latest year (the standalone results' basis).
    """
    pathway = Pathway(basis, [r.measure.measure_id for r in ordered])
    for year in sorted(growth):
        g = growth[year]
        bau_cells = {c: v * g.get(c[0], 1.0) for c, v in cells.items()}
        scale = {
            r.measure.measure_id: ramp(r.measure.start_year, r.measure.ramp_years, year)
            for r in ordered
        }
        applied = apply_in_sequence(ordered, bau_cells, basis, scale, g, reference)
        bau, gross = _by_scope(bau_cells), _by_scope(applied.remaining)
        removals = sum(
            c.abatement * scale[r.measure.measure_id]
            for r in ordered
            for c in r.changes
            if c.boundary == "removal"
        )
        outside = sum(
            c.abatement * scale[r.measure.measure_id]
            for r in ordered
            for c in r.changes
            if c.boundary == "outside"
        )
        wedges = {mid: applied.savings.get(mid, 0.0) for mid in pathway.measures}
        pathway.years.append(
            {
                "year": year,
                "bau": bau,
                "bau_total": sum(bau.values()),
                "wedges": wedges,
                "reductions": sum(wedges.values()),
                "gross": gross,
                "gross_total": sum(gross.values()),
                "removals": removals,
                "residual": sum(gross.values()) - removals,
                "avoided_outside": outside,
            }
        )
    return pathway
