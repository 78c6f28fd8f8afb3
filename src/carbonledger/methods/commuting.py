"""Employee commuting and remote work (scope 3 category 7).

Distance per period is ``employees * days * 2 * one_way_distance``; cars and motorbikes are
per vehicle-km (one commuter per vehicle), public transport per passenger-km, remote work per
FTE working hour (``employees * days * hours_per_day``) with DESNZ's homeworking factor, with
or without home heating. Cycling and walking are zero. As for business travel, the DESNZ
factors are named proxies outside the UK.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis

from carbonledger.methods.base import (
    NULL_STRING,
    Method,
    entity_of,
    period_year,
    table_place,
)
from carbonledger.methods.travel import travel_keys
from carbonledger.options import DEFAULT_WORKING_HOURS_PER_DAY

__all__ = ["Commuting"]

_REMOTE = {
    True: "homeworking/homeworking_office_equipment_plus_heating",
    False: "homeworking/office_equipment",
}
_ZERO_MODES = ("bike", "walk")


class Commuting(Method):
    """Commuting by mode and remote-work days."""

    name = "employee_commuting"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        keys = travel_keys()
        e = references["entities"]
        live = activity.filter(~activity.mode.isin(_ZERO_MODES))
        a = live.join(e, live.entity_id == e.entity_id, how="left")
        trips = a.employees * a.days * 2 * a.one_way_distance
        hours = a.employees * a.days * a.hours_per_day.fill_null(DEFAULT_WORKING_HOURS_PER_DAY)
        heated = a.remote_heating.fill_null(True)
        vehicle = a.mode.isin(("car", "motorbike"))
        key = ibis.cases(
            (a.mode == "car", keys["car"] + "/" + a.car_fuel.fill_null("unknown")),
            (a.mode == "motorbike", ibis.literal("land_travel/motorbike/average")),
            (a.mode == "remote", ibis.ifelse(heated, _REMOTE[True], _REMOTE[False])),
            else_=a.mode.cases(*keys["passenger_modes"].items(), else_=NULL_STRING),
        )
        return a.select(
            **self.classify(),
            **table_place(a),
            activity_key=key,
            region=a.country,
            year=period_year(a.period),
            quantity=ibis.ifelse(a.mode == "remote", hours, trips),
            unit=ibis.cases(
                (a.mode == "remote", ibis.literal("hour")),
                (vehicle, "vehicle * (" + a.distance_unit + ")"),
                else_="passenger * (" + a.distance_unit + ")",
            ),
            heating_value_basis=NULL_STRING,
            data_quality=ibis.literal("estimated"),
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        mode = record["mode"]
        if mode in _ZERO_MODES:
            return []
        keys = travel_keys()
        entity = entity_of(references, record["entity_id"])
        if mode == "remote":
            heated = record["remote_heating"] is not False
            key, unit = _REMOTE[heated], "hour"
            quantity = (
                record["employees"]
                * record["days"]
                * (
                    record["hours_per_day"]
                    if record["hours_per_day"] is not None
                    else DEFAULT_WORKING_HOURS_PER_DAY
                )
            )
        else:
            quantity = record["employees"] * record["days"] * 2 * record["one_way_distance"]
            if mode == "car":
                key = f"{keys['car']}/{record['car_fuel'] or 'unknown'}"
            elif mode == "motorbike":
                key = "land_travel/motorbike/average"
            else:
                key = keys["passenger_modes"][mode]
            kind = "vehicle" if mode in ("car", "motorbike") else "passenger"
            unit = f"{kind} * ({record['distance_unit']})"
        return [
            self.reference_line(
                record,
                activity_key=key,
                region=entity.get("country"),
                quantity=quantity,
                unit=unit,
                data_quality="estimated",
                business_unit=entity.get("business_unit"),
            )
        ]
