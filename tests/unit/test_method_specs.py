"""Methods as specs: facts are data, read everywhere; the registry takes methods from outside."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from carbonledger.errors import CarbonLedgerError
from carbonledger.methods import MethodSpec, method_spec, registered_methods
from carbonledger.methods import spec as spec_module
from carbonledger.methods.scope1_2 import StationaryCombustion
from carbonledger.schema import get_schema

SPEC = {
    "kind": "stationary_fuel",
    "scope": 1,
    "iso": [1],
    "stages": ["combustion"],
    "references": ["facilities"],
    "distinct": ["fuel", "unit"],
    "data_quality": "measured",
    "required": ["facility_id", "period", "fuel", "quantity", "unit"],
}


class LabBurner(StationaryCombustion):
    """A method of another package: stationary combustion under its own name."""

    name = "lab_burner"
    SPEC = SPEC


@pytest.fixture
def registry(monkeypatch):
    """A registry of the packaged methods that a test may add to without touching others."""
    fresh = spec_module._Registry()
    monkeypatch.setattr(spec_module, "_REGISTRY", fresh)
    return fresh


def test_every_packaged_method_has_a_spec_whose_inputs_exist():
    for method in registered_methods():
        spec = method.spec
        columns = {c.name for c in get_schema(spec.kind).columns}
        assert set(spec.required) <= columns, (method.name, set(spec.required) - columns)
        assert set(spec.distinct) <= columns, method.name
        assert spec.scope in (1, 2, 3)
        assert (spec.scope == 3) == bool(spec.scope3) or method.name == "transport_ttw"


def test_the_ledger_classifies_lines_as_the_specs_say(tmp_path):
    """Every line's scope, scope 3 and ISO category is one its method's spec declares (the
    demo-like inputs of the crosscheck cover every method)."""
    from tests.crosscheck.helpers import inputs, run_both
    from tests.property.test_accounting import BASE

    relational, _ = run_both(inputs(tmp_path, BASE))
    for row in relational.select(
        ["method", "scope", "scope3_category", "iso_category"]
    ).to_pylist():
        spec = method_spec(row["method"])
        assert row["iso_category"] in spec.iso, row
        if row["scope3_category"] is not None:
            assert row["scope3_category"] in spec.scope3, row


def test_a_method_of_another_package_is_one_class_and_its_spec(registry, tmp_path):
    from carbonledger.methods import register_method
    from carbonledger.run import calculate_tables
    from tests.conftest import ENTITIES, FACILITIES
    from tests.unit.test_calculate_tables import _typed

    register_method(LabBurner(), LabBurner.SPEC)
    assert "lab_burner" in [m.name for m in registered_methods()]
    fuel = [
        {
            "record_id": "S1",
            "facility_id": "GB1",
            "period": "2025-02",
            "fuel": "diesel",
            "quantity": 100,
            "unit": "L",
        }
    ]
    ledger = calculate_tables(
        {"stationary_fuel": _typed("stationary_fuel", fuel, tmp_path)},
        {
            "facilities": _typed("facilities", FACILITIES, tmp_path),
            "entities": _typed("entities", ENTITIES, tmp_path),
        },
    )
    by_method = {}
    for row in ledger.to_pylist():
        by_method[row["method"]] = by_method.get(row["method"], 0.0) + row["co2e"]
    assert by_method["lab_burner"] == pytest.approx(by_method["stationary_combustion"])
    with pytest.raises(CarbonLedgerError, match="registered already"):
        register_method(LabBurner(), LabBurner.SPEC)


def test_entry_points_add_methods(registry, monkeypatch):
    point = EntryPoint("lab_burner", f"{__name__}:LabBurner", spec_module.ENTRY_POINT_GROUP)
    monkeypatch.setattr(spec_module, "entry_points", lambda group: [point])
    assert "lab_burner" in [m.name for m in registered_methods()]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "blue"}, "unknown fields \\['colour'\\]"),
        ({"scope": 4}, "scope must be 1, 2 or 3"),
        ({"scope": 2}, "scope2_basis"),
        ({"hybrid": "maybe"}, "hybrid is covers or covered"),
    ],
)
def test_a_bad_spec_is_refused_naming_the_field(change, message):
    with pytest.raises(CarbonLedgerError, match=message):
        MethodSpec.from_mapping("lab_burner", {**SPEC, **change})
    without = {k: v for k, v in SPEC.items() if k != "stages"}
    with pytest.raises(CarbonLedgerError, match="missing fields \\['stages'\\]"):
        MethodSpec.from_mapping("lab_burner", without)


def test_a_method_without_a_spec_cannot_register(registry):
    from carbonledger.methods import register_method

    class Nameless(StationaryCombustion):
        name = "nameless"

    with pytest.raises(KeyError, match="no spec for method 'nameless'"):
        register_method(Nameless())
