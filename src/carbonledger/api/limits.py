"""Rate limits on the API and the security log.

Each caller (a session or bearer token, by its hash; an address where there is none) has a
token bucket in each worker process: ``burst`` requests at once, refilled at ``per_second``;
a request beyond it answers 429 with ``Retry-After`` (an RFC 9457 problem) before any work is
done. The limits are per worker: a server of *n* workers admits up to *n* times as many.

The security log (the ``carbonledger.security`` logger, one JSON object a line at WARNING)
records what OWASP ASVS V7 asks of it: failed logins, refused tokens, requests denied (403
and the 404 of a tenant the caller has no role in) and rate-limited ones, with the subject,
address, path and reason; never a password, token or cookie.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["SECURITY_LOG", "RateLimit", "RateLimiter", "security_event"]

#: The logger of security events.
SECURITY_LOG = logging.getLogger("carbonledger.security")
_PROBLEM = b"application/problem+json"
#: Callers a worker remembers before it forgets those whose buckets are full again.
_PRUNE_AT = 10_000


def security_event(event: str, **fields: Any) -> None:
    """Log one security event (``event`` and its fields) as a JSON line."""
    SECURITY_LOG.warning(json.dumps({"event": event, **fields}, sort_keys=True, default=str))


@dataclass(frozen=True)
class RateLimit:
    """How fast one caller may send requests.

    Parameters
    ----------
    per_second : float
        Sustained requests a second [1/s]; 0 turns the limit off.
    burst : int
        Requests a caller may send at once (the bucket's size).
    """

    per_second: float
    burst: int


@dataclass
class _Buckets:
    limit: RateLimit
    _levels: dict[str, tuple[float, float]] = field(default_factory=dict)  # key: (tokens, at)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str, now: float) -> float:
        """0 if the caller may go on (a token taken), else the seconds until it may [s]."""
        with self._lock:
            tokens, at = self._levels.get(key, (float(self.limit.burst), now))
            tokens = min(float(self.limit.burst), tokens + (now - at) * self.limit.per_second)
            taken = tokens >= 1
            self._levels[key] = (tokens - 1 if taken else tokens, now)
            if len(self._levels) > _PRUNE_AT:
                self._prune(now)
            return 0.0 if taken else (1 - tokens) / self.limit.per_second

    def _prune(self, now: float) -> None:
        """Forget callers whose bucket has filled up again (they start full anyway)."""
        full = self.limit.burst / self.limit.per_second  # [s] from empty to full
        self._levels = {k: v for k, v in self._levels.items() if now - v[1] < full}


class RateLimiter:
    """ASGI middleware: a :class:`RateLimit` per caller on the API and the pages (not on
    ``/healthz``)."""

    def __init__(self, app: ASGIApp, limit: RateLimit) -> None:
        self.app = app
        self.limit = limit
        self._buckets = _Buckets(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit.per_second <= 0 or scope["path"] == "/healthz":
            await self.app(scope, receive, send)
            return
        key = _caller(scope)
        wait = self._buckets.wait(key, time.monotonic())
        if wait == 0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        client = scope.get("client") or ("", 0)
        security_event("rate_limited", caller=key[:16], address=client[0], path=scope["path"])
        body = json.dumps(
            {
                "type": "/problems/rate-limited",
                "title": "Too many requests",
                "status": 429,
                "detail": f"more than {self.limit.burst} requests at once or "
                f"{self.limit.per_second:g} a second; try again in {retry} s",
                "instance": scope["path"],
                "retry_after": retry,
            }
        ).encode()
        headers = [
            (b"content-type", _PROBLEM),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(retry).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _caller(scope: Scope) -> str:
    """The caller's key: the hash of its bearer token or session cookie, else its address."""
    for name, value in scope.get("headers", []):
        if name == b"authorization" or (name == b"cookie" and b"carbonledger_session=" in value):
            return hashlib.sha256(value).hexdigest()
    client = scope.get("client") or ("unknown", 0)
    return f"address:{client[0]}"
