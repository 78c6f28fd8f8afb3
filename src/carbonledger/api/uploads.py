"""Uploaded files: streamed into the tenant's staging folder with a size limit, and requests
made with an ``Idempotency-Key`` answered once (a retry gets the first answer)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from carbonledger.app import Workspace
from carbonledger.app.server import SUPPORTED_SUFFIXES, Server, keep_response, kept_response

__all__ = ["IDEMPOTENCY_HEADER", "idempotent", "received_file"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
_CHUNK = 1 << 20
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-\u4e00-\u9fff]+")


@contextlib.contextmanager
def received_file(workspace: Workspace, upload: UploadFile, limit: int) -> Iterator[Path]:
    """The upload written to a fresh staging folder under its own (sanitised) name; removed
    when the block ends.

    Raises
    ------
    HTTPException
        415 for a type carbonledger does not read; 413 beyond ``limit`` bytes.
    """
    name = _SAFE_NAME.sub("_", Path(upload.filename or "upload").name).strip("._") or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise HTTPException(
            415, f"{name}: carbonledger reads {', '.join(SUPPORTED_SUFFIXES)} files"
        )
    folder = workspace.staging_path(suffix="")
    folder.mkdir()
    path = folder / name
    try:
        written = 0
        with path.open("wb") as out:
            while chunk := upload.file.read(_CHUNK):
                written += len(chunk)
                if written > limit:
                    raise HTTPException(413, f"{name}: larger than the {limit:,} bytes allowed")
                out.write(chunk)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def request_sha256(request: Request, *parts: str) -> str:
    """What identifies a request for idempotency: method, path, query and its content."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def idempotent(
    server: Server,
    tenant_id: str,
    key: str | None,
    fingerprint: str,
    run: Callable[[], tuple[int, Any]],
) -> JSONResponse:
    """Answer a write once per ``Idempotency-Key``: the first request runs and its response is
    kept; a retry with the same key and request gets it again (``Idempotent-Replayed: true``)
    without running; the same key with another request is refused (422).

    Parameters
    ----------
    run : callable
        Does the work; returns the status and the JSON body.
    """
    if key is not None:
        if not 1 <= len(key) <= 255:
            raise HTTPException(400, f"{IDEMPOTENCY_HEADER} must be 1-255 characters")
        kept = kept_response(server, tenant_id, key)
        if kept is not None:
            if kept.request_sha256 != fingerprint:
                raise HTTPException(
                    422, f"{IDEMPOTENCY_HEADER} {key!r} was used for another request"
                )
            return JSONResponse(
                kept.body, status_code=kept.status, headers={"Idempotent-Replayed": "true"}
            )
    status, body = run()
    shown = json.loads(json.dumps(body, default=str))
    if key is not None:
        keep_response(server, tenant_id, key, fingerprint, status, shown)
    return JSONResponse(shown, status_code=status)
