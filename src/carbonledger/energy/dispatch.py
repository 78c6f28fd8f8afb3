"""Microgrid dispatch as a linear programme (linopy, solved by HiGHS): a park's load, its PV and
a battery against the grid under a time-of-use tariff, with an import limit, an export limit
or no export, and shedding of non-priority load when supply is short.

Per step ``t`` of length ``dt`` [h], all powers [kW] and non-negative::

    pv_used + grid_import + discharge + shed + ev_discharge
        = load + charge + grid_export + ev_charge
    soc[t] = soc[t-1] + (eta * charge - discharge / eta) * dt      (eta = sqrt(round trip))
    soc_min * E <= soc <= soc_max * E,  charge, discharge <= P,  pv_used <= pv
    grid_import <= import limit,  grid_export <= export limit (0 where export is refused)
    shed <= the non-priority part of the load,  peak[month] >= grid_import
    soc before the first step = soc at the last (cyclic: the battery is not emptied to
    flatter the period)

and the objective is the energy bill (import price, export price, the demand charge on each
month's peak), the battery's degradation cost per kWh discharged, the value of lost load on
what is shed, and a carbon price on the grid's emissions [currency / kg CO2e]: ``0`` minimises
cost, a large one minimises carbon, anything between is the weighted mix.

Examples
--------
>>> import pandas as pd
>>> times = pd.date_range("2025-01-01", periods=4, freq="1h")
>>> site = Site(load=pd.Series([10.0, 10.0, 10.0, 10.0], index=times),
...             import_price=pd.Series([0.3, 0.3, 1.2, 1.2], index=times),
...             grid_factor=pd.Series([0.5, 0.5, 0.5, 0.5], index=times))
>>> battery = Battery(capacity=20.0, power=10.0, round_trip_efficiency=1.0)
>>> result = dispatch(site, battery)
>>> [round(x, 6) for x in result.series["grid_import"]]  # buy at 0.3 to cover the peak
[20.0, 20.0, 0.0, 0.0]
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from carbonledger.errors import CarbonLedgerError

__all__ = ["Battery", "DispatchResult", "EVFleet", "Site", "Sizing", "dispatch"]


@dataclass(frozen=True)
class Battery:
    """A battery.

    Attributes
    ----------
    capacity : float
        Usable energy at 100 % state of charge [kWh].
    power : float
        Largest charge or discharge [kW].
    round_trip_efficiency : float
        Energy out over energy in [-], split evenly between charging and discharging.
    soc_min, soc_max : float
        State-of-charge limits [-].
    degradation_cost : float
        Wear per kWh discharged [currency / kWh].
    """

    capacity: float
    power: float
    round_trip_efficiency: float
    soc_min: float = 0
    soc_max: float = 1
    degradation_cost: float = 0


@dataclass(frozen=True)
class Site:
    """What the park needs and what it is offered, on one time index.

    Attributes
    ----------
    load : Series
        Demand [kW].
    import_price : Series
        Energy price of imports [currency / kWh].
    grid_factor : Series
        Emissions of imported electricity [kg CO2e / kWh] (hourly where the user has them,
        else the annual average).
    pv : Series, optional
        PV output available [kW] (curtailed where it cannot be used or sold).
    sheddable : Series, optional
        Non-priority part of the load that may be shed [kW].
    export_price : float or Series or None
        Paid per kWh exported [currency / kWh]; None: no export.
    import_limit, export_limit : float or None
        Grid connection limits [kW]; None: unlimited.
    demand_charge : float
        Per kW of each month's highest import [currency / kW / month].
    value_of_lost_load : float
        Cost of each kWh shed [currency / kWh].
    """

    load: pd.Series
    import_price: pd.Series
    grid_factor: pd.Series
    pv: pd.Series | None = None
    sheddable: pd.Series | None = None
    export_price: float | pd.Series | None = None
    import_limit: float | None = None
    export_limit: float | None = None
    demand_charge: float = 0
    value_of_lost_load: float = 0


@dataclass
class DispatchResult:
    """The optimal dispatch and its totals.

    Attributes
    ----------
    series : DataFrame
        Per step [kW; ``soc`` kWh]: grid_import, grid_export, charge, discharge, soc, pv_used,
        curtailed, shed, load.
    totals : dict of str to float
        ``import_kwh``, ``export_kwh``, ``pv_used_kwh``, ``curtailed_kwh``, ``shed_kwh``,
        ``charged_kwh``, ``discharged_kwh``, ``emissions_kg`` (imports at the grid factor),
        ``energy_cost``, ``demand_cost``, ``export_revenue``, ``degradation_cost``,
        ``shed_cost``, ``objective`` [currency], and the peaks by month [kW].
    status : str
        The solver's termination condition.
    figures : dict of str to float
        Steps, variables, constraints, build and solve time [s].
    """

    series: pd.DataFrame
    totals: dict[str, Any]
    status: str
    figures: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class EVFleet:
    """Charging sessions of a park's electric vehicles.

    Attributes
    ----------
    sessions : DataFrame
        One row a session: ``session_id``, ``arrival`` and ``departure`` (times), ``energy_kwh``
        (needed by departure), ``max_kw`` (the charger's power) and, where the vehicle may
        give energy back (V2G), ``v2g_kw``. A departure after the period is taken as its end
        (the energy is due by then).

    Notes
    -----
    The fleet enters the programme as one aggregate (the flexibility envelope): at each step
    its charging is at most the power of the chargers in use, and the energy delivered so far
    lies between what the sessions must have received by then (charging as late as possible)
    and what they could have (as early as possible). V2G gives back only energy charged in
    the park, within the connected vehicles' V2G power.
    """

    sessions: pd.DataFrame

    def envelopes(
        self, index: pd.DatetimeIndex, dt: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per step: chargers' power and V2G power connected [kW], and the least and most
        energy delivered by the end of the step [kWh].

        Raises
        ------
        CarbonLedgerError
            For a session outside the period or needing more than its charger can give in its
            stay, naming it.
        """
        n = len(index)
        power, v2g, lower, upper = (np.zeros(n) for _ in range(4))
        done_by = np.zeros(n + 1)  # energy of sessions gone before each step (summed below)
        for row in self.sessions.to_dict("records"):
            name, energy, kw = row["session_id"], float(row["energy_kwh"]), float(row["max_kw"])
            start = int(index.searchsorted(pd.Timestamp(row["arrival"])))
            end = int(index.searchsorted(pd.Timestamp(row["departure"])))
            if start >= n or end <= start:
                raise CarbonLedgerError(
                    f"EV session {name}: {row['arrival']} to {row['departure']} is not "
                    f"within the period {index[0]} to {index[-1]}"
                )
            stay = end - start
            if energy > kw * dt * stay:
                raise CarbonLedgerError(
                    f"EV session {name}: {energy} kWh needed, at most {kw * dt * stay} kWh in "
                    f"its stay at {kw} kW"
                )
            done = np.arange(1, stay + 1)
            power[start:end] += kw
            v2g[start:end] += float(row.get("v2g_kw") or 0)
            upper[start:end] += np.minimum(energy, kw * dt * done)
            lower[start:end] += np.maximum(0, energy - kw * dt * (stay - done))
            done_by[end] += energy
        gone = np.cumsum(done_by)[:n]
        lower += gone
        upper += gone
        return power, v2g, lower, upper


@dataclass(frozen=True)
class Sizing:
    """PV and battery sizes left to the programme, with their annualised capital cost.

    With a sizing, ``Site.pv`` is the output of one kWp [kW / kWp] and the battery given to
    :func:`dispatch` says only its technology (efficiency, state-of-charge limits, wear): its
    capacity and power are chosen.

    Attributes
    ----------
    pv_capex : float
        [currency / kWp]; ``pv_max_kwp`` the roof's limit [kWp].
    battery_energy_capex, battery_power_capex : float
        [currency / kWh], [currency / kW]; ``battery_max_kwh`` the largest battery [kWh].
    lifetime_years, discount_rate : float
        Economic life [years] and discount rate [-] of the annuity.
    charger_kw, charger_capex : float
        With a fleet: the power of one charger [kW] and its cost [currency / charger]; the
        programme then chooses how many chargers to build (every vehicle charging or giving
        back at a step uses one's power). The count is the LP's continuous relaxation; the
        result reports it rounded up (``chargers``), which can only loosen the constraint,
        and prices that whole number. 0 kW: the sessions' own chargers, not sized.
    """

    pv_capex: float
    pv_max_kwp: float
    battery_energy_capex: float
    battery_power_capex: float
    battery_max_kwh: float
    lifetime_years: float
    discount_rate: float
    charger_kw: float = 0
    charger_capex: float = 0

    def annuity(self) -> float:
        """Capital recovery factor: the share of a capital cost paid each year [-]."""
        r, n = self.discount_rate, self.lifetime_years
        return 1 / n if r == 0 else r / (1 - (1 + r) ** -n)


def _aligned(name: str, series: pd.Series | None, index: pd.DatetimeIndex) -> np.ndarray:
    if series is None:
        return np.zeros(len(index))
    if not series.index.equals(index):
        raise CarbonLedgerError(f"{name}: its times are not the load's ({len(series)} steps)")
    values = series.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise CarbonLedgerError(f"{name}: {int(np.isnan(values).sum())} steps without a value")
    return values


def _step_hours(index: pd.DatetimeIndex) -> float:
    steps = pd.Series(index).diff().iloc[1:]
    if len(index) < 2 or steps.nunique() != 1:
        raise CarbonLedgerError("the load's times must be evenly spaced (at least two steps)")
    return float(steps.iloc[0] / pd.Timedelta(hours=1))


@cache
def _highs_greeted() -> None:
    """HiGHS prints its banner to the process's standard output the first time a solver is
    made, whatever the options say; make that first one here with the output closed, so no
    banner lands in a command's JSON."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with Path(os.devnull).open("w") as sink:
            os.dup2(sink.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def dispatch(
    site: Site,
    battery: Battery | None = None,
    carbon_price: float = 0,
    solver_options: dict[str, Any] | None = None,
    fleet: EVFleet | None = None,
    sizing: Sizing | None = None,
) -> DispatchResult:
    """The least-cost (or least-carbon, or weighted) dispatch of ``site`` with ``battery``.

    Parameters
    ----------
    carbon_price : float
        Weight of the grid's emissions in the objective [currency / kg CO2e].
    fleet : EVFleet, optional
        Electric vehicles to charge (and, with V2G, to discharge) while parked.
    sizing : Sizing, optional
        Choose the PV kWp and the battery's kWh and kW too, paying their annualised capital
        cost for the period's share of a year (``totals``: ``pv_kwp``, ``battery_kwh``,
        ``battery_kw``, ``capex_annualised``).

    Raises
    ------
    CarbonLedgerError
        For inputs on other times than the load, missing values, or an infeasible problem
        (say, a load above the import limit with nothing to shed), naming the cause.
    """
    started = time.process_time()
    index = pd.DatetimeIndex(site.load.index)
    dt = _step_hours(index)
    load = _aligned("load", site.load, index)
    pv = _aligned("pv", site.pv, index)
    price = _aligned("import_price", site.import_price, index)
    factor = _aligned("grid_factor", site.grid_factor, index)
    sheddable = np.minimum(_aligned("sheddable", site.sheddable, index), load)
    if sheddable.any() and site.value_of_lost_load <= 0:
        raise CarbonLedgerError(
            "sheddable load without a value of lost load: shedding would be free and the "
            "optimum would shed it; give the cost of each kWh shed"
        )
    exporting = site.export_price is not None and site.export_limit != 0
    export_price = (
        _aligned("export_price", site.export_price, index)
        if isinstance(site.export_price, pd.Series)
        else np.full(len(index), float(site.export_price or 0))
    )

    m = linopy.Model()
    t = pd.RangeIndex(len(index), name="time")
    inf = np.inf
    grid_import = m.add_variables(0, site.import_limit or inf, coords=[t], name="grid_import")
    grid_export = m.add_variables(
        0, (site.export_limit or inf) if exporting else 0, coords=[t], name="grid_export"
    )
    period_share = len(index) * dt / 8_760  # of a year: the annuity is paid by the year
    pv_used = m.add_variables(0, inf if sizing else pv, coords=[t], name="pv_used")
    if sizing is not None:
        annuity = sizing.annuity() * period_share
        pv_kwp = m.add_variables(0, sizing.pv_max_kwp, name="pv_kwp")
        m.add_constraints(pv_used - pv_kwp * xr.DataArray(pv, coords=[t]) <= 0, name="pv_size")
    shed = m.add_variables(0, sheddable, coords=[t], name="shed")
    supply = pv_used + grid_import + shed - grid_export
    objective = ((price + carbon_price * factor) * dt * grid_import).sum()
    objective += (site.value_of_lost_load * dt * shed).sum()
    objective -= (export_price * dt * grid_export).sum()
    if sizing is not None and battery is None:
        raise CarbonLedgerError("sizing a battery needs its technology: give a Battery")
    if battery is not None and (battery.capacity > 0 or sizing is not None):
        eta = float(np.sqrt(battery.round_trip_efficiency))
        sized = sizing is not None
        charge = m.add_variables(0, inf if sized else battery.power, coords=[t], name="charge")
        discharge = m.add_variables(
            0, inf if sized else battery.power, coords=[t], name="discharge"
        )
        soc = m.add_variables(
            0 if sized else battery.soc_min * battery.capacity,
            inf if sized else battery.soc_max * battery.capacity,
            coords=[t],
            name="soc",
        )
        if sizing is not None:
            size_kwh = m.add_variables(0, sizing.battery_max_kwh, name="battery_kwh")
            size_kw = m.add_variables(0, name="battery_kw")
            m.add_constraints(charge - size_kw <= 0, name="charge_size")
            m.add_constraints(discharge - size_kw <= 0, name="discharge_size")
            m.add_constraints(soc - battery.soc_max * size_kwh <= 0, name="soc_max_size")
            m.add_constraints(soc - battery.soc_min * size_kwh >= 0, name="soc_min_size")
            objective += annuity * (
                sizing.pv_capex * pv_kwp
                + sizing.battery_energy_capex * size_kwh
                + sizing.battery_power_capex * size_kw
            )
        # cyclic: the step before the first is the last (roll), so the year ends where it began
        m.add_constraints(
            soc - soc.roll(time=1) - (eta * dt) * charge + (dt / eta) * discharge == 0,
            name="state_of_charge",
        )
        supply = supply + discharge - charge
        objective += (battery.degradation_cost * dt * discharge).sum()
    if fleet is not None and len(fleet.sessions):
        connected, v2g_kw, least, most = fleet.envelopes(index, dt)
        ev_charge = m.add_variables(0, connected, coords=[t], name="ev_charge")
        ev_discharge = m.add_variables(0, v2g_kw, coords=[t], name="ev_discharge")
        delivered = m.add_variables(least, most, coords=[t], name="ev_delivered")
        # energy delivered so far: the step before the first is the last, which holds every
        # session's energy (all depart within the period), hence the first step's offset
        offset = np.zeros(len(t))
        offset[0] = -most[-1]
        m.add_constraints(
            delivered - delivered.roll(time=1) - dt * ev_charge + dt * ev_discharge == offset,
            name="ev_energy",
        )
        supply = supply - ev_charge + ev_discharge
        if sizing is not None and sizing.charger_kw > 0:
            chargers = m.add_variables(0, name="chargers")
            m.add_constraints(
                ev_charge + ev_discharge - sizing.charger_kw * chargers <= 0, name="charger_size"
            )
            objective += annuity * sizing.charger_capex * chargers
    m.add_constraints(supply == load, name="balance")
    months = index.to_period("M")
    peaks = []
    if site.demand_charge:
        month_ids = pd.Index(months.unique().astype(str), name="month")
        peak = m.add_variables(0, coords=[month_ids], name="peak")
        # each step's import under its month's peak, in one vectorised selection
        month_of_step = xr.DataArray(np.asarray(months.astype(str)), coords=[t])
        m.add_constraints(grid_import - peak.sel(month=month_of_step) <= 0, name="peak")
        objective += (site.demand_charge * peak).sum()
        peaks = list(month_ids)
    m.add_objective(objective)
    built = time.process_time()
    _highs_greeted()
    options = {"output_flag": False, "log_to_console": False} | (solver_options or {})
    status, condition = m.solve(solver_name="highs", progress=False, **options)
    solved = time.process_time()
    if status != "ok":
        raise CarbonLedgerError(
            f"dispatch: the solver ended {condition!r} ({status}); check that the import "
            "limit, PV, battery and sheddable load can meet the load at every step"
        )

    def value(name: str) -> np.ndarray:
        if name not in m.variables:
            return np.zeros(len(t))
        return m.variables[name].solution.to_numpy() + 0.0  # no -0.0 from the solver

    series = pd.DataFrame(
        {
            "load": load,
            "grid_import": value("grid_import"),
            "grid_export": value("grid_export"),
            "pv_used": value("pv_used"),
            "curtailed": pv - value("pv_used"),
            "charge": value("charge"),
            "discharge": value("discharge"),
            "soc": value("soc"),
            "shed": value("shed"),
            "ev_charge": value("ev_charge"),
            "ev_discharge": value("ev_discharge"),
        },
        index=index,
    )
    energy = series * dt
    peak_values = (
        dict(zip(peaks, m.variables["peak"].solution.to_numpy().tolist(), strict=True))
        if peaks
        else {}
    )
    totals: dict[str, Any] = {
        "import_kwh": float(energy["grid_import"].sum()),
        "export_kwh": float(energy["grid_export"].sum()),
        "pv_used_kwh": float(energy["pv_used"].sum()),
        "curtailed_kwh": float(energy["curtailed"].sum()),
        "shed_kwh": float(energy["shed"].sum()),
        "charged_kwh": float(energy["charge"].sum()),
        "ev_charged_kwh": float(energy["ev_charge"].sum()),
        "ev_discharged_kwh": float(energy["ev_discharge"].sum()),
        "discharged_kwh": float(energy["discharge"].sum()),
        "emissions_kg": float((energy["grid_import"] * factor).sum()),
        "energy_cost": float((energy["grid_import"] * price).sum()),
        "export_revenue": float((energy["grid_export"] * export_price).sum()),
        "demand_cost": float(site.demand_charge * sum(peak_values.values())),
        "degradation_cost": float(
            energy["discharge"].sum() * (battery.degradation_cost if battery else 0)
        ),
        "shed_cost": float(energy["shed"].sum() * site.value_of_lost_load),
        "objective": float(m.objective.value or 0),
        "peaks_kw": peak_values,
    }
    if sizing is not None:
        chosen = {
            k: float(m.variables[k].solution) for k in ("pv_kwp", "battery_kwh", "battery_kw")
        }
        capex = (
            sizing.pv_capex * chosen["pv_kwp"]
            + sizing.battery_energy_capex * chosen["battery_kwh"]
            + sizing.battery_power_capex * chosen["battery_kw"]
        )
        if "chargers" in m.variables:
            relaxed = float(m.variables["chargers"].solution)
            chosen["chargers"] = float(np.ceil(relaxed - 1e-6))
            chosen["chargers_relaxed"] = relaxed
            capex += sizing.charger_capex * chosen["chargers"]
        totals |= chosen | {"capex": capex, "capex_annualised": capex * sizing.annuity()}
    figures = {
        "steps": float(len(t)),
        "variables": float(m.nvars),
        "constraints": float(m.ncons),
        "build_cpu_s": built - started,
        "solve_cpu_s": solved - built,
    }
    return DispatchResult(series, totals, str(condition), figures)
