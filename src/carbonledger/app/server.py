"""Jobs of a server beside its tenants' workspaces: tenants, background job records and
idempotent requests (the API's shells call these; the rows live in the accounts database)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError as DuplicateRow

from carbonledger.errors import CarbonLedgerError
from carbonledger.ingest import SUPPORTED_SUFFIXES
from carbonledger.provenance import utc_now
from carbonledger.store import Workspace, acting_as
from carbonledger.store.account_models import IdempotencyRow, JobRow
from carbonledger.store.accounts import Server

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Job",
    "KeptResponse",
    "Server",
    "acting_as",
    "add_tenant",
    "finish_job",
    "get_job",
    "grant",
    "keep_response",
    "kept_response",
    "open_server",
    "queue_job",
    "register_client",
    "revoke",
    "serve_workspace",
    "start_job",
    "unregister_client",
]


def open_server(root: str | Path, create: bool = False) -> Server:
    """A server root (its accounts migrated; created with ``create``)."""
    return Server.open(root, create)


def add_tenant(server: Server, tenant_id: str, name: str) -> Workspace:
    """Register a tenant and create its workspace (see :meth:`Server.add_tenant`)."""
    return server.add_tenant(tenant_id, name)


def serve_workspace(
    root: str | Path, folder: str | Path, name: str, username: str, password: str
) -> Server:
    """A server folder serving one existing workspace as the tenant ``demo`` to one analyst
    (``carbonledger demo --serve``); running it again keeps what is registered.

    Raises
    ------
    CarbonLedgerError
        If the password is too short.
    """
    from carbonledger.app.accounts import add_member, add_user

    server = open_server(root, create=True)
    if not any(t.tenant_id == "demo" for t in server.tenants()):
        server.adopt_tenant("demo", name, Path(folder))
        add_user(server, username, password)
        add_member(server, username, "demo", "analyst")
    return server


def grant(
    server: Server, tenant_id: str, username: str, role: str, password: str | None = None
) -> None:
    """Give a person a role in a tenant, registering them first with ``password`` if they
    are new; recorded in the tenant's history (``access.granted``, with who granted it).

    Raises
    ------
    CarbonLedgerError
        For a new person without a password (or a short one), an existing person with one (a
        person's password is theirs to set), or a machine's role.
    """
    from carbonledger.app.accounts import add_member, add_user, members, user_exists

    known = user_exists(server, username)
    if known and password is not None:
        raise CarbonLedgerError(f"user {username!r} exists already: their password is theirs")
    if not known:
        if password is None:
            raise CarbonLedgerError(f"no user {username!r}: give a password to register them")
        add_user(server, username, password)
    before = next(
        (m["role"] for m in members(server, tenant_id) if m["username"] == username), None
    )
    add_member(server, username, tenant_id, role)
    _record(
        server, tenant_id, "access.granted", f"user:{username}", {"role": role, "before": before}
    )


def revoke(server: Server, tenant_id: str, username: str) -> None:
    """Take a person's role in a tenant away; recorded in its history (``access.revoked``)."""
    from carbonledger.app.accounts import remove_member

    remove_member(server, username, tenant_id)
    _record(server, tenant_id, "access.revoked", f"user:{username}", {})


def register_client(server: Server, tenant_id: str, name: str) -> tuple[str, str]:
    """A new machine of the tenant: its id and secret (shown once); recorded in its history."""
    from carbonledger.app.accounts import add_client

    client_id, secret = add_client(server, tenant_id, name)
    _record(server, tenant_id, "client.added", f"client:{client_id}", {"name": name})
    return client_id, secret


def unregister_client(server: Server, tenant_id: str, client_id: str) -> None:
    """Remove a machine and its tokens; recorded in the tenant's history."""
    from carbonledger.app.accounts import remove_client

    remove_client(server, tenant_id, client_id)
    _record(server, tenant_id, "client.removed", f"client:{client_id}", {})


def _record(
    server: Server, tenant_id: str, kind: str, subject: str, payload: dict[str, Any]
) -> None:
    """An event in the tenant's history through its workspace's write path (the change
    itself lives in the accounts database)."""
    with server.workspace(tenant_id).write(kind, subject, payload):
        pass


@dataclass(frozen=True)
class Job:
    """A background job and how it went.

    Attributes
    ----------
    job_id, tenant_id, kind : str
    status : {"queued", "running", "succeeded", "failed"}
    request : dict
        What was asked.
    result, error : dict or None
        Its result once succeeded; why it failed.
    actor : str
        Who asked.
    created_at : str
    finished_at : str or None
    """

    job_id: str
    tenant_id: str
    kind: str
    status: str
    request: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    actor: str
    created_at: str
    finished_at: str | None

    @classmethod
    def from_row(cls, row: JobRow) -> Job:
        """The job of a stored row."""
        return cls(
            row.job_id,
            row.tenant_id,
            row.kind,
            row.status,
            json.loads(row.request),
            json.loads(row.result) if row.result else None,
            json.loads(row.error) if row.error else None,
            row.actor,
            row.created_at,
            row.finished_at,
        )


def queue_job(
    server: Server, tenant_id: str, kind: str, request: dict[str, Any], actor: str
) -> Job:
    """Record a job as queued."""
    row = JobRow(
        job_id=secrets.token_hex(8),
        tenant_id=tenant_id,
        kind=kind,
        status="queued",
        request=json.dumps(request),
        result=None,
        error=None,
        actor=actor,
        created_at=utc_now(),
        finished_at=None,
    )
    with server.accounts.transaction() as session:
        session.add(row)
        session.flush()
        return Job.from_row(row)


def start_job(server: Server, job_id: str) -> None:
    """Mark a job running."""
    _update(server, job_id, status="running")


def finish_job(
    server: Server,
    job_id: str,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
) -> None:
    """Mark a job succeeded with its result, or failed with its error."""
    _update(
        server,
        job_id,
        status="failed" if error is not None else "succeeded",
        result=json.dumps(result, default=str) if result is not None else None,
        error=json.dumps(error) if error is not None else None,
        finished_at=utc_now(),
    )


def _update(server: Server, job_id: str, **values: Any) -> None:
    with server.accounts.transaction() as session:
        row = session.get(JobRow, job_id)
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)


def get_job(server: Server, tenant_id: str, job_id: str) -> Job | None:
    """A job of the tenant (None for an unknown id or another tenant's)."""
    with server.accounts.read() as session:
        row = session.get(JobRow, job_id)
        return Job.from_row(row) if row is not None and row.tenant_id == tenant_id else None


@dataclass(frozen=True)
class KeptResponse:
    """The response a request with an idempotency key got the first time."""

    request_sha256: str
    status: int
    body: Any


def kept_response(server: Server, tenant_id: str, key: str) -> KeptResponse | None:
    """The kept response of a tenant's idempotency key, if any."""
    with server.accounts.read() as session:
        row = session.get(IdempotencyRow, (tenant_id, key))
        if row is None:
            return None
        return KeptResponse(row.request_sha256, row.status, json.loads(row.response))


def keep_response(
    server: Server, tenant_id: str, key: str, request_sha256: str, status: int, body: Any
) -> None:
    """Keep a response for its idempotency key (a concurrent twin's is kept instead)."""
    try:
        with server.accounts.transaction() as session:
            session.add(
                IdempotencyRow(
                    tenant_id=tenant_id,
                    key=key,
                    request_sha256=request_sha256,
                    status=status,
                    response=json.dumps(body, default=str),
                    created_at=utc_now(),
                )
            )
    except DuplicateRow:
        pass
