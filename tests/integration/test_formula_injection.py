"""Imported text a spreadsheet would run as a formula stays inert in every CSV and XLSX export
(OWASP CSV injection; issue 13)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from carbonledger.app import calculate, evidence, import_file, render_report, report_context
from carbonledger.report.escape import csv_safe, write_text_cell
from tests.conftest import ENTITIES, FACILITIES

NASTY = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "-2+3"]


@pytest.mark.parametrize("text", NASTY)
def test_text_that_starts_like_a_formula_is_escaped_for_csv(text):
    assert csv_safe(text) == "'" + text
    assert csv_safe("plain") == "plain" and csv_safe(3.5) == 3.5


def test_xlsx_text_cells_are_never_formulas():
    from openpyxl import Workbook

    sheet = Workbook().active
    for number, text in enumerate(NASTY, 1):
        assert write_text_cell(sheet, number, 1, text).data_type == "s"


def test_the_report_and_evidence_pack_keep_imported_formulas_inert(workspace, tmp_path):
    import pandas as pd

    entities = [{**e, "name": NASTY[0]} if e["entity_id"] == "E-CN" else e for e in ENTITIES]
    facilities = [{**f, "name": NASTY[1]} if f["facility_id"] == "CN1" else f for f in FACILITIES]
    power = [
        {
            "record_id": NASTY[2],
            "facility_id": "CN1",
            "period": "2025-03",
            "quantity": 5,
            "unit": "MWh",
        }
    ]
    for kind, rows in (("entities", entities), ("facilities", facilities), ("electricity", power)):
        path = tmp_path / f"{kind}.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        import_file(workspace, kind, path)
    calculate(workspace)
    context = report_context(workspace, period="2025")
    book = load_workbook(render_report(context, "xlsx", "en", tmp_path / "r.xlsx"))
    formulas = [
        cell.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    texts = {c.value for s in book.worksheets for r in s.iter_rows() for c in r if c.value}
    assert NASTY[1] in texts  # stored and shown as the text it is
    pack = evidence(workspace, context, tmp_path / "evidence.zip")
    with zipfile.ZipFile(pack) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("lineage.csv").decode("utf-8"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + NASTY[2] in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
