"""The workspace: configuration, metadata store and content-addressed Parquet batches.

Layout of a workspace folder::

    carbonledger.toml      settings (WorkspaceConfig)
    carbonledger.db        SQLite metadata store, schema managed by Alembic
    batches/<kind>/<sha256>.parquet   imported batches, immutable, named by content hash
    batches/.staging/      files being written; never read, swept on open

A batch becomes visible only when its row is committed to the store and its file has been
renamed into place; a failure between the two rolls back the row and removes the file, so no
partial batch is ever registered.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tomllib
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import tomli_w
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session

from carbonledger.errors import ConfigError, IntegrityError, WorkspaceError
from carbonledger.options import WorkspaceConfig
from carbonledger.provenance import parquet_bytes, sha256_bytes, sha256_file, utc_now
from carbonledger.store.models import BatchRow, RunRow

__all__ = ["CONFIG_FILE", "BatchInfo", "StoredBatch", "StoredRun", "Workspace"]

CONFIG_FILE = "carbonledger.toml"
DATABASE_FILE = "carbonledger.db"
BATCH_DIR = "batches"
LEDGER_DIR = "ledgers"
_STAGING = ".staging"


@dataclass(frozen=True)
class BatchInfo:
    """What the importer knows about a batch it wants stored.

    Parameters
    ----------
    kind : str
        Activity kind.
    source_path : str
        File the batch was read from.
    source_sha256 : str
        Hash of that file's bytes.
    source_format : str
        ``csv``, ``xlsx`` or ``parquet``.
    encoding, sheet : str, optional
        Text encoding and worksheet read.
    """

    kind: str
    source_path: str
    source_sha256: str
    source_format: str
    encoding: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class StoredBatch:
    """A batch registered in the store.

    Attributes
    ----------
    batch_id : str
        SHA-256 of the batch's Parquet bytes.
    kind, source_path, source_sha256, source_format : str
    rows : int
    parquet_path : str
        Path relative to the workspace root.
    imported_at : str
        UTC time of the import.
    """

    batch_id: str
    kind: str
    source_path: str
    source_sha256: str
    source_format: str
    rows: int
    parquet_path: str
    imported_at: str

    @classmethod
    def from_row(cls, row: BatchRow) -> StoredBatch:
        """Build from a store row."""
        return cls(
            row.batch_id,
            row.kind,
            row.source_path,
            row.source_sha256,
            row.source_format,
            row.rows,
            row.parquet_path,
            row.imported_at,
        )


@dataclass(frozen=True)
class StoredRun:
    """A calculation run registered in the store.

    Attributes
    ----------
    run_id : str
        Fingerprint of the run's manifest (inputs, factor releases, GWP set, options, versions).
    created_at : str
        UTC time of the first run with this fingerprint.
    period : str or None
        Period calculated (None: all).
    engine : str
    gwp_set : str
    rows : int
        Ledger rows.
    ledger_sha256 : str
        Hash of the ledger file.
    ledger_path : str
        Path relative to the workspace root.
    manifest : dict
        The run manifest.
    """

    run_id: str
    created_at: str
    period: str | None
    engine: str
    gwp_set: str
    rows: int
    ledger_sha256: str
    ledger_path: str
    manifest: dict[str, Any]

    @classmethod
    def from_row(cls, row: RunRow) -> StoredRun:
        """Build from a store row."""
        return cls(
            row.run_id,
            row.created_at,
            row.period,
            row.engine,
            row.gwp_set,
            row.rows,
            row.ledger_sha256,
            row.ledger_path,
            json.loads(row.manifest),
        )


class Workspace:
    """A carbonledger workspace folder.

    Use :meth:`init` to create one and :meth:`open` to use an existing one; the constructor is
    not meant to be called directly.

    Examples
    --------
    >>> import tempfile
    >>> from carbonledger.options import WorkspaceConfig
    >>> ws = Workspace.init(tempfile.mkdtemp(), WorkspaceConfig(organisation="Demo Co"))
    >>> ws.config.gwp_set
    'AR5GWP100'
    """

    def __init__(self, root: Path, config: WorkspaceConfig, engine: Engine) -> None:
        self.root = root
        self.config = config
        self.engine = engine

    # -- creation and opening -------------------------------------------------------------
    @classmethod
    def init(cls, root: str | Path, config: WorkspaceConfig) -> Workspace:
        """Create a workspace in ``root`` (created if missing).

        Raises
        ------
        WorkspaceError
            If ``root`` already holds a workspace.
        """
        folder = Path(root)
        if (folder / CONFIG_FILE).exists():
            raise WorkspaceError(f"{folder} already holds a workspace ({CONFIG_FILE} exists)")
        (folder / BATCH_DIR / _STAGING).mkdir(parents=True, exist_ok=True)
        (folder / CONFIG_FILE).write_text(_config_toml(config), encoding="utf-8")
        workspace = cls(folder, config, _engine(folder))
        workspace.migrate()
        return workspace

    @classmethod
    def open(cls, root: str | Path = ".") -> Workspace:
        """Open the workspace in ``root``, upgrading its store schema if needed.

        Raises
        ------
        WorkspaceError
            If ``root`` holds no workspace.
        ConfigError
            If ``carbonledger.toml`` is invalid.
        """
        folder = Path(root)
        config_path = folder / CONFIG_FILE
        if not config_path.is_file():
            raise WorkspaceError(
                f"{folder.resolve()} is not a workspace (no {CONFIG_FILE}); "
                "create one with `carbonledger init DIR`"
            )
        try:
            config = WorkspaceConfig.model_validate(tomllib.loads(config_path.read_text("utf-8")))
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            raise ConfigError(f"{config_path}: {exc}") from None
        workspace = cls(folder, config, _engine(folder))
        workspace.migrate()
        workspace._sweep_staging()
        return workspace

    def migrate(self) -> None:
        """Bring the metadata store to the newest schema revision (Alembic ``upgrade head``)."""
        config = Config()
        location = resources.files("carbonledger.store").joinpath("migrations")
        config.set_main_option("script_location", str(location))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    # -- batches ------------------------------------------------------------------------
    def batches(self, kind: str | None = None) -> list[StoredBatch]:
        """Return the stored batches, oldest first, optionally of one kind."""
        query = select(BatchRow).order_by(BatchRow.imported_at, BatchRow.batch_id)
        if kind is not None:
            query = query.where(BatchRow.kind == kind)
        with Session(self.engine) as session:
            return [StoredBatch.from_row(r) for r in session.scalars(query)]

    def find_batch(self, kind: str, source_sha256: str) -> StoredBatch | None:
        """Return the batch of ``kind`` imported from a file with this hash, if any."""
        query = select(BatchRow).where(
            BatchRow.kind == kind, BatchRow.source_sha256 == source_sha256
        )
        with Session(self.engine) as session:
            row = session.scalars(query).first()
            return StoredBatch.from_row(row) if row else None

    def read_batch(self, batch_id: str) -> pa.Table:
        """Read a stored batch, checking that its file still has its content hash.

        Raises
        ------
        WorkspaceError
            If the batch is unknown.
        IntegrityError
            If the file was changed since it was stored.
        """
        with Session(self.engine) as session:
            row = session.get(BatchRow, batch_id)
            if row is None:
                raise WorkspaceError(f"no batch {batch_id!r} in {self.root}")
            path = self.root / row.parquet_path
        content = path.read_bytes()
        if sha256_bytes(content) != batch_id:
            raise IntegrityError(f"batch file {path} no longer matches its hash {batch_id}")
        return pq.read_table(io.BytesIO(content))

    def store_batch(self, info: BatchInfo, table: pa.Table) -> tuple[StoredBatch, bool]:
        """Store a validated table as an immutable batch, atomically and idempotently.

        Parameters
        ----------
        info : BatchInfo
            Kind and source of the batch.
        table : pyarrow.Table
            Validated, typed records.

        Returns
        -------
        batch : StoredBatch
            The stored batch, or the one already holding the same file or content.
        created : bool
            ``False`` when nothing new was written.
        """
        if existing := self.find_batch(info.kind, info.source_sha256):
            return existing, False
        content = parquet_bytes(table)
        batch_id = sha256_bytes(content)
        with Session(self.engine) as session:
            if row := session.get(BatchRow, batch_id):
                return StoredBatch.from_row(row), False
        relative = Path(BATCH_DIR) / info.kind / f"{batch_id}.parquet"
        final = self.root / relative
        staged = self.root / BATCH_DIR / _STAGING / f"{uuid.uuid4().hex}.parquet"
        staged.parent.mkdir(parents=True, exist_ok=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        row = BatchRow(
            batch_id=batch_id,
            kind=info.kind,
            source_path=info.source_path,
            source_sha256=info.source_sha256,
            source_format=info.source_format,
            encoding=info.encoding,
            sheet=info.sheet,
            rows=table.num_rows,
            parquet_path=relative.as_posix(),
            imported_at=utc_now(),
        )
        stored = StoredBatch.from_row(row)
        try:
            _write_synced(staged, content)
            with Session(self.engine) as session, session.begin():
                session.add(row)
                session.flush()
                staged.replace(final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
            if not self._is_registered(batch_id):
                with contextlib.suppress(FileNotFoundError):
                    final.unlink()
            raise
        return stored, True

    # -- runs ---------------------------------------------------------------------------
    def runs(self) -> list[StoredRun]:
        """Every run, oldest first."""
        query = select(RunRow).order_by(RunRow.created_at, RunRow.run_id)
        with Session(self.engine) as session:
            return [StoredRun.from_row(r) for r in session.scalars(query)]

    def get_run(self, run_id: str | None = None) -> StoredRun:
        """A run by id (a unique prefix will do), or the latest run.

        Raises
        ------
        WorkspaceError
            If there is no such run (or no run at all).
        """
        runs = self.runs()
        if run_id is None:
            if not runs:
                raise WorkspaceError(
                    f"no calculation run in {self.root}; run `carbonledger calculate` first"
                )
            return runs[-1]
        found = [r for r in runs if r.run_id.startswith(run_id)]
        if len(found) != 1:
            raise WorkspaceError(f"{len(found)} runs match {run_id!r} in {self.root}")
        return found[0]

    def ledger_path(self, run: StoredRun) -> Path:
        """Absolute path of a run's ledger, after checking its hash.

        Raises
        ------
        IntegrityError
            If the ledger file changed since the run stored it.
        """
        path = self.root / run.ledger_path
        if sha256_file(path) != run.ledger_sha256:
            raise IntegrityError(f"ledger {path} no longer matches its hash {run.ledger_sha256}")
        return path

    def staging_path(self, suffix: str = ".parquet") -> Path:
        """A fresh path in the staging folder for a file about to be stored."""
        staging = self.root / BATCH_DIR / _STAGING
        staging.mkdir(parents=True, exist_ok=True)
        return staging / f"{uuid.uuid4().hex}{suffix}"

    def store_run(self, staged: Path, run: dict[str, Any]) -> tuple[StoredRun, bool]:
        """Register a run whose ledger was written to ``staged`` (from :meth:`staging_path`).

        The ledger moves to ``ledgers/<sha256>.parquet``; a run whose id is already stored is
        not stored again (the staged file is discarded).

        Returns
        -------
        run : StoredRun
        created : bool
        """
        with Session(self.engine) as session:
            if existing := session.get(RunRow, run["run_id"]):
                staged.unlink(missing_ok=True)
                return StoredRun.from_row(existing), False
        digest = sha256_file(staged)
        relative = Path(LEDGER_DIR) / f"{digest}.parquet"
        final = self.root / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        row = RunRow(
            run_id=run["run_id"],
            created_at=run["created_at"],
            period=run["period"],
            engine=run["engine"],
            gwp_set=run["gwp_set"],
            rows=run["rows"],
            ledger_sha256=digest,
            ledger_path=relative.as_posix(),
            manifest=json.dumps(run["manifest"], sort_keys=True),
        )
        stored = StoredRun.from_row(row)
        try:
            with Session(self.engine) as session, session.begin():
                session.add(row)
                session.flush()
                staged.replace(final)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        return stored, True

    def _is_registered(self, batch_id: str) -> bool:
        with Session(self.engine) as session:
            return session.get(BatchRow, batch_id) is not None

    def _sweep_staging(self) -> None:
        """Remove staged files that a crashed import left behind.

        A crash after the rename but before the commit can leave an unregistered file at its
        final, content-addressed path; it is never read, and re-importing rewrites the same
        bytes there, so it is left alone rather than racing a concurrent import.
        """
        for leftover in (self.root / BATCH_DIR / _STAGING).glob("*.parquet"):
            leftover.unlink(missing_ok=True)


def _engine(folder: Path) -> Engine:
    engine = create_engine(f"sqlite:///{folder / DATABASE_FILE}")

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def _config_toml(config: WorkspaceConfig) -> str:
    return tomli_w.dumps(config.model_dump(mode="json"))


def _write_synced(path: Path, content: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
