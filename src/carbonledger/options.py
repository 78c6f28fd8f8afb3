"""Documented defaults and the workspace configuration model.

Every default a user may want to change lives here, with the reason for its value, so that no
module hides a magic default of its own.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "DEFAULT_GWP_SET",
    "DEFAULT_LANGUAGE",
    "DEFAULT_PARETO_SHARE",
    "DEFAULT_REPORTING_CURRENCY",
    "DEFAULT_SAMPLES",
    "DEFAULT_WORKING_HOURS_PER_DAY",
    "DIMENSIONS",
    "PERIOD_YEARS",
    "Consolidation",
    "Language",
    "WorkspaceConfig",
    "check_period",
]

#: GWP set applied when a workspace does not choose one. AR5 is what the EPA Hub 2025, the
#: EPA supply-chain factors v1.3 and DESNZ 2025/2026 use, so factors and results agree.
DEFAULT_GWP_SET = "AR5GWP100"

#: Currency of reported monetary intensities when a workspace does not choose one.
DEFAULT_REPORTING_CURRENCY = "CNY"

#: Report language when a workspace does not choose one.
DEFAULT_LANGUAGE = "en"

#: Working hours per day of a remote-work day when a commuting survey does not say: DESNZ's
#: homeworking factor is per full-time-equivalent working hour.
DEFAULT_WORKING_HOURS_PER_DAY = 8

#: How far shares that must add up to one (end-of-life routes, mode shares) may miss it.
SHARE_TOLERANCE = 1e-6

#: Share of the base-year total at which the cumulative effect of structural, method or factor
#: changes and errors triggers a base-year recalculation (GHG Protocol Corporate Standard,
#: chapter 5, leaves the threshold to the company; 5 % is the common choice).
DEFAULT_RECALCULATION_THRESHOLD = 0.05

#: Monte Carlo draws of the uncertainty analysis when none is given.
DEFAULT_SAMPLES = 10_000

#: Regions whose combustion factors stand in for fuels burnt where no release publishes one
#: (fuel chemistry is not regional the way grids are): DESNZ (GB, net calorific value, the
#: basis IPCC inventories use), then the EPA Hub (US, gross calorific value).
DEFAULT_FUEL_PROXY_REGIONS: tuple[str, ...] = ("GB", "US")

#: Share of the total the vital few sources make up (Pareto hotspots).
DEFAULT_PARETO_SHARE = 0.8

#: Ledger columns a total can be grouped by, with their public names.
DIMENSIONS: dict[str, str] = {
    "scope": "scope",
    "category": "scope3_category",
    "iso_category": "iso_category",
    "gas": "gas",
    "entity": "entity_id",
    "facility": "facility_id",
    "business_unit": "business_unit",
    "month": "period",
    "method": "method",
    "data_quality": "data_quality",
    "match_level": "match_level",
    "activity": "activity_key",
    "release": "factor_release",
    "gwp_set": "gwp_set",
}

#: Number of scope 3 categories in the GHG Protocol Scope 3 Standard.
SCOPE3_CATEGORIES = 15


class Consolidation(StrEnum):
    """Organisational-boundary approaches of the GHG Protocol Corporate Standard, ch. 3."""

    EQUITY_SHARE = "equity_share"
    FINANCIAL_CONTROL = "financial_control"
    OPERATIONAL_CONTROL = "operational_control"


class Language(StrEnum):
    """Languages of reports and labels."""

    EN = "en"
    ZH = "zh"


class WorkspaceConfig(BaseModel):
    """The settings of one workspace, stored in ``carbonledger.toml``.

    Parameters
    ----------
    organisation : str
        Name of the reporting organisation.
    reporting_currency : str
        ISO 4217 code used for monetary intensities.
    gwp_set : str
        GWP-100 set applied to every CO2e figure (``AR4GWP100``, ``AR5GWP100``, ``AR6GWP100``).
    consolidation : Consolidation
        Organisational-boundary approach.
    base_year : int
        Base year of targets and recalculation.
    reporting_periods : list of str
        Reporting periods, as years (``"2024"``) or months (``"2024-03"``).
    language : Language
        Default report language.
    proxy_regions : list of str
        Regions whose factors may stand in, in order, where none exists for an activity's own
        region, its country or the world (e.g. ``["GB", "US"]`` to use DESNZ then EPA fuel
        factors for fuels burnt in China). Empty by default: no proxy is used unless named, and
        every proxied row says so (``match_level = proxy``).
    fuel_proxy_regions : list of str
        Regions whose combustion factors stand in for fuels (stationary and mobile combustion)
        burnt where no release publishes one, tried after ``proxy_regions``; default
        :data:`DEFAULT_FUEL_PROXY_REGIONS`. ``[]`` refuses them: a fuel without a factor of its
        region then stops the run. Every row so served says ``proxy`` and the report discloses
        the policy and how much of the inventory it serves.
    gwp_mixing : {"disclose", "refuse"}
        What to do with a factor published only as CO2e under another GWP set than
        ``gwp_set`` (an AR4 EEIO or waste factor in an AR5 inventory), which cannot be
        converted without its gases (factors with their gases always are). ``disclose``
        (default): use it as published, record its set on each line and state in the report
        how much of the inventory is under which set. ``refuse``: such factors do not
        qualify; a factor under the inventory's set or with gases is chosen, or the run
        stops naming the request.
    reading_signatures : {"refuse", "flag"}
        What an import does with a reading of a meter whose device signs its readings
        (``meters.signed_by``) when the signature is missing or does not verify: ``refuse``
        (default) the file, naming each row; ``flag``: store it, with a warning per row.
    later_year_factors : bool
        Allow a factor of a later year where none of the activity's year or earlier exists (a
        base year older than every factor release); each such row records a negative year gap.
    recalculation_threshold : float
        Significance threshold of base-year recalculation [fraction of the base-year total].
    database_url : str, optional
        SQLAlchemy URL of the metadata store (e.g.
        ``postgresql+psycopg://user@host/carbonledger``); default: the SQLite file in the
        workspace folder. The ``CARBONLEDGER_DATABASE_URL`` environment variable overrides it.
    scope3_exclusions : dict of int to str or to dict of str to str
        Scope 3 categories that do not apply to the organisation, each with the reason (e.g.
        ``{15: "no investments outside the consolidated boundary"}``), or the reason in each
        report language (``{15: {en: "...", zh: "..."}}``); reports repeat them.
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    organisation: str = Field(min_length=1)
    reporting_currency: str = DEFAULT_REPORTING_CURRENCY
    gwp_set: str = DEFAULT_GWP_SET
    consolidation: Consolidation = Consolidation.OPERATIONAL_CONTROL
    base_year: int = Field(default=2020, ge=1990, le=2100)
    reporting_periods: list[str] = Field(default_factory=list)
    language: Language = Language(DEFAULT_LANGUAGE)
    proxy_regions: list[str] = Field(default_factory=list)
    fuel_proxy_regions: list[str] = Field(default_factory=lambda: list(DEFAULT_FUEL_PROXY_REGIONS))
    gwp_mixing: Literal["disclose", "refuse"] = "disclose"
    reading_signatures: Literal["refuse", "flag"] = "refuse"
    scope3_exclusions: dict[int, str | dict[str, str]] = Field(default_factory=dict)
    later_year_factors: bool = False
    recalculation_threshold: float = Field(default=DEFAULT_RECALCULATION_THRESHOLD, gt=0, lt=1)
    database_url: str | None = None

    @field_validator("scope3_exclusions")
    @classmethod
    def _known_categories(
        cls, value: dict[int, str | dict[str, str]]
    ) -> dict[int, str | dict[str, str]]:
        unknown = sorted(c for c in value if not 1 <= c <= SCOPE3_CATEGORIES)
        if unknown:
            raise ValueError(f"scope 3 categories are 1 to {SCOPE3_CATEGORIES}; got {unknown}")
        return value

    @field_validator("proxy_regions", "fuel_proxy_regions")
    @classmethod
    def _region_codes(cls, values: list[str]) -> list[str]:
        codes = [v.strip().upper() for v in values]
        bad = [v for v, c in zip(values, codes, strict=True) if not c or not c.isascii()]
        if bad:
            raise ValueError(f"proxy regions are region codes such as GB or US; got {bad}")
        return codes

    @field_validator("gwp_set")
    @classmethod
    def _known_gwp_set(cls, value: str) -> str:
        from carbonledger.units import gwp_set_name  # the unit registry loads on use

        return gwp_set_name(value)

    @field_validator("reporting_currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        code = value.strip().upper()
        from carbonledger.units import CURRENCIES

        if code not in CURRENCIES:
            raise ValueError(f"unknown currency {value!r}; use one of {', '.join(CURRENCIES)}")
        return code

    @field_validator("reporting_periods")
    @classmethod
    def _period_format(cls, values: list[str]) -> list[str]:
        for value in values:
            check_period(value)
        return values


#: A reporting period: a year or a month, ASCII digits, within the years periods may be in.
_PERIOD = re.compile(r"([0-9]{4})(-(0[1-9]|1[0-2]))?")
#: Years a period may be in.
PERIOD_YEARS = (1900, 2100)


def check_period(value: str) -> str:
    """``value`` if it is a period ``YYYY`` or ``YYYY-MM`` of a year 1900-2100 in ASCII digits.

    Raises
    ------
    ValueError
        Naming the value and what is expected.
    """
    match = _PERIOD.fullmatch(value) if isinstance(value, str) else None
    if match is None or not PERIOD_YEARS[0] <= int(match.group(1)) <= PERIOD_YEARS[1]:
        raise ValueError(
            f"period {value!r} is neither YYYY nor YYYY-MM of a year "
            f"{PERIOD_YEARS[0]}-{PERIOD_YEARS[1]} (ASCII digits)"
        )
    return value
