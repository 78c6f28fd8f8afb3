"""Park jobs over the workspace's meters: the readings checked and turned into interval
consumption, any node of the meter tree by any interval, real-time carbon at the hourly grid
factor or the library's annual average, budgets with the month's forecast, the equipment
carbon index, and the monthly electricity records the inventory's scope 2 is built from."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from carbonledger.app.data import ImportResult, import_file, import_rows
from carbonledger.app.energy import GRID_KEY, park_dispatch
from carbonledger.app.factors import estimate
from carbonledger.energy.carbon import forecast_month, hourly_factor_on, month_budget
from carbonledger.energy.meters import (
    MeterSeries,
    MeterTree,
    aggregate,
    bin_starts,
    meter_rules,
    read_series,
)
from carbonledger.engine import sql_connection
from carbonledger.errors import CarbonLedgerError
from carbonledger.methods.scope1_2 import reference_region
from carbonledger.plan.targets import Target, TargetKind, latest_versions
from carbonledger.run import read_reference, workspace_library, workspace_policy
from carbonledger.store import Workspace

__all__ = [
    "ParkSeries",
    "import_park_electricity",
    "import_readings",
    "park_budgets",
    "park_carbon",
    "park_check",
    "park_context",
    "park_electricity_records",
    "park_index",
    "park_load",
    "park_node",
    "park_series",
]

#: Findings listed in full by ``park_check`` (the rest are counted in its summary).
LISTED_FINDINGS = 200


@dataclass(frozen=True)
class ParkSeries:
    """A park's meters and their interval consumption for a period.

    Attributes
    ----------
    tree : MeterTree
    series : MeterSeries
        Intervals whose start lies in the period.
    period : str or None
        ``YYYY``, ``YYYY-MM`` or None for every reading.
    """

    tree: MeterTree
    series: MeterSeries
    period: str | None

    def starts(self) -> pd.Series:
        """Each interval's start."""
        intervals = self.series.intervals
        minutes = intervals["meter_id"].map(self.tree.frame["interval_minutes"]).astype("int64")
        return intervals["time"] - pd.to_timedelta(minutes.to_numpy(), unit="min")


def _bounds(period: str | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if period is None:
        return None
    try:
        start = pd.Period(period, freq="M" if len(period) == 7 else "Y")
    except ValueError as exc:
        raise CarbonLedgerError(f"period {period!r}: expected YYYY or YYYY-MM") from exc
    return start.start_time, (start + 1).start_time


def _meters(workspace: Workspace) -> pd.DataFrame:
    meters = read_reference(workspace, "meters").to_pandas()
    if meters.empty:
        raise CarbonLedgerError("no meters imported: import the meters kind first")
    return meters


def _readings(
    workspace: Workspace, bounds: tuple[pd.Timestamp, pd.Timestamp] | None
) -> pd.DataFrame:
    """Every batch's readings (their hashes verified), in the period's bounds: from the
    reading at its start (a cumulative meter's baseline) to the one closing its last interval."""
    paths = [str(path) for _, path in workspace.batch_paths("meter_readings")]
    if not paths:
        raise CarbonLedgerError("no meter_readings imported")
    where = ""
    if bounds is not None:
        where = f"WHERE time >= TIMESTAMP '{bounds[0]}' AND time <= TIMESTAMP '{bounds[1]}'"
    con = sql_connection()
    try:
        sql = "SELECT meter_id, CAST(time AS TIMESTAMP_S) AS time, value "
        sql += f"FROM read_parquet($paths) {where}"
        table = con.sql(sql, params={"paths": paths}).to_arrow_table()
    finally:
        con.close()
    # meter ids as a dictionary: 35 M readings name a thousand meters
    ids = pc.dictionary_encode(table["meter_id"])
    return table.set_column(0, "meter_id", ids).to_pandas()


#: Readings read into intervals at a time (whole meters each time): bounds the working memory.
READINGS_PER_PART = 5_000_000


def _read_in_parts(
    meters: pd.DataFrame, readings: pd.DataFrame, rules: dict[str, Any], fill: str
) -> MeterSeries:
    """:func:`read_series` a group of whole meters at a time, the results put together."""
    counts = readings["meter_id"].value_counts(sort=False)
    part = np.cumsum(counts.to_numpy()) // READINGS_PER_PART
    if len(counts) == 0 or part[-1] == 0:
        return read_series(meters, readings, rules, fill)
    groups = pd.Series(part, index=counts.index)
    parts = [
        read_series(meters, readings[readings["meter_id"].isin(ids.index)], rules, fill)
        for _, ids in groups.groupby(groups.to_numpy())
    ]
    return MeterSeries(
        pd.concat([p.intervals for p in parts], ignore_index=True),
        pd.concat([p.findings for p in parts], ignore_index=True),
        fill,
        len(readings),
    )


def park_series(
    workspace: Workspace,
    period: str | None = None,
    fill: str = "none",
    rules_file: str | Path | None = None,
) -> ParkSeries:
    """The park's interval consumption for a period (default: every reading).

    Parameters
    ----------
    workspace : Workspace
    period : str, optional
        ``YYYY`` or ``YYYY-MM``: intervals starting in it.
    fill : str
        Gap-filling policy (:data:`carbonledger.energy.meters.FILL_POLICIES`).
    rules_file : path, optional
        Meter rules of the user's (default: the packaged ones).
    """
    meters = _meters(workspace)
    bounds = _bounds(period)
    series = _read_in_parts(meters, _readings(workspace, bounds), meter_rules(rules_file), fill)
    park = ParkSeries(MeterTree(meters), series, period)
    if bounds is None:
        return park
    inside = ((park.starts() >= bounds[0]) & (park.starts() < bounds[1])).to_numpy()
    kept = MeterSeries(
        series.intervals[inside].reset_index(drop=True), series.findings, fill, series.readings
    )
    return ParkSeries(park.tree, kept, period)


def park_check(
    workspace: Workspace,
    period: str | None = None,
    fill: str = "none",
    rules_file: str | Path | None = None,
) -> dict[str, Any]:
    """What reading the meters found: counts by meter and check, and the first findings.

    Returns
    -------
    dict
        ``readings``, ``intervals``, ``filled``, ``fill``, ``summary`` (by meter and check),
        ``findings`` (the first :data:`LISTED_FINDINGS`, by meter and time), ``omitted``.
    """
    park = park_series(workspace, period, fill, rules_file)
    series = park.series
    findings = series.findings
    listed = findings.head(LISTED_FINDINGS).assign(time=lambda f: f["time"].astype(str))
    return {
        "period": period,
        "readings": series.readings,
        "intervals": len(series.intervals),
        "filled": series.filled,
        "fill": fill,
        "summary": series.summary().to_dict("records"),
        "findings": listed.to_dict("records"),
        "omitted": max(0, len(findings) - LISTED_FINDINGS),
    }


def park_node(
    workspace: Workspace,
    node: str,
    freq: str = "h",
    period: str | None = None,
    fill: str = "none",
    park: ParkSeries | None = None,
) -> dict[str, Any]:
    """A node of the meter tree by interval, reconciled with its sub-meters.

    Returns
    -------
    dict
        ``node``, ``medium``, ``unit``, ``freq``, ``fill``, ``children``, ``totals``
        (metered, submetered, unmetered, unmetered share) and ``rows`` (one per bin).
    """
    park = park or park_series(workspace, period, fill)
    frame = aggregate(park.series, park.tree, node, freq)
    unit = park.tree.canonical_units()[node]
    metered = float(frame["metered"].sum())
    unmetered = float(frame["unmetered"].sum())
    rows = frame.reset_index().assign(start=lambda f: f["start"].astype(str))
    return {
        "node": node,
        "medium": park.tree.frame.at[node, "medium"],
        "unit": unit,
        "freq": freq,
        "fill": park.series.fill,
        "children": park.tree.children(node),
        "totals": {
            "metered": metered,
            "submetered": float(frame["submetered"].sum()),
            "unmetered": unmetered,
            "unmetered_share": unmetered / metered if metered else None,
        },
        "rows": rows.replace({np.nan: None}).to_dict("records"),
    }


def _facility_regions(workspace: Workspace) -> dict[str, str]:
    facilities = read_reference(workspace, "facilities").to_pylist()
    return {row["facility_id"]: reference_region(row) for row in facilities}


def _grid_meters(tree: MeterTree, role: str = "consumption") -> list[str]:
    """The main electricity meters: what the park draws from the grid (``consumption``), or
    what it generates on site (``generation``)."""
    return [
        m
        for m in tree.roots()
        if tree.text(m, "medium") == "electricity" and tree.text(m, "role") == role
    ]


def _facility_grid_meters(tree: MeterTree, facility_id: str) -> list[str]:
    """A facility's main consumption meters."""
    return [m for m in _grid_meters(tree) if tree.facility(m) == facility_id]


def _budget_meters(tree: MeterTree, target: Target) -> list[str]:
    """The meters a budget covers: its zone's top meters, or its facility's main meters."""
    assert target.facility_id is not None
    if target.zone:
        return _zone_meters(tree, target.facility_id, target.zone)
    return _facility_grid_meters(tree, target.facility_id)


def park_carbon(
    workspace: Workspace,
    period: str,
    factor: str = "auto",
    basis: str = "average",
    fill: str = "none",
    park: ParkSeries | None = None,
) -> dict[str, Any]:
    """Emissions of the park's grid electricity per interval, by day and month, for each
    facility's main meters.

    Parameters
    ----------
    workspace : Workspace
    period : str
        ``YYYY`` or ``YYYY-MM``.
    factor : {"auto", "hourly", "annual"}
        ``hourly``: the ``grid_factor_series`` of the facility's region and ``basis`` (every
        hour with consumption must have one); ``annual``: the factor library's average for
        the region and year, with its factor ids and release; ``auto``: hourly where the
        region has a series, annual where it has none (recorded per facility).
    basis : {"average", "marginal"}
        Basis of the hourly series.

    Returns
    -------
    dict
        ``facilities`` (each with its method, lineage, ``kwh`` and ``kg_co2e``), ``daily`` and
        ``monthly`` rows, ``intervals`` (a DataFrame: facility, start, kwh, kg_co2e).
    """
    if factor not in ("auto", "hourly", "annual"):
        raise CarbonLedgerError(f"factor {factor!r}: expected auto, hourly or annual")
    park = park or park_series(workspace, period, fill)
    tree = park.tree
    intervals = park.series.intervals
    grid = _grid_meters(tree)
    regions = _facility_regions(workspace)
    series = read_reference(workspace, "grid_factor_series").to_pandas()
    series = series[series["basis"] == basis]
    starts = park.starts()
    parts, facilities = [], []
    for facility_id in sorted({tree.facility(m) for m in grid}):
        if facility_id not in regions:
            raise CarbonLedgerError(f"facility {facility_id} of the meters: not in facilities")
        region = regions[facility_id]
        mine = intervals["meter_id"].isin(_facility_grid_meters(tree, facility_id))
        kwh = intervals.loc[mine, "value"].to_numpy()
        start = starts[mine]
        hourly = series[series["region"] == region]
        if factor == "hourly" or (factor == "auto" and not hourly.empty):
            by_hour = pd.Series(
                hourly["kg_co2e_per_kwh"].to_numpy(), index=pd.DatetimeIndex(hourly["time"])
            )
            per_kwh = hourly_factor_on(
                start, by_hour, f"facility {facility_id} ({region}, {basis})"
            )
            lineage: dict[str, Any] = {
                "method": f"hourly {basis} grid factor",
                "sources": sorted(set(hourly["source"])),
                "gwp_sets": sorted({g for g in hourly["gwp_set"] if g}),
            }
        else:
            per_kwh, lineage = _annual(workspace, region, start)
        kg = kwh * per_kwh
        parts.append(
            pd.DataFrame(
                {"facility": facility_id, "start": start.to_numpy(), "kwh": kwh, "kg_co2e": kg}
            )
        )
        facilities.append(
            {
                "facility": facility_id,
                "region": region,
                "kwh": float(kwh.sum()),
                "kg_co2e": float(kg.sum()),
                **lineage,
            }
        )
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["facility", "start", "kwh", "kg_co2e"])
    )
    return {
        "period": period,
        "fill": park.series.fill,
        "facilities": facilities,
        "daily": _by(frame, "D"),
        "monthly": _by(frame, "M"),
        "intervals": frame,
    }


def _annual(
    workspace: Workspace, region: str, starts: pd.Series
) -> tuple[np.ndarray, dict[str, Any]]:
    """The library's annual grid factor of each interval's year, with its lineage."""
    library, policy = workspace_library(workspace), workspace_policy(workspace.config)
    per_kwh = np.empty(len(starts))
    years = starts.dt.year.to_numpy()
    lineage: dict[str, Any] = {"method": "annual average from the factor library", "years": {}}
    for year in sorted(set(years.tolist())):
        found = estimate(
            GRID_KEY,
            1,
            "kWh",
            region,
            int(year),
            workspace.config.gwp_set,
            policy=policy,
            library=library,
        )
        per_kwh[years == year] = found.co2e
        lineage["years"][str(year)] = {
            "kg_per_kwh": found.co2e,
            "gwp_set": found.gwp_set,
            "factor_ids": [r["factor_id"] for r in found.rows],
            "releases": sorted({r["release_id"] for r in found.rows}),
        }
    return per_kwh, lineage


def _by(frame: pd.DataFrame, freq: str) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    bins = bin_starts(pd.Series(pd.DatetimeIndex(frame["start"])), freq)
    label = bins.dt.strftime("%Y-%m-%d" if freq == "D" else "%Y-%m")
    grouped = frame.groupby([frame["facility"], label.to_numpy()])[["kwh", "kg_co2e"]].sum()
    grouped.index.names = ["facility", "day" if freq == "D" else "month"]
    return [{str(k): v for k, v in row.items()} for row in grouped.reset_index().to_dict("records")]


def _zone_meters(tree: MeterTree, facility_id: str, zone: str) -> list[str]:
    """A zone's top electricity meters: those in the zone whose parent is not."""
    frame = tree.frame
    inside = set(frame.index[(frame["zone"] == zone) & (frame["facility_id"] == facility_id)])
    return [
        m
        for m in inside
        if tree.parent(m) not in inside and tree.text(m, "medium") == "electricity"
    ]


def park_load(
    workspace: Workspace,
    facility_id: str,
    period: str,
    without_zones: Sequence[str] = (),
    fill: str = "linear",
    park: ParkSeries | None = None,
) -> pd.DataFrame:
    """A facility's metered load for the dispatch: the main consumption meters' power per
    interval [kW], less the top meters of ``without_zones`` (a charging zone whose energy the
    dispatch gives to its EV fleet instead), indexed by interval start.

    Raises
    ------
    CarbonLedgerError
        Where an interval has no value (a gap left unfilled).
    """
    park = park or park_series(workspace, period, fill)
    tree, intervals = park.tree, park.series.intervals
    main = _facility_grid_meters(tree, facility_id)
    if not main:
        raise CarbonLedgerError(f"facility {facility_id}: no main electricity meter")
    less = [m for zone in without_zones for m in _zone_meters(tree, facility_id, zone)]
    starts = park.starts()
    hours = intervals["meter_id"].map(tree.frame["interval_minutes"]).astype(float) / 60
    sign = np.where(intervals["meter_id"].isin(less), -1.0, 1.0)
    chosen = intervals["meter_id"].isin(main + less).to_numpy()
    power = (intervals["value"] / hours * sign)[chosen]
    load = power.groupby(starts[chosen].to_numpy()).sum()
    expected = pd.date_range(
        load.index.min(), load.index.max(), freq=load.index.to_series().diff().min()
    )
    if len(expected) != len(load):
        raise CarbonLedgerError(
            f"facility {facility_id}, {period}: {len(expected) - len(load)} interval(s) without "
            "a reading; fill them (fill=linear) before dispatching"
        )
    return pd.DataFrame(
        {"load_kw": load.to_numpy()}, index=pd.DatetimeIndex(load.index, name="time")
    )


def park_budgets(
    workspace: Workspace, month: str, as_of: dt.date | None = None, fill: str = "none"
) -> dict[str, Any]:
    """Each budget target of a zone or facility of the meters for a month: its emissions so
    far (the zone's electricity at the facility's annual grid factor), the month's forecast
    and an alert where the forecast exceeds the month's share of the yearly budget.

    Returns
    -------
    dict
        ``month``, ``as_of``, ``budgets`` (target, zone, budget, so far, forecast, exceeds,
        alert text, methods) and ``alerts`` (the exceeded ones).
    """
    park = park_series(workspace, month, fill)
    tree, intervals = park.tree, park.series.intervals
    starts = park.starts()
    regions = _facility_regions(workspace)
    standing = latest_versions(
        [Target.from_row(r) for r in read_reference(workspace, "targets").to_pylist()]
    )
    year = int(month[:4])
    rows = []
    for target in standing.values():
        if target.kind is not TargetKind.BUDGET or target.facility_id not in regions:
            continue
        if not (target.base_year <= year <= target.target_year):
            continue
        meters = _budget_meters(tree, target)
        if not meters:
            continue
        mine = intervals["meter_id"].isin(meters).to_numpy()
        per_kwh, lineage = _annual(workspace, regions[target.facility_id], starts[mine])
        kg = intervals.loc[mine, "value"].to_numpy() * per_kwh
        daily = pd.Series(kg).groupby(starts[mine].dt.floor("D").to_numpy()).sum()
        assert target.target_value is not None
        budget = month_budget(target.target_value * 1000, month)
        forecast = forecast_month(daily, month, budget, as_of)
        rows.append(
            {
                "target": target.target_id,
                "name": target.name,
                "facility": target.facility_id,
                "zone": target.zone,
                "meters": sorted(meters),
                **forecast.as_dict(),
                "budget_method": "the yearly budget's share by days of the month",
                "grid_factor": lineage,
                "alert": (
                    f"{' '.join(filter(None, (target.facility_id, target.zone)))}: forecast "
                    f"{forecast.forecast / 1000:,.1f} t CO2e for {month} exceeds its budget of "
                    f"{budget / 1000:,.1f} t"
                    if forecast.exceeds
                    else None
                ),
            }
        )
    return {
        "month": month,
        "as_of": None if as_of is None else as_of.isoformat(),
        "budgets": rows,
        "alerts": [r["alert"] for r in rows if r["alert"]],
    }


def park_index(workspace: Workspace, period: str, fill: str = "none") -> dict[str, Any]:
    """The equipment carbon index: each equipment meter's kWh and kg CO2e per unit of its
    output (``equipment_output``) in the period, at its facility's annual grid factor."""
    park = park_series(workspace, period, fill)
    tree, intervals = park.tree, park.series.intervals
    starts = park.starts()
    output = read_reference(workspace, "equipment_output").to_pandas()
    bounds = _bounds(period)
    assert bounds is not None
    day = pd.to_datetime(output["date"])
    output = output[(day >= bounds[0]) & (day < bounds[1])]
    regions = _facility_regions(workspace)
    rows = []
    for meter, produced in output.groupby("meter_id")["quantity"].sum().items():
        if meter not in tree.frame.index:
            raise CarbonLedgerError(f"equipment_output names meter {meter}, not in meters")
        mine = (intervals["meter_id"] == meter).to_numpy()
        kwh = intervals.loc[mine, "value"].to_numpy()
        facility_id = tree.facility(meter)
        per_kwh, lineage = _annual(workspace, regions[facility_id], starts[mine])
        kg = float((kwh * per_kwh).sum())
        total = float(kwh.sum())
        rows.append(
            {
                "meter": meter,
                "name": tree.frame.at[meter, "name"],
                "output": float(produced),
                "output_unit": tree.frame.at[meter, "output_unit"],
                "kwh": total,
                "kg_co2e": kg,
                "kwh_per_unit": total / produced if produced else None,
                "kg_co2e_per_unit": kg / produced if produced else None,
                "grid_factor": lineage,
            }
        )
    return {"period": period, "equipment": rows}


def park_electricity_records(workspace: Workspace, period: str, fill: str = "none") -> pd.DataFrame:
    """Monthly ``electricity`` records of each facility's main electricity meters, the
    inventory's scope 2 built from the meters (``data_source`` meter, ``record_id``
    ``meter:<meter>:<month>``): consumption meters as grid supply, generation meters (rooftop
    PV at its inverter) as ``onsite_generation``, which counts as zero scope 2."""
    park = park_series(workspace, period, fill)
    tree, intervals = park.tree, park.series.intervals
    starts = park.starts()
    rows: list[Mapping[str, Any]] = []
    for role, supply in (("consumption", "grid"), ("generation", "onsite_generation")):
        for meter in _grid_meters(tree, role):
            mine = (intervals["meter_id"] == meter).to_numpy()
            month = starts[mine].dt.strftime("%Y-%m").to_numpy()
            kwh = pd.Series(intervals.loc[mine, "value"].to_numpy()).groupby(month).sum()
            rows += [
                {
                    "record_id": f"meter:{meter}:{label}",
                    "facility_id": tree.facility(meter),
                    "period": label,
                    "quantity": round(float(value), 6),
                    "unit": "kWh",
                    "data_source": "meter",
                    "supply": supply,
                }
                for label, value in kwh.items()
            ]
    return pd.DataFrame(
        rows,
        columns=["record_id", "facility_id", "period", "quantity", "unit", "data_source", "supply"],
    )


def import_readings(
    workspace: Workspace, readings: Sequence[Mapping[str, Any]], source: str = "gateway"
) -> ImportResult:
    """Import readings a gateway posts (``meter_id``, ``time``, ``value``, ``quality`` and,
    from a signing device, ``signature``) as a ``meter_readings`` batch, validated like a
    file: nothing is stored unless every reading passes (signatures included), and the same
    readings again store nothing twice.

    Parameters
    ----------
    workspace : Workspace
    readings : list of dict
    source : str
        Names the batch's source (``<source>-<sha256 prefix>.csv``).
    """
    columns = ["meter_id", "time", "value", "quality"]
    if any(r.get("signature") for r in readings):
        columns.append("signature")
    return import_rows(workspace, "meter_readings", readings, columns, source)


def import_park_electricity(workspace: Workspace, period: str, fill: str = "none") -> ImportResult:
    """Import :func:`park_electricity_records` as an ``electricity`` batch (the same records
    again store nothing twice)."""
    records = park_electricity_records(workspace, period, fill)
    if records.empty:
        raise CarbonLedgerError(f"{period}: the main electricity meters have no interval in it")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"meters-{period}.csv"
        records.to_csv(path, index=False)
        return import_file(workspace, "electricity", path)


def _latest_year(workspace: Workspace) -> str | None:
    paths = [str(path) for _, path in workspace.batch_paths("meter_readings")]
    if not paths:
        return None
    con = sql_connection()
    try:
        sql = "SELECT max(time - INTERVAL 1 SECOND) FROM read_parquet($paths)"
        ((latest,),) = con.sql(sql, params={"paths": paths}).fetchall()
    finally:
        con.close()
    return None if latest is None else str(latest.year)


def _budget_months(
    workspace: Workspace, park: ParkSeries, regions: dict[str, str]
) -> list[dict[str, Any]]:
    """Each standing budget target of the meters' facilities and zones: its metered emissions
    by month beside the month's share of the yearly budget [kg CO2e]."""
    tree, intervals, starts = park.tree, park.series.intervals, park.starts()
    targets = [Target.from_row(r) for r in read_reference(workspace, "targets").to_pylist()]
    out = []
    for target in latest_versions(targets).values():
        if target.kind is not TargetKind.BUDGET or target.facility_id not in regions:
            continue
        meters = _budget_meters(tree, target)
        mine = intervals["meter_id"].isin(meters).to_numpy()
        if not mine.any():
            continue
        per_kwh, _ = _annual(workspace, regions[target.facility_id], starts[mine])
        kg = pd.Series(intervals.loc[mine, "value"].to_numpy() * per_kwh)
        by_month = kg.groupby(starts[mine].dt.strftime("%Y-%m").to_numpy()).sum()
        assert target.target_value is not None
        out.append(
            {
                "target": target.target_id,
                "name": target.name,
                "months": [
                    {
                        "month": str(m),
                        "kg_co2e": float(v),
                        "budget": month_budget(target.target_value * 1000, str(m)),
                    }
                    for m, v in by_month.items()
                    if target.base_year <= int(str(m)[:4]) <= target.target_year
                ],
            }
        )
    return out


def _last_week(park: ParkSeries, facility_id: str) -> dict[str, Any]:
    """The facility's main meter and its zones by hour over the last seven metered days."""
    tree, intervals, starts = park.tree, park.series.intervals, park.starts()
    (main, *_) = _facility_grid_meters(tree, facility_id)
    end = starts.max().floor("D") + pd.Timedelta(days=1)
    recent = (starts >= end - pd.Timedelta(days=7)).to_numpy()
    hours = starts[recent].dt.floor("h").to_numpy()
    values = intervals.loc[recent]
    series = {}
    for meter in [main, *tree.children(main)]:
        mine = (values["meter_id"] == meter).to_numpy()
        series[meter] = values.loc[mine, "value"].groupby(hours[mine]).sum()
    frame = pd.DataFrame(series).fillna(0.0)
    return {
        "main": main,
        "names": {m: tree.text(m, "name") or m for m in frame.columns},
        "hours": [f"{h:%m-%d %H:00}" for h in frame.index],
        "kwh": {m: frame[m].tolist() for m in frame.columns},
    }


def _design_week(
    workspace: Workspace, park: ParkSeries, design: Mapping[str, Any]
) -> dict[str, Any]:
    """The design dispatched over the facility's last seven metered days (15-minute steps),
    beside the same week without PV and battery."""
    facility_id = design["facility_id"]
    load = park_load(workspace, facility_id, park.period or "", park=park)
    end = load.index.max().floor("D") + pd.Timedelta(days=1)
    week = load[load.index >= end - pd.Timedelta(days=7)]
    region = _facility_regions(workspace)[facility_id]
    place = {k: float(design[k]) for k in ("latitude", "longitude", "temp_air")}
    common: dict[str, Any] = {"tariff": design["tariff"] or "illustrative_tou", "place": place}
    year = int(week.index[0].year)
    found = park_dispatch(
        week,
        region,
        year,
        pv_kwp=design["pv_kwp"] or 0,
        tilt=design["tilt"],
        azimuth=design["azimuth"],
        derating=design["derating"],
        battery_kwh=design["battery_kwh"] or 0,
        battery_kw=design["battery_kw"] or 0,
        round_trip_efficiency=design["round_trip_efficiency"] or 1,
        **common,
    )
    without = park_dispatch(week, region, year, **common)
    series = found.pop("series")
    return {
        "facility": facility_id,
        "name": design.get("name") or facility_id,
        "times": [f"{t:%m-%d %H:%M}" for t in series.index],
        "series": {
            c: series[c].round(3).tolist()
            for c in ("load", "grid_import", "pv_used", "discharge", "charge", "soc")
        },
        "totals": found["totals"],
        "without": without["totals"],
        "tariff": found["tariff"],
    }


def park_context(workspace: Workspace, period: str | None = None) -> dict[str, Any] | None:
    """What the park page and the report's park section show for a year (default: the
    latest year of readings), or None without meters: the meter checks, carbon by month, the
    budgets month by month, the last week by zone and each design's dispatch of that week."""
    if not workspace.batches("meters") or not workspace.batches("meter_readings"):
        return None
    period = period or _latest_year(workspace)
    park = park_series(workspace, period, "linear")
    if park.series.intervals.empty:
        return None
    regions = _facility_regions(workspace)
    carbon = park_carbon(workspace, period or "", "auto", park=park)
    carbon.pop("intervals")
    facilities = sorted({f["facility"] for f in carbon["facilities"]})
    designs = read_reference(workspace, "park_designs").to_pylist()
    return {
        "period": period,
        "readings": park.series.readings,
        "summary": park.series.summary().to_dict("records"),
        "carbon": carbon,
        "budgets": _budget_months(workspace, park, regions),
        "weeks": [_last_week(park, f) for f in facilities],
        "designs": [
            _design_week(workspace, park, d) for d in designs if d["facility_id"] in facilities
        ],
    }
