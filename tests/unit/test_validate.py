"""Validation: each rule, reported with file, row, column and value."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from carbonledger.ingest import read_table
from carbonledger.schema import get_schema
from carbonledger.validate import SOURCE_ROW, checks, validate_table


def _validate(tmp_path: Path, kind: str, text: str, strict: bool = False):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    frame, meta = read_table(path)
    return validate_table(frame, meta, get_schema(kind), strict)


def _by_rule(result) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in result.report.findings:
        found.setdefault(f.rule, []).append((f.location.row, f.location.column, f.value))
    return found


def test_valid_file_gives_typed_table(tmp_path, electricity_csv):
    frame, meta = read_table(electricity_csv)
    result = validate_table(frame, meta, get_schema("electricity"))
    assert result.report.ok()
    table = result.table
    assert table.column("quantity").to_pylist() == [1200.5, 1.5, None]
    assert table.column("unit").to_pylist() == ["kWh", "MWh", "kWh"]  # default filled
    assert table.column(SOURCE_ROW).to_pylist() == [2, 3, 4]
    assert table.column("data_source").to_pylist() == ["meter"] * 3


def test_each_rule_names_row_column_and_value(tmp_path):
    result = _validate(
        tmp_path,
        "electricity",
        "record_id,facility_id,period,用电量,unit,currency\n"
        "E1,F1,2024-01,12,kWh,\n"
        "E2,F1,2024-13,abc,kWh,\n"
        "E2,,2024-03,5,furlong,\n"
        "E4,F1,2024-04,-1,kg,cny\n"
        "E5,F1,2024-05,,,\n",
    )
    assert result.table is None
    rules = _by_rule(result)
    assert rules["month"] == [(3, "period", "2024-13")]
    assert rules["number"] == [(3, "用电量", "abc")]
    assert rules["required"] == [(4, "facility_id", None)]
    assert rules["unique"] == [(4, "record_id", "E2")]
    assert rules["unit"] == [(4, "unit", "furlong"), (5, "unit", "kg")]
    assert rules["minimum"] == [(5, "用电量", "-1")]
    assert rules["pattern"] == [(5, "currency", "cny")]
    assert rules["requires_one_of"] == [(6, "用电量", None)]
    first = result.report.errors[0]
    assert str(first).startswith(f"{tmp_path / 'electricity.csv'}, row 3")


def test_missing_required_column(tmp_path):
    result = _validate(tmp_path, "spend", "record_id,entity_id,period,amount\nA,E,2024-01,5\n")
    assert {(f.rule, f.message) for f in result.report.errors} >= {
        ("required_column", "column 'gl_account' is missing"),
        ("required_column", "column 'currency' is missing"),
    }


def test_unknown_column_is_a_warning_unless_strict(tmp_path):
    text = "record_id,facility_id,period,quantity,colour\nE1,F1,2024-01,1,red\n"
    lenient = _validate(tmp_path, "electricity", text)
    assert lenient.table is not None
    assert [w.location.column for w in lenient.report.warnings] == ["colour"]
    assert _validate(tmp_path, "electricity", text, strict=True).table is None


@pytest.mark.parametrize("written", ["2024-03", "2024/3", "202403", "2024-03-01", "2024年3月"])
def test_month_spellings(tmp_path, written):
    result = _validate(
        tmp_path, "electricity", f"record_id,facility_id,period,quantity\nE1,F1,{written},1\n"
    )
    assert result.table.column("period").to_pylist() == ["2024-03"]


def test_booleans_and_thousands_separators(tmp_path):
    result = _validate(
        tmp_path,
        "entities",
        "entity_id,name,country,equity_share,financial_control,operational_control\n"
        'A,Alpha,CN,1,是,yes\nB,Beta,US,"0.5",否,0\nC,Gamma,US,0.2,maybe,no\n',
    )
    assert _by_rule(result)["boolean"] == [(4, "financial_control", "maybe")]
    ok = _validate(
        tmp_path,
        "spend",
        'record_id,entity_id,period,gl_account,amount,currency\nA,E,2024-01,6401,"1,234.5",CNY\n',
    )
    assert ok.table.column("amount").to_pylist() == [1234.5]


def test_timestamps_are_local_clock_times_without_an_offset(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text(
        "meter_id,time,value\n"
        "M1,2024-03-01 00:15,1\n"
        "M1,2024-03-01T00:30:00,2\n"
        "M1,2024-03-01T00:45:00+08:00,3\n"
        "M1,2024-03-01 24:00,4\n",
        encoding="utf-8",
    )
    frame, meta = read_table(path)
    result = validate_table(frame, meta, get_schema("meter_readings"))
    errors = [(f.location.row, f.location.column, f.rule) for f in result.report.errors]
    assert errors == [(4, "time", "timestamp"), (5, "time", "timestamp")]
    assert "without a UTC offset" in result.report.errors[0].message


#: Cells a number column may meet: decimal forms, and forms a number parser might accept but a
#: quantity must not be (hex, digit separators, other scripts' digits, words for infinity).
_NUMBER_CELLS = [
    *["1", "+1", "-1", "1.", ".5", "-.5", "1e5", "1E+5", "1e-5", "1.5e3", "00012", "-0"],
    *["0e0", "5e-400", "1e999", "inf", "-inf", "nan", "NaN", "Infinity", "INF", "+inf"],
    *["0x10", "0x1p3", "1_000", "e5", "1e", ".", "-", "+", "--1", "1.2.3", "1d5", "1f"],
    *["１２", "١٢", "12abc", "1e+", "+-1", ".e1", "1.e1"],
]


@pytest.mark.parametrize("alone", [True, False])
def test_numbers_are_the_decimal_forms_whichever_way_they_are_read(alone):
    """Arrow's cast reads a column whole when every cell is a number; a column with one other
    cell is read through the decimal pattern. Either way a cell is a number exactly when it is
    written as a decimal (``_DECIMAL``) and finite."""
    for cell in _NUMBER_CELLS:
        column = pa.array([cell] if alone else [cell, "not a number"])
        parsed = checks._decimal_numbers(column)
        read = pc.if_else(pc.is_finite(parsed), parsed, None)[0].as_py()
        decimal = re.match(checks._DECIMAL, cell) is not None
        expected = float(cell) if decimal and math.isfinite(float(cell)) else None
        assert read == expected, cell
