"""Methodologies as data: a user's file adds or replaces, and a malformed one is named."""

from __future__ import annotations

import pytest

from carbonledger.ecosystem import load_methodologies
from carbonledger.errors import CarbonLedgerError
from carbonledger.formula import to_sql

GOOD = """
bag_reuse:
  version: 2
  programme_type: packaging
  title: {en: Own bag, zh: 自带购物袋}
  activity_unit: item
  reference: "assumption: a 10 g bag a visit"
  parameters:
    bag: {value: 0.01, unit: "kg / item"}
  factors:
    plastic: {key: material/plastics_average_plastic_film/primary_material_production, unit: kg}
  baseline: "amount * bag * plastic"
"""


def test_a_users_file_adds_a_methodology(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(GOOD, "utf-8")
    found = load_methodologies(path)
    assert found["bag_reuse"].label == "bag_reuse@2"
    assert "e_waybill" in found


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('baseline: "bag * plastic"', "not a mass"),
        ('baseline: "amount * bag * plastic + amount"', "units do not combine"),
        ('baseline: "amount * cup * plastic"', "reads ['cup']"),
        ('baseline: "__import__(1)"', "only min, max and abs"),
    ],
)
def test_a_methodology_whose_formula_is_wrong_is_refused_by_name(tmp_path, change, message):
    path = tmp_path / "m.yaml"
    path.write_text(GOOD.replace('baseline: "amount * bag * plastic"', change), "utf-8")
    with pytest.raises(CarbonLedgerError, match="bag_reuse@2") as caught:
        load_methodologies(path)
    assert message in str(caught.value)


def test_formulas_compile_to_sql_with_their_precedence():
    assert to_sql("a - b * c", {"a": "x", "b": "y", "c": "z"}) == "(x - (y * z))"
    assert to_sql("(a - b) * c ** 2", {"a": "x", "b": "y", "c": "z"}) == "((x - y) * POWER(z, 2))"
    assert to_sql("min(a, 1) / -b", {"a": "x", "b": "y"}) == "(LEAST(x, 1) / (-y))"
