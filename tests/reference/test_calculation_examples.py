"""Whole calculation runs against published worked values.

Each expected number is the publisher's factor times the activity, with the table and cell
cited; the run goes through import, selection, the relational engine and the ledger.
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from carbonledger.app import calculate, estimate
from carbonledger.inventory import totals
from carbonledger.options import WorkspaceConfig
from carbonledger.store import Workspace


def _ledger(workspace):
    run = calculate(workspace).run
    return pq.read_table(workspace.ledger_files(run)).to_pylist()


def _by_gas(rows, method):
    return {r["gas"]: r for r in rows if r["method"] == method}


def test_epa_natural_gas_therms(workspace, load):
    # EPA Hub 2025 Table 1 (E38:G38): 53.06 kg CO2, 1 g CH4, 0.1 g N2O per mmBtu (HHV);
    # 1,000 therm = 100 mmBtu.
    load(
        workspace,
        stationary_fuel=[
            {
                "record_id": "S1",
                "facility_id": "US1",
                "period": "2025-01",
                "fuel": "natural_gas",
                "quantity": 1000,
                "unit": "therm",
                "heating_value_basis": "HHV",
            }
        ],
    )
    gases = _by_gas(_ledger(workspace), "stationary_combustion")
    assert gases["CO2"]["mass"] == pytest.approx(5306.0)
    assert gases["CH4"]["mass"] == pytest.approx(0.1)
    assert gases["N2O"]["mass"] == pytest.approx(0.01)
    assert sum(g["co2e"] for g in gases.values()) == pytest.approx(5306 + 2.8 + 2.65)
    row = gases["CO2"]
    assert (row["scope"], row["iso_category"], row["match_level"]) == (1, 1, "country")
    assert row["factor_release"] == "epa-hub-2025" and row["gwp_set"] == "AR5GWP100"
    assert row["record_id"] == "S1" and len(row["batch_id"]) == 64


def test_epa_diesel_gallons_in_the_fleet(workspace, load):
    # EPA Hub 2025 Table 2 (D107): diesel fuel 10.21 kg CO2 per gallon.
    load(
        workspace,
        mobile_fuel=[
            {
                "record_id": "M1",
                "entity_id": "E-US",
                "facility_id": "US1",
                "vehicle_class": "hgv_rigid",
                "period": "2025-02",
                "fuel": "diesel",
                "fuel_quantity": 100,
                "fuel_unit": "gallon",
            }
        ],
    )
    gases = _by_gas(_ledger(workspace), "mobile_combustion")
    assert gases["CO2"]["mass"] == pytest.approx(1021.0)


@pytest.mark.parametrize(
    ("fuel", "g_ch4_per_mmbtu", "ch4_gwp", "kg_biogenic_co2_per_mmbtu"),
    [
        # EPA Hub 2025 Table 1: natural gas 1.0 g CH4/mmBtu; wood and wood residuals 7.2 g
        # CH4 and 93.80 kg biogenic CO2 per mmBtu. AR6 WG1 Table 7.15: fossil methane 29.8,
        # non-fossil 27.0.
        ("natural_gas", 1.0, 29.8, 0.0),
        ("wood_and_wood_residuals", 7.2, 27.0, 93.80),
    ],
)
def test_ar6_methane_of_fossil_and_biogenic_fuels(
    fuel, g_ch4_per_mmbtu, ch4_gwp, kg_biogenic_co2_per_mmbtu
):
    result = estimate(f"fuel/{fuel}", 100, "mmBtu", "US", 2025, "AR6", "HHV")
    ch4 = next(r for r in result.rows if r["gas"] == "CH4")
    assert ch4["mass"] == pytest.approx(100 * g_ch4_per_mmbtu / 1000)
    assert ch4["co2e"] == pytest.approx(100 * g_ch4_per_mmbtu / 1000 * ch4_gwp)
    # the biogenic CO2 of the same published factor is kept, outside the scopes
    assert result.biogenic_co2 == pytest.approx(100 * kg_biogenic_co2_per_mmbtu)


def test_fuel_in_gallons_takes_the_energy_path_with_the_publishers_heat_content(workspace, load):
    # Diesel is EPA Hub 2025 Table 1's Distillate Fuel Oil No. 2 (factors/aliases.yaml): heat
    # content 0.138 mmBtu per gallon (D), 73.96 kg CO2, 3 g CH4 and 0.6 g N2O per mmBtu
    # (E..G); the per-gallon row (H..J) prints 10.21 kg, 0.41 g and 0.08 g, rounded (N2O by
    # 3.4 %). The energy path is used.
    load(
        workspace,
        stationary_fuel=[
            {
                "record_id": "S1",
                "facility_id": "US1",
                "period": "2025-02",
                "fuel": "diesel",
                "quantity": 1000,
                "unit": "gallon",
            }
        ],
    )
    run = calculate(workspace).run
    rows = pq.read_table(workspace.ledger_files(run)).to_pylist()
    gases = _by_gas(rows, "stationary_combustion")
    assert gases["CO2"]["mass"] == pytest.approx(138 * 73.96)
    assert gases["CH4"]["mass"] == pytest.approx(138 * 3 / 1000)
    assert gases["N2O"]["mass"] == pytest.approx(138 * 0.6 / 1000)
    assert (gases["CO2"]["activity_quantity"], gases["CO2"]["activity_unit"]) == (
        pytest.approx(138),
        "mmBtu",
    )
    [path] = run.manifest["reports"]["stationary_combustion"]["energy_path"]
    assert (path["heat_content"], path["heat_content_unit"]) == (0.138, "mmBtu / gallon")
    assert path["release_id"] == "epa-hub-2025"
    assert path["source_location"].startswith("Emission Factors Hub!D")


def test_desnz_diesel_litres_and_uk_electricity(workspace, load):
    # DESNZ 2025 Fuels!D70: diesel (average biofuel blend) 2.57082 kg CO2e per litre, printed
    # by gas in E..G; UK electricity!E26: 0.17700 kg CO2e per kWh.
    load(
        workspace,
        stationary_fuel=[
            {
                "record_id": "S1",
                "facility_id": "GB1",
                "period": "2025-03",
                "fuel": "diesel",
                "quantity": 1000,
                "unit": "L",
            }
        ],
        electricity=[
            {
                "record_id": "E1",
                "facility_id": "GB1",
                "period": "2025-03",
                "quantity": 10,
                "unit": "MWh",
            }
        ],
    )
    rows = _ledger(workspace)
    diesel = sum(r["co2e"] for r in rows if r["method"] == "stationary_combustion")
    assert diesel == pytest.approx(2570.82, abs=0.02)
    grid = sum(r["co2e"] for r in rows if r["method"] == "electricity_location")
    assert grid == pytest.approx(1770.0, abs=0.2)


@pytest.mark.parametrize(("gwp_set", "kg_co2e"), [("AR5", 10 * 1923.5), ("AR6", 10 * 2255.5)])
def test_r410a_leak_under_ar5_and_ar6(tmp_path, load, gwp_set, kg_co2e):
    # R-410A is 50 % HFC-32 and 50 % HFC-125 (EPA Hub 2025 Table 12, row 575). GWP-100:
    # AR5 677 and 3,170 (published blend value 1,924); AR6 771 and 3,740.
    workspace = Workspace.init(
        tmp_path / gwp_set, WorkspaceConfig(organisation="x", gwp_set=gwp_set)
    )
    load(
        workspace,
        refrigerants=[
            {
                "record_id": "R1",
                "facility_id": "US1",
                "period": "2025-12",
                "equipment_type": "split_ac",
                "gas": "R-410A",
                "method": "top_up",
                "top_up": 10,
                "mass_unit": "kg",
            }
        ],
    )
    rows = [r for r in _ledger(workspace) if r["method"] == "fugitive_emissions"]
    assert {r["gas"]: r["mass"] for r in rows} == pytest.approx({"HFC32": 5.0, "HFC125": 5.0})
    assert sum(r["co2e"] for r in rows) == pytest.approx(kg_co2e)
    assert {r["factor_release"] for r in rows} == {"epa-hub-2025"}


def test_market_based_with_certificates_covering_part_of_the_load(workspace, load):
    # 100 MWh in RFCE (eGRID2023: 594.74 lb CO2/MWh, E355). 60 MWh of RECs at zero; the other
    # 40 MWh take the grid average, since no residual mix is published in the open data.
    load(
        workspace,
        electricity=[
            {
                "record_id": "E1",
                "facility_id": "US1",
                "period": "2025-05",
                "quantity": 100,
                "unit": "MWh",
            }
        ],
        energy_instruments=[
            {
                "instrument_id": "REC-1",
                "instrument_type": "eac",
                "scheme": "REC",
                "facility_id": "US1",
                "period": "2025-05",
                "quantity": 60,
                "unit": "MWh",
                "emission_factor": 0,
            }
        ],
    )
    rows = _ledger(workspace)
    location = [r for r in rows if r["scope2_basis"] == "location"]
    market = [r for r in rows if r["scope2_basis"] == "market"]
    co2 = 594.74 * 0.45359237  # kg CO2 per MWh
    assert sum(r["mass"] for r in location if r["gas"] == "CO2") == pytest.approx(100 * co2)
    assert sum(r["mass"] for r in market if r["gas"] == "CO2") == pytest.approx(40 * co2)
    certificate = next(r for r in market if r["factor_id"] == "instrument:REC-1")
    assert certificate["activity_quantity"] == pytest.approx(60_000)
    assert certificate["co2e"] == 0
    assert {r["activity_key"] for r in market} == {"instrument/REC-1", "electricity/grid"}


def test_market_based_in_china_takes_the_mee_residual_analogue_from_2023(workspace, load):
    # CN1 is in Guangdong. MEE/NBS Announcement 2025 No. 47: Table 3 Guangdong 0.4419 and
    # Table 4 national average excluding market-traded non-fossil electricity 0.6096 kg
    # CO2/kWh (2023, the first year it is published); Announcement 2024 No. 33 Table 3
    # Guangdong 2022 0.4403 kg CO2/kWh. Before 2023 the market basis has only the grid average.
    load(
        workspace,
        electricity=[
            {
                "record_id": "E22",
                "facility_id": "CN1",
                "period": "2022-05",
                "quantity": 10,
                "unit": "MWh",
            },
            {
                "record_id": "E24",
                "facility_id": "CN1",
                "period": "2024-05",
                "quantity": 10,
                "unit": "MWh",
            },
        ],
    )
    rows = _ledger(workspace)
    market = {r["record_id"]: r for r in rows if r["scope2_basis"] == "market"}
    location = {r["record_id"]: r for r in rows if r["scope2_basis"] == "location"}
    assert market["E22"]["activity_key"] == "electricity/grid"
    assert market["E22"]["mass"] == pytest.approx(10_000 * 0.4403)
    assert market["E24"]["activity_key"] == "electricity/residual_mix"
    assert market["E24"]["mass"] == pytest.approx(10_000 * 0.6096)
    assert location["E24"]["mass"] == pytest.approx(10_000 * 0.4419)
    assert {r["factor_release"] for r in rows} == {"mee-cn-2021-2023"}


def test_certificates_never_exceed_consumption(workspace, load):
    load(
        workspace,
        electricity=[
            {
                "record_id": "E1",
                "facility_id": "US1",
                "period": "2025-05",
                "quantity": 50,
                "unit": "MWh",
            }
        ],
        energy_instruments=[
            {
                "instrument_id": "REC-1",
                "instrument_type": "eac",
                "facility_id": "US1",
                "period": "2025-05",
                "quantity": 80,
                "unit": "MWh",
                "emission_factor": 0,
            }
        ],
    )
    run = calculate(workspace).run
    market = totals(workspace.ledger_files(run), ["scope"], basis="market").to_pylist()
    assert [t["co2e"] for t in market if t["scope"] == 2] == [0.0]
    excess = run.manifest["reports"]["electricity_market"]["instrument_excess"]
    assert excess[0]["excess_kwh"] == pytest.approx(30_000)


def test_bill_only_month_is_estimated_from_the_price(workspace, load):
    # 7,200 CNY at 0.72 CNY/kWh = 10,000 kWh; MEE 2023 Guangdong 0.4419 kg CO2/kWh.
    load(
        workspace,
        electricity=[
            {
                "record_id": "E1",
                "facility_id": "CN1",
                "period": "2025-07",
                "bill_amount": 7200,
                "currency": "CNY",
                "data_source": "invoice",
            }
        ],
        electricity_prices=[
            {
                "region": "CN",
                "year": 2024,
                "currency": "CNY",
                "price": 0.72,
                "per_unit": "kWh",
                "source": "test",
            }
        ],
    )
    row = next(r for r in _ledger(workspace) if r["method"] == "electricity_location")
    assert row["activity_quantity"] == pytest.approx(10_000)
    assert row["data_quality"] == "estimated"
    assert row["co2e"] == pytest.approx(4419.0)
    assert (row["match_level"], row["year_gap"]) == ("exact", 2)


def test_spend_line_converted_and_deflated(workspace, load):
    # EPA SCF v1.3.0 NAICS 484121 with margins 0.595 kg CO2e per 2022 USD (line 639).
    # 7,190 CNY at 7.19 CNY/USD = 1,000 USD of 2025 = 1,000 x 100/108.8 USD of 2022.
    load(
        workspace,
        spend=[
            {
                "record_id": "G1",
                "entity_id": "E-US",
                "period": "2025-04",
                "gl_account": "6402",
                "supplier_category": "freight_carriers",
                "amount": 7190,
                "currency": "CNY",
            }
        ],
        fx_rates=[{"currency": "CNY", "year": 2025, "per_usd": 7.19, "source": "test"}],
        price_index=[
            {"year": 2022, "index_value": 100.0, "source": "test"},
            {"year": 2025, "index_value": 108.8, "source": "test"},
        ],
    )
    (row,) = [r for r in _ledger(workspace) if r["method"] == "spend_eeio"]
    assert row["gas"] == "CO2e" and row["gwp_set"] == "AR5GWP100"
    assert row["co2e"] == pytest.approx(1000 * 100 / 108.8 * 0.595)
    assert (row["scope"], row["scope3_category"], row["data_quality"]) == (3, 4, "spend_based")


def test_spend_at_producer_price_takes_the_factor_without_margins(workspace, load):
    # EPA SCF v1.3.0 NAICS 111110 (soybean farming, line 2): 0.488 kg CO2e per 2022 USD
    # without margins, 0.532 with. The mapping rule says which price the spend is at.
    mapping = {"naics_code": "111110", "scope3_category": 1, "name_en": "Soybeans"}
    load(
        workspace,
        spend_mapping=[
            {"match_field": "gl_account", "match_value": "5001", **mapping},
            {
                "match_field": "gl_account",
                "match_value": "5002",
                "price_basis": "producer",
                **mapping,
            },
        ],
        spend=[
            {
                "record_id": record,
                "entity_id": "E-US",
                "period": "2022-04",
                "gl_account": account,
                "amount": 1000,
                "currency": "USD",
            }
            for record, account in (("P1", "5001"), ("P2", "5002"))
        ],
        fx_rates=[{"currency": "USD", "year": 2022, "per_usd": 1.0, "source": "test"}],
        price_index=[{"year": 2022, "index_value": 100.0, "source": "test"}],
    )
    rows = {r["record_id"]: r for r in _ledger(workspace) if r["method"] == "spend_eeio"}
    assert rows["P1"]["co2e"] == pytest.approx(532.0)
    assert rows["P2"]["co2e"] == pytest.approx(488.0)
    assert (rows["P1"]["stage"], rows["P2"]["stage"]) == ("cradle_to_shelf", "cradle_to_gate")
    assert rows["P2"]["activity_key"] == "eeio/naics/111110/without_margins"


def test_onsite_generation_counts_as_zero_scope2(workspace, load):
    # GHG Protocol Scope 2 Guidance: electricity generated and consumed on site is not scope 2.
    load(
        workspace,
        electricity=[
            {
                "record_id": "PV1",
                "facility_id": "CN1",
                "period": "2025-06",
                "quantity": 5000,
                "unit": "kWh",
                "supply": "onsite_generation",
            },
            {
                "record_id": "G1",
                "facility_id": "CN1",
                "period": "2025-06",
                "quantity": 1000,
                "unit": "kWh",
            },
        ],
    )
    rows = _ledger(workspace)
    assert {r["record_id"] for r in rows} == {"G1"}
    assert sum(r["co2e"] for r in rows if r["scope2_basis"] == "location") == pytest.approx(441.9)


def test_purchased_steam_from_epa_table_7(workspace, load):
    # EPA Hub 2025 Table 7 (D410:F410): 66.33 kg CO2, 1.25 g CH4, 0.125 g N2O per mmBtu of
    # steam or heat purchased. 100 mmBtu; the market basis carries the same factor.
    load(
        workspace,
        electricity=[
            {
                "record_id": "H1",
                "facility_id": "US1",
                "period": "2025-01",
                "quantity": 100,
                "unit": "mmBtu",
                "energy_type": "steam",
            }
        ],
    )
    rows = _ledger(workspace)
    for basis in ("location", "market"):
        gases = {r["gas"]: r["mass"] for r in rows if r["scope2_basis"] == basis}
        assert gases == pytest.approx({"CO2": 6633.0, "CH4": 0.125, "N2O": 0.0125}), basis


def test_cooling_without_a_factor_stops_the_run(workspace, load):
    from carbonledger.errors import FactorNotFoundError

    load(
        workspace,
        electricity=[
            {
                "record_id": "C1",
                "facility_id": "US1",
                "period": "2025-01",
                "quantity": 100,
                "unit": "kWh",
                "energy_type": "cooling",
            }
        ],
    )
    with pytest.raises(FactorNotFoundError, match="cooling in EGRID-RFCE"):
        calculate(workspace)
