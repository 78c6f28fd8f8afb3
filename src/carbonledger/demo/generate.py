"""Generate the demo company's activity tables from the drivers in ``company.yaml``.

Everything is drawn from one seeded :class:`numpy.random.Generator`, so the same seed gives
the same tables.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from carbonledger.demo.ecosystem import ecosystem_tables
from carbonledger.demo.park import park_tables

__all__ = ["generate_tables", "load_company"]

Company = dict[str, Any]


def load_company() -> Company:
    """Return the demo company's description (``demo/company.yaml``)."""
    text = resources.files("carbonledger.demo").joinpath("company.yaml").read_text("utf-8")
    company: Company = yaml.safe_load(text)
    return company


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _seasonality(month_index: int, amplitude: float) -> float:
    """Summer cooling peak (July) as a cosine around the mean."""
    return 1.0 + amplitude * float(np.cos((month_index - 6) / 12 * 2 * np.pi))


def generate_tables(company: Company, seed: int) -> dict[str, pd.DataFrame]:
    """Build one canonical table per activity kind.

    Parameters
    ----------
    company : dict
        The description from :func:`load_company`.
    seed : int
        Seed of the random generator.

    Returns
    -------
    dict of str to pandas.DataFrame
        Tables keyed by activity kind, with canonical column names.
    """
    rng = np.random.default_rng(seed)
    months = _months(int(company["year"]))
    tables: dict[str, pd.DataFrame] = {
        "entities": pd.DataFrame(company["entities"]),
        "facilities": _facilities(company),
        "electricity": _electricity(company, months, rng),
        "stationary_fuel": _stationary_fuel(company, months, rng),
        "mobile_fuel": _mobile_fuel(company, months, rng),
        "refrigerants": _refrigerants(company, months, rng),
        "spend": _spend(company, months, rng),
        "electricity_prices": _prices(company),
        "fx_rates": _fx_rates(company),
        "price_index": _price_index(company),
    }
    tables["energy_instruments"] = _instruments(company, tables["electricity"])
    tables["business_travel"] = _travel(company, months, rng)
    tables["waste"] = _waste(company, months, rng)
    tables["commuting"] = _commuting(company, months)
    tables["spend_coverage"] = pd.DataFrame(company["coverage"])
    tables["transport_legs"] = _transport(company, months, rng)
    tables["package_types"] = pd.DataFrame(company["package_types"])
    tables["packaging_use"] = _packaging(company, months, rng)
    tables["device_models"] = pd.DataFrame(company["devices"]["models"])
    tables["device_sales"] = _device_sales(company, months, rng)
    tables["customer_trips"] = _store_trips(company, months, rng)
    tables["denominators"] = pd.DataFrame(company["denominators"])
    tables["base_year_events"] = pd.DataFrame(company["base_year_events"])
    tables |= _plan(company)
    tables |= {kind: pd.DataFrame(rows) for kind, rows in company["credits"].items()}
    tables["allocation_keys"] = _allocation_keys(company, months, tables["packaging_use"], rng)
    sample = company["allocation"]["sample_order"]
    legs = tables["transport_legs"]
    legs["order_id"] = legs["record_id"].map(dict.fromkeys(sample["legs"], sample["order_id"]))
    for year in (y for y in _years(company) if y != int(company["year"])):
        for kind, frame in _earlier_year(company, year, rng).items():
            tables[kind] = pd.concat([frame, tables[kind]], ignore_index=True)
    # the park's meters draw on a generator of their own: the other tables stay as they were
    tables |= park_tables(company, tables["electricity"], np.random.default_rng(seed + 1))
    tables |= ecosystem_tables(company, np.random.default_rng(seed + 2))
    return tables


def _plan(company: Company) -> dict[str, pd.DataFrame]:
    """The plan's tables: targets, KPI values, measures and their inputs (one row each)."""
    plan = company["plan"]
    inputs = [
        {"measure_id": measure, "input": name, "value": value, "unit": unit}
        for measure, values in plan["measure_inputs"].items()
        for name, (value, unit) in values.items()
    ]
    return {
        "targets": pd.DataFrame(plan["targets"]),
        "kpi_values": pd.DataFrame(plan["kpi_values"]),
        "measures": pd.DataFrame(plan["measures"]),
        "measure_inputs": pd.DataFrame(inputs),
    }


def _years(company: Company) -> list[int]:
    """The years the demo holds data for (those of the activity index), oldest first."""
    return sorted(int(y) for y in company["activity_index"])


def _earlier_year(company: Company, year: int, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """An earlier year's activity, scaled by the activity index; ids are prefixed with the
    year. The base year holds scope 1 and 2 activity and the general ledger only (its
    inventory was spend-based); other years hold every kind the reporting year holds."""
    months = _months(year)
    scale = company["activity_index"][year]
    electricity = _electricity(company, months, rng)
    frames = {
        "electricity": electricity,
        "stationary_fuel": _stationary_fuel(company, months, rng),
        "mobile_fuel": _mobile_fuel(company, months, rng),
        "spend": _spend(company, months, rng),
        "energy_instruments": _instruments(company, electricity),
    }
    if year != int(company["base_year"]):
        frames |= {
            "refrigerants": _refrigerants(company, months, rng),
            "business_travel": _travel(company, months, rng),
            "waste": _waste(company, months, rng),
            "commuting": _commuting(company, months),
            "transport_legs": _transport(company, months, rng),
            "packaging_use": _packaging(company, months, rng),
            "device_sales": _device_sales(company, months, rng),
            "customer_trips": _store_trips(company, months, rng),
        }
    for kind, frame in frames.items():
        for column in _IDS.get(kind, ("record_id",)):
            frame[column] = f"{year}-" + frame[column].astype(str)
        for column in _SCALED.get(kind, ()):
            scaled = frame[column] * scale
            integral = pd.api.types.is_integer_dtype(frame[column])
            frame[column] = scaled.round().astype(frame[column].dtype) if integral else scaled
    return frames


#: Id columns an earlier year's rows prefix with the year (default: ``record_id``; shipment
#: and trip ids of transport legs hold their month already).
_IDS = {"energy_instruments": ("instrument_id",)}

#: Activity amounts earlier years scale by the activity index.
_SCALED = {
    "electricity": ("quantity", "bill_amount"),
    "stationary_fuel": ("quantity",),
    "mobile_fuel": ("fuel_quantity", "distance"),
    "spend": ("amount",),
    "energy_instruments": ("quantity",),
    "business_travel": ("distance",),
    "waste": ("quantity",),
    "commuting": ("employees",),
    "transport_legs": ("mass", "fuel_quantity"),
    "packaging_use": ("packages",),
    "device_sales": ("units_sold", "active_devices"),
    "customer_trips": ("trips",),
}


def _facilities(company: Company) -> pd.DataFrame:
    frame = pd.DataFrame(company["facilities"]).drop(columns=["monthly_kwh"])
    frame["floor_area_unit"] = "m ** 2"
    return frame


def _electricity(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for site in company["facilities"]:
        currency = company["currencies"][site["country"]]
        price = company["demo_price_per_kwh"][site["country"]]
        amplitude = 0.05 if site["facility_type"] == "data_centre" else 0.18
        for i, month in enumerate(months):
            kwh = site["monthly_kwh"] * _seasonality(i, amplitude) * rng.normal(1.0, 0.04)
            bill_only = rng.random() < company["bill_only_share"]
            rows.append(
                {
                    "record_id": f"EL-{site['facility_id']}-{month}",
                    "facility_id": site["facility_id"],
                    "period": month,
                    "quantity": None if bill_only else round(kwh, 1),
                    "unit": "kWh",
                    "bill_amount": round(kwh * price, 2),
                    "currency": currency,
                    "supplier": "State Grid" if site["country"] == "CN" else "local utility",
                    "data_source": "invoice" if bill_only else "meter",
                    "supply": "grid",
                }
            )
    for facility_id, monthly in company["onsite_pv"].items():
        for i, month in enumerate(months):
            rows.append(
                {
                    "record_id": f"PV-{facility_id}-{month}",
                    "facility_id": facility_id,
                    "period": month,
                    "unit": "kWh",
                    "data_source": "meter",
                    "supply": "onsite_generation",
                    "quantity": round(monthly * _seasonality(i, 0.3) * rng.normal(1, 0.05), 1),
                }
            )
    return pd.DataFrame(rows)


def _stationary_fuel(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for burner in company["stationary_fuel"]:
        for i, month in enumerate(months):
            heating = _seasonality((i + 6) % 12, 0.35)  # winter peak
            amount = burner["monthly"] * heating * rng.normal(1.0, 0.06)
            rows.append(
                {
                    "record_id": f"SF-{burner['facility_id']}-{burner['fuel']}-{month}",
                    "facility_id": burner["facility_id"],
                    "period": month,
                    "fuel": burner["fuel"],
                    "quantity": round(amount, 1),
                    "unit": burner["unit"],
                    "heating_value_basis": burner.get("basis"),
                }
            )
    return pd.DataFrame(rows)


def _mobile_fuel(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for group in company["fleet"]:
        for n in range(group["count"]):
            vehicle = f"{group['facility_id']}-{group['vehicle_class'][:3].upper()}{n:03d}"
            for month in months:
                km = group["monthly_km"] * rng.normal(1.0, 0.12)
                litres = km * group["litres_per_100km"] / 100 * rng.normal(1.0, 0.05)
                distance_only = rng.random() < company["distance_only_share"]
                rows.append(
                    {
                        "record_id": f"MF-{vehicle}-{month}",
                        "entity_id": group["entity_id"],
                        "facility_id": group["facility_id"],
                        "vehicle_id": vehicle,
                        "vehicle_class": group["vehicle_class"],
                        "period": month,
                        "fuel": group["fuel"],
                        "fuel_quantity": None if distance_only else round(litres, 1),
                        "fuel_unit": None if distance_only else "L",
                        "distance": round(km, 1),
                        "distance_unit": "km",
                    }
                )
    return pd.DataFrame(rows)


def _refrigerants(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    rates = company["annual_leak_rates"]
    year_end = months[-1]
    for item in company["refrigerant_equipment"]:
        base = f"RF-{item['facility_id']}-{item['equipment_type']}"
        charge = item["units"] * item["charge"]
        rows.append(
            {
                "record_id": f"{base}-screening",
                "facility_id": item["facility_id"],
                "period": year_end,
                "equipment_type": item["equipment_type"],
                "gas": item["gas"],
                "method": "screening",
                "charge": charge,
                "annual_leak_rate": rates[item["equipment_type"]],
                "mass_unit": "kg",
            }
        )
        for month in rng.choice(months, size=2, replace=False):
            top_up = charge * rates[item["equipment_type"]] / 2 * rng.uniform(0.6, 1.4)
            rows.append(
                {
                    "record_id": f"{base}-topup-{month}",
                    "facility_id": item["facility_id"],
                    "period": str(month),
                    "equipment_type": item["equipment_type"],
                    "gas": item["gas"],
                    "method": "top_up",
                    "top_up": round(top_up, 2),
                    "mass_unit": "kg",
                }
            )
    return pd.DataFrame(rows)


def _spend(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    entities = list(company["spend_entity_weights"])
    weights = np.array(list(company["spend_entity_weights"].values()), dtype=float)
    country = {e["entity_id"]: e["country"] for e in company["entities"]}
    currency_of = company["currencies"]
    per_usd = company["demo_fx_per_usd"]
    frames = []
    for category in company["spend_categories"]:
        n = int(category["lines"])
        shares = rng.lognormal(0.0, 1.0, n)
        amounts_cny = shares / shares.sum() * category["annual"] * 1e6
        owners = rng.choice(entities, size=n, p=weights / weights.sum())
        currencies = [currency_of[country[o]] for o in owners]
        local = amounts_cny / per_usd["CNY"] * np.array([per_usd[c] for c in currencies])
        frames.append(
            pd.DataFrame(
                {
                    "record_id": [f"GL-{category['gl_account']}-{i:05d}" for i in range(n)],
                    "entity_id": owners,
                    "period": rng.choice(months, size=n),
                    "gl_account": category["gl_account"],
                    "gl_account_name": category["gl_account_name"],
                    "supplier": [
                        f"{category['supplier_category']}-supplier-{k:03d}"
                        for k in rng.integers(0, 40, n)
                    ],
                    "supplier_category": category["supplier_category"],
                    "amount": np.round(local, 2),
                    "currency": currencies,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


_DEMO_SOURCE = "demo assumption (fictional company); replace with published data"


def _prices(company: Company) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "region": country,
                "year": int(year),
                "currency": company["currencies"][country],
                "price": price,
                "per_unit": "kWh",
                "source": _DEMO_SOURCE,
            }
            for country, price in company["demo_price_per_kwh"].items()
            for year in _years(company)
        ]
    )


def _fx_rates(company: Company) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"currency": c, "year": int(year), "per_usd": v, "source": _DEMO_SOURCE}
            for c, v in company["demo_fx_per_usd"].items()
            for year in _years(company)
        ]
    )


def _price_index(company: Company) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"year": int(y), "index_value": v, "source": _DEMO_SOURCE}
            for y, v in company["demo_price_index"].items()
        ]
    )


def _instruments(company: Company, electricity: pd.DataFrame) -> pd.DataFrame:
    """Certificates and contracts covering a share of some facilities' metered monthly use
    (one share above 1, so the excess shows in the run's report)."""
    rows = []
    metered = electricity[electricity["quantity"].notna() & (electricity["supply"] == "grid")]
    for item in company["instruments"]:
        for record in metered[metered["facility_id"] == item["facility_id"]].itertuples():
            rows.append(
                {
                    "instrument_id": f"{item['scheme']}-{item['facility_id']}-{record.period}",
                    "instrument_type": item["instrument_type"],
                    "scheme": item["scheme"],
                    "facility_id": item["facility_id"],
                    "period": record.period,
                    "quantity": round(float(record.quantity) * item["share"] / 1000, 3),
                    "unit": "MWh",
                    "emission_factor": item["emission_factor"],
                    "source": _DEMO_SOURCE,
                }
            )
    return pd.DataFrame(rows)


def _travel(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Monthly travel bookings: flights or rail per entity, with a hotel night per trip."""
    rows = []
    for item in company["travel"]:
        for month in months:
            trips = int(rng.poisson(item["trips"]))
            base = {"entity_id": item["entity_id"], "period": month}
            key = f"{item['entity_id']}-{item['mode']}-{month}"
            rows.append(
                {
                    **base,
                    "record_id": f"BT-{key}",
                    "mode": item["mode"],
                    "haul": item.get("haul"),
                    "cabin": item.get("cabin"),
                    "distance": float(item["distance"]) * 2,
                    "passengers": max(trips, 1),
                }
            )
            if item.get("hotel_country"):
                rows.append(
                    {
                        **base,
                        "record_id": f"HT-{key}",
                        "mode": "hotel",
                        "nights": float(2 * max(trips, 1)),
                        "hotel_country": item["hotel_country"],
                    }
                )
    return pd.DataFrame(rows)


def _waste(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for item in company["waste"]:
        for month in months:
            rows.append(
                {
                    "record_id": f"WS-{item['facility_id']}-{item['material']}-{month}",
                    "facility_id": item["facility_id"],
                    "period": month,
                    "material": item["material"],
                    "treatment": item["treatment"],
                    "quantity": round(item["monthly"] * rng.normal(1, 0.08), 2),
                    "unit": "t",
                }
            )
    return pd.DataFrame(rows)


def _commuting(company: Company, months: list[str]) -> pd.DataFrame:
    """A commuting survey scaled to every month; remote days per employee apart."""
    days = company["working_days_per_month"]
    rows = []
    for item in company["commuting"]:
        total = sum(item["employees"].values())
        for month in months:
            for mode, employees in item["employees"].items():
                rows.append(
                    {
                        "record_id": f"CM-{item['entity_id']}-{mode}-{month}",
                        "entity_id": item["entity_id"],
                        "period": month,
                        "mode": mode,
                        "employees": float(employees),
                        "days": float(days - item["remote_days"]),
                        "one_way_distance": float(item["distance"][mode]),
                        "distance_unit": "km",
                    }
                )
            rows.append(
                {
                    "record_id": f"CM-{item['entity_id']}-remote-{month}",
                    "entity_id": item["entity_id"],
                    "period": month,
                    "mode": "remote",
                    "employees": float(total),
                    "days": float(item["remote_days"]),
                    "remote_heating": item.get("remote_heating", True),
                }
            )
    return pd.DataFrame(rows)


def _transport(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Transport legs: one row per shipment, grouped in trips that share fuel or distance."""
    rows = []
    for lane in company["transport"]:
        for month in months:
            for trip in range(int(rng.poisson(lane["trips"]))):
                trip_id = f"{lane['lane']}-{month}-{trip:04d}"
                fuel = lane.get("litres_per_trip")
                for shipment in range(lane["shipments_per_trip"]):
                    rows.append(
                        {
                            "record_id": f"TCE-{trip_id}-{shipment:02d}",
                            "shipment_id": f"SH-{trip_id}-{shipment:02d}",
                            "entity_id": lane["entity_id"],
                            "facility_id": lane["origin"],
                            "period": month,
                            "direction": lane["direction"],
                            "mode": lane["mode"],
                            "vehicle": lane["vehicle"],
                            "distance": float(lane["distance"]),
                            "distance_type": lane.get("distance_type", "actual"),
                            "mass": round(float(lane["mass"] * rng.uniform(0.5, 1.5)), 4),
                            "trip_id": trip_id,
                            "trip_distance": lane.get("trip_distance"),
                            "fuel": "diesel" if fuel else None,
                            "fuel_quantity": round(fuel * rng.normal(1, 0.06), 1) if fuel else None,
                            "fuel_unit": "L" if fuel else None,
                        }
                    )
    return pd.DataFrame(rows)


def _packaging(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "record_id": f"PK-{item['facility_id']}-{item['package_type']}-{month}",
                "entity_id": item["entity_id"],
                "facility_id": item["facility_id"],
                "period": month,
                "package_type": item["package_type"],
                "packages": float(round(item["monthly"] * rng.normal(1, 0.1))),
            }
            for item in company["packaging"]
            for month in months
        ]
    )


def _device_sales(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Monthly sales by country, and the installed base growing by what was sold."""
    rows = []
    for item in company["devices"]["sales"]:
        installed = float(item["installed_base"])
        for month in months:
            sold = float(rng.poisson(item["monthly_units"]))
            installed += sold
            rows.append(
                {
                    "record_id": f"DV-{item['country']}-{month}",
                    "entity_id": item["entity_id"],
                    "period": month,
                    "model": company["devices"]["models"][0]["model"],
                    "country": item["country"],
                    "units_sold": sold,
                    "annual_energy": float(item["annual_kwh"]),
                    "energy_unit": "kWh",
                    "lifetime_years": float(item["lifetime_years"]),
                    "renewable_share": float(item["renewable_share"]),
                    "active_devices": installed,
                }
            )
    return pd.DataFrame(rows)


def _store_trips(company: Company, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                **{k: v for k, v in item.items() if k != "trips"},
                "record_id": f"CT-{item['facility_id']}-{month}",
                "period": month,
                "trips": float(rng.poisson(item["trips"])),
                "distance_unit": "km",
            }
            for item in company["store_trips"]
            for month in months
        ]
    )


def _allocation_keys(
    company: Company, months: list[str], packaging: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Units handled and packages at the fulfilment centre (the sample order and the rest),
    and vCPU-hours of the cloud customers, per month."""
    spec = company["allocation"]
    centre, sample = spec["fulfilment_centre"], spec["sample_order"]
    rows = []
    for month in months:
        base = {"period": month, "pool_type": "facility", "consumer_type": "order"}
        handled = float(rng.poisson(spec["monthly_units_handled"]))
        packages = float(
            packaging[(packaging["facility_id"] == centre) & (packaging["period"] == month)][
                "packages"
            ].sum()
        )
        own = sample["period"] == month
        for key, scopes, methods, total, mine in (
            ("units_handled", "1,2", None, handled, sample["units"]),
            ("packages", None, "packaging", packages, 1),
        ):
            pool = {**base, "pool_id": centre, "scopes": scopes, "methods": methods, "key": key}
            if own:
                rows.append({**pool, "consumer_id": sample["order_id"], "quantity": float(mine)})
            rows.append(
                {**pool, "consumer_id": "other orders", "quantity": total - (mine if own else 0)}
            )
        for customer, hours in spec["cloud_customers"].items():
            rows.append(
                {
                    "period": month,
                    "pool_type": "facility",
                    "pool_id": spec["data_centre"],
                    "key": "vcpu_hours",
                    "consumer_type": "customer",
                    "consumer_id": customer,
                    "quantity": float(round(hours * rng.normal(1, 0.05))),
                }
            )
    return pd.DataFrame(rows)
