"""Tables of the metadata store (SQLAlchemy 2 declarative models)."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "BaseYearRow",
    "BatchRow",
    "EventRow",
    "FactorReleaseRow",
    "PeriodVersionRow",
    "RunRow",
]


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class BatchRow(Base):
    """One imported, validated, immutable batch of activity records."""

    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("kind", "source_sha256", name="uq_batches_kind_source"),)

    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    source_path: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    sheet: Mapped[str | None] = mapped_column(String(255))
    rows: Mapped[int] = mapped_column(Integer)
    parquet_path: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[str] = mapped_column(String(32))
    #: ``active``; ``superseded`` by a replacement; ``removed``. Rows are never deleted.
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    #: Hash of the records themselves (without file row numbers; see
    #: ``app.data.records_sha256``): the same records from another file, format or row order
    #: have the same one.
    records_sha256: Mapped[str | None] = mapped_column(String(64))
    superseded_by: Mapped[str | None] = mapped_column(String(64))
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_at: Mapped[str | None] = mapped_column(String(32))


class RunRow(Base):
    """One calculation run: its manifest and the content-addressed ledger it wrote."""

    __tablename__ = "runs"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(16))
    engine: Mapped[str] = mapped_column(String(32))
    gwp_set: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer)
    ledger_sha256: Mapped[str] = mapped_column(String(64))
    ledger_path: Mapped[str] = mapped_column(Text)
    manifest: Mapped[str] = mapped_column(Text)


class PeriodVersionRow(Base):
    """One step in a period's history: locked with a run, or reopened for a restatement."""

    __tablename__ = "period_versions"

    entry: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    run_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)


class BaseYearRow(Base):
    """One version of the base-year inventory and its recalculation (a JSON record)."""

    __tablename__ = "base_year_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    base_year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(32))
    run_id: Mapped[str] = mapped_column(String(64))
    record: Mapped[str] = mapped_column(Text)


class FactorReleaseRow(Base):
    """A user factor release added to the workspace (its files live in the file store)."""

    __tablename__ = "factor_releases"

    release_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    publisher: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(64))
    licence: Mapped[str] = mapped_column(Text)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    folder: Mapped[str] = mapped_column(Text)
    added_at: Mapped[str] = mapped_column(String(32))


class EventRow(Base):
    """One change to the workspace, written by the store's single write path.

    Every change (a batch stored, a run stored, a period locked or reopened, a base-year
    version, a factor release) adds exactly one event in the same transaction, so the history
    of a workspace is this table in ``entry`` order. Events hold hashes and metadata, not data.
    """

    __tablename__ = "events"

    entry: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(255))
    payload: Mapped[str] = mapped_column(Text)
