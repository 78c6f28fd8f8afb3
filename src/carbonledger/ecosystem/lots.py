"""Verified lots of programme reductions: issued within what the programme ledger counts, sold
once.

A lot holds whole tonnes of one programme's reductions of one year. :class:`LotBook` refuses a
lot larger than what is left of that year's counted reductions after the lots issued before
it, an id used twice, and a second sale. The lots then enter the credit registry as blocks (the
app layer does this with :func:`lot_serial`), so the registry's own rule, that only the holder
retires a block, keeps a sold lot out of the platform's claims.

Examples
--------
>>> book = LotBook({("maas", 2024): 24_500.7})
>>> book.issue(Lot("L1", "maas", 2024, 24_500, "Beijing MaaS", "CEC", "2025-03-01"))
>>> book.sell("L1", "Buyer Co", "2025-04-01")
>>> book.remaining("maas", 2024), book.sold("maas", 2024)
(0, 24500)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from carbonledger.errors import CarbonLedgerError

__all__ = ["Lot", "LotBook", "LotError", "lot_serial"]


class LotError(CarbonLedgerError):
    """A lot that exceeds the counted reductions, repeats an id, or is sold twice."""


@dataclass(frozen=True)
class Lot:
    """One verified lot.

    Parameters
    ----------
    lot_id, programme_id : str
    year : int
        Year of the reductions.
    quantity : int
        Verified reductions [t CO2e].
    scheme, verifier, verified : str
        Scheme it is issued under, who verified it, and the day (ISO date).
    buyer, sold : str, optional
        Whom it was sold to and the day.
    """

    lot_id: str
    programme_id: str
    year: int
    quantity: int
    scheme: str
    verifier: str
    verified: str
    buyer: str | None = None
    sold: str | None = None


def lot_serial(lot: Lot, first: int) -> str:
    """The lot's serial as a credit block (``scope3plus`` format): programme, year and the
    range of tonnes it holds among the lots of that programme and year, ``first`` being its
    first tonne (1 for the first lot)."""
    last = first + lot.quantity - 1
    return f"S3P-{lot.programme_id}-{lot.year}-{first:09d}-{last:09d}"


class LotBook:
    """Lots of a workspace, against the counted reductions by (programme, year) [t CO2e]."""

    def __init__(self, counted: Mapping[tuple[str, int], float]) -> None:
        self._counted = dict(counted)
        self._lots: dict[str, Lot] = {}
        self._first: dict[str, int] = {}

    @property
    def counted(self) -> dict[tuple[str, int], float]:
        """The counted reductions the book issues against, by (programme, year) [t CO2e]."""
        return dict(self._counted)

    @property
    def lots(self) -> list[Lot]:
        """Every lot, in the order issued."""
        return list(self._lots.values())

    def first_tonne(self, lot_id: str) -> int:
        """The lot's first tonne among the lots of its programme and year (1-based)."""
        return self._first[lot_id]

    def issued(self, programme_id: str, year: int) -> int:
        """Tonnes issued as lots of a programme and year."""
        return sum(
            lot.quantity
            for lot in self._lots.values()
            if (lot.programme_id, lot.year) == (programme_id, year)
        )

    def remaining(self, programme_id: str, year: int) -> int:
        """Whole tonnes of counted reductions not yet issued as lots."""
        counted = math.floor(round(self._counted.get((programme_id, year), 0.0), 6))
        return max(counted - self.issued(programme_id, year), 0)

    def sold(self, programme_id: str, year: int) -> int:
        """Tonnes of a programme and year sold."""
        return sum(
            lot.quantity
            for lot in self._lots.values()
            if (lot.programme_id, lot.year) == (programme_id, year) and lot.buyer
        )

    def issue(self, lot: Lot) -> None:
        """Issue a lot (unsold; a sale is :meth:`sell`).

        Raises
        ------
        LotError
            If the id is taken or the lot exceeds the remaining counted reductions.
        """
        if lot.lot_id in self._lots:
            raise LotError(f"lot {lot.lot_id} is issued already")
        if lot.quantity < 1:
            raise LotError(f"lot {lot.lot_id}: a lot holds at least 1 t")
        left = self.remaining(lot.programme_id, lot.year)
        if lot.quantity > left:
            counted = self._counted.get((lot.programme_id, lot.year), 0.0)
            raise LotError(
                f"lot {lot.lot_id}: {lot.quantity} t of {lot.programme_id} {lot.year} asked, "
                f"{left} t left (counted {counted:,.1f} t, issued "
                f"{self.issued(lot.programme_id, lot.year)} t)"
            )
        self._first[lot.lot_id] = self.issued(lot.programme_id, lot.year) + 1
        self._lots[lot.lot_id] = replace(lot, buyer=None, sold=None)

    def sell(self, lot_id: str, buyer: str, on: str | None) -> None:
        """Sell a held lot to ``buyer``.

        Raises
        ------
        LotError
            If the lot is unknown or sold already.
        """
        if lot_id not in self._lots:
            raise LotError(f"lot {lot_id} is not issued")
        lot = self._lots[lot_id]
        if lot.buyer:
            raise LotError(f"lot {lot_id} was sold to {lot.buyer} already")
        self._lots[lot_id] = replace(lot, buyer=buyer, sold=on)
