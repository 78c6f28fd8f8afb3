"""Business travel (scope 3 category 6).

Flights per passenger-km by haul and cabin class, with or without radiative forcing as DESNZ
publishes them (the non-CO2 effects applied to the CO2 factor; included by default, as DESNZ
recommends); rail, bus and taxi per passenger-km; cars per vehicle-km by fuel; hotel nights per
room night by the hotel's country. The DESNZ factors describe trips anywhere, so the method
names GB (then US) as proxy regions after the workspace's own; every row so served says
``proxy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import ibis
import pyarrow as pa
import pycountry
import yaml

from carbonledger.factors import slug
from carbonledger.methods.base import (
    NULL_STRING,
    Derivation,
    Method,
    entity_of,
    entity_place,
    period_year,
)

__all__ = ["BusinessTravel", "air_key", "hotel_key", "travel_keys"]


@cache
def travel_keys() -> dict[str, Any]:
    """The travel and commuting key tables (``methods/travel_keys.yaml``)."""
    text = resources.files("carbonledger.methods").joinpath("travel_keys.yaml").read_text("utf-8")
    keys: dict[str, Any] = yaml.safe_load(text)
    return keys


def air_key(haul: str, cabin: str | None, radiative_forcing: bool | None) -> str:
    """DESNZ key of a flight; a class DESNZ does not publish for the haul is the average."""
    keys = travel_keys()
    cabin = cabin or "average"
    if cabin not in keys["air_classes_published"][haul]:
        cabin = "average"
    rf = "without_rf" if radiative_forcing is False else "with_rf"
    return f"air_travel/{keys['air_haul'][haul]}/{keys['air_cabin'][cabin]}/{rf}"


def hotel_key(country: str) -> str:
    """DESNZ key of a hotel night in a country (ISO 3166 alpha-2)."""
    label = travel_keys()["hotel_labels"].get(country)
    if label is None:
        found = pycountry.countries.get(alpha_2=country)
        label = slug(getattr(found, "common_name", None) or found.name) if found else country
    return f"hotel_stay/{label}"


class BusinessTravel(Method):
    """Flights, ground travel and hotel nights of employees."""

    name = "business_travel"

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``air_keys`` for every haul, cabin and RF choice; ``hotel_keys`` for the countries."""
        keys = travel_keys()
        combos = [
            (h, c, rf) for h in keys["air_haul"] for c in keys["air_cabin"] for rf in (True, False)
        ]
        countries = [c for c in given.distinct["hotel_country"] if c]
        return {
            "air_keys": pa.table(
                {
                    "k_haul": [c[0] for c in combos],
                    "k_cabin": [c[1] for c in combos],
                    "k_rf": [c[2] for c in combos],
                    "air_key": [air_key(*c) for c in combos],
                }
            ),
            "hotel_keys": pa.table(
                {
                    "k_country": pa.array(countries, pa.string()),
                    "hotel_key": pa.array([hotel_key(c) for c in countries], pa.string()),
                }
            ),
        }

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        keys = travel_keys()
        e, air, hotels = (references["entities"], references["air_keys"], references["hotel_keys"])
        a = activity.join(e, activity.entity_id == e.entity_id, how="left")
        a = a.mutate(_rf=a.radiative_forcing.fill_null(True), _cabin=a.cabin.fill_null("average"))
        a = a.join(
            air, [a.haul == air.k_haul, a._cabin == air.k_cabin, a._rf == air.k_rf], how="left"
        )
        a = a.join(hotels, a.hotel_country == hotels.k_country, how="left")
        passengers = a.passengers.fill_null(1).cast("float64")
        ground = a.mode.cases(*keys["passenger_modes"].items(), else_=NULL_STRING)
        key = ibis.cases(
            (a.mode == "air", a.air_key),
            (a.mode == "hotel", a.hotel_key),
            (a.mode == "car", keys["car"] + "/" + a.car_fuel.fill_null("unknown")),
            else_=ground,
        )
        return a.select(
            **self.classify(),
            **entity_place(a),
            activity_key=key,
            region=a.country,
            year=period_year(a.period),
            quantity=ibis.cases(
                (a.mode == "hotel", a.nights),
                (a.mode == "car", a.distance),
                else_=a.distance * passengers,
            ),
            unit=ibis.cases(
                (a.mode == "hotel", ibis.literal("room_night")),
                (a.mode == "car", "vehicle * (" + a.distance_unit + ")"),
                else_="passenger * (" + a.distance_unit + ")",
            ),
            heating_value_basis=NULL_STRING,
            data_quality=ibis.literal("calculated"),
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        keys = travel_keys()
        entity = entity_of(references, record["entity_id"])
        mode = record["mode"]
        if mode == "air":
            key = air_key(record["haul"], record["cabin"], record["radiative_forcing"])
        elif mode == "hotel":
            key = hotel_key(record["hotel_country"])
        elif mode == "car":
            key = f"{keys['car']}/{record['car_fuel'] or 'unknown'}"
        else:
            key = keys["passenger_modes"][mode]
        if mode == "hotel":
            quantity, unit = record["nights"], "room_night"
        elif mode == "car":
            quantity, unit = record["distance"], f"vehicle * ({record['distance_unit']})"
        else:
            quantity = record["distance"] * (record["passengers"] or 1)
            unit = f"passenger * ({record['distance_unit']})"
        return [
            self.reference_line(
                record,
                activity_key=key,
                region=entity.get("country"),
                quantity=quantity,
                unit=unit,
                data_quality="calculated",
                facility_id=None,
                business_unit=entity.get("business_unit"),
            )
        ]
