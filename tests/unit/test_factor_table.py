"""The factor builder: normalisation, ids, restatements."""

from __future__ import annotations

import pytest

from carbonledger.errors import FactorError
from carbonledger.factors import FactorRow, FactorTableBuilder, ReleaseInfo

INFO = ReleaseInfo("test-1", "Tester", "test", "1", "2026-01-01", "CC0-1.0", "", ())


def _row(**fields):
    base = dict(
        activity_key="k",
        name="n",
        region="US",
        year=2025,
        gas="CO2",
        original_value=1.0,
        numerator="kg",
        denominator="kWh",
        stage="combustion",
        source_location="s!A1",
    )
    return FactorRow(**{**base, **fields})


@pytest.mark.parametrize(
    ("numerator", "denominator", "value", "unit", "expected"),
    [
        ("lb", "MWh", 1000.0, "kWh", 0.45359237),  # lb/MWh -> kg/kWh
        ("kg", "short_ton", 907.18474, "kg", 1.0),  # per short ton -> per kg
        ("kg", "mile", 1.609344, "km", 1.0),  # per mile -> per km
        ("g", "mmBtu", 1000.0, "kWh", 1 / 293.0710701722222),  # per mmBtu (HHV) -> per kWh
        ("t", "t", 1.14, "kg", 1.14),
        ("kg", "ton_mile", 1.0, "tkm", 1 / (0.90718474 * 1.609344)),
        ("kg", "gallon", 3.785411784, "m ** 3", 1000.0),
    ],
)
def test_normalisation(numerator, denominator, value, unit, expected):
    builder = FactorTableBuilder(INFO)
    builder.add(_row(numerator=numerator, denominator=denominator, original_value=value))
    row = builder.table().to_pylist()[0]
    assert row["unit"] == unit
    assert row["value"] == pytest.approx(expected, rel=1e-9)
    assert row["original_value"] == value
    assert row["original_unit"] == f"{numerator} CO2 / {denominator}"


def test_heating_value_basis_is_kept():
    builder = FactorTableBuilder(INFO)
    builder.add(_row(denominator="mmBtu", heating_value_basis="HHV"))
    assert builder.table().column("heating_value_basis").to_pylist() == ["HHV"]


def test_ids_are_stable_and_depend_on_identity():
    a, b = FactorTableBuilder(INFO), FactorTableBuilder(INFO)
    a.add(_row())
    b.add(_row(original_value=2.0, source_location="elsewhere"))
    assert a.table()["factor_id"].to_pylist() == b.table()["factor_id"].to_pylist()
    c = FactorTableBuilder(INFO)
    c.add(_row(region="GB"))
    assert c.table()["factor_id"].to_pylist() != a.table()["factor_id"].to_pylist()


def test_restatement_in_another_unit_is_folded_but_a_conflict_is_refused():
    builder = FactorTableBuilder(INFO)
    builder.add(_row(denominator="km", original_value=0.15738, source_location="D27"))
    builder.add(_row(denominator="mile", original_value=0.25329, source_location="D28"))
    assert builder.table().num_rows == 1 and builder.restated == ["D28"]
    with pytest.raises(FactorError, match="gives k US 2025 CO2"):
        builder.add(_row(denominator="mile", original_value=0.5, source_location="D29"))


def test_unknown_unit_names_the_source_cell():
    with pytest.raises(FactorError, match="s!A1"):
        FactorTableBuilder(INFO).add(_row(denominator="furlongz"))
