"""Cells as the text a user would see: typed values rendered, whitespace stripped, blank cells
missing, and rows with nothing in them dropped, in Arrow compute for whole columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["cell_text", "text_frame"]

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


def text_frame(
    columns: list[pa.Array | pa.ChunkedArray], names: list[str], positions: np.ndarray
) -> pd.DataFrame:
    """Columns as a table of text cells indexed by each row's position in the file.

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
    pandas.DataFrame
        Cells as ``str`` (stripped) or missing; rows with no cell left are dropped, the index
        keeping the others' positions.
    """
    cleaned = []
    filled = None
    for column in columns:
        text = pc.utf8_trim_whitespace(_as_text(column))
        text = pc.if_else(pc.equal(text, ""), _NULL_TEXT, text)
        cleaned.append(text)
        present = pc.is_valid(text)
        filled = present if filled is None else pc.or_(filled, present)
    if filled is None:
        return pd.DataFrame(index=pd.Index(positions[:0]), columns=names)
    keep = np.asarray(filled)
    frame = pd.DataFrame({i: pc.filter(text, filled).to_pandas() for i, text in enumerate(cleaned)})
    frame.index = pd.Index(positions[keep])
    frame.columns = pd.Index(names)
    return frame
