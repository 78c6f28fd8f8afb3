"""``carbonledger park dispatch``: the microgrid of the park-energy room."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption

__all__ = ["dispatch_command", "size_command"]


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


def size_command(
    load: Annotated[
        Path, typer.Argument(help="CSV of time, load_kw [, sheddable_kw, grid_factor].")
    ],
    region: Annotated[str, typer.Option(help="Grid region for the factor (CN-ZJ, US, GB ...).")],
    year: Annotated[int, typer.Option(help="Year of the grid factor and the weather.")],
    weather: Annotated[Path, typer.Option(help="TMY3 or EPW weather for the PV.")],
    pv_capex: Annotated[float, typer.Option(help="PV cost [currency / kWp].")],
    pv_max_kwp: Annotated[float, typer.Option(help="Largest array the roofs hold [kWp].")],
    battery_kwh_capex: Annotated[float, typer.Option(help="Battery energy cost [currency / kWh].")],
    battery_kw_capex: Annotated[float, typer.Option(help="Battery power cost [currency / kW].")],
    battery_max_kwh: Annotated[float, typer.Option(help="Largest battery [kWh].")],
    lifetime: Annotated[int, typer.Option(help="Economic life [years].")],
    discount_rate: Annotated[float, typer.Option(help="Discount rate [fraction a year].")],
    tilt: Annotated[float, typer.Option(help="PV tilt [°].")] = 20,
    azimuth: Annotated[float, typer.Option(help="PV azimuth, clockwise from north [°].")] = 180,
    efficiency: Annotated[float, typer.Option(help="Battery round-trip efficiency [-].")] = 1,
    tariff: Annotated[
        str, typer.Option(help="Tariff id (illustrative_tou) or a tariff YAML file.")
    ] = "illustrative_tou",
    carbon_price: Annotated[
        float, typer.Option(help="Weight of emissions [currency / kg CO2e]; 0: least cost.")
    ] = 0,
    as_measure: Annotated[
        Path | None,
        typer.Option(help="Folder to write the design as measures.csv and measure_inputs.csv."),
    ] = None,
    measure_id: Annotated[str, typer.Option(help="Id of the measure written.")] = "PV-SIZED",
    facility: Annotated[str | None, typer.Option(help="Facility of the measure.")] = None,
    start_year: Annotated[int | None, typer.Option(help="First year of the measure.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Size PV kWp and battery kWh and kW in the dispatch LP (capacities as decision
    variables at their annualised cost) over the hourly load: savings, NPV, payback and the
    emissions avoided; ``--as-measure`` writes the design for the plan room.

    Example: [bold]carbonledger park size load.csv --region CN-ZJ --year 2023 --weather tmy.csv
    --pv-capex 3500 --pv-max-kwp 5000 --battery-kwh-capex 1200 --battery-kw-capex 600
    --battery-max-kwh 10000 --lifetime 20 --discount-rate 0.06[/]
    """
    with fail_cleanly(as_json):
        import pandas as pd

        sizing = app.Sizing(
            pv_capex,
            pv_max_kwp,
            battery_kwh_capex,
            battery_kw_capex,
            battery_max_kwh,
            lifetime,
            discount_rate,
        )
        found = app.park_size(
            load,
            region,
            year,
            sizing,
            weather=weather,
            tilt=tilt,
            azimuth=azimuth,
            round_trip_efficiency=efficiency,
            tariff=tariff,
            carbon_price=carbon_price,
        )
        if as_measure is not None:
            if facility is None:
                raise typer.BadParameter("--as-measure needs --facility")
            rows = app.sizing_measure(
                found, measure_id, facility, start_year or year + 1, lifetime, discount_rate
            )
            as_measure.mkdir(parents=True, exist_ok=True)
            for kind, table in rows.items():
                pd.DataFrame(table).to_csv(as_measure / f"{kind}.csv", index=False)
            found["measure_files"] = [str(as_measure / f"{k}.csv") for k in rows]
    if as_json:
        emit_json(found)
        return
    currency = found["tariff"]["currency"]
    payback = found["payback_years"]
    rows_out = [
        ("PV [kWp]", found["pv_kwp"]),
        ("battery [kWh]", found["battery_kwh"]),
        ("battery [kW]", found["battery_kw"]),
        (f"capex [{currency}]", found["capex"]),
        (f"savings [{currency} / year]", found["annual_savings"]),
        (f"NPV [{currency}]", found["npv"]),
        ("payback [years]", payback if payback is not None else "never"),
        ("emissions avoided [kg CO2e / year]", found["emissions_avoided_kg"]),
    ]
    console.print(
        rich_table(f"Sizing over {found['steps']:,} hourly steps", ["figure", "value"], rows_out)
    )
    for path in found.get("measure_files", []):
        console.print(f"wrote {path}: import it to plan the design")
