"""The server's settings: a root folder and limits, from arguments or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from carbonledger.app.cache import DEFAULT_CACHE_ENTRIES

__all__ = ["ROOT_ENV", "ServerSettings"]

#: Environment variable naming the server's root folder (accounts and tenants' workspaces).
ROOT_ENV = "CARBONLEDGER_SERVER_ROOT"


@dataclass(frozen=True)
class ServerSettings:
    """How a server runs.

    Parameters
    ----------
    root : Path
        The server folder (:class:`carbonledger.store.accounts.Server`).
    max_upload_bytes : int
        Largest file an upload may send [bytes]; a larger one is refused with 413 before it
        is stored (``CARBONLEDGER_MAX_UPLOAD_BYTES``).
    secure_cookies : bool
        Send the session cookie only over HTTPS (``CARBONLEDGER_SECURE_COOKIES``; off only for
        a server on loopback).
    page_size : int
        Items per page of a list unless the request asks for fewer (at most 1,000).
    cache_entries : int
        Read results (totals, inventories, a page's charts) each worker keeps until its
        workspace changes (``CARBONLEDGER_CACHE_ENTRIES``; 0 keeps none).
    rate_per_second : int
        Requests a second each caller may send to each worker, sustained [1/s]
        (``CARBONLEDGER_RATE_PER_SECOND``; 0: no limit), see :mod:`carbonledger.api.limits`.
    rate_burst : int
        Requests a caller may send at once (``CARBONLEDGER_RATE_BURST``).
    """

    root: Path
    max_upload_bytes: int = 2 * 1024**3
    secure_cookies: bool = True
    page_size: int = 100
    cache_entries: int = DEFAULT_CACHE_ENTRIES
    rate_per_second: int = 100
    rate_burst: int = 400

    @classmethod
    def from_env(cls, root: str | Path | None = None) -> ServerSettings:
        """Settings from the environment, ``root`` first if given."""
        folder = root or os.environ.get(ROOT_ENV) or "carbonledger-server"
        return cls(
            root=Path(folder),
            max_upload_bytes=int(os.environ.get("CARBONLEDGER_MAX_UPLOAD_BYTES", 2 * 1024**3)),
            secure_cookies=os.environ.get("CARBONLEDGER_SECURE_COOKIES", "1") != "0",
            cache_entries=int(os.environ.get("CARBONLEDGER_CACHE_ENTRIES", DEFAULT_CACHE_ENTRIES)),
            rate_per_second=int(os.environ.get("CARBONLEDGER_RATE_PER_SECOND", 100)),
            rate_burst=int(os.environ.get("CARBONLEDGER_RATE_BURST", 400)),
        )
