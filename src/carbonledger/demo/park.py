"""The demo park's meters: a year of 15-minute readings whose months add up to the park's
electricity records, with planted faults for the checks to find (demo data, generated)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["park_fleet", "park_tables"]

#: Readings an hour.
_PER_HOUR = 4


def _shape(kind: str, ends: pd.DatetimeIndex) -> np.ndarray:
    """Relative power of a zone through the day: sorting and charging by night, the cold
    store nearly flat, offices by working day."""
    hour = np.asarray((ends - pd.Timedelta("15min")).hour)
    weekday = np.asarray((ends - pd.Timedelta("15min")).day_of_week) < 5
    if kind == "night":
        return np.where((hour >= 20) | (hour < 6), 1.6, 0.6)
    if kind == "office":
        return np.where(weekday & (hour >= 8) & (hour < 19), 2.5, 0.3)
    return 1.0 + 0.1 * ((hour >= 10) & (hour < 17))


def _scaled(profile: np.ndarray, months: np.ndarray, totals: dict[str, float]) -> np.ndarray:
    """``profile`` scaled so that each month sums to its total."""
    frame = pd.Series(profile)
    sums = frame.groupby(months).transform("sum").to_numpy()
    return profile / sums * np.array([totals[m] for m in months])


def park_tables(
    company: dict[str, Any], electricity: pd.DataFrame, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """The ``meters``, ``meter_readings``, ``equipment_output`` and ``park_designs`` tables of
    the demo park.

    Parameters
    ----------
    company : dict
        The demo company (its ``park`` section).
    electricity : pandas.DataFrame
        The generated electricity records: the park's grid and on-site PV kWh by month.
    rng : numpy.random.Generator
    """
    park = company["park"]
    facility, year = park["facility_id"], int(company["year"])
    ends = pd.date_range(f"{year}-01-01 00:15", f"{year + 1}-01-01 00:00", freq="15min")
    months = np.asarray((ends - pd.Timedelta("15min")).strftime("%Y-%m"))
    mine = electricity[(electricity["facility_id"] == facility)]
    mine = mine[mine["period"].astype(str).str.startswith(str(year))]
    price = company["demo_price_per_kwh"]["CN"]

    def monthly(supply: str) -> dict[str, float]:
        rows = mine[mine["supply"] == supply]
        kwh = rows["quantity"].fillna(rows["bill_amount"] / price)
        return dict(zip(rows["period"].astype(str), kwh.astype(float), strict=True))

    grid = monthly("grid")
    noise = rng.normal(1.0, 0.03, (len(park["zones"]), len(ends)))
    zones = {
        z["meter_id"]: _scaled(
            _shape(z["shape"], ends) * noise[i],
            months,
            {m: v * z["share"] for m, v in grid.items()},
        )
        for i, z in enumerate(park["zones"])
    }
    metered = sum(zones.values())
    rest = _scaled(
        np.ones(len(ends)), months, {m: v * park["unmetered_share"] for m, v in grid.items()}
    )
    main = metered + rest
    sorter = park["sorter"]
    sort_zone = next(z["meter_id"] for z in park["zones"] if z["meter_id"] == sorter["parent_id"])
    sorter_kwh = zones[sort_zone] * sorter["share_of_zone"]
    hour = np.asarray((ends - pd.Timedelta("15min")).hour + 0.125)
    sun = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
    pv = _scaled(sun * rng.uniform(0.4, 1.0, len(ends)), months, monthly("onsite_generation"))

    spec = park["main"]
    counter = spec["start"] + np.concatenate([[0.0], np.cumsum(main)])
    counter = np.round(np.mod(counter, spec["rollover"]), 1)
    times = ends.insert(0, pd.Timestamp(f"{year}-01-01"))
    frames = [pd.DataFrame({"meter_id": spec["meter_id"], "time": times, "value": counter})]
    frames += [
        pd.DataFrame({"meter_id": meter, "time": ends, "value": np.round(kwh, 2)})
        for meter, kwh in {**zones, sorter["meter_id"]: sorter_kwh}.items()
    ]
    frames.append(
        pd.DataFrame(
            {"meter_id": park["pv_meter"]["meter_id"], "time": ends, "value": np.round(pv, 2)}
        )
    )
    readings = pd.concat(frames, ignore_index=True)
    readings = _planted_faults(readings, park["faults"])
    readings["time"] = readings["time"].dt.strftime("%Y-%m-%d %H:%M")

    zone_rows = [
        {
            "meter_id": z["meter_id"],
            "name": z["name"],
            "parent_id": spec["meter_id"],
            "level": "zone",
            "zone": z["zone"],
            "reading_type": "interval",
        }
        for z in park["zones"]
    ]
    meters = pd.DataFrame(
        [
            {
                "meter_id": spec["meter_id"],
                "name": spec["name"],
                "level": "park",
                "reading_type": "cumulative",
                "rollover": spec["rollover"],
            },
            *zone_rows,
            {
                "meter_id": sorter["meter_id"],
                "name": sorter["name"],
                "parent_id": sort_zone,
                "level": "equipment",
                "zone": "sorting",
                "reading_type": "interval",
                "output_unit": sorter["output_unit"],
            },
            {
                "meter_id": park["pv_meter"]["meter_id"],
                "name": park["pv_meter"]["name"],
                "level": "equipment",
                "reading_type": "interval",
                "role": "generation",
            },
        ]
    ).assign(facility_id=facility, medium="electricity", unit="kWh", interval_minutes=15)
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    parcels = sorter["parcels_per_day"] * rng.normal(1.0, 0.06, len(days))
    output = pd.DataFrame(
        {
            "meter_id": sorter["meter_id"],
            "date": days.strftime("%Y-%m-%d"),
            "quantity": np.round(parcels),
        }
    )
    design = park["design"]
    designs = pd.DataFrame(
        [
            {
                "facility_id": facility,
                "name": (
                    f"{design['pv_kwp'] / 1000:g} MWp PV, "
                    f"{design['battery_kwh'] / 1000:g} MWh battery"
                ),
                **park["place"],
                **{
                    k: design[k]
                    for k in (
                        "pv_kwp",
                        "tilt",
                        "azimuth",
                        "derating",
                        "battery_kwh",
                        "battery_kw",
                        "round_trip_efficiency",
                        "tariff",
                    )
                },
            }
        ]
    )
    return {
        "meters": meters,
        "meter_readings": readings,
        "equipment_output": output,
        "park_designs": designs,
    }


def _planted_faults(readings: pd.DataFrame, faults: dict[str, Any]) -> pd.DataFrame:
    """A meter offline for some hours (its readings dropped) and one spike."""
    gap = faults["gap"]
    start = pd.Timestamp(gap["start"])
    offline = (
        (readings["meter_id"] == gap["meter_id"])
        & (readings["time"] > start)
        & (readings["time"] <= start + pd.Timedelta(hours=gap["hours"]))
    )
    spike = faults["spike"]
    at = (readings["meter_id"] == spike["meter_id"]) & (
        readings["time"] == pd.Timestamp(spike["time"])
    )
    readings.loc[at, "value"] = readings.loc[at, "value"] * spike["factor"]
    return readings[~offline].reset_index(drop=True)


def park_fleet(company: dict[str, Any], charging_kwh_per_day: float) -> pd.DataFrame:
    """The park's trucks charged overnight, one session a truck a night, sharing the energy
    the charging zone drew in a day; every ``v2g_every``-th truck can give power back."""
    fleet, year = company["park"]["fleet"], int(company["year"])
    nights = pd.date_range(
        f"{year}-01-01 {fleet['arrive']}", f"{year}-12-30 {fleet['arrive']}", freq="D"
    )
    energy = charging_kwh_per_day / fleet["trucks"]
    rows = [
        {
            "session_id": f"TRUCK-{k:02d}-{night:%m%d}",
            "arrival": night,
            "departure": night + pd.Timedelta(hours=fleet["hours"]),
            "energy_kwh": energy,
            "max_kw": fleet["charger_kw"],
            "v2g_kw": fleet["v2g_kw"] if k % fleet["v2g_every"] == 0 else 0,
        }
        for night in nights
        for k in range(fleet["trucks"])
    ]
    return pd.DataFrame(rows)
