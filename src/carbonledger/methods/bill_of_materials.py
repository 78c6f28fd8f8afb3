"""Methods that count items (packages, devices) made of material components.

An item's bill of materials (a reference table, one row per component) becomes per-unit lines
(:func:`~carbonledger.methods.materials.unit_lines`: kg of each material per unit, virgin and
recycled, and kg to each end-of-life route), joined to the counts of units in the activity. A
count of an unknown item gets no activity key and stops the run, naming the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import ibis
import pyarrow as pa

from carbonledger.methods.base import (
    NULL_INT,
    NULL_STRING,
    Derivation,
    Method,
    entity_of,
    period_year,
    reference_line,
)
from carbonledger.methods.materials import unit_lines

__all__ = ["PART_CATEGORIES", "BillOfMaterialsMethod", "item_lines", "reference_item_lines"]

#: (scope 3 category, ISO 14064-1 category) of each part of a product's or package's life.
PART_CATEGORIES = {"production": (1, 4), "end_of_life": (12, 5)}


def item_lines(
    a: Any, per_unit: Any, item: Any, units: Any, region: Any, method: str, extra: dict[str, Any]
) -> Any:
    """Activity lines of counts of items joined to their per-unit lines (Ibis).

    Parameters
    ----------
    a : Ibis table
        Activity joined to what it needs; ``item``, ``units`` and ``region`` are its columns.
    per_unit : Ibis table
        :data:`~carbonledger.methods.materials.UNIT_LINE_SCHEMA` rows.
    extra : dict
        ``entity_id``, ``facility_id`` and ``business_unit`` expressions.
    """
    j = a.join(per_unit, item == per_unit.item, how="left")
    part = j.part
    return j.select(
        batch_id=j.batch_id,
        record_id=j.record_id,
        line=j.line.fill_null(0),
        method=ibis.literal(method),
        **extra,
        period=j.period,
        scope=ibis.literal(3, type="int64"),
        scope3_category=part.cases(
            *[(p, c[0]) for p, c in PART_CATEGORIES.items()], else_=NULL_INT
        ),
        iso_category=part.cases(
            *[(p, c[1]) for p, c in PART_CATEGORIES.items()], else_=ibis.literal(4, "int64")
        ),
        scope2_basis=NULL_STRING,
        activity_key=j.activity_key,
        region=region,
        year=period_year(j.period),
        quantity=units * j.kg_per_unit,
        unit=ibis.literal("kg"),
        heating_value_basis=NULL_STRING,
        data_quality=ibis.literal("calculated"),
    )


def reference_item_lines(
    record: Mapping[str, Any],
    per_unit: list[dict[str, Any]],
    item: str,
    units: float,
    region: str | None,
    method: str,
    **fields: Any,
) -> list[dict[str, Any]]:
    """:func:`item_lines` for one record (plain Python); an unknown item gives a keyless line."""
    mine = [p for p in per_unit if p["item"] == item]
    if not mine:
        return [
            reference_line(
                record,
                method,
                scope=3,
                iso_category=4,
                activity_key=None,
                region=region,
                quantity=None,
                unit="kg",
                data_quality="calculated",
                **fields,
            )
        ]
    return [
        reference_line(
            record,
            method,
            scope=3,
            iso_category=PART_CATEGORIES[p["part"]][1],
            activity_key=p["activity_key"],
            region=region,
            quantity=units * p["kg_per_unit"],
            unit="kg",
            data_quality="calculated",
            scope3_category=PART_CATEGORIES[p["part"]][0],
            line=p["line"],
            **fields,
        )
        for p in mine
    ]


class BillOfMaterialsMethod(Method):
    """Counts of items against their bills of materials: cradle-to-gate and end of life."""

    #: Reference kind holding the bills of materials, and its item column.
    bill_kind: ClassVar[str]
    item_column: ClassVar[str]
    #: Activity column counting the units.
    units_column: ClassVar[str]

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``unit_lines``: the per-unit lines of every item."""
        bills = given.references[self.bill_kind].to_pylist()
        label = self.bill_kind.replace("_", " ")
        return {"unit_lines": unit_lines(bills, self.item_column, label)}

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        e = references["entities"]
        a = activity.join(e, activity.entity_id == e.entity_id, how="left")
        return item_lines(
            a,
            references["unit_lines"],
            a[self.item_column],
            a[self.units_column],
            self._region(a),
            self.name,
            {
                "entity_id": a.entity_id,
                "facility_id": self._facility(a),
                "business_unit": a.business_unit,
            },
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        entity = entity_of(references, record["entity_id"])
        return reference_item_lines(
            record,
            references["unit_lines"],
            record[self.item_column],
            record[self.units_column],
            self._reference_region(record, entity),
            self.name,
            facility_id=record.get("facility_id"),
            business_unit=entity.get("business_unit"),
        )

    def _region(self, a: Any) -> Any:
        """Region of the lines (Ibis): the record's ``region``, else the entity's country."""
        return ibis.coalesce(a.region, a.country)

    def _reference_region(self, record: Mapping[str, Any], entity: Mapping[str, Any]) -> Any:
        """:meth:`_region` in plain Python."""
        return record["region"] or entity.get("country")

    def _facility(self, a: Any) -> Any:
        """Facility of the lines (Ibis)."""
        return a.facility_id
