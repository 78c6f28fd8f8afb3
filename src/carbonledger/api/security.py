"""Who is asking, in which tenant, with which permission: FastAPI dependencies, the CSRF
rule for sessions, and security headers on every response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Header, HTTPException, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbonledger.api.limits import security_event
from carbonledger.app import Workspace
from carbonledger.app.accounts import AuthenticationError, Permission, Principal, authenticate
from carbonledger.app.cache import ResultCache
from carbonledger.app.server import Server

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "Access",
    "SecurityHeaders",
    "cache_of",
    "current_principal",
    "require",
]

SESSION_COOKIE = "carbonledger_session"
#: The session's CSRF token, for the dashboard's scripts to send back in :data:`CSRF_HEADER`.
CSRF_COOKIE = "carbonledger_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = {"GET", "HEAD", "OPTIONS"}
T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="A token from POST /oauth/token")


def server_of(request: Request) -> Server:
    """The server the app serves."""
    server: Server = request.app.state.server
    return server


def cache_of(request: Request) -> ResultCache:
    """The app's cache of read results."""
    cache: ResultCache = request.app.state.cache
    return cache


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
        kind = "bearer" if credentials is not None else "session"
        security_event("token_refused", kind=kind, path=request.url.path, why=str(exc))
        raise HTTPException(401, str(exc), {"WWW-Authenticate": "Bearer"}) from None
    raise HTTPException(401, "log in, or send a bearer token", {"WWW-Authenticate": "Bearer"})


@dataclass(frozen=True)
class Access:
    """A request allowed in a tenant: who, where, the tenant's workspace, the result cache
    and the server (its accounts)."""

    principal: Principal
    tenant_id: str
    workspace: Workspace
    cache: ResultCache
    server: Server

    @property
    def actor(self) -> str:
        """Recorded as who made each change."""
        return self.principal.subject

    def read(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or its result kept from an earlier request at the workspace's
        current revision (:class:`~carbonledger.app.cache.ResultCache`)."""
        return self.cache.get(self.workspace, key, compute)


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
        denied = {"subject": principal.subject, "tenant": tenant, "path": request.url.path}
        if principal.role(tenant) is None:
            security_event("tenant_denied", **denied)
            raise HTTPException(404, f"no tenant {tenant!r}")
        if not principal.may(tenant, permission):
            role = principal.role(tenant)
            security_event("permission_denied", role=role, permission=permission, **denied)
            raise HTTPException(403, f"the {role} role may not {permission} in this tenant")
        if request.method not in _SAFE and not principal.csrf_ok(csrf):
            security_event("csrf_refused", **denied)
            raise HTTPException(403, f"a session's write needs its {CSRF_HEADER} header")
        server = server_of(request)
        return Access(principal, tenant, server.workspace(tenant), cache_of(request), server)

    return allowed


class SecurityHeaders:
    """ASGI middleware: the headers every response carries (OWASP secure headers), and
    ``Cache-Control: no-store`` on the API's answers. A header the endpoint set (a page's own
    Content Security Policy) is kept.

    Pure ASGI rather than ``BaseHTTPMiddleware``, which runs each request in a task of its
    own and cost a read a millisecond of its few.
    """

    _ALWAYS = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra: tuple[tuple[bytes, bytes], ...] = self._ALWAYS
        if path.startswith(("/api/", "/oauth/")):
            extra = (*extra, (b"cache-control", b"no-store"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
