"""UK Government GHG Conversion Factors for Company Reporting (DESNZ), full sets 2025 and 2026:
values are the publisher's cells (sheet!cell), kg CO2e per unit under AR5."""

from __future__ import annotations

import pytest

from carbonledger.units import conversion_factor, gwp


# Normalised values are kg per canonical unit: per kg for a mass, per m3 for a volume.
@pytest.mark.parametrize(
    ("year", "key", "gas", "unit", "basis", "printed", "per", "cell"),
    [
        (2025, "electricity/grid", "CO2e", "kWh", None, 0.17700, "kWh", "UK electricity!E26"),
        (2026, "electricity/grid", "CO2e", "kWh", None, 0.13096, "kWh", "UK electricity!E25"),
        (2025, "fuel/natural_gas", "CO2e", "m ** 3", None, 2.06672, "m ** 3", "Fuels!D40"),
        (2025, "fuel/natural_gas", "CO2", "kWh", "HHV", 0.18259, "kWh", "Fuels!E42"),
        (2025, "fuel/natural_gas", "CO2e", "kWh", "LHV", 0.2027, "kWh", "Fuels!D41"),
        (2025, "fuel/natural_gas", "CO2e", "kg", None, 2575.46441, "t", "Fuels!D39"),
        (2026, "fuel/natural_gas", "CO2e", "kg", None, 2507.72441, "t", "Fuels!D39"),
        (
            2025,
            "fuel/diesel_average_biofuel_blend",
            "CO2e",
            "kg",
            None,
            3087.94462,
            "t",
            "Fuels!D71",
        ),
        (
            2026,
            "fuel/diesel_average_biofuel_blend",
            "CO2e",
            "kg",
            None,
            3104.16462,
            "t",
            "Fuels!D71",
        ),
        (2025, "fuel/butane", "CO2e", "m ** 3", None, 1.74533, "L", "Fuels!D24"),
        (2025, "fuel/lpg", "CO2e", "m ** 3", None, 1.55713, "L", "Fuels!D36"),
        (2026, "fuel/coal_industrial", "CO2e", "kg", None, 2415.03994, "t", "Fuels!D131"),
    ],
)
def test_fuel_and_electricity_cells(factor, year, key, gas, unit, basis, printed, per, cell):
    fields = {"unit": unit, "year": year}
    if basis:
        fields["heating_value_basis"] = basis
    stage = "generation" if "electricity" in key else "combustion"
    row = factor(f"desnz-{year}", key, gas, stage=stage, **fields)
    assert row["original_value"] == pytest.approx(printed)
    assert row["source_location"] == cell
    assert row["value"] == pytest.approx(printed * conversion_factor(unit, per), rel=1e-12)


def test_ch4_and_n2o_are_stored_as_mass_of_gas(factor):
    # Fuels!F42 prints natural gas (gross CV) CH4 as 0.00028 kg CO2e/kWh under AR5.
    row = factor(
        "desnz-2025",
        "fuel/natural_gas",
        "CH4",
        unit="kWh",
        heating_value_basis="HHV",
        stage="combustion",
    )
    assert row["original_value"] == pytest.approx(0.00028)  # as printed
    assert row["value"] == pytest.approx(0.00028 / gwp("CH4", "AR5"))  # kg CH4 per kWh


@pytest.mark.parametrize(
    ("year", "key", "printed", "cell"),
    [
        (2025, "td/t_and_d_uk_electricity", 0.01853, "Transmission and distribution!E22"),
        (2026, "td/t_and_d_uk_electricity", 0.01299, "Transmission and distribution!E22"),
        (2025, "fuel/natural_gas", 423.16368, "WTT- fuels!D38"),
        (2026, "fuel/diesel_average_biofuel_blend", 733.64436, "WTT- fuels!D70"),
    ],
)
def test_td_and_well_to_tank(factor, year, key, printed, cell):
    stage = "td" if key.startswith("td/") else "wtt"
    unit = "kWh" if stage == "td" else "kg"
    row = factor(f"desnz-{year}", key, "CO2e", stage=stage, unit=unit)
    assert row["original_value"] == pytest.approx(printed)
    assert row["source_location"] == cell


@pytest.mark.parametrize(
    ("year", "key", "printed", "cell"),
    [
        # Material use, kg CO2e per tonne, primary production and closed-loop source.
        (
            2025,
            "material/paper_and_board_board/primary_material_production",
            1199.72542,
            "Material use!D85",
        ),
        (
            2026,
            "material/paper_and_board_board/primary_material_production",
            1198.23866,
            "Material use!D85",
        ),
        (2025, "material/paper_and_board_board/closed-loop_source", 1098.11442, "Material use!G85"),
        (
            2025,
            "material/plastics_average_plastic_film/primary_material_production",
            2916.50513,
            "Material use!D73",
        ),
        # Waste disposal, kg CO2e per tonne; the route renamed in 2026 has one key.
        (2025, "waste/paper_and_board_board/landfill", 1164.4894, "Waste disposal!H87"),
        (2025, "waste/paper_and_board_board/combustion", 4.68568, "Waste disposal!F87"),
        (2026, "waste/paper_and_board_board/combustion", 4.65358, "Waste disposal!G87"),
        # Hotel stay, kg CO2e per room night.
        (2025, "hotel_stay/china", 53.5, "Hotel stay!D35"),
        (2026, "hotel_stay/united_states", 16.1, "Hotel stay!D79"),
        # Refrigerants, kg CO2e per kg (Kyoto products).
        (2025, "refrigerant/r410a/kyoto", 1924, "Refrigerant & other!D76"),
        (2026, "refrigerant/hfc-134a/kyoto", 1300, "Refrigerant & other!D28"),
    ],
)
def test_scope3_cells(factor, year, key, printed, cell):
    row = factor(f"desnz-{year}", key, "CO2e")
    assert row["original_value"] == pytest.approx(printed)
    assert row["source_location"] == cell
    assert row["gwp_set"] == "AR5GWP100"


@pytest.mark.parametrize(
    ("key", "printed", "cell"),
    [
        ("air_travel/long-haul_to_from_uk/business_class/with_rf", 0.3394, "E30"),
        ("air_travel/long-haul_to_from_uk/business_class/without_rf", 0.20083, "I30"),
        ("air_travel/short-haul_to_from_uk/economy_class/with_rf", 0.12576, "E25"),
        ("air_travel/domestic_to_from_uk/average_passenger/without_rf", 0.13552, "I23"),
    ],
)
def test_air_travel_with_and_without_radiative_forcing(factor, key, printed, cell):
    row = factor("desnz-2025", key, "CO2e", unit="pkm", stage="combustion")
    assert row["original_value"] == pytest.approx(printed)
    assert row["source_location"] == f"Business travel- air!{cell}"


def test_freight_hgv_by_size_and_laden(factor):
    # Freighting goods!H42: HGV (all diesel), rigid >3.5-7.5 t, 50% laden, 0.45916 kg CO2e/tkm.
    row = factor(
        "desnz-2025",
        "freight/hgv_all_diesel/rigid_3.5_7.5_tonnes/50pct_laden",
        "CO2e",
        unit="tkm",
        stage="combustion",
    )
    assert row["original_value"] == pytest.approx(0.45916)
    assert row["source_location"] == "Freighting goods!H42"


def test_wtt_freight_shares_the_ttw_key(factor):
    # WTT- delivery vehs & freight!G57 ("WTT- HGV (all diesel)", all HGVs, average laden):
    # 0.02359 kg CO2e/tkm, keyed like its tank-to-wheel row and told apart by stage.
    key = "freight/hgv_all_diesel/all_hgvs/average_laden"
    row = factor("desnz-2025", key, "CO2e", unit="tkm", stage="wtt")
    assert row["original_value"] == pytest.approx(0.02359)
    assert row["source_location"] == "WTT- delivery vehs & freight!G57"
    assert factor("desnz-2025", key, "CO2e", unit="tkm", stage="combustion")["value"] > row["value"]


def test_per_mile_restatements_collapse_onto_per_km(factor):
    row = factor(
        "desnz-2025",
        "freight/vans/class_i_up_to_1.305_tonnes/diesel",
        "CO2e",
        unit="vkm",
        stage="combustion",
    )
    assert row["original_value"] == pytest.approx(0.15738)  # Freighting goods!D27, per km
