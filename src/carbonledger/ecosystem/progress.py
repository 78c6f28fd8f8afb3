"""Progress of Scope 3+ programmes toward their goals, by year, with a forecast to the goal year.

Each programme's counted reductions by year (from the programme ledger) less what was sold as
verified lots (those are the buyer's to claim) make its **retained** reductions, which count
toward its goal; a portfolio sums the programmes that name it as parent. The forecast extends
the least-squares line through the retained reductions of the years so far to the goal year
(the method is named on the result); with one year it repeats that year.

Examples
--------
>>> p = Programme("maas", "MaaS", "green_travel", goal=100.0, start_year=2021, end_year=2025)
>>> result = programme_progress(p, {2021: 10.0, 2022: 14.0}, {})
>>> result["cumulative"], result["forecast_at_goal_year"], result["on_track"]
(24.0, 90.0, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FORECAST_METHOD", "Programme", "portfolio_progress", "programme_progress"]

FORECAST_METHOD = "least-squares line through the retained reductions of the years so far"


@dataclass(frozen=True)
class Programme:
    """A programme's goal and period (a ``programmes`` row)."""

    programme_id: str
    name: str
    type: str
    goal: float | None
    start_year: int
    end_year: int
    parent_id: str | None = None
    owner: str = ""
    name_zh: str | None = None
    points_per_kg: float = 0.0


def _trend(years: Mapping[int, float], until: int) -> dict[int, float]:
    """The line through ``years`` extended to ``until`` (the years after the last)."""
    if not years:
        return {}
    last = max(years)
    xs = sorted(years)
    n = len(xs)
    if n == 1:
        slope, intercept = 0.0, years[xs[0]]
    else:
        mean_x = sum(xs) / n
        mean_y = sum(years[x] for x in xs) / n
        sxx = sum((x - mean_x) ** 2 for x in xs)
        slope = sum((x - mean_x) * (years[x] - mean_y) for x in xs) / sxx
        intercept = mean_y - slope * mean_x
    return {y: max(intercept + slope * y, 0.0) for y in range(last + 1, until + 1)}


def programme_progress(
    programme: Programme,
    counted: Mapping[int, float],
    sold: Mapping[int, float],
    participation: Mapping[int, Mapping[str, int]] | None = None,
) -> dict[str, Any]:
    """A programme's years, cumulative retained reductions, share of goal and forecast.

    Parameters
    ----------
    programme : Programme
    counted : mapping of int to float
        Counted reductions by year [t CO2e].
    sold : mapping of int to float
        Tonnes sold as verified lots by year [t CO2e].
    participation : mapping, optional
        By year: ``actions`` and active participants by type.
    """
    years = sorted(y for y in counted if programme.start_year <= y <= programme.end_year)
    rows: list[dict[str, Any]] = []
    cumulative = 0.0
    for year in years:
        retained = counted[year] - sold.get(year, 0.0)
        cumulative += retained
        rows.append(
            {
                "year": year,
                "counted": counted[year],
                "sold": sold.get(year, 0.0),
                "retained": retained,
                "cumulative": cumulative,
                **dict((participation or {}).get(year, {})),
            }
        )
    forecast = _trend({int(r["year"]): float(r["retained"]) for r in rows}, programme.end_year)
    at_goal_year = cumulative + sum(forecast.values())
    goal = programme.goal
    return {
        "programme_id": programme.programme_id,
        "name": programme.name,
        "name_zh": programme.name_zh,
        "type": programme.type,
        "owner": programme.owner,
        "parent_id": programme.parent_id,
        "goal": goal,
        "start_year": programme.start_year,
        "end_year": programme.end_year,
        "years": rows,
        "cumulative": cumulative,
        "share_of_goal": cumulative / goal if goal else None,
        "forecast": [{"year": y, "retained": v} for y, v in forecast.items()],
        "forecast_at_goal_year": at_goal_year,
        "forecast_method": FORECAST_METHOD,
        "on_track": at_goal_year >= goal if goal else None,
    }


def portfolio_progress(portfolio: Programme, members: list[dict[str, Any]]) -> dict[str, Any]:
    """A portfolio's progress: its members' counted and sold tonnes summed by year, then as
    :func:`programme_progress`, with each member's cumulative share."""
    counted: dict[int, float] = {}
    sold: dict[int, float] = {}
    actions: dict[int, int] = {}
    for member in members:
        for row in member["years"]:
            counted[row["year"]] = counted.get(row["year"], 0.0) + row["counted"]
            sold[row["year"]] = sold.get(row["year"], 0.0) + row["sold"]
            actions[row["year"]] = actions.get(row["year"], 0) + row.get("actions", 0)
    result = programme_progress(
        portfolio, counted, sold, {y: {"actions": n} for y, n in actions.items()}
    )
    result["members"] = [
        {"programme_id": m["programme_id"], "name": m["name"], "cumulative": m["cumulative"]}
        for m in members
    ]
    return result
