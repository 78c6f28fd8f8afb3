"""The report as an XLSX workbook (openpyxl): a sheet per section with its tables as numbers
(formatted, not rounded) and its charts as static images."""

from __future__ import annotations

import io
from pathlib import Path
from unicodedata import east_asian_width

from carbonledger.report.charts import charts, png_images
from carbonledger.report.context import ReportContext
from carbonledger.report.escape import write_text_cell
from carbonledger.report.fonts import report_font
from carbonledger.report.sections import sections

__all__ = ["write_xlsx"]

_LARGE = 100  # numbers at least this large are shown without decimals
_CHART_ROWS = 20  # rows one chart image spans
_MAX_WIDTH = 60  # [characters] widest column


def write_xlsx(
    context: ReportContext, lang: str, path: Path, font_path: str | Path | None = None
) -> Path:
    """Write the report's workbook in ``lang`` to ``path``; the sheets are named by section key."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    figures = charts(context, lang)
    font = report_font((t for c in figures for t in (c.title, c.unit, *c.categories)), font_path)
    images = png_images(figures, font)
    for section in sections(context, lang):
        sheet = book.create_sheet(section.key[:31])
        sheet.page_setup.orientation = "landscape"  # printed: tables and charts side by side
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        write_text_cell(sheet, 1, 1, section.title).font = Font(bold=True, size=14)
        row = 2
        for paragraph in section.paragraphs:
            write_text_cell(sheet, row, 1, paragraph)
            row += 1
        widths: dict[int, int] = {}
        for table in section.tables:
            row += 1
            for col, name in enumerate(table.columns, 1):
                write_text_cell(sheet, row, col, name).font = Font(bold=True)
                widths[col] = max(widths.get(col, 0), _display_width(name))
            for cells in table.rows:
                row += 1
                for col, value in enumerate(cells, 1):
                    cell = write_text_cell(sheet, row, col, value)
                    if isinstance(value, float):
                        whole = abs(value) >= _LARGE or value == 0
                        cell.number_format = "#,##0" if whole else "#,##0.000"
                    shown = f"{value:,.0f}" if isinstance(value, float) else value
                    widths[col] = max(widths.get(col, 0), _display_width(shown))
            row += 1
        for col, width in widths.items():
            sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, _MAX_WIDTH)
        anchor_column = get_column_letter(max(widths, default=0) + 2)
        for index, key in enumerate(k for k in section.charts if k in images):
            picture = Image(io.BytesIO(images[key]))
            sheet.add_image(picture, f"{anchor_column}{2 + _CHART_ROWS * index}")
    book.save(path)
    return path


def _display_width(value: object) -> int:
    """Width of a cell's text [characters]: Chinese, Japanese and Korean ones count double."""
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in str(value))
