"""Inventory: aggregation of an emission ledger (later: boundary, base year, uncertainty)."""

from carbonledger.inventory.totals import DIMENSIONS, totals

__all__ = ["DIMENSIONS", "totals"]
