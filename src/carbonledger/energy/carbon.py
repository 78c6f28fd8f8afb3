"""Real-time carbon: emissions per interval at an hourly grid factor or an annual average, and
a month's end forecast from the days so far against its budget."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from carbonledger.errors import CarbonLedgerError

__all__ = ["MonthForecast", "forecast_month", "hourly_factor_on", "month_budget"]


def hourly_factor_on(starts: pd.Series, hourly: pd.Series, what: str) -> np.ndarray:
    """An hourly factor series [kg CO2e / kWh] on interval starts (each interval takes the
    factor of the hour it starts in).

    Raises
    ------
    CarbonLedgerError
        Naming ``what`` and the first hour the series lacks, with how many: a factor is never
        made up for an hour.
    """
    hours = starts.dt.floor("h")
    values = hourly.reindex(hours.to_numpy()).to_numpy(dtype=float)
    missing = np.isnan(values)
    if missing.any():
        lacking = pd.DatetimeIndex(hours[missing].unique())
        raise CarbonLedgerError(
            f"{what}: the hourly factor series has no value for {lacking[0]:%Y-%m-%d %H:%M} "
            f"and {len(lacking) - 1} more hour(s) with consumption; import them, or choose "
            "the annual average"
        )
    return values


def month_budget(annual_budget: float, month: str) -> float:
    """A month's share of a yearly budget, by its days [the budget's unit]."""
    year, number = (int(part) for part in month.split("-"))
    days_in_year = 366 if calendar.isleap(year) else 365
    return annual_budget * calendar.monthrange(year, number)[1] / days_in_year


@dataclass(frozen=True)
class MonthForecast:
    """A month's emissions so far, its forecast end and its budget.

    Attributes
    ----------
    month : str
        ``YYYY-MM``.
    so_far, forecast, budget : float
        [kg CO2e]; budget None where none is set.
    days_observed, days_in_month : int
    exceeds : bool or None
        Whether the forecast is above the budget (None without a budget).
    method : str
        How the remaining days were forecast.
    """

    month: str
    so_far: float
    forecast: float
    budget: float | None
    days_observed: int
    days_in_month: int
    exceeds: bool | None
    method: str

    def as_dict(self) -> dict[str, Any]:
        """The forecast as plain values."""
        return asdict(self)


def forecast_month(
    daily: pd.Series, month: str, budget: float | None = None, as_of: dt.date | None = None
) -> MonthForecast:
    """The month's end from the days so far: each remaining day at the mean of the days of the
    same weekday observed so far in the month, or at the mean of all observed days where that
    weekday has not been seen yet.

    Parameters
    ----------
    daily : pandas.Series
        Emissions by day [kg CO2e], indexed by day; days after ``as_of`` are ignored.
    month : str
        ``YYYY-MM``.
    budget : float, optional
        The month's budget [kg CO2e].
    as_of : datetime.date, optional
        Last day observed (default: the last day of ``daily`` in the month).
    """
    year, number = (int(part) for part in month.split("-"))
    first = dt.date(year, number, 1)
    days_in_month = calendar.monthrange(year, number)[1]
    index = pd.DatetimeIndex(daily.index)
    inside = (index.year == year) & (index.month == number)
    if as_of is not None:
        inside &= index <= pd.Timestamp(as_of)
    seen = pd.Series(daily.to_numpy(dtype=float)[inside], index=index[inside])
    so_far = float(seen.sum())
    if seen.empty:
        raise CarbonLedgerError(f"{month}: no metered day to forecast from")
    last = seen.index.max().date()
    by_weekday = seen.groupby(pd.DatetimeIndex(seen.index).day_of_week).mean()
    overall = float(seen.mean())
    remaining = [
        first + dt.timedelta(days=d)
        for d in range(days_in_month)
        if first + dt.timedelta(days=d) > last
    ]
    rest = sum(float(by_weekday.get(day.weekday(), overall)) for day in remaining)
    forecast = so_far + rest
    return MonthForecast(
        month=month,
        so_far=so_far,
        forecast=forecast,
        budget=budget,
        days_observed=len(seen),
        days_in_month=days_in_month,
        exceeds=None if budget is None else bool(forecast > budget),
        method="remaining days at the mean of the same weekday so far this month",
    )
