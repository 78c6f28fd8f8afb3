"""Forecast: activity trends carry forward; grid electricity follows the grid's trajectory."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from carbonledger.factors import default_library
from carbonledger.inventory.forecast import TRAJECTORY_YEARS, forecast, grid_trajectory
from carbonledger.run import ledger_schema

FACILITIES = pa.table({"facility_id": ["F"], "country": ["CN"]})
ENTITIES = pa.table({"entity_id": ["E"], "country": ["CN"]})


def _ledger():
    base = dict.fromkeys(ledger_schema().names)
    rows = [
        {
            **base,
            "record_id": f"{key}{year}",
            "line": 0,
            "facility_id": "F",
            "entity_id": "E",
            "period": f"{year}-06",
            "scope": scope,
            "scope2_basis": basis,
            "method": method,
            "activity_key": key,
            "activity_unit": unit,
            "activity_quantity": quantity,
            "co2e": kg,
            "mass": kg,
            "gas": "CO2e",
            "status": "active",
            "biogenic": False,
        }
        for key, unit, scope, basis, method, year, quantity, kg in (
            ("fuel/diesel", "L", 1, None, "stationary_combustion", 2020, 1000.0, 2_700.0),
            ("fuel/diesel", "L", 1, None, "stationary_combustion", 2022, 1210.0, 3_267.0),
            ("electricity/grid", "kWh", 2, "location", "electricity_location", 2022, 1e6, 5e5),
        )
    ]
    return pa.Table.from_pylist(rows, schema=ledger_schema())


def test_activity_grows_and_the_grid_follows_its_line():
    library = default_library()
    result = forecast(_ledger(), FACILITIES, ENTITIES, library, [2024])
    year = result["years"][0]
    # Diesel: 1,000 -> 1,210 L over two years is 10 % a year; 2.7 kg/L stays.
    assert year["scope_1"] == pytest.approx(1210 * 1.1**2 * 2.7 / 1000)
    # Grid: held at 0.5 kg/kWh times the CN line's 2024 / 2022 ratio, fitted here independently.
    factors = library.factors
    mask = pc.and_(
        pc.equal(factors["activity_key"], "electricity/grid"), pc.equal(factors["region"], "CN")
    )
    series = {
        r["year"]: r["value"]
        for r in factors.filter(mask).to_pylist()
        if r["stage"] == "lifecycle" and r["gas"] == "CO2e"
    }
    recent = sorted(series)[-TRAJECTORY_YEARS:]
    line = np.poly1d(np.polyfit(recent, [series[y] for y in recent], 1))
    assert year["scope_2"] == pytest.approx(500 * line(2024) / line(2022))
    assert year["scope_2"] < 500  # China's grid is decarbonising
    assert "least-squares" in result["method"]


def test_no_trajectory_without_two_published_years():
    assert grid_trajectory(default_library(), "XX", [2030]) == {}
