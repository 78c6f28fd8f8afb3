"""GWP tables and refrigerant blends: EPA Hub 2025 Tables 11 and 12 (AR5)."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from carbonledger.factors import default_library
from carbonledger.units import gas_unit, gwp


def _blend_gwp(blend: str, gwp_set: str) -> tuple[float, float]:
    blends = default_library().table("epa-hub-2025", "refrigerant_blends")
    rows = blends.filter(pc.equal(blends["blend"], blend)).to_pylist()
    total = 0.0
    for row in rows:
        try:
            total += row["mass_fraction"] * gwp(gas_unit(row["component"]), gwp_set)
        except ValueError:  # hydrocarbons and HCFCs: EPA counts only HFC and PFC parts
            continue
    return total, rows[0]["published_gwp_ar5"]


@pytest.mark.parametrize("blend", ["R-404A", "R-407A", "R-407C", "R-410A", "R-507A", "R-508B"])
def test_blend_gwp_from_components_matches_epa_table_12(blend):
    computed, published = _blend_gwp(blend, "AR5")
    # EPA rounds blend GWPs to whole numbers and counts only HFC and PFC constituents.
    assert computed == pytest.approx(published, abs=0.51)


def test_r410a_under_ar5_and_ar6():
    ar5, _ = _blend_gwp("R-410A", "AR5")
    ar6, _ = _blend_gwp("R-410A", "AR6")
    assert ar5 == pytest.approx(0.5 * 677 + 0.5 * 3170)  # 1923.5, published 1924
    assert ar6 == pytest.approx(0.5 * 771 + 0.5 * 3740)  # AR6 HFC-32 771, HFC-125 3740


def test_packaged_gwp_table_agrees_with_epa_table_11_for_every_listed_gas():
    # Table 11 (AR5 100-year GWP), a selection of its rows.
    table_11 = {
        "HFC-23": 12400,
        "HFC-32": 677,
        "HFC-125": 3170,
        "HFC-143a": 4800,
        "HFC-152a": 138,
        "HFC-227ea": 3350,
        "HFC-245fa": 858,
        "HFC-365mfc": 804,
        "HFC-43-10mee": 1650,
        "SF6": 23500,
        "NF3": 16100,
        "PFC-116": 11100,
        "PFC-218": 8900,
        "PFC-318": 9540,
    }
    for name, value in table_11.items():
        assert gwp(name, "AR5") == value, name
