"""Jobs on a server's accounts: tenants, people and machines, roles, logins and tokens.

People log in with a password (argon2id, Argon2's recommended variant, RFC 9106) and get a
session whose every write also carries a CSRF token; machines use OAuth 2.0 client credentials
(RFC 6749 section 4.4) and get an expiring bearer token. Tokens are random (256 bits) and
stored only as their SHA-256, so the accounts database leaks none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from carbonledger.errors import CarbonLedgerError
from carbonledger.provenance import utc_now
from carbonledger.store.account_models import (
    ClientRow,
    LoginAttemptRow,
    MembershipRow,
    TenantRow,
    TokenRow,
    UserRow,
)
from carbonledger.store.accounts import Server

__all__ = [
    "CLIENT_TOKEN_SECONDS",
    "LOGIN_ATTEMPTS",
    "PERMISSIONS",
    "SESSION_SECONDS",
    "AuthenticationError",
    "Permission",
    "Principal",
    "Role",
    "add_client",
    "add_member",
    "add_user",
    "authenticate",
    "client_token",
    "clients",
    "login",
    "logout",
    "members",
    "remove_client",
    "remove_member",
    "user_exists",
]

#: Lifetime of a bearer token issued to a client [s].
CLIENT_TOKEN_SECONDS = 3600
#: Lifetime of a person's session [s].
SESSION_SECONDS = 8 * 3600
#: Failed logins of one name within :data:`LOGIN_WINDOW_SECONDS` after which logins of that
#: name are refused until the window has passed.
LOGIN_ATTEMPTS = 5
LOGIN_WINDOW_SECONDS = 900

_HASHER = PasswordHasher()  # argon2id with argon2-cffi's defaults (RFC 9106's second choice)


class AuthenticationError(CarbonLedgerError):
    """A login, token or session that does not authenticate (the message says no more than
    that, to give nothing away)."""


class Role(StrEnum):
    """What a person or machine may do in a tenant."""

    ADMIN = "admin"
    ANALYST = "analyst"
    VIEWER = "viewer"
    VERIFIER = "verifier"
    CLIENT = "client"


class Permission(StrEnum):
    """One kind of request."""

    READ = "read"  # totals, inventory, reports, batches listed
    READ_RAW = "read_raw"  # records of batches, lineage, history
    IMPORT = "import"  # upload, replace, remove batches
    CALCULATE = "calculate"
    LOCK = "lock"  # sign-off and restatement
    ADMIN = "admin"  # people, machines and settings of the tenant


#: Each role's permissions. A verifier reads everything of a period, raw data and lineage
#: included, and changes nothing; a client (a machine) uploads and calculates.
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ANALYST: frozenset(
        {
            Permission.READ,
            Permission.READ_RAW,
            Permission.IMPORT,
            Permission.CALCULATE,
            Permission.LOCK,
        }
    ),
    Role.VIEWER: frozenset({Permission.READ}),
    Role.VERIFIER: frozenset({Permission.READ, Permission.READ_RAW}),
    Role.CLIENT: frozenset({Permission.READ, Permission.IMPORT, Permission.CALCULATE}),
}


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a person (with a role per tenant) or a machine of one tenant.

    Attributes
    ----------
    subject : str
        ``user:<name>`` or ``client:<id>``; recorded as the actor of every write.
    roles : dict of str to Role
        Tenant id to role.
    session : bool
        Whether it came from a browser session (its writes need the CSRF token).
    csrf_sha256 : str, optional
        SHA-256 of the session's CSRF token.
    """

    subject: str
    roles: dict[str, Role]
    session: bool = False
    csrf_sha256: str | None = None

    def role(self, tenant_id: str) -> Role | None:
        """The role in a tenant (None: no access at all)."""
        return self.roles.get(tenant_id)

    def may(self, tenant_id: str, permission: Permission) -> bool:
        """Whether this principal may make a request of ``permission`` in the tenant."""
        role = self.role(tenant_id)
        return role is not None and permission in PERMISSIONS[role]

    def csrf_ok(self, token: str | None) -> bool:
        """Whether ``token`` is the session's CSRF token (constant-time comparison)."""
        if not self.session:
            return True
        return bool(token and self.csrf_sha256) and hmac.compare_digest(
            _sha256(token or ""), self.csrf_sha256 or ""
        )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _in(seconds: int) -> str:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    return later.replace(microsecond=0).isoformat()


def add_user(server: Server, username: str, password: str) -> None:
    """Register a person with a password (at least 12 characters).

    Raises
    ------
    CarbonLedgerError
        If the name is taken or the password too short.
    """
    if len(password) < 12:
        raise CarbonLedgerError("a password needs at least 12 characters")
    with server.accounts.transaction() as session:
        if session.get(UserRow, username) is not None:
            raise CarbonLedgerError(f"user {username!r} exists already")
        session.add(
            UserRow(username=username, password_hash=_HASHER.hash(password), created_at=utc_now())
        )


def add_member(server: Server, username: str, tenant_id: str, role: Role | str) -> None:
    """Give a person a role in a tenant (replacing the one they had there).

    Raises
    ------
    CarbonLedgerError
        If the person or tenant is unknown, or the role is a machine's.
    """
    role = Role(role)
    if role is Role.CLIENT:
        raise CarbonLedgerError("the client role is for machines: use add_client")
    with server.accounts.transaction() as session:
        if session.get(UserRow, username) is None:
            raise CarbonLedgerError(f"no user {username!r}")
        if session.get(TenantRow, tenant_id) is None:
            raise CarbonLedgerError(f"no tenant {tenant_id!r}")
        session.merge(MembershipRow(username=username, tenant_id=tenant_id, role=str(role)))


def add_client(server: Server, tenant_id: str, name: str) -> tuple[str, str]:
    """Register a machine of a tenant for OAuth 2.0 client credentials.

    Returns
    -------
    client_id, client_secret : str
        The secret is shown once; only its argon2id hash is kept.
    """
    client_id = "cl_" + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with server.accounts.transaction() as session:
        if session.get(TenantRow, tenant_id) is None:
            raise CarbonLedgerError(f"no tenant {tenant_id!r}")
        session.add(
            ClientRow(
                client_id=client_id,
                secret_hash=_HASHER.hash(secret),
                tenant_id=tenant_id,
                role=str(Role.CLIENT),
                name=name,
                created_at=utc_now(),
            )
        )
    return client_id, secret


def user_exists(server: Server, username: str) -> bool:
    """Whether a person of that name is registered (in any tenant)."""
    with server.accounts.read() as session:
        return session.get(UserRow, username) is not None


def members(server: Server, tenant_id: str) -> list[dict[str, object]]:
    """The people with a role in a tenant, by name: ``username``, ``role``, ``disabled``."""
    with server.accounts.read() as session:
        found = session.execute(
            select(MembershipRow.username, MembershipRow.role, UserRow.disabled)
            .join(UserRow, UserRow.username == MembershipRow.username)
            .where(MembershipRow.tenant_id == tenant_id)
            .order_by(MembershipRow.username)
        ).all()
    return [{"username": u, "role": r, "disabled": bool(d)} for u, r, d in found]


def remove_member(server: Server, username: str, tenant_id: str) -> None:
    """Take a person's role in a tenant away (from their next request on; the person and
    their roles elsewhere stay).

    Raises
    ------
    CarbonLedgerError
        If the person has no role there.
    """
    with server.accounts.transaction() as session:
        gone = session.execute(
            delete(MembershipRow).where(
                MembershipRow.username == username, MembershipRow.tenant_id == tenant_id
            )
        )
        if not gone.rowcount:  # type: ignore[attr-defined]
            raise CarbonLedgerError(f"{username!r} has no role in {tenant_id!r}")


def clients(server: Server, tenant_id: str) -> list[dict[str, object]]:
    """A tenant's machines: ``client_id``, ``name``, ``created_at`` (never a secret)."""
    with server.accounts.read() as session:
        rows = session.scalars(
            select(ClientRow).where(ClientRow.tenant_id == tenant_id).order_by(ClientRow.name)
        ).all()
    return [{"client_id": c.client_id, "name": c.name, "created_at": c.created_at} for c in rows]


def remove_client(server: Server, tenant_id: str, client_id: str) -> None:
    """Remove a tenant's machine and revoke its tokens at once.

    Raises
    ------
    CarbonLedgerError
        If the tenant has no such client.
    """
    with server.accounts.transaction() as session:
        client = session.get(ClientRow, client_id)
        if client is None or client.tenant_id != tenant_id:
            raise CarbonLedgerError(f"no client {client_id!r}")
        session.execute(delete(TokenRow).where(TokenRow.subject == f"client:{client_id}"))
        session.delete(client)


def login(server: Server, username: str, password: str) -> tuple[str, str]:
    """Check a person's password and open a session.

    Returns
    -------
    session_token, csrf_token : str

    Raises
    ------
    AuthenticationError
        For an unknown name, a wrong password or a disabled person, or after
        :data:`LOGIN_ATTEMPTS` failures of the name within the window (all alike).
    """
    since = _in(-LOGIN_WINDOW_SECONDS)
    with server.accounts.transaction() as session:
        failures = session.scalar(
            select(func.count()).where(
                LoginAttemptRow.username == username, LoginAttemptRow.at >= since
            )
        )
        if (failures or 0) >= LOGIN_ATTEMPTS:
            raise AuthenticationError(
                "too many failed logins for this name; try again in 15 minutes"
            )
        user = session.get(UserRow, username)
        if user is None or user.disabled or not _verified(user.password_hash, password):
            session.add(LoginAttemptRow(username=username, at=utc_now()))
            failed = True
        else:
            failed = False
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.username == username))
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            session.add(
                TokenRow(
                    token_sha256=_sha256(token),
                    kind="session",
                    subject=f"user:{username}",
                    tenant_id=None,
                    csrf_sha256=_sha256(csrf),
                    expires_at=_in(SESSION_SECONDS),
                )
            )
    if failed:
        raise AuthenticationError("wrong name or password")
    return token, csrf


def client_token(server: Server, client_id: str, secret: str) -> tuple[str, int]:
    """Issue a bearer token to a machine for its client credentials.

    Returns
    -------
    access_token : str
    expires_in : int
        Seconds it is valid.

    Raises
    ------
    AuthenticationError
        For unknown credentials.
    """
    with server.accounts.transaction() as session:
        client = session.get(ClientRow, client_id)
        if client is None or not _verified(client.secret_hash, secret):
            raise AuthenticationError("invalid client credentials")
        token = secrets.token_urlsafe(32)
        session.add(
            TokenRow(
                token_sha256=_sha256(token),
                kind="bearer",
                subject=f"client:{client_id}",
                tenant_id=client.tenant_id,
                csrf_sha256=None,
                expires_at=_in(CLIENT_TOKEN_SECONDS),
            )
        )
    return token, CLIENT_TOKEN_SECONDS


def authenticate(server: Server, token: str, kind: str) -> Principal:
    """The principal a bearer token or session token stands for.

    Raises
    ------
    AuthenticationError
        For an unknown or expired token, or a person since disabled.
    """
    # Core, not the ORM: this runs on every request (a third of the ORM's time).
    with server.accounts.engine.connect() as connection:
        row = connection.execute(
            select(
                TokenRow.kind, TokenRow.subject, TokenRow.csrf_sha256, TokenRow.expires_at
            ).where(TokenRow.token_sha256 == _sha256(token))
        ).first()
        if row is None or row.kind != kind or row.expires_at <= utc_now():
            raise AuthenticationError("not logged in, or the session or token has expired")
        if row.subject.startswith("client:"):
            client = connection.execute(
                select(ClientRow.tenant_id, ClientRow.role).where(
                    ClientRow.client_id == row.subject.removeprefix("client:")
                )
            ).first()
            if client is None:
                raise AuthenticationError("the client no longer exists")
            return Principal(row.subject, {client.tenant_id: Role(client.role)})
        name = row.subject.removeprefix("user:")
        memberships = connection.execute(
            select(UserRow.disabled, MembershipRow.tenant_id, MembershipRow.role)
            .outerjoin(MembershipRow, MembershipRow.username == UserRow.username)
            .where(UserRow.username == name)
        ).all()
    if not memberships or memberships[0].disabled:
        raise AuthenticationError("the user no longer exists or is disabled")
    roles = {m.tenant_id: Role(m.role) for m in memberships if m.tenant_id is not None}
    return Principal(row.subject, roles, session=True, csrf_sha256=row.csrf_sha256)


def logout(server: Server, token: str) -> None:
    """End a session (or revoke a bearer token)."""
    with server.accounts.transaction() as session:
        session.execute(delete(TokenRow).where(TokenRow.token_sha256 == _sha256(token)))


def _verified(stored: str, given: str) -> bool:
    try:
        return _HASHER.verify(stored, given)
    except (VerificationError, InvalidHashError):
        return False
