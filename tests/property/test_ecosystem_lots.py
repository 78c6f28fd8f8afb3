"""Verified Scope 3+ lots: never more than the counted reductions, each sold once, and a sold
lot never retired for the platform's own claims (the credit registry's rule, shared)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.credits import Holdings, SerialError, parse_serial
from carbonledger.ecosystem import Lot, LotBook, LotError, lot_serial

COUNTED = {("maas", 2024): 1000.4, ("maas", 2025): 250.0, ("resale", 2024): 80.9}
KEYS = sorted(COUNTED)

steps = st.lists(
    st.tuples(
        st.sampled_from(["issue", "sell", "retire"]),
        st.integers(0, len(KEYS) - 1),
        st.integers(1, 400),
        st.integers(0, 7),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(steps)
def test_lots_are_sold_once_and_never_claimed_after_sale(ops):
    book, holdings, issued = LotBook(COUNTED), Holdings(), []
    sold: set[str] = set()
    retired: set[str] = set()
    for n, (op, key, quantity, pick) in enumerate(ops):
        programme, year = KEYS[key]
        if op == "issue":
            lot = Lot(f"L{n}", programme, year, quantity, "scheme", "verifier", "2025-01-01")
            try:
                book.issue(lot)
            except LotError:
                assert quantity > book.remaining(programme, year)
                continue
            serial = lot_serial(lot, book.first_tonne(lot.lot_id))
            holdings.purchase(lot.lot_id, parse_serial(serial, "scope3plus"), programme)
            issued.append(lot.lot_id)
        elif issued:
            lot_id = issued[pick % len(issued)]
            if op == "sell":
                try:
                    holdings.transfer(lot_id, "buyer")  # the registry: only a held lot moves
                    book.sell(lot_id, "buyer", None)
                except (LotError, SerialError):
                    assert lot_id in sold or lot_id in retired  # refused only then
                    continue
                assert lot_id not in sold and lot_id not in retired
                sold.add(lot_id)
            else:  # the platform retires a lot for its own claim
                owner = next(lot.programme_id for lot in book.lots if lot.lot_id == lot_id)
                try:
                    holdings.retire(f"R{n}", [lot_id], owner, owner, "own claim", claim="C")
                except SerialError:
                    assert lot_id in sold or lot_id in retired
                    continue
                assert lot_id not in sold and lot_id not in retired
                retired.add(lot_id)
    for (programme, year), counted in COUNTED.items():
        assert book.issued(programme, year) <= math.floor(counted)
        assert book.sold(programme, year) <= book.issued(programme, year)
    claimed = {b for r in holdings.retirements for b in r.block_ids}
    assert not claimed & sold
