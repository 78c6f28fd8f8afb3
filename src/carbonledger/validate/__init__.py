"""Validation: small named checks over a canonical table, gathered in a report.

:func:`validate_table` is the composition the importer uses; each ``check_*`` and ``parse_*``
in :mod:`carbonledger.validate.checks` can be called on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from carbonledger.errors import Location
from carbonledger.ingest import SourceMetadata, SourceTable, canonicalise
from carbonledger.ingest.canonical import CanonicalTable
from carbonledger.ingest.cells import TextBlock
from carbonledger.provenance import PARQUET_OPTIONS
from carbonledger.schema import ActivitySchema
from carbonledger.validate.checks import (
    PARSERS,
    Columns,
    Locator,
    check_enums,
    check_gases,
    check_identifier_characters,
    check_patterns,
    check_required,
    check_required_if,
    check_requires_one_of,
    check_units,
)
from carbonledger.validate.keys import duplicate_keys
from carbonledger.validate.report import Finding, Severity, ValidationReport

__all__ = [
    "MAX_FINDINGS",
    "SOURCE_ROW",
    "BlockValidator",
    "Finding",
    "Severity",
    "ValidatedTable",
    "ValidationReport",
    "validate_source",
    "validate_table",
]

#: Column added to every stored batch: the row of the record in the user's file.
SOURCE_ROW = "source_row"
#: Errors kept in a report; more are counted (``ValidationReport.omitted``), not kept.
MAX_FINDINGS = 10_000

_TABLE_CHECKS = (
    check_required,
    check_required_if,
    check_gases,
    check_enums,
    check_patterns,
    check_units,
    check_requires_one_of,
    check_identifier_characters,
)


@dataclass
class ValidatedTable:
    """The outcome of validation.

    Attributes
    ----------
    table : pyarrow.Table or None
        Typed table in the schema's column order plus ``source_row``; ``None`` when the
        report has errors.
    report : ValidationReport
    """

    table: pa.Table | None
    report: ValidationReport


class BlockValidator:
    """Validates a file's blocks one after another against a schema, into one report.

    Each block's cells are checked and typed on their own; what concerns the file (its
    headers, a missing column) is reported once. Rules across blocks (a key repeated in two)
    are :func:`duplicate_keys`' over the typed records.

    Parameters
    ----------
    meta : SourceMetadata
        Where the file came from (for row and column numbers in findings).
    schema : ActivitySchema
        Schema of the activity kind.
    max_findings : int, optional
        Errors kept in the report (default :data:`MAX_FINDINGS`); beyond them errors are
        only counted.
    """

    def __init__(
        self, meta: SourceMetadata, schema: ActivitySchema, max_findings: int | None = None
    ) -> None:
        self.meta = meta
        self.schema = schema
        self.max_findings = MAX_FINDINGS if max_findings is None else max_findings
        self.report = ValidationReport(meta.path, schema.kind)
        self.source_headers: dict[str, str] = {}
        self._file_level: set[Finding] = set()
        self._blocks = 0

    @property
    def full(self) -> bool:
        """Whether the report holds as many errors as it keeps (later blocks are counted)."""
        return self.report.omitted > 0

    def block(self, block: TextBlock | pd.DataFrame) -> pa.Table:
        """Check and type one block of text cells.

        Parameters
        ----------
        block : TextBlock or pandas.DataFrame
            A block from :meth:`carbonledger.ingest.SourceTable.blocks`, or a pandas table of
            text cells indexed by position.

        Returns
        -------
        pyarrow.Table
            The typed records in the schema's column order plus ``source_row`` (a bad cell
            missing); use them only if the report stays free of errors.
        """
        if isinstance(block, pd.DataFrame):
            block = TextBlock.from_frame(block)
        matched = canonicalise(block.table, self.schema)
        self.source_headers = matched.source_headers
        where = Locator(self.meta, matched.source_headers, block.positions)
        found: list[Finding] = []
        if self._blocks == 0:
            found += _header_findings(matched, self.meta)
        self._blocks += 1
        self.report.rows += block.num_rows
        table = _with_defaults(matched.table, self.schema)
        for check in _TABLE_CHECKS:
            found += check(table, self.schema, where)
        typed: dict[str, pa.Array] = {}
        for column in self.schema.columns:
            if column.name not in table:
                continue
            parser = PARSERS.get(column.type)
            if parser is None:
                typed[column.name] = table[column.name]
            else:
                typed[column.name], parsed = parser(table[column.name], column, where)
                found += parsed
        self.add(found)
        return _to_arrow(typed, block.positions, self.meta, self.schema)

    def add(self, findings: list[Finding]) -> None:
        """Keep findings (a file-level one once; errors up to ``max_findings``)."""
        kept = self.report.findings
        room = self.max_findings - len(self.report.errors)
        for finding in findings:
            if finding.location.row is None:
                if finding in self._file_level:
                    continue
                self._file_level.add(finding)
            if finding.severity is Severity.ERROR:
                if room <= 0:
                    self.report.omitted += 1
                    continue
                room -= 1
            kept.append(finding)

    def finish(self, records: pa.Table | Path, memory_limit: str | None = None) -> ValidationReport:
        """Add the rules across blocks, checked over all the typed records, and sort.

        Parameters
        ----------
        records : pyarrow.Table or Path
            Every block's typed records (a table, or the Parquet file they were written to).
        memory_limit : str, optional
            DuckDB's memory limit for the check (it spills beside ``records`` beyond it).
        """
        if self.report.rows == 0:
            self.add([Finding("empty", "the file has no data rows", self._file())])
        elif not self.full:
            where = Locator(self.meta, self.source_headers)
            found, more = duplicate_keys(records, self.schema, where, memory_limit)
            self.add(found)
            self.report.omitted += more
        self.report.findings.sort(key=lambda f: (f.location.row or 0, f.location.column or ""))
        return self.report

    def _file(self) -> Location:
        return Location(self.meta.path, self.meta.sheet)


def _header_findings(matched: CanonicalTable, meta: SourceMetadata) -> list[Finding]:
    """Headers the schema does not know (a warning) or that mean the same column."""
    found = [
        Finding(
            "unknown_column",
            "column is not part of the schema and is ignored",
            Location(meta.path, meta.sheet, None, header),
            severity=Severity.WARNING,
        )
        for header in matched.unknown
    ]
    found += [
        Finding(
            "ambiguous_column",
            f"headers {headers} all mean {canonical!r}",
            Location(meta.path, meta.sheet),
        )
        for canonical, headers in matched.clashes.items()
    ]
    return found


def validate_table(
    frame: pd.DataFrame, meta: SourceMetadata, schema: ActivitySchema, strict: bool = False
) -> ValidatedTable:
    """Validate a table read whole from a file against an activity schema.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table of text cells from :func:`carbonledger.ingest.read_table`.
    meta : SourceMetadata
        Where it came from (for row and column numbers in findings).
    schema : ActivitySchema
        Schema of the activity kind.
    strict : bool, default False
        Treat warnings (such as unknown columns) as errors.

    Returns
    -------
    ValidatedTable
    """
    validator = BlockValidator(meta, schema)
    typed = validator.block(frame)
    report = validator.finish(typed)
    return ValidatedTable(typed if report.ok(strict) else None, report)


def validate_source(
    source: SourceTable,
    schema: ActivitySchema,
    out: Path,
    memory_limit: str | None = None,
) -> ValidationReport:
    """Validate a file a block at a time, writing its typed records to a Parquet file.

    Memory holds about one block whatever the file's size. The file is written the way
    :func:`carbonledger.provenance.parquet_bytes` writes a table (zstd, statistics, no
    schema metadata), a row group per block, so the same file gives the same bytes.

    Parameters
    ----------
    source : SourceTable
        The file, opened by :func:`carbonledger.ingest.open_table`.
    schema : ActivitySchema
        Schema of the activity kind.
    out : Path
        Where the typed records go (to be stored only if the report is ok).
    memory_limit : str, optional
        DuckDB's memory limit for the rules over all records (spilling beside ``out``).

    Returns
    -------
    ValidationReport
    """
    validator = BlockValidator(source.meta, schema)
    writer: pq.ParquetWriter | None = None
    try:
        for frame in source.blocks():
            typed = validator.block(frame)
            if validator.full:
                continue  # keep counting errors; the records will not be stored
            if writer is None:
                writer = _writer(out, typed.schema, schema)
            writer.write_table(typed)
        if writer is None:
            empty = _to_arrow({}, np.zeros(0, dtype="int64"), source.meta, schema)
            writer = _writer(out, empty.schema, schema)
            writer.write_table(empty)
    finally:
        if writer is not None:
            writer.close()
    return validator.finish(out, memory_limit)


def _writer(out: Path, arrow_schema: pa.Schema, schema: ActivitySchema) -> pq.ParquetWriter:
    """A Parquet writer of typed records: dictionary pages for every column but the key
    (unique, so a dictionary only costs) and the row number."""
    unique = {SOURCE_ROW, *schema.primary_key[:1]} if len(schema.primary_key) == 1 else {SOURCE_ROW}
    dictionary = [name for name in arrow_schema.names if name not in unique]
    return pq.ParquetWriter(out, arrow_schema, use_dictionary=dictionary, **PARQUET_OPTIONS)


def _with_defaults(table: pa.Table, schema: ActivitySchema) -> Columns:
    """The block's columns, each with its schema default where a cell (or the column) is
    missing."""
    columns: Columns = {name: table[name].combine_chunks() for name in table.column_names}
    for column in schema.columns:
        if column.default is None:
            continue
        values = columns.get(column.name, pa.nulls(table.num_rows, pa.string()))
        columns[column.name] = pc.fill_null(values, column.default)
    return columns


def _to_arrow(
    typed: dict[str, pa.Array], positions: np.ndarray, meta: SourceMetadata, schema: ActivitySchema
) -> pa.Table:
    arrays = {}
    for column in schema.columns:
        if column.name in typed:
            arrays[column.name] = pc.cast(typed[column.name], column.arrow_type)
        else:
            arrays[column.name] = pa.nulls(len(positions), type=column.arrow_type)
    arrays[SOURCE_ROW] = pa.array(positions.astype("int64") + meta.first_data_row, pa.int64())
    return pa.table(arrays)
