"""Dispatch benchmark: a park's microgrid for a whole year at 15 minutes (35,040 steps) as one
linear programme, built by linopy and solved by HiGHS.

    python benchmarks/dispatch.py                   # one year, 15-minute steps
    python benchmarks/dispatch.py --steps-per-hour 1 --repeat 3

The park: 2 MWp of rooftop PV on the TMY3 year pvlib bundles (Greensboro, NC: the only typical
year here), a synthetic logistics load (1.5 MW base, 0.8 MW day shape, noise), 10 % of it
sheddable, a 4 MWh / 1 MW battery (90 % round trip, 10-95 % state of charge, wear 0.05 per
kWh), a 2.5 MW import limit, no export, the illustrative time-of-use tariff with its demand
charge, and ``--evs`` electric trucks parked each night (19:00 to 06:00, 150 kWh each on a
60 kW charger; a quarter of them with 30 kW of V2G). Prints wall and CPU time of the build
and the solve, the problem's size, the peak resident memory and the totals, as JSON, so a
run is seen to solve the whole year.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from carbonledger.energy import (
    Battery,
    EVFleet,
    PVSystem,
    Site,
    Sizing,
    dispatch,
    load_tariff,
    pv_power,
    read_weather,
    size,
)

WEATHER = Path(__file__).resolve().parents[2] / "shared/data/pvlib_bundled_weather/723170TYA.CSV"


def park(steps_per_hour: int) -> tuple[Site, Battery]:
    """The benchmark's park on a year of ``steps_per_hour`` steps an hour."""
    weather, site = read_weather(WEATHER, 2025)
    hourly = pv_power(weather, site["latitude"], site["longitude"], PVSystem(2_000, 20, 180))
    times = pd.date_range(
        "2025-01-01", periods=8_760 * steps_per_hour, freq=f"{60 // steps_per_hour}min"
    )
    hour = np.asarray(times.hour + times.minute / 60)
    noise = np.random.default_rng(7).random(len(times))
    load = pd.Series(
        1_500 + 800 * np.sin(np.pi * (hour - 6) / 12).clip(0) + 100 * noise, index=times
    )
    tariff = load_tariff("illustrative_tou")
    return (
        Site(
            load=load,
            import_price=tariff.import_prices(times),
            grid_factor=pd.Series(0.5703, index=times),  # MEE 2022 national average [kg/kWh]
            pv=pd.Series(np.repeat(hourly.to_numpy(), steps_per_hour), index=times),
            sheddable=0.1 * load,
            import_limit=2_500,
            demand_charge=tariff.demand_charge,
            value_of_lost_load=5,
        ),
        Battery(4_000, 1_000, 0.9, soc_min=0.1, soc_max=0.95, degradation_cost=0.05),
    )


def fleet(trucks: int) -> EVFleet:
    """``trucks`` overnight sessions a night over the year."""
    nights = pd.date_range("2025-01-01 19:00", "2025-12-30 19:00", freq="1D")
    rows = [
        {
            "session_id": f"T{k}-{night:%m%d}",
            "arrival": night,
            "departure": night + pd.Timedelta(hours=11),
            "energy_kwh": 150,
            "max_kw": 60,
            "v2g_kw": 30 if k % 4 == 0 else 0,
        }
        for night in nights
        for k in range(trucks)
    ]
    return EVFleet(pd.DataFrame(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps-per-hour", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--evs", type=int, default=40, help="trucks charging each night")
    parser.add_argument(
        "--size",
        action="store_true",
        help="choose PV kWp and battery kWh and kW too (illustrative capex, 15 years at 6 %%)",
    )
    args = parser.parse_args()
    site, battery = park(args.steps_per_hour)
    trucks = fleet(args.evs) if args.evs else None
    if args.size:
        per_kwp = replace(site, pv=site.pv / 2_000)  # the 2 MWp profile per kWp
        costs = Sizing(3_500, 6_000, 1_000, 400, 20_000, lifetime_years=15, discount_rate=0.06)
        wall, cpu = time.perf_counter(), time.process_time()
        case = size(per_kwp, battery, costs, fleet=trucks)
        keep = ("pv_kwp", "battery_kwh", "battery_kw", "capex", "annual_savings", "npv")
        print(
            json.dumps(
                {
                    "wall_s": round(time.perf_counter() - wall, 2),
                    "cpu_s": round(time.process_time() - cpu, 2),
                    **{k: round(case[k]) for k in keep},
                    "payback_years": case["payback_years"] and round(case["payback_years"], 1),
                    "emissions_avoided_t": round(case["emissions_avoided_kg"] / 1_000),
                }
            )
        )
        return
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = dispatch(site, battery, fleet=trucks)
        figures = {
            "status": result.status,
            "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            **{k: round(v, 2) for k, v in result.figures.items()},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "import_mwh": round(result.totals["import_kwh"] / 1_000, 1),
            "pv_used_mwh": round(result.totals["pv_used_kwh"] / 1_000, 1),
            "shed_mwh": round(result.totals["shed_kwh"] / 1_000, 1),
            "ev_sessions": len(trucks.sessions) if trucks else 0,
            "ev_charged_mwh": round(result.totals["ev_charged_kwh"] / 1_000, 1),
            "v2g_mwh": round(result.totals["ev_discharged_kwh"] / 1_000, 1),
            "objective": round(result.totals["objective"]),
        }
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
