"""Shared fixtures."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from carbonledger.app import import_file
from carbonledger.errors import FactorError
from carbonledger.factors import raw_data_dir
from carbonledger.options import WorkspaceConfig
from carbonledger.store import Workspace

#: A PostgreSQL server URL (``postgresql+psycopg://user@host:port``): when set, every workspace
#: a test creates, and every server root's accounts, get a database of their own on that server
#: instead of their SQLite files, so the same suite runs against both stores (``.ci/run`` runs
#: it twice).
POSTGRES_ENV = "CARBONLEDGER_TEST_POSTGRES"


@pytest.fixture(scope="session", autouse=True)
def _metadata_store_under_test() -> Iterator[None]:
    server = os.environ.get(POSTGRES_ENV)
    if server is None:
        yield
        return
    if not server.startswith("postgresql"):  # set but empty or wrong: never fall back silently
        raise pytest.UsageError(f"{POSTGRES_ENV}={server!r} is not a PostgreSQL server URL")
    from sqlalchemy import create_engine, text

    from carbonledger.store.accounts import AccountsDatabase
    from carbonledger.store.metadata import MetadataStore

    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")

    def database(root: Path, prefix: str) -> str:
        """The URL of a database of its own for ``root`` (created on first use)."""
        name = prefix + hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:20]
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        return f"{server}/{name}"

    def for_workspace(root: Path, configured: str | None) -> MetadataStore:
        return MetadataStore(database(root, "cl_"), pooled=False)

    def for_server(folder: Path) -> AccountsDatabase:
        return AccountsDatabase(database(folder, "acc_"), pooled=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MetadataStore, "for_workspace", staticmethod(for_workspace))
        patch.setattr(AccountsDatabase, "for_server", staticmethod(for_server))
        yield
    admin.dispose()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace in a temporary folder."""
    return Workspace.init(tmp_path / "ws", WorkspaceConfig(organisation="Test Co"))


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The folder of raw publisher files (``shared/data``)."""
    try:
        return raw_data_dir(Path(__file__).parent)
    except FactorError as exc:
        pytest.skip(str(exc))


ELECTRICITY_CSV = (
    "record_id,facility_id,period,quantity,unit,bill_amount,currency\n"
    "E1,F1,2024-01,1200.5,kWh,,\n"
    "E2,F1,2024-02,1.5,MWh,,\n"
    "E3,F2,2024-02,,,900,CNY\n"
)


#: The entity and facilities the electricity file above names.
SITES = {
    "entities": "entity_id,name,country,equity_share,financial_control,operational_control\n"
    "E-CN,Test Co China,CN,1,true,true\n",
    "facilities": "facility_id,entity_id,name,facility_type,country,subdivision\n"
    "F1,E-CN,Warehouse 1,fulfilment_centre,CN,CN-GD\n"
    "F2,E-CN,Warehouse 2,fulfilment_centre,CN,CN-SH\n",
}


def import_sites(workspace: Workspace, folder: Path) -> None:
    """Import the entity and facilities :data:`ELECTRICITY_CSV` names."""
    for kind, text in SITES.items():
        path = folder / f"sites-{kind}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(workspace, kind, path)


@pytest.fixture
def sited(tmp_path: Path) -> Workspace:
    """A workspace with the entity and facilities the electricity file names."""
    workspace = Workspace.init(tmp_path / "ws", WorkspaceConfig(organisation="Test Co"))
    import_sites(workspace, tmp_path)
    return workspace


@pytest.fixture
def electricity_csv(tmp_path: Path) -> Path:
    """A valid electricity file in UTF-8."""
    path = tmp_path / "electricity.csv"
    path.write_text(ELECTRICITY_CSV, encoding="utf-8")
    return path


FACILITIES = [
    {
        "facility_id": "US1",
        "entity_id": "E-US",
        "name": "Edison DC",
        "facility_type": "fulfilment_centre",
        "country": "US",
        "subdivision": "US-NJ",
        "grid_region": "RFCE",
    },
    {
        "facility_id": "GB1",
        "entity_id": "E-GB",
        "name": "Leeds DC",
        "facility_type": "fulfilment_centre",
        "country": "GB",
    },
    {
        "facility_id": "CN1",
        "entity_id": "E-CN",
        "name": "广州仓",
        "facility_type": "fulfilment_centre",
        "country": "CN",
        "subdivision": "CN-GD",
    },
]
ENTITIES = [
    {
        "entity_id": e,
        "name": e,
        "country": c,
        "equity_share": 1,
        "financial_control": True,
        "operational_control": True,
        "business_unit": "retail",
    }
    for e, c in (("E-US", "US"), ("E-GB", "GB"), ("E-CN", "CN"))
]


@pytest.fixture
def load(tmp_path: Path) -> Callable[..., Workspace]:
    """Build a workspace from tables: ``load(ws, kind=rows, ...)`` imports each as CSV."""

    def _load(workspace: Workspace, **tables: list[dict[str, Any]]) -> Workspace:
        for kind, rows in {"entities": ENTITIES, "facilities": FACILITIES, **tables}.items():
            path = tmp_path / f"{kind}-{len(rows)}-{abs(hash(str(rows)))}.csv"
            pd.DataFrame(rows).to_csv(path, index=False)
            import_file(workspace, kind, path)
        return workspace

    return _load
