"""Who is asking, in which tenant, with which permission: FastAPI dependencies, the CSRF
rule for sessions, and security headers on every response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Path, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from carbonledger.app import Workspace
from carbonledger.app.accounts import AuthenticationError, Permission, Principal, authenticate
from carbonledger.app.server import Server

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "Access",
    "current_principal",
    "require",
    "security_headers",
]

SESSION_COOKIE = "carbonledger_session"
#: The session's CSRF token, for the dashboard's scripts to send back in :data:`CSRF_HEADER`.
CSRF_COOKIE = "carbonledger_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = {"GET", "HEAD", "OPTIONS"}
_bearer = HTTPBearer(auto_error=False, description="A token from POST /oauth/token")


def server_of(request: Request) -> Server:
    """The server the app serves."""
    server: Server = request.app.state.server
    return server


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The principal of a bearer token or a session cookie.

    Raises
    ------
    HTTPException
        401 without either or for an expired one.
    """
    server = server_of(request)
    try:
        if credentials is not None:
            return authenticate(server, credentials.credentials, "bearer")
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            return authenticate(server, cookie, "session")
    except AuthenticationError as exc:
        raise HTTPException(401, str(exc), {"WWW-Authenticate": "Bearer"}) from None
    raise HTTPException(401, "log in, or send a bearer token", {"WWW-Authenticate": "Bearer"})


@dataclass(frozen=True)
class Access:
    """A request allowed in a tenant: who, where, and the tenant's workspace."""

    principal: Principal
    tenant_id: str
    workspace: Workspace

    @property
    def actor(self) -> str:
        """Recorded as who made each change."""
        return self.principal.subject


def require(permission: Permission) -> Callable[..., Awaitable[Access]]:
    """A dependency admitting requests of ``permission`` in the path's tenant.

    A principal without any role in the tenant gets 404, as if it did not exist (no request
    learns another tenant's ids); one with a role lacking the permission gets 403; a
    session's unsafe request without its CSRF token gets 403.
    """

    async def allowed(
        request: Request,
        tenant: Annotated[str, Path(description="Tenant id", pattern=r"^[a-z0-9][a-z0-9-]*$")],
        principal: Annotated[Principal, Depends(current_principal)],
        csrf: Annotated[str | None, Header(alias=CSRF_HEADER, include_in_schema=False)] = None,
    ) -> Access:
        if principal.role(tenant) is None:
            raise HTTPException(404, f"no tenant {tenant!r}")
        if not principal.may(tenant, permission):
            role = principal.role(tenant)
            raise HTTPException(403, f"the {role} role may not {permission} in this tenant")
        if request.method not in _SAFE and not principal.csrf_ok(csrf):
            raise HTTPException(403, f"a session's write needs its {CSRF_HEADER} header")
        return Access(principal, tenant, server_of(request).workspace(tenant))

    return allowed


async def security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Headers every response carries (OWASP secure headers)."""
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault(
        "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"
    )
    if request.url.path.startswith("/api/") or request.url.path.startswith("/oauth/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
