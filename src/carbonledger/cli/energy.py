"""``carbonledger park dispatch``: the microgrid of the park-energy room."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption

__all__ = ["dispatch_command"]


def dispatch_command(
    load: Annotated[
        Path, typer.Argument(help="CSV of time, load_kw [, sheddable_kw, grid_factor].")
    ],
    region: Annotated[str, typer.Option(help="Grid region for the factor (CN-ZJ, US, GB ...).")],
    year: Annotated[int, typer.Option(help="Year of the grid factor and the weather.")],
    pv_kwp: Annotated[float, typer.Option(help="PV array [kWp]; 0: none.")] = 0,
    tilt: Annotated[float, typer.Option(help="PV tilt [°].")] = 20,
    azimuth: Annotated[float, typer.Option(help="PV azimuth, clockwise from north [°].")] = 180,
    weather: Annotated[Path | None, typer.Option(help="TMY3 or EPW weather for the PV.")] = None,
    derating: Annotated[
        float | None, typer.Option(help="One stated PV system loss [%] (default: PVWatts').")
    ] = None,
    battery_kwh: Annotated[float, typer.Option(help="Battery capacity [kWh]; 0: none.")] = 0,
    battery_kw: Annotated[float, typer.Option(help="Battery power [kW].")] = 0,
    efficiency: Annotated[float, typer.Option(help="Battery round-trip efficiency [-].")] = 1,
    tariff: Annotated[
        str, typer.Option(help="Tariff id (illustrative_tou) or a tariff YAML file.")
    ] = "illustrative_tou",
    import_limit: Annotated[float | None, typer.Option(help="Grid import limit [kW].")] = None,
    value_of_lost_load: Annotated[
        float, typer.Option(help="Cost of each kWh shed [currency / kWh].")
    ] = 0,
    carbon_price: Annotated[
        float, typer.Option(help="Weight of emissions [currency / kg CO2e]; 0: least cost.")
    ] = 0,
    out: Annotated[Path | None, typer.Option(help="Write the dispatch per step as CSV.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Dispatch a park's microgrid (PV, battery, grid under a time-of-use tariff) over a load
    file as a linear programme solved by HiGHS: the bill, the imports and their emissions.

    Example: [bold]carbonledger park dispatch load.csv --region CN-ZJ --year 2023
    --pv-kwp 2000 --weather tmy.csv --battery-kwh 4000 --battery-kw 1000 --efficiency 0.9[/]
    """
    with fail_cleanly(as_json):
        found = app.park_dispatch(
            load,
            region,
            year,
            pv_kwp=pv_kwp,
            tilt=tilt,
            azimuth=azimuth,
            weather=weather,
            derating=derating,
            battery_kwh=battery_kwh,
            battery_kw=battery_kw,
            round_trip_efficiency=efficiency,
            tariff=tariff,
            import_limit=import_limit,
            value_of_lost_load=value_of_lost_load,
            carbon_price=carbon_price,
        )
    series = found.pop("series")
    if out is not None:
        series.to_csv(out, index_label="time")
    if as_json:
        emit_json(found)
        return
    totals, currency = found["totals"], found["tariff"]["currency"]
    rows = [
        ("grid import [kWh]", totals["import_kwh"]),
        ("PV used [kWh]", totals["pv_used_kwh"]),
        ("PV curtailed [kWh]", totals["curtailed_kwh"]),
        ("battery discharged [kWh]", totals["discharged_kwh"]),
        ("load shed [kWh]", totals["shed_kwh"]),
        ("emissions of imports [kg CO2e]", totals["emissions_kg"]),
        (f"energy cost [{currency}]", totals["energy_cost"]),
        (f"demand charge [{currency}]", totals["demand_cost"]),
        (f"export revenue [{currency}]", totals["export_revenue"]),
    ]
    console.print(rich_table(f"Dispatch ({found['status']})", ["figure", "value"], rows))
    factor = found["grid_factor"]
    console.print(f"grid factor: {factor['method']} {', '.join(factor.get('factor_ids', []))}")
    if found["tariff"]["illustrative"]:
        console.print(f"tariff {found['tariff']['id']} is illustrative: give your own file")
