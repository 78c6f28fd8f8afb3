"""The best PV and battery for a park, and what they earn: the sizing programme beside the
same park without them, with annual savings, net present value, simple payback and the
emissions avoided a year.

Examples
--------
>>> import pandas as pd
>>> from carbonledger.energy.dispatch import Battery, Site, Sizing
>>> times = pd.date_range("2025-01-06", periods=4, freq="1h")
>>> site = Site(load=pd.Series(10.0, index=times), grid_factor=pd.Series(0.5, index=times),
...             import_price=pd.Series([0.3, 0.3, 1.2, 1.2], index=times),
...             pv=pd.Series([0.0, 1.0, 1.0, 0.0], index=times))
>>> case = size(site, Battery(0, 0, 1), Sizing(2190.0, 100, 1e9, 0, 0, 1, 0))
>>> round(case["pv_kwp"], 6), round(case["payback_years"], 3)
(10.0, 0.667)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from carbonledger.energy.dispatch import Battery, EVFleet, Site, Sizing, dispatch

__all__ = ["size"]


def size(
    site: Site,
    battery: Battery,
    sizing: Sizing,
    carbon_price: float = 0,
    fleet: EVFleet | None = None,
    solver_options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Size PV and battery for ``site`` (``site.pv`` per kWp) and compare with the park
    without them.

    The sizing programme couples every step through the capacities; HiGHS's interior-point
    solver is the default here (a year of hourly steps: 9.7 s CPU against 14.3 s by simplex).
    Size on hourly steps: at 15 minutes the same year took minutes.

    Returns
    -------
    dict
        ``pv_kwp``, ``battery_kwh``, ``battery_kw``, ``capex`` [currency],
        ``annual_savings`` [currency / year], ``npv`` [currency] over the sizing's lifetime
        at its discount rate, ``payback_years`` (None when nothing is saved),
        ``emissions_avoided_kg`` [kg CO2e / year], and both dispatches' totals; with a
        charger size in ``sizing`` and a fleet, ``chargers`` (rounded up, in the capex) and
        ``chargers_relaxed`` (the park without the design charges its fleet as the sessions'
        own chargers allow).
    """
    without = dispatch(replace(site, pv=None), None, carbon_price, fleet=fleet)
    options = {"solver": "ipm"} | (solver_options or {})
    sized = dispatch(site, battery, carbon_price, options, fleet=fleet, sizing=sizing)
    hours = len(site.load) * (site.load.index[1] - site.load.index[0]).total_seconds() / 3_600
    per_year = 8_760 / hours

    def bill(totals: dict[str, Any]) -> float:
        return float(
            totals["energy_cost"]
            + totals["demand_cost"]
            - totals["export_revenue"]
            + totals["degradation_cost"]
            + totals["shed_cost"]
        )

    savings = (bill(without.totals) - bill(sized.totals)) * per_year
    capex = sized.totals["capex"]
    avoided = (without.totals["emissions_kg"] - sized.totals["emissions_kg"]) * per_year
    return {
        "pv_kwp": sized.totals["pv_kwp"],
        "battery_kwh": sized.totals["battery_kwh"],
        "battery_kw": sized.totals["battery_kw"],
        **{k: sized.totals[k] for k in ("chargers", "chargers_relaxed") if k in sized.totals},
        "capex": capex,
        "annual_savings": savings,
        "npv": savings / sizing.annuity() - capex,
        "payback_years": capex / savings if savings > 0 else None,
        "emissions_avoided_kg": avoided,
        "without": without.totals,
        "with": sized.totals,
    }
