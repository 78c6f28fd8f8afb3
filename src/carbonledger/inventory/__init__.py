"""Inventory: aggregation of an emission ledger and the hybrid model's reconciliation."""

from carbonledger.inventory.reconcile import reconcile, unmatched_process_activity
from carbonledger.inventory.totals import DIMENSIONS, totals

__all__ = ["DIMENSIONS", "reconcile", "totals", "unmatched_process_activity"]
