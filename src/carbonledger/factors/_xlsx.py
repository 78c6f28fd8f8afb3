"""Read publisher workbooks, silencing only openpyxl's known harmless warnings about them."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl

__all__ = ["open_workbook", "read_rows"]

# Publisher workbooks carry print headers and extensions openpyxl cannot parse; neither holds
# data. Other warnings still surface.
_HARMLESS = ("Cannot parse header or footer", "Unknown extension is not supported")


@contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        for message in _HARMLESS:
            warnings.filterwarnings("ignore", message=message, category=UserWarning)
        yield


def open_workbook(path: Path, **options: Any) -> Any:
    """``openpyxl.load_workbook`` (not read-only) without the warnings in ``_HARMLESS``."""
    with _quiet():
        return openpyxl.load_workbook(path, **options)


def read_rows(path: Path, sheets: list[str] | None = None) -> dict[str, list[list[Any]]]:
    """Every row of the named sheets (default: all) as lists of cell values.

    Raises
    ------
    KeyError
        If a named sheet does not exist (the message lists the sheets).
    """
    with _quiet():
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            names = sheets if sheets is not None else list(book.sheetnames)
            missing = [n for n in names if n not in book.sheetnames]
            if missing:
                raise KeyError(f"{path.name}: no sheets {missing}; sheets: {book.sheetnames}")
            return {n: [list(r) for r in book[n].iter_rows(values_only=True)] for n in names}
        finally:
            book.close()
