"""Errors as RFC 9457 problem details (``application/problem+json``), naming the field, or
the file's row and column, as the CLI does."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from carbonledger.app import ValidationReport
from carbonledger.app.accounts import AuthenticationError
from carbonledger.errors import (
    CarbonLedgerError,
    ConfigError,
    FactorNotFoundError,
    IntegrityError,
    NotFoundError,
    PeriodLockedError,
    SettingsError,
    ValidationError,
    WorkspaceError,
)

__all__ = ["PROBLEM_TYPES", "install_problem_handlers", "problem"]

MEDIA_TYPE = "application/problem+json"
#: Problem type (a URI under the API's documentation) and status of each error carbonledger
#: raises; the most specific class first.
PROBLEM_TYPES: list[tuple[type[Exception], str, int]] = [
    (AuthenticationError, "authentication", 401),
    (ValidationError, "validation", 422),
    (PeriodLockedError, "period-locked", 409),
    (FactorNotFoundError, "no-factor", 422),
    (NotFoundError, "not-found", 404),
    (IntegrityError, "integrity", 500),
    (SettingsError, "settings", 422),
    (ConfigError, "configuration", 500),
    (WorkspaceError, "conflict", 409),
    (CarbonLedgerError, "bad-request", 400),
]
_TITLES = {
    "authentication": "Not authenticated",
    "validation": "The file breaks the schema's rules",
    "period-locked": "The period is locked",
    "no-factor": "No factor qualifies under the selection policy",
    "integrity": "Stored data no longer matches its hash",
    "settings": "The settings do not admit this change",
    "configuration": "The server is misconfigured",
    "conflict": "The request conflicts with the workspace's state",
    "bad-request": "The request cannot be carried out",
}


def problem(
    status: int, kind: str, detail: str, instance: str | None = None, **extra: Any
) -> JSONResponse:
    """A problem-details response.

    Parameters
    ----------
    status : int
        HTTP status.
    kind : str
        Last part of the problem ``type`` URI (``/problems/<kind>``).
    detail : str
        What happened, for a person.
    instance : str, optional
        The request path.
    **extra
        Extension members (``errors`` with each finding's place, ``retry_after`` ...).
    """
    body: dict[str, Any] = {
        "type": f"/problems/{kind}",
        "title": _TITLES.get(kind, kind.replace("-", " ").capitalize()),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _name(file: str | None) -> str | None:
    """A file as the client named it: its name, never the server's staging path."""
    return PurePath(file).name if file else file


def _findings(report: ValidationReport) -> list[dict[str, Any]]:
    return [
        {
            "rule": f.rule,
            "detail": f.message,
            "file": _name(f.location.file),
            "sheet": f.location.sheet,
            "row": f.location.row,
            "column": f.location.column,
            "value": f.value,
            "severity": str(f.severity),
        }
        for f in report.findings
    ]


def install_problem_handlers(app: FastAPI) -> None:
    """Turn carbonledger's errors, HTTP errors and request-validation errors into problems."""

    @app.exception_handler(CarbonLedgerError)
    async def _carbonledger(request: Request, exc: CarbonLedgerError) -> JSONResponse:
        kind, status = next((k, s) for t, k, s in PROBLEM_TYPES if isinstance(exc, t))
        extra: dict[str, Any] = {}
        if isinstance(exc, ValidationError):
            report = cast(ValidationReport, exc.report)
            extra = {"errors": _findings(report), "omitted": report.omitted, "rows": report.rows}
            detail = f"{len(report.errors) + report.omitted} error(s) in {_name(report.source)}"
        else:
            detail = str(exc)
        return problem(status, kind, detail, request.url.path, **extra)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        kind = {
            401: "authentication",
            403: "forbidden",
            404: "not-found",
            405: "method",
            413: "too-large",
            415: "unsupported-type",
            429: "rate-limited",
        }.get(exc.status_code, "http")
        response = problem(exc.status_code, kind, str(exc.detail), request.url.path)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "detail": e["msg"]} for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['detail']}" for e in errors)
        return problem(422, "request", detail, request.url.path, errors=errors)
