"""Readers for CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX and Parquet files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from carbonledger.errors import CarbonLedgerError
from carbonledger.ingest.cells import TextBlock, cell_text, text_block
from carbonledger.ingest.delimited import (
    check_csv_structure,
    csv_blocks,
    csv_header,
    decodes_as,
    scan_text,
)
from carbonledger.provenance import sha256_bytes, sha256_file

__all__ = [
    "BLOCK_BYTES",
    "SUPPORTED_SUFFIXES",
    "SourceMetadata",
    "SourceTable",
    "open_table",
    "read_table",
]

#: Bytes of a file read, validated and written at a time (about a block of rows in memory).
BLOCK_BYTES = 16 << 20
#: Most Parquet rows read at a time (their text in pandas is several times their encoded size).
_MAX_BLOCK_ROWS = 1 << 19

#: Widest header read (a wider one is refused before it is parsed).
MAX_COLUMNS = 1000
#: Largest unpacked size of a workbook [bytes] (a zip bomb is refused before unpacking).
MAX_XLSX_BYTES = 500_000_000
SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")

# GB18030 decodes almost any byte string, Japanese Shift-JIS and Korean EUC-KR included, into
# Chinese-looking nonsense. Before a non-UTF-8 file is read as GB18030, the first bytes are
# scored (charset-normalizer's "chaos") as GB18030 and as these encodings; a clearly better
# Japanese or Korean reading refuses the file. A file of one or two short words per row may
# score alike either way and is then read as GB18030.
_OTHER_EAST_ASIAN = {
    "cp932": "Japanese (Shift-JIS)",
    "shift_jis": "Japanese (Shift-JIS)",
    "shift_jis_2004": "Japanese (Shift-JIS)",
    "shift_jisx0213": "Japanese (Shift-JIS)",
    "euc_jp": "Japanese (EUC-JP)",
    "euc_jis_2004": "Japanese (EUC-JP)",
    "euc_jisx0213": "Japanese (EUC-JP)",
    "cp949": "Korean (EUC-KR)",
    "euc_kr": "Korean (EUC-KR)",
    "johab": "Korean (Johab)",
}
_SNIFF_BYTES = 65_536


@dataclass(frozen=True)
class SourceMetadata:
    """Where a table came from.

    Parameters
    ----------
    path : str
        The file as given.
    format : str
        ``csv``, ``xlsx`` or ``parquet``.
    sha256 : str
        Hash of the file's bytes; the same file imported twice is recognised by it.
    encoding : str, optional
        Text encoding detected (CSV only).
    sheet : str, optional
        Worksheet read (XLSX only).
    first_data_row : int
        File row number of the first data row; a data row's position ``i`` (0-based) is
        reported as row ``first_data_row + i``.
    headers : tuple of str
        Headers as they appear in the file.
    """

    path: str
    format: str
    sha256: str
    encoding: str | None
    sheet: str | None
    first_data_row: int
    headers: tuple[str, ...]


@dataclass(frozen=True)
class SourceTable:
    """A file opened for reading: where it came from, and its rows a block at a time.

    Attributes
    ----------
    meta : SourceMetadata
        Format, encoding, sheet, hash, headers and row numbering.
    """

    meta: SourceMetadata
    _blocks: Callable[[], Iterator[TextBlock]]

    def blocks(self) -> Iterator[TextBlock]:
        """The data rows, a block at a time (each read once, in file order).

        Yields
        ------
        TextBlock
            One string column per file header, cells stripped or missing; entirely empty
            rows are dropped but ``positions`` keeps each row's position in the file (row
            ``meta.first_data_row + position``).

        Raises
        ------
        CarbonLedgerError
            If a row does not match the header or the file cannot be parsed.
        """
        return self._blocks()


def open_table(
    path: str | Path, sheet: str | None = None, block_bytes: int | None = None
) -> SourceTable:
    """Open an activity file: its bytes hashed and checked, its rows not read yet.

    A CSV or Parquet file is then read a block at a time, so a file of any size is read in
    about one block's memory; a workbook (at most :data:`MAX_XLSX_BYTES` unpacked) is one block.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.xlsx`` or ``.parquet`` file.
    sheet : str, optional
        Worksheet to read from a workbook (default: the only one with data).
    block_bytes : int, optional
        Bytes parsed at a time (default :data:`BLOCK_BYTES`; Parquet: rows of about this
        size uncompressed).

    Returns
    -------
    SourceTable

    Raises
    ------
    CarbonLedgerError
        If the file is missing, of an unsupported format, undecodable, or its header is.
    """
    file = Path(path)
    if not file.is_file():
        raise CarbonLedgerError(f"{file}: no such file")
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CarbonLedgerError(
            f"{file}: unsupported format {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    block_bytes = block_bytes or BLOCK_BYTES
    if suffix in (".csv", ".txt"):
        return _open_csv(file, block_bytes)
    if suffix == ".parquet":
        return _open_parquet(file, block_bytes)
    content = file.read_bytes()
    frame, meta = _read_xlsx(file, content, sha256_bytes(content), sheet)
    return SourceTable(meta, lambda: iter([TextBlock.from_frame(frame)]))


def read_table(path: str | Path, sheet: str | None = None) -> tuple[pd.DataFrame, SourceMetadata]:
    """Read a whole activity file into one table of text cells (for small files; an import
    reads :func:`open_table`'s blocks).

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.xlsx`` or ``.parquet`` file.
    sheet : str, optional
        Worksheet to read from a workbook (default: the first).

    Returns
    -------
    table : pandas.DataFrame
        One column per file header, cells as ``str`` or missing (``None``); entirely empty
        rows are dropped but the index keeps each row's position in the file.
    metadata : SourceMetadata
        Format, encoding, sheet, hash and row numbering.

    Raises
    ------
    CarbonLedgerError
        If the file is missing, of an unsupported format, or undecodable.
    """
    source = open_table(path, sheet)
    blocks = [block.to_frame() for block in source.blocks()]
    if not blocks:
        return pd.DataFrame(columns=list(source.meta.headers)), source.meta
    return (pd.concat(blocks) if len(blocks) > 1 else blocks[0]), source.meta


def _open_csv(file: Path, block_bytes: int) -> SourceTable:
    scan = scan_text(file)
    if scan.utf8:
        encoding = "utf-8-sig" if scan.bom else "utf-8"
    elif decodes_as(file, "gb18030"):  # a superset of GBK and GB2312: reads either
        encoding = "gb18030"
        with file.open("rb") as handle:
            sample = handle.read(_SNIFF_BYTES + 1)
        if other := misread_as_gb18030(sample):
            raise CarbonLedgerError(
                f"{file}: the text looks like {other}, which would be misread as GBK; save the "
                "file as UTF-8 and import it again"
            )
    else:
        raise CarbonLedgerError(f"{file}: not UTF-8 or GBK/GB18030 text")
    if scan.nul_line is not None:
        raise CarbonLedgerError(f"{file}, row {scan.nul_line}: holds a NUL byte (not a text file?)")
    header = csv_header(file, "utf-8-sig" if encoding.startswith("utf-8") else encoding)
    if header is None:
        raise CarbonLedgerError(f"{file}: cannot parse as CSV: the file is empty")
    _check_header(file, header)
    if scan.odd_quotes:  # a quote left open: the csv module names the row where it breaks
        check_csv_structure(file, encoding)
    meta = SourceMetadata(str(file), "csv", scan.sha256, encoding, None, 2, tuple(header))

    def blocks() -> Iterator[TextBlock]:
        for positions, batch in csv_blocks(file, encoding, header, block_bytes):
            yield text_block(batch.columns, header, positions)

    return SourceTable(meta, blocks)


def _check_header(file: Path, headers: list[str], where: str = "") -> None:
    """Refuse a header that would lose a column: too wide, with NUL bytes, or repeating a
    name (a reader would rename or drop the second one)."""
    if len(headers) > MAX_COLUMNS:
        raise CarbonLedgerError(
            f"{file}{where}: the header has {len(headers):,} columns; "
            f"at most {MAX_COLUMNS} are read"
        )
    seen: dict[str, int] = {}
    for number, header in enumerate(headers, 1):
        name = header.strip()
        if "\0" in header:
            raise CarbonLedgerError(f"{file}{where}: header {number} holds a NUL byte")
        if name and name in seen:
            raise CarbonLedgerError(
                f"{file}{where}: the header names {name!r} twice (columns {seen[name]} and "
                f"{number}); each column needs its own name"
            )
        seen[name] = number


def misread_as_gb18030(content: bytes) -> str | None:
    """The Japanese or Korean encoding a non-UTF-8 text reads better in than GB18030, if any.

    Parameters
    ----------
    content : bytes
        The file's bytes (only the first 64 KiB, cut at a line end, are scored).

    Returns
    -------
    str or None
        A description such as ``"Japanese (Shift-JIS)"``, or None when GB18030 reads it as
        well as any.
    """
    from charset_normalizer import from_bytes  # loaded only for non-UTF-8 files

    sample = content[:_SNIFF_BYTES]
    if len(content) > _SNIFF_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    chaos: dict[str, float] = {}
    for match in from_bytes(sample):
        chaos.setdefault(match.encoding, match.chaos)
    other = min((e for e in chaos if e in _OTHER_EAST_ASIAN), key=lambda e: chaos[e], default=None)
    gb = chaos.get("gb18030")
    if other is not None and (gb is None or chaos[other] < gb):
        return _OTHER_EAST_ASIAN[other]
    return None


def _open_parquet(file: Path, block_bytes: int) -> SourceTable:
    try:
        # no pre-buffering: with it (and threads) Arrow keeps what it read ahead, and memory
        # grows with the file (0.6 GB after 120 blocks of a 100 M-row file)
        parquet = pq.ParquetFile(file, pre_buffer=False)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise CarbonLedgerError(f"{file}: cannot read as Parquet: {exc}") from None
    names = list(parquet.schema_arrow.names)
    _check_header(file, names)
    meta = SourceMetadata(str(file), "parquet", sha256_file(file), None, None, 1, tuple(names))
    stored = parquet.metadata
    row_bytes = sum(
        stored.row_group(i).total_byte_size for i in range(stored.num_row_groups)
    ) / max(1, stored.num_rows)
    rows_per_block = int(min(_MAX_BLOCK_ROWS, max(1024, block_bytes / max(1.0, row_bytes))))

    def blocks() -> Iterator[TextBlock]:
        start = 0
        try:
            for batch in parquet.iter_batches(batch_size=rows_per_block, use_threads=False):
                positions = np.arange(start, start + batch.num_rows)
                start += batch.num_rows
                yield text_block(batch.columns, names, positions)
        except (OSError, pa.ArrowException) as exc:
            raise CarbonLedgerError(f"{file}: cannot read as Parquet: {exc}") from None

    return SourceTable(meta, blocks)


def _read_xlsx(
    file: Path, content: bytes, digest: str, sheet: str | None
) -> tuple[pd.DataFrame, SourceMetadata]:
    import openpyxl

    _check_xlsx_size(file, content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and others for bad files
        raise CarbonLedgerError(f"{file}: cannot read as XLSX: {exc}") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise CarbonLedgerError(f"{file}: no sheet {sheet!r}; sheets: {book.sheetnames}")
        if sheet is None:
            with_data = [ws.title for ws in book.worksheets if _has_data(ws)]
            if len(with_data) > 1:
                raise CarbonLedgerError(
                    f"{file}: the workbook has {len(with_data)} sheets with data "
                    f"({', '.join(with_data)}); name the one to import with --sheet"
                )
            worksheet = book[with_data[0]] if with_data else book.worksheets[0]
        else:
            worksheet = book[sheet]
        rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    finally:
        book.close()
    header_index = _header_row(rows)
    if header_index is None:
        raise CarbonLedgerError(f"{file}: sheet {worksheet.title!r} is empty")
    headers = [str(h).strip() if h is not None else "" for h in rows[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    _check_header(file, headers, f", sheet {worksheet.title!r}")
    for number, row in enumerate(rows[header_index + 1 :], header_index + 2):
        beyond = [v for v in row[len(headers) :] if v is not None and str(v).strip()]
        if beyond:
            raise CarbonLedgerError(
                f"{file}, sheet {worksheet.title!r}, row {number}: a value ({beyond[0]!r}) in a "
                f"column without a header (the header has {len(headers)} columns)"
            )
    _refuse_uncomputed_formulas(file, content, worksheet.title, rows, header_index, headers)
    body = [[cell_text(v) for v in r[: len(headers)]] for r in rows[header_index + 1 :]]
    frame = pd.DataFrame(body, columns=headers)
    meta = SourceMetadata(
        str(file), "xlsx", digest, None, worksheet.title, header_index + 2, tuple(headers)
    )
    return _drop_empty_rows(frame), meta


def _check_xlsx_size(file: Path, content: bytes) -> None:
    """Refuse a workbook that unpacks to more than :data:`MAX_XLSX_BYTES` (a zip bomb) before
    any of it is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise CarbonLedgerError(f"{file}: cannot read as XLSX: not a zip archive") from None
    if unpacked > MAX_XLSX_BYTES:
        raise CarbonLedgerError(
            f"{file}: unpacks to {unpacked:,} bytes, more than the {MAX_XLSX_BYTES:,} a "
            "workbook may hold; export it as CSV or Parquet"
        )


def _has_data(worksheet: Any) -> bool:
    return any(v is not None for row in worksheet.iter_rows(values_only=True) for v in row)


def _refuse_uncomputed_formulas(
    file: Path,
    content: bytes,
    sheet: str,
    values: list[list[Any]],
    header_index: int,
    headers: list[str],
) -> None:
    """Refuse formula cells the workbook holds no computed result for (written by a program
    that does not evaluate formulas): read as values they would be silently empty.

    Raises
    ------
    CarbonLedgerError
        Naming the file, sheet, row and column of the first such cell.
    """
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        formulas = book[sheet].iter_rows(values_only=True)
        for number, (formula_row, value_row) in enumerate(zip(formulas, values, strict=False)):
            if number <= header_index:
                continue
            for column, (formula, value) in enumerate(zip(formula_row, value_row, strict=False)):
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    name = headers[column] if column < len(headers) else f"#{column + 1}"
                    raise CarbonLedgerError(
                        f"{file}, sheet {sheet!r}, row {number + 1}, column {name!r}: the formula "
                        f"{formula[:40]!r} has no stored result; open and save the workbook in "
                        "a spreadsheet program (which computes it), or export its values"
                    )
    finally:
        book.close()


def _header_row(rows: list[list[Any]], scan: int = 30) -> int | None:
    """Index of the header row: the first at least half as wide as the widest row near the top.

    Title and note rows above a table usually fill one or two cells; the header fills as many
    cells as the table has columns.
    """
    widths = [sum(v is not None for v in r) for r in rows[:scan]]
    if not any(widths):
        return None
    threshold = max(2, max(widths) / 2) if max(widths) > 1 else 1
    return next(i for i, w in enumerate(widths) if w >= threshold)


def _drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Text stripped, blank text as missing, and rows with nothing left dropped (vectorised:
    numbers and dates an XLSX holds are kept as they are)."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object:
            stripped = column.str.strip()  # missing where the value is not text
            text = stripped.notna()
            column = column.where(~text, stripped.where(stripped != "", None))
        columns[name] = column
    cleaned = pd.DataFrame(columns, index=frame.index)
    cleaned.columns = frame.columns
    return cleaned.loc[cleaned.notna().any(axis=1)]
