"""The holdings' invariants over random sequences of purchases, splits, transfers,
reservations and retirements (hypothesis): every serial stays accounted for, no serial is
retired twice, no retirement exceeds holdings, and the ledger replays to the same state."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from carbonledger.credits import (
    Claim,
    ClaimFacts,
    CreditUse,
    Holdings,
    SerialError,
    Status,
    evaluate_claim,
    parse_serial,
)

OWNERS = ("group", "broker", "buyer")


def _block(start: int, quantity: int, vintage: int):
    return parse_serial(f"ACR-US-192-{vintage}-203-{start}-{start + quantity - 1}")


class HoldingsMachine(RuleBasedStateMachine):
    blocks = Bundle("blocks")

    @initialize()
    def start(self):
        self.holdings = Holdings()
        self.next_start = {2021: 1, 2022: 1}
        self.purchased = 0
        self.retired_serials: set[tuple[int, int]] = set()
        self.count = 0

    @rule(
        target=blocks,
        quantity=st.integers(1, 500),
        vintage=st.sampled_from([2021, 2022]),
        owner=st.sampled_from(OWNERS),
    )
    def purchase(self, quantity, vintage, owner):
        start = self.next_start[vintage]
        self.next_start[vintage] += quantity
        self.count += 1
        block_id = f"B{self.count}"
        self.holdings.purchase(block_id, _block(start, quantity, vintage), owner, price=10.0)
        self.purchased += quantity
        return block_id

    @rule(block_id=blocks, vintage=st.sampled_from([2021, 2022]))
    def purchase_again_is_refused(self, block_id, vintage):
        held = self.holdings.block(block_id).block
        with pytest.raises(SerialError, match=r"bought once|overlaps"):
            self.holdings.purchase(f"X{self.count}", held, "group")

    @rule(target=blocks, block_id=blocks, share=st.floats(0.01, 0.99))
    def split(self, block_id, share):
        holding = self.holdings.block(block_id)
        quantity = max(1, int(holding.block.quantity * share))
        if holding.status is not Status.HELD or holding.block.quantity < 2:
            with pytest.raises(SerialError):
                self.holdings.split(block_id, quantity)
            return block_id
        a, _b = self.holdings.split(block_id, min(quantity, holding.block.quantity - 1))
        return a.block_id

    @rule(block_id=blocks, owner=st.sampled_from(OWNERS))
    def transfer(self, block_id, owner):
        if self.holdings.block(block_id).status is Status.HELD:
            self.holdings.transfer(block_id, owner)
        else:
            with pytest.raises(SerialError):
                self.holdings.transfer(block_id, owner)

    @rule(block_id=blocks)
    def reserve_and_release(self, block_id):
        if self.holdings.block(block_id).status is Status.HELD:
            self.holdings.reserve(block_id)
            self.holdings.release(block_id)

    @rule(
        block_ids=st.lists(blocks, min_size=1, max_size=3, unique=True),
        owner=st.sampled_from(OWNERS),
    )
    def retire(self, block_ids, owner):
        self.count += 1
        allowed = all(
            self.holdings.block(b).status is Status.HELD and self.holdings.block(b).owner == owner
            for b in block_ids
        )
        if not allowed:
            with pytest.raises(SerialError):
                self.holdings.retire(f"R{self.count}", block_ids, owner, owner, "test")
            return
        self.holdings.retire(f"R{self.count}", block_ids, owner, owner, "test", period="2025")
        for b in block_ids:
            block = self.holdings.block(b).block
            serials = {(block.vintage, n) for n in range(block.start, block.end + 1)}
            assert not serials & self.retired_serials  # no serial retired twice
            self.retired_serials |= serials

    @rule(quantity=st.integers(1, 800), owner=st.sampled_from(OWNERS))
    def retire_quantity(self, quantity, owner):
        self.count += 1
        balance = self.holdings.balance(owner)
        if quantity > balance:
            with pytest.raises(SerialError, match="holds"):
                self.holdings.retire_quantity(f"R{self.count}", quantity, owner, owner, "t")
            return
        retirement = self.holdings.retire_quantity(f"R{self.count}", quantity, owner, owner, "t")
        assert retirement.quantity(self.holdings) == quantity  # no credit more, none less
        assert self.holdings.balance(owner) == balance - quantity
        for b in retirement.block_ids:
            block = self.holdings.block(b).block
            serials = {(block.vintage, n) for n in range(block.start, block.end + 1)}
            assert not serials & self.retired_serials
            self.retired_serials |= serials

    @invariant()
    def every_serial_accounted_for(self):
        if not hasattr(self, "holdings"):
            return
        live = self.holdings.live()
        assert sum(h.block.quantity for h in live) == self.purchased
        for a, b in itertools.pairwise(live):
            assert not a.block.overlaps(b.block)

    @invariant()
    def replays_to_the_same_state(self):
        if not hasattr(self, "holdings"):
            return
        again = Holdings.replay(self.holdings.events)
        assert again.live() == self.holdings.live()
        assert again.retirements == self.holdings.retirements


TestHoldings = HoldingsMachine.TestCase
TestHoldings.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)


def test_a_broker_retires_for_its_buyer_who_stays_the_beneficiary():
    holdings = Holdings()
    holdings.purchase("B1", _block(1, 100, 2022), "broker")
    with pytest.raises(SerialError, match="the beneficiary is the buyer"):
        holdings.retire("R1", ["B1"], "broker", "broker", "resale", on_behalf_of="acme")
    retirement = holdings.retire_quantity(
        "R2", 30, "broker", "acme", "neutrality 2025", on_behalf_of="acme", period="2025"
    )
    assert retirement.beneficiary == "acme" and retirement.quantity(holdings) == 30
    assert holdings.balance("broker") == 70


@given(
    requests=st.lists(
        st.tuples(
            st.integers(1, 120),  # credits retired
            st.sampled_from(["C1", "C2"]),  # the claim served
            st.sampled_from(["2024", "2025"]),  # and its period
        ),
        min_size=1,
        max_size=12,
    )
)
@settings(max_examples=80, deadline=None)
def test_no_credit_serves_two_claims_or_two_periods(requests):
    """Retiring by quantity for random claims and periods: each serial serves one claim and one
    period, a retired block cannot be retired again for another, and each claim's evaluation
    counts only the credits retired for its own period (ISO 14068-1 11.3)."""
    holdings = Holdings()
    holdings.purchase("B1", _block(1, 500, 2022), "group")
    served: dict[int, tuple[str, str]] = {}
    for n, (quantity, claim, period) in enumerate(requests):
        if quantity > holdings.balance("group"):
            with pytest.raises(SerialError, match="holds"):
                holdings.retire_quantity(f"R{n}", quantity, "group", "group", "c", claim=claim)
            continue
        retirement = holdings.retire_quantity(
            f"R{n}", quantity, "group", "group", "c", claim=claim, period=period
        )
        for block_id in retirement.block_ids:
            block = holdings.block(block_id).block
            for serial in range(block.start, block.end + 1):
                assert serial not in served  # never a second claim or period
                served[serial] = (claim, period)
            with pytest.raises(SerialError):
                holdings.retire(f"again-{n}", [block_id], "group", "group", "c", "C9", "2026")
    uses = [
        CreditUse(
            r.retirement_id,
            b,
            "s",
            holdings.block(b).block.quantity,
            2022,
            "P",
            False,
            date(2025, 1, 1),
            r.claim,
            r.period,
            True,
        )
        for r in holdings.retirements
        for b in r.block_ids
    ]
    for claim_id in ("C1", "C2"):
        mine = [u for u in uses if u.claim == claim_id]
        claim = Claim(claim_id, "organisation", "G", "2024", "1+2")
        evaluation = evaluate_claim(claim, ClaimFacts(1.0, 1.0, uses=mine))
        expected = sum(1 for c, p in served.values() if (c, p) == (claim_id, "2024"))
        assert evaluation.retired == expected
        other_period = any(u.period != "2024" for u in mine)
        one = next(c for c in evaluation.checks if c.rule == "one_claim_one_period")
        assert one.passed is (not other_period)
