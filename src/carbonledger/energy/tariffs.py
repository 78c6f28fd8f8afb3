"""Time-of-use tariffs as data (``energy/tariffs/*.yaml`` or a user's file of that layout):
seasons by month, periods by hour of day with their energy price, a demand charge on the
month's highest import, and an export price or no export.

Examples
--------
>>> import pandas as pd
>>> tariff = load_tariff("illustrative_tou")
>>> times = pd.date_range("2025-07-01", periods=24, freq="1h")
>>> prices = tariff.import_prices(times)
>>> float(prices.iloc[3]), float(prices.iloc[11])  # valley at 03:00, critical peak at 11:00
(0.31, 1.45)
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from carbonledger.errors import CarbonLedgerError

__all__ = ["Tariff", "load_tariff", "packaged_tariffs"]


@dataclass(frozen=True)
class Tariff:
    """A time-of-use tariff.

    Attributes
    ----------
    prices : ndarray
        Energy price by month (1-12, row) and hour (0-23, column) [currency / kWh].
    periods : ndarray of str
        The period's name by month and hour (``peak``, ``valley`` ...).
    demand_charge : float
        Per kW of the month's highest import [currency / kW / month].
    export_price : float or None
        Paid per kWh exported [currency / kWh]; None: no export allowed.
    """

    tariff_id: str
    name: str
    currency: str
    prices: np.ndarray
    periods: np.ndarray
    demand_charge: float
    export_price: float | None
    illustrative: bool

    def import_prices(self, times: pd.DatetimeIndex) -> pd.Series:
        """The energy price of each time [currency / kWh]."""
        return pd.Series(self.prices[times.month - 1, times.hour], index=times, name="price")

    def period_names(self, times: pd.DatetimeIndex) -> pd.Series:
        """The tariff period of each time."""
        return pd.Series(self.periods[times.month - 1, times.hour], index=times, name="period")


def packaged_tariffs() -> list[str]:
    """Ids of the packaged tariffs."""
    folder = resources.files("carbonledger.energy").joinpath("tariffs")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def load_tariff(tariff: str | Path) -> Tariff:
    """A packaged tariff by id, or a user's file.

    Raises
    ------
    CarbonLedgerError
        Naming the file and what is wrong: an unknown id, a month in no season or in two, an
        hour of a season in no period or in two.
    """
    if str(tariff) in packaged_tariffs():
        source = f"energy/tariffs/{tariff}.yaml"
        packaged = resources.files("carbonledger.energy").joinpath("tariffs", f"{tariff}.yaml")
        text = packaged.read_text("utf-8")
    else:
        path = Path(tariff)
        if not path.is_file():
            raise CarbonLedgerError(
                f"no tariff {str(tariff)!r}: a file, or one of {', '.join(packaged_tariffs())}"
            )
        source, text = str(path), path.read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    prices = np.full((12, 24), np.nan)
    periods = np.full((12, 24), "", dtype=object)
    for season in data["seasons"]:
        for month in season["months"]:
            if not np.isnan(prices[month - 1]).all():
                raise CarbonLedgerError(f"{source}: month {month} is in two seasons")
            for period in season["periods"]:
                for start, end in period["hours"]:
                    hours = slice(start, end)
                    if not np.isnan(prices[month - 1, hours]).all():
                        raise CarbonLedgerError(
                            f"{source}: season {season['name']}, period {period['name']}: "
                            f"hours {start}-{end} overlap another period"
                        )
                    prices[month - 1, hours] = period["price"]
                    periods[month - 1, hours] = period["name"]
    gaps = np.argwhere(np.isnan(prices))
    if len(gaps):
        month, hour = gaps[0] + 1, gaps[0][1]
        raise CarbonLedgerError(
            f"{source}: month {month[0]} hour {hour} has no price ({len(gaps)} hours without one)"
        )
    return Tariff(
        tariff_id=str(data["id"]),
        name=str(data["name"]),
        currency=str(data["currency"]),
        prices=prices,
        periods=periods,
        demand_charge=float(data.get("demand_charge") or 0),
        export_price=data.get("export_price"),
        illustrative=bool(data.get("illustrative", False)),
    )
