"""Batches: list, upload (validated, idempotent), validate only, replace, remove; history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from carbonledger import app
from carbonledger.api.pages import PageQuery, PerPageQuery, paginate
from carbonledger.api.security import Access, require, server_of
from carbonledger.api.uploads import IDEMPOTENCY_HEADER, idempotent, received_file, request_sha256
from carbonledger.app import StoredBatch
from carbonledger.app.accounts import Permission
from carbonledger.app.server import acting_as
from carbonledger.errors import CarbonLedgerError
from carbonledger.provenance import sha256_file
from carbonledger.schema import schema_kinds

__all__ = ["batch_json", "router"]

router = APIRouter(prefix="/api/v1/{tenant}", tags=["data"])
_FIELDS = (
    "batch_id",
    "kind",
    "source_path",
    "source_sha256",
    "source_format",
    "rows",
    "imported_at",
    "status",
    "records_sha256",
    "superseded_by",
    "status_reason",
    "status_at",
)
Reader = Annotated[Access, Depends(require(Permission.READ))]
RawReader = Annotated[Access, Depends(require(Permission.READ_RAW))]
Importer = Annotated[Access, Depends(require(Permission.IMPORT))]
KindQuery = Annotated[str, Query(description="Import kind", examples=["electricity"])]
Upload = Annotated[UploadFile, File(description="A CSV, XLSX or Parquet file")]
IdempotencyKey = Annotated[
    str | None,
    Header(alias=IDEMPOTENCY_HEADER, description="Retry-safe key: the same key stores once"),
]


def batch_json(batch: StoredBatch) -> dict[str, Any]:
    """A batch as the API shows it (the source file's name, not the server's path)."""
    shown = {name: getattr(batch, name) for name in _FIELDS}
    shown["source_path"] = shown["source_path"].rsplit("/", 1)[-1]
    return shown


def _kind(kind: str) -> str:
    if kind not in schema_kinds():
        raise CarbonLedgerError(f"unknown kind {kind!r}; kinds: {', '.join(schema_kinds())}")
    return kind


@router.get("/batches", summary="Batches, oldest first")
def batches(
    access: Reader,
    request: Request,
    response: Response,
    kind: Annotated[str | None, Query(description="Only this kind")] = None,
    status: Annotated[str | None, Query(pattern="^(active|superseded|removed)$")] = None,
    page: PageQuery = 1,
    per_page: PerPageQuery = None,
) -> list[dict[str, Any]]:
    """The tenant's batches; with ``status`` also replaced and removed ones."""
    found = app.list_batches(access.workspace, kind, include_inactive=status is not None)
    if status is not None:
        found = [b for b in found if b.status == status]
    return [batch_json(b) for b in paginate(request, response, found, page, per_page)]


@router.post(
    "/batches",
    status_code=201,
    summary="Upload and import a file",
    responses={
        200: {"description": "The same file or records were stored already"},
        422: {"description": "Validation findings, each with file, row and column"},
    },
)
def upload(
    access: Importer,
    request: Request,
    kind: KindQuery,
    file: Upload,
    idempotency_key: IdempotencyKey = None,
    strict: bool = False,
) -> JSONResponse:
    """Validate and store a file as a batch of ``kind``; nothing is stored unless every row
    passes. Send an ``Idempotency-Key`` to retry safely."""
    limit = request.app.state.settings.max_upload_bytes
    with received_file(access.workspace, file, limit) as path:
        fingerprint = request_sha256(request, kind, sha256_file(path))

        def store() -> tuple[int, Any]:
            with acting_as(access.actor):
                result = app.import_file(access.workspace, _kind(kind), path, strict=strict)
            body = {
                "batch": batch_json(result.batch),
                "created": result.created,
                "warnings": [str(f) for f in result.report.warnings],
            }
            return (201 if result.created else 200), body

        return idempotent(server_of(request), access.tenant_id, idempotency_key, fingerprint, store)


@router.post("/validations", summary="Validate a file without storing it")
def validate(
    access: Importer, request: Request, kind: KindQuery, file: Upload, strict: bool = False
) -> dict[str, Any]:
    """The validation report of a file as ``kind`` (findings with row and column)."""
    with received_file(access.workspace, file, request.app.state.settings.max_upload_bytes) as path:
        report = app.validate_file(_kind(kind), path, strict=strict)
    shown = report.to_dict()
    shown["source"] = file.filename
    shown["ok"] = report.ok(strict)
    return shown


@router.put("/batches/{batch_id}", summary="Replace a batch with a corrected file")
def replace(
    access: Importer,
    request: Request,
    batch_id: str,
    file: Upload,
    reason: Annotated[str, Form(min_length=1, description="Why the batch is replaced")],
) -> dict[str, Any]:
    """Import a corrected file in place of an active batch (the old one is kept, superseded)."""
    limit = request.app.state.settings.max_upload_bytes
    with received_file(access.workspace, file, limit) as path, acting_as(access.actor):
        result = app.replace_batch(access.workspace, batch_id, path, reason)
    return {"batch": batch_json(result.batch), "created": result.created}


@router.delete("/batches/{batch_id}", summary="Remove a batch from calculations")
def remove(
    access: Importer,
    batch_id: str,
    reason: Annotated[str, Query(min_length=1, description="Why the batch is removed")],
) -> dict[str, Any]:
    """Take a batch out of calculations (it is kept, marked removed, with the reason)."""
    with acting_as(access.actor):
        return batch_json(app.remove_batch(access.workspace, batch_id, reason))


@router.get("/events", summary="Every change, in order, with who made it")
def events(
    access: RawReader,
    request: Request,
    response: Response,
    kind: Annotated[str | None, Query(description="Only events of this kind")] = None,
    page: PageQuery = 1,
    per_page: PerPageQuery = None,
) -> list[dict[str, Any]]:
    """The tenant's history (the write path's events)."""
    found = app.audit_entries(access.workspace, kind)
    return paginate(request, response, found, page, per_page)
