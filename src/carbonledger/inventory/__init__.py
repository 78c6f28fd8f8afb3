"""Inventory: aggregation of an emission ledger and the hybrid model's reconciliation."""

from carbonledger.inventory.reconcile import reconcile, unmatched_process_activity
from carbonledger.inventory.scope3 import scope3_categories, scope3_coverage
from carbonledger.inventory.totals import DIMENSIONS, totals
from carbonledger.inventory.transport import shipment_footprints, tce_footprints

__all__ = [
    "DIMENSIONS",
    "reconcile",
    "scope3_categories",
    "scope3_coverage",
    "shipment_footprints",
    "tce_footprints",
    "totals",
    "unmatched_process_activity",
]
