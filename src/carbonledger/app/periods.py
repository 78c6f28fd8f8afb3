"""Jobs of sign-off: lock a period with its run, restate it, read the history."""

from __future__ import annotations

from carbonledger.app.audit import checkpoint
from carbonledger.store import Workspace
from carbonledger.store.periods import (
    PeriodState,
    checked_period,
    lock_period,
    period_history,
    reopen_period,
)

__all__ = ["lock", "periods", "restate"]


def lock(workspace: Workspace, period: str, run: str | None = None) -> PeriodState:
    """Lock a period with its signed-off run (default: the latest): no import may add records
    to it, and its figures are that run's until a restatement. The audit log is signed at the
    lock (a checkpoint a verifier can hold)."""
    state = lock_period(workspace, checked_period(period), workspace.get_run(run).run_id)
    checkpoint(workspace)
    return state


def restate(workspace: Workspace, period: str, reason: str) -> PeriodState:
    """Reopen a locked period for a correction, with the reason."""
    return reopen_period(workspace, period, reason)


def periods(workspace: Workspace, period: str | None = None) -> list[PeriodState]:
    """The history of locks and restatements (of one period, or all), oldest first."""
    return period_history(workspace, period)
