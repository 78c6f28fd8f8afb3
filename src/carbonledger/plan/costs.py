"""Costs of a measure: net present cost, annualised cost, levelised cost of abatement and
payback, from the user's capex, opex change, energy-cost change, lifetime and discount rate.

With ``r`` the discount rate and ``L`` the lifetime in years:

- net present cost ``NPC = capex + sum_{t=1..L} (opex_change + energy_cost_change) / (1+r)^t``
- capital recovery factor ``CRF = r (1+r)^L / ((1+r)^L - 1)`` (``1/L`` when ``r = 0``)
- annualised cost ``NPC x CRF`` [currency a year]
- levelised cost of abatement = annualised cost / annual abatement [currency per t CO2e],
  the same as NPC over the discounted abatement for a constant yearly abatement; negative
  where the measure saves money
- simple payback = capex / yearly saving, where it saves money each year [year]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["MeasureCosts", "capital_recovery_factor", "measure_costs"]


def capital_recovery_factor(rate: float, years: int) -> float:
    """Share of a present value paid each year to repay it over ``years`` at ``rate``.

    >>> round(capital_recovery_factor(0.08, 10), 5)
    0.14903
    >>> capital_recovery_factor(0.0, 4)
    0.25
    """
    if years <= 0:
        raise ValueError("a lifetime is at least one year")
    if rate == 0:
        return 1.0 / years
    grown = (1 + rate) ** years
    return rate * grown / (grown - 1)


@dataclass(frozen=True)
class MeasureCosts:
    """A measure's costs [currency, currency a year, currency per t CO2e, year]."""

    currency: str
    capex: float
    yearly_cost_change: float
    net_present_cost: float
    annualised_cost: float
    levelised_cost: float | None
    payback_years: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return asdict(self)


def measure_costs(
    capex: float,
    opex_change: float,
    energy_cost_change: float,
    lifetime: int,
    discount_rate: float,
    abatement: float,
    currency: str,
) -> MeasureCosts:
    """Costs of a measure abating ``abatement`` t CO2e a year (see the module's formulas).

    The levelised cost is None where the measure abates nothing.
    """
    yearly = opex_change + energy_cost_change
    crf = capital_recovery_factor(discount_rate, lifetime)
    npc = capex + yearly / crf
    annualised = npc * crf
    return MeasureCosts(
        currency=currency,
        capex=capex,
        yearly_cost_change=yearly,
        net_present_cost=npc,
        annualised_cost=annualised,
        levelised_cost=annualised / abatement if abatement > 0 else None,
        payback_years=capex / -yearly if yearly < 0 else None,
    )
