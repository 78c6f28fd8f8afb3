"""Bad input is refused with file, row and column; nothing is stored; nothing crashes (issue 13)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonledger.app import calculate, import_file, list_batches, lock, restate
from carbonledger.cli import app
from carbonledger.errors import CarbonLedgerError, IntegrityError, ValidationError, WorkspaceError

runner = CliRunner()
HEADER = "record_id,facility_id,period,quantity,unit\n"


def _refused(workspace, tmp_path, body: str, column: str, match: str) -> str:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        import_file(workspace, "electricity", path)
    text = str(caught.value)
    assert f"column '{column}'" in text and "row 2" in text, text
    assert match in text, text
    assert list_batches(workspace, "electricity") == []  # nothing stored
    return text


@pytest.mark.parametrize("number", ["inf", "Infinity", "-inf", "1e309", "NaN"])
def test_numbers_that_are_not_finite_are_refused(workspace, load, tmp_path, number):
    load(workspace)
    _refused(workspace, tmp_path, f"E1,CN1,2025-01,{number},kWh\n", "quantity", "finite")


@pytest.mark.parametrize("number", ["1e308", "9" * 400, "1" + "0" * 300])
def test_numbers_no_activity_can_be_are_refused(workspace, load, tmp_path, number):
    load(workspace)
    text = _refused(workspace, tmp_path, f"E1,CN1,2025-01,{number},kWh\n", "quantity", "")
    assert "at most 1e+15" in text or "finite" in text


@pytest.mark.parametrize("period", ["0000-01", "1066-10", "9999-12", "٢٠٢٥-٠١", "２０２５-01"])
def test_periods_outside_the_years_or_in_other_digits_are_refused(
    workspace, load, tmp_path, period
):
    load(workspace)
    _refused(workspace, tmp_path, f"E1,CN1,{period},10,kWh\n", "period", "1900-2100")


@pytest.mark.parametrize(
    ("record_id", "reason"),
    [("E\u200b1", "invisible"), ("E\u20601", "invisible"), ("Fаcility", "look-alike")],
)
def test_ids_with_invisible_or_look_alike_characters_are_refused(
    workspace, load, tmp_path, record_id, reason
):
    load(workspace)
    _refused(workspace, tmp_path, f"{record_id},CN1,2025-01,10,kWh\n", "record_id", reason)


@pytest.mark.parametrize("period", ["abc", "2025-13", "", "٢٠٢٥", "25", "1066"])
def test_lock_and_restate_accept_only_periods(workspace, period):
    with pytest.raises(WorkspaceError, match="neither YYYY nor YYYY-MM"):
        lock(workspace, period)
    with pytest.raises(WorkspaceError, match="neither YYYY nor YYYY-MM"):
        restate(workspace, period, "a reason")


def test_a_month_lock_protects_its_month_and_a_locked_years_months(workspace, load, tmp_path):
    load(workspace)
    power = tmp_path / "power.csv"
    pd.DataFrame(
        [
            {
                "record_id": "E1",
                "facility_id": "CN1",
                "period": "2025-03",
                "quantity": 5,
                "unit": "MWh",
            }
        ]
    ).to_csv(power, index=False)
    import_file(workspace, "electricity", power)
    calculate(workspace)
    lock(workspace, "2025-04")
    april = tmp_path / "april.csv"
    april.write_text(HEADER + "E9,CN1,2025-04,10,kWh\n", encoding="utf-8")
    from carbonledger.errors import PeriodLockedError

    with pytest.raises(PeriodLockedError, match="2025-04"):
        import_file(workspace, "electricity", april)
    lock(workspace, "2025")
    with pytest.raises(WorkspaceError, match="locked already by 2025"):
        lock(workspace, "2025-06")
    with pytest.raises(CarbonLedgerError, match="neither YYYY nor YYYY-MM"):
        calculate(workspace, period="2025-13")


def test_a_comparison_with_a_period_the_run_does_not_hold_is_refused(workspace, load, tmp_path):
    from carbonledger.app import change

    load(workspace)
    power = tmp_path / "power.csv"
    power.write_text(HEADER + "E1,CN1,2025-03,10,MWh\n", encoding="utf-8")
    import_file(workspace, "electricity", power)
    calculate(workspace)
    with pytest.raises(CarbonLedgerError, match="holds no data for 2024"):
        change(workspace, "2024", "2025")
    result = runner.invoke(
        app, ["hotspots", "-w", str(workspace.root), "--period", "2025", "--compare", "2024"]
    )
    assert result.exit_code == 1 and "holds no data for 2024" in result.output


def test_a_tampered_batch_stops_a_calculation_naming_it(workspace, load, tmp_path):
    load(workspace)
    power = tmp_path / "power.csv"
    power.write_text(HEADER + "E1,CN1,2025-03,10,MWh\n", encoding="utf-8")
    batch = import_file(workspace, "electricity", power).batch
    stored = workspace.root / batch.parquet_path
    stored.write_bytes(stored.read_bytes()[:-20] + b"\0" * 20)
    with pytest.raises(IntegrityError, match=batch.batch_id):
        calculate(workspace)
    result = runner.invoke(app, ["calculate", "-w", str(workspace.root)])
    assert result.exit_code == 1 and "no longer matches its hash" in result.output
    assert "Traceback" not in result.output


def test_estimate_record_of_a_model_without_a_bill_of_materials_is_one_line(tmp_path):
    result = runner.invoke(
        app,
        [
            "estimate-record",
            "device_sales",
            "model=x",
            "country=CN",
            "units_sold=10",
            "annual_energy=5",
            "lifetime_years=3",
            "--country",
            "CN",
            "-w",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert (
        result.output.startswith("error: device_lifecycle") and "bill of materials" in result.output
    )
    assert len(result.output.strip().splitlines()) <= 3


def _workbook(path, sheets):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


ROWS = [
    ["record_id", "facility_id", "period", "quantity", "unit"],
    ["E1", "CN1", "2025-01", 10, "kWh"],
]


def test_a_workbook_with_several_data_sheets_needs_a_sheet(workspace, load, tmp_path):
    load(workspace)
    book = _workbook(tmp_path / "two.xlsx", {"2024": ROWS, "2025": ROWS, "notes": []})
    with pytest.raises(CarbonLedgerError, match=r"2 sheets with data \(2024, 2025\).*--sheet"):
        import_file(workspace, "electricity", book)
    assert import_file(workspace, "electricity", book, sheet="2025").created


def test_a_formula_without_a_stored_result_is_refused(workspace, load, tmp_path):
    load(workspace)
    rows = [ROWS[0], ["E1", "CN1", "2025-01", "=2*5", "kWh"]]  # openpyxl stores no result
    book = _workbook(tmp_path / "formula.xlsx", {"power": rows})
    with pytest.raises(CarbonLedgerError, match=r"row 2, column 'quantity'.*no stored result"):
        import_file(workspace, "electricity", book)


def test_a_period_typed_as_the_number_2025_10_is_not_january(workspace, load, tmp_path):
    load(workspace)
    rows = [ROWS[0], ["E1", "CN1", 2025.10, 10, "kWh"], ["E2", "CN1", 2025.03, 10, "kWh"]]
    book = _workbook(tmp_path / "numbers.xlsx", {"power": rows})
    with pytest.raises(ValidationError) as refused:
        import_file(workspace, "electricity", book)
    assert "row 2, column 'period'" in str(refused.value)
    assert "row 3" not in str(refused.value)  # 2025.03 reads back as 2025.03: March


def _raw(tmp_path, data: bytes):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (
            HEADER.encode() + b"E1,CN1,2025-01,10,kWh,extra\n",
            r"row 2: 6 field\(s\) where the header has 5",
        ),
        (HEADER.encode() + b"E1,CN1,2025-01\n", r"row 2: 3 field\(s\)"),
        (HEADER.encode() + b"E1,CN1,2025-01,10,kWh\nE2,CN1,20", r"row 3: 3 field\(s\)"),
        (HEADER.encode() + b'E1,"CN1,2025-01,10,kWh\n', "cannot parse as CSV"),
        (HEADER.encode() + b"E\x001,CN1,2025-01,10,kWh\n", "row 2: holds a NUL byte"),
        (b"record_id,facility_id,period,quantity,quantity,unit\n", "names 'quantity' twice"),
        (",".join(f"c{i}" for i in range(1_500)).encode() + b"\n", "1,500 columns"),
    ],
)
def test_csv_files_whose_rows_do_not_match_the_header_are_refused(
    workspace, load, tmp_path, data, match
):
    load(workspace)
    with pytest.raises(CarbonLedgerError, match=match):
        import_file(workspace, "electricity", _raw(tmp_path, data))
    assert list_batches(workspace, "electricity") == []


def test_xlsx_values_beyond_the_header_and_zip_bombs_are_refused(workspace, load, tmp_path):
    import zipfile

    load(workspace)
    rows = [ROWS[0], [*ROWS[1], "stray"]]
    book = _workbook(tmp_path / "wide.xlsx", {"power": rows})
    with pytest.raises(CarbonLedgerError, match=r"row 2: a value .'stray'. in a column without"):
        import_file(workspace, "electricity", book)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 600_000_000)
    with pytest.raises(CarbonLedgerError, match="unpacks to 600,000,000 bytes"):
        import_file(workspace, "electricity", bomb)
