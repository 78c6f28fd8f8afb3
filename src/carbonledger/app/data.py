"""Jobs on a workspace's data: validate a file, import it, list the batches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from sqlalchemy.orm import Session

from carbonledger.errors import PeriodLockedError, ValidationError
from carbonledger.ingest import read_table
from carbonledger.schema import get_schema
from carbonledger.store import BatchInfo, StoredBatch, Workspace
from carbonledger.store.periods import locks_covering
from carbonledger.validate import ValidationReport, validate_table

__all__ = ["ImportResult", "import_file", "list_batches", "validate_file"]


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


def _refuse_locked_periods(table: pa.Table, path: str | Path) -> Callable[[Session], None]:
    """A check, run under the writer lock, that no record falls in a locked period."""
    months = (
        sorted({m for m in table["period"].to_pylist() if m})
        if "period" in table.column_names
        else []
    )

    def check(session: Session) -> None:
        for month in months:
            if lock := locks_covering(session, month):
                raise PeriodLockedError(
                    f"{path}: records for {month} fall in period {lock.period}, locked since "
                    f"{lock.at} (version {lock.version}); restate the period with a reason first"
                )

    return check


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
    if existing := workspace.find_batch(kind, meta.sha256):
        return ImportResult(existing, False, ValidationReport(meta.path, kind, len(frame)))
    validated = validate_table(frame, meta, schema, strict)
    if validated.table is None:
        raise ValidationError(validated.report)
    info = BatchInfo(kind, meta.path, meta.sha256, meta.format, meta.encoding, meta.sheet)
    check = _refuse_locked_periods(validated.table, meta.path)
    batch, created = workspace.store_batch(info, validated.table, check)
    return ImportResult(batch, created, validated.report)


def list_batches(workspace: Workspace, kind: str | None = None) -> list[StoredBatch]:
    """The stored batches, oldest first, optionally of one kind."""
    return workspace.batches(kind)
