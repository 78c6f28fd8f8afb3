"""Exports that a spreadsheet opens: text is never run as a formula.

Imported text may start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a name
like ``=HYPERLINK(...)`` or ``=cmd|...``); it may be stored as it is, but every CSV and XLSX
that carbonledger writes keeps it inert (OWASP's CSV-injection guidance): XLSX cells holding
text are typed as text, and CSV text cells starting so get a leading apostrophe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "csv_safe", "sql_csv_safe", "write_row", "write_text_cell"]

#: Characters a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A CSV cell value that no spreadsheet runs: text starting like a formula gets ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sql_csv_safe(column: str) -> str:
    """:func:`csv_safe` as a DuckDB expression of a text column (for ``COPY ... TO`` CSV)."""
    quoted = '"' + column.replace('"', '""') + '"'
    return (
        f"CASE WHEN regexp_matches({quoted}, '^[=+\\-@\\t\\r]') THEN '''' || {quoted} "
        f"ELSE {quoted} END AS {quoted}"
    )


def write_text_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write a value to an openpyxl sheet; text stays text (never a formula cell)."""
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_row(sheet: Any, row: int, values: Iterable[Any]) -> None:
    """Write a row of values from column 1 with :func:`write_text_cell`."""
    for column, value in enumerate(values, 1):
        write_text_cell(sheet, row, column, value)
