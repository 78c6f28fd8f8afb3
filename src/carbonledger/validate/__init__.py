"""Validation: small named checks over a canonical table, gathered in a report.

:func:`validate_table` is the composition the importer uses; each ``check_*`` and ``parse_*``
in :mod:`carbonledger.validate.checks` can be called on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from carbonledger.errors import Location
from carbonledger.ingest import SourceMetadata, canonicalise
from carbonledger.schema import ActivitySchema, ColumnType
from carbonledger.validate.checks import (
    PARSERS,
    Locator,
    check_enums,
    check_gases,
    check_identifier_characters,
    check_patterns,
    check_required,
    check_required_if,
    check_requires_one_of,
    check_unique_key,
    check_units,
)
from carbonledger.validate.report import Finding, Severity, ValidationReport

__all__ = [
    "SOURCE_ROW",
    "Finding",
    "Severity",
    "ValidatedTable",
    "ValidationReport",
    "validate_table",
]

#: Column added to every stored batch: the row of the record in the user's file.
SOURCE_ROW = "source_row"

_TABLE_CHECKS = (
    check_required,
    check_required_if,
    check_gases,
    check_enums,
    check_patterns,
    check_units,
    check_requires_one_of,
    check_unique_key,
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


def validate_table(
    frame: pd.DataFrame, meta: SourceMetadata, schema: ActivitySchema, strict: bool = False
) -> ValidatedTable:
    """Validate a table read from a file against an activity schema.

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
    matched = canonicalise(frame, schema)
    table = matched.table
    where = Locator(meta, matched.source_headers)
    report = ValidationReport(meta.path, schema.kind, rows=len(table))
    file_level = Location(meta.path, meta.sheet)
    for header in matched.unknown:
        report.findings.append(
            Finding(
                "unknown_column",
                "column is not part of the schema and is ignored",
                Location(meta.path, meta.sheet, None, header),
                severity=Severity.WARNING,
            )
        )
    for canonical, headers in matched.clashes.items():
        report.findings.append(
            Finding("ambiguous_column", f"headers {headers} all mean {canonical!r}", file_level)
        )
    if table.empty:
        report.findings.append(Finding("empty", "the file has no data rows", file_level))
    _fill_defaults(table, schema)
    for check in _TABLE_CHECKS:
        report.findings += check(table, schema, where)
    typed: dict[str, pd.Series] = {}
    for column in schema.columns:
        if column.name not in table:
            continue
        parser = PARSERS.get(column.type)
        if parser is None:
            typed[column.name] = table[column.name]
        else:
            typed[column.name], found = parser(table[column.name], column, where)
            report.findings += found
    report.findings.sort(key=lambda f: (f.location.row or 0, f.location.column or ""))
    if not report.ok(strict):
        return ValidatedTable(None, report)
    return ValidatedTable(_to_arrow(typed, table.index, meta, schema), report)


def _fill_defaults(table: pd.DataFrame, schema: ActivitySchema) -> None:
    for column in schema.columns:
        if column.default is None:
            continue
        if column.name not in table:
            table[column.name] = column.default
        else:
            table[column.name] = table[column.name].fillna(column.default)


def _to_arrow(
    typed: dict[str, pd.Series], index: pd.Index, meta: SourceMetadata, schema: ActivitySchema
) -> pa.Table:
    arrays = {}
    for column in schema.columns:
        if column.name in typed:
            values = typed[column.name]
            if column.type is ColumnType.BOOLEAN:
                values = values.astype(object).where(values.notna(), None)
            arrays[column.name] = pa.array(
                values.tolist(), type=column.arrow_type, from_pandas=True
            )
        else:
            arrays[column.name] = pa.nulls(len(index), type=column.arrow_type)
    arrays[SOURCE_ROW] = pa.array((index.to_numpy() + meta.first_data_row).tolist(), pa.int64())
    return pa.table(arrays)
