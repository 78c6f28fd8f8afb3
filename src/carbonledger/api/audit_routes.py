"""The audit log: its entries, the signed checkpoints, an entry's inclusion proof and the
result of ``carbonledger verify``, for verifiers (and anyone who may read raw data); a
checkpoint is signed on request by those who may lock periods."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from carbonledger import app
from carbonledger.api.analysis_routes import plain
from carbonledger.api.security import Access, require
from carbonledger.app.accounts import Permission
from carbonledger.app.server import acting_as

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}/audit", tags=["audit"])
RawReader = Annotated[Access, Depends(require(Permission.READ_RAW))]
Locker = Annotated[Access, Depends(require(Permission.LOCK))]


@router.get("/log", summary="The log's entries (every change, who made it, its hashes)")
def log(
    access: RawReader,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Entries in order from ``offset``, with the total."""
    entries = app.audit_entries(access.workspace)
    return {"total": len(entries), "entries": entries[offset : offset + limit]}


@router.get("/checkpoints", summary="The signed checkpoints and the verifier key")
def checkpoints(access: RawReader) -> dict[str, Any]:
    """Each checkpoint (a C2SP signed note of the tree's size and root), oldest first."""
    return {
        "verifier_key": app.audit_verifier_key(access.workspace),
        "checkpoints": app.checkpoints(access.workspace),
    }


@router.get("/proofs/{entry}", summary="An entry's inclusion proof in the latest checkpoint")
def proof(access: RawReader, entry: Annotated[int, Path(ge=1)]) -> dict[str, Any]:
    """The entry, its leaf hash, the audit path and the signed checkpoint (checkable
    offline)."""
    return plain(app.inclusion(access.workspace, entry))


@router.get("/verify", summary="Verify the workspace against its log")
def verify(access: RawReader) -> dict[str, Any]:
    """Every entry against the checkpoints, every stored file and row against its entry: what
    differs, if anything."""
    return access.read(("audit-verify",), lambda: plain(app.verify(access.workspace)))


@router.post("/checkpoint", summary="Sign a checkpoint of the log now")
def sign(access: Locker) -> dict[str, Any]:
    """The checkpoint of the log as it stands (also signed at every lock)."""
    with acting_as(access.actor):
        return plain(app.checkpoint(access.workspace))
