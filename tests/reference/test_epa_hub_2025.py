"""EPA GHG Emission Factors Hub 2025 (sheet "Emission Factors Hub"): each value is the
publisher's cell, cited by reference."""

from __future__ import annotations

import pytest

from carbonledger.units import conversion_factor

R = "epa-hub-2025"


@pytest.mark.parametrize(
    ("key", "gas", "unit", "printed", "printed_unit", "cell"),
    [
        # Table 1, stationary combustion, per mmBtu (HHV) and per physical unit.
        ("fuel/natural_gas", "CO2", "kWh", 53.06, "kg CO2 / mmBtu", "E38"),
        ("fuel/natural_gas", "CH4", "kWh", 1.0, "g CH4 / mmBtu", "F38"),
        ("fuel/natural_gas", "N2O", "kWh", 0.1, "g N2O / mmBtu", "G38"),
        ("fuel/natural_gas", "CO2", "m ** 3", 0.05444, "kg CO2 / scf", "H38"),
        ("fuel/anthracite", "CO2", "kWh", 103.69, "kg CO2 / mmBtu", "E17"),
        ("fuel/anthracite", "CO2", "kg", 2602.0, "kg CO2 / short_ton", "H17"),
        ("fuel/distillate_fuel_oil_no._2", "CO2", "m ** 3", 10.21, "kg CO2 / gallon", "H55"),
        ("fuel/propane", "CO2", "m ** 3", 5.72, "kg CO2 / gallon", "H72"),
        # Table 2, mobile combustion CO2.
        ("mobile_fuel/diesel_fuel", "CO2", "m ** 3", 10.21, "kg CO2 / gallon", "D107"),
        ("mobile_fuel/motor_gasoline", "CO2", "m ** 3", 8.78, "kg CO2 / gallon", "D112"),
        # Table 7, steam and heat.
        ("heat_steam/purchased", "CO2", "kWh", 66.33, "kg CO2 / mmBtu", "D410"),
        # Table 8, upstream transport; Table 10, business travel.
        (
            "freight/medium_and_heavy-duty_truck/tonne_km",
            "CO2",
            "tkm",
            0.186,
            "kg CO2 / ton_mile",
            "D425",
        ),
        ("freight/rail/tonne_km", "CO2", "tkm", 0.021, "kg CO2 / ton_mile", "D426"),
        ("freight/passenger_car", "CO2", "vkm", 0.297, "kg CO2 / vehicle_mile", "D423"),
        (
            "travel/air_travel_long_haul_2300_miles",
            "CO2",
            "pkm",
            0.163,
            "kg CO2 / passenger_mile",
            "D515",
        ),
        ("travel/bus", "CH4", "pkm", 0.0046, "g CH4 / passenger_mile", "E512"),
    ],
)
def test_published_cells(factor, key, gas, unit, printed, printed_unit, cell):
    row = factor(R, key, gas, unit=unit)
    assert row["original_value"] == pytest.approx(printed)
    assert row["source_location"] == f"Emission Factors Hub!{cell}"
    numerator, denominator = printed_unit.split(" / ")
    expected = printed * conversion_factor(f"{numerator} / {denominator}", f"kg {gas} / ({unit})")
    assert row["value"] == pytest.approx(expected, rel=1e-12)


def test_natural_gas_is_53_06_kg_per_mmbtu_hhv(factor):
    row = factor(R, "fuel/natural_gas", "CO2", unit="kWh")
    assert row["heating_value_basis"] == "HHV"
    # 53.06 kg/mmBtu = 53.06 / 293.07107 kWh = 0.181048 kg/kWh
    assert row["value"] == pytest.approx(0.1810482, rel=1e-6)


@pytest.mark.parametrize(
    ("region", "variant_key", "gas", "printed", "cell"),
    [
        # Table 6, eGRID2023 total output and non-baseload rates (lb/MWh).
        ("EGRID-CAMX", "electricity/grid", "CO2", 436.655, "E342"),
        ("EGRID-CAMX", "electricity/grid", "CH4", 0.025, "F342"),
        ("EGRID-CAMX", "electricity/grid/non_baseload", "CO2", 1033.985, "H342"),
        ("EGRID-RFCE", "electricity/grid", "CO2", 594.74, "E355"),
        ("EGRID-NWPP", "electricity/grid", "N2O", 0.008, "G350"),
        ("US", "electricity/grid", "CO2", 771.523, "E366"),
    ],
)
def test_egrid_subregions(factor, region, variant_key, gas, printed, cell):
    row = factor(R, variant_key, gas, region=region)
    assert row["year"] == 2023
    assert row["source_location"] == f"Emission Factors Hub!{cell}"
    # lb/MWh -> kg/kWh: x 0.45359237 / 1000
    assert row["value"] == pytest.approx(printed * 0.45359237 / 1000, rel=1e-12)


def test_waste_factor_is_ar4_co2e_per_short_ton(factor):
    # Table 9: corrugated containers, landfilled, 1.00 metric ton CO2e per short ton (AR4).
    row = factor(R, "waste/corrugated_containers/landfilled", "CO2e")
    assert row["gwp_set"] == "AR4GWP100"
    assert row["source_location"] == "Emission Factors Hub!E449"
    assert row["value"] == pytest.approx(1000 / 907.18474, rel=1e-12)  # kg CO2e / kg


def test_biomass_co2_is_marked_biogenic(factor):
    wood = factor(R, "fuel/wood_and_wood_residuals", "CO2", unit="kWh")
    assert wood["variant"] == "biogenic"
    assert factor(R, "fuel/natural_gas", "CO2", unit="kWh")["variant"] is None


def test_footnote_letters_are_not_part_of_keys(factor):
    assert factor(R, "travel/passenger_car", "CO2")["name"] == "Passenger Car"
