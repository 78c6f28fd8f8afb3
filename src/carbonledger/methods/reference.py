"""The reference evaluation of a method's activity line: selection and arithmetic in plain
Python, written independently of the relational plan, as the oracle for cross-checks.

Selection walks the same documented policy (stage preference, region chain, nearest earlier
year, release priority) with loops over factor rows; units convert through pint quantities
directly, not through the cached column converter.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from carbonledger.factors import FactorLibrary, region_chain
from carbonledger.factors.methane import methane_origin
from carbonledger.factors.selection import alias_map
from carbonledger.methods.base import LINE_SCHEMA, FactorContext, Method, proxy_regions
from carbonledger.units import dimension_key, gwp, gwp_set_name, ureg

__all__ = ["reference_apply", "reference_select"]

#: Line columns that describe the factor request or the amount rather than the row's place.
_REQUEST_ONLY = frozenset({"region", "year", "quantity", "unit", "heating_value_basis"})


def _all_rows(library: FactorLibrary) -> Iterator[dict[str, Any]]:
    """Every factor row of the library, read once (:func:`_rows_by_key`)."""
    return itertools.chain.from_iterable(_rows_by_key(library).values())


@cache
def _rows_by_key(library: FactorLibrary) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in library.factors.to_pylist():
        grouped[row["activity_key"]].append(row)
    return grouped


def _group(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """The published factor a row is one gas of (as selection's groups): ``biogenic`` marks a
    gas, not a variant."""
    variant = None if row["variant"] == "biogenic" else row["variant"]
    return (
        row["release_id"],
        row["activity_key"],
        row["region"],
        row["year"],
        row["stage"],
        row["unit"],
        row["heating_value_basis"],
        variant,
    )


@cache
def _co2e_only_sets(library: FactorLibrary) -> dict[tuple[Any, ...], str | None]:
    """The GWP set of each factor published only as CO2e, by group."""
    gases: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    sets: dict[tuple[Any, ...], str | None] = {}
    for row in _all_rows(library):
        gases[_group(row)].add(row["gas"])
        sets[_group(row)] = row["gwp_set"] or sets.get(_group(row))
    return {g: sets[g] for g, present in gases.items() if present == {"CO2e"}}


@cache
def _sole_bases(library: FactorLibrary) -> dict[tuple[Any, ...], str]:
    """The one heating-value basis a release publishes a key's factors of a dimension on, where
    it publishes one only (selection's default for a request that states none)."""
    bases: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for row in _all_rows(library):
        bases[(row["release_id"], row["activity_key"], row["unit_dimension"])].add(
            row["heating_value_basis"] or ""
        )
    return {k: v.pop() for k, v in bases.items() if len(v) == 1 and "" not in v}


def _mixes_gwp(library: FactorLibrary, row: Mapping[str, Any], gwp_set: str) -> bool:
    """Whether the row's factor is published only as CO2e under another GWP set."""
    only = _co2e_only_sets(library)
    group = _group(row)
    return group in only and only[group] != gwp_set_name(gwp_set)


def reference_select(
    line: Mapping[str, Any], context: FactorContext, method: Method
) -> list[dict[str, Any]]:
    """The factor rows (all gases of one published factor) for one activity line, or []."""
    stages = method.stages
    policy = context.policy
    order = list(policy.releases or context.library.default_release_order)
    proxies = proxy_regions(policy.proxy_regions, method.allow_proxies, method.own_proxies(policy))
    chain = region_chain(line["region"], proxies)
    levels = {region: int(level) for region, level in chain}
    positions = {region: position for position, (region, _level) in enumerate(chain)}
    dimension = dimension_key(ureg.parse_units(line["unit"]))
    best_rank, best_row = None, None
    for key in [line["activity_key"], *alias_map().get(line["activity_key"], [])]:
        for row in _rows_by_key(context.library).get(key, []):
            if row["stage"] not in stages or row["release_id"] not in order:
                continue
            if row["unit_dimension"] != dimension or row["region"] not in levels:
                continue
            default_basis = False
            if row["heating_value_basis"] != line["heating_value_basis"]:
                sole = _sole_bases(context.library).get(
                    (row["release_id"], row["activity_key"], row["unit_dimension"])
                )
                if line["heating_value_basis"] is not None or row["heating_value_basis"] != sole:
                    continue
                default_basis = True
            gap = line["year"] - row["year"]
            level = levels[row["region"]]
            if (gap < 0 and not policy.later_years) or (policy.strict and (level or gap)):
                continue
            if policy.max_year_gap is not None and abs(gap) > policy.max_year_gap:
                continue
            if policy.co2e_gwp_set and _mixes_gwp(context.library, row, policy.co2e_gwp_set):
                continue
            rank = (
                stages.index(row["stage"]),
                gap < 0,
                positions[row["region"]],
                abs(gap),
                default_basis,
                order.index(row["release_id"]),
                _group(row)[-1] is not None,
                _group(row)[-1] or "",
            )
            if best_rank is None or rank < best_rank:
                best_rank, best_row = rank, row
    if best_row is None or best_rank is None:
        return []
    group = [
        r
        for r in _rows_by_key(context.library)[best_row["activity_key"]]
        if _group(r) == _group(best_row)
    ]
    return [
        {
            **r,
            "match_level": _LEVEL_NAMES[levels[best_row["region"]]],
            "year_gap": line["year"] - best_row["year"],
        }
        for r in group
    ]


_LEVEL_NAMES = {0: "exact", 1: "parent", 2: "country", 3: "world", 4: "proxy"}


def reference_apply(
    line: Mapping[str, Any],
    method: Method,
    context: FactorContext,
    run_id: str,
    references: Mapping[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Ledger rows of one activity line.

    ``references`` holds the run's reference tables as rows, including the method's derived
    ones (``gas_components``) and the ``price_index`` spend needs.

    Raises
    ------
    FactorNotFoundError
        When no factor qualifies.
    """
    from carbonledger.errors import FactorNotFoundError

    set_name = gwp_set_name(context.gwp_set)
    base = {
        **{k: line[k] for k in LINE_SCHEMA.names if k not in _REQUEST_ONLY},
        "run_id": run_id,
        "activity_quantity": line["quantity"],
        "activity_unit": line["unit"],
        "status": line.get("status", "active"),
        "superseded_by": line.get("superseded_by"),
    }
    if method.name == "fugitive_emissions":
        return [_fugitive_row(line, base, set_name, references["gas_components"])]
    if line["activity_key"].startswith("instrument/"):
        return [_instrument_row(line, base, set_name, references["energy_instruments"])]
    rows = reference_select(line, context, method)
    if not rows:
        raise FactorNotFoundError(
            f"no factor for {line['activity_key']} in {line['region']} "
            f"for {line['year']} per {line['unit']}"
        )
    scale = 1.0
    if method.name == "spend_eeio":  # dollars of the spend year to the factor's price year
        index = {r["year"]: r["index_value"] for r in references["price_index"]}
        scale = index[rows[0]["year"]] / index[line["year"]]
    has_gases = any(r["gas"] != "CO2e" for r in rows)
    out = []
    for row in rows:
        if row["gas"] == "CO2e" and has_gases:
            continue
        amount = ureg.Quantity(line["quantity"], line["unit"]).to(row["unit"]).magnitude
        mass = amount * row["value"] * scale
        biogenic = row["variant"] == "biogenic"
        if biogenic:
            co2e, gwp_used = None, None
        elif row["gas"] == "CO2e":
            co2e, gwp_used = mass, row["gwp_set"]
        else:
            origin = methane_origin(row["activity_key"])
            co2e, gwp_used = mass * gwp(row["gas"], set_name, origin), set_name
        out.append(
            {
                **base,
                "gas": row["gas"],
                "mass": mass,
                "co2e": co2e,
                "gwp_set": gwp_used,
                "biogenic": biogenic,
                "factor_id": row["factor_id"],
                "factor_release": row["release_id"],
                "match_level": row["match_level"],
                "year_gap": row["year_gap"],
                "stage": row["stage"],
            }
        )
    return out


def _fugitive_row(
    line: Mapping[str, Any], base: dict[str, Any], set_name: str, components: list[dict[str, Any]]
) -> dict[str, Any]:
    from carbonledger.methods.fugitive import BLEND_RELEASE, GWP_RELEASE

    _prefix, name, component = line["activity_key"].split("/", 2)
    source = next(
        p["composition_source"]
        for p in components
        if p["gas"] == name and p["component"] == component
    )
    mass = ureg.Quantity(line["quantity"], line["unit"]).to("kg").magnitude
    return {
        **base,
        "gas": component,
        "mass": mass,
        "co2e": mass * gwp(component, set_name),
        "gwp_set": set_name,
        "biogenic": False,
        "factor_id": f"gwp:{set_name}:{component}",
        "factor_release": BLEND_RELEASE if source == BLEND_RELEASE else GWP_RELEASE,
        "match_level": "exact",
        "year_gap": 0,
        "stage": "fugitive",
    }


def _instrument_row(
    line: Mapping[str, Any], base: dict[str, Any], set_name: str, instruments: list[dict[str, Any]]
) -> dict[str, Any]:
    instrument_id = line["activity_key"].removeprefix("instrument/")
    rate = next(i["emission_factor"] for i in instruments if i["instrument_id"] == instrument_id)
    kwh = ureg.Quantity(line["quantity"], line["unit"]).to("kWh").magnitude
    return {
        **base,
        "gas": "CO2e",
        "mass": kwh * rate,
        "co2e": kwh * rate,
        "gwp_set": set_name,
        "biogenic": False,
        "factor_id": f"instrument:{instrument_id}",
        "factor_release": "energy_instruments",
        "match_level": "exact",
        "year_gap": 0,
        "stage": "generation",
    }
