"""Customer trips to stores (scope 3 category 9).

Per store and month, ``trips * round_trip_distance * share`` for each motorised mode, against
``customer_trip/<mode>`` (``factors/aliases.yaml``: DESNZ average car, local bus and motorbike,
EPA Hub passenger car, light-duty truck, bus and motorcycle). Cars, light trucks and other modes
are one trip per vehicle (vehicle-km), transit is per passenger-km. The DESNZ and EPA factors
describe the UK and the US; elsewhere they are named proxies (GB, then US) after the
workspace's own, as for business travel. Mode shares that do not add up to one stop the run:
the method checks them before it plans (see :meth:`CustomerTrips.report`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis

from carbonledger.errors import CarbonLedgerError
from carbonledger.methods.base import (
    NULL_STRING,
    Method,
    facility_place,
    period_year,
)
from carbonledger.options import SHARE_TOLERANCE

__all__ = ["CUSTOMER_MODES", "CustomerTrips"]

#: Motorised modes: (line, share column, unit kind).
CUSTOMER_MODES = {
    "car": (0, "share_car", "vehicle"),
    "light_truck": (1, "share_light_truck", "vehicle"),
    "transit": (2, "share_transit", "passenger"),
    "other": (3, "share_other", "vehicle"),
}
_ALL_SHARES = (*(c[1] for c in CUSTOMER_MODES.values()), "share_non_motorised")


class CustomerTrips(Method):
    """Customers' trips to stores by mode."""

    name = "customer_trips"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis): one per motorised mode with a share above zero."""
        f = references["facilities"]
        a, place = facility_place(activity, f)
        parts = []
        for mode, (line, share_column, unit_kind) in CUSTOMER_MODES.items():
            share = a[share_column]
            part = a.filter(share > 0).select(
                **self.classify(line=ibis.literal(line, type="int64")),
                **place,
                activity_key=ibis.literal(f"customer_trip/{mode}"),
                region=f.country,
                year=period_year(a.period),
                quantity=a.trips * a.round_trip_distance * share,
                unit=f"{unit_kind} * (" + a.distance_unit + ")",
                heating_value_basis=NULL_STRING,
                data_quality=ibis.literal("estimated"),
            )
            parts.append(part)
        return ibis.union(*parts)

    def report(self, engine: Any, activity: Any, references: Mapping[str, Any]) -> dict[str, Any]:
        """Stops the run where a record's mode shares do not add up to one.

        Raises
        ------
        CarbonLedgerError
            Naming how many records and one of them.
        """
        total = sum((activity[c].fill_null(0) for c in _ALL_SHARES), ibis.literal(0.0))
        bad = activity.filter((total - 1).abs() > SHARE_TOLERANCE)
        found = engine.to_arrow(
            bad.aggregate(records=bad.count(), example=bad.record_id.arbitrary())
        ).to_pylist()[0]
        if found["records"]:
            raise CarbonLedgerError(
                f"{self.name}: {found['records']} record(s) have mode shares that do not add "
                f"up to 1, e.g. {found['example']}"
            )
        return {}

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        if abs(sum(record[c] or 0 for c in _ALL_SHARES) - 1) > SHARE_TOLERANCE:
            raise CarbonLedgerError(
                f"{self.name}: record {record['record_id']} has mode shares that do not add up to 1"
            )
        facility = next(
            (f for f in references["facilities"] if f["facility_id"] == record["facility_id"]),
            None,
        )
        return [
            self.reference_line(
                record,
                activity_key=f"customer_trip/{mode}",
                region=facility["country"] if facility else None,
                quantity=record["trips"] * record["round_trip_distance"] * record[share_column],
                unit=f"{unit_kind} * ({record['distance_unit']})",
                data_quality="estimated",
                line=line,
                entity_id=facility["entity_id"] if facility else None,
                business_unit=facility["business_unit"] if facility else None,
            )
            for mode, (line, share_column, unit_kind) in CUSTOMER_MODES.items()
            if (record[share_column] or 0) > 0
        ]
