"""The workspace: configuration, metadata store and content-addressed Parquet batches.

Layout of a workspace folder::

    carbonledger.toml      settings (WorkspaceConfig)
    carbonledger.db        SQLite metadata store (or PostgreSQL by URL), managed by Alembic
    batches/<kind>/<sha256>.parquet   imported batches, immutable, named by content hash
    ledgers/<sha256>.json             emission ledgers of calculation runs: manifests of
    ledgers/parts/<sha256>.parquet    their ordered parts (see carbonledger.store.ledgers)
    factors/<release>/     the workspace's own factor releases
    .staging/<pid>-<token>/           files being written by a live process
    .writer.lock           held while a writer registers a change

Every change passes through :meth:`Workspace.write`: it takes the writer lock, opens one
transaction, lets the caller add its rows (and move its staged files into place), adds one
event row, and commits. A batch or run becomes visible only when that commit succeeds; a
failure rolls back the rows and removes the moved file, so nothing is ever half-written.
Readers never take the lock: stored files are immutable and every read checks their hash.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import json
import os
import shutil
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonledger.errors import ConfigError, FactorError, SettingsError, WorkspaceError
from carbonledger.options import WorkspaceConfig
from carbonledger.provenance import parquet_bytes, sha256_bytes, sha256_file, utc_now
from carbonledger.store.files import FileStore
from carbonledger.store.ledgers import LedgerPart, manifest_bytes, parse_manifest, stage_parts
from carbonledger.store.lock import writer_lock
from carbonledger.store.metadata import MetadataStore
from carbonledger.store.models import BatchRow, EventRow, FactorReleaseRow, RunRow

__all__ = [
    "CONFIG_FILE",
    "BatchInfo",
    "Event",
    "StoredBatch",
    "StoredRun",
    "Workspace",
    "acting_as",
    "unchanged",
]

CONFIG_FILE = "carbonledger.toml"
BATCH_DIR = "batches"
LEDGER_DIR = "ledgers"
#: Folder of the audit log's checkpoints, the leaf hashes they signed and the log's keys.
AUDIT_DIR = "audit"
#: Folder of the programme ledgers (Scope 3+), laid out as the emission ledgers are.
PROGRAMME_LEDGER_DIR = "ecosystem"
FACTOR_DIR = "factors"
#: Statuses of a batch: calculated, replaced by a corrected batch, removed.
ACTIVE, SUPERSEDED, REMOVED = "active", "superseded", "removed"
#: Who a change is recorded as made by, unless the caller names a user.
ACTOR_ENV = "CARBONLEDGER_USER"
#: Who makes the changes of the current request or job (the server sets it per request).
_ACTOR: ContextVar[str | None] = ContextVar("carbonledger_actor", default=None)


@contextlib.contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Record ``actor`` (``user:alice``, ``client:cl_...``) on every change made in the block,
    in this thread or task, over :data:`ACTOR_ENV` and the login name."""
    token = _ACTOR.set(actor)
    try:
        yield
    finally:
        _ACTOR.reset(token)


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
    records_sha256 : str, optional
        Hash of the records themselves (sorted by the kind's key, without file row numbers),
        so the same records from another file, format or row order are recognised.
    """

    kind: str
    source_path: str
    source_sha256: str
    source_format: str
    encoding: str | None = None
    sheet: str | None = None
    records_sha256: str | None = None


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
    status : {"active", "superseded", "removed"}
        Only active batches are calculated; the others are kept, with why and when.
    records_sha256 : str or None
        Hash of the records themselves.
    superseded_by : str or None
        The batch that replaced this one.
    status_reason, status_at : str or None
        Why and when the batch was replaced or removed.
    """

    batch_id: str
    kind: str
    source_path: str
    source_sha256: str
    source_format: str
    rows: int
    parquet_path: str
    imported_at: str
    status: str = ACTIVE
    records_sha256: str | None = None
    superseded_by: str | None = None
    status_reason: str | None = None
    status_at: str | None = None

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
            row.status or ACTIVE,
            row.records_sha256,
            row.superseded_by,
            row.status_reason,
            row.status_at,
        )


@dataclass(frozen=True)
class Event:
    """One change to a workspace, as the write path recorded it.

    Attributes
    ----------
    entry : int
        Position in the workspace's history (1, 2, ...).
    at : str
        UTC time of the change.
    kind : str
        ``batch.stored``, ``run.stored``, ``period.locked``, ``period.reopened``,
        ``base_year.stored``, ``factor_release.added`` ...
    subject : str
        Id of what changed (batch id, run id, period, release id).
    actor : str
        Who made the change.
    payload : dict
        Hashes and metadata of the change (never the data).
    """

    entry: int
    at: str
    kind: str
    subject: str
    actor: str
    payload: dict[str, Any]


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
        Hash of the ledger's manifest (of its one file, for a run stored before parts).
    ledger_path : str
        Path of the manifest relative to the workspace root.
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
    """A carbonledger workspace: its settings, metadata store and file store.

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

    def __init__(self, root: Path, config: WorkspaceConfig, metadata: MetadataStore) -> None:
        self.root = root
        self.config = config
        self.metadata = metadata
        self.files = FileStore(root)
        self._config_stamp = self._stamp()
        #: Hooks called with every event the write path records, inside its transaction.
        self.event_hooks: list[Callable[[Session, Event], None]] = []

    # -- creation and opening -------------------------------------------------------------
    @classmethod
    def init(
        cls, root: str | Path, config: WorkspaceConfig, database_url: str | None = None
    ) -> Workspace:
        """Create a workspace in ``root`` (created if missing).

        ``database_url`` names its metadata store over the environment's and the config's (a
        server gives each tenant's workspace its own this way).

        Raises
        ------
        WorkspaceError
            If ``root`` already holds a workspace.
        """
        folder = Path(root)
        if (folder / CONFIG_FILE).exists():
            raise WorkspaceError(f"{folder} already holds a workspace ({CONFIG_FILE} exists)")
        workspace = cls(folder, config, _metadata(folder, config, database_url))
        workspace.files.ensure()
        workspace.metadata.migrate()
        (folder / CONFIG_FILE).write_text(_config_toml(config), encoding="utf-8")
        return workspace

    @classmethod
    def open(cls, root: str | Path = ".", database_url: str | None = None) -> Workspace:
        """Open the workspace in ``root``, upgrading its store schema if needed, and clear
        what dead processes left in its staging folder (``database_url``: as for
        :meth:`init`).

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
        config = _read_config(config_path)
        workspace = cls(folder, config, _metadata(folder, config, database_url))
        before = workspace.metadata.migrate()
        if before is not None and before < "0004":
            workspace._adopt_factor_releases()
        if removed := workspace.files.sweep():
            sys.stderr.write(
                f"carbonledger: removed {len(removed)} staged file(s) or folder(s) a stopped "
                f"process left in {workspace.root / '.staging'}\n"
            )
        return workspace

    # -- settings -------------------------------------------------------------------------
    def change_config(self, changes: Mapping[str, Any]) -> dict[str, list[Any]]:
        """Change settings through the write path: the whole new configuration validated,
        ``carbonledger.toml`` replaced atomically, and one ``settings.changed`` event naming
        each changed field with its value before and after (returned; ``{}`` when nothing
        changes, and then no event).

        Raises
        ------
        SettingsError
            For an unknown field, a value the field does not admit, or ``database_url`` (where
            the metadata lives is the server's or the operator's choice, not a request's).
        """
        if "database_url" in changes:
            raise SettingsError("database_url: where the metadata lives is not changed here")
        before = self.config.model_dump(mode="json")
        try:
            new = WorkspaceConfig.model_validate(
                {**self.config.model_dump(mode="json", exclude_none=True), **changes}
            )
        except PydanticValidationError as exc:
            found = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e['input']!r})"
                for e in exc.errors()
            )
            raise SettingsError(f"{CONFIG_FILE}: {found}") from None
        after = new.model_dump(mode="json")
        changed = {n: [before[n], after[n]] for n in after if before[n] != after[n]}
        if not changed:
            return {}
        path = self.root / CONFIG_FILE
        staged = path.with_name(f".{CONFIG_FILE}.partial")
        previous = path.read_text("utf-8")
        staged.write_text(_config_toml(new), encoding="utf-8")
        try:
            with self.write("settings.changed", CONFIG_FILE, {"changed": changed}):
                staged.replace(path)  # the event commits after this: undone below if it fails
        except BaseException:
            path.write_text(previous, encoding="utf-8")
            raise
        finally:
            staged.unlink(missing_ok=True)
        self.config, self._config_stamp = new, self._stamp()
        return changed

    def reload_config(self) -> bool:
        """Read ``carbonledger.toml`` again if it changed since this object read it (another
        process changed the settings); whether it did.

        Raises
        ------
        ConfigError
            If the file is no longer valid.
        """
        stamp = self._stamp()
        if stamp == self._config_stamp:
            return False
        self.config, self._config_stamp = _read_config(self.root / CONFIG_FILE), stamp
        return True

    def _stamp(self) -> tuple[int, int] | None:
        try:
            found = (self.root / CONFIG_FILE).stat()
        except FileNotFoundError:
            return None
        return found.st_mtime_ns, found.st_size

    def migrate(self) -> None:
        """Bring the metadata store to the newest schema revision (Alembic ``upgrade head``)."""
        self.metadata.migrate()

    # -- the one write path ---------------------------------------------------------------
    @contextlib.contextmanager
    def write(
        self, kind: str, subject: str, payload: dict[str, Any] | None = None
    ) -> Iterator[Session]:
        """The one way to change a workspace: lock, transaction, the change, its event.

        The block adds its rows to the session it is given (and may move staged files into
        place); when it ends, one :class:`Event` of ``kind`` about ``subject`` is added and
        everything commits together. If the block raises, nothing is committed.

        Parameters
        ----------
        kind : str
            Event kind, e.g. ``"batch.stored"``.
        subject : str
            Id of what changes.
        payload : dict, optional
            Hashes and metadata to record; the block may add to it (e.g. the hash of a file
            it wrote).

        A block that finds, under the lock, that there is nothing to change (the same batch
        stored meanwhile by another process) calls :func:`unchanged` on the session: then no
        event is recorded.
        """
        details: dict[str, Any] = payload if payload is not None else {}
        with writer_lock(self.root, f"{kind} {subject[:16]}"), self.metadata.transaction() as s:
            yield s
            if s.info.pop(_UNCHANGED, False):
                return
            row = EventRow(
                at=utc_now(),
                kind=kind,
                subject=subject,
                actor=_ACTOR.get() or os.environ.get(ACTOR_ENV) or _login(),
                payload=json.dumps(details, sort_keys=True, default=str),
            )
            s.add(row)
            s.flush()
            event = _event(row)
            for hook in self.event_hooks:
                hook(s, event)

    def events(self, kind: str | None = None) -> list[Event]:
        """The workspace's history, oldest first, optionally of one kind."""
        query = select(EventRow).order_by(EventRow.entry)
        if kind is not None:
            query = query.where(EventRow.kind == kind)
        with self.metadata.read() as session:
            return [_event(r) for r in session.scalars(query)]

    def revision(self) -> int:
        """The entry number of the workspace's latest event (0 before any): every change goes
        through :meth:`write`, so what was read at one revision holds until this number moves
        (a result cache's key)."""
        with self.metadata.engine.connect() as connection:  # Core: read once per request
            return int(connection.scalar(select(func.max(EventRow.entry))) or 0)

    # -- batches ------------------------------------------------------------------------
    def batches(self, kind: str | None = None, include_inactive: bool = False) -> list[StoredBatch]:
        """The stored batches, oldest first, optionally of one kind: the active ones (those a
        calculation reads), or with ``include_inactive`` also those replaced or removed."""
        query = select(BatchRow).order_by(BatchRow.imported_at, BatchRow.batch_id)
        if kind is not None:
            query = query.where(BatchRow.kind == kind)
        if not include_inactive:
            query = query.where(BatchRow.status == ACTIVE)
        with self.metadata.read() as session:
            return [StoredBatch.from_row(r) for r in session.scalars(query)]

    def find_batch(self, kind: str, source_sha256: str) -> StoredBatch | None:
        """Return the batch of ``kind`` imported from a file with this hash, if any (of any
        status)."""
        query = select(BatchRow).where(
            BatchRow.kind == kind, BatchRow.source_sha256 == source_sha256
        )
        with self.metadata.read() as session:
            row = session.scalars(query).first()
            return StoredBatch.from_row(row) if row else None

    def get_batch(self, batch_id: str) -> StoredBatch:
        """A stored batch by id.

        Raises
        ------
        WorkspaceError
            If the batch is unknown.
        """
        with self.metadata.read() as session:
            row = session.get(BatchRow, batch_id)
            if row is None:
                raise WorkspaceError(f"no batch {batch_id!r} in {self.root}")
            return StoredBatch.from_row(row)

    def batch_path(self, batch: StoredBatch | str) -> Path:
        """The file of a stored batch, after checking that it still has its content hash.

        Raises
        ------
        WorkspaceError
            If the batch is unknown.
        IntegrityError
            If the file is missing or was changed since it was stored (naming the batch).
        """
        stored = batch if isinstance(batch, StoredBatch) else self.get_batch(batch)
        return self.files.path(stored.parquet_path, stored.batch_id)

    def batch_paths(self, kind: str) -> list[tuple[str, Path]]:
        """``(batch_id, verified path)`` of every batch of a kind, oldest first."""
        return [(b.batch_id, self.batch_path(b)) for b in self.batches(kind)]

    def read_batch(self, batch_id: str) -> pa.Table:
        """Read a stored batch, checking that its file still has its content hash.

        Raises
        ------
        WorkspaceError
            If the batch is unknown.
        IntegrityError
            If the file was changed since it was stored.
        """
        stored = self.get_batch(batch_id)
        return pq.read_table(io.BytesIO(self.files.read_bytes(stored.parquet_path, batch_id)))

    def store_batch(
        self,
        info: BatchInfo,
        records: pa.Table | Path,
        check: Callable[[Session], None] | None = None,
        replaces: str | None = None,
        reason: str | None = None,
    ) -> tuple[StoredBatch, bool]:
        """Store a validated table as an immutable batch, atomically and idempotently.

        Parameters
        ----------
        info : BatchInfo
            Kind and source of the batch.
        records : pyarrow.Table or Path
            Validated, typed records: a table, or a Parquet file of them written to
            :meth:`staging_path` (moved into place, or removed, whatever the outcome).
        check : callable, optional
            Called inside the write transaction, under the writer lock, before the batch is
            registered (e.g. to refuse records of a period locked meanwhile, or records whose
            keys another batch holds); raising there stores nothing.
        replaces : str, optional
            An active batch of the same kind this one replaces (a correction): it is kept,
            marked ``superseded`` by the new batch with ``reason``, in the same transaction.
        reason : str, optional
            Why ``replaces`` is replaced (required with it).

        Returns
        -------
        batch : StoredBatch
            The stored batch, or the active one already holding the same file or records.
        created : bool
            ``False`` when nothing new was written.

        Raises
        ------
        WorkspaceError
            If the same content belongs to a batch that was replaced or removed (import it as
            a replacement to use it again), or ``replaces`` is not an active batch of the kind.
        """
        try:
            if replaces is not None and not (reason or "").strip():
                raise WorkspaceError("replacing a batch needs a reason")
            existing = self.find_batch(info.kind, info.source_sha256)
            if replaces is None and existing is not None and existing.status == ACTIVE:
                return existing, False
            staged, rows = self._staged_batch(records)
        except BaseException:
            if isinstance(records, Path):
                records.unlink(missing_ok=True)
            raise
        batch_id = sha256_file(staged)
        relative = (Path(BATCH_DIR) / info.kind / f"{batch_id}.parquet").as_posix()
        payload: dict[str, Any] = {
            "kind": info.kind,
            "rows": rows,
            "source": info.source_path,
            "source_sha256": info.source_sha256,
            "records_sha256": info.records_sha256,
        }
        if replaces is not None:
            payload |= {"replaces": replaces, "reason": reason}
        moved = False
        event = "batch.replaced" if replaces else "batch.stored"
        try:
            with self.write(event, batch_id, payload) as session:
                same = self._same_batch(session, info, batch_id)
                if same is not None and (same.status == ACTIVE or replaces is None):
                    if same.status != ACTIVE:
                        raise WorkspaceError(_inactive_message(same))
                    unchanged(session)
                    return StoredBatch.from_row(same), False
                if check is not None:
                    check(session)
                if replaces is not None:
                    self._supersede(session, info.kind, replaces, batch_id, str(reason))
                if same is not None:  # a replaced or removed batch brought back by a replacement
                    same.status, same.superseded_by = ACTIVE, None
                    same.status_reason, same.status_at = reason, utc_now()
                    session.flush()
                    return StoredBatch.from_row(same), True
                row = BatchRow(
                    batch_id=batch_id,
                    kind=info.kind,
                    source_path=info.source_path,
                    source_sha256=info.source_sha256,
                    source_format=info.source_format,
                    encoding=info.encoding,
                    sheet=info.sheet,
                    rows=rows,
                    parquet_path=relative,
                    imported_at=utc_now(),
                    status=ACTIVE,
                    records_sha256=info.records_sha256,
                )
                session.add(row)
                session.flush()
                self.files.commit(staged, relative)
                moved = True
                stored = StoredBatch.from_row(row)
        except BaseException:
            if moved and not self._is_registered(batch_id):
                self.files.discard(relative)
            raise
        finally:
            staged.unlink(missing_ok=True)
        return stored, True

    def _staged_batch(self, records: pa.Table | Path) -> tuple[Path, int]:
        """The staged file of a batch's records (flushed to disk) and its row count."""
        if not isinstance(records, Path):
            return self.files.stage_bytes(parquet_bytes(records)), records.num_rows
        with records.open("rb+") as handle:
            os.fsync(handle.fileno())
        return records, pq.ParquetFile(records).metadata.num_rows

    def remove_batch(
        self,
        batch_id: str,
        reason: str,
        check: Callable[[Session, StoredBatch], None] | None = None,
    ) -> StoredBatch:
        """Take an active batch out of the calculation, keeping it (status ``removed``, the
        reason and time recorded, one event).

        Parameters
        ----------
        batch_id : str
            The batch (a unique prefix will do).
        reason : str
            Why it is removed.
        check : callable, optional
            Called under the writer lock with the session and the batch (e.g. to refuse a
            batch with records in a locked period); raising there changes nothing.

        Raises
        ------
        WorkspaceError
            If no reason is given, or the batch is unknown or not active.
        """
        if not reason.strip():
            raise WorkspaceError("removing a batch needs a reason")
        batch = self.resolve_batch(batch_id)
        with self.write("batch.removed", batch.batch_id, {"reason": reason}) as session:
            row = session.get(BatchRow, batch.batch_id)
            assert row is not None
            if row.status != ACTIVE:
                raise WorkspaceError(_inactive_message(row))
            if check is not None:
                check(session, StoredBatch.from_row(row))
            row.status, row.status_reason, row.status_at = REMOVED, reason, utc_now()
            session.flush()
            return StoredBatch.from_row(row)

    def record_digests(self, digests: dict[str, str]) -> None:
        """Keep the records' hashes of batches stored before they had one (one event)."""
        with self.write("batch.records_hashed", f"{len(digests)} batches", digests) as session:
            for batch_id, digest in digests.items():
                row = session.get(BatchRow, batch_id)
                if row is not None and row.records_sha256 is None:
                    row.records_sha256 = digest
            session.flush()

    def resolve_batch(self, batch_id: str) -> StoredBatch:
        """A batch by id or unique prefix, of any status.

        Raises
        ------
        WorkspaceError
            If no batch or several match.
        """
        query = select(BatchRow).where(BatchRow.batch_id.startswith(batch_id))
        with self.metadata.read() as session:
            found = list(session.scalars(query.limit(2)))
        if len(found) != 1 or not batch_id:
            raise WorkspaceError(f"{len(found)} batches match {batch_id!r} in {self.root}")
        return StoredBatch.from_row(found[0])

    def _same_batch(self, session: Session, info: BatchInfo, batch_id: str) -> BatchRow | None:
        """A batch holding the same file, bytes or records (of the same kind), if any: an
        active one first."""
        candidates = [session.get(BatchRow, batch_id)]
        clauses = [BatchRow.source_sha256 == info.source_sha256]
        if info.records_sha256:
            clauses.append(BatchRow.records_sha256 == info.records_sha256)
        for clause in clauses:
            candidates += session.scalars(
                select(BatchRow).where(BatchRow.kind == info.kind, clause)
            )
        found = [c for c in candidates if c is not None]
        return next((c for c in found if c.status == ACTIVE), found[0] if found else None)

    @staticmethod
    def _supersede(session: Session, kind: str, old_id: str, new_id: str, reason: str) -> None:
        old = session.get(BatchRow, old_id)
        if old is None or old.kind != kind or old.status != ACTIVE:
            raise WorkspaceError(
                f"batch {old_id[:12]} is not an active {kind} batch: only an active batch of "
                "the same kind can be replaced"
            )
        old.status, old.superseded_by = SUPERSEDED, new_id
        old.status_reason, old.status_at = reason, utc_now()

    # -- runs ---------------------------------------------------------------------------
    def runs(self) -> list[StoredRun]:
        """Every run, oldest first."""
        query = select(RunRow).order_by(RunRow.created_at, RunRow.run_id)
        with self.metadata.read() as session:
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

    def ledger_files(self, run: StoredRun) -> list[Path]:
        """Absolute paths of a run's ledger parts, in ledger order, after checking the hash of
        its manifest and of every part.

        Raises
        ------
        IntegrityError
            If the manifest or a part is missing or changed since the run stored it.
        """
        if run.ledger_path.endswith(".parquet"):  # a ledger stored before parts existed
            return [self.files.path(run.ledger_path, run.ledger_sha256)]
        content = self.files.read_bytes(run.ledger_path, run.ledger_sha256)
        parts = parse_manifest(content, self.root / run.ledger_path)
        return [self.files.path(part.key, part.sha256) for part in parts]

    def staging_path(self, suffix: str = ".parquet") -> Path:
        """A fresh path in this process's staging folder for a file about to be stored."""
        return self.files.staging_path(suffix)

    def store_run(self, staged: list[Path], run: dict[str, Any]) -> tuple[StoredRun, bool]:
        """Register a run whose ledger parts were written to ``staged`` (paths from
        :meth:`staging_path`, in ledger order).

        Each part moves to ``ledgers/parts/<sha256>.parquet`` and the manifest listing them to
        ``ledgers/<sha256>.json`` (see :mod:`carbonledger.store.ledgers`); the run's row count
        is the parts'. A run whose id is already stored is not stored again (the staged files
        are discarded).

        Returns
        -------
        run : StoredRun
        created : bool
        """
        try:
            parts, manifest, digest, relative = _staged_ledger(LEDGER_DIR, staged)
            rows = sum(part.rows for _, part in parts)
            payload = {"ledger_sha256": digest, "rows": rows, "period": run["period"]}
            with self.write("run.stored", run["run_id"], payload) as session:
                if existing := session.get(RunRow, run["run_id"]):
                    unchanged(session)
                    return StoredRun.from_row(existing), False
                row = RunRow(
                    run_id=run["run_id"],
                    created_at=run["created_at"],
                    period=run["period"],
                    engine=run["engine"],
                    gwp_set=run["gwp_set"],
                    rows=rows,
                    ledger_sha256=digest,
                    ledger_path=relative,
                    manifest=json.dumps(run["manifest"], sort_keys=True),
                )
                session.add(row)
                session.flush()
                stored = StoredRun.from_row(row)
                self._commit_ledger(parts, manifest, relative)
        finally:
            for path in staged:
                path.unlink(missing_ok=True)
        return stored, True

    # -- programme ledgers (Scope 3+) ----------------------------------------------------
    def store_programme_ledger(
        self, staged: list[Path], calculation_id: str, payload: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """Register a Scope 3+ calculation whose programme-ledger parts were written to
        ``staged``: the parts and their manifest are stored as a run's are (under
        ``ecosystem/``) and one ``ecosystem.calculated`` event records the calculation id,
        the manifest's hash and ``payload`` (its inputs). A calculation id already recorded is
        not recorded again.

        Returns
        -------
        calculation : dict
            The event's payload (``calculation_id``, ``ledger_sha256``, ``ledger_path``,
            ``rows`` and the inputs).
        created : bool
        """
        try:
            for event in self.events("ecosystem.calculated"):
                if event.subject == calculation_id:
                    return event.payload, False
            parts, manifest, digest, relative = _staged_ledger(PROGRAMME_LEDGER_DIR, staged)
            details = payload | {
                "calculation_id": calculation_id,
                "ledger_sha256": digest,
                "ledger_path": relative,
                "rows": sum(part.rows for _, part in parts),
            }
            with self.write("ecosystem.calculated", calculation_id, details) as session:
                recorded = select(EventRow.entry).where(
                    EventRow.kind == "ecosystem.calculated", EventRow.subject == calculation_id
                )
                if session.scalars(recorded).first() is not None:
                    unchanged(session)
                    return details, False
                self._commit_ledger(parts, manifest, relative)
        finally:
            for path in staged:
                path.unlink(missing_ok=True)
        return details, True

    def _commit_ledger(
        self, parts: list[tuple[Path, LedgerPart]], manifest: bytes, relative: str
    ) -> None:
        """Move a ledger's staged parts and its manifest into place."""
        for path, part in parts:
            self.files.commit(path, part.key)
        self.files.commit(self.files.stage_bytes(manifest, ".json"), relative)

    def programme_calculations(self) -> list[dict[str, Any]]:
        """The Scope 3+ calculations recorded, oldest first (their events' payloads)."""
        return [e.payload for e in self.events("ecosystem.calculated")]

    def programme_ledger_files(self, calculation: dict[str, Any]) -> list[Path]:
        """Absolute paths of a Scope 3+ calculation's ledger parts, in order, after checking
        the hash of its manifest and of every part.

        Raises
        ------
        IntegrityError
            If the manifest or a part is missing or changed since it was stored.
        """
        path, digest = calculation["ledger_path"], calculation["ledger_sha256"]
        parts = parse_manifest(self.files.read_bytes(path, digest), self.root / path)
        return [self.files.path(part.key, part.sha256) for part in parts]

    # -- audit log ----------------------------------------------------------------------
    def audit_file(self, name: str) -> Path:
        """Where the audit log keeps ``name`` (a checkpoint, the leaf hashes, a key)."""
        return self.root / AUDIT_DIR / name

    def stored_file_hashes(self) -> list[tuple[str, str, str, str]]:
        """Every stored file the metadata names, re-hashed: ``(path, expected, found, what)``
        for each batch (its id is its file's hash), each run's and Scope 3+ calculation's
        ledger manifest, and each part those manifests list (``found`` is ``missing`` for a
        file that is gone)."""

        def found(relative: str) -> str:
            path = self.root / relative
            return sha256_file(path) if path.exists() else "missing"

        out = []
        for batch in self.batches(include_inactive=True):
            what = f"batch {batch.batch_id[:12]} ({batch.kind})"
            out.append((batch.parquet_path, batch.batch_id, found(batch.parquet_path), what))
        manifests = [(r.ledger_path, r.ledger_sha256, f"run {r.run_id[:12]}") for r in self.runs()]
        manifests += [
            (
                c["ledger_path"],
                c["ledger_sha256"],
                f"Scope 3+ calculation {c['calculation_id'][:12]}",
            )
            for c in self.programme_calculations()
        ]
        for relative, digest, what in manifests:
            actual = found(relative)
            out.append((relative, digest, actual, f"ledger manifest of {what}"))
            if actual != digest or relative.endswith(".parquet"):
                continue
            for part in parse_manifest((self.root / relative).read_bytes(), self.root / relative):
                out.append((part.key, part.sha256, found(part.key), f"ledger part of {what}"))
        return out

    def write_audit_files(self, files: dict[str, bytes]) -> None:
        """Write the audit log's files under the writer lock, each by an atomic rename (a
        checkpoint is not a change to the workspace: it signs the history as it stands)."""
        with writer_lock(self.root, "audit checkpoint"):
            for name, data in files.items():
                self.files.commit(self.files.stage_bytes(data, ".tmp"), f"{AUDIT_DIR}/{name}")

    # -- factor releases ------------------------------------------------------------------
    @property
    def factors_dir(self) -> Path:
        """Folder of the workspace's own factor releases (read by the factor library)."""
        return self.root / FACTOR_DIR

    def store_factor_release(
        self, release: dict[str, Any], write_folder: Callable[[Path], None] | None
    ) -> None:
        """Add a factor release: ``write_folder`` writes its files under :attr:`factors_dir`
        (atomically), and its metadata row and event commit with it.

        Parameters
        ----------
        release : dict
            ``release_id``, ``publisher``, ``version`` and ``licence``.
        write_folder : callable or None
            Writes the release folder (with its ``manifest.json``) into the folder it is given;
            raising stores nothing. None registers a folder that is there already (the
            releases of an older workspace). The manifest's SHA-256 is kept on the row and the
            event.

        Raises
        ------
        FactorError
            If a release of that id is registered already (releases are immutable).
        """
        release_id = release["release_id"]
        payload = dict(release)
        with self.write("factor_release.added", release_id, payload) as session:
            if session.get(FactorReleaseRow, release_id) is not None:
                raise FactorError(
                    f"factor release {release_id!r} exists already in {self.root}; "
                    "releases are immutable, give the new one another id"
                )
            folder = Path(FACTOR_DIR) / release_id
            if write_folder is not None:
                # under the lock, a folder of an unregistered release is a crashed write's
                shutil.rmtree(self.root / folder, ignore_errors=True)
                write_folder(self.factors_dir)
            payload["manifest_sha256"] = sha256_file(self.root / folder / "manifest.json")
            session.add(FactorReleaseRow(**payload, folder=folder.as_posix(), added_at=utc_now()))
            session.flush()

    def factor_release_folders(self) -> list[Path]:
        """The folders of the workspace's registered factor releases, in the order added."""
        return [self.root / r["folder"] for r in self.factor_releases()]

    def factor_releases(self) -> list[dict[str, Any]]:
        """The workspace's own factor releases, in the order they were added."""
        query = select(FactorReleaseRow).order_by(FactorReleaseRow.added_at)
        with self.metadata.read() as session:
            return [
                {c.name: getattr(r, c.name) for c in FactorReleaseRow.__table__.columns}
                for r in session.scalars(query)
            ]

    def _adopt_factor_releases(self) -> None:
        """Register the factor releases a workspace made before releases had metadata rows
        (schema revision 0004), each with an event, so the library keeps reading them."""
        for manifest_path in sorted(self.factors_dir.glob("*/manifest.json")):
            manifest = json.loads(manifest_path.read_text("utf-8"))
            self.store_factor_release(
                {
                    "release_id": manifest_path.parent.name,
                    "publisher": str(manifest.get("publisher", "")),
                    "version": str(manifest.get("version", "")),
                    "licence": str(manifest.get("licence", "")),
                },
                None,
            )

    def _is_registered(self, batch_id: str) -> bool:
        with self.metadata.read() as session:
            return session.get(BatchRow, batch_id) is not None


_UNCHANGED = "carbonledger.unchanged"


def _inactive_message(row: BatchRow | StoredBatch) -> str:
    how = f"by {row.superseded_by[:12]}" if row.superseded_by else ""
    return (
        f"batch {row.batch_id[:12]} ({row.kind}) was {row.status} {how} on {row.status_at}: "
        f"{row.status_reason}; to use these records again, replace the active batch with them "
        "(`carbonledger data replace BATCH FILE --reason ...`)"
    )


def _staged_ledger(
    folder: str, staged: list[Path]
) -> tuple[list[tuple[Path, LedgerPart]], bytes, str, str]:
    """A ledger's staged parts described, its manifest's bytes and hash, and where the
    manifest goes (``<folder>/<sha256>.json``)."""
    parts = stage_parts(folder, staged)
    manifest = manifest_bytes([part for _, part in parts])
    digest = sha256_bytes(manifest)
    return parts, manifest, digest, (Path(folder) / f"{digest}.json").as_posix()


def unchanged(session: Session) -> None:
    """Mark a write-path block as having changed nothing: no event is recorded."""
    session.info[_UNCHANGED] = True


def _event(row: EventRow) -> Event:
    return Event(row.entry, row.at, row.kind, row.subject, row.actor, json.loads(row.payload))


def _metadata(folder: Path, config: WorkspaceConfig, database_url: str | None) -> MetadataStore:
    if database_url:
        return MetadataStore(database_url)
    return MetadataStore.for_workspace(folder, config.database_url)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (containers)
        return f"uid:{os.getuid()}"


def _read_config(path: Path) -> WorkspaceConfig:
    """The settings in ``path`` (``carbonledger.toml``).

    Raises
    ------
    ConfigError
        Naming the file, if it is not valid TOML or not valid settings.
    """
    try:
        return WorkspaceConfig.model_validate(tomllib.loads(path.read_text("utf-8")))
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _config_toml(config: WorkspaceConfig) -> str:
    import tomli_w

    return tomli_w.dumps(config.model_dump(mode="json", exclude_none=True))
