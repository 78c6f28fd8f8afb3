"""The reference engine: plain Python, row by row, obviously correct, for small inputs.

It runs no relational plan; the run room gives it each method's ``reference_lines`` and the
independent selection in :mod:`carbonledger.methods.reference`.
"""

from __future__ import annotations

from carbonledger.engine._base import Capabilities, Engine

__all__ = ["ReferenceEngine"]


class ReferenceEngine(Engine):
    """Marks a run as evaluated row by row (``calculation.reference_ledger``)."""

    name = "reference"
    capabilities = Capabilities(relational=False, out_of_core=False, distributed=False)
