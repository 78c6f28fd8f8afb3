"""Purchased electricity, market-based (scope 2), with contractual instruments.

Per facility and month, consumption (metered, or estimated from the bill as in the location-based
method) is covered by the instruments claimed for it in the GHG Protocol Scope 2 quality order:
energy attribute certificates first, then PPAs, then supplier-specific rates; within a type, by
instrument id. Each instrument covers

.. math:: a_i = \\max(0, \\min(q_i, C - \\textstyle\\sum_{j<i} q_j))

of the consumption :math:`C`, so its energy is used once and never beyond :math:`C`; the excess
:math:`q_i - a_i` is reported with the run, not turned into negative emissions. The allocation is
shared among the month's records in proportion to their kWh. Uncovered consumption takes the
residual-mix factor (key ``electricity/residual_mix``) where a release provides one for the
region and a year no later than the activity's (MEE's national average excluding market-traded
non-fossil electricity is China's, from 2023), else the grid average (key
``electricity/grid``): the key on the ledger row records which.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from carbonledger.factors import region_chain
from carbonledger.methods.base import (
    LINE_SCHEMA,
    RESOLVED_SCHEMA,
    Derivation,
    FactorContext,
    Method,
    resolve_requests,
)
from carbonledger.methods.scope1_2 import PurchasedElectricity, reference_region
from carbonledger.units import conversion_factor, gwp_set_name, ureg

__all__ = ["INSTRUMENT_ORDER", "MarketElectricity"]

#: GHG Protocol Scope 2 Guidance quality order of contractual instruments.
INSTRUMENT_ORDER = {"eac": 1, "ppa": 2, "supplier_specific": 3}
RESIDUAL_MIX = "electricity/residual_mix"
GRID = "electricity/grid"
INSTRUMENT_RELEASE = "energy_instruments"


class MarketElectricity(Method):
    """Market-based scope 2 from instruments, residual mix or grid average."""

    name = "electricity_market"

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``energy_units`` (kWh per unit) and ``remainder_keys`` (residual mix or grid), with
        the location-based lines' own tables."""
        units = set(given.distinct["unit"]) | set(
            given.references["energy_instruments"]["unit"].to_pylist()
        )
        units |= set(given.references["electricity_prices"]["per_unit"].to_pylist())
        units.discard(None)
        energy_units = pa.table(
            {
                "unit_name": pa.array(sorted(units), pa.string()),
                "kwh_per_unit": pa.array(
                    [conversion_factor(u, "kWh") for u in sorted(units)], pa.float64()
                ),
            }
        )
        factors = given.context.library.factors
        residual = factors.filter(pc.equal(factors["activity_key"], RESIDUAL_MIX))
        first_year: dict[str, int] = {}
        for region, year in zip(
            residual["region"].to_pylist(), residual["year"].to_pylist(), strict=True
        ):
            first_year[region] = min(year, first_year.get(region, year))
        facilities = given.references["facilities"].to_pylist()
        residual_from = [
            min(
                (first_year[r] for r, _ in region_chain(reference_region(f)) if r in first_year),
                default=None,
            )
            for f in facilities
        ]
        return {
            **PurchasedElectricity().derived_references(given),
            "energy_units": energy_units,
            "remainder_keys": pa.table(
                {
                    "facility_id": [f["facility_id"] for f in facilities],
                    "residual_from": pa.array(residual_from, pa.int64()),
                }
            ),
        }

    def _allocation(self, activity: Any, references: Mapping[str, Any]) -> tuple[Any, ...]:
        """Location lines with kWh, the claimed months' electricity and consumption, and the
        instruments with their allocation (Ibis).

        Consumption is summed only for the facility-months some instrument claims, found by a
        semi-join on that small set, so records no instrument touches cost one pass.
        """
        units = references["energy_units"]
        location = PurchasedElectricity().lines(activity, references).view()
        located = location.join(units, location.unit == units.unit_name)
        located = located.mutate(kwh=located.quantity * located.kwh_per_unit).drop(
            "unit_name", "kwh_per_unit"
        )
        inst = references["energy_instruments"]
        inst = inst.join(units, inst.unit == units.unit_name)
        inst = inst.select(
            instrument_id=inst.instrument_id,
            facility_id=inst.facility_id,
            period=inst.period,
            emission_factor=inst.emission_factor,
            covered=inst.quantity * inst.kwh_per_unit,
            priority=inst.instrument_type.cases(*INSTRUMENT_ORDER.items(), else_=99),
        )
        claimed_months = inst.select("facility_id", "period").distinct()
        electric = located.filter(located.activity_key == GRID)
        claimed = electric.semi_join(claimed_months, ["facility_id", "period"])
        consumption = claimed.group_by(["facility_id", "period"]).aggregate(
            consumption=claimed.kwh.sum()
        )
        inst = inst.join(consumption, ["facility_id", "period"], how="left")
        window = ibis.window(
            group_by=[inst.facility_id, inst.period],
            order_by=[inst.priority, inst.instrument_id],
            preceding=None,
            following=0,
        )
        inst = inst.mutate(
            used_before=inst.covered.sum().over(window) - inst.covered,
            rank=ibis.row_number().over(window),
            consumption=inst.consumption.fill_null(0.0),
        )
        inst = inst.mutate(
            allocated=ibis.greatest(
                0.0, ibis.least(inst.covered, inst.consumption - inst.used_before)
            )
        )
        return located, claimed, consumption, inst

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis): one per record and instrument, plus the uncovered remainder."""
        located, claimed, consumption, inst = self._allocation(activity, references)
        on_instruments = claimed.join(consumption, ["facility_id", "period"]).join(
            inst.drop("consumption"), ["facility_id", "period"]
        )
        instrument_lines = on_instruments.select(
            **_common(on_instruments),
            line=(on_instruments.rank + 1).cast("int64"),
            activity_key="instrument/" + on_instruments.instrument_id,
            quantity=on_instruments.allocated * on_instruments.kwh / on_instruments.consumption,
        )
        allocated = inst.group_by(["facility_id", "period"]).aggregate(
            allocated_total=inst.allocated.sum()
        )
        shares = consumption.join(allocated, ["facility_id", "period"])
        shares = shares.select(
            "facility_id", "period", covered=shares.allocated_total / shares.consumption
        )
        keys = references["remainder_keys"]
        rest = located.join(shares, ["facility_id", "period"], how="left")
        rest = rest.join(keys, rest.facility_id == keys.facility_id, how="left")
        grid = rest.activity_key == GRID  # instruments cover electricity only
        covered = ibis.ifelse(grid, rest.covered.fill_null(0.0), 0.0)
        remainder_lines = rest.select(
            **_common(rest),
            line=ibis.literal(0, type="int64"),
            activity_key=ibis.ifelse(
                grid & (rest.residual_from <= rest.year).fill_null(False),
                ibis.literal(RESIDUAL_MIX),
                rest.activity_key,
            ),
            quantity=rest.kwh * (1 - covered),
        ).filter(lambda t: t.quantity > 0)
        return ibis.union(instrument_lines, remainder_lines).select(*LINE_SCHEMA.names)

    def report(self, engine: Any, activity: Any, references: Mapping[str, Any]) -> dict[str, Any]:
        """Instrument energy beyond the facility's consumption in its month [kWh]."""
        *_, inst = self._allocation(activity, references)
        excess = inst.filter(inst.covered > inst.allocated).select(
            "instrument_id",
            "facility_id",
            "period",
            "covered",
            "allocated",
            excess_kwh=inst.covered - inst.allocated,
        )
        return {"instrument_excess": engine.to_arrow(excess.order_by("instrument_id")).to_pylist()}

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        location = PurchasedElectricity()

        def kwh(rec: dict[str, Any]) -> float:
            line = location.reference_lines(rec, references)[0]
            return float(ureg.Quantity(line["quantity"], line["unit"]).to("kWh").magnitude)

        if record.get("supply") == "onsite_generation":
            return []  # generated and consumed on site: zero scope 2 MWh
        own = location.reference_lines(record, references)[0]
        if own["activity_key"] != GRID:  # heat, steam, cooling: no instruments apply
            return [
                {
                    **own,
                    "scope2_basis": "market",
                    "line": 0,
                    "method": self.name,
                    "quantity": kwh(record),
                    "unit": "kWh",
                }
            ]
        month = [
            r
            for r in references["electricity"]
            if r["facility_id"] == record["facility_id"]
            and r["period"] == record["period"]
            and r.get("supply") != "onsite_generation"
            and (r.get("energy_type") or "electricity") == "electricity"
        ]
        consumption = sum(kwh(r) for r in month)
        mine = kwh(record)
        instruments = sorted(
            (
                i
                for i in references["energy_instruments"]
                if i["facility_id"] == record["facility_id"] and i["period"] == record["period"]
            ),
            key=lambda i: (INSTRUMENT_ORDER[i["instrument_type"]], i["instrument_id"]),
        )
        out, used = [], 0.0
        for rank, instrument in enumerate(instruments, start=1):
            covered = float(
                ureg.Quantity(instrument["quantity"], instrument["unit"]).to("kWh").magnitude
            )
            allocated = max(0.0, min(covered, consumption - used))
            used += covered
            out.append(
                {
                    **own,
                    "scope2_basis": "market",
                    "line": rank,
                    "activity_key": f"instrument/{instrument['instrument_id']}",
                    "quantity": allocated * mine / consumption,
                    "unit": "kWh",
                    "method": self.name,
                }
            )
        allocated_total = sum(o["quantity"] for o in out) * consumption / mine if mine else 0.0
        remainder = mine * (1 - allocated_total / consumption)
        if remainder > 0:
            residual_from = next(
                k["residual_from"]
                for k in references["remainder_keys"]
                if k["facility_id"] == record["facility_id"]
            )
            year = int(str(record["period"])[:4])
            key = RESIDUAL_MIX if residual_from is not None and residual_from <= year else GRID
            out.append(
                {
                    **own,
                    "scope2_basis": "market",
                    "line": 0,
                    "activity_key": key,
                    "quantity": remainder,
                    "unit": "kWh",
                    "method": self.name,
                }
            )
        return out

    def resolve(
        self, requests: pa.Table, context: FactorContext, references: Mapping[str, pa.Table]
    ) -> pa.Table:
        """Instruments convey their own rate; the remainder takes library factors."""
        is_instrument = pc.starts_with(requests["activity_key"], "instrument/")
        grid = requests.filter(pc.invert(is_instrument))
        parts = (
            [resolve_requests(grid, context, self.stages, self.allow_proxies)]
            if grid.num_rows
            else []
        )
        rates = {
            i["instrument_id"]: i["emission_factor"]
            for i in references["energy_instruments"].to_pylist()
        }
        set_name = gwp_set_name(context.gwp_set)
        rows = []
        for request in requests.filter(is_instrument).to_pylist():
            instrument_id = request["activity_key"].removeprefix("instrument/")
            per_unit = rates[instrument_id] * conversion_factor(request["unit"], "kWh")
            rows.append(
                {
                    **request,
                    "gas": "CO2e",
                    "kg_per_unit": per_unit,
                    "co2e_per_unit": per_unit,
                    "biogenic": False,
                    "gwp_set": set_name,
                    "factor_id": f"instrument:{instrument_id}",
                    "factor_release": INSTRUMENT_RELEASE,
                    "match_level": "exact",
                    "year_gap": 0,
                    "stage": "generation",
                }
            )
        parts.append(pa.Table.from_pylist(rows, schema=RESOLVED_SCHEMA))
        return pa.concat_tables(parts)


def _common(t: Any) -> dict[str, Any]:
    return {
        "batch_id": t.batch_id,
        "record_id": t.record_id,
        "method": ibis.literal(MarketElectricity.name),
        "entity_id": t.entity_id,
        "facility_id": t.facility_id,
        "business_unit": t.business_unit,
        "period": t.period,
        "scope": t.scope,
        "scope3_category": t.scope3_category,
        "iso_category": t.iso_category,
        "scope2_basis": ibis.literal("market"),
        "region": t.region,
        "year": t.year,
        "unit": ibis.literal("kWh"),
        "heating_value_basis": t.heating_value_basis,
        "data_quality": t.data_quality,
    }
