"""The thin orchestrator: one-shot calls composed of public steps.

``import_file`` is :func:`carbonledger.ingest.read_table`, then
:func:`carbonledger.validate.validate_table`, then :meth:`Workspace.store_batch`; callers may
run the steps themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from carbonledger.errors import ValidationError
from carbonledger.ingest import read_table
from carbonledger.schema import get_schema
from carbonledger.store import BatchInfo, StoredBatch, Workspace
from carbonledger.validate import ValidationReport, validate_table

__all__ = ["ImportResult", "import_file", "validate_file"]


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


def import_file(
    workspace: Workspace,
    kind: str,
    path: str | Path,
    sheet: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Read, validate and store a file as an immutable batch of one activity kind.

    Nothing is written unless every record passes; importing the same file again returns the
    existing batch.

    Raises
    ------
    ValidationError
        Carrying the :class:`ValidationReport` when the file breaks a rule.
    """
    schema = get_schema(kind)
    frame, meta = read_table(path, sheet)
    if existing := workspace.find_batch(kind, meta.sha256):
        return ImportResult(existing, False, ValidationReport(meta.path, kind, len(frame)))
    validated = validate_table(frame, meta, schema, strict)
    if validated.table is None:
        raise ValidationError(validated.report)
    info = BatchInfo(kind, meta.path, meta.sha256, meta.format, meta.encoding, meta.sheet)
    batch, created = workspace.store_batch(info, validated.table)
    return ImportResult(batch, created, validated.report)
