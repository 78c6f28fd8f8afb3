"""Scope 1 and scope 2 methods: stationary and mobile combustion, purchased electricity.

Each method is written twice, as an Ibis plan and in plain Python, from the same definition:

- **Stationary combustion** (scope 1, ISO category 1): fuel quantity (mass, volume or energy with
  its heating-value basis) at a facility; factor key ``fuel/<fuel>``. A mass or volume of a fuel
  whose heat content a release publishes for the facility's region (EPA Hub Table 1, US) is
  converted to energy [mmBtu, HHV] with it and takes the per-mmBtu factor: the publisher's
  per-unit rows are rounded (their CH4 and N2O by 1-3 %). The run keeps each heat content used
  (method report ``energy_path``), and the ledger row's activity is in mmBtu.
- **Mobile combustion** (scope 1, ISO category 1): the own fleet's fuel (key
  ``vehicle_fuel/<fuel>``) or, where fuel is unknown, its distance by vehicle class (key
  ``vehicle/<class>/<fuel>``, per vehicle-km).
- **Purchased electricity, heat, steam and cooling, location-based** (scope 2, ISO category 2):
  energy at the facility's
  finest region (eGRID subregion, else subdivision, else country) against ``electricity/grid``,
  preferring combustion-at-plant (``generation``) factors and using ``lifecycle`` intensities
  only where no generation factor exists. Electricity generated and consumed on site (supply
  ``onsite_generation``) counts as zero scope 2 MWh and gives no ledger row. Months known only
  from the bill are estimated as
  ``bill_amount / price`` with the regional price for that currency and year
  (``electricity_prices``), and flagged ``estimated``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from functools import cache
from typing import Any

import ibis
import pyarrow as pa

from carbonledger.errors import CarbonLedgerError, UnitError
from carbonledger.factors import FactorLibrary, region_chain
from carbonledger.factors.selection import alias_map
from carbonledger.methods.base import (
    NULL_STRING,
    Derivation,
    FactorContext,
    Method,
    facility_place,
    latest_not_after,
    period_year,
    period_years,
    table_place,
)
from carbonledger.units import conversion_factor, parse_unit, ureg

__all__ = ["MobileCombustion", "PurchasedElectricity", "StationaryCombustion"]


def facility_region(facility: Any) -> Any:
    """The finest region of a facility: ``EGRID-<subregion>``, else subdivision, else country."""
    egrid = ibis.ifelse(
        facility.grid_region.notnull(), "EGRID-" + facility.grid_region, NULL_STRING
    )
    return ibis.coalesce(egrid, facility.subdivision, facility.country)


def reference_region(facility: Mapping[str, Any]) -> str:
    """:func:`facility_region` in plain Python."""
    if facility.get("grid_region"):
        return f"EGRID-{facility['grid_region']}"
    return str(facility.get("subdivision") or facility["country"])


def _by_id(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


#: One way from a fuel's mass or volume to its energy: ``energy_paths`` rows.
ENERGY_PATH_SCHEMA = pa.schema(
    [
        ("p_region", pa.string()),
        ("p_fuel", pa.string()),
        ("p_unit", pa.string()),
        ("mmbtu_per_unit", pa.float64()),
        ("heat_content", pa.float64()),
        ("heat_content_unit", pa.string()),
        ("release_id", pa.string()),
        ("source_location", pa.string()),
    ]
)
_HEAT_CONTENT_TABLE = "heat_content"


@cache
def _heat_contents(
    library: FactorLibrary, allowed: tuple[str, ...] | None
) -> dict[tuple[str, str], dict[str, Any]]:
    """Every release's heat contents by (fuel key, region), first release first; read once per
    library (stationary combustion and its well-to-tank method both ask)."""
    heat: dict[tuple[str, str], dict[str, Any]] = {}
    for release in library.release_ids:
        if allowed is not None and release not in allowed:
            continue
        if _HEAT_CONTENT_TABLE not in library.manifest(release)["tables"]:
            continue
        for row in library.table(release, _HEAT_CONTENT_TABLE).to_pylist():
            heat.setdefault((row["activity_key"], row["region"]), {**row, "release_id": release})
    return heat


def energy_paths(
    regions: list[str], fuels: list[str], units: list[str], context: FactorContext
) -> list[dict[str, Any]]:
    """For each facility region, fuel and mass or volume unit, the publisher's heat content
    that converts it to energy [mmBtu HHV per unit], where a release publishes one for the
    region or a region above it (parent, country; never a proxy: heat contents describe a
    country's fuel supply). Keyed by region, not facility: a handful of rows for any number of
    facilities.
    """
    heat = _heat_contents(context.library, context.policy.releases)
    energy = ureg.parse_units("mmBtu").dimensionality
    physical_units = [u for u in units if parse_unit(u).dimensionality != energy]
    paths = []
    for region in regions:
        chain = [
            r for r, level in region_chain(region) if level.label in ("exact", "parent", "country")
        ]
        for fuel, unit in itertools.product(fuels, physical_units):
            keys = [f"fuel/{fuel}", *alias_map().get(f"fuel/{fuel}", ())]
            found = next((heat[(k, r)] for r in chain for k in keys if (k, r) in heat), None)
            if found is None:
                continue
            physical = found["unit"].split("/", 1)[1].strip()
            try:
                per_unit = found["value"] * conversion_factor(unit, physical)
            except UnitError:  # a mass against a heat content per volume, or the reverse
                continue
            paths.append(
                {
                    "p_region": region,
                    "p_fuel": fuel,
                    "p_unit": unit,
                    "mmbtu_per_unit": per_unit,
                    "heat_content": found["value"],
                    "heat_content_unit": found["unit"],
                    "release_id": found["release_id"],
                    "source_location": found["source_location"],
                }
            )
    return paths


class StationaryCombustion(Method):
    """Fuel burnt in stationary equipment at a facility (scope 1)."""

    name = "stationary_combustion"

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``energy_paths``: per facility, fuel and unit used, the heat content [mmBtu HHV per
        unit] that converts the fuel to energy."""
        if not {"fuel", "unit"} <= set(given.distinct):
            raise CarbonLedgerError(
                f"method spec {self.name!r} must list distinct: [fuel, unit] (the energy path "
                "of stationary fuel needs them)"
            )
        facilities = given.references["facilities"].to_pylist()
        paths = energy_paths(
            sorted({reference_region(f) for f in facilities}),
            [f for f in given.distinct["fuel"] if f],
            [u for u in given.distinct["unit"] if u],
            given.context,
        )
        return {"energy_paths": pa.Table.from_pylist(paths, schema=ENERGY_PATH_SCHEMA)}

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        f, paths = references["facilities"], references["energy_paths"]
        a, place = facility_place(activity, f)
        a = a.mutate(_region=facility_region(f))
        a = a.join(
            paths,
            [a._region == paths.p_region, a.fuel == paths.p_fuel, a.unit == paths.p_unit],
            how="left",
        )
        to_energy = a.mmbtu_per_unit.notnull()
        return a.select(
            **self.classify(),
            **place,
            activity_key="fuel/" + a.fuel,
            region=facility_region(f),
            year=period_year(a.period),
            quantity=ibis.ifelse(to_energy, a.quantity * a.mmbtu_per_unit, a.quantity),
            unit=ibis.ifelse(to_energy, ibis.literal("mmBtu"), a.unit),
            heating_value_basis=ibis.ifelse(to_energy, ibis.literal("HHV"), a.heating_value_basis),
            data_quality=ibis.literal("measured"),
        )

    def report(self, engine: Any, activity: Any, references: Mapping[str, Any]) -> dict[str, Any]:
        """The heat contents that converted fuel to energy, with their sources."""
        f, paths = references["facilities"], references["energy_paths"]
        a, _place = facility_place(activity, f)
        a = a.mutate(_region=facility_region(f))
        used = paths.semi_join(
            a, [paths.p_region == a._region, paths.p_fuel == a.fuel, paths.p_unit == a.unit]
        )
        rows = engine.to_arrow(used).to_pylist()
        return {"energy_path": rows} if rows else {}

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        facility = _by_id(references["facilities"], "facility_id")[record["facility_id"]]
        path = next(
            (
                p
                for p in references["energy_paths"]
                if (p["p_region"], p["p_fuel"], p["p_unit"])
                == (reference_region(facility), record["fuel"], record["unit"])
            ),
            None,
        )
        quantity, unit, basis = record["quantity"], record["unit"], record["heating_value_basis"]
        if path is not None:
            quantity, unit, basis = quantity * path["mmbtu_per_unit"], "mmBtu", "HHV"
        return [
            _line(
                self,
                record,
                facility,
                activity_key=f"fuel/{record['fuel']}",
                region=reference_region(facility),
                quantity=quantity,
                unit=unit,
                basis=basis,
                quality="measured",
            )
        ]


class MobileCombustion(Method):
    """The own fleet's fuel, or its distance where fuel is unknown (scope 1)."""

    name = "mobile_combustion"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis): fuel-based where fuel is known, distance-based otherwise."""
        f, e = references["facilities"], references["entities"]
        a = activity.join(f, activity.facility_id == f.facility_id, how="left")
        a = a.join(e, a.entity_id == e.entity_id, how="left")
        fuel_based = a.fuel_quantity.notnull()
        return a.select(
            **self.classify(),
            batch_id=a.batch_id,
            record_id=a.record_id,
            entity_id=a.entity_id,
            facility_id=a.facility_id,
            business_unit=ibis.coalesce(f.business_unit, e.business_unit),
            period=a.period,
            activity_key=ibis.ifelse(
                fuel_based, "vehicle_fuel/" + a.fuel, "vehicle/" + a.vehicle_class + "/" + a.fuel
            ),
            region=ibis.coalesce(facility_region(f), e.country),
            year=period_year(a.period),
            quantity=ibis.ifelse(fuel_based, a.fuel_quantity, a.distance),
            unit=ibis.ifelse(fuel_based, a.fuel_unit, "vehicle * (" + a.distance_unit + ")"),
            heating_value_basis=NULL_STRING,
            data_quality=ibis.ifelse(fuel_based, "measured", "calculated"),
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        entity = _by_id(references["entities"], "entity_id").get(record["entity_id"], {})
        facility = _by_id(references["facilities"], "facility_id").get(record["facility_id"])
        region = reference_region(facility) if facility else entity.get("country")
        unit_of = (facility or {}).get("business_unit") or entity.get("business_unit")
        if record["fuel_quantity"] is not None:
            key, quantity, unit, quality = (
                f"vehicle_fuel/{record['fuel']}",
                record["fuel_quantity"],
                record["fuel_unit"],
                "measured",
            )
        else:
            key = f"vehicle/{record['vehicle_class']}/{record['fuel']}"
            quantity, unit = record["distance"], f"vehicle * ({record['distance_unit']})"
            quality = "calculated"
        line = _line(
            self,
            record,
            facility or {},
            activity_key=key,
            region=region,
            quantity=quantity,
            unit=unit,
            basis=None,
            quality=quality,
        )
        line.update(entity_id=record["entity_id"], business_unit=unit_of)
        return [line]


class PurchasedElectricity(Method):
    """Purchased electricity, location-based (scope 2), with kWh estimated from bills."""

    name = "electricity_location"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        f = references["facilities"]
        purchased = activity.filter(activity.supply.fill_null("grid") != "onsite_generation")
        a = purchased.join(f, purchased.facility_id == f.facility_id, how="left")
        a = self._with_price(
            a.mutate(_year=period_year(a.period), _region=facility_region(f)),
            references["bill_prices"],
        )
        metered = a.quantity.notnull()
        return a.select(
            **self.classify(),
            **table_place(a),
            activity_key=_energy_key(a.energy_type),
            region=a._region,
            year=a._year,
            quantity=ibis.ifelse(metered, a.quantity, a.bill_amount / a._price),
            unit=ibis.ifelse(metered, a.unit, a._price_unit),
            heating_value_basis=NULL_STRING,
            data_quality=ibis.ifelse(metered, "measured", "estimated"),
        )

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``bill_prices``: for each facility country, bill currency and year of the records,
        the price of the nearest earlier year in ``electricity_prices`` (see
        :func:`latest_not_after`), to estimate kWh from a bill without a meter reading."""
        countries = set(given.references["facilities"]["country"].to_pylist())
        wanted = [(c, cur) for c in countries for cur in given.distinct["currency"]]
        prices = latest_not_after(
            given.references["electricity_prices"],
            ["region", "currency"],
            wanted,
            period_years(given.distinct["period"]),
            {"price": "_price", "per_unit": "_price_unit"},
        )
        return {"bill_prices": prices}

    @staticmethod
    def _with_price(a: Any, prices: Any) -> Any:
        """Attach the price for the facility's country, the bill's currency and the nearest
        earlier year (``bill_prices``)."""
        return a.join(
            prices,
            [
                a.country == prices._k_region,
                a.currency == prices._k_currency,
                a._year == prices._k_year,
            ],
            how="left",
        )

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        if record.get("supply") == "onsite_generation":
            return []  # generated and consumed on site: zero scope 2 MWh
        facility = _by_id(references["facilities"], "facility_id")[record["facility_id"]]
        year = int(record["period"][:4])
        if record["quantity"] is not None:
            quantity, unit, quality = record["quantity"], record["unit"], "measured"
        else:
            price = max(
                (
                    p
                    for p in references["electricity_prices"]
                    if p["region"] == facility["country"]
                    and p["currency"] == record["currency"]
                    and p["year"] <= year
                ),
                key=lambda p: p["year"],
            )
            quantity, unit = record["bill_amount"] / price["price"], price["per_unit"]
            quality = "estimated"
        line = _line(
            self,
            record,
            facility,
            activity_key=ENERGY_KEYS[record.get("energy_type") or "electricity"],
            region=reference_region(facility),
            quantity=quantity,
            unit=unit,
            basis=None,
            quality=quality,
        )
        return [line]


#: Factor key of each purchased energy type.
ENERGY_KEYS = {
    "electricity": "electricity/grid",
    "heat": "heat_steam",
    "steam": "heat_steam",
    "cooling": "cooling",
}


def _energy_key(energy_type: Any) -> Any:
    return energy_type.fill_null("electricity").cases(*ENERGY_KEYS.items())


def _line(
    method: Method,
    record: dict[str, Any],
    facility: Mapping[str, Any],
    *,
    activity_key: str,
    region: str | None,
    quantity: float,
    unit: str,
    basis: str | None,
    quality: str,
) -> dict[str, Any]:
    return method.reference_line(
        record,
        activity_key=activity_key,
        region=region,
        quantity=quantity,
        unit=unit,
        data_quality=quality,
        heating_value_basis=basis,
        entity_id=facility.get("entity_id"),
        business_unit=facility.get("business_unit"),
    )
