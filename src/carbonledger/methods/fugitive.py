"""Fugitive emissions of refrigerants, SF6 and fire-suppression agents (scope 1).

The mass released comes from one of three methods (GHG Protocol, "Calculating HFC and PFC
emissions from the manufacturing, installation, operation and disposal of refrigeration and
air-conditioning equipment"):

- screening: ``charge * annual_leak_rate``;
- mass balance: ``inventory_change + purchased - disposed``;
- top-up: the gas added to replace leaks.

A blend (R-410A, R-404A ...) is split into its components by the composition in EPA GHG
Emission Factors Hub 2025, Table 12, and each component is weighted by its own GWP. As in that
table, only the HFC and PFC constituents count (HCFCs are controlled under the Montreal
Protocol and reported apart; hydrocarbons are left out). A negative mass balance is an error,
never a negative emission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from carbonledger.errors import CarbonLedgerError, UnitError
from carbonledger.methods.base import (
    NULL_STRING,
    RESOLVED_SCHEMA,
    Derivation,
    FactorContext,
    Method,
    period_year,
    table_place,
)
from carbonledger.methods.scope1_2 import facility_region, reference_region
from carbonledger.units import conversion_factor, gas_unit, gwp, gwp_set_name

__all__ = ["FugitiveEmissions", "is_kyoto_gas"]

#: Release recorded for GWP-weighted rows: the packaged GWP table and EPA's blend compositions.
GWP_RELEASE = "gwp100-openclimatedata-0.13.2"
BLEND_RELEASE = "epa-hub-2025"
_PFCS = {"CF4", "C2F6", "C3F8", "cC4F8", "C4F10", "C5F12", "C6F14", "C7F16", "C8F18", "C10F18"}


def is_kyoto_gas(symbol: str) -> bool:
    """Whether a gas is one of the Kyoto basket's fluorinated gases (HFCs, PFCs, SF6, NF3)."""
    return symbol.startswith("HFC") or symbol in _PFCS or symbol in {"SF6", "NF3"}


class FugitiveEmissions(Method):
    """Refrigerant, SF6 and fire-suppressant releases, weighted by GWP."""

    name = "fugitive_emissions"

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``gas_components``: each gas or blend name as published, split into Kyoto gases."""
        blends = given.context.library.table(BLEND_RELEASE, "refrigerant_blends")
        rows = []
        for name in sorted(given.distinct["gas"]):
            parts = blends.filter(pc.equal(blends["blend"], _blend_name(name))).to_pylist()
            if parts:
                for line, part in enumerate(parts):
                    try:
                        symbol = gas_unit(part["component"])
                    except UnitError:
                        continue  # hydrocarbons and other non-GHG constituents
                    if is_kyoto_gas(symbol):
                        rows.append((name, line, symbol, part["mass_fraction"], BLEND_RELEASE))
                continue
            try:
                symbol = gas_unit(name)
            except UnitError:
                raise CarbonLedgerError(
                    f"unknown refrigerant or gas {name!r}: not a gas of the registry nor a blend "
                    f"of {BLEND_RELEASE} Table 12"
                ) from None
            rows.append((name, 0, symbol, 1.0, GWP_RELEASE))
        return {
            "gas_components": pa.table(
                {
                    "gas": [r[0] for r in rows],
                    "line": pa.array([r[1] for r in rows], pa.int64()),
                    "component": [r[2] for r in rows],
                    "mass_fraction": [r[3] for r in rows],
                    "composition_source": [r[4] for r in rows],
                }
            )
        }

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis): one per record and Kyoto component."""
        f, parts = references["facilities"], references["gas_components"]
        a = activity.join(f, activity.facility_id == f.facility_id, how="left")
        released = ibis.cases(
            (a.method == "screening", a.charge * a.annual_leak_rate),
            (
                a.method == "mass_balance",
                a.inventory_change.fill_null(0)
                + a.purchased.fill_null(0)
                - a.disposed.fill_null(0),
            ),
            else_=a.top_up,
        )
        a = a.mutate(_released=released, _region=facility_region(f))
        j = a.join(parts, a.gas == parts.gas)
        return j.select(
            **self.classify(line=j.line),
            **table_place(j),
            activity_key="refrigerant/" + j.gas + "/" + j.component,
            region=j._region,
            year=period_year(j.period),
            quantity=j._released * j.mass_fraction,
            unit=j.mass_unit,
            heating_value_basis=NULL_STRING,
            data_quality=ibis.ifelse(j.method == "screening", "estimated", "measured"),
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        facility = next(
            f for f in references["facilities"] if f["facility_id"] == record["facility_id"]
        )
        if record["method"] == "screening":
            released = record["charge"] * record["annual_leak_rate"]
        elif record["method"] == "mass_balance":
            released = (
                (record["inventory_change"] or 0.0)
                + (record["purchased"] or 0.0)
                - (record["disposed"] or 0.0)
            )
        else:
            released = record["top_up"]
        out = []
        for part in references["gas_components"]:
            if part["gas"] != record["gas"]:
                continue
            out.append(
                {
                    "batch_id": record["batch_id"],
                    "record_id": record["record_id"],
                    "line": part["line"],
                    "method": self.name,
                    "entity_id": facility["entity_id"],
                    "facility_id": record["facility_id"],
                    "business_unit": facility["business_unit"],
                    "period": record["period"],
                    "scope": 1,
                    "scope3_category": None,
                    "iso_category": 1,
                    "scope2_basis": None,
                    "activity_key": f"refrigerant/{record['gas']}/{part['component']}",
                    "region": reference_region(facility),
                    "year": int(record["period"][:4]),
                    "quantity": released * part["mass_fraction"],
                    "unit": record["mass_unit"],
                    "heating_value_basis": None,
                    "data_quality": "estimated" if record["method"] == "screening" else "measured",
                }
            )
        return out

    def resolve(
        self, requests: pa.Table, context: FactorContext, references: Mapping[str, pa.Table]
    ) -> pa.Table:
        """Per component: one kg of gas per kg released, weighted by its GWP."""
        set_name = gwp_set_name(context.gwp_set)
        parts = {
            (p["gas"], p["component"]): p["composition_source"]
            for p in references["gas_components"].to_pylist()
        }
        rows = []
        for request in requests.to_pylist():
            _prefix, name, component = request["activity_key"].split("/", 2)
            kg = conversion_factor(request["unit"], "kg")
            rows.append(
                {
                    **request,
                    "gas": component,
                    "kg_per_unit": kg,
                    "co2e_per_unit": kg * gwp(component, set_name),
                    "biogenic": False,
                    "gwp_set": set_name,
                    "factor_id": f"gwp:{set_name}:{component}",
                    "factor_release": parts[(name, component)]
                    if parts[(name, component)] == BLEND_RELEASE
                    else GWP_RELEASE,
                    "match_level": "exact",
                    "year_gap": 0,
                    "stage": "fugitive",
                }
            )
        return pa.Table.from_pylist(rows, schema=RESOLVED_SCHEMA)


def _blend_name(name: str) -> str:
    """EPA writes blends as ``R-410A``; accept ``R410A`` and ``r-410a`` too."""
    text = name.strip().upper().replace(" ", "")
    if text.startswith("R") and not text.startswith("R-"):
        text = "R-" + text[1:]
    return text
