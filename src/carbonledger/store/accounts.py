"""A server's root: its accounts database and one workspace per tenant.

::

    <root>/
      server.db                 accounts (SQLite by default; PostgreSQL by URL)
      tenants/<tenant_id>/      the tenant's workspace (a workspace like any other)

The accounts database holds tenants, people, machines, roles, tokens, login attempts,
idempotent requests and background jobs; it never holds a tenant's data, and a tenant's
workspace holds nothing of another's.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from carbonledger.errors import WorkspaceError
from carbonledger.options import WorkspaceConfig
from carbonledger.provenance import utc_now
from carbonledger.store.account_models import TenantRow
from carbonledger.store.metadata import DATABASE_FILE, MetadataStore
from carbonledger.store.workspace import Workspace

__all__ = ["ACCOUNTS_URL_ENV", "TENANT_ID", "TENANT_URL_ENV", "AccountsDatabase", "Server"]

#: Environment variable naming the accounts database (else ``server.db`` in the root).
ACCOUNTS_URL_ENV = "CARBONLEDGER_ACCOUNTS_URL"
#: Environment variable with each tenant's metadata database, ``{tenant}`` standing for its id
#: (``postgresql+psycopg://carbon@db/cl_{tenant}``: a database per tenant, created
#: beforehand); else each tenant's workspace has its SQLite file. Never the workspaces' shared
#: ``CARBONLEDGER_DATABASE_URL``: tenants' tables must not meet.
TENANT_URL_ENV = "CARBONLEDGER_TENANT_DATABASE_URL"
#: What a tenant id may be: it names a folder and appears in every URL of the tenant.
TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_ACCOUNTS_FILE = "server.db"
_TENANTS = "tenants"
_RESULTS = "results"


class AccountsDatabase(MetadataStore):
    """The accounts tables (``store/accounts_migrations``, their own version table)."""

    MIGRATIONS = "accounts_migrations"
    VERSION_TABLE = "accounts_alembic_version"
    HEAD = "a001"

    @staticmethod
    def for_server(folder: Path) -> AccountsDatabase:
        """The accounts database of the server root ``folder``: the URL in
        ``CARBONLEDGER_ACCOUNTS_URL``, or ``server.db`` in the folder."""
        return AccountsDatabase(
            os.environ.get(ACCOUNTS_URL_ENV) or f"sqlite:///{folder / _ACCOUNTS_FILE}"
        )


class Server:
    """A server's root folder: accounts and tenants' workspaces.

    Parameters
    ----------
    root : Path
        The folder.
    accounts : AccountsDatabase
        Its accounts database, migrated.
    """

    def __init__(self, root: Path, accounts: AccountsDatabase) -> None:
        self.root = root
        self.accounts = accounts
        self._workspaces: dict[str, Workspace] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, root: str | Path, create: bool = False) -> Server:
        """Open (or, with ``create``, create) a server root; its accounts are migrated.

        Raises
        ------
        WorkspaceError
            If the folder is missing and ``create`` is false, or the database unreachable.
        """
        folder = Path(root).resolve()
        if not folder.is_dir():
            if not create:
                raise WorkspaceError(
                    f"{folder} is not a carbonledger server folder: create it with "
                    "carbonledger server init"
                )
            folder.mkdir(parents=True)
        accounts = AccountsDatabase.for_server(folder)
        accounts.migrate()
        return cls(folder, accounts)

    @property
    def results_folder(self) -> Path:
        """Where the server's worker processes share their read results
        (:class:`~carbonledger.app.cache.ResultCache`); derived data, safe to delete."""
        return self.root / _RESULTS

    def tenants(self) -> list[TenantRow]:
        """Every tenant, by id."""
        from sqlalchemy import select

        with self.accounts.read() as session:
            return list(session.scalars(select(TenantRow).order_by(TenantRow.tenant_id)))

    def add_tenant(self, tenant_id: str, name: str) -> Workspace:
        """Register a tenant and create its workspace.

        Raises
        ------
        WorkspaceError
            If the id is not a lower-case slug or is taken.
        """
        if not TENANT_ID.match(tenant_id):
            raise WorkspaceError(
                f"tenant id {tenant_id!r}: use 1-63 lower-case letters, digits and hyphens"
            )
        relative = f"{_TENANTS}/{tenant_id}"
        with self.accounts.transaction() as session:
            if session.get(TenantRow, tenant_id) is not None:
                raise WorkspaceError(f"tenant {tenant_id!r} exists already")
            session.add(
                TenantRow(tenant_id=tenant_id, name=name, workspace=relative, created_at=utc_now())
            )
            session.flush()
            folder = self.root / relative
            workspace = Workspace.init(
                folder, WorkspaceConfig(organisation=name), _tenant_url(folder, tenant_id)
            )
        return workspace

    def adopt_tenant(self, tenant_id: str, name: str, folder: Path) -> Workspace:
        """Register a tenant whose workspace exists already (the demo's, served as it is).

        Raises
        ------
        WorkspaceError
            If the id is not a lower-case slug or is taken, or ``folder`` holds no workspace.
        """
        if not TENANT_ID.match(tenant_id):
            raise WorkspaceError(
                f"tenant id {tenant_id!r}: use 1-63 lower-case letters, digits and hyphens"
            )
        workspace = Workspace.open(folder)
        with self.accounts.transaction() as session:
            if session.get(TenantRow, tenant_id) is not None:
                raise WorkspaceError(f"tenant {tenant_id!r} exists already")
            session.add(
                TenantRow(
                    tenant_id=tenant_id,
                    name=name,
                    workspace=str(folder.resolve()),
                    created_at=utc_now(),
                )
            )
        return workspace

    def workspace(self, tenant_id: str) -> Workspace:
        """The workspace of a registered tenant (opened once per process).

        Raises
        ------
        WorkspaceError
            If no such tenant is registered.
        """
        with self._lock:
            if tenant_id in self._workspaces:
                kept = self._workspaces[tenant_id]
                kept.reload_config()  # another worker may have changed the settings
                return kept
            with self.accounts.read() as session:
                row = session.get(TenantRow, tenant_id)
            if row is None:
                raise WorkspaceError(f"no tenant {tenant_id!r}")
            folder = self.root / row.workspace  # an adopted workspace's path is absolute
            url = None if Path(row.workspace).is_absolute() else _tenant_url(folder, tenant_id)
            workspace = Workspace.open(folder, url)
            self._workspaces[tenant_id] = workspace
            return workspace


def _tenant_url(folder: Path, tenant_id: str) -> str:
    """The metadata database of a tenant's workspace."""
    template = os.environ.get(TENANT_URL_ENV)
    if template:
        return template.replace("{tenant}", tenant_id.replace("-", "_"))
    return f"sqlite:///{folder / DATABASE_FILE}"
