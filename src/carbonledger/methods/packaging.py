"""Packaging of shipped orders (scope 3 category 1 for materials, 12 for end of life).

The package types' bills of materials become per-package lines (:func:`unit_lines`: kg of each
material per package, virgin and recycled, and kg to each end-of-life route), which are joined
to the counts of packages used. A count of an unknown package type has no activity key and
stops the run. The DESNZ material and waste factors describe UK practice; elsewhere GB is a
named proxy after the workspace's own, and a component may name its own factor (for example
Chinese express-packaging defaults of YZ/T 0135-2014, imported as a user-factor release).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import pyarrow as pa

from carbonledger.methods.base import FactorContext, Method, reference_line
from carbonledger.methods.materials import unit_lines

__all__ = ["Packaging", "item_lines", "reference_item_lines"]

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
            *[(p, c[0]) for p, c in PART_CATEGORIES.items()], else_=ibis.literal(None, "int64")
        ),
        iso_category=part.cases(
            *[(p, c[1]) for p, c in PART_CATEGORIES.items()], else_=ibis.literal(4, "int64")
        ),
        scope2_basis=ibis.literal(None, type="string"),
        activity_key=j.activity_key,
        region=region,
        year=j.period.substr(0, 4).cast("int64"),
        quantity=units * j.kg_per_unit,
        unit=ibis.literal("kg"),
        heating_value_basis=ibis.literal(None, type="string"),
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


class Packaging(Method):
    """Materials and end of life of the packages used."""

    name = "packaging"
    kind = "packaging_use"
    references = ("entities", "package_types")
    stages = ("cradle_to_gate", "end_of_life")
    method_proxies = ("GB",)

    def derived_references(
        self,
        distinct: Mapping[str, list[Any]],
        context: FactorContext,
        references: Mapping[str, pa.Table],
    ) -> dict[str, pa.Table]:
        """``package_lines``: the per-package lines of every package type."""
        types = references["package_types"].to_pylist()
        return {"package_lines": unit_lines(types, "package_type", "package type")}

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        e = references["entities"]
        a = activity.join(e, activity.entity_id == e.entity_id, how="left")
        return item_lines(
            a,
            references["package_lines"],
            a.package_type,
            a.packages,
            ibis.coalesce(a.region, a.country),
            self.name,
            {
                "entity_id": a.entity_id,
                "facility_id": a.facility_id,
                "business_unit": a.business_unit,
            },
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        entity = next(
            (e for e in references["entities"] if e["entity_id"] == record["entity_id"]), {}
        )
        return reference_item_lines(
            record,
            references["package_lines"],
            record["package_type"],
            record["packages"],
            record["region"] or entity.get("country"),
            self.name,
            business_unit=entity.get("business_unit"),
        )
