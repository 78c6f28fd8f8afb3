"""A stored run seen with its inputs: the one object the analysis jobs share.

``open_run`` gathers the run's inputs once (:class:`~carbonledger.run.RunInputs`) and checks
its ledger's hash once; every analysis job (inventory, intensity, hotspots, forecast, base
year, reports, evidence pack) takes a :class:`RunView`, so a caller doing several of them, like
the demo, reads nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa

from carbonledger.inventory import consolidation_shares
from carbonledger.inventory.ledger_sql import latest_year
from carbonledger.run import RunInputs, workspace_inputs
from carbonledger.store import StoredRun, Workspace
from carbonledger.store.periods import covering_lock

__all__ = ["RunView", "open_run"]


@dataclass
class RunView:
    """A workspace's stored run with its inputs and ledger.

    Attributes
    ----------
    workspace : Workspace
    stored : StoredRun
    """

    workspace: Workspace
    stored: StoredRun

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self.stored.run_id

    @cached_property
    def ledger(self) -> list[Path]:
        """The ledger's part files in order, each checked against its hash (once)."""
        return self.workspace.ledger_files(self.stored)

    @cached_property
    def inputs(self) -> RunInputs:
        """The workspace's inputs: batches and reference tables (gathered once)."""
        return workspace_inputs(self.workspace)

    @cached_property
    def shares(self) -> pa.Table:
        """Each entity's consolidated share under the workspace's boundary approach."""
        entities = self.inputs.entities
        return consolidation_shares(entities.to_pylist(), self.workspace.config.consolidation)

    def period(self, asked: str | None = None) -> str | None:
        """The period an analysis is of: the one asked for, else the run's, else the latest
        year the run holds (never a sum of years)."""
        return asked or self.stored.period or latest_year(self.ledger)


def open_run(
    workspace: Workspace, run: str | RunView | None = None, period: str | None = None
) -> RunView:
    """A run (default: the latest; for a locked period, its signed-off run) with its inputs.

    Parameters
    ----------
    workspace : Workspace
    run : str or RunView, optional
        Run id (a unique prefix will do), or a view already open (returned as it is).
    period : str, optional
        A period: where it is locked and no run is named, the locked run is the one opened.
    """
    if isinstance(run, RunView):
        return run
    lock = covering_lock(workspace, period) if period and run is None else None
    return RunView(workspace, workspace.get_run(lock.run_id if lock and lock.run_id else run))
