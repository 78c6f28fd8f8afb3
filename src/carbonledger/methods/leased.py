"""Leased assets and franchises (scope 3 categories 8, 13 and 14).

Two methods over the same records, because electricity and fuel follow different factor
rules:

- ``leased_electricity``: metered electricity, or, where it is not metered, the area-based
  estimate ``floor_area * energy_intensity / 12`` per month (the intensity in kWh per square
  metre and year, with its source named), against the location-based grid factor of the
  asset's region (no proxies, as for scope 2). Area-based lines are flagged ``estimated``.
- ``leased_fuel``: fuel burnt at the asset against ``fuel/<fuel>`` (combustion), like
  stationary combustion.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis

from carbonledger.errors import CarbonLedgerError
from carbonledger.methods.base import (
    NULL_INT,
    NULL_STRING,
    Method,
    classification,
    entity_of,
    entity_place,
    period_year,
    reference_line,
)

__all__ = ["LeasedElectricity", "LeasedFuel"]

#: Relation -> (scope 3 category, ISO 14064-1 category).
RELATIONS = {"upstream_leased": (8, 4), "downstream_leased": (13, 5), "franchise": (14, 5)}
_MONTHS_PER_YEAR = 12


def _categories(relation: Any) -> tuple[Any, Any]:
    null = NULL_INT
    category = relation.cases(*[(r, c[0]) for r, c in RELATIONS.items()], else_=null)
    iso = relation.cases(*[(r, c[1]) for r, c in RELATIONS.items()], else_=null)
    return category, iso


class _Leased(Method):
    def _line(self, a: Any, key: Any, quantity: Any, unit: Any, basis: Any, quality: Any) -> Any:
        category, iso = _categories(a.relation)
        return a.select(
            **classification(self.name, scope=3, iso_category=iso, scope3_category=category),
            **entity_place(a),
            activity_key=key,
            region=a.region,
            year=period_year(a.period),
            quantity=quantity,
            unit=unit,
            heating_value_basis=basis,
            data_quality=quality,
        )

    def _reference(
        self, record: dict[str, Any], references: Mapping[str, Any], **line: Any
    ) -> dict[str, Any]:
        entity = entity_of(references, record["entity_id"])
        category, iso = RELATIONS[record["relation"]]
        return reference_line(
            record,
            self.name,
            scope=3,
            iso_category=iso,
            region=record["region"],
            scope3_category=category,
            facility_id=None,
            business_unit=entity.get("business_unit"),
            **line,
        )


class LeasedElectricity(_Leased):
    """Electricity of leased assets and franchises, metered or area-based."""

    name = "leased_electricity"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        e = references["entities"]
        live = activity.filter(activity.electricity.notnull() | activity.floor_area.notnull())
        a = live.join(e, live.entity_id == e.entity_id, how="left")
        metered = a.electricity.notnull()
        return self._line(
            a,
            ibis.literal("electricity/grid"),
            ibis.ifelse(
                metered, a.electricity, a.floor_area * a.energy_intensity / _MONTHS_PER_YEAR
            ),
            ibis.ifelse(metered, a.electricity_unit, "kWh * (" + a.area_unit + ") / m ** 2"),
            NULL_STRING,
            ibis.ifelse(metered, "measured", "estimated"),
        )

    def report(self, engine: Any, activity: Any, references: Mapping[str, Any]) -> dict[str, Any]:
        """Stops the run where an area-based estimate does not name its intensity's source."""
        bad = activity.filter(
            activity.electricity.isnull()
            & activity.floor_area.notnull()
            & (activity.energy_intensity.isnull() | activity.intensity_source.isnull())
        )
        found = engine.to_arrow(
            bad.aggregate(records=bad.count(), example=bad.record_id.arbitrary())
        ).to_pylist()[0]
        if found["records"]:
            raise CarbonLedgerError(
                _NO_INTENSITY.format(self.name, found["records"], found["example"])
            )
        return {}

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        if record["electricity"] is not None:
            quantity, unit, quality = record["electricity"], record["electricity_unit"], "measured"
        elif record["floor_area"] is not None:
            if record["energy_intensity"] is None or record["intensity_source"] is None:
                raise CarbonLedgerError(_NO_INTENSITY.format(self.name, 1, record["record_id"]))
            quantity = record["floor_area"] * record["energy_intensity"] / _MONTHS_PER_YEAR
            unit, quality = f"kWh * ({record['area_unit']}) / m ** 2", "estimated"
        else:
            return []
        return [
            self._reference(
                record,
                references,
                activity_key="electricity/grid",
                quantity=quantity,
                unit=unit,
                data_quality=quality,
            )
        ]


_NO_INTENSITY = (
    "{}: {} record(s) have a floor area but no energy intensity with its source, e.g. {}"
)


class LeasedFuel(_Leased):
    """Fuel burnt at leased assets and franchises."""

    name = "leased_fuel"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        e = references["entities"]
        live = activity.filter(activity.fuel_quantity.notnull())
        a = live.join(e, live.entity_id == e.entity_id, how="left")
        return self._line(
            a,
            "fuel/" + a.fuel,
            a.fuel_quantity,
            a.fuel_unit,
            a.heating_value_basis,
            ibis.literal("measured"),
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        if record["fuel_quantity"] is None:
            return []
        return [
            self._reference(
                record,
                references,
                activity_key=f"fuel/{record['fuel']}",
                quantity=record["fuel_quantity"],
                unit=record["fuel_unit"],
                data_quality="measured",
                heating_value_basis=record["heating_value_basis"],
            )
        ]
