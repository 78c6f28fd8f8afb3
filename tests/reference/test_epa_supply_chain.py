"""US EPA Supply Chain GHG Emission Factors: rows of the publisher's CSVs (file:line)."""

from __future__ import annotations

import pytest

V13 = "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv"


@pytest.mark.parametrize(
    ("code", "line", "without", "margins", "with_margins"),
    [
        ("111110", 2, 0.488, 0.044, 0.532),  # Soybean Farming
        ("221210", 94, 0.532, 0.0, 0.532),  # Natural Gas Distribution
        ("236220", 103, 0.224, 0.0, 0.224),  # Commercial Building Construction
        ("322211", 220, 0.449, 0.03, 0.479),  # Corrugated and Solid Fiber Box Manufacturing
        ("334111", 391, 0.03, 0.028, 0.058),  # Electronic Computer Manufacturing
        ("481111", 625, 0.644, 0.0, 0.644),  # Scheduled Passenger Air Transportation
        ("484121", 639, 0.595, 0.0, 0.595),  # General Freight Trucking, Long-Distance, TL
        ("493110", 678, 0.244, 0.0, 0.244),  # General Warehousing and Storage
        ("541611", 802, 0.078, 0.0, 0.078),  # Management Consulting Services
        ("722511", 966, 0.194, 0.0, 0.194),  # Full-Service Restaurants
    ],
)
def test_v1_3_with_and_without_margins(factor, code, line, without, margins, with_margins):
    base = f"eeio/naics/{code}"
    full = factor("epa-scf-1.3.0", base, "CO2e")
    assert full["value"] == pytest.approx(with_margins)
    assert full["unit"] == "USD" and full["year"] == 2022 and full["gwp_set"] == "AR5GWP100"
    assert full["stage"] == "cradle_to_shelf"
    assert full["source_location"].startswith(f"{V13}:{line} ")
    assert factor("epa-scf-1.3.0", f"{base}/without_margins", "CO2e")["value"] == pytest.approx(
        without
    )
    assert factor("epa-scf-1.3.0", f"{base}/margins", "CO2e")["value"] == pytest.approx(margins)


def test_v1_3_by_gas_row(factor):
    # byGHG file line 3: 111110 Soybean Farming, Carbon dioxide, with margins 1.72E-01 kg/USD.
    row = factor("epa-scf-1.3.0", "eeio/naics/111110/by_gas", "CO2")
    assert row["value"] == pytest.approx(0.172)
    assert row["gwp_set"] is None


@pytest.mark.parametrize(
    ("code", "with_margins"),
    [("111110", 1.326), ("484121", 1.115), ("562212", 10.989)],  # v1.2, 2021 USD, AR4
)
def test_v1_2_rows(factor, code, with_margins):
    row = factor("epa-scf-1.2", f"eeio/naics/{code}", "CO2e")
    assert row["value"] == pytest.approx(with_margins)
    assert row["year"] == 2021 and row["gwp_set"] == "AR4GWP100"


def test_naics_codes_are_strings_with_leading_structure(factor):
    row = factor("epa-scf-1.3.0", "eeio/naics/111110", "CO2e")
    assert isinstance(row["activity_key"], str)
