"""What a report renders: the inventory object and its context, as plain data.

Reports render from a :class:`ReportContext` only and never recompute: every number in every
format is read from the inventory it carries, under a stable id (:meth:`ReportContext.numbers`),
which the evidence pack's lineage table also uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from carbonledger.inventory import Inventory

__all__ = ["NUMBER_FILTERS", "ReportContext", "label", "label_or_value", "labels"]


@cache
def labels() -> dict[str, Any]:
    """Every report label in English and Chinese (``report/labels.yaml``)."""
    path = resources.files("carbonledger.report").joinpath("labels.yaml")
    table: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return table


def label(key: str, lang: str, *path: Any) -> str:
    """One label: ``label("scope_1", "zh")``, ``label("statuses", "en", "gap")``."""
    entry: Any = labels()[key]
    for part in path:
        entry = entry[part]
    return str(entry[lang])


def label_or_value(key: str, lang: str, value: Any) -> str:
    """The label of ``value`` in the table ``key``, or the value itself where the table has
    none (names users define, such as their own intensity metrics)."""
    entry = labels()[key].get(value)
    return str(value) if entry is None else str(entry[lang])


#: SQL filters (over ledger rows) of the reported numbers whose ids are fixed; category
#: numbers ``scope_3_category_N`` follow the same pattern.
NUMBER_FILTERS = {
    "scope_1": "scope = 1",
    "scope_2_location": "scope = 2 AND scope2_basis = 'location'",
    "scope_2_market": "scope = 2 AND scope2_basis = 'market'",
    "scope_3": "scope = 3",
    "total_location": "(scope2_basis IS NULL OR scope2_basis = 'location')",
    "total_market": "(scope2_basis IS NULL OR scope2_basis = 'market')",
}


@dataclass(frozen=True)
class ReportContext:
    """The inventory of a period and what a report says about it.

    Attributes
    ----------
    organisation : str
    inventory : Inventory
    base_year : dict or None
        The base-year record (:func:`carbonledger.app.base_year`), if the run holds it.
    year_on_year : dict or None
        The change from the same period a year earlier
        (:func:`carbonledger.inventory.hotspots.change_summary`), if the run holds it.
    intensities : list of dict
    releases : list of dict
        Manifests of the factor releases the run used (id, publisher, dataset, version,
        licence, URL, sources ...).
    run_manifest : dict
    facility_names, entity_names : dict of str to str
        Names by id.
    plan : dict or None
        Where the workspace has targets or measures: ``targets`` (progress and checks,
        :func:`carbonledger.app.targets`), ``macc`` and ``pathway`` (None where no measures).
    credits : dict or None
        Where the workspace holds credits or claims: holdings, retirements, quality, claims
        with their rule results and the period's ``disclosure`` figures
        (:func:`carbonledger.app.credits_context`).
    park : dict or None
        Where the workspace holds meters: the park's metered carbon, budgets, meter checks
        (:func:`carbonledger.app.park_context`).
    ecosystem : dict or None
        Where the workspace holds a Scope 3+ calculation: progress, overlaps and lots
        (:func:`carbonledger.app.ecosystem_context`), reported apart from the inventory.
    """

    organisation: str
    inventory: Inventory
    base_year: dict[str, Any] | None = None
    year_on_year: dict[str, Any] | None = None
    intensities: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)
    run_manifest: dict[str, Any] = field(default_factory=dict)
    facility_names: dict[str, str] = field(default_factory=dict)
    entity_names: dict[str, str] = field(default_factory=dict)
    plan: dict[str, Any] | None = None
    credits: dict[str, Any] | None = None
    park: dict[str, Any] | None = None
    ecosystem: dict[str, Any] | None = None

    def numbers(self) -> dict[str, float]:
        """The reported totals under their ids [t CO2e], read from the inventory."""
        inv = self.inventory
        numbers = {
            "scope_1": inv.scope_total(1),
            "scope_2_location": inv.scope_total(2, "location"),
            "scope_2_market": inv.scope_total(2, "market"),
            "scope_3": inv.scope_total(3),
            "total_location": inv.total("location"),
            "total_market": inv.total("market"),
        }
        for row in inv.breakdowns["category"]:
            if row["scope"] == 3 and row["category"] is not None:
                numbers[f"scope_3_category_{row['category']}"] = row["co2e"]
        return numbers

    def number_filter(self, number_id: str) -> str:
        """The ledger-row filter of a reported number (for lineage)."""
        if number_id.startswith("scope_3_category_"):
            return f"scope = 3 AND scope3_category = {int(number_id.rsplit('_', 1)[1])}"
        return NUMBER_FILTERS[number_id]
