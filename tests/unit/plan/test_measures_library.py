"""The measures library as data: formulas that compute but never act, units checked, clear
errors naming the measure and input, and users' own types."""

from __future__ import annotations

import pytest

from carbonledger.errors import CarbonLedgerError
from carbonledger.plan import Measure, calculate_measure, evaluate, load_measure_types
from carbonledger.units import ureg

TYPES = load_measure_types()


def _zero(key, quantity, unit, region, year):
    return 0.0, [], []


def test_every_packaged_type_reads_and_names_its_inputs():
    assert len(TYPES) >= 20
    for name, mtype in TYPES.items():
        assert mtype.title["en"] and mtype.title["zh"], name
        for change in mtype.changes:
            assert change.boundary in ("inventory", "outside", "removal")


@pytest.mark.parametrize(
    "formula", ["__import__('os')", "power.__class__", "[power]", "power if power else 0", "'a'"]
)
def test_formulas_only_compute(formula):
    with pytest.raises(CarbonLedgerError):
        evaluate(formula, {"power": ureg.Quantity(1, "kW")})


def test_formulas_check_units():
    with pytest.raises(CarbonLedgerError, match="units do not combine"):
        evaluate("power + hours", {"power": ureg.Quantity(1, "kW"), "hours": ureg.Quantity(1, "h")})
    value = evaluate("max(a, b) * 2", {"a": ureg.Quantity(1, "kWh"), "b": ureg.Quantity(3, "Wh")})
    assert value.to("kWh").magnitude == pytest.approx(2.0)


def test_missing_and_wrong_inputs_name_the_measure_and_input():
    mtype = TYPES["high_efficiency_motor"]
    missing = Measure("M-7", "high_efficiency_motor", "m", "CN", 2026, 10, "CNY")
    with pytest.raises(CarbonLedgerError, match=r"M-7.*'power' is required \[kW\]"):
        calculate_measure(mtype, missing, _zero)
    wrong = Measure(
        "M-8",
        "high_efficiency_motor",
        "m",
        "CN",
        2026,
        10,
        "CNY",
        inputs={"power": (18.5, "kWh")},
    )
    with pytest.raises(CarbonLedgerError, match=r"M-8: input 'power' in 'kWh'"):
        calculate_measure(mtype, wrong, _zero)
    unknown = Measure("M-9", "led_lighting", "m", "CN", 2026, 10, "CNY", inputs={"watts": (1, "W")})
    with pytest.raises(CarbonLedgerError, match="has no input"):
        calculate_measure(TYPES["led_lighting"], unknown, _zero)


def test_users_add_types_as_data(tmp_path):
    path = tmp_path / "types.yaml"
    path.write_text(
        """
compressed_air_leaks:
  title: {en: Compressed-air leak repair, zh: 压缩空气泄漏修复}
  formula: "electricity saved = leak flow × hours × specific power"
  inputs:
    leak_flow: {unit: m ** 3 / min}
    hours: {unit: h}
    specific_power: {unit: kW / (m ** 3 / min)}
  changes:
    - activity: electricity/grid
      unit: kWh
      amount: "-leak_flow * hours * specific_power"
      source: {scope: 2}
      acts_as: share
""",
        encoding="utf-8",
    )
    types = load_measure_types(path)
    assert "high_efficiency_motor" in types and "compressed_air_leaks" in types
    m = Measure(
        "M-1",
        "compressed_air_leaks",
        "leaks",
        "CN",
        2026,
        5,
        "CNY",
        inputs={
            "leak_flow": (2, "m ** 3 / min"),
            "hours": (6000, "h"),
            "specific_power": (6, "kW / (m ** 3 / min)"),
        },
    )
    result = calculate_measure(types["compressed_air_leaks"], m, _zero)
    assert result.changes[0].quantity == pytest.approx(-72000)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "x:\n  title: {en: x, zh: x}\n  formula: f\n  inputs: {}\n  changes:\n"
        "    - {activity: a, unit: kWh, amount: 'missing * 2', source: {scope: 2}}\n",
        encoding="utf-8",
    )
    expected = r"(?s)bad.yaml: measure type 'x'.*undeclared inputs \['missing'\]"
    with pytest.raises(CarbonLedgerError, match=expected):
        load_measure_types(bad)
