"""Forecast: next years' emissions from the trend of activity drivers and the grid's trajectory.

The method, stated with every result:

1. **Activity**: per source (method, activity key, unit, country) the annual activity in the
   ledger; where two or more years hold data, its compound annual growth rate between the first
   and the last of them carries it forward; a source seen in one year only is held flat.
2. **Factor**: the source's implied factor in the last year (emissions / activity) stays,
   except for grid electricity (``electricity/grid``), whose factor follows the country's grid
   trajectory: a least-squares line through the country's published intensity of the last
   :data:`TRAJECTORY_YEARS` years of the factor library (Ember/OWID), as a ratio to the line's
   value in the last year with data, floored at zero.
3. Forecast emissions = last activity x (1 + growth) ^ years ahead x implied factor x grid ratio,
   consolidated with the boundary shares of the last year, scope 2 location-based.

It is a trend projection, not a plan: planned measures (issue "plan") come on top of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carbonledger.factors import FactorLibrary
from carbonledger.inventory.ledger_sql import LedgerSource, ledger_connection, weighted_source

__all__ = ["TRAJECTORY_YEARS", "forecast", "grid_trajectory"]

#: Years of published grid intensity the trajectory line is fitted to.
TRAJECTORY_YEARS = 5
_GRID = "electricity/grid"

METHOD_STATEMENT = (
    "activity: compound annual growth between the first and last year with data per source "
    "(flat where one year only); factor: last year's implied factor, grid electricity "
    f"following a least-squares line through the country's last {TRAJECTORY_YEARS} years of "
    "published grid intensity (Ember/OWID); scope 2 location-based"
)


def grid_trajectory(library: FactorLibrary, country: str, years: Sequence[int]) -> dict[int, float]:
    """Ratio of the fitted grid intensity in each year to its value in the last published year.

    Returns an empty dict where the library holds fewer than two years for the country.
    """
    factors = library.factors
    mask = pc.and_(
        pc.and_(pc.equal(factors["activity_key"], _GRID), pc.equal(factors["region"], country)),
        pc.and_(pc.equal(factors["stage"], "lifecycle"), pc.equal(factors["gas"], "CO2e")),
    )
    series = {r["year"]: r["value"] for r in factors.filter(mask).to_pylist()}
    recent = sorted(series)[-TRAJECTORY_YEARS:]
    if len(recent) < 2:
        return {}
    slope, intercept = np.polyfit(recent, [series[y] for y in recent], 1)
    anchor = slope * recent[-1] + intercept
    if anchor <= 0:
        return {}
    return {y: max(0.0, float((slope * y + intercept) / anchor)) for y in years}


def forecast(
    ledger: LedgerSource,
    facilities: pa.Table,
    entities: pa.Table,
    library: FactorLibrary,
    horizon: Sequence[int],
    shares: pa.Table | None = None,
) -> dict[str, Any]:
    """Emissions of future years by scope [t CO2e], with the method and each source's drivers.

    Parameters
    ----------
    ledger : Path, list of Path or pyarrow.Table
    facilities, entities : pyarrow.Table
        To place each source in a country (facility first, else entity).
    library : FactorLibrary
        For the grid trajectories.
    horizon : sequence of int
        Years to forecast.
    shares : pyarrow.Table, optional
        Boundary shares.
    """
    con = ledger_connection(ledger)
    try:
        source, weight = weighted_source(con, shares)
        con.register("facilities", facilities.select(["facility_id", "country"]))
        con.register("entities", entities.select(["entity_id", "country"]))
        rows = (
            con.sql(
                f"""
            WITH lines AS (
                SELECT l.scope, l.method, l.activity_key, l.activity_unit,
                       coalesce(f.country, e.country) AS country,
                       CAST(substr(l.period, 1, 4) AS INTEGER) AS year,
                       l.record_id, l.line, any_value(l.activity_quantity) * any_value({weight})
                           AS activity,
                       sum(l.co2e * {weight}) / 1000 AS co2e
                FROM {source}
                LEFT JOIN facilities f ON f.facility_id = l.facility_id
                LEFT JOIN entities e ON e.entity_id = l.entity_id
                WHERE l.status = 'active' AND NOT l.biogenic
                  AND (l.scope2_basis IS NULL OR l.scope2_basis = 'location')
                GROUP BY ALL)
            SELECT scope, method, activity_key, activity_unit, country, year,
                   sum(activity) AS activity, sum(co2e) AS co2e
            FROM lines GROUP BY ALL ORDER BY ALL
            """
            )
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        con.close()
    sources: dict[tuple, dict[int, tuple[float, float]]] = {}
    for r in rows:
        key = (r["scope"], r["method"], r["activity_key"], r["activity_unit"], r["country"])
        sources.setdefault(key, {})[r["year"]] = (r["activity"] or 0.0, r["co2e"] or 0.0)
    trajectories: dict[str, dict[int, float]] = {}
    totals = {year: {1: 0.0, 2: 0.0, 3: 0.0} for year in horizon}
    drivers = []
    for (scope, method, key, unit, country), by_year in sources.items():
        years = sorted(y for y, (a, _e) in by_year.items() if a > 0)
        if not years:
            continue
        last = years[-1]
        activity, co2e = by_year[last]
        first_activity = by_year[years[0]][0]
        span = last - years[0]
        growth = (activity / first_activity) ** (1 / span) - 1 if span else 0.0
        factor = co2e / activity
        if key == _GRID and country and country not in trajectories:
            trajectories[country] = grid_trajectory(library, country, [last, *horizon])
        ratio = trajectories.get(country, {}) if key == _GRID else {}
        for year in horizon:
            grid = ratio[year] / ratio[last] if ratio and ratio.get(last) else 1.0
            totals[year][scope] += activity * (1 + growth) ** (year - last) * factor * grid
        drivers.append(
            {
                "scope": scope,
                "method": method,
                "activity_key": key,
                "activity_unit": unit,
                "country": country,
                "last_year": last,
                "growth": growth,
                "grid_trajectory": bool(ratio),
            }
        )
    return {
        "method": METHOD_STATEMENT,
        "unit": "t CO2e",
        "years": [
            {"year": y, **{f"scope_{s}": v for s, v in t.items()}, "total": sum(t.values())}
            for y, t in totals.items()
        ],
        "drivers": drivers,
    }
