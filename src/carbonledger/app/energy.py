"""Park-energy jobs: a park's microgrid dispatched for a load file, with PV from a weather file
or a clear sky, a battery, a tariff and the grid's emissions factor from the factor library
(or an hourly series the user gives), every figure with where it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonledger.app.factors import estimate
from carbonledger.energy import (
    Battery,
    PVSystem,
    Site,
    dispatch,
    load_tariff,
    pv_power,
    read_weather,
)
from carbonledger.errors import CarbonLedgerError

__all__ = ["park_dispatch", "read_load"]


def read_load(path: str | Path) -> pd.DataFrame:
    """A park's load: a CSV of ``time`` and ``load_kw`` [kW], with ``sheddable_kw`` (the
    non-priority part) and ``grid_factor`` [kg CO2e / kWh] where the user has them.

    Raises
    ------
    CarbonLedgerError
        Naming the file, and the row and column of a value that is not a number or below zero.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, parse_dates=["time"], index_col="time", dtype=str)
    except (ValueError, OSError) as exc:
        raise CarbonLedgerError(f"{path}: cannot read it as a load file: {exc}") from exc
    if "load_kw" not in frame.columns:
        raise CarbonLedgerError(f"{path}: column load_kw (kW) is missing")
    for column in ("load_kw", "sheddable_kw", "grid_factor"):
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = np.flatnonzero(values.isna().to_numpy() | (values.to_numpy() < 0))
        if len(bad):
            raise CarbonLedgerError(
                f"{path} row {bad[0] + 2}, column {column}: expected a number >= 0, "
                f"found {frame[column].iloc[bad[0]]} ({len(bad)} rows like it)"
            )
        frame[column] = values.astype(float)
    return frame


def _hourly_pv_on(times: pd.DatetimeIndex, hourly: np.ndarray) -> np.ndarray:
    """A typical year's hourly PV (8,760 values, interval starting at each hour) on the load's
    times, by hour of the year (29 February takes the 28th's)."""
    day = np.asarray(times.day_of_year) - 1
    if times.is_leap_year.any():
        leap = np.asarray(times.is_leap_year)
        day = np.where(leap & (day >= 59), day - 1, day)
    return hourly[np.minimum(day * 24 + np.asarray(times.hour), len(hourly) - 1)]


def park_dispatch(
    load_file: str | Path,
    region: str,
    year: int,
    *,
    pv_kwp: float = 0,
    tilt: float = 20,
    azimuth: float = 180,
    weather: str | Path | None = None,
    derating: float | None = None,
    battery_kwh: float = 0,
    battery_kw: float = 0,
    round_trip_efficiency: float = 1,
    tariff: str = "illustrative_tou",
    import_limit: float | None = None,
    value_of_lost_load: float = 0,
    carbon_price: float = 0,
) -> dict[str, Any]:
    """Dispatch a park's microgrid over its load file.

    Parameters
    ----------
    load_file : path
        See :func:`read_load`.
    region, year : str, int
        Where and when: the grid factor is the factor library's ``electricity/grid`` for
        them, unless the load file has a ``grid_factor`` column.
    pv_kwp, tilt, azimuth : float
        PV array [kW, °, ° clockwise from north]; 0 kWp: no PV.
    weather : path, optional
        TMY3 or EPW weather for the PV (its site's latitude and longitude are used); needed
        with PV. A clear sky is :func:`carbonledger.energy.clear_sky_weather` in Python.
    derating : float, optional
        One stated system loss [%] instead of the PVWatts losses.
    battery_kwh, battery_kw, round_trip_efficiency : float
        Battery [kWh, kW, -]; 0 kWh: none.
    tariff : str
        A packaged tariff id or a tariff file.
    import_limit, value_of_lost_load, carbon_price : float
        [kW], [currency / kWh shed], [currency / kg CO2e].

    Returns
    -------
    dict
        ``totals`` and ``figures`` of the dispatch, ``grid_factor`` with its method and
        lineage, ``tariff`` (id, currency, illustrative), ``series`` (the DataFrame).
    """
    frame = read_load(load_file)
    times = pd.DatetimeIndex(frame.index)
    chosen = load_tariff(tariff)
    if "grid_factor" in frame.columns:
        factor = frame["grid_factor"]
        lineage: dict[str, Any] = {"method": "hourly series from the load file"}
    else:
        found = estimate("electricity/grid", 1, "kWh", region, year)
        gases = found.rows
        factor = pd.Series(found.co2e, index=times)
        lineage = {
            "method": "annual average from the factor library",
            "kg_per_kwh": found.co2e,
            "gwp_set": found.gwp_set,
            "factor_ids": [g["factor_id"] for g in gases],
            "releases": sorted({g["release_id"] for g in gases}),
        }
    pv = None
    if pv_kwp:
        if weather is None:
            raise CarbonLedgerError(
                "PV needs a weather file (TMY3 or EPW); for a clear sky with the Linke "
                "turbidity data use carbonledger.energy.clear_sky_weather in Python"
            )
        data, site = read_weather(weather, year)
        if "latitude" not in site:
            raise CarbonLedgerError(f"{weather}: no site latitude and longitude (TMY3 or EPW)")
        system = PVSystem(pv_kwp, tilt, azimuth, derating=derating)
        hourly = pv_power(data, site["latitude"], site["longitude"], system).to_numpy()
        pv = pd.Series(_hourly_pv_on(times, hourly), index=times)
    battery = Battery(battery_kwh, battery_kw, round_trip_efficiency) if battery_kwh > 0 else None
    result = dispatch(
        Site(
            load=frame["load_kw"],
            import_price=chosen.import_prices(times),
            grid_factor=factor,
            pv=pv,
            sheddable=frame.get("sheddable_kw"),
            export_price=chosen.export_price,
            import_limit=import_limit,
            demand_charge=chosen.demand_charge,
            value_of_lost_load=value_of_lost_load,
        ),
        battery,
        carbon_price,
    )
    return {
        "totals": result.totals,
        "figures": result.figures,
        "status": result.status,
        "grid_factor": lineage,
        "tariff": {
            "id": chosen.tariff_id,
            "currency": chosen.currency,
            "illustrative": chosen.illustrative,
        },
        "series": result.series,
    }
