"""Own-brand devices (scope 3 categories 1, 11 and 12), per model and month of sale.

- **Manufacture** (category 1, the devices being made by contract manufacturers) and **end of
  life** (category 12): the model's bill of materials as per-device lines
  (:func:`~carbonledger.methods.materials.unit_lines`) times the devices sold. Method
  ``device_lifecycle``, stages cradle to gate and end of life, GB a named proxy.
- **Use phase** (category 11), method ``device_use``: the GHG Protocol's direct use-phase
  emissions over the products' lifetime, ``units_sold * annual_energy * lifetime_years *
  (1 - renewable_share)`` against the location-based grid factor of the country of use, the
  renewable-matched share counted at zero. Beside it, with status ``memo`` (never in totals),
  the **in-year** figure from telemetry: ``active_devices * annual_energy / 12`` for the month.
  Transport of the devices to market goes in transport_legs like any other shipment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis

from carbonledger.methods.base import (
    NULL_STRING,
    Method,
    entity_of,
    entity_place,
    period_year,
)
from carbonledger.methods.bill_of_materials import BillOfMaterialsMethod

__all__ = ["DeviceLifecycle", "DeviceUse"]

_MONTHS_PER_YEAR = 12


class DeviceLifecycle(BillOfMaterialsMethod):
    """Manufacture and end of life of the devices sold, from their bill of materials."""

    name = "device_lifecycle"
    bill_kind = "device_models"
    item_column = "model"
    units_column = "units_sold"

    def _region(self, a: Any) -> Any:
        """The country of use, also where the devices are thrown away."""
        return a.country

    def _reference_region(self, record: Mapping[str, Any], entity: Mapping[str, Any]) -> Any:
        return record["country"]

    def _facility(self, a: Any) -> Any:
        return NULL_STRING


class DeviceUse(Method):
    """Electricity the devices sold use over their lifetime, and in-year use as a memo."""

    name = "device_use"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis): line 0 lifetime (active), line 1 in-year (memo)."""
        e = references["entities"]
        a = activity.join(e, activity.entity_id == e.entity_id, how="left")
        matched = 1 - a.renewable_share.fill_null(0)
        lifetime = a.units_sold * a.annual_energy * a.lifetime_years * matched
        in_year = a.active_devices * a.annual_energy / _MONTHS_PER_YEAR * matched

        def select(line: int, quantity: Any, status: str, quality: str) -> Any:
            return a.select(
                **self.classify(line=ibis.literal(line, type="int64")),
                **entity_place(a),
                activity_key=ibis.literal("electricity/grid"),
                region=a.country,
                year=period_year(a.period),
                quantity=quantity,
                unit=a.energy_unit,
                heating_value_basis=NULL_STRING,
                data_quality=ibis.literal(quality),
                status=ibis.literal(status),
                superseded_by=NULL_STRING,
            )

        lifetime_lines = select(0, lifetime, "active", "estimated")
        telemetry = select(1, in_year, "memo", "measured")
        return lifetime_lines.union(telemetry.filter(telemetry.quantity.notnull()))

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        entity = entity_of(references, record["entity_id"])
        matched = 1 - (record["renewable_share"] or 0)
        parts = [
            (
                0,
                record["units_sold"] * record["annual_energy"] * record["lifetime_years"] * matched,
                "active",
                "estimated",
            )
        ]
        if record["active_devices"] is not None:
            in_year = record["active_devices"] * record["annual_energy"] / _MONTHS_PER_YEAR
            parts.append((1, in_year * matched, "memo", "measured"))
        return [
            self.reference_line(
                record,
                activity_key="electricity/grid",
                region=record["country"],
                quantity=quantity,
                unit=record["energy_unit"],
                data_quality=quality,
                facility_id=None,
                business_unit=entity.get("business_unit"),
                line=line,
                status=status,
            )
            for line, quantity, status, quality in parts
        ]
