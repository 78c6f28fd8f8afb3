"""The demo's Scope 3+ programmes: five programmes under a platform goal with generated activity
2021-2025 (demo data), planted overlaps, and verified lots made from the calculated ledger."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ecosystem_lots_table", "ecosystem_tables"]


def _programmes(eco: dict[str, Any]) -> pd.DataFrame:
    years = eco["years"]
    rows = [
        {
            **{k: eco["portfolio"][k] for k in ("programme_id", "name", "name_zh", "goal")},
            "type": "portfolio",
            "owner": "Platform sustainability office",
            "start_year": eco["portfolio"]["start_year"],
            "end_year": eco["portfolio"]["end_year"],
        }
    ]
    for p in eco["programmes"]:
        rows.append(
            {
                **{k: p[k] for k in ("programme_id", "name", "name_zh", "type", "owner", "goal")},
                "parent_id": eco["portfolio"]["programme_id"],
                "methodologies": ";".join(p["methodologies"]),
                "start_year": years[0],
                "end_year": eco["portfolio"]["end_year"],
                "region": p["region"],
                "points_per_kg": p["points_per_kg"],
            }
        )
    return pd.DataFrame(rows)


def _rows(
    programme: dict[str, Any],
    methodology: str,
    spec: dict[str, Any],
    year: int,
    count: int,
    certificates: list[dict[str, Any]],
    rng: np.random.Generator,
) -> pd.DataFrame:
    days = pd.to_datetime(f"{year}-01-01") + pd.to_timedelta(rng.integers(0, 365, count), "D")
    pid = programme["programme_id"]
    frame = pd.DataFrame(
        {
            "activity_id": [f"{pid}-{methodology[:4]}-{year}-{i:05d}" for i in range(count)],
            "programme_id": pid,
            "methodology": methodology,
            "participant_id": [
                f"{spec['participant'][0]}{n:05d}" for n in rng.integers(0, 4000, count)
            ],
            "participant_type": spec["participant"],
            "date": days.strftime("%Y-%m-%d"),
            "amount": np.round(rng.gamma(2.0, spec["amount"] / 2.0, count), 2),
            "unit": spec["unit"],
            "source_ref": [f"{pid}-{methodology[:4]}-{year}-{i:05d}" for i in range(count)],
        }
    )
    if "modes" in spec:
        frame["mode"] = rng.choice(spec["modes"], count)
    if "categories" in spec:
        frame["category"] = rng.choice(spec["categories"], count)
    if "mass" in spec:
        frame["mass"] = np.round(spec["mass"] * rng.uniform(0.5, 1.5, count), 3)
    if methodology == "second_hand_sale":
        frame["price_ratio"] = np.round(rng.uniform(0.02, 0.9, count), 2)
        frame["months_used"] = rng.integers(1, 72, count)
        frame["condition"] = rng.choice(["new", "like_new", "good", "fair"], count)
    if methodology == "green_product":
        frame["certification_id"] = [_certificate(day, certificates, rng) for day in days]
    return frame


def _certificate(
    day: pd.Timestamp, certificates: list[dict[str, Any]], rng: np.random.Generator
) -> str:
    """A certificate valid on the day; the first certificate of the list is also sold past
    its expiry (planted: those sales are uncertified)."""
    valid = [
        c["certification_id"]
        for c in certificates
        if pd.Timestamp(c["valid_from"]) <= day <= pd.Timestamp(c["valid_to"])
    ]
    expiring = [
        c["certification_id"]
        for c in certificates
        if c.get("sold_past_expiry") and day >= pd.Timestamp(c["valid_from"])
    ]
    return str(rng.choice(sorted(set(valid + expiring))))


def ecosystem_tables(company: dict[str, Any], rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The ``programmes``, ``ecosystem_activities`` and ``product_certifications`` tables."""
    eco = company["ecosystem"]
    certificates = eco["certifications"]
    parts = []
    for programme in eco["programmes"]:
        for methodology, spec in programme["methodologies"].items():
            for k, year in enumerate(eco["years"]):
                count = int(eco["rows_per_year"] * (1 + eco["growth"]) ** k)
                parts.append(_rows(programme, methodology, spec, year, count, certificates, rng))
    activities = pd.concat(parts, ignore_index=True)
    # planted: orders shipped in a reusable box that also count as right-sized (same order id)
    reusable = activities.index[activities["methodology"] == "reusable_box"][: eco["overlaps"]]
    sized = activities.index[activities["methodology"] == "right_sized_box"][: eco["overlaps"]]
    activities.loc[sized, "source_ref"] = activities.loc[reusable, "source_ref"].to_numpy()
    # planted: right-sized orders the plan's packaging measure already counts
    measure = eco["plan_measure"]
    later = activities.index[activities["methodology"] == "right_sized_box"][-measure["rows"] :]
    activities["measure_id"] = None
    activities.loc[later, "measure_id"] = measure["measure_id"]
    for column in ("mode", "category", "mass", "price_ratio", "months_used", "condition"):
        if column not in activities:
            activities[column] = None
    for column in ("months_used",):
        activities[column] = activities[column].astype("Int64")
    return {
        "programmes": _programmes(eco),
        "ecosystem_activities": activities,
        "product_certifications": pd.DataFrame(certificates).drop(columns="sold_past_expiry"),
    }


def ecosystem_lots_table(
    company: dict[str, Any], counted: dict[tuple[str, int], float]
) -> pd.DataFrame:
    """The verified lots: each a share of its programme's counted reductions of the year
    [t CO2e], whole tonnes."""
    rows = []
    for lot in company["ecosystem"]["lots"]:
        quantity = int(counted[(lot["programme_id"], lot["year"])] * lot["share"])
        rows.append({k: v for k, v in lot.items() if k != "share"} | {"quantity": quantity})
    return pd.DataFrame(rows)
