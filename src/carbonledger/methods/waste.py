"""Waste generated in operations (scope 3 category 5): mass by material and treatment route.

The factor key is ``waste/<material>/<treatment>``, mapped to DESNZ "Waste disposal" and EPA
Table 9 keys in ``factors/aliases.yaml``. End-of-life factors are country practice, so no proxy
is named here beyond the workspace's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis

from carbonledger.methods.base import (
    NULL_STRING,
    Method,
    facility_place,
    period_year,
)
from carbonledger.methods.scope1_2 import facility_region, reference_region

__all__ = ["WasteGenerated"]


class WasteGenerated(Method):
    """Waste by material and treatment route."""

    name = "waste_generated"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        f = references["facilities"]
        a, place = facility_place(activity, f)
        return a.select(
            **self.classify(),
            **place,
            activity_key="waste/" + a.material + "/" + a.treatment,
            region=facility_region(f),
            year=period_year(a.period),
            quantity=a.quantity,
            unit=a.unit,
            heating_value_basis=NULL_STRING,
            data_quality=ibis.literal("measured"),
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        facility = next(
            f for f in references["facilities"] if f["facility_id"] == record["facility_id"]
        )
        return [
            self.reference_line(
                record,
                activity_key=f"waste/{record['material']}/{record['treatment']}",
                region=reference_region(facility),
                quantity=record["quantity"],
                unit=record["unit"],
                data_quality="measured",
                entity_id=facility["entity_id"],
                business_unit=facility["business_unit"],
            )
        ]
