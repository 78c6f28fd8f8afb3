"""Tables of the server's accounts database: tenants, people and machines, their roles,
tokens, login attempts, idempotent requests and background jobs."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "AccountBase",
    "ClientRow",
    "IdempotencyRow",
    "JobRow",
    "LoginAttemptRow",
    "MembershipRow",
    "TenantRow",
    "TokenRow",
    "UserRow",
]


class AccountBase(DeclarativeBase):
    """Declarative base of the accounts tables (a database apart from any workspace's)."""


class TenantRow(AccountBase):
    """An organisation: its workspace, which no other tenant's request reads or writes."""

    __tablename__ = "tenants"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    #: The tenant's workspace folder, relative to the server's root.
    workspace: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class UserRow(AccountBase):
    """A person who logs in with a password (stored as an argon2id hash)."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(128), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class MembershipRow(AccountBase):
    """A person's role in one tenant."""

    __tablename__ = "memberships"

    username: Mapped[str] = mapped_column(
        ForeignKey("users.username", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.tenant_id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))


class ClientRow(AccountBase):
    """A machine of one tenant using OAuth 2.0 client credentials (secret as argon2id)."""

    __tablename__ = "clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(Text)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.tenant_id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class TokenRow(AccountBase):
    """An issued bearer token or browser session, stored by the SHA-256 of its value."""

    __tablename__ = "tokens"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: ``bearer`` (client credentials) or ``session`` (a person logged in).
    kind: Mapped[str] = mapped_column(String(16))
    #: ``user:<name>`` or ``client:<id>``.
    subject: Mapped[str] = mapped_column(String(200), index=True)
    #: The tenant a bearer token is bound to (a session reaches its person's tenants).
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    csrf_sha256: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[str] = mapped_column(String(32))


class LoginAttemptRow(AccountBase):
    """A failed login, kept for the rate limit (shared by every server worker)."""

    __tablename__ = "login_attempts"

    attempt: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(128), index=True)
    at: Mapped[str] = mapped_column(String(32))


class IdempotencyRow(AccountBase):
    """A write request made with an ``Idempotency-Key``, and the response it got."""

    __tablename__ = "idempotency"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: SHA-256 of the method, path and body: the same key with another request is refused.
    request_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class JobRow(AccountBase):
    """A background job (a calculation) and how it went."""

    __tablename__ = "jobs"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: ``queued``, ``running``, ``succeeded`` or ``failed``.
    status: Mapped[str] = mapped_column(String(16))
    request: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32))
