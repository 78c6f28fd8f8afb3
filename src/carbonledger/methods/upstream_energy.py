"""Fuel- and energy-related activities (scope 3 category 3), from the scope 1 and 2 rows.

Computed from the same consumption records as scopes 1 and 2, never from a copy:

- **Well-to-tank of fuels** burnt in stationary equipment and in the own fleet (fuel-based
  records): the fuel quantity against the publisher's WTT factor for the same fuel key, stage
  ``wtt`` (DESNZ "WTT- fuels"). DESNZ describes UK supply chains; outside the UK the method
  names GB as a proxy region after the workspace's own, and every row so served says ``proxy``.
  Fleet records known only by distance carry no fuel and get no WTT line here.
- **Transmission and distribution losses** of purchased electricity: the electricity lost on
  the way to the facility, ``consumed * loss / (1 - loss)`` (the loss rate being the share of
  net generation lost, as eGRID's grid gross loss is defined), against the same location-based
  grid factor as scope 2. Loss rates come from the factor library's ``grid_loss`` side tables
  (EPA Hub Table 6, eGRID subregions); electricity in regions with no published loss rate gets
  no line and is listed in the run's report, so the gap is visible rather than filled.

The WTT of generating purchased electricity is not a separate line: the lifecycle (Ember)
intensities used where no combustion factor exists already include it, and the US and China
combustion factors have no published upstream counterpart in the open data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import ibis
import pyarrow as pa

from carbonledger.methods.base import NULL_STRING, Derivation, FactorContext, Method
from carbonledger.methods.scope1_2 import (
    MobileCombustion,
    PurchasedElectricity,
    StationaryCombustion,
)
from carbonledger.methods.spec import method_spec

__all__ = ["FleetFuelUpstream", "StationaryFuelUpstream", "TransmissionLosses", "grid_losses"]

_LOSS_SCHEMA = pa.schema([("region", pa.string()), ("loss_rate", pa.float64())])


def _as_category_3(lines: Any, method: str) -> Any:
    """Reclassify scope 1 or 2 lines as scope 3 category 3 lines of ``method`` (Ibis)."""
    spec = method_spec(method)
    return lines.mutate(
        method=ibis.literal(method),
        scope=ibis.literal(spec.scope, type="int64"),
        scope3_category=ibis.literal(spec.scope3_category, type="int64"),
        iso_category=ibis.literal(spec.iso_category, type="int64"),
        scope2_basis=NULL_STRING,
    )


def _as_category_3_line(line: dict[str, Any], method: str) -> dict[str, Any]:
    """:func:`_as_category_3` for one plain-Python line."""
    return {
        **line,
        "method": method,
        "scope": method_spec(method).scope,
        "scope3_category": method_spec(method).scope3_category,
        "iso_category": method_spec(method).iso_category,
        "scope2_basis": None,
    }


class _FuelUpstream(Method):
    """WTT lines of the fuel records of a scope 1 method."""

    base: ClassVar[Method]
    #: DESNZ WTT factors describe UK supply chains: a named, recorded proxy elsewhere.

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """The base method's derived tables (the same fuel quantities)."""
        return self.base.derived_references(given)

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis): the base method's fuel lines, as category 3."""
        lines = self.base.lines(activity, references)
        return _as_category_3(lines.filter(self._is_fuel(lines.activity_key)), self.name)

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        return [
            _as_category_3_line(line, self.name)
            for line in self.base.reference_lines(record, references)
            if self._is_fuel(line["activity_key"])
        ]

    @staticmethod
    def _is_fuel(key: Any) -> Any:
        """Whether a line's key (str or Ibis string) is a fuel quantity (default: every line)."""
        return True if isinstance(key, str) else ibis.literal(True)


class StationaryFuelUpstream(_FuelUpstream):
    """Well-to-tank of fuels burnt in stationary equipment."""

    name = "fuel_wtt_stationary"
    base = StationaryCombustion()


class FleetFuelUpstream(_FuelUpstream):
    """Well-to-tank of the own fleet's fuel (records that give the fuel quantity)."""

    name = "fuel_wtt_fleet"
    base = MobileCombustion()

    @staticmethod
    def _is_fuel(key: Any) -> Any:
        """Fuel-based fleet lines only; distance-based ones carry no fuel."""
        return key.startswith("vehicle_fuel/")


def grid_losses(context: FactorContext) -> pa.Table:
    """Loss rate per region from every release's ``grid_loss`` side table, latest year first.

    Returns
    -------
    pyarrow.Table
        ``region``, ``loss_rate`` [fraction of net generation lost], one row per region.
    """
    rates: dict[str, tuple[int, float]] = {}
    for release in context.library.release_ids:
        if "grid_loss" not in context.library.manifest(release).get("tables", {}):
            continue
        for row in context.library.table(release, "grid_loss").to_pylist():
            held = rates.get(row["region"])
            if held is None or row["year"] > held[0]:
                rates[row["region"]] = (row["year"], row["grid_gross_loss"])
    return pa.table(
        {"region": list(rates), "loss_rate": [rate for _, rate in rates.values()]},
        schema=_LOSS_SCHEMA,
    )


class TransmissionLosses(Method):
    """Electricity lost in transmission and distribution on the way to the facility."""

    name = "electricity_td_losses"
    base = PurchasedElectricity()

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``grid_losses``: the loss rate per region (see :func:`grid_losses`), and the
        electricity lines' own tables."""
        return {"grid_losses": grid_losses(given.context), **self.base.derived_references(given)}

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis): electricity lines of regions with a loss rate."""
        base = self.base.lines(activity, references)
        electricity = base.filter(base.activity_key == "electricity/grid")
        losses = references["grid_losses"]
        joined = electricity.join(losses, electricity.region == losses.region)
        lost = joined.quantity * joined.loss_rate / (1 - joined.loss_rate)
        lines = joined.select(
            *[c for c in base.columns if c not in ("quantity", "data_quality")],
            quantity=lost,
            data_quality=ibis.literal("calculated"),
        )
        return _as_category_3(lines.select(*base.columns), self.name)

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        rates = {r["region"]: r["loss_rate"] for r in references["grid_losses"]}
        lines = []
        for line in self.base.reference_lines(record, references):
            rate = rates.get(line["region"])
            if line["activity_key"] != "electricity/grid" or rate is None:
                continue
            lost = line["quantity"] * rate / (1 - rate)
            lines.append(
                _as_category_3_line(
                    {**line, "quantity": lost, "data_quality": "calculated"}, self.name
                )
            )
        return lines

    def report(self, engine: Any, activity: Any, references: Mapping[str, Any]) -> dict[str, Any]:
        """Electricity [kWh-equivalent units as recorded] in regions with no loss rate."""
        base = self.base.lines(activity, references)
        electricity = base.filter(base.activity_key == "electricity/grid")
        losses = references["grid_losses"]
        uncovered = electricity.anti_join(losses, electricity.region == losses.region)
        rows = engine.to_arrow(
            uncovered.group_by(["region", "unit"])
            .aggregate(quantity=uncovered.quantity.sum(), records=uncovered.count())
            .order_by("region")
        ).to_pylist()
        if not rows:
            return {}
        return {
            "no_loss_rate": rows,
            "note": "T&D losses not computed where no loss rate is published",
        }
