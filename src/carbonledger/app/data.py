"""Jobs on a workspace's data: validate a file, import it, list the batches."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from carbonledger.engine import sql_connection
from carbonledger.errors import Location, PeriodLockedError, ValidationError, WorkspaceError
from carbonledger.ingest import SourceMetadata, read_table
from carbonledger.provenance import parquet_bytes, sha256_bytes
from carbonledger.schema import get_schema
from carbonledger.store import BatchInfo, StoredBatch, Workspace
from carbonledger.store.periods import locks_covering
from carbonledger.validate import SOURCE_ROW, Finding, ValidationReport, validate_table

__all__ = [
    "ImportResult",
    "import_file",
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
        Count warnings as errors.
    """
    frame, meta = read_table(path, sheet)
    return validate_table(frame, meta, get_schema(kind), strict).report


def records_sha256(kind: str, table: pa.Table) -> str:
    """Hash of a batch's records themselves: sorted by the kind's key, without the file's row
    numbers, so the same records from another file, format or row order hash alike."""
    key = list(get_schema(kind).primary_key)
    records = table.drop_columns([c for c in (SOURCE_ROW,) if c in table.column_names])
    return sha256_bytes(parquet_bytes(records.sort_by([(c, "ascending") for c in key])))


def _months(table: pa.Table) -> list[str]:
    if "period" not in table.column_names:
        return []
    return sorted({m for m in table["period"].to_pylist() if m})


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


def _defined(workspace: Workspace, kind: str, exclude: str | None = None) -> set[str] | None:
    """The ids an active batch of a reference kind defines (None: no batch of it at all)."""
    batches = [b for b in workspace.batches(kind) if b.batch_id != exclude]
    if not batches:
        return None
    column = get_schema(kind).primary_key[0]
    return {v for b in batches for v in _column(workspace, b, column) if v is not None}


def _column(workspace: Workspace, batch: StoredBatch, column: str) -> list[Any]:
    """One column of a stored batch (its file checked, only that column read)."""
    return pq.read_table(workspace.batch_path(batch), columns=[column])[column].to_pylist()


def _unknown_references(
    workspace: Workspace, kind: str, table: pa.Table, meta: SourceMetadata, replaced: str | None
) -> None:
    """Refuse records naming a facility or entity no active batch defines.

    Raises
    ------
    ValidationError
        With a finding per record (row and column) naming the unknown id.
    """
    report = ValidationReport(meta.path, kind, table.num_rows)
    for column, reference in REFERENCING.items():
        if column not in table.column_names or reference == kind:
            continue
        values = table[column].to_pylist()
        if all(v is None for v in values):
            continue
        known = _defined(workspace, reference, replaced if reference == kind else None)
        rows = table[SOURCE_ROW].to_pylist()
        for row, value in zip(rows, values, strict=True):
            if value is None or (known is not None and value in known):
                continue
            hint = (
                f"no {reference} are imported yet: import them first"
                if known is None
                else f"it is not among the {len(known)} {reference} imported; add it there first"
            )
            report.findings.append(
                Finding(
                    "unknown_reference",
                    f"{column} {value!r} is not defined: {hint}",
                    Location(meta.path, meta.sheet, row, column),
                )
            )
            if len(report.findings) >= 20:
                raise ValidationError(report)
    if report.findings:
        raise ValidationError(report)


def _still_referenced(workspace: Workspace, kind: str, table: pa.Table | None, old: str) -> None:
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
    remaining = _defined(workspace, kind, exclude=old) or set()
    if table is not None:
        remaining |= {v for v in table[column].to_pylist() if v is not None}
    for other in {b.kind for b in workspace.batches()} - {kind}:
        if column not in {c.name for c in get_schema(other).columns}:
            continue
        for batch in workspace.batches(other):
            used = {v for v in _column(workspace, batch, column) if v}
            lost = sorted(used - remaining)
            if lost:
                raise WorkspaceError(
                    f"{other} batch {batch.batch_id[:12]} names {column} {', '.join(lost[:5])}, "
                    f"which would no longer be defined: replace or remove that batch first, or "
                    f"keep them in the {kind}"
                )


def _key_conflicts(
    workspace: Workspace,
    kind: str,
    table: pa.Table,
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
    files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in others)
    on = " AND ".join(f"n.{c} IS NOT DISTINCT FROM s.{c}" for c in key)
    query = (
        f"SELECT n.{SOURCE_ROW}, {', '.join(f'n.{c}' for c in key)}, "
        r"regexp_extract(s.filename, '([0-9a-f]{64})\.parquet$', 1) "
        f"FROM new n JOIN read_parquet([{files}], filename = true) s ON {on} "
        f"ORDER BY n.{SOURCE_ROW} LIMIT 20"
    )
    con = sql_connection(new=table.select([SOURCE_ROW, *key]))
    try:
        clashes = con.execute(query).fetchall()
    finally:
        con.close()
    if not clashes:
        return
    report = ValidationReport(meta.path, kind, table.num_rows)
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
    schema = get_schema(kind)
    frame, meta = read_table(path, sheet)
    existing = workspace.find_batch(kind, meta.sha256)
    if existing is not None and existing.status == "active":
        return ImportResult(existing, False, ValidationReport(meta.path, kind, len(frame)))
    validated = validate_table(frame, meta, schema, strict)
    if validated.table is None:
        raise ValidationError(validated.report)
    table = validated.table
    digest = records_sha256(kind, table)
    info = BatchInfo(kind, meta.path, meta.sha256, meta.format, meta.encoding, meta.sheet, digest)

    def check(session: Session) -> None:
        _refuse_locked(session, _months(table), meta.path)
        _key_conflicts(workspace, kind, table, meta, None)
        _unknown_references(workspace, kind, table, meta, None)

    batch, created = workspace.store_batch(info, table, check)
    return ImportResult(batch, created, validated.report)


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
    frame, meta = read_table(path, sheet)
    validated = validate_table(frame, meta, get_schema(kind), strict)
    if validated.table is None:
        raise ValidationError(validated.report)
    table = validated.table
    old_months = _months(workspace.read_batch(old.batch_id))
    digest = records_sha256(kind, table)
    info = BatchInfo(kind, meta.path, meta.sha256, meta.format, meta.encoding, meta.sheet, digest)

    def check(session: Session) -> None:
        _refuse_locked(session, old_months, f"batch {old.batch_id[:12]}")
        _refuse_locked(session, _months(table), meta.path)
        _key_conflicts(workspace, kind, table, meta, old.batch_id)
        _unknown_references(workspace, kind, table, meta, old.batch_id)
        _still_referenced(workspace, kind, table, old.batch_id)

    batch, created = workspace.store_batch(info, table, check, old.batch_id, reason)
    return ImportResult(batch, created, validated.report)


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
    months = _months(workspace.read_batch(batch.batch_id))

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
