"""Scope 3+ methodologies against worked examples, with the inputs stated and the factor named
in each test (seed ``004_…``, the logistics-park guide, where it gives one).

Each example runs the programme ledger's own query (:func:`carbonledger.ecosystem.ledger_sql`)
on the stated rows, with stated factors in place of the library's, so that what is tested is
the formula, its units and its rules, exactly as the ledger computes them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from carbonledger.app import estimate, factor_library
from carbonledger.ecosystem import base_scale, ledger_sql, load_methodologies
from carbonledger.engine import sql_connection

METHODOLOGIES = load_methodologies()

_ACTIVITY = {
    "activity_id": pa.string(),
    "programme_id": pa.string(),
    "methodology": pa.string(),
    "participant_id": pa.string(),
    "participant_type": pa.string(),
    "date": pa.date32(),
    "year": pa.int32(),
    "region": pa.string(),
    "amount": pa.float64(),
    "unit": pa.string(),
    "category": pa.string(),
    "mode": pa.string(),
    "mass": pa.float64(),
    "price_ratio": pa.float64(),
    "months_used": pa.float64(),
    "condition": pa.string(),
    "pue": pa.float64(),
    "certification_id": pa.string(),
    "reference_footprint": pa.float64(),
    "certified_footprint": pa.float64(),
    "certificate_valid": pa.bool_(),
    "source_ref": pa.string(),
    "measure_id": pa.string(),
    "batch_id": pa.string(),
    "source_row": pa.int64(),
}


def run(methodology: str, rows: list[dict[str, Any]], factors: dict[str, Any]):
    """The ledger rows of ``rows`` under ``methodology`` with stated factors [kg CO2e per the
    factor's unit] by factor name, or by (name, selector) for a chosen key."""
    import datetime as dt

    m = METHODOLOGIES[methodology]
    full = []
    for i, row in enumerate(rows):
        base = dict.fromkeys(_ACTIVITY)
        base |= {
            "activity_id": f"A{i}",
            "programme_id": "P",
            "methodology": methodology,
            "participant_id": "u",
            "participant_type": "consumer",
            "date": dt.date(2025, 6, 1),
            "year": 2025,
            "region": "CN",
            "unit": m.activity_unit,
            "batch_id": "b",
            "source_row": i + 1,
        }
        full.append(base | row)
    activities = pa.Table.from_pylist(full, schema=pa.schema(list(_ACTIVITY.items())))
    scale = float(base_scale(m.activity_unit))
    units = pa.table({"methodology": [methodology], "unit": [m.activity_unit], "scale": [scale]})
    values: list[dict[str, Any]] = []
    for name, spec in m.factors.items():
        stated = factors.get(name)
        options = stated.items() if isinstance(stated, dict) else [("", stated)]
        for selector, value in options:
            values.append(
                {
                    "methodology": methodology,
                    "factor": name,
                    "selector": selector,
                    "region": "CN",
                    "year": 2025,
                    "value": None if value is None else value / base_scale(spec.unit),
                    "factor_ids": f"stated:{name}",
                    "releases": "stated",
                    "fallback": None,
                    "problem": None if value is not None else f"{name}: none stated",
                }
            )
    con = sql_connection(
        activities=activities,
        unit_scales=units,
        factor_values=pa.Table.from_pylist(values) if values else _no_factors(),
        plan_measures=pa.table({"measure_id": ["M-1"], "measure_type": ["paperless_waybill"]}),
    )
    try:
        return con.sql(ledger_sql({methodology: m})).to_arrow_table().to_pylist()
    finally:
        con.close()


def _no_factors() -> pa.Table:
    return pa.table(
        {
            "methodology": pa.array([], pa.string()),
            "factor": pa.array([], pa.string()),
            "selector": pa.array([], pa.string()),
            "region": pa.array([], pa.string()),
            "year": pa.array([], pa.int32()),
            "value": pa.array([], pa.float64()),
            "factor_ids": pa.array([], pa.string()),
            "releases": pa.array([], pa.string()),
            "fallback": pa.array([], pa.string()),
            "problem": pa.array([], pa.string()),
        }
    )


def test_e_waybill_guide_example():
    # Guide, paperless sign-off: 10,000 sheets less is 74.8 kg CO2 at 1.87 t CO2 per t of
    # waybill paper (note 19, YZ/T 0135-2014): 4 g a sheet, the methodology's default.
    (row,) = run("e_waybill", [{"amount": 10_000}], {"paper": 1.87})
    assert row["status"] == "counted"
    assert row["reduction_kg"] == pytest.approx(74.8)
    assert row["factor_ids"] == "stated:paper"


def test_reusable_box_guide_example():
    # Guide, reusable express boxes: 200,000 uses save about 40 t of box paper and about 45 t
    # CO2; at 0.2 kg a use and 1.14 t CO2 per t of box paper (note 13, YZ/T 0135-2014) the
    # boxes not made are 45.6 t. The reusable box's own manufacture (1.2 kg of PP over 100
    # uses, at a stated 2.0 kg CO2e/kg) is the project side the guide leaves out: 4.8 t.
    (row,) = run("reusable_box", [{"amount": 200_000}], {"board": 1.14, "plastic": 2.0})
    assert row["baseline_kg"] == pytest.approx(45_600)
    assert row["project_kg"] == pytest.approx(4_800)
    assert row["reduction_kg"] == pytest.approx(40_800)


def test_right_sized_box_guide_example():
    # Guide, packing recommender: about 5 t of paper less per 100,000 orders (0.05 kg an
    # order); at 1.14 t CO2 per t of box paper (note 13) that is 5.7 t CO2.
    (row,) = run("right_sized_box", [{"amount": 100_000, "mass": 0.05}], {"board": 1.14})
    assert row["reduction_kg"] == pytest.approx(5_700)


def test_green_trip_through_the_factor_library_names_desnz():
    # 12 km by bus instead of a car: DESNZ 2025 "average car, petrol" per vehicle km at the
    # methodology's 1.5 passengers a car, minus the average local bus per passenger km.
    library = factor_library()
    car = estimate(
        "land_travel/cars_by_size/average_car/petrol", 1, "vkm", "GB", 2025, library=library
    )
    bus = estimate("land_travel/bus/average_local_bus", 1, "pkm", "GB", 2025, library=library)
    assert {r["release_id"] for r in car.rows} == {"desnz-2025"}
    assert car.co2e == pytest.approx(0.16272, rel=1e-4)  # DESNZ 2025, kg CO2e per km
    (trip,) = run(
        "green_trip",
        [{"amount": 12, "mode": "bus"}],
        {"car": car.co2e, "mode_taken": {"bus": bus.co2e}},
    )
    assert trip["baseline_kg"] == pytest.approx(12 / 1.5 * car.co2e)
    assert trip["reduction_kg"] == pytest.approx(12 / 1.5 * car.co2e - 12 * bus.co2e)


def test_green_trip_by_bike_has_no_project_emissions_and_a_plane_is_refused():
    rows = run(
        "green_trip",
        [{"amount": 3, "mode": "bike"}, {"amount": 3, "mode": "plane"}],
        {"car": 0.16272, "mode_taken": {"bike": 0.0}},
    )
    bike, plane = rows
    assert bike["project_kg"] == 0 and bike["reduction_kg"] == pytest.approx(3 / 1.5 * 0.16272)
    assert plane["status"] == "no_factor" and plane["reduction_kg"] == 0


def test_second_hand_sale_worked_example():
    # Stated inputs: one 2 kg item of a category at 10 kg CO2e/kg new, sold at 30 % of its new
    # price after 12 months, in good condition: 2 x 10 x 0.6 (substitution) x 0.75 (good)
    # x (1 - 12/60) x min(1, 0.3/0.5) = 4.32 kg.
    (row,) = run(
        "second_hand_sale",
        [
            {
                "amount": 1,
                "mass": 2,
                "price_ratio": 0.3,
                "months_used": 12,
                "condition": "good",
                "category": "clothing",
            }
        ],
        {"new_product": {"clothing": 10.0}},
    )
    assert row["reduction_kg"] == pytest.approx(4.32)


def test_second_hand_sale_rules():
    rows = run(
        "second_hand_sale",
        [
            {"amount": 1, "mass": 2, "price_ratio": 0.01, "condition": "good", "category": "c"},
            {"amount": 1, "mass": 2, "price_ratio": 0.5, "condition": "mint", "category": "c"},
            {"amount": 1, "price_ratio": 0.5, "condition": "good", "category": "c"},
            {
                "amount": 1,
                "mass": 2,
                "price_ratio": 0.9,
                "months_used": 90,
                "condition": "new",
                "category": "c",
            },
        ],
        {"new_product": {"c": 10.0}},
    )
    assert [r["status"] for r in rows] == ["ineligible", "missing", "missing", "counted"]
    assert rows[0]["reason"] == "price_ratio below 0.05"
    assert "mint" in rows[1]["reason"]
    assert rows[3]["reduction_kg"] == 0  # past its life: nothing displaced
    assert all(r["reduction_kg"] == 0 for r in rows[:3])


def test_doorstep_recycling_worked_example():
    # Stated: 100 kg of board at 1.0 kg CO2e/kg primary and 0.7 kg CO2e/kg closed-loop: 30 kg.
    (row,) = run(
        "doorstep_recycling",
        [{"amount": 100, "category": "board"}],
        {"primary": {"board": 1.0}, "recycled": {"board": 0.7}},
    )
    assert row["reduction_kg"] == pytest.approx(30)


def test_cloud_migration_worked_example():
    # 10,000 kWh of IT energy at PUE 1.8 moved to a PUE 1.2 cloud on half the servers, at
    # China's 2022 national grid factor, 0.5366 kg CO2/kWh (MEE/NBS 2024):
    # 9,658.8 - 3,219.6 = 6,439.2 kg.
    (row,) = run("cloud_migration", [{"amount": 10_000}], {"grid": 0.5366})
    assert row["baseline_kg"] == pytest.approx(9_658.8)
    assert row["project_kg"] == pytest.approx(3_219.6)
    (bad,) = run("cloud_migration", [{"amount": 10, "pue": 5.0}], {"grid": 0.5366})
    assert bad["status"] == "ineligible"


def test_green_product_follows_its_certificate():
    # Stated certificate: 1,480 kg CO2e a unit against its scheme's 1,850: two units, 740 kg.
    rows = run(
        "green_product",
        [
            {
                "amount": 2,
                "certification_id": "C1",
                "reference_footprint": 1850.0,
                "certified_footprint": 1480.0,
                "certificate_valid": True,
            },
            {
                "amount": 2,
                "certification_id": "C1",
                "reference_footprint": 1850.0,
                "certified_footprint": 1480.0,
                "certificate_valid": False,
            },
        ],
        {},
    )
    assert rows[0]["reduction_kg"] == pytest.approx(740)
    assert rows[1]["status"] == "uncertified" and rows[1]["reduction_kg"] == 0


def test_no_cutlery_order_worked_example():
    # 1,000 orders without a 12 g PP cutlery set, at a stated 2.0 kg CO2e/kg: 24 kg.
    (row,) = run("no_cutlery_order", [{"amount": 1_000}], {"plastic": 2.0})
    assert row["reduction_kg"] == pytest.approx(24)


def test_green_office_worked_examples():
    # 100 kWh switched off at 0.5366 kg/kWh (MEE/NBS 2022 national): 53.66 kg; 1,000 sheets
    # not printed at 5 g and a stated 1.0 kg CO2e/kg of paper: 5 kg.
    (saving,) = run("office_energy_saving", [{"amount": 100}], {"grid": 0.5366})
    (paper,) = run("double_sided_printing", [{"amount": 1_000}], {"paper": 1.0})
    assert saving["reduction_kg"] == pytest.approx(53.66)
    assert paper["reduction_kg"] == pytest.approx(5)


def test_a_row_in_a_unit_of_another_dimension_earns_nothing():
    (row,) = run("e_waybill", [{"amount": 10, "unit": "kWh"}], {"paper": 1.87})
    assert row["status"] == "unit" and "kWh" in row["reason"]


def test_every_packaged_methodology_has_a_worked_example():
    import re
    from pathlib import Path

    examples = set(re.findall(r'run\(\s*"(\w+)"', Path(__file__).read_text("utf-8")))
    assert set(METHODOLOGIES) <= examples, set(METHODOLOGIES) - examples
