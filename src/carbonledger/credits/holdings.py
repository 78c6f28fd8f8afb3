"""Holdings of credit blocks and the operations on them: purchase, split, transfer, reserve,
retire and cancel, as a ledger of events.

Invariants, enforced on every operation (and property-tested):

- **every serial is accounted for**: the live blocks (those not split) of an issuance cover
  exactly the credits purchased, never overlapping;
- **no serial is retired twice**: a retired or cancelled block takes no further operation;
- **no retirement exceeds holdings**: a retirement retires only blocks its owner holds, and
  :meth:`Holdings.retire_quantity` splits the last block it needs so it retires no credit more;
- retiring **on behalf of a buyer** (a broker's flow) keeps the buyer as the beneficiary.

The ledger is a list of :class:`Event` that :meth:`Holdings.replay` rebuilds it from, so the
store can keep the events and the state is always derived.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from carbonledger.credits.serials import SerialBlock, SerialError

__all__ = ["Event", "Holding", "Holdings", "Retirement", "Status"]


class Status(StrEnum):
    """Status of a block."""

    HELD = "held"
    RESERVED = "reserved"
    RETIRED = "retired"
    CANCELLED = "cancelled"
    SPLIT = "split"  # replaced by its two parts


@dataclass(frozen=True)
class Retirement:
    """A retirement: the blocks, whom it benefits, why, and the claim and period it serves."""

    retirement_id: str
    block_ids: tuple[str, ...]
    owner: str
    beneficiary: str
    reason: str
    claim: str | None = None
    period: str | None = None
    on_behalf_of: str | None = None
    retired: date | None = None

    def quantity(self, holdings: Holdings) -> int:
        """Credits retired [t CO2e]."""
        return sum(holdings.block(b).block.quantity for b in self.block_ids)


@dataclass(frozen=True)
class Holding:
    """A block and its state."""

    block_id: str
    block: SerialBlock
    owner: str
    status: Status = Status.HELD
    parent: str | None = None
    retirement_id: str | None = None


@dataclass(frozen=True)
class Event:
    """One operation of the ledger, as data (``kind`` and its arguments)."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)


class Holdings:
    """The credit blocks an organisation (or a broker for its buyers) has held."""

    def __init__(self) -> None:
        self._blocks: dict[str, Holding] = {}
        self._retirements: dict[str, Retirement] = {}
        self.events: list[Event] = []

    # -- reading -------------------------------------------------------------------------

    def __contains__(self, block_id: object) -> bool:
        """Whether a block of that id was ever bought or split off."""
        return block_id in self._blocks

    def block(self, block_id: str) -> Holding:
        """One block by id.

        Raises
        ------
        SerialError
            If no block has that id.
        """
        if block_id not in self._blocks:
            raise SerialError(f"no block {block_id!r}")
        return self._blocks[block_id]

    def live(self) -> list[Holding]:
        """Blocks not split, in serial order."""
        return sorted(
            (h for h in self._blocks.values() if h.status is not Status.SPLIT),
            key=lambda h: (h.block.registry, h.block.issuance, h.block.start),
        )

    def held(self, owner: str) -> list[Holding]:
        """Blocks ``owner`` holds and may retire."""
        return [h for h in self.live() if h.owner == owner and h.status is Status.HELD]

    def balance(self, owner: str) -> int:
        """Credits ``owner`` holds [t CO2e]."""
        return sum(h.block.quantity for h in self.held(owner))

    @property
    def retirements(self) -> list[Retirement]:
        """Every retirement, in order."""
        return list(self._retirements.values())

    # -- operations ------------------------------------------------------------------------

    def _record(self, kind: str, **args: Any) -> None:
        self.events.append(Event(kind, args))

    def purchase(self, block_id: str, block: SerialBlock, owner: str, **terms: Any) -> Holding:
        """A block bought (or issued) into ``owner``'s holding; ``terms`` such as price and
        currency are kept with the event.

        Raises
        ------
        SerialError
            If the id is taken or a credit of the block was ever held before (a serial is
            bought once).
        """
        if block_id in self._blocks:
            raise SerialError(f"block id {block_id!r} is taken")
        for other in self._blocks.values():
            if other.status is not Status.SPLIT and other.block.overlaps(block):
                raise SerialError(
                    f"{block.serial} overlaps {other.block.serial} (block {other.block_id}): "
                    "a serial is bought once"
                )
        holding = Holding(block_id, block, owner)
        self._blocks[block_id] = holding
        self._record("purchase", block_id=block_id, block=block, owner=owner, **terms)
        return holding

    def _live_held(self, block_id: str, owner: str | None = None) -> Holding:
        holding = self.block(block_id)
        if holding.status is not Status.HELD:
            raise SerialError(
                f"block {block_id} ({holding.block.serial}) is {holding.status}: it takes no "
                "further operation"
            )
        if owner is not None and holding.owner != owner:
            raise SerialError(f"block {block_id} is held by {holding.owner}, not {owner}")
        return holding

    def split(self, block_id: str, quantity: int) -> tuple[Holding, Holding]:
        """Split ``quantity`` credits off a held block: two new blocks ``<id>.a`` and
        ``<id>.b`` replace it."""
        holding = self._live_held(block_id)
        first, rest = holding.block.split(quantity)
        a = Holding(f"{block_id}.a", first, holding.owner, parent=block_id)
        b = Holding(f"{block_id}.b", rest, holding.owner, parent=block_id)
        self._blocks[block_id] = replace(holding, status=Status.SPLIT)
        self._blocks[a.block_id], self._blocks[b.block_id] = a, b
        self._record("split", block_id=block_id, quantity=quantity)
        return a, b

    def transfer(self, block_id: str, owner: str) -> Holding:
        """Move a held block to another owner (a sale, or from a broker to its buyer)."""
        holding = replace(self._live_held(block_id), owner=owner)
        self._blocks[block_id] = holding
        self._record("transfer", block_id=block_id, owner=owner)
        return holding

    def reserve(self, block_id: str) -> Holding:
        """Set a held block aside (for a claim in preparation); :meth:`release` undoes it."""
        holding = replace(self._live_held(block_id), status=Status.RESERVED)
        self._blocks[block_id] = holding
        self._record("reserve", block_id=block_id)
        return holding

    def release(self, block_id: str) -> Holding:
        """A reserved block back to held."""
        holding = self.block(block_id)
        if holding.status is not Status.RESERVED:
            raise SerialError(f"block {block_id} is {holding.status}, not reserved")
        holding = replace(holding, status=Status.HELD)
        self._blocks[block_id] = holding
        self._record("release", block_id=block_id)
        return holding

    def retire(
        self,
        retirement_id: str,
        block_ids: Sequence[str],
        owner: str,
        beneficiary: str,
        reason: str,
        claim: str | None = None,
        period: str | None = None,
        on_behalf_of: str | None = None,
        retired: date | None = None,
    ) -> Retirement:
        """Retire held blocks of ``owner``. A broker retiring for a buyer names the buyer in
        ``on_behalf_of``, who must then be the beneficiary; ``retired`` is the registry's date
        of the retirement (the claims' timing rules read it).

        Raises
        ------
        SerialError
            If a block is not held by the owner (already retired, cancelled, reserved, split,
            someone else's), a block is named twice, the id is taken, or the beneficiary of
            a retirement on behalf of a buyer is not the buyer.
        """
        if retirement_id in self._retirements:
            raise SerialError(f"retirement id {retirement_id!r} is taken")
        if len(set(block_ids)) != len(block_ids) or not block_ids:
            raise SerialError(f"retirement {retirement_id}: name each block once, at least one")
        if on_behalf_of is not None and beneficiary != on_behalf_of:
            raise SerialError(
                f"retirement {retirement_id} on behalf of {on_behalf_of}: the beneficiary is "
                f"the buyer, not {beneficiary}"
            )
        for block_id in block_ids:
            self._live_held(block_id, owner)
        retirement = Retirement(
            retirement_id,
            tuple(block_ids),
            owner,
            beneficiary,
            reason,
            claim,
            period,
            on_behalf_of,
            retired,
        )
        for block_id in block_ids:
            self._blocks[block_id] = replace(
                self._blocks[block_id], status=Status.RETIRED, retirement_id=retirement_id
            )
        self._retirements[retirement_id] = retirement
        self._record(
            "retire",
            retirement_id=retirement_id,
            block_ids=tuple(block_ids),
            owner=owner,
            beneficiary=beneficiary,
            reason=reason,
            claim=claim,
            period=period,
            on_behalf_of=on_behalf_of,
            retired=retired,
        )
        return retirement

    def retire_quantity(
        self,
        retirement_id: str,
        quantity: int,
        owner: str,
        beneficiary: str,
        reason: str,
        blocks: Iterable[str] | None = None,
        **details: Any,
    ) -> Retirement:
        """Retire exactly ``quantity`` credits of ``owner`` from its held blocks (or those
        named, in order), splitting the last one as needed.

        Raises
        ------
        SerialError
            If the owner holds fewer credits than asked.
        """
        candidates = [self.block(b) for b in blocks] if blocks else self.held(owner)
        available = sum(h.block.quantity for h in candidates if h.status is Status.HELD)
        if quantity <= 0 or quantity > available:
            raise SerialError(
                f"retirement {retirement_id}: {quantity} credits asked, {owner} holds "
                f"{available} in the blocks offered"
            )
        chosen, left = [], quantity
        for holding in candidates:
            if left == 0:
                break
            if holding.status is not Status.HELD:
                continue
            if holding.block.quantity > left:
                holding, _ = self.split(holding.block_id, left)
            chosen.append(holding.block_id)
            left -= holding.block.quantity
        return self.retire(retirement_id, chosen, owner, beneficiary, reason, **details)

    def cancel(self, block_id: str, reason: str) -> Holding:
        """Cancel a held block (a compliance surrender, or a registry's correction)."""
        holding = replace(self._live_held(block_id), status=Status.CANCELLED)
        self._blocks[block_id] = holding
        self._record("cancel", block_id=block_id, reason=reason)
        return holding

    # -- events ----------------------------------------------------------------------------

    @classmethod
    def replay(cls, events: Iterable[Event]) -> Holdings:
        """The ledger rebuilt from its events (each applied through the same checks)."""
        holdings = cls()
        for event in events:
            args = dict(event.args)
            if event.kind == "purchase":
                block_id, block, owner = args.pop("block_id"), args.pop("block"), args.pop("owner")
                holdings.purchase(block_id, block, owner, **args)
            else:
                getattr(holdings, event.kind)(**args)
        return holdings
