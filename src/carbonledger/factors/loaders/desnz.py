"""UK DESNZ/Defra GHG Conversion Factors for Company Reporting, full sets 2025 and 2026 (OGL v3).

The full set is laid out for people: each sheet holds blocks whose header row starts with
"Activity", with variant labels (fuel type, laden %, with/without RF) in the row above the value
columns, and label cells left blank where they repeat. Blocks are found by their header text, so
layout changes between years do not move the loader; ``desnz.yaml`` maps sheets to keys, units
and stages. Shaded cells ("not available", "invalid combination") are blank and are skipped,
never read as zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml
from openpyxl.utils import get_column_letter

from carbonledger.errors import FactorError
from carbonledger.factors._keys import key, slug
from carbonledger.factors._raw import raw_file
from carbonledger.factors._xlsx import read_rows
from carbonledger.factors.table import FactorRow, FactorTableBuilder, ReleaseInfo
from carbonledger.units import gwp

__all__ = ["RELEASES", "Cell", "load", "read_blocks", "stated_uplift"]

_LICENCE = "OGL-UK-3.0"
_URL = "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-{}"
_NOTES = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(UK Government GHG Conversion Factors for Company Reporting {}). AR5 GWPs."
)
RELEASES: dict[int, ReleaseInfo] = {
    year: ReleaseInfo(
        release_id=f"desnz-{year}",
        publisher="UK DESNZ / Defra",
        dataset="GHG Conversion Factors for Company Reporting (full set)",
        version=f"{year} v1",
        published=published,
        licence=_LICENCE,
        url=_URL.format(year),
        source_keys=(f"desnz_{year}",),
        notes=_NOTES.format(year),
    )
    for year, published in ((2025, "2025-06-10"), (2026, "2026-06-11"))
}
_DATA_GWP = "AR5GWP100"


@cache
def _config() -> dict[str, Any]:
    text = resources.files("carbonledger.factors.loaders").joinpath("desnz.yaml").read_text("utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


@dataclass(frozen=True)
class Cell:
    """One published value with its labels.

    Attributes
    ----------
    sheet : str
    coordinate : str
        Cell reference such as ``D23``.
    labels : dict of str to str
        Label columns of the row (forward-filled), e.g. ``{"Activity": ..., "Fuel": ...}``.
    unit : str
        Unit label as published.
    measure : str
        Value column header (``kg CO2e of CH4 per unit``).
    variant : str or None
        Variant label above the value column.
    value : float
    """

    sheet: str
    coordinate: str
    labels: dict[str, str]
    unit: str
    measure: str
    variant: str | None
    value: float


def read_blocks(path: Path, sheets: list[str]) -> Iterator[Cell]:
    """Yield every numeric value cell of the "Activity" blocks of the given sheets."""
    for name, rows in _read_sheets(path, sheets).items():
        yield from _sheet_cells(name, rows)


def _read_sheets(path: Path, sheets: list[str]) -> dict[str, list[list[Any]]]:
    try:
        return read_rows(path, sheets)
    except KeyError as exc:
        raise FactorError(str(exc.args[0])) from None


# DESNZ states the uplift in its notes: "All the factors include the distance uplift of 8% ..."
_UPLIFT_TEXT = re.compile(r"include the distance uplift of (\d+(?:\.\d+)?)\s*%")


def stated_uplift(sheet: str, rows: list[list[Any]]) -> float:
    """The distance uplift a sheet's notes say its factors include [fraction].

    Raises
    ------
    FactorError
        If the sheet states none (the notes changed: check the sheet before loading it).
    """
    for row in rows:
        for value in row:
            if isinstance(value, str) and (found := _UPLIFT_TEXT.search(value)):
                return float(found.group(1)) / 100
    raise FactorError(f"sheet {sheet!r} states no distance uplift ({_UPLIFT_TEXT.pattern})")


def _sheet_cells(sheet: str, rows: list[list[Any]]) -> Iterator[Cell]:
    for index, row in enumerate(rows):
        if not (row and isinstance(row[0], str) and row[0].strip() == "Activity"):
            continue
        header = [str(v).strip() if v is not None else "" for v in row]
        unit_col = header.index("Unit")
        label_cols = list(range(unit_col)) + [
            i for i in range(unit_col + 1, len(header)) if header[i] == "Year"
        ]
        value_cols = [
            i for i in range(unit_col + 1, len(header)) if header[i] and header[i] != "Year"
        ]
        above = rows[index - 1] if index else []
        variants: dict[int, str | None] = {}
        current: str | None = None
        for column in range(unit_col + 1, len(header)):
            label = above[column] if column < len(above) else None
            if isinstance(label, str) and label.strip():
                current = " ".join(label.split())
            variants[column] = current
        carried: dict[int, str] = {}
        for offset, data in enumerate(rows[index + 1 :], start=index + 2):
            if not any(v is not None and str(v).strip() for v in data):
                if carried:
                    break
                continue
            if isinstance(data[0], str) and data[0].strip() == "Activity":
                break
            for column in label_cols:
                value = data[column] if column < len(data) else None
                if value is not None and str(value).strip():
                    carried[column] = " ".join(str(value).split())
            unit = data[unit_col] if unit_col < len(data) else None
            if not isinstance(unit, str) or not unit.strip():
                continue
            labels = {header[c]: carried[c] for c in label_cols if c in carried}
            for column in value_cols:
                value = data[column] if column < len(data) else None
                if isinstance(value, int | float) and not isinstance(value, bool):
                    yield Cell(
                        sheet,
                        f"{get_column_letter(column + 1)}{offset}",
                        labels,
                        unit.strip(),
                        header[column],
                        variants[column],
                        float(value),
                    )


def load(year: int, root: Path | None = None) -> pa.Table:
    """Load one year's full set into canonical factors.

    Parameters
    ----------
    year : int
        2025 or 2026.
    root : Path, optional
        Folder of raw publisher data.
    """
    if year not in RELEASES:
        raise KeyError(f"no DESNZ release for {year}; available: {sorted(RELEASES)}")
    config = _config()
    release = RELEASES[year]
    builder = FactorTableBuilder(release)
    path = raw_file(f"desnz_{year}", root)
    rows_by_sheet = _read_sheets(path, list(config["sheets"]))
    for name, rows in rows_by_sheet.items():
        uplift = config["sheets"][name].get("distance_uplift")
        stated = (
            stated_uplift(
                uplift.get("stated_on", name), rows_by_sheet[uplift.get("stated_on", name)]
            )
            if uplift
            else None
        )
        for cell in _sheet_cells(name, rows):
            factor = _factor(cell, year, config)
            if uplift and fnmatchcase(factor.activity_key, uplift["keys"]):
                factor.distance_uplift = stated
            builder.add(factor)
    return builder.table()


def _factor(cell: Cell, year: int, config: dict[str, Any]) -> FactorRow:
    sheet = config["sheets"][cell.sheet]
    where = f"{cell.sheet}!{cell.coordinate}"
    try:
        unit = config["units"][cell.unit]
        gas = config["measures"][cell.measure]
    except KeyError as exc:
        raise FactorError(f"desnz-{year} {where}: unknown unit or column {exc}") from None
    variant = config["variants"].get(cell.variant, slug(cell.variant)) if cell.variant else None
    labels = [cell.labels.get(label, "") for label in sheet["labels"]]
    if "strip_label" in sheet:  # "WTT- HGV ...": the stage says WTT, so the key matches TTW's
        labels = [re.sub(sheet["strip_label"], "", label) for label in labels]
    activity_key = key(*sheet["prefix"].split("/"), *labels, variant or "")
    name = " / ".join(p for p in (*cell.labels.values(), cell.variant or "") if p)
    numerator, gwp_set, original_unit = "kg", None, f"{cell.measure} / {cell.unit}"
    scale = 1.0
    if gas == "CO2e":
        gwp_set = _DATA_GWP
    elif gas in ("CH4", "N2O"):
        scale = 1 / gwp(gas, _DATA_GWP)  # printed as CO2e under AR5
    stage = sheet["stage"]
    biogenic = stage == "outside_of_scopes"
    return FactorRow(
        activity_key=activity_key,
        name=name,
        region="GB",
        year=int(cell.labels.get("Year", year)),
        gas=gas,
        original_value=cell.value,
        scale=scale,
        numerator=numerator,
        denominator=unit["unit"],
        stage=stage,
        source_location=where,
        gwp_set=gwp_set,
        heating_value_basis=unit.get("basis"),
        variant=variant,
        original_unit=original_unit,
        boundary_notes=("biogenic CO2, reported outside the scopes" if biogenic else None),
    )
