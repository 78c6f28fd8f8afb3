"""Trip-level freight transport (scope 3 categories 4 and 9; scope 1 for the own fleet).

One record is a transport chain element (TCE) of a shipment, as ISO 14083 and the iLEAP data
model name them. Its transport activity is ``mass * distance`` [t km], the distance adjusted
when it is a great-circle one (air: + 95 km; other modes: times the given adjustment), unless
the factors of its key already lengthen the distance themselves (DESNZ's flight factors
include an 8 % uplift, stated on each factor as ``distance_uplift``): an adjustment is never
applied twice. A leg is computed in the first way its data allow:

1. **fuel-based**: the trip's fuel, shared among the trip's shipments by tonne-km;
2. **vehicle-distance-based**: the vehicle's distance for the trip (empty running included)
   against a per-vehicle-km factor at the nearest published load, shared by tonne-km;
3. **intensity-based**: the leg's tonne-km against a per-tonne-km factor, which averages
   loading and empty running over the publisher's fleet.

Each leg gives three parts, as three methods over the same records: tank-to-wheel
(``transport_ttw``, stage combustion), well-to-tank (``transport_wtt``, stage wtt; hubs have
none) and, where asked, the vehicle stage (``transport_vehicle``, stage vehicle: manufacture,
maintenance and disposal, from a user factor). WTW = TTW + WTT; the ledger's ``stage`` column
keeps them apart. Hubs (mode ``hub``) carry their emissions per tonne handled (key
``hub/<type>``, stage operational).

Subcontracted legs are category 4 (upstream) or 9 (downstream). Own-fleet legs are scope 1
(TTW), category 3 (WTT) and category 2 (vehicle stage: the fleet is a capital good). The DESNZ
freight factors describe UK fleets; elsewhere GB is a named proxy after the workspace's own.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, ClassVar

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from carbonledger.errors import CarbonLedgerError
from carbonledger.methods.base import (
    NULL_INT,
    NULL_STRING,
    Derivation,
    Method,
    entity_of,
    period_year,
    reference_line,
)
from carbonledger.units import conversion_factor

__all__ = [
    "TransportTTW",
    "TransportVehicle",
    "TransportWTT",
    "laden_label",
    "transport_keys",
    "unit_scales",
    "uplift_included",
    "vehicle_key",
    "with_tonne_km",
]

_MODES = ("road", "rail", "sea", "air", "inland_water", "hub")


@cache
def transport_keys() -> dict[str, Any]:
    """The freight key table (``methods/transport_keys.yaml``)."""
    path = resources.files("carbonledger.methods").joinpath("transport_keys.yaml")
    keys: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return keys


def laden_label(load_factor: float | None, per_vehicle_km: bool) -> str:
    """DESNZ laden label nearest a load factor [fraction of capacity]; average if unknown.

    Per tonne-km there is no 0 % laden factor, so the choice is among 50 % and 100 %.
    """
    laden = transport_keys()["laden"]
    if load_factor is None:
        return str(laden["unknown"])
    scale = laden["vehicle_km" if per_vehicle_km else "tonne_km"]
    for bound, label in zip(scale["bounds"], scale["labels"], strict=False):
        if load_factor < bound:
            return str(label)
    return str(scale["labels"][-1])


def _laden_label_expr(load_factor: Any, per_vehicle_km: Any) -> Any:
    """:func:`laden_label` as an Ibis expression."""
    laden = transport_keys()["laden"]

    def nearest(scale: dict[str, Any]) -> Any:
        cases = [
            (load_factor < bound, ibis.literal(label))
            for bound, label in zip(scale["bounds"], scale["labels"], strict=False)
        ]
        return ibis.cases(*cases, else_=ibis.literal(scale["labels"][-1]))

    return ibis.cases(
        (load_factor.isnull(), ibis.literal(laden["unknown"])),
        (per_vehicle_km, nearest(laden["vehicle_km"])),
        else_=nearest(laden["tonne_km"]),
    )


def vehicle_key(mode: str, vehicle: str, laden: str, radiative_forcing: bool | None) -> str:
    """Factor key of a leg's vehicle; a class the key table does not list is
    ``freight/<mode>/<vehicle>`` (hubs: ``hub/<type>``), for user factors to serve."""
    if mode == "hub":
        return f"hub/{vehicle}"
    entry = transport_keys()["vehicles"].get(mode, {}).get(vehicle)
    if entry is None:
        return f"freight/{mode}/{vehicle}"
    key = str(entry["key"])
    if entry.get("laden"):
        key += f"/{laden}"
    if entry.get("radiative_forcing"):
        key += "/without_rf" if radiative_forcing is False else "/with_rf"
    return key


def with_tonne_km(
    legs: Any, length_scales: Any, mass_scales: Any, adjusted_column: str | None = None
) -> Any:
    """Legs (Ibis) with ``_tkm``, their transport activity [t km], the distance adjusted.

    ``length_scales`` and ``mass_scales`` map units to km and t (:func:`unit_scales`).
    ``adjusted_column`` names a boolean column of ``legs`` saying whether a great-circle
    distance is to be adjusted (false where the leg's factors include an uplift); default:
    every great-circle distance is, as ISO 14083 measures transport activity.
    """
    a = legs.join(length_scales, legs.distance_unit == length_scales.length_unit, how="left")
    a = a.join(mass_scales, a.mass_unit == mass_scales.mass_unit, how="left")
    km = a.distance * a.length_scale
    addition = transport_keys()["air_gcd_addition_km"]
    gcd = a.distance_type == "gcd"
    if adjusted_column is not None:
        gcd = gcd & a[adjusted_column].fill_null(True)
    adjusted = ibis.cases(
        (gcd & (a.mode == "air"), km + addition),
        (gcd, km * a.distance_adjustment),
        else_=km,
    )
    return a.mutate(_tkm=a.mass * a.mass_scale * adjusted)


def uplift_included(
    library_factors: pa.Table, keys: list[str], stages: tuple[str, ...]
) -> dict[str, bool]:
    """For each key, whether its factors of the given stages already lengthen a great-circle
    distance (``distance_uplift`` stated on every one of them).

    Raises
    ------
    CarbonLedgerError
        If some factors of a key state an uplift and others do not: which adjustment applies
        would depend on the factor chosen, so the key must be made consistent.
    """
    mine = library_factors.filter(
        pc.and_(
            pc.is_in(library_factors["activity_key"], pa.array(sorted(set(keys)), pa.string())),
            pc.is_in(library_factors["stage"], pa.array(list(stages), pa.string())),
        )
    )
    stated: dict[str, set[bool]] = {}
    for key, uplift in zip(
        mine["activity_key"].to_pylist(), mine["distance_uplift"].to_pylist(), strict=True
    ):
        stated.setdefault(key, set()).add(uplift is not None)
    mixed = sorted(k for k, seen in stated.items() if len(seen) > 1)
    if mixed:
        raise CarbonLedgerError(
            f"factors of {', '.join(mixed)} disagree on whether their distance includes an "
            "uplift (distance_uplift): state it on every factor of the key, or on none"
        )
    return {k: seen == {True} for k, seen in stated.items()}


def unit_scales(distance_units: list[Any], mass_units: list[Any]) -> dict[str, pa.Table]:
    """``length_scales`` (unit -> km) and ``mass_scales`` (unit -> t) for the given units."""
    return {
        "length_scales": _scale_table(distance_units, "km", "length"),
        "mass_scales": _scale_table(mass_units, "t", "mass"),
    }


def _scale_table(units: list[Any], target: str, column: str) -> pa.Table:
    present = sorted(u for u in units if u)
    return pa.table(
        {
            f"{column}_unit": pa.array(present, pa.string()),
            f"{column}_scale": pa.array(
                [conversion_factor(u, target) for u in present], pa.float64()
            ),
        }
    )


class _TransportLegs(Method):
    """Lines of one part (TTW, WTT or vehicle) of every transport leg."""

    #: Which part of the leg this method computes.
    part: ClassVar[str]

    # -- which legs and how they are classified ---------------------------------------------

    def _category(self, own_fleet: bool, direction: str) -> tuple[int, int | None, int]:
        """(scope, scope 3 category, ISO 14064-1 category) of a leg's part."""
        if own_fleet:
            return {"ttw": (1, None, 1), "wtt": (3, 3, 4), "vehicle": (3, 2, 4)}[self.part]
        return (3, 4 if direction == "upstream" else 9, 3)

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``vehicle_keys`` for every mode, vehicle, load and RF choice; unit scales to km, t."""
        laden = transport_keys()["laden"]
        labels = sorted(
            {*laden["vehicle_km"]["labels"], *laden["tonne_km"]["labels"], laden["unknown"]}
        )
        vehicles = [v for v in given.distinct["vehicle"] if v]
        combos = list(itertools.product(_MODES, vehicles, labels, (True, False)))
        keys = [vehicle_key(*c) for c in combos]
        included = uplift_included(given.context.library.factors, keys, self.stages)
        return {
            "vehicle_keys": pa.table(
                {
                    "k_mode": pa.array([c[0] for c in combos], pa.string()),
                    "k_vehicle": pa.array([c[1] for c in combos], pa.string()),
                    "k_laden": pa.array([c[2] for c in combos], pa.string()),
                    "k_rf": pa.array([c[3] for c in combos], pa.bool_()),
                    "vehicle_key": pa.array(keys, pa.string()),
                    "gcd_adjusted": pa.array(
                        [not included.get(k, False) for k in keys], pa.bool_()
                    ),
                }
            ),
            **unit_scales(given.distinct["distance_unit"], given.distinct["mass_unit"]),
        }

    # -- the relational plan -----------------------------------------------------------------

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        e, keys = references["entities"], references["vehicle_keys"]
        lengths, masses = references["length_scales"], references["mass_scales"]
        a = activity.join(e, activity.entity_id == e.entity_id, how="left")
        a = a.mutate(
            _laden=_laden_label_expr(a.load_factor, a.trip_distance.notnull()),
            _rf=a.radiative_forcing.fill_null(True),
        )
        a = a.join(
            keys,
            [
                a.mode == keys.k_mode,
                a.vehicle == keys.k_vehicle,
                a._laden == keys.k_laden,
                a._rf == keys.k_rf,
            ],
            how="left",
        )
        a = with_tonne_km(a, lengths, masses, adjusted_column="gcd_adjusted")
        trip = ibis.coalesce(a.trip_id, a.record_id)
        a = a.mutate(_share=a._tkm / a._tkm.sum().over(group_by=trip))
        a = self._select_legs(a)
        hub = a.mode == "hub"
        fuel_based = a.fuel_quantity.notnull() & ~hub & ibis.literal(self.part != "vehicle")
        by_trip_distance = a.trip_distance.notnull() & ~hub & ~fuel_based
        own = a.carrier.fill_null("subcontracted") == "own_fleet"
        scope, category, iso = self._category_expr(own, a.direction)
        return a.select(
            batch_id=a.batch_id,
            record_id=a.record_id,
            line=ibis.literal(0, type="int64"),
            method=ibis.literal(self.name),
            entity_id=a.entity_id,
            facility_id=a.facility_id,
            business_unit=a.business_unit,
            period=a.period,
            scope=scope,
            scope3_category=category,
            iso_category=iso,
            scope2_basis=NULL_STRING,
            activity_key=ibis.ifelse(fuel_based, "vehicle_fuel/" + a.fuel, a.vehicle_key),
            region=ibis.coalesce(a.origin_country, a.country),
            year=period_year(a.period),
            quantity=ibis.cases(
                (hub, a.mass),
                (fuel_based, a.fuel_quantity * a._share),
                (by_trip_distance, a.trip_distance * a._share),
                else_=a._tkm,
            ),
            unit=ibis.cases(
                (hub, a.mass_unit),
                (fuel_based, a.fuel_unit),
                (by_trip_distance, "vehicle * (" + a.distance_unit + ")"),
                else_=ibis.literal("t * km"),
            ),
            heating_value_basis=NULL_STRING,
            data_quality=ibis.ifelse(fuel_based, "measured", "calculated"),
        )

    def _select_legs(self, a: Any) -> Any:
        """The legs this part applies to (default: all)."""
        return a

    def _category_expr(self, own: Any, direction: Any) -> tuple[Any, Any, Any]:
        """:meth:`_category` as Ibis expressions."""
        own_scope, own_cat, own_iso = self._category(True, "upstream")
        bought = direction.cases(("upstream", 4), ("downstream", 9), else_=NULL_INT)
        scope = ibis.ifelse(own, own_scope, 3).cast("int64")
        category = ibis.ifelse(own, ibis.literal(own_cat, type="int64"), bought)
        iso = ibis.ifelse(own, own_iso, 3).cast("int64")
        return scope, category, iso

    # -- the reference engine ----------------------------------------------------------------

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        if not self._applies(record):
            return []
        entity = entity_of(references, record["entity_id"])
        adjusted = {k["vehicle_key"]: k["gcd_adjusted"] for k in references["vehicle_keys"]}
        hub = record["mode"] == "hub"
        fuel_based = record["fuel_quantity"] is not None and not hub and self.part != "vehicle"
        key = f"vehicle_fuel/{record['fuel']}" if fuel_based else _leg_key(record)
        if hub:
            quantity, unit = record["mass"], record["mass_unit"]
        elif fuel_based:
            quantity = record["fuel_quantity"] * _share(record, references[self.kind], adjusted)
            unit = record["fuel_unit"]
        elif record["trip_distance"] is not None:
            quantity = record["trip_distance"] * _share(record, references[self.kind], adjusted)
            unit = f"vehicle * ({record['distance_unit']})"
        else:
            quantity, unit = _tonne_km(record, adjusted), "t * km"
        own = (record["carrier"] or "subcontracted") == "own_fleet"
        scope, category, iso = self._category(own, record["direction"])
        return [
            reference_line(
                record,
                self.name,
                scope=scope,
                iso_category=iso,
                activity_key=key,
                region=record["origin_country"] or entity.get("country"),
                quantity=quantity,
                unit=unit,
                data_quality="measured" if fuel_based else "calculated",
                scope3_category=category,
                business_unit=entity.get("business_unit"),
            )
        ]

    def _applies(self, record: Mapping[str, Any]) -> bool:
        """Whether this part applies to a leg (default: every leg)."""
        return True


def _leg_key(record: Mapping[str, Any]) -> str:
    """The vehicle key of a leg (as :meth:`_TransportLegs.reference_lines` picks it)."""
    laden = laden_label(record["load_factor"], record["trip_distance"] is not None)
    return vehicle_key(record["mode"], record["vehicle"], laden, record["radiative_forcing"])


def _tonne_km(record: Mapping[str, Any], adjusted: Mapping[str, bool]) -> float | None:
    """Transport activity of a leg [t km], its great-circle distance adjusted unless its
    key's factors include an uplift (``adjusted``: vehicle key -> whether to adjust)."""
    if record["distance"] is None:
        return None
    km = record["distance"] * conversion_factor(record["distance_unit"], "km")
    if record["distance_type"] == "gcd" and adjusted.get(_leg_key(record), True):
        if record["mode"] == "air":
            km += transport_keys()["air_gcd_addition_km"]
        else:
            km *= record["distance_adjustment"]
    return float(record["mass"] * conversion_factor(record["mass_unit"], "t") * km)


def _share(
    record: Mapping[str, Any], legs: list[dict[str, Any]], adjusted: Mapping[str, bool]
) -> float | None:
    """The leg's share of its trip by tonne-km (1 for a leg that is its own trip)."""
    trip = record["trip_id"] or record["record_id"]
    total = 0.0
    for leg in legs:
        same_trip = (leg["trip_id"] or leg["record_id"]) == trip
        if same_trip and (tkm := _tonne_km(leg, adjusted)) is not None:
            total += tkm
    own = _tonne_km(record, adjusted)
    return None if own is None or total == 0 else own / total


class TransportTTW(_TransportLegs):
    """Tank-to-wheel emissions of transport legs (and hubs' own emissions)."""

    name = "transport_ttw"
    part = "ttw"


class TransportWTT(_TransportLegs):
    """Well-to-tank emissions of transport legs' fuel or energy."""

    name = "transport_wtt"
    part = "wtt"

    def _select_legs(self, a: Any) -> Any:
        return a.filter(a.mode != "hub")

    def _applies(self, record: Mapping[str, Any]) -> bool:
        return bool(record["mode"] != "hub")


class TransportVehicle(_TransportLegs):
    """Manufacture, maintenance and disposal of the vehicles, where a leg asks for it."""

    name = "transport_vehicle"
    part = "vehicle"

    def _select_legs(self, a: Any) -> Any:
        return a.filter((a.mode != "hub") & a.vehicle_stage.fill_null(False))

    def _applies(self, record: Mapping[str, Any]) -> bool:
        return bool(record["mode"] != "hub" and record["vehicle_stage"])
