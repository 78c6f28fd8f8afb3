"""Progress against a target: for each year the actual, the pathway value, the gap and whether
it is on track, and the annual rate still required to reach the target year."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from carbonledger.plan.rules import Rules
from carbonledger.plan.targets import SectorPathway, Target, TargetKind

__all__ = ["Progress", "target_progress"]

#: Kinds where more is better (a share of renewables, a KPI such as EV share); for the rest
#: (emissions, intensities, budgets) less is better.
_HIGHER_IS_BETTER = (TargetKind.RENEWABLE_SHARE, TargetKind.KPI)


@dataclass(frozen=True)
class Progress:
    """A target's progress.

    Attributes
    ----------
    target_id, version, kind, unit
    base_year : int
    base_value : float
        The base-year value the pathway starts from (restated where the base year was
        recalculated).
    target_value : float or None
        The pathway's value in the target year.
    years : list of dict
        ``year``, ``actual``, ``pathway``, ``gap`` (actual - pathway; positive is behind for
        emission kinds), ``on_track``; for intensity kinds also ``emissions`` and
        ``denominator`` (absolute emissions may rise while intensity falls).
    latest_year : int or None
    required_annual_change : float or None
        Change a year still needed from the latest actual to the target value [the target's
        unit a year; negative is a cut].
    required_annual_rate : float or None
        The same as a share of the base-year value [fraction a year] (emission kinds only).
    on_track : bool or None
        Whether the latest actual is on or better than the pathway.
    """

    target_id: str
    version: int
    kind: str
    unit: str
    base_year: int
    base_value: float
    target_value: float | None
    years: list[dict[str, Any]] = field(default_factory=list)
    latest_year: int | None = None
    required_annual_change: float | None = None
    required_annual_rate: float | None = None
    on_track: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return asdict(self)


def target_progress(
    target: Target,
    actual: Mapping[int, float],
    base_value: float,
    rules: Rules,
    *,
    unit: str,
    emissions: Mapping[int, float] | None = None,
    denominator: Mapping[int, float] | None = None,
    sda: SectorPathway | None = None,
) -> Progress:
    """Progress of ``target`` from its actual values by year.

    Parameters
    ----------
    target : Target
    actual : dict of int to float
        The target's indicator by year [``unit``]: emissions in its boundary, an intensity, a
        share or a KPI.
    base_value : float
        Its value in the base year [``unit``].
    rules : Rules
    unit : str
        Unit of the indicator (``t CO2e``, ``t CO2e / MCNY``, ``1`` ...).
    emissions, denominator : dict of int to float, optional
        For an intensity target, the absolute emissions and the denominator by year.
    sda : SectorPathway, optional
        The sector pathway of an SDA target.
    """
    better_up = target.kind in _HIGHER_IS_BETTER
    rows = []
    for year in sorted(set(actual) | {target.target_year}):
        if year < target.base_year:
            continue
        value = actual.get(year)
        allowed = target.pathway(base_value, year, rules, sda)
        gap = None if value is None or allowed is None else value - allowed
        on_track = None if gap is None else (gap >= 0 if better_up else gap <= 0)
        row: dict[str, Any] = {
            "year": year,
            "actual": value,
            "pathway": allowed,
            "gap": gap,
            "on_track": on_track,
        }
        if emissions is not None:
            row["emissions"] = emissions.get(year)
            row["denominator"] = (denominator or {}).get(year)
        rows.append(row)
    final = target.pathway(base_value, target.target_year, rules, sda)
    held = [r for r in rows if r["actual"] is not None and r["year"] <= target.target_year]
    latest = held[-1] if held else None
    change = rate = None
    neutral = target.kind is TargetKind.NEUTRALITY  # gross need not fall: credits cover it
    if (
        latest is not None
        and final is not None
        and latest["year"] < target.target_year
        and not neutral
    ):
        change = (final - latest["actual"]) / (target.target_year - latest["year"])
        rate = change / base_value if base_value and not better_up else None
    return Progress(
        target_id=target.target_id,
        version=target.version,
        kind=target.kind.value,
        unit=unit,
        base_year=target.base_year,
        base_value=base_value,
        target_value=final,
        years=rows,
        latest_year=latest["year"] if latest else None,
        required_annual_change=change,
        required_annual_rate=rate,
        on_track=latest["on_track"] if latest else None,
    )
