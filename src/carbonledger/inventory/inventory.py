"""The inventory of a period: a ledger consolidated to the organisational boundary and totalled.

:func:`build_inventory` reads one run's ledger and the workspace's entities and returns an
:class:`Inventory`: totals by scope (scope 2 on both bases), scope 3 category, ISO 14064-1
category, gas group (the Kyoto basket: CO2, CH4, N2O, HFCs, PFCs, SF6, NF3), entity, facility,
business unit and month, each consolidated with the entities' shares under the workspace's
approach; biogenic CO2 apart; the scope 3 categories with their status and the exclusions with
their reasons. Reports render from this object and never recompute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa

from carbonledger.inventory.boundary import consolidation_shares
from carbonledger.inventory.hotspots import pareto_of
from carbonledger.inventory.ledger_sql import LedgerSource, ledger_summary
from carbonledger.inventory.quality import pedigree_rules, quality_by
from carbonledger.inventory.scope3 import Reason, scope3_coverage
from carbonledger.inventory.totals import totals_sets
from carbonledger.inventory.uncertainty import DEFAULT_SAMPLES, uncertainty
from carbonledger.options import DIMENSIONS, Consolidation

__all__ = ["GAS_GROUPS", "Inventory", "build_inventory", "gas_group", "intensities"]

#: Dimensions the inventory is totalled by (names of :data:`~.totals.DIMENSIONS`).
BREAKDOWNS = ("category", "iso_category", "entity", "facility", "business_unit", "month")
#: Dimensions whose vital few the inventory lists.
HOTSPOT_DIMENSIONS = ("facility", "category", "activity")


def _summary_keys() -> list[str]:
    """The ledger columns an inventory reads: every dimension, what the boundary weights, the
    scope 2 basis and biogenic split, the uncertainty's factor groups and the quality scores."""
    pedigree = [rule["column"] for rule in pedigree_rules().values()]
    extra = ["entity_id", "period", "scope2_basis", "biogenic", "factor_id", *pedigree]
    return list(dict.fromkeys([*DIMENSIONS.values(), *extra]))


#: Kyoto-basket groups of single gases; HFCs and PFCs are matched by name below.
GAS_GROUPS = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3")
_PFCS = {"CF4", "C2F6", "C3F8", "cC3F6", "cC4F8", "C4F10", "C5F12", "C6F14", "C7F16", "C8F18"}


def gas_group(gas: str) -> str:
    """Kyoto-basket group of a ledger gas; ``CO2e`` rows (EEIO, published CO2e factors) are
    not split by gas, and gases outside the basket (CFCs, HCFCs ...) are ``other``."""
    if gas in ("CO2", "CH4", "N2O", "SF6", "NF3"):
        return gas
    if gas.upper().startswith("HFC") and not gas.upper().startswith("HFE"):
        return "HFCs"
    if gas in _PFCS or gas.upper().startswith("PFC"):
        return "PFCs"
    if gas == "CO2e":
        return "CO2e not split by gas"
    return "other (outside the Kyoto basket)"


@dataclass(frozen=True)
class Inventory:
    """A consolidated inventory [t CO2e].

    Attributes
    ----------
    run_id : str
        The run whose ledger it totals.
    period : str or None
        ``YYYY`` or ``YYYY-MM``; None for every period of the run.
    approach : str
        Consolidation approach.
    gwp_set : str
    shares : list of dict
        Each entity's consolidated share and the chain it comes from.
    scopes : list of dict
        ``scope``, ``basis`` (scope 2 only), ``co2e``.
    breakdowns : dict of str to list of dict
        Totals by each of :data:`BREAKDOWNS` (location-based scope 2) and by ``gas_group``.
    biogenic_co2 : float
        Biogenic CO2 [t], outside the scopes.
    scope3 : list of dict
        Every scope 3 category's status (calculated, excluded with reason, gap).
    exclusions : dict of int to str or to dict of str to str
    uncertainty : list of dict
        95 % intervals, primary-data shares and pedigree scores per scope and for the total
        (:func:`~carbonledger.inventory.uncertainty.uncertainty`, seeded).
    uncertainty_draws : dict of str to int
        ``samples`` and ``seed`` of that simulation, to repeat it.
    hotspots : dict of str to list of dict
        The vital few (Pareto, 80 %) facilities, scope 3 categories and activities.
    quality : list of dict
        By scope: primary-data share and CO2e-weighted pedigree scores (1 best, 5 worst).
    proxied : list of dict
        ``release``, ``co2e`` [t CO2e] of the rows whose factor is another region's (proxy
        policies), by factor release.
    gwp_sets : list of dict
        ``gwp_set``, ``co2e`` [t CO2e]: the GWP set each part of the inventory is under (a
        factor published only as CO2e keeps its publisher's set).
    """

    run_id: str
    period: str | None
    approach: str
    gwp_set: str
    shares: list[dict[str, Any]]
    scopes: list[dict[str, Any]]
    breakdowns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    biogenic_co2: float = 0.0
    scope3: list[dict[str, Any]] = field(default_factory=list)
    exclusions: dict[int, Reason] = field(default_factory=dict)
    uncertainty: list[dict[str, Any]] = field(default_factory=list)
    uncertainty_draws: dict[str, int] = field(default_factory=dict)
    hotspots: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    quality: list[dict[str, Any]] = field(default_factory=list)
    proxied: list[dict[str, Any]] = field(default_factory=list)
    gwp_sets: list[dict[str, Any]] = field(default_factory=list)

    def scope_total(self, scope: int, basis: str = "location") -> float:
        """Total of one scope [t CO2e] (scope 2 on the given basis)."""
        return sum(
            s["co2e"]
            for s in self.scopes
            if s["scope"] == scope and (scope != 2 or s["basis"] == basis)
        )

    def total(self, basis: str = "location") -> float:
        """Scopes 1, 2 (on the given basis) and 3 [t CO2e]."""
        return sum(self.scope_total(scope, basis) for scope in (1, 2, 3))

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON)."""
        data = asdict(self)
        data["unit"] = "t CO2e"
        data["total_location_based"] = self.total("location")
        data["total_market_based"] = self.total("market")
        return data


def build_inventory(
    ledger: LedgerSource,
    entities: pa.Table,
    *,
    run_id: str,
    approach: Consolidation | str,
    gwp_set: str,
    period: str | None = None,
    exclusions: Mapping[int, Reason] | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
) -> Inventory:
    """Consolidate and total a ledger.

    Parameters
    ----------
    ledger : Path, list of Path or pyarrow.Table
        The run's ledger.
    entities : pyarrow.Table
        The workspace's ``entities`` table.
    run_id, gwp_set : str
        Recorded on the inventory.
    approach : Consolidation or str
        Equity share, financial control or operational control.
    period : str, optional
        ``YYYY`` or ``YYYY-MM``.
    exclusions : mapping of int to str or to mapping of str to str, optional
        Scope 3 categories excluded, with reasons.
    samples, seed : int
        Monte Carlo draws and seed of the uncertainty analysis.
    """
    shares = consolidation_shares(entities.to_pylist(), approach)
    # one scan of the ledger (on its engine): every query below reads these sums
    ledger = ledger_summary(ledger, _summary_keys(), period)
    # every location-based grouping (hotspot dimensions included) in one scan of the ledger;
    # the market basis in another
    sets = [
        ["scope"],
        *(["scope", name] for name in BREAKDOWNS),
        ["gas"],
        [],
        ["match_level", "release"],
        ["gwp_set"],
        *([name] for name in HOTSPOT_DIMENSIONS),
    ]
    location = dict(
        zip(map(tuple, sets), totals_sets(ledger, sets, "location", period, shares), strict=True)
    )
    [market] = totals_sets(ledger, [["scope"]], "market", period, shares)
    scopes = [
        {"scope": r["scope"], "basis": "location" if r["scope"] == 2 else None, "co2e": r["co2e"]}
        for r in location[("scope",)].to_pylist()
    ] + [
        {"scope": 2, "basis": "market", "co2e": r["co2e"]}
        for r in market.to_pylist()
        if r["scope"] == 2
    ]
    breakdowns = {name: _rows(location[("scope", name)]) for name in BREAKDOWNS}
    by_gas: dict[str, float] = {}
    for row in location[("gas",)].to_pylist():
        group = gas_group(row["gas"])
        by_gas[group] = by_gas.get(group, 0.0) + row["co2e"]
    breakdowns["gas_group"] = [{"gas_group": g, "co2e": v} for g, v in sorted(by_gas.items())]
    grand = location[()].to_pylist()[0]
    proxied = [
        {"release": r["release"], "co2e": r["co2e"]}
        for r in location[("match_level", "release")].to_pylist()
        if r["match_level"] == "proxy"
    ]
    gwp_sets = [
        {"gwp_set": r["gwp_set"], "co2e": r["co2e"]}
        for r in location[("gwp_set",)].to_pylist()
        if r["gwp_set"] is not None
    ]
    consolidated = {r["category"]: r["co2e"] for r in breakdowns["category"] if r["scope"] == 3}
    scope3 = scope3_coverage(ledger, exclusions, co2e=consolidated).to_pylist()
    return Inventory(
        run_id=run_id,
        period=period,
        approach=str(Consolidation(approach)),
        gwp_set=gwp_set,
        shares=shares.to_pylist(),
        scopes=sorted(scopes, key=lambda s: (s["scope"], s["basis"] or "")),
        breakdowns=breakdowns,
        biogenic_co2=grand["biogenic_co2"] or 0.0,
        scope3=scope3,
        exclusions=dict(exclusions or {}),
        uncertainty=uncertainty(ledger, shares, period, samples, seed),
        uncertainty_draws={"samples": samples, "seed": seed},
        quality=quality_by(ledger, "scope", shares, period),
        hotspots={
            name: [r for r in pareto_of(location[(name,)], name) if r["vital_few"]]
            for name in HOTSPOT_DIMENSIONS
        },
        proxied=proxied,
        gwp_sets=gwp_sets,
    )


def intensities(inventory: Inventory, denominators: pa.Table) -> list[dict[str, Any]]:
    """Emissions per unit of each denominator of the inventory's period [t CO2e per unit].

    A denominator without an entity divides the group's consolidated totals; one with an
    entity divides that entity's consolidated share (scope 2 location-based only, the basis the
    per-entity breakdown holds). Denominators of other periods are left out.

    Returns
    -------
    list of dict
        ``metric``, ``entity_id``, ``denominator``, ``unit``, ``scope`` (``1``, ``2 location``,
        ``2 market``, ``3``, ``1+2 location``, ``total location``), ``co2e`` [t] and
        ``intensity`` [t CO2e per unit].
    """
    rows = []
    for d in denominators.to_pylist():
        if inventory.period is not None and d["period"] != inventory.period:
            continue
        if d["entity_id"]:
            by_scope = {
                r["scope"]: r["co2e"]
                for r in inventory.breakdowns["entity"]
                if r["entity"] == d["entity_id"]
            }
            figures = {
                "1": by_scope.get(1, 0.0),
                "2 location": by_scope.get(2, 0.0),
                "3": by_scope.get(3, 0.0),
            }
        else:
            figures = {
                "1": inventory.scope_total(1),
                "2 location": inventory.scope_total(2, "location"),
                "2 market": inventory.scope_total(2, "market"),
                "3": inventory.scope_total(3),
            }
        figures["1+2 location"] = figures["1"] + figures["2 location"]
        figures["total location"] = figures["1+2 location"] + figures["3"]
        for scope, co2e in figures.items():
            rows.append(
                {
                    "metric": d["metric"],
                    "entity_id": d["entity_id"],
                    "denominator": d["value"],
                    "unit": d["unit"],
                    "scope": scope,
                    "co2e": co2e,
                    "intensity": co2e / d["value"] if d["value"] else None,
                }
            )
    return rows


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "rows"} for row in table.to_pylist()]
