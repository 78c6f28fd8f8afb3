"""Logging in and out (people), tokens (machines), and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import JSONResponse

from carbonledger.api.limits import security_event
from carbonledger.api.security import CSRF_COOKIE, SESSION_COOKIE, current_principal, server_of
from carbonledger.app.accounts import (
    SESSION_SECONDS,
    AuthenticationError,
    Principal,
    client_token,
    login,
    logout,
)

__all__ = ["router", "start_session"]

router = APIRouter(tags=["authentication"])


@router.post(
    "/oauth/token",
    summary="A bearer token for OAuth 2.0 client credentials (RFC 6749 section 4.4)",
    responses={401: {"description": "Invalid client credentials"}},
)
def token(
    request: Request,
    grant_type: Annotated[str, Form(examples=["client_credentials"])],
    client_id: Annotated[str, Form()],
    client_secret: Annotated[str, Form()],
) -> JSONResponse:
    """Exchange a client's id and secret for an expiring bearer token."""
    if grant_type != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
    try:
        access, seconds = client_token(server_of(request), client_id, client_secret)
    except AuthenticationError:
        security_event("client_refused", client_id=client_id, address=_address(request))
        return JSONResponse(
            {"error": "invalid_client"}, status_code=401, headers={"WWW-Authenticate": "Basic"}
        )
    return JSONResponse(
        {"access_token": access, "token_type": "Bearer", "expires_in": seconds},
        headers={"Cache-Control": "no-store"},
    )


@router.post("/api/v1/session", summary="Log in with a name and password")
def open_session(
    request: Request,
    response: Response,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> dict[str, Any]:
    """Open a session: an HttpOnly cookie, and the CSRF token every write must send back in
    the ``X-CSRF-Token`` header. Five failed logins of a name lock it for 15 minutes."""
    csrf = start_session(request, response, username, password)
    return {"username": username, "csrf_token": csrf}


def start_session(request: Request, response: Response, username: str, password: str) -> str:
    """Log a person in: the session in an HttpOnly cookie, its CSRF token in a cookie pages'
    scripts read (both ``SameSite=Strict``); the CSRF token.

    Raises
    ------
    AuthenticationError
        As :func:`carbonledger.app.accounts.login`.
    """
    try:
        session, csrf = login(server_of(request), username, password)
    except AuthenticationError as exc:
        security_event("login_failed", username=username, address=_address(request), why=str(exc))
        raise
    secure = request.app.state.settings.secure_cookies
    response.set_cookie(
        SESSION_COOKIE,
        session,
        max_age=SESSION_SECONDS,
        httponly=True,
        secure=secure,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=SESSION_SECONDS,
        httponly=False,
        secure=secure,
        samesite="strict",
    )
    return csrf


@router.delete("/api/v1/session", status_code=204, summary="Log out")
def close_session(request: Request, response: Response) -> Response:
    """End the session of the cookie, if any."""
    if cookie := request.cookies.get(SESSION_COOKIE):
        logout(server_of(request), cookie)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    response.status_code = 204
    return response


@router.get("/api/v1/me", summary="Who the request is made as")
def me(principal: Annotated[Principal, Depends(current_principal)]) -> dict[str, Any]:
    """The principal and its role in each tenant it reaches."""
    return {
        "subject": principal.subject,
        "tenants": {t: str(r) for t, r in sorted(principal.roles.items())},
    }


def _address(request: Request) -> str:
    return request.client.host if request.client else ""
