"""Inventory: aggregation of an emission ledger and the hybrid model's reconciliation."""

from carbonledger.inventory.boundary import consolidation_shares
from carbonledger.inventory.inventory import Inventory, build_inventory, gas_group, intensities
from carbonledger.inventory.reconcile import reconcile, unmatched_process_activity
from carbonledger.inventory.scope3 import scope3_categories, scope3_coverage
from carbonledger.inventory.totals import DIMENSIONS, totals
from carbonledger.inventory.transport import shipment_footprints, tce_footprints

__all__ = [
    "DIMENSIONS",
    "Inventory",
    "build_inventory",
    "consolidation_shares",
    "gas_group",
    "intensities",
    "reconcile",
    "scope3_categories",
    "scope3_coverage",
    "shipment_footprints",
    "tce_footprints",
    "totals",
    "unmatched_process_activity",
]
