"""Targets and their pathways.

A target is a row of the ``targets`` table (one row per target and version; the latest version
stands and the earlier ones are its history). Its **pathway** is the value the target allows in
each year between its base year and its target year:

- ``absolute`` (SBTi absolute contraction): ``E(y) = E_b (1 - R (y - b) / (t - b))``, a straight
  line; with an ambition instead of a stated reduction, ``R = r (t - b)`` with the linear annual
  rate ``r`` of the rules (4.2 % a year for 1.5 °C): linear, **not** compounded.
- ``intensity``: the same straight line on emissions per unit of a denominator; with the
  ``1.5C`` ambition, the economic-intensity rate compounded, ``I(y) = I_b (1 - r)^(y - b)``.
- ``sda`` (sectoral decarbonisation approach, Krabbe et al. 2015, *Nature Climate Change* 5,
  1057-1060): ``I(y) = (I_b - S_2050) p(y) m(y) + S_2050`` with
  ``p(y) = (S(y) - S_2050) / (S_b - S_2050)`` and
  ``m(y) = (A_b / SA_b) / (A(y) / SA(y))``, the company's share of the sector's activity.
- ``net_zero``: a straight line to ``1 - R`` of the base year (R at least 90 %).
- ``neutrality``: net emissions (after credits) of zero from the target year; gross emissions
  have no pathway, the residual is what credits must cover.
- ``renewable_share`` and ``kpi``: a straight line from the base value to the target value.
- ``budget``: a cap per year (a zone's or facility's annual budget).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from carbonledger.errors import CarbonLedgerError
from carbonledger.plan.rules import Rules

__all__ = [
    "EMISSION_KINDS",
    "SectorPathway",
    "Target",
    "TargetKind",
    "compounded_reduction",
    "latest_versions",
    "linear_reduction",
    "sda_intensity",
    "target_reduction",
]


class TargetKind(StrEnum):
    """Kinds of target."""

    ABSOLUTE = "absolute"
    INTENSITY = "intensity"
    SDA = "sda"
    NET_ZERO = "net_zero"
    NEUTRALITY = "neutrality"
    RENEWABLE_SHARE = "renewable_share"
    KPI = "kpi"
    BUDGET = "budget"


#: Kinds whose subject is the inventory's emissions (absolute or per unit of activity).
EMISSION_KINDS = frozenset(
    {
        TargetKind.ABSOLUTE,
        TargetKind.INTENSITY,
        TargetKind.SDA,
        TargetKind.NET_ZERO,
        TargetKind.NEUTRALITY,
        TargetKind.BUDGET,
    }
)


def _ints(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    return tuple(int(p) for p in str(text).replace("+", ",").split(",") if p.strip())


@dataclass(frozen=True)
class Target:
    """One version of a target (a row of the ``targets`` table; see its schema for columns).

    Attributes
    ----------
    target_id, version, kind, name
    scopes : tuple of int
        Scopes covered (``1+2`` is ``(1, 2)``).
    scope3_categories : tuple of int
        Scope 3 categories covered; empty for all of them.
    entity_id, facility_id : str, optional
        Narrower boundary: one entity (a business unit) or one facility.
    zone : str, optional
        A zone of the facility (a park zone's budget, as the meters name zones).
    scope2_basis : {"location", "market"}
    base_year, target_year, submitted : int
    ambition : str, optional
        ``1.5C`` or ``well_below_2C``: the rules' rate sets the reduction.
    reduction : float, optional
        Reduction by the target year [fraction of the base year].
    metric, sector, kpi : str, optional
        Denominator of an intensity, sector of an SDA target, indicator of a KPI target.
    base_value, target_value : float, optional
        Base-year value [t CO2e for emission kinds, unless ``unit`` says otherwise] and the
        value to reach (a share for ``renewable_share``, a cap for ``budget``).
    unit : str, optional
    milestone_of, paired_with : str, optional
        The long-term target this is an interim milestone of; the target it is paired with
        (an absolute target with its intensity target).
    reason : str, optional
        Why this version was set (or revised).
    """

    target_id: str
    version: int
    kind: TargetKind
    name: str
    scopes: tuple[int, ...] = ()
    scope3_categories: tuple[int, ...] = ()
    entity_id: str | None = None
    facility_id: str | None = None
    zone: str | None = None
    scope2_basis: str = "market"
    base_year: int = 0
    target_year: int = 0
    submitted: int | None = None
    ambition: str | None = None
    reduction: float | None = None
    metric: str | None = None
    sector: str | None = None
    kpi: str | None = None
    base_value: float | None = None
    target_value: float | None = None
    unit: str | None = None
    milestone_of: str | None = None
    paired_with: str | None = None
    reason: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Target:
        """A target from a validated ``targets`` row.

        Raises
        ------
        CarbonLedgerError
            If the row lacks what its kind needs (naming the target and the column).
        """
        kind = TargetKind(row["kind"])
        target = cls(
            target_id=row["target_id"],
            version=int(row["version"]),
            kind=kind,
            name=row.get("name") or row["target_id"],
            scopes=_ints(row.get("scopes")),
            scope3_categories=_ints(row.get("scope3_categories")),
            entity_id=row.get("entity_id"),
            facility_id=row.get("facility_id"),
            zone=row.get("zone"),
            scope2_basis=row.get("scope2_basis") or "market",
            base_year=int(row["base_year"]),
            target_year=int(row["target_year"]),
            submitted=row.get("submitted"),
            ambition=row.get("ambition"),
            reduction=row.get("reduction"),
            metric=row.get("metric"),
            sector=row.get("sector"),
            kpi=row.get("kpi"),
            base_value=row.get("base_value"),
            target_value=row.get("target_value"),
            unit=row.get("unit"),
            milestone_of=row.get("milestone_of"),
            paired_with=row.get("paired_with"),
            reason=row.get("reason"),
        )
        target._check()
        return target

    def _check(self) -> None:
        def need(column: str, why: str) -> None:
            raise CarbonLedgerError(
                f"target {self.target_id} version {self.version} ({self.kind}): column "
                f"{column!r} is required {why}"
            )

        if self.target_year <= self.base_year:
            raise CarbonLedgerError(
                f"target {self.target_id} version {self.version}: target_year "
                f"{self.target_year} must come after base_year {self.base_year}"
            )
        if self.kind in EMISSION_KINDS and not self.scopes:
            need("scopes", "for an emission target (1+2, 3, 1+2+3 ...)")
        if self.kind in (TargetKind.INTENSITY, TargetKind.SDA) and not self.metric:
            need("metric", "(the denominator: revenue, packages_shipped ...)")
        if self.kind is TargetKind.SDA and not self.sector:
            need("sector", "(its sector pathway)")
        if self.kind in (TargetKind.ABSOLUTE, TargetKind.INTENSITY, TargetKind.NET_ZERO) and (
            self.reduction is None and self.ambition is None
        ):
            need("reduction", "unless an ambition (1.5C, well_below_2C) sets it")
        kpi_like = (TargetKind.RENEWABLE_SHARE, TargetKind.KPI, TargetKind.BUDGET)
        if self.kind in kpi_like and self.target_value is None:
            need("target_value", "(the value to reach)")
        if self.kind in (TargetKind.RENEWABLE_SHARE, TargetKind.KPI) and not self.kpi:
            need("kpi", "(the indicator its values are recorded under in kpi_values)")

    @property
    def covers_scope3(self) -> bool:
        """Whether the target covers scope 3 (some or all of its categories)."""
        return 3 in self.scopes

    @property
    def term(self) -> str:
        """``long_term`` for net zero and targets more than ten years after their base year,
        else ``near_term``."""
        long = self.kind is TargetKind.NET_ZERO or self.target_year - self.base_year > 10
        return "long_term" if long else "near_term"

    def describe(self) -> str:
        """One line saying what the target is."""
        scope = f"scope {'+'.join(map(str, self.scopes))}" if self.scopes else ""
        parts = [self.kind.value, scope, f"{self.base_year}->{self.target_year}"]
        if self.reduction is not None:
            parts.append(f"-{self.reduction:.0%}")
        if self.ambition:
            parts.append(self.ambition)
        return " ".join(p for p in parts if p)

    def pathway(
        self, base: float, year: int, rules: Rules, sda: SectorPathway | None = None
    ) -> float | None:
        """The value the target allows in ``year`` [the target's unit], from the base-year
        value ``base``; None before the base year, and for a neutrality target before its
        target year.

        Raises
        ------
        CarbonLedgerError
            For an SDA target without its sector pathway.
        """
        if year < self.base_year:
            return None
        span, done = self.target_year - self.base_year, min(year, self.target_year) - self.base_year
        kind = self.kind
        if kind is TargetKind.NEUTRALITY:
            return 0.0 if year >= self.target_year else None
        if kind is TargetKind.BUDGET:
            return self.target_value
        if kind in (TargetKind.RENEWABLE_SHARE, TargetKind.KPI):
            start = self.base_value if self.base_value is not None else base
            assert self.target_value is not None
            return start + (self.target_value - start) * done / span
        if kind is TargetKind.SDA:
            if sda is None:
                raise CarbonLedgerError(f"target {self.target_id}: SDA needs a sector pathway")
            return sda.company_intensity(base, self.base_year, min(year, self.target_year))
        if kind is TargetKind.INTENSITY and self.ambition and self.reduction is None:
            rate = rules.annual_rate("intensity", self.ambition)
            return base * (1 - rate) ** done
        reduction = target_reduction(self, rules)
        return base * (1 - reduction * done / span)


def linear_reduction(annual_rate: float, years: int) -> float:
    """Reduction after ``years`` at a linear ``annual_rate`` of the base year [fraction].

    >>> round(linear_reduction(0.042, 10), 3)
    0.42
    """
    return min(1.0, annual_rate * years)


def compounded_reduction(annual_rate: float, years: int) -> float:
    """Reduction after ``years`` at a compounded ``annual_rate`` [fraction].

    >>> round(compounded_reduction(0.042, 10), 3)
    0.349
    """
    return 1 - (1 - annual_rate) ** years


def target_reduction(target: Target, rules: Rules) -> float:
    """Reduction by the target year [fraction of the base year]: the stated one, or the
    ambition's linear rate times the years (absolute), or its compounded rate (intensity)."""
    if target.reduction is not None:
        return float(target.reduction)
    if target.kind is TargetKind.NEUTRALITY:
        return 0.0
    years = target.target_year - target.base_year
    if target.ambition is None:
        raise CarbonLedgerError(f"target {target.target_id}: no reduction and no ambition")
    if target.kind is TargetKind.INTENSITY:
        return compounded_reduction(rules.annual_rate("intensity", target.ambition), years)
    return linear_reduction(rules.annual_rate("absolute", target.ambition), years)


def latest_versions(targets: list[Target]) -> dict[str, Target]:
    """The standing (highest) version of each target, by id."""
    standing: dict[str, Target] = {}
    for t in sorted(targets, key=lambda t: (t.target_id, t.version)):
        standing[t.target_id] = t
    return standing


def sda_intensity(
    company_base: float,
    sector_base: float,
    sector_year: float,
    sector_2050: float,
    market_share_ratio: float = 1.0,
) -> float:
    """The SDA company intensity in a year [the sector's intensity unit].

    ``I(y) = (I_b - S_2050) p(y) m(y) + S_2050``, ``p(y) = (S(y) - S_2050) / (S_b - S_2050)``,
    ``m(y)`` = ``market_share_ratio`` = (company activity / sector activity in the base year) /
    (the same in year y).

    >>> sda_intensity(0.8, 0.6, 0.6, 0.1)  # the base year: the company's own intensity
    0.8
    >>> sda_intensity(0.8, 0.6, 0.1, 0.1)  # 2050: the sector's
    0.1
    """
    if sector_base == sector_2050:
        return sector_2050
    share = (sector_year - sector_2050) / (sector_base - sector_2050)
    return (company_base - sector_2050) * share * market_share_ratio + sector_2050


@dataclass(frozen=True)
class SectorPathway:
    """A sector's intensity pathway and, optionally, its activity and the company's.

    Attributes
    ----------
    sector : str
    intensity : dict of int to float
        Sector intensity by year; must hold 2050 [t CO2e per unit of activity].
    activity : dict of int to float
        Sector activity by year (empty: the company's share is taken as constant).
    company_activity : dict of int to float
        The company's activity by year (actual and projected).
    """

    sector: str
    intensity: Mapping[int, float]
    activity: Mapping[int, float]
    company_activity: Mapping[int, float]

    def _sector(self, year: int) -> float:
        if year in self.intensity:
            return self.intensity[year]
        years = sorted(self.intensity)
        if not years[0] <= year <= years[-1]:
            raise CarbonLedgerError(
                f"sector pathway {self.sector} covers {years[0]}-{years[-1]}, not {year}"
            )
        lo = max(y for y in years if y < year)
        hi = min(y for y in years if y > year)
        a, b = self.intensity[lo], self.intensity[hi]
        return a + (b - a) * (year - lo) / (hi - lo)

    def share_ratio(self, base_year: int, year: int) -> float:
        """``m(y)``: the company's base-year share of sector activity over its share in ``year``;
        1 where either activity is missing for the year (constant share)."""
        needed = (base_year, year)
        if not all(y in self.activity and y in self.company_activity for y in needed):
            return 1.0
        base_share = self.company_activity[base_year] / self.activity[base_year]
        share = self.company_activity[year] / self.activity[year]
        return base_share / share if share else 1.0

    def company_intensity(self, company_base: float, base_year: int, year: int) -> float:
        """The company's SDA intensity in ``year`` from its base-year intensity."""
        if 2050 not in self.intensity:
            raise CarbonLedgerError(f"sector pathway {self.sector} has no 2050 value")
        return sda_intensity(
            company_base,
            self._sector(base_year),
            self._sector(year),
            self.intensity[2050],
            self.share_ratio(base_year, year),
        )
