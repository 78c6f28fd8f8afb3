"""The metadata store: SQLAlchemy over SQLite by default, PostgreSQL by URL.

A workspace names its store with ``database_url`` in ``carbonledger.toml`` or the
``CARBONLEDGER_DATABASE_URL`` environment variable; without either it is the SQLite file
``carbonledger.db`` in the workspace folder. The schema is managed by Alembic and upgraded on
open. On PostgreSQL every write transaction also takes a transaction-scoped advisory lock, so
writers on several machines sharing one database are serialised as local ones are by the
workspace's writer lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from carbonledger.errors import ConfigError, WorkspaceError

__all__ = ["DATABASE_FILE", "DATABASE_URL_ENV", "HEAD_REVISION", "MetadataStore"]

DATABASE_FILE = "carbonledger.db"
DATABASE_URL_ENV = "CARBONLEDGER_DATABASE_URL"
#: The newest schema revision (``store/migrations/versions``; a test checks it is Alembic's head).
HEAD_REVISION = "0005"
#: Key of the PostgreSQL advisory lock that serialises writers (``'CL'`` as an integer).
_ADVISORY_KEY = 0x434C
#: Connections a pooled store keeps open (a server worker's request threads read at once).
_POOL_SIZE = 20


class MetadataStore:
    """Tables of batches, runs, periods, factor releases and events.

    Subclasses name other tables' migrations (:attr:`MIGRATIONS`, :attr:`VERSION_TABLE`,
    :attr:`HEAD`): the server's accounts live in their own database this way.

    Parameters
    ----------
    url : str
        SQLAlchemy database URL (``sqlite:///...`` or ``postgresql+psycopg://...``).
    pooled : bool, default True
        Keep connections open in a pool (a server's workers); ``False`` opens one per use
        (short-lived processes, and test suites that open hundreds of stores).
    """

    #: Package folder of the Alembic migrations, the table recording their revision, the newest.
    MIGRATIONS = "migrations"
    VERSION_TABLE = "alembic_version"
    HEAD = HEAD_REVISION

    def __init__(self, url: str, pooled: bool = True) -> None:
        try:
            self.url = make_url(url)
        except ArgumentError as exc:
            raise ConfigError(f"database URL {url!r} is not valid: {exc}") from None
        options: dict[str, Any] = {"poolclass": NullPool}
        if pooled:
            # A server's request threads each hold a connection for a moment: a pool as large
            # as the threads that read at once, so none opens (and closes) a connection per
            # request; a server's connections are checked before use, a file's need not be.
            options = {"pool_size": _POOL_SIZE, "pool_pre_ping": self.dialect != "sqlite"}
        self.engine: Engine = create_engine(self.url, **options)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @classmethod
    def for_workspace(cls, root: Path, configured: str | None) -> MetadataStore:
        """The store of a workspace: the environment's URL, the configured one, or SQLite."""
        url = os.environ.get(DATABASE_URL_ENV) or configured
        return cls(url or f"sqlite:///{root / DATABASE_FILE}")

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()

    def describe(self) -> str:
        """The URL with any password hidden (for messages and logs)."""
        return self.url.render_as_string(hide_password=True)

    def revision(self) -> str | None:
        """The schema revision of the store (None for an empty database).

        Raises
        ------
        WorkspaceError
            If the database cannot be reached.
        """
        try:
            with self.engine.connect() as connection:
                if not inspect(connection).has_table(self.VERSION_TABLE):
                    return None
                found = connection.execute(text(f"SELECT version_num FROM {self.VERSION_TABLE}"))
                return found.scalar()
        except SQLAlchemyError as exc:
            raise self._unreachable(exc) from None

    def migrate(self) -> str | None:
        """Bring the schema to the newest revision (Alembic ``upgrade head``); the revision it
        had before (None for a new store). A store at :attr:`HEAD` is left as it is without
        loading Alembic.

        Raises
        ------
        WorkspaceError
            If the database cannot be reached.
        """
        before = self.revision()
        if before == self.HEAD:
            return before
        from alembic import command
        from alembic.config import Config

        config = Config()
        location = resources.files("carbonledger.store").joinpath(self.MIGRATIONS)
        config.set_main_option("script_location", str(location))
        config.attributes["version_table"] = self.VERSION_TABLE
        try:
            with self.engine.begin() as connection:
                if self.dialect == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY}
                    )
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except SQLAlchemyError as exc:
            raise self._unreachable(exc) from None
        return before

    def _unreachable(self, exc: SQLAlchemyError) -> WorkspaceError:
        return WorkspaceError(
            f"cannot open the metadata store {self.describe()}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}"
        )

    def read(self) -> Session:
        """A session for reading (one consistent snapshot per transaction)."""
        return Session(self.engine)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction; committed when the block ends, rolled back if it raises."""
        with Session(self.engine) as session, session.begin():
            if self.dialect == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
            yield session

    def dispose(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
