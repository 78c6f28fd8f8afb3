"""Cells as the text a user would see: typed values rendered, whitespace stripped, blank cells
missing, and rows with nothing in them dropped, in Arrow compute for whole columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["TextBlock", "cell_text", "text_block"]

_NULL_TEXT = pa.scalar(None, pa.string())


def cell_text(value: Any) -> str | None:
    """Render one typed cell as the text a user would see, keeping integers integral."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _as_text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A column of any Arrow type as text: numbers without a trailing ``.0``, NaN missing,
    dates ISO, a timestamp at midnight as its date; other types value by value."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        return _as_text(pc.cast(column, kind.value_type))
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pc.cast(column, pa.string())
    if pa.types.is_floating(kind):
        return pc.if_else(pc.is_nan(column), _NULL_TEXT, pc.cast(column, pa.string()))
    if pa.types.is_timestamp(kind):
        seconds = pc.cast(column, pa.timestamp("s", kind.tz), safe=False)
        midnight = pc.equal(pc.cast(pc.floor_temporal(seconds, unit="day"), seconds.type), seconds)
        return pc.if_else(
            midnight, pc.strftime(seconds, "%Y-%m-%d"), pc.strftime(seconds, "%Y-%m-%dT%H:%M:%S")
        )
    if (
        pa.types.is_integer(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_date(kind)
        or pa.types.is_decimal(kind)
    ):
        return pc.cast(column, pa.string())
    return pa.array([cell_text(v) for v in column.to_pylist()], pa.string())


@dataclass(frozen=True)
class TextBlock:
    """A block of a file's data rows as text cells, in Arrow.

    Attributes
    ----------
    table : pyarrow.Table
        One string column per file header; cells stripped, a blank cell missing.
    positions : numpy.ndarray
        Each row's position among the file's data rows (``int64``; the row a user sees is
        ``meta.first_data_row + position``).
    """

    table: pa.Table
    positions: np.ndarray

    @property
    def num_rows(self) -> int:
        """Rows in the block."""
        return self.table.num_rows

    def to_frame(self) -> pd.DataFrame:
        """The block as a pandas table of text cells indexed by position."""
        frame = pd.DataFrame(
            {i: column.to_pandas() for i, column in enumerate(self.table.columns)},
            index=pd.RangeIndex(self.table.num_rows),
        )
        frame.index = pd.Index(self.positions)
        frame.columns = pd.Index(self.table.column_names)
        return frame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> TextBlock:
        """A pandas table of text cells (index: positions) as a block, cells as they are (a
        value that is not text, such as a number, is missing)."""
        columns = [_frame_text(frame.iloc[:, i]) for i in range(frame.shape[1])]
        table = pa.Table.from_arrays(columns, names=[str(c) for c in frame.columns])
        return cls(table, frame.index.to_numpy().astype("int64"))


def _frame_text(values: pd.Series) -> pa.Array:
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())


def text_block(
    columns: list[pa.Array | pa.ChunkedArray], names: list[str], positions: np.ndarray
) -> TextBlock:
    """Columns as a block of text cells, each row keeping its position in the file.

    Parameters
    ----------
    columns : list of pyarrow.Array
        The cells, of any type.
    names : list of str
        Their headers.
    positions : numpy.ndarray
        Each row's position among the file's data rows.

    Returns
    -------
    TextBlock
        Cells as strings (stripped) or missing; rows with no cell left are dropped, the
        positions keeping the others' places.
    """
    cleaned = []
    filled = None
    for column in columns:
        text = pc.utf8_trim_whitespace(_as_text(column))
        text = pc.if_else(pc.equal(text, ""), _NULL_TEXT, text)
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        cleaned.append(text)
        present = pc.is_valid(text)
        filled = present if filled is None else pc.or_(filled, present)
    positions = np.asarray(positions, dtype="int64")
    if filled is None:
        empty = pa.Table.from_arrays([pa.array([], pa.string()) for _ in names], names=names)
        return TextBlock(empty, positions[:0])
    if pc.all(filled).as_py():
        return TextBlock(pa.Table.from_arrays(cleaned, names=names), positions)
    kept = [pc.filter(text, filled) for text in cleaned]
    keep = filled.to_numpy(zero_copy_only=False)
    return TextBlock(pa.Table.from_arrays(kept, names=names), positions[keep])
