"""Park-energy jobs: a park's microgrid dispatched for a load file, with PV from a weather file
or a clear sky, a battery, a tariff and the grid's emissions factor from the factor library
(or an hourly series the user gives), every figure with where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonledger.app.factors import estimate
from carbonledger.energy import (
    Battery,
    EVFleet,
    PVSystem,
    Site,
    Sizing,
    Tariff,
    clear_sky_weather,
    dispatch,
    load_tariff,
    pv_power,
    read_weather,
    size,
)
from carbonledger.errors import CarbonLedgerError

__all__ = ["park_dispatch", "park_size", "read_load", "sizing_measure"]

#: Electricity's key in the factor library.
GRID_KEY = "electricity/grid"


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
    load_file: str | Path | pd.DataFrame,
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
    place: Mapping[str, float] | None = None,
    fleet: EVFleet | None = None,
) -> dict[str, Any]:
    """Dispatch a park's microgrid over its load file.

    Parameters
    ----------
    load_file : path or pandas.DataFrame
        See :func:`read_load`; or the frame it returns (a park's metered load, see
        :func:`carbonledger.app.park_load`).
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
    frame = load_file if isinstance(load_file, pd.DataFrame) else read_load(load_file)
    site, lineage, chosen = _park_site(
        frame,
        region,
        year,
        pv_kwp,
        tilt,
        azimuth,
        weather,
        derating,
        tariff,
        import_limit,
        value_of_lost_load,
        place,
    )
    battery = Battery(battery_kwh, battery_kw, round_trip_efficiency) if battery_kwh > 0 else None
    result = dispatch(site, battery, carbon_price, fleet=fleet)
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


def _park_site(
    frame: pd.DataFrame,
    region: str,
    year: int,
    pv_kwp: float,
    tilt: float,
    azimuth: float,
    weather: str | Path | None,
    derating: float | None,
    tariff: str,
    import_limit: float | None,
    value_of_lost_load: float,
    place: Mapping[str, float] | None = None,
) -> tuple[Site, dict[str, Any], Tariff]:
    """The site a load file, a PV array, a tariff and the grid factor make, with the factor's
    lineage and the tariff."""
    times = pd.DatetimeIndex(frame.index)
    chosen = load_tariff(tariff)
    if "grid_factor" in frame.columns:
        factor = frame["grid_factor"]
        lineage: dict[str, Any] = {"method": "hourly series from the load file"}
    else:
        found = estimate(GRID_KEY, 1, "kWh", region, year)
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
    system = PVSystem(pv_kwp, tilt, azimuth, derating=derating)
    if pv_kwp and weather is None and place is not None:
        sky = clear_sky_weather(
            times, place["latitude"], place["longitude"], None, place["temp_air"]
        )
        power = pv_power(sky, place["latitude"], place["longitude"], system, labelled="start")
        pv = pd.Series(power.to_numpy(), index=times)
    elif pv_kwp:
        if weather is None:
            raise CarbonLedgerError(
                "PV needs a weather file (TMY3 or EPW), or a place (latitude, longitude, "
                "air temperature) for a clear sky with the Linke turbidity data"
            )
        data, where = read_weather(weather, year)
        if "latitude" not in where:
            raise CarbonLedgerError(f"{weather}: no site latitude and longitude (TMY3 or EPW)")
        hourly = pv_power(data, where["latitude"], where["longitude"], system).to_numpy()
        pv = pd.Series(_hourly_pv_on(times, hourly), index=times)
    site = Site(
        load=frame["load_kw"],
        import_price=chosen.import_prices(times),
        grid_factor=factor,
        pv=pv,
        sheddable=frame.get("sheddable_kw"),
        export_price=chosen.export_price,
        import_limit=import_limit,
        demand_charge=chosen.demand_charge,
        value_of_lost_load=value_of_lost_load,
    )
    return site, lineage, chosen


def park_size(
    load_file: str | Path | pd.DataFrame,
    region: str,
    year: int,
    sizing: Sizing,
    *,
    weather: str | Path | None = None,
    place: Mapping[str, float] | None = None,
    fleet: EVFleet | None = None,
    tilt: float = 20,
    azimuth: float = 180,
    derating: float | None = None,
    round_trip_efficiency: float = 1,
    tariff: str = "illustrative_tou",
    import_limit: float | None = None,
    value_of_lost_load: float = 0,
    carbon_price: float = 0,
) -> dict[str, Any]:
    """Size a park's PV and battery over its load file, on hourly means of the load (sizing
    at 15 minutes takes minutes for a year; the hourly year takes seconds).

    Returns
    -------
    dict
        :func:`carbonledger.energy.size`'s result with ``grid_factor``, ``tariff`` and
        ``steps`` (the hourly steps sized on).
    """
    frame = load_file if isinstance(load_file, pd.DataFrame) else read_load(load_file)
    frame = frame.resample("h").mean().dropna()
    site, lineage, chosen = _park_site(
        frame,
        region,
        year,
        1,
        tilt,
        azimuth,
        weather,
        derating,
        tariff,
        import_limit,
        value_of_lost_load,
        place,
    )
    found = size(site, Battery(0, 0, round_trip_efficiency), sizing, carbon_price, fleet=fleet)
    return found | {
        "grid_factor": lineage,
        "tariff": {
            "id": chosen.tariff_id,
            "currency": chosen.currency,
            "illustrative": chosen.illustrative,
        },
        "steps": len(frame),
    }


def sizing_measure(
    sized: dict[str, Any],
    measure_id: str,
    facility_id: str,
    start_year: int,
    lifetime_years: int,
    discount_rate: float,
) -> dict[str, list[dict[str, Any]]]:
    """The sized design as a ``rooftop_pv`` measure of the plan room: its ``measures`` row
    (the PV and battery capex) and ``measure_inputs`` rows (capacity, the specific yield and
    self-consumption of the sized dispatch, the average import price it replaces).

    Returns
    -------
    dict
        ``measures`` and ``measure_inputs``: rows ready to write as those kinds' files.
    """
    kwp = sized["pv_kwp"]
    if kwp <= 0:
        raise CarbonLedgerError("the sizing chose no PV: there is no PV measure to plan")
    flows = sized["with"]
    used = flows["pv_used_kwh"]
    without = sized["without"]
    price = without["energy_cost"] / without["import_kwh"] if without["import_kwh"] else 0.0
    hours = sized["steps"]
    per_year = 8_760 / hours if hours else 1.0
    source = f"carbonledger park size ({hours} hourly steps)"
    inputs = {
        "capacity": (kwp, "kW"),
        "specific_yield": (used * per_year / kwp, "kWh / kW"),
        "self_consumption": ((used - min(flows["export_kwh"], used)) / used if used else 0, ""),
        "electricity_price": (price, f"{sized['tariff']['currency']} / kWh"),
    }
    battery = f"; battery {sized['battery_kwh']:,.0f} kWh / {sized['battery_kw']:,.0f} kW"
    return {
        "measures": [
            {
                "measure_id": measure_id,
                "measure_type": "rooftop_pv",
                "name": f"Rooftop PV {kwp:,.0f} kWp{battery if sized['battery_kwh'] else ''}",
                "facility_id": facility_id,
                "start_year": start_year,
                "lifetime_years": lifetime_years,
                "capex": sized["capex"],
                "discount_rate": discount_rate,
                "currency": sized["tariff"]["currency"],
                "cost_note": f"sized by the dispatch LP; capex of PV and battery; {source}",
            }
        ],
        "measure_inputs": [
            {
                "measure_id": measure_id,
                "input": name,
                "value": value,
                "unit": unit,
                "source": source,
            }
            for name, (value, unit) in inputs.items()
        ],
    }
