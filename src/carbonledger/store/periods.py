"""Period locks and base-year versions: append-only histories in the metadata store.

A period (``2025`` or ``2025-03``) is locked with the run that was signed off. While locked,
no batch with records in it may be imported and its inventory is the locked run's. A correction
reopens it with a reason (a restatement) and a new lock makes the next version; nothing is ever
edited or deleted, so the history shows every signed-off version and why it changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonledger.errors import WorkspaceError
from carbonledger.options import check_period
from carbonledger.provenance import utc_now
from carbonledger.store.models import BaseYearRow, PeriodVersionRow
from carbonledger.store.workspace import Workspace

__all__ = [
    "PeriodState",
    "base_year_versions",
    "checked_period",
    "covering_lock",
    "lock_period",
    "locks_covering",
    "period_history",
    "reopen_period",
    "store_base_year",
]

LOCKED, REOPENED = "locked", "reopened"


@dataclass(frozen=True)
class PeriodState:
    """One entry of a period's history."""

    period: str
    version: int
    status: str
    run_id: str | None
    at: str
    reason: str | None

    @classmethod
    def from_row(cls, row: PeriodVersionRow) -> PeriodState:
        """From a store row."""
        return cls(row.period, row.version, row.status, row.run_id, row.at, row.reason)


def _history(session: Session, period: str | None) -> list[PeriodState]:
    query = select(PeriodVersionRow).order_by(PeriodVersionRow.entry)
    if period is not None:
        query = query.where(PeriodVersionRow.period == period)
    return [PeriodState.from_row(r) for r in session.scalars(query)]


def period_history(workspace: Workspace, period: str | None = None) -> list[PeriodState]:
    """Entries of one period's history (or of all), oldest first."""
    with workspace.metadata.read() as session:
        return _history(session, period)


def _current(session: Session, period: str) -> PeriodState | None:
    history = _history(session, period)
    return history[-1] if history else None


def locks_covering(session: Session, month: str) -> PeriodState | None:
    """The lock that covers a month, read in an open session (e.g. inside a write)."""
    for period in (month[:4], month[:7]):
        state = _current(session, period)
        if state is not None and state.status == LOCKED:
            return state
    return None


def current_locks(workspace: Workspace) -> list[PeriodState]:
    """Every period locked now (its latest state), in period order."""
    with workspace.metadata.read() as session:
        latest: dict[str, PeriodState] = {}
        for state in _history(session, None):
            latest[state.period] = state
    return sorted((s for s in latest.values() if s.status == LOCKED), key=lambda s: s.period)


def covering_lock(workspace: Workspace, month: str) -> PeriodState | None:
    """The lock that covers a month (``2025`` covers ``2025-03``), if any."""
    with workspace.metadata.read() as session:
        return locks_covering(session, month)


def lock_period(workspace: Workspace, period: str, run_id: str) -> PeriodState:
    """Lock a period with its signed-off run (the next version).

    Raises
    ------
    WorkspaceError
        If the period is not ``YYYY`` or ``YYYY-MM``, or it is locked already (a month of a
        locked year is locked with it).
    """
    checked_period(period)
    with workspace.write("period.locked", period, {"run_id": run_id}) as session:
        current = locks_covering(session, period)
        if current is not None:
            raise WorkspaceError(
                f"period {period} is locked already by {current.period} (version {current.version})"
            )
        version = 1 + (
            session.scalar(
                select(func.count())
                .select_from(PeriodVersionRow)
                .where(PeriodVersionRow.period == period, PeriodVersionRow.status == LOCKED)
            )
            or 0
        )
        row = PeriodVersionRow(
            period=period, version=version, status=LOCKED, run_id=run_id, at=utc_now()
        )
        session.add(row)
        session.flush()
        return PeriodState.from_row(row)


def reopen_period(workspace: Workspace, period: str, reason: str) -> PeriodState:
    """Reopen a locked period for a restatement, with the reason.

    Raises
    ------
    WorkspaceError
        If it is not locked, or no reason is given.
    """
    checked_period(period)
    if not reason.strip():
        raise WorkspaceError("a restatement needs a reason")
    with workspace.write("period.reopened", period, {"reason": reason}) as session:
        current = _current(session, period)
        if current is None or current.status != LOCKED:
            raise WorkspaceError(f"period {period} is not locked")
        row = PeriodVersionRow(
            period=period,
            version=current.version,
            status=REOPENED,
            run_id=current.run_id,
            at=utc_now(),
            reason=reason,
        )
        session.add(row)
        session.flush()
        return PeriodState.from_row(row)


def checked_period(period: str) -> str:
    """``period`` if it is ``YYYY`` or ``YYYY-MM`` (see :func:`~carbonledger.options.check_period`).

    Raises
    ------
    WorkspaceError
        Naming the value and what is expected.
    """
    try:
        return check_period(period)
    except ValueError as exc:
        raise WorkspaceError(str(exc)) from None


def store_base_year(workspace: Workspace, base_year: int, run_id: str, record: dict) -> int:
    """Store a new version of the base-year inventory and its recalculation; its number."""
    payload = {"base_year": base_year, "run_id": run_id}
    with workspace.write("base_year.stored", str(base_year), payload) as session:
        version = 1 + (session.scalar(select(func.max(BaseYearRow.version))) or 0)
        session.add(
            BaseYearRow(
                version=version,
                base_year=base_year,
                created_at=utc_now(),
                run_id=run_id,
                record=json.dumps(record, sort_keys=True, default=str),
            )
        )
    return version


def base_year_versions(workspace: Workspace) -> list[dict[str, Any]]:
    """Every stored base-year version, oldest first."""
    query = select(BaseYearRow).order_by(BaseYearRow.version)
    with workspace.metadata.read() as session:
        return [
            {
                "version": r.version,
                "base_year": r.base_year,
                "created_at": r.created_at,
                "run_id": r.run_id,
                **json.loads(r.record),
            }
            for r in session.scalars(query)
        ]
