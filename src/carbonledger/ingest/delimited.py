"""CSV files read in blocks: the bytes hashed and checked in one pass, the rows parsed by
Arrow's streaming reader, and a row that does not match the header named by its number.

Memory stays at about one block of rows whatever the file's size; Python's ``csv`` module is
used only for the header and, when the bytes hint at a broken quote, to name the broken row.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

from carbonledger.errors import CarbonLedgerError

__all__ = [
    "TextScan",
    "check_csv_structure",
    "csv_blocks",
    "csv_header",
    "decodes_as",
    "scan_text",
]

_READ_BYTES = 1 << 20


@dataclass(frozen=True)
class TextScan:
    """What one pass over a text file's bytes found.

    Attributes
    ----------
    sha256 : str
        Hash of the bytes.
    utf8 : bool
        Whether the bytes decode as UTF-8 (with or without a byte-order mark).
    bom : bool
        Whether they start with the UTF-8 byte-order mark.
    nul_line : int or None
        Line (1-based) of the first NUL byte, if any.
    odd_quotes : bool
        Whether the file holds an odd number of ``"``: a quote left open somewhere.
    """

    sha256: str
    utf8: bool
    bom: bool
    nul_line: int | None
    odd_quotes: bool


def scan_text(file: Path) -> TextScan:
    """Hash a file and check its bytes in one pass of 1 MiB reads.

    Parameters
    ----------
    file : Path
        The file.

    Returns
    -------
    TextScan
    """
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, bom, first = True, False, True
    lines, quotes, nul_line = 0, 0, None
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(_READ_BYTES), b""):
            digest.update(block)
            if first:
                bom, first = block.startswith(codecs.BOM_UTF8), False
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
            if nul_line is None and (at := block.find(b"\0")) >= 0:
                nul_line = lines + block.count(b"\n", 0, at) + 1
            lines += block.count(b"\n")
            quotes += block.count(b'"')
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return TextScan(digest.hexdigest(), utf8, bom, nul_line, quotes % 2 == 1)


def decodes_as(file: Path, encoding: str) -> bool:
    """Whether the whole file decodes in ``encoding`` (read in 1 MiB blocks)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(_READ_BYTES), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_header(file: Path, encoding: str) -> list[str] | None:
    """The header record as the ``csv`` module reads it (None for an empty file).

    Raises
    ------
    CarbonLedgerError
        If the header cannot be parsed.
    """
    with file.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            return next(reader, None)
        except csv.Error as exc:
            raise CarbonLedgerError(f"{file}, row 1: cannot parse as CSV: {exc}") from None


def check_csv_structure(file: Path, encoding: str) -> None:
    """Refuse CSV rows that do not match the header, or a quote left open, naming the row (the
    ``csv`` module's strict reading, row by row: the slow path, taken when the fast one
    suspects a broken quote).

    Raises
    ------
    CarbonLedgerError
        Naming the file and the row.
    """
    with file.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                return
            width = len(header)
            for row in reader:
                if row and len(row) != width and any(cell.strip() for cell in row):
                    raise CarbonLedgerError(_ragged(file, reader.line_num, len(row), width))
        except csv.Error as exc:
            raise CarbonLedgerError(
                f"{file}, row {reader.line_num}: cannot parse as CSV: {exc}"
            ) from None


def _ragged(file: Path, row: int, fields: int, width: int) -> str:
    return (
        f"{file}, row {row}: {fields} field(s) where the header has {width} "
        "(a ragged or truncated row)"
    )


def csv_blocks(
    file: Path, encoding: str, header: list[str], block_bytes: int
) -> Iterator[tuple[np.ndarray, pa.RecordBatch]]:
    """The file's data rows, a block at a time, as text columns.

    Parameters
    ----------
    file : Path
        A CSV file whose bytes :func:`scan_text` checked.
    encoding : str
        ``utf-8`` (a byte-order mark is skipped) or a Python codec Arrow transcodes from.
    header : list of str
        The header :func:`csv_header` read (the columns, all read as text).
    block_bytes : int
        Bytes parsed at a time.

    Yields
    ------
    positions : numpy.ndarray
        Each row's position among the data rows (0-based; a blank row keeps its place).
    batch : pyarrow.RecordBatch
        The rows' cells as strings, empty cells as ``""``.

    Raises
    ------
    CarbonLedgerError
        Naming the row with more or fewer fields than the header.
    """
    ragged: list[tuple[int, int]] = []
    blank: list[int] = []  # data positions of short rows with nothing in them (tolerated)

    def on_invalid(row: pv.InvalidRow) -> str:
        if row.text.replace(",", "").replace('"', "").strip():
            ragged.append((row.number, row.actual_columns))
        else:
            blank.append(row.number - 2)
        return "skip"

    try:
        reader = _open_csv(file, encoding, header, block_bytes, on_invalid)
    except pa.ArrowInvalid as exc:
        raise CarbonLedgerError(f"{file}: cannot parse as CSV: {exc}") from None
    emitted = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            batch = None
        except pa.ArrowInvalid as exc:
            raise CarbonLedgerError(f"{file}: cannot parse as CSV: {exc}") from None
        if ragged:
            number, fields = ragged[0]
            raise CarbonLedgerError(_ragged(file, number, fields, len(header)))
        if batch is None:
            return
        positions = np.arange(emitted, emitted + batch.num_rows)
        for skipped in sorted(blank):
            positions += positions >= skipped
        emitted += batch.num_rows
        yield positions, batch


def _open_csv(
    file: Path,
    encoding: str,
    header: list[str],
    block_bytes: int,
    on_invalid: Callable[[pv.InvalidRow], str],
) -> pv.CSVStreamingReader:
    return pv.open_csv(
        file,
        read_options=pv.ReadOptions(
            use_threads=False,  # row numbers of invalid rows are known only single-threaded
            block_size=block_bytes,
            encoding="utf8" if encoding.startswith("utf-8") else encoding,
        ),
        parse_options=pv.ParseOptions(
            newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
        ),
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
