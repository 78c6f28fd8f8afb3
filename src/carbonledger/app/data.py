"""Jobs on a workspace's data: validate a file, import it, list the batches."""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from carbonledger.engine import records_connection, sql_connection
from carbonledger.errors import Location, PeriodLockedError, ValidationError, WorkspaceError
from carbonledger.ingest import SourceMetadata, SourceTable, open_table
from carbonledger.provenance import sha256_bytes, sha256_file
from carbonledger.schema import get_schema, schema_kinds
from carbonledger.store import BatchInfo, StoredBatch, Workspace
from carbonledger.store.periods import locks_covering
from carbonledger.validate import (
    SOURCE_ROW,
    Finding,
    Severity,
    ValidationReport,
    validate_source,
)

__all__ = [
    "ImportResult",
    "import_file",
    "import_kinds",
    "import_rows",
    "list_batches",
    "records_sha256",
    "remove_batch",
    "replace_batch",
    "validate_file",
]


@dataclass(frozen=True)
class ImportResult:
    """Outcome of an import.

    Attributes
    ----------
    batch : StoredBatch
        The batch holding the records.
    created : bool
        ``False`` when the same file (or the same content) was already stored.
    report : ValidationReport
        Findings, including warnings that did not stop the import.
    """

    batch: StoredBatch
    created: bool
    report: ValidationReport


#: DuckDB's memory limit for an import's queries over all its records (they spill beyond it).
IMPORT_MEMORY = "1GB"


def validate_file(
    kind: str, path: str | Path, sheet: str | None = None, strict: bool = False
) -> ValidationReport:
    """Validate a file as an activity kind without storing anything.

    Parameters
    ----------
    kind : str
        Activity kind (see :func:`carbonledger.schema.schema_kinds`).
    path : str or Path
        CSV, XLSX or Parquet file.
    sheet : str, optional
        Worksheet of a workbook.
    strict : bool, default False
        Count warnings as errors (see :meth:`ValidationReport.ok`).
    """
    source = open_table(path, sheet)
    with tempfile.TemporaryDirectory(prefix="carbonledger-validate-") as folder:
        out = Path(folder) / "records.parquet"
        return validate_source(source, get_schema(kind), out, IMPORT_MEMORY)


def records_sha256(kind: str, records: pa.Table | Path) -> str:
    """Hash of a batch's records themselves, whatever file, format or row order they came in.

    Each record's typed values (not the file's row number) are hashed by DuckDB's ``hash``
    and the 64-bit hashes summed exactly (a 128-bit sum): a multiset hash, which no row order
    changes, computed in one streaming pass without a sort. The SHA-256 of that sum, the
    record count and the kind's columns is the result. It recognises the same records
    imported again from another file; it is not a proof against tampering (the batch file's
    SHA-256 is).

    Parameters
    ----------
    kind : str
        Activity kind.
    records : pyarrow.Table or Path
        Typed records, or a Parquet file of them.
    """
    present = _columns(records)
    columns = [c.name for c in get_schema(kind).columns if c.name in present]
    row = ", ".join(f'"{c}"' for c in columns)
    con = records_connection(records)
    try:
        count, total = con.execute(f"SELECT count(*), sum(hash({row})) FROM records").fetchone()
    finally:
        con.close()
    return sha256_bytes(f"records/2 {kind} {','.join(columns)} {count} {total}".encode())


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _files(paths: list[Path]) -> str:
    return "[" + ", ".join(_quoted(p) for p in paths) + "]"


def _columns(records: pa.Table | Path) -> set[str]:
    """The columns of records (a table, or a Parquet file's schema, its data unread)."""
    return set(pq.read_schema(records).names if isinstance(records, Path) else records.column_names)


def _months(records: pa.Table | Path) -> list[str]:
    """The months records fall in (none for a kind without periods): their ``period``, or the
    month of a reading's ``time`` (a reading at midnight closes the interval of the month
    before, so a second is taken off)."""
    columns = _columns(records)
    if "period" in columns:
        column, month = "period", "period"
    elif "time" in columns:
        column, month = "time", "strftime(time - INTERVAL 1 SECOND, '%Y-%m')"
    else:
        return []
    con = records_connection(records, IMPORT_MEMORY)
    try:
        found = con.execute(
            f"SELECT DISTINCT {month} FROM records WHERE {column} IS NOT NULL ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return [month for (month,) in found]


def _refuse_locked(session: Session, months: list[str], what: str) -> None:
    for month in months:
        if lock := locks_covering(session, month):
            raise PeriodLockedError(
                f"{what}: records for {month} fall in period {lock.period}, locked since "
                f"{lock.at} (version {lock.version}); restate the period with a reason first"
            )


#: Columns that name a record of a reference kind, and that kind: every value must be defined
#: there before the records naming it are imported, so the workspace stays calculable.
REFERENCING = {"facility_id": "facilities", "entity_id": "entities"}


def _reference_files(workspace: Workspace, kind: str, exclude: str | None = None) -> list[Path]:
    """The files of the active batches of a reference kind (none: nothing defines its ids)."""
    return [p for b, p in workspace.batch_paths(kind) if b != exclude]


def _unknown_references(
    workspace: Workspace, kind: str, staged: Path, meta: SourceMetadata, replaced: str | None
) -> None:
    """Refuse records naming a facility or entity no active batch defines.

    Raises
    ------
    ValidationError
        With a finding per record (row and column) naming the unknown id (the first 20).
    """
    present = _columns(staged)
    for column, reference in REFERENCING.items():
        if column not in present or reference == kind:
            continue
        files = _reference_files(workspace, reference, replaced if reference == kind else None)
        con = records_connection(staged, IMPORT_MEMORY)
        try:
            if files:
                key = get_schema(reference).primary_key[0]
                con.execute(
                    f"CREATE VIEW known AS SELECT DISTINCT {key} AS id FROM "
                    f"read_parquet({_files(files)}) WHERE {key} IS NOT NULL"
                )
                (defined,) = con.execute("SELECT count(*) FROM known").fetchone()
                unknown = f"{column} NOT IN (SELECT id FROM known)"
            else:
                defined, unknown = 0, "true"
            found = con.execute(
                f"SELECT {SOURCE_ROW}, {column} FROM records WHERE {column} IS NOT NULL AND "
                f"{unknown} ORDER BY {SOURCE_ROW} LIMIT 20"
            ).fetchall()
        finally:
            con.close()
        if not found:
            continue
        hint = (
            f"it is not among the {defined} {reference} imported; add it there first"
            if files
            else f"no {reference} are imported yet: import them first"
        )
        report = ValidationReport(meta.path, kind, pq.ParquetFile(staged).metadata.num_rows)
        report.findings = [
            Finding(
                "unknown_reference",
                f"{column} {value!r} is not defined: {hint}",
                Location(meta.path, meta.sheet, row, column),
            )
            for row, value in found
        ]
        raise ValidationError(report)


def _still_referenced(workspace: Workspace, kind: str, staged: Path | None, old: str) -> None:
    """Refuse replacing or removing a facilities or entities batch while records of other kinds
    still name ids only that batch defined.

    Raises
    ------
    WorkspaceError
        Naming the ids and where they are used.
    """
    column = next((c for c, k in REFERENCING.items() if k == kind), None)
    if column is None:
        return
    key = get_schema(kind).primary_key[0]
    remaining = [
        f"SELECT {key} AS id FROM read_parquet({_files(files)})"
        for files in (_reference_files(workspace, kind, exclude=old), [staged] if staged else [])
        if files
    ]
    con = sql_connection()
    try:
        con.execute(f"SET memory_limit = '{IMPORT_MEMORY}'")
        con.execute(
            "CREATE TABLE remaining AS "
            + (" UNION ".join(remaining) if remaining else "SELECT NULL::VARCHAR AS id LIMIT 0")
        )
        for other in sorted({b.kind for b in workspace.batches()} - {kind}):
            if column not in {c.name for c in get_schema(other).columns}:
                continue
            for batch in workspace.batches(other):
                path = workspace.batch_path(batch)
                lost = [
                    value
                    for (value,) in con.execute(
                        f"SELECT DISTINCT {column} FROM read_parquet({_quoted(path)}) WHERE "
                        f"{column} IS NOT NULL AND {column} <> '' AND {column} NOT IN "
                        f"(SELECT id FROM remaining WHERE id IS NOT NULL) ORDER BY 1 LIMIT 5"
                    ).fetchall()
                ]
                if lost:
                    raise WorkspaceError(
                        f"{other} batch {batch.batch_id[:12]} names {column} {', '.join(lost)}, "
                        f"which would no longer be defined: replace or remove that batch "
                        f"first, or keep them in the {kind}"
                    )
    finally:
        con.close()


def _key_conflicts(
    workspace: Workspace,
    kind: str,
    staged: Path,
    meta: SourceMetadata,
    replaced: str | None,
) -> None:
    """Refuse records whose key an active batch of the kind already holds: a corrected file
    is imported as a replacement of the batch it corrects, never added beside it.

    Raises
    ------
    ValidationError
        Naming the file, the rows and key values, the batch holding them and the command
        that replaces it.
    """
    key = list(get_schema(kind).primary_key)
    others = [p for b, p in workspace.batch_paths(kind) if b != replaced]
    if not others:
        return
    on = " AND ".join(f"n.{c} IS NOT DISTINCT FROM s.{c}" for c in key)
    query = (
        f"SELECT n.{SOURCE_ROW}, {', '.join(f'n.{c}' for c in key)}, "
        r"regexp_extract(s.filename, '([0-9a-f]{64})\.parquet$', 1) "
        f"FROM records n JOIN read_parquet({_files(others)}, filename = true) s ON {on} "
        f"ORDER BY n.{SOURCE_ROW} LIMIT 20"
    )
    con = records_connection(staged, IMPORT_MEMORY)
    try:
        clashes = con.execute(query).fetchall()
    finally:
        con.close()
    if not clashes:
        return
    report = ValidationReport(meta.path, kind, pq.ParquetFile(staged).metadata.num_rows)
    for row, *values, holder in clashes:
        shown = ", ".join(f"{c}={v}" for c, v in zip(key, values, strict=True))
        report.findings.append(
            Finding(
                "duplicate_key",
                f"{shown} is already stored in batch {holder[:12]}; a corrected file replaces "
                f'that batch: carbonledger data replace {holder[:12]} FILE --reason "..."',
                Location(meta.path, meta.sheet, row, key[0]),
            )
        )
    raise ValidationError(report)


def _validated(
    workspace: Workspace, kind: str, source: SourceTable, strict: bool
) -> tuple[Path, ValidationReport]:
    """The file validated a block at a time into a staged Parquet file of typed records.

    Raises
    ------
    ValidationError
        Carrying the report when the file breaks a rule (nothing is left staged).
    """
    staged = workspace.staging_path()
    try:
        report = validate_source(source, get_schema(kind), staged, IMPORT_MEMORY)
        if not report.ok(strict):
            raise ValidationError(report)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged, report


def import_file(
    workspace: Workspace,
    kind: str,
    path: str | Path,
    sheet: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Read, validate and store a file as an immutable batch of one activity kind.

    Nothing is written unless every record passes; importing the same file again returns the
    existing batch. The locked-period check runs under the workspace's writer lock, so a lock
    committed while the file was being validated still keeps its records out.

    Raises
    ------
    ValidationError
        Carrying the :class:`ValidationReport` when the file breaks a rule.
    PeriodLockedError
        When records fall in a locked period (restate it first).
    """
    source = open_table(path, sheet)
    meta = source.meta
    existing = workspace.find_batch(kind, meta.sha256)
    if existing is not None and existing.status == "active":
        return ImportResult(existing, False, ValidationReport(meta.path, kind, existing.rows))
    staged, report = _validated(workspace, kind, source, strict)
    try:
        digest = records_sha256(kind, staged)
        months = _months(staged)
        if kind == "meter_readings":
            _signed_readings(workspace, staged, meta, report)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    info = BatchInfo(kind, meta.path, meta.sha256, meta.format, meta.encoding, meta.sheet, digest)

    def check(session: Session) -> None:
        _refuse_locked(session, months, meta.path)
        _key_conflicts(workspace, kind, staged, meta, None)
        _unknown_references(workspace, kind, staged, meta, None)

    batch, created = workspace.store_batch(info, staged, check)
    return ImportResult(batch, created, report)


def _signed_readings(
    workspace: Workspace, staged: Path, meta: SourceMetadata, report: ValidationReport
) -> None:
    """Refuse readings whose device signature is missing or wrong (by the workspace's policy;
    ``flag`` keeps them, each with a warning in the report)."""
    from carbonledger.app.audit import check_reading_signatures

    findings = check_reading_signatures(workspace, staged, meta.path, meta.sheet)
    if any(f.severity == Severity.ERROR for f in findings):
        refused = ValidationReport(meta.path, "meter_readings", report.rows)
        refused.findings = findings
        raise ValidationError(refused)
    report.findings += findings


def import_rows(
    workspace: Workspace,
    kind: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    source: str = "api",
) -> ImportResult:
    """Import rows posted by a system (a gateway's readings, a programme's actions) as a batch
    of ``kind``, validated exactly as a file: the rows become a CSV named
    ``<source>-<sha256 prefix>.csv`` (so findings name rows as in it: the header, then the
    first row as row 2); nothing is stored unless every row passes, and the same rows again
    store nothing twice."""
    folder = workspace.staging_path(suffix="")
    folder.mkdir()
    try:
        path = folder / "rows.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
        named = folder / f"{source}-{sha256_file(path)[:12]}.csv"
        path.rename(named)
        return import_file(workspace, kind, named)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def replace_batch(
    workspace: Workspace,
    batch_id: str,
    path: str | Path,
    reason: str,
    sheet: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Import a corrected file in place of an active batch of the same kind.

    The old batch is kept, marked superseded by the new one with the reason; both batches'
    periods must be open; the new records' keys may repeat the old batch's but no other's.

    Raises
    ------
    ValidationError
        If the file breaks a rule, or holds keys another batch holds.
    PeriodLockedError
        If the old or the new records fall in a locked period.
    WorkspaceError
        If there is no reason, or the batch is not active.
    """
    old = workspace.resolve_batch(batch_id)
    kind = old.kind
    source = open_table(path, sheet)
    meta = source.meta
    staged, report = _validated(workspace, kind, source, strict)
    try:
        old_months = _months(workspace.batch_path(old))
        digest = records_sha256(kind, staged)
        months = _months(staged)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    info = BatchInfo(kind, meta.path, meta.sha256, meta.format, meta.encoding, meta.sheet, digest)

    def check(session: Session) -> None:
        _refuse_locked(session, old_months, f"batch {old.batch_id[:12]}")
        _refuse_locked(session, months, meta.path)
        _key_conflicts(workspace, kind, staged, meta, old.batch_id)
        _unknown_references(workspace, kind, staged, meta, old.batch_id)
        _still_referenced(workspace, kind, staged, old.batch_id)

    batch, created = workspace.store_batch(info, staged, check, old.batch_id, reason)
    return ImportResult(batch, created, report)


def remove_batch(workspace: Workspace, batch_id: str, reason: str) -> StoredBatch:
    """Take a batch out of the calculation with a reason (it is kept, marked removed).

    Raises
    ------
    PeriodLockedError
        If the batch has records in a locked period.
    WorkspaceError
        If there is no reason, or the batch is unknown or not active.
    """
    batch = workspace.resolve_batch(batch_id)
    months = _months(workspace.batch_path(batch))

    def check(session: Session, stored: StoredBatch) -> None:
        _refuse_locked(session, months, f"batch {stored.batch_id[:12]}")
        _still_referenced(workspace, stored.kind, None, stored.batch_id)

    return workspace.remove_batch(batch.batch_id, reason, check)


def list_batches(
    workspace: Workspace, kind: str | None = None, include_inactive: bool = False
) -> list[StoredBatch]:
    """The stored batches, oldest first, optionally of one kind: the active ones, or with
    ``include_inactive`` also those replaced or removed."""
    return workspace.batches(kind, include_inactive)


def import_kinds() -> tuple[str, ...]:
    """The kinds of file carbonledger imports (one schema each, ``carbonledger schema``)."""
    return schema_kinds()
