"""The unit registry: conversions, GWP contexts and errors."""

from __future__ import annotations

import numpy as np
import pytest

from carbonledger import units
from carbonledger.errors import UnitError
from carbonledger.units import conversion_factor, convert, gwp, parse_unit, ureg


def test_energy_and_mass_conversions():
    assert conversion_factor("MWh", "kWh") == pytest.approx(1000.0)
    assert conversion_factor("short_ton", "t") == pytest.approx(0.90718474)
    assert conversion_factor("mile", "km") == pytest.approx(1.609344)
    assert conversion_factor("mmBtu", "GJ") == pytest.approx(1.05505585262, rel=1e-12)  # Btu_it
    assert conversion_factor("therm", "mmBtu") == pytest.approx(0.1)


def test_lb_per_mwh_to_kg_per_kwh():
    # 1 lb/MWh = 0.45359237 kg / 1000 kWh
    assert conversion_factor("lb CO2 / MWh", "kg CO2 / kWh") == pytest.approx(4.5359237e-4)


def test_gas_to_co2e_needs_a_named_gwp_set():
    with pytest.raises(UnitError, match="needs a GWP set"):
        conversion_factor("kg CH4", "kg CO2e")
    with pytest.raises(Exception, match="Cannot convert"):
        ureg.Quantity(1.0, "kg CH4").to("kg CO2e")


@pytest.mark.parametrize(
    ("gas", "gwp_set", "expected"),
    [
        # EPA GHG Emission Factors Hub 2025, Table 11 (AR5 100-year GWP): CH4 28, N2O 265,
        # HFC-134a 1,300, SF6 23,500, NF3 16,100, PFC-14 (CF4) 6,630.
        ("CH4", "AR5", 28.0),
        ("N2O", "AR5", 265.0),
        ("HFC-134a", "AR5", 1300.0),
        ("SF6", "AR5", 23500.0),
        ("NF3", "AR5", 16100.0),
        ("PFC-14", "AR5", 6630.0),
        # IPCC AR4 and AR6 GWP-100 as compiled by openclimatedata (CC0): CH4 25 / 27.9,
        # N2O 298 / 273.
        ("CH4", "AR4", 25.0),
        ("N2O", "AR4", 298.0),
        ("CH4", "AR6", 27.9),
        ("N2O", "AR6", 273.0),
    ],
)
def test_gwp_values_match_published_tables(gas, gwp_set, expected):
    assert gwp(gas, gwp_set) == expected
    assert conversion_factor(f"kg {units.gas_unit(gas)}", "kg CO2e", gwp_set) == expected


@pytest.mark.parametrize(
    ("gwp_set", "origin", "expected"),
    [
        ("AR6", "fossil", 29.8),  # AR6 WG1 Table 7.15, CH4-fossil
        ("AR6", "non_fossil", 27.0),  # AR6 WG1 Table 7.15, CH4-non fossil
        ("AR6", "unspecified", 27.9),  # AR6 WG1 Table 7.SM.7 (openclimatedata)
        # AR5 as its factor publishers apply it (EPA Hub, DESNZ): one value, 28; AR4: 25
        ("AR5", "fossil", 28.0),
        ("AR5", "non_fossil", 28.0),
        ("AR4", "fossil", 25.0),
    ],
)
def test_methane_gwp_depends_on_its_origin(gwp_set, origin, expected):
    assert gwp("CH4", gwp_set, origin) == expected
    assert gwp("N2O", gwp_set, origin) == gwp("N2O", gwp_set)


def test_an_unknown_methane_origin_is_refused():
    with pytest.raises(UnitError, match="methane origin"):
        gwp("CH4", "AR6", "volcanic")


def test_gwp_context_applies_to_intensities():
    # 3 g CH4/kWh under AR6 (27.9) is 83.7 kg CO2e/MWh.
    q = ureg.Quantity(3.0, "g CH4 / kWh").to("kg CO2e / MWh", "AR6GWP100")
    assert q.magnitude == pytest.approx(83.7)
    per_dollar = ureg.Quantity(0.5, "kg N2O / USD").to("kg CO2e / USD", "AR5")
    assert per_dollar.magnitude == pytest.approx(132.5)


def test_no_conversion_from_co2e_back_to_a_gas():
    with pytest.raises(UnitError):
        conversion_factor("kg CO2e", "kg CH4", "AR5")


def test_currencies_are_not_interconvertible():
    with pytest.raises(UnitError, match="cannot convert"):
        conversion_factor("USD", "CNY")


def test_unknown_unit_is_named():
    with pytest.raises(UnitError, match="'furlongs_per_fortnightz'"):
        conversion_factor("furlongs_per_fortnightz", "m")


def test_wrong_dimension_is_named():
    with pytest.raises(UnitError, match="'kg'"):
        units.check_dimension("kg", "[energy]")
    units.check_dimension("GJ", "[energy]")


def test_convert_resolves_each_distinct_unit_once():
    conversion_factor.cache_clear()
    values = np.arange(10_000, dtype=float)
    unit_column = np.array(["kWh", "MWh"] * 5_000, dtype=object)
    result = convert(values, unit_column, "kWh")
    assert conversion_factor.cache_info().misses == 2
    assert result[1] == pytest.approx(1000.0)
    assert result[2] == pytest.approx(2.0)


def test_convert_reports_shape_mismatch():
    with pytest.raises(UnitError, match="2 units given for 3 values"):
        convert([1, 2, 3], ["kWh", "kWh"], "kWh")


def test_gas_names_and_aliases():
    assert units.gas_unit("CO₂") == "CO2"
    assert units.gas_unit("HFC-43-10mee") == "HFC4310mee"
    assert units.gas_unit("c-C4F8") == "cC4F8"
    with pytest.raises(UnitError, match="unknown gas"):
        units.gas_unit("unobtainium")


def test_unknown_gwp_set():
    with pytest.raises(UnitError, match="unknown GWP set"):
        units.gwp_set_name("AR9")


@pytest.mark.parametrize(
    ("typed", "unit", "kwh"),
    [("度", "kWh", 1.0), ("千瓦时", "kWh", 1.0), ("kwh", "kWh", 1.0), ("MWh", "MWh", 1000.0)],
)
def test_energy_units_as_users_type_them(typed, unit, kwh):
    from carbonledger.units import canonical_unit, conversion_factor

    assert canonical_unit(typed) == unit
    assert conversion_factor(typed, "kWh") == pytest.approx(kwh)


@pytest.mark.parametrize(
    ("typed", "target", "factor"),
    [
        ("m3", "L", 1000.0),
        ("立方米", "m ** 3", 1.0),
        ("吨", "kg", 1000.0),
        ("升", "L", 1.0),
        ("m2", "m ** 2", 1.0),
        ("公里", "m", 1000.0),
    ],
)
def test_other_units_as_users_type_them(typed, target, factor):
    from carbonledger.units import conversion_factor

    assert conversion_factor(typed, target) == pytest.approx(factor)


def test_an_unknown_unit_suggests_the_nearest():
    from carbonledger.errors import UnitError
    from carbonledger.units import parse_unit

    with pytest.raises(UnitError, match="did you mean 'kWh'"):
        parse_unit("kwhh")


def test_an_import_stores_the_registry_spelling_and_names_no_empty_dimension(tmp_path):
    from carbonledger.ingest import read_table
    from carbonledger.schema import get_schema
    from carbonledger.validate import validate_table

    path = tmp_path / "power.csv"
    path.write_text(
        "record_id,facility_id,period,quantity,unit\nE1,F1,2025-01,10,度\nE2,F1,2025-02,1,kwhh\n",
        encoding="utf-8",
    )
    frame, meta = read_table(path)
    report = validate_table(frame, meta, get_schema("electricity")).report
    messages = [str(f) for f in report.errors]
    assert any("did you mean" in m and "row 3" in m for m in messages), messages
    assert not any("expected a unit of " in m and m.rstrip().endswith("of") for m in messages)
    path.write_text(
        "record_id,facility_id,period,quantity,unit\nE1,F1,2025-01,10,度\n", encoding="utf-8"
    )
    frame, meta = read_table(path)
    table = validate_table(frame, meta, get_schema("electricity")).table
    assert table is not None and table["unit"].to_pylist() == ["kWh"]


@pytest.mark.parametrize("text", ["kg)", "(kWh", "]"])
def test_unbalanced_brackets_are_an_unknown_unit_not_a_crash(text):
    """Found by Schemathesis through the Scope 3+ activities endpoint (a 500 before)."""
    with pytest.raises(UnitError, match="unknown unit"):
        parse_unit(text)
