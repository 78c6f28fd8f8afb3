"""Packaging of shipped orders (scope 3 category 1 for materials, 12 for end of life).

The package types' bills of materials become per-package lines, joined to the counts of
packages used (:class:`~carbonledger.methods.bill_of_materials.BillOfMaterialsMethod`). The
DESNZ material and waste factors describe UK practice; elsewhere GB is a named proxy after the
workspace's own, and a component may name its own factor (for example Chinese
express-packaging defaults of YZ/T 0135-2014, imported as a user-factor release).
"""

from __future__ import annotations

from carbonledger.methods.bill_of_materials import BillOfMaterialsMethod

__all__ = ["Packaging"]


class Packaging(BillOfMaterialsMethod):
    """Materials and end of life of the packages used."""

    name = "packaging"
    bill_kind = "package_types"
    item_column = "package_type"
    units_column = "packages"
