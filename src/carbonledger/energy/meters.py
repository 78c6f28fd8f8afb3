"""Meter series: the park's meter tree, readings turned into interval consumption with the
faults found by meter and time, gap filling as a stated policy, and aggregation to any
interval and any node of the tree.

A reading is the end of its interval, in the meter's local clock time. A cumulative meter's
consumption in an interval is the difference of two counter values (a roll-over past the
register's maximum added back, a reset counted from zero); an interval meter's is its value.

Examples
--------
>>> import pandas as pd
>>> meters = pd.DataFrame({"meter_id": ["M1"], "level": ["park"], "facility_id": ["P"],
...     "medium": ["electricity"], "unit": ["kWh"], "reading_type": ["cumulative"]})
>>> readings = pd.DataFrame({"meter_id": ["M1"] * 3, "value": [100.0, 104.0, 109.0],
...     "time": pd.to_datetime(["2024-01-01 00:15", "2024-01-01 00:30", "2024-01-01 00:45"])})
>>> read_series(meters, readings).intervals["value"].tolist()
[4.0, 5.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from carbonledger.errors import CarbonLedgerError
from carbonledger.units import conversion_factor

__all__ = [
    "FILL_POLICIES",
    "MeterSeries",
    "MeterTree",
    "aggregate",
    "bin_starts",
    "meter_rules",
    "read_series",
]

#: Gap-filling policies: ``none`` leaves a gap's intervals without a value (a cumulative
#: meter's consumption across it is counted in the interval that ends it); ``linear`` fills
#: them (a cumulative meter's consumption shared evenly over the gap, an interval meter's
#: values interpolated between the readings either side); ``previous_week`` gives each missing
#: interval the value of the same interval a week earlier where there is one (a cumulative
#: meter's consumption across the gap shared in proportion to those values).
FILL_POLICIES = ("none", "linear", "previous_week")

#: Checks and their severity: errors are values left out, warnings values kept and flagged.
SEVERITY = {
    "unknown_meter": "error",
    "duplicate": "error",
    "negative": "error",
    "gap": "warning",
    "off_interval": "warning",
    "rollover": "warning",
    "reset": "warning",
    "spike": "warning",
}

_WEEK = 7 * 24 * 3600
#: No finding: the columns of :func:`_frame` without rows.
_NOTHING = (np.array([]), np.array([]), "", np.array([]), 0, "")


@cache
def _packaged_rules() -> dict[str, Any]:
    text = resources.files("carbonledger.energy").joinpath("meter_rules.yaml").read_text("utf-8")
    return dict(yaml.safe_load(text))


def meter_rules(path: str | Path | None = None) -> dict[str, Any]:
    """The thresholds of the meter checks: the packaged ``energy/meter_rules.yaml`` or a
    user's file of the same shape."""
    if path is None:
        return _packaged_rules()
    try:
        return dict(yaml.safe_load(Path(path).read_text("utf-8")))
    except (OSError, yaml.YAMLError, TypeError, ValueError) as exc:
        raise CarbonLedgerError(f"{path}: cannot read it as meter rules: {exc}") from exc


class MeterTree:
    """The meters and the tree they form (park → zone → building → equipment).

    Parameters
    ----------
    meters : pandas.DataFrame
        Rows of the ``meters`` kind.

    Raises
    ------
    CarbonLedgerError
        For a parent that is no meter, a sub-meter of another medium than its parent, or a
        cycle, naming the meter.
    """

    def __init__(self, meters: pd.DataFrame) -> None:
        frame = meters.copy()
        for name, default in (("parent_id", None), ("interval_minutes", 15), ("multiplier", 1.0)):
            if name not in frame:
                frame[name] = default
            if default is not None:
                frame[name] = frame[name].fillna(default)
        if "role" not in frame:
            frame["role"] = "consumption"
        frame["role"] = frame["role"].fillna("consumption")
        for name in ("zone", "name", "rollover", "output_unit"):
            if name not in frame:
                frame[name] = None
        frame["parent_id"] = frame["parent_id"].where(frame["parent_id"].notna(), None)
        self.frame = frame.set_index("meter_id", drop=False)
        self.ids: list[str] = list(self.frame.index)
        for meter in self.ids:
            parent = self.parent(meter)
            if parent is None:
                continue
            if parent not in self.frame.index:
                raise CarbonLedgerError(f"meter {meter}: parent_id {parent} is not a meter")
            if self.text(parent, "medium") != self.text(meter, "medium"):
                raise CarbonLedgerError(
                    f"meter {meter} ({self.text(meter, 'medium')}) is a sub-meter of "
                    f"{parent} ({self.text(parent, 'medium')}): a sub-meter measures the "
                    "same medium as its parent"
                )
        for meter in self.ids:
            self.path(meter)

    def text(self, meter: str, column: str) -> str | None:
        """A text column of a meter (``facility_id``, ``medium``, ``zone`` ...), None if blank."""
        value: Any = self.frame.at[meter, column]
        return None if value is None or pd.isna(value) else str(value)

    def facility(self, meter: str) -> str:
        """The facility a meter is in."""
        return str(self.frame.at[meter, "facility_id"])

    def parent(self, meter: str) -> str | None:
        """The meter's parent, or None for a main meter."""
        return self.text(meter, "parent_id")

    def path(self, meter: str) -> list[str]:
        """The meter and its ancestors, up to its main meter."""
        seen = [meter]
        while (parent := self.parent(seen[-1])) is not None:
            if parent in seen:
                raise CarbonLedgerError(f"meters {' -> '.join([*seen, parent])} form a cycle")
            seen.append(parent)
        return seen

    def children(self, meter: str) -> list[str]:
        """The meter's direct sub-meters."""
        return [str(m) for m in self.frame.index[self.frame["parent_id"] == meter]]

    def roots(self) -> list[str]:
        """Main meters (no parent)."""
        return [str(m) for m in self.frame.index[self.frame["parent_id"].isna()]]

    def canonical_units(self, rules: dict[str, Any] | None = None) -> pd.Series:
        """The canonical unit of each meter's medium (kWh, m³ …)."""
        units = (rules or meter_rules())["units"]
        return self.frame["medium"].map(units)

    def scale(self, rules: dict[str, Any] | None = None) -> pd.Series:
        """What a meter's register value is multiplied by for its canonical unit: the
        multiplier times the unit conversion [canonical unit / register unit]."""
        canonical = self.canonical_units(rules)
        factors = {
            (u, c): conversion_factor(u, c)
            for u, c in set(zip(self.frame["unit"], canonical, strict=True))
        }
        conversion = [factors[(u, c)] for u, c in zip(self.frame["unit"], canonical, strict=True)]
        return self.frame["multiplier"].astype(float) * np.asarray(conversion)


@dataclass(frozen=True)
class MeterSeries:
    """Interval consumption of a set of meters and what reading them found.

    Attributes
    ----------
    intervals : pandas.DataFrame
        ``meter_id``, ``time`` (interval end), ``value`` [the medium's canonical unit, the
        multiplier applied], ``intervals`` (how many intervals the value covers: more than one
        only for a cumulative meter's consumption across a gap left unfilled), ``filled``.
    findings : pandas.DataFrame
        ``meter_id``, ``time``, ``check``, ``severity``, ``count`` (intervals it concerns),
        ``value``, ``message``; sorted by meter and time.
    fill : str
        The gap-filling policy applied (:data:`FILL_POLICIES`).
    readings : int
        Readings read.
    """

    intervals: pd.DataFrame
    findings: pd.DataFrame
    fill: str
    readings: int

    def summary(self) -> pd.DataFrame:
        """Findings counted by meter and check (rows: findings; ``intervals``: intervals)."""
        if self.findings.empty:
            return pd.DataFrame(columns=["meter_id", "check", "severity", "findings", "intervals"])
        grouped = self.findings.groupby(["meter_id", "check", "severity"], observed=True)
        return grouped["count"].agg(findings="size", intervals="sum").reset_index()

    @property
    def filled(self) -> int:
        """Intervals given a value by the fill policy."""
        return int(self.intervals["filled"].sum())


def read_series(
    meters: pd.DataFrame,
    readings: pd.DataFrame,
    rules: dict[str, Any] | None = None,
    fill: str = "none",
) -> MeterSeries:
    """Interval consumption from meter readings, with every fault found by meter and time.

    Parameters
    ----------
    meters : pandas.DataFrame
        Rows of the ``meters`` kind (see :class:`MeterTree`).
    readings : pandas.DataFrame
        ``meter_id``, ``time`` (interval end), ``value`` [the meter's unit].
    rules : dict, optional
        :func:`meter_rules`; the packaged ones by default.
    fill : str
        Gap-filling policy, one of :data:`FILL_POLICIES`; recorded on the result.

    Returns
    -------
    MeterSeries
    """
    if fill not in FILL_POLICIES:
        raise CarbonLedgerError(f"fill policy {fill!r}: expected one of {', '.join(FILL_POLICIES)}")
    rules = rules or meter_rules()
    tree = MeterTree(meters)
    found: list[pd.DataFrame] = []
    codes = _codes(readings["meter_id"], tree.ids)
    t = readings["time"].to_numpy().astype("datetime64[s]").astype(np.int64)
    v = readings["value"].to_numpy(dtype=float)
    unknown = codes < 0
    if unknown.any():
        names = readings["meter_id"].to_numpy()[unknown]
        found.append(_frame(names, t[unknown], "unknown_meter", v[unknown], 1, "not in meters"))
        codes, t, v = codes[~unknown], t[~unknown], v[~unknown]
    order = np.lexsort((t, codes))
    codes, t, v = codes[order], t[order], v[order]
    ids = np.asarray(tree.ids, dtype=object)

    first = _firsts(codes)
    duplicate = ~first & (np.diff(t, prepend=t[:1]) == 0)
    if duplicate.any():
        found.append(
            _frame(
                ids[codes[duplicate]],
                t[duplicate],
                "duplicate",
                v[duplicate],
                1,
                "a second reading at the same time (the first is kept)",
            )
        )
        codes, t, v = codes[~duplicate], t[~duplicate], v[~duplicate]
        first = _firsts(codes)

    frame = tree.frame
    step = frame["interval_minutes"].to_numpy(dtype=np.int64)[codes] * 60
    cumulative = (frame["reading_type"].to_numpy() == "cumulative")[codes]
    rollover = frame["rollover"].to_numpy(dtype=float)[codes]
    scale = tree.scale(rules).to_numpy()[codes]

    dt = np.diff(t, prepend=t[:1])
    span = np.where(first, 1, -(-dt // step))
    off = ~first & (dt % step != 0)
    if off.any():
        found.append(
            _frame(
                ids[codes[off]],
                t[off],
                "off_interval",
                v[off],
                1,
                "not on the meter's interval after the reading before",
            )
        )
    gap = ~first & (span > 1)
    if gap.any():
        missing = span[gap] - 1
        found.append(
            _frame(
                ids[codes[gap]],
                t[gap] - dt[gap] + step[gap],
                "gap",
                v[gap],
                missing,
                "intervals without a reading from this time",
            )
        )

    prev_v = np.concatenate([v[:1], v[:-1]])
    value = np.where(cumulative, v - prev_v, v)
    falls = cumulative & ~first & (value < 0)
    band = float(rules["rollover"]["band"])
    rolled = falls & ~np.isnan(rollover) & (prev_v >= rollover * (1 - band))
    reset = falls & ~rolled
    value = np.where(rolled, value + np.nan_to_num(rollover), value)
    value = np.where(reset, v, value)
    if rolled.any():
        found.append(
            _frame(
                ids[codes[rolled]],
                t[rolled],
                "rollover",
                v[rolled],
                1,
                "counter rolled over past its maximum (added back)",
            )
        )
    if reset.any():
        found.append(
            _frame(
                ids[codes[reset]],
                t[reset],
                "reset",
                v[reset],
                1,
                "counter fell: reset, consumption counted from zero",
            )
        )
    negative = ~cumulative & (v < 0)
    if negative.any():
        found.append(
            _frame(
                ids[codes[negative]],
                t[negative],
                "negative",
                v[negative],
                1,
                "negative interval consumption (left out)",
            )
        )
    keep = ~(cumulative & first) & ~negative
    value = value * scale
    intervals = _fill(
        codes[keep],
        t[keep],
        value[keep],
        span[keep],
        step[keep],
        cumulative[keep],
        np.where(first, np.nan, np.concatenate([value[:1], value[:-1]]))[keep],
        fill,
    )
    intervals["meter_id"] = pd.Categorical.from_codes(
        intervals.pop("code").to_numpy(), categories=pd.Index(tree.ids)
    )
    spikes = _spikes(intervals, rules["spike"])
    if len(spikes):
        found.append(spikes)
    findings = (
        pd.concat(found, ignore_index=True)
        if found
        else _frame(np.array([]), np.array([]), "", np.array([]), 0, "")
    )
    findings = findings.sort_values(["meter_id", "time"], kind="stable", ignore_index=True)
    columns = ["meter_id", "time", "value", "intervals", "filled"]
    return MeterSeries(intervals[columns], findings, fill, len(readings))


def _codes(meter_ids: pd.Series, ids: list[str]) -> np.ndarray:
    """Each reading's meter as its position in ``ids`` (-1 for no meter); a categorical
    column is looked up once per category, not once per reading."""
    known = pd.Index(ids)
    if isinstance(meter_ids.dtype, pd.CategoricalDtype):
        lookup = np.append(known.get_indexer(meter_ids.cat.categories), -1)
        return lookup[meter_ids.cat.codes.to_numpy()].astype(np.int64)
    return known.get_indexer(pd.Index(meter_ids)).astype(np.int64)


def _firsts(codes: np.ndarray) -> np.ndarray:
    """Whether each sorted row is its meter's first."""
    return np.concatenate([[True], codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, bool)


def _frame(
    meters: np.ndarray, times: np.ndarray, check: str, values: np.ndarray, count: Any, message: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "meter_id": pd.Series(meters, dtype=object).astype(str),
            "time": pd.to_datetime(np.asarray(times, dtype=np.int64), unit="s"),
            "check": check,
            "severity": SEVERITY.get(check, "error"),
            "count": np.broadcast_to(np.asarray(count, dtype=np.int64), len(meters)),
            "value": np.asarray(values, dtype=float),
            "message": message,
        }
    )


def _fill(
    codes: np.ndarray,
    t: np.ndarray,
    value: np.ndarray,
    span: np.ndarray,
    step: np.ndarray,
    cumulative: np.ndarray,
    previous: np.ndarray,
    fill: str,
) -> pd.DataFrame:
    """The interval rows, with a gap's intervals made by the fill policy."""
    if fill == "none" or not (span > 1).any():
        covers = np.where(cumulative, span, 1)
        return pd.DataFrame(
            {
                "code": codes,
                "time": _times(t),
                "value": value,
                "intervals": covers,
                "filled": np.zeros(len(t), bool),
            }
        )
    # a reading after a gap of k intervals becomes k + 1 rows: the gap's and its own
    missing = span - 1
    repeat = missing + 1
    row = np.repeat(np.arange(len(t)), repeat)
    k = np.arange(len(row)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    last = k == missing[row]
    times = t[row] - (missing[row] - k) * step[row]
    base = value[row]
    if fill == "linear":
        values = np.where(
            cumulative[row],
            base / repeat[row],
            np.where(last, base, previous[row] + (base - previous[row]) * (k + 1) / repeat[row]),
        )
    else:
        values = _previous_week(
            codes[row], times, base, repeat[row], last, cumulative[row], t, value, codes
        )
    return pd.DataFrame(
        {
            "code": codes[row],
            "time": _times(times),
            "value": values,
            "intervals": np.ones(len(row), np.int64),
            "filled": ~last,
        }
    )


def _previous_week(
    codes: np.ndarray,
    times: np.ndarray,
    base: np.ndarray,
    repeat: np.ndarray,
    last: np.ndarray,
    cumulative: np.ndarray,
    t_known: np.ndarray,
    v_known: np.ndarray,
    c_known: np.ndarray,
) -> np.ndarray:
    """Values of the same interval a week earlier (a cumulative meter's consumption across
    the gap shared in proportion to them; evenly where a week earlier is unknown too)."""
    known = pd.Series(v_known, index=pd.MultiIndex.from_arrays([c_known, t_known]))
    known = known[~known.index.duplicated()]
    week = known.reindex(pd.MultiIndex.from_arrays([codes, times - _WEEK])).to_numpy()
    values = np.where(last, base, week)
    cum = cumulative
    if cum.any():
        group = np.cumsum(np.concatenate([[True], last[:-1]]))  # rows of one source reading
        profile = pd.Series(np.where(np.isnan(week), np.nan, week)).groupby(group)
        weights = np.nan_to_num(week, nan=0.0)
        total = profile.transform(lambda s: s.fillna(0).sum()).to_numpy()
        complete = profile.transform(lambda s: s.notna().sum()).to_numpy() == repeat
        shared = np.where(
            complete & (total > 0), base * weights / np.where(total > 0, total, 1), base / repeat
        )
        values = np.where(cum, shared, values)
    return values


def _times(seconds: np.ndarray) -> np.ndarray:
    return np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")


def _spikes(intervals: pd.DataFrame, rule: dict[str, Any]) -> pd.DataFrame:
    """Intervals far above the median of their meter at the same hour of the day (robust
    deviations, see ``meter_rules``): a park's day and night, a PV meter's noon, are each
    compared with their own kind."""
    plain = intervals[(intervals["intervals"] == 1) & ~intervals["filled"]]
    if plain.empty:
        return plain.iloc[:0]
    hour = (plain["time"] - pd.Timedelta(seconds=1)).dt.hour.to_numpy()
    keys = [plain["meter_id"], hour]
    median = plain["value"].groupby(keys, observed=True).transform("median")
    mad = (plain["value"] - median).abs().groupby(keys, observed=True).transform("median")
    sigma = mad * float(rule["mad_to_sigma"])
    tested = sigma > float(rule["min_relative_spread"]) * median.abs()
    spike = tested & (plain["value"] > median + float(rule["robust_deviations"]) * sigma)
    hits = plain[spike]
    message = (
        f"more than {rule['robust_deviations']} robust deviations above the meter's median "
        "at that hour"
    )
    return _frame(
        hits["meter_id"].astype(str).to_numpy(),
        hits["time"].to_numpy().astype("datetime64[s]").astype(np.int64),
        "spike",
        hits["value"].to_numpy(),
        1,
        message,
    )


def bin_starts(starts: pd.Series, freq: str) -> pd.Series:
    """Each interval start's bin for ``freq`` (``15min``, ``h``, ``D``, ``W``, ``M``, ``Y``):
    fixed lengths by flooring, weeks (from Monday), months and years by calendar."""
    if freq in ("D", "W", "M", "Y"):
        return starts.dt.to_period(freq).dt.start_time
    try:
        return starts.dt.floor(freq)
    except ValueError as exc:
        raise CarbonLedgerError(f"interval {freq!r}: expected 15min, h, D, W, M or Y") from exc


def _binned(
    intervals: pd.DataFrame, tree: MeterTree, meters: Iterable[str], freq: str
) -> pd.Series:
    chosen = intervals[intervals["meter_id"].isin(list(meters))]
    step = chosen["meter_id"].map(tree.frame["interval_minutes"]).astype("int64")
    starts = chosen["time"] - pd.to_timedelta(step.to_numpy(), unit="min")
    bins = bin_starts(starts, freq)
    return chosen["value"].groupby(bins.to_numpy()).sum()


def aggregate(series: MeterSeries, tree: MeterTree, node: str, freq: str) -> pd.DataFrame:
    """A node of the meter tree by interval: its own meter, its direct sub-meters summed, and
    the unmetered remainder (the parent less its sub-meters).

    Parameters
    ----------
    series : MeterSeries
        From :func:`read_series`.
    tree : MeterTree
    node : str
        A meter id.
    freq : str
        See :func:`bin_starts`; bins are labelled by their start.

    Returns
    -------
    pandas.DataFrame
        Index: bin start; columns ``metered`` (the node's meter), ``submetered``,
        ``unmetered`` and ``unmetered_share`` [the medium's canonical unit, -].
    """
    if node not in tree.frame.index:
        raise CarbonLedgerError(f"meter {node}: not in meters")
    own = _binned(series.intervals, tree, [node], freq)
    children = tree.children(node)
    sub = _binned(series.intervals, tree, children, freq) if children else pd.Series(dtype=float)
    out = pd.DataFrame({"metered": own}).join(pd.DataFrame({"submetered": sub}), how="outer")
    out["submetered"] = out["submetered"].fillna(0.0)
    out["unmetered"] = out["metered"] - out["submetered"] if children else 0.0
    out["unmetered_share"] = out["unmetered"] / out["metered"].where(out["metered"] != 0)
    out.index.name = "start"
    return out
