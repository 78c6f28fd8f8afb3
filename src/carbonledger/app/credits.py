"""Credit jobs: the holdings and retirements the workspace's ``credit_blocks`` and
``credit_retirements`` tables make, replayed through the registry's invariants, and the check
that credits serve only residual emissions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from carbonledger.app.analysis import RunRef
from carbonledger.app.view import open_run
from carbonledger.credits import (
    Assessment,
    Holdings,
    Project,
    Score,
    SerialError,
    Status,
    SurrenderLine,
    assess,
    buyer_rules,
    check_buyer,
    check_surrender,
    compliance_rules,
    parse_serial,
    quality_policy,
)
from carbonledger.ecosystem import Lot, lot_serial
from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory import totals
from carbonledger.run import read_reference
from carbonledger.store import Workspace

__all__ = [
    "BlockInfo",
    "block_info",
    "buyer_eligibility",
    "credit_holdings",
    "credit_projects",
    "credit_quality",
    "credits",
    "ets_surrenders",
]


def _where(kind: str, row: Mapping[str, Any]) -> str:
    return f"{kind} row {row.get('source_row', '?')} ({row.get('block_id')})"


def credit_holdings(workspace: Workspace) -> Holdings:
    """The holdings: each ``credit_blocks`` row purchased, then each ``credit_retirements``
    row applied in order, through the registry's checks.

    Raises
    ------
    CarbonLedgerError
        Naming the table, row and block when a serial is in no known format, a serial was
        bought twice, or a retirement retires what is not held.
    """
    holdings = Holdings()
    for row in read_reference(workspace, "credit_blocks").to_pylist():
        try:
            block = parse_serial(row["serial"], row["registry"])
            holdings.purchase(
                row["block_id"],
                block,
                row["owner"],
                removal=bool(row["removal"]),
                project_id=row["project_id"],
                price=row["price"],
                currency=row["currency"],
            )
        except SerialError as exc:
            raise CarbonLedgerError(f"{_where('credit_blocks', row)}: {exc}") from exc
    issuers = _add_lots(holdings, workspace)
    retirements: dict[str, list[dict[str, Any]]] = {}
    for row in rows_in_history_order(workspace, "credit_retirements"):
        retirements.setdefault(row["retirement_id"], []).append(row)
    for retirement_id, rows in retirements.items():
        try:
            _retire(holdings, retirement_id, rows, issuers)
        except SerialError as exc:
            raise CarbonLedgerError(f"{_where('credit_retirements', rows[0])}: {exc}") from exc
    return holdings


def rows_in_history_order(workspace: Workspace, kind: str) -> list[dict[str, Any]]:
    """The rows of a kind's active batches in the order the batches were stored (the
    workspace's history, not the clock: two imports may share a timestamp), each batch's rows
    in file order."""
    order = {e.subject: e.entry for e in workspace.events() if e.kind.startswith("batch.")}
    batches = sorted(workspace.batches(kind), key=lambda b: order.get(b.batch_id, 0))
    return [row for b in batches for row in workspace.read_batch(b.batch_id).to_pylist()]


def _held_parts(holdings: Holdings, block_id: str) -> list[str]:
    """The held blocks a block became (itself, or the parts splits left of it)."""
    holdings.block(block_id)  # raises for an unknown block
    return [
        h.block_id
        for h in holdings.live()
        if (h.block_id == block_id or h.block_id.startswith(f"{block_id}."))
        and h.status is Status.HELD
    ]


def _add_lots(holdings: Holdings, workspace: Workspace) -> dict[str, str]:
    """The verified Scope 3+ lots (``ecosystem_lots``) as blocks issued to the programme's
    owner and, once sold, transferred to the buyer; returns each lot's issuer, the only
    holder a retirement in this workspace may retire it as (so a sold lot is never retired
    for the platform's claims)."""
    owners = {
        r["programme_id"]: r["owner"] for r in read_reference(workspace, "programmes").to_pylist()
    }
    first: dict[tuple[str, int], int] = {}
    issuers = {}
    for row in rows_in_history_order(workspace, "ecosystem_lots"):
        key = (row["programme_id"], row["year"])
        start = first.get(key, 1)
        first[key] = start + row["quantity"]
        lot = Lot(
            row["lot_id"],
            key[0],
            key[1],
            row["quantity"],
            row["scheme"],
            row["verifier"],
            str(row["verified"]),
        )
        issuer = owners.get(key[0], key[0])
        try:
            block = parse_serial(lot_serial(lot, start), "scope3plus")
            holdings.purchase(
                row["lot_id"],
                block,
                issuer,
                removal=False,
                project_id=f"scope3plus:{key[0]}",
                price=row["price"],
                currency=row["currency"],
            )
            if row["buyer"]:
                holdings.transfer(row["lot_id"], row["buyer"])
        except SerialError as exc:
            raise CarbonLedgerError(f"{_where('ecosystem_lots', row)}: {exc}") from exc
        issuers[row["lot_id"]] = issuer
    return issuers


def _retire(
    holdings: Holdings,
    retirement_id: str,
    rows: list[dict[str, Any]],
    issuers: Mapping[str, str],
) -> None:
    first = rows[0]
    lot_id = first["block_id"].split(".")[0]
    owner = issuers.get(lot_id) or holdings.block(first["block_id"]).owner
    chosen: list[str] = []
    for row in rows:
        parts = _held_parts(holdings, row["block_id"])
        if row["quantity"] is None:
            chosen += parts
            continue
        left = row["quantity"]
        for part in parts:
            if left == 0:
                break
            size = holdings.block(part).block.quantity
            if size > left:
                part = holdings.split(part, left)[0].block_id
                size = left
            chosen.append(part)
            left -= size
        if left:
            raise SerialError(
                f"retirement {retirement_id}: {row['quantity']} credits asked of block "
                f"{row['block_id']}, {row['quantity'] - left} held"
            )
    if not chosen:
        raise SerialError(f"retirement {retirement_id}: block {first['block_id']} holds nothing")
    holdings.retire(
        retirement_id,
        chosen,
        owner,
        first["beneficiary"],
        first["reason"],
        claim=first["claim"],
        period=first["period"],
        on_behalf_of=first["on_behalf_of"],
        retired=first.get("retired"),
    )


def credits(
    workspace: Workspace,
    period: str | None = None,
    run: RunRef = None,
    book: CreditBook | None = None,
) -> dict[str, Any]:
    """Holdings by owner, the retirements (reduction and removal credits apart) and, for a
    period the run holds, whether the credits retired for it stay within its emissions.

    Parameters
    ----------
    workspace : Workspace
    period : str, optional
        A year: its retirements, checked against its market-based inventory total.
    run : str or RunView, optional
    book : CreditBook, optional
        The credit tables, where the caller has read them already.
    """
    book = book or credit_book(workspace)
    holdings = book.holdings

    owners: dict[str, dict[str, int]] = {}
    for h in holdings.live():
        by_status = owners.setdefault(h.owner, {})
        by_status[h.status.value] = by_status.get(h.status.value, 0) + h.block.quantity
    rows: list[dict[str, Any]] = []
    for r in holdings.retirements:
        blocks = [holdings.block(b) for b in r.block_ids]
        removed = sum(b.block.quantity for b in blocks if book.info(b.block_id).removal)
        total = sum(b.block.quantity for b in blocks)
        rows.append(
            {
                "retirement_id": r.retirement_id,
                "beneficiary": r.beneficiary,
                "on_behalf_of": r.on_behalf_of,
                "reason": r.reason,
                "claim": r.claim,
                "period": r.period,
                "quantity": total,
                "removals": removed,
                "reductions": total - removed,
                "serials": [b.block.serial for b in blocks],
            }
        )
    result: dict[str, Any] = {
        "owners": owners,
        "retirements": rows,
        "forwards": credit_forwards(workspace, holdings),
    }
    if period is not None:
        retired = sum(r["quantity"] for r in rows if r["period"] == period)
        view = open_run(workspace, run)
        held = totals(view.ledger, [], "market", period, view.shares).to_pylist()
        emissions = held[0]["co2e"] if held and held[0]["rows"] else None
        if emissions is None:
            raise CarbonLedgerError(f"run {view.run_id[:12]} holds no emissions for {period}")
        result["residual_check"] = {
            "period": period,
            "rule": "credits are retired only against residual emissions (not above them)",
            "retired": retired,
            "emissions": emissions,
            "passed": retired <= emissions,
        }
    return result


def credit_forwards(workspace: Workspace, holdings: Holdings | None = None) -> dict[str, Any]:
    """The forward agreements: each with its value, and the credits still to come by delivery
    year [t CO2e]. A delivered agreement must name a block the holdings hold.

    Raises
    ------
    CarbonLedgerError
        For a delivered agreement without its block, or naming no purchased block (row named).
    """
    holdings = holdings or credit_holdings(workspace)
    rows: list[dict[str, Any]] = []
    to_come: dict[str, int] = {}
    for row in read_reference(workspace, "credit_forwards").to_pylist():
        delivered_to = row["block_id"]
        if row["status"] == "delivered" and (not delivered_to or delivered_to not in holdings):
            raise CarbonLedgerError(
                f"credit_forwards row {row.get('source_row', '?')} ({row['agreement_id']}), "
                "column block_id: a delivered agreement names the block it became in "
                f"credit_blocks; found {delivered_to!r}"
            )
        if row["status"] == "contracted":
            year = str(row["delivery"].year)
            to_come[year] = to_come.get(year, 0) + row["quantity"]
        value = row["quantity"] * row["price"] if row["price"] is not None else None
        rows.append({k: v for k, v in row.items() if k != "source_row"} | {"value": value})
    for row in rows:
        for key in ("contracted", "delivery"):
            row[key] = row[key].isoformat() if row[key] else None
    return {"agreements": rows, "to_come_by_year": dict(sorted(to_come.items()))}


# -- projects, vintages and quality ----------------------------------------------------------


@dataclass(frozen=True)
class BlockInfo:
    """What a purchased block (and every part split from it) carries: its project, vintage
    and whether its credits are removals."""

    project_id: str | None
    vintage: int | None
    removal: bool


def block_info(workspace: Workspace) -> dict[str, BlockInfo]:
    """Each purchased block's project, vintage (the row's, else the serial's) and removal flag,
    by the block id of the ``credit_blocks`` row."""
    out = {}
    for row in read_reference(workspace, "credit_blocks").to_pylist():
        vintage = row.get("vintage")
        if vintage is None:
            try:
                vintage = parse_serial(row["serial"], row["registry"]).vintage
            except SerialError as exc:
                raise CarbonLedgerError(f"{_where('credit_blocks', row)}: {exc}") from exc
        out[row["block_id"]] = BlockInfo(row["project_id"], vintage, bool(row["removal"]))
    return out


def root_block(block_id: str) -> str:
    """The purchased block a part split from (``B1.0.1`` -> ``B1``)."""
    return block_id.split(".")[0]


def credit_projects(workspace: Workspace) -> dict[str, Project]:
    """The ``credit_projects`` rows as projects, by id."""
    rows = read_reference(workspace, "credit_projects").to_pylist()
    return {r["project_id"]: Project.from_row(r) for r in rows}


@dataclass(frozen=True)
class CreditBook:
    """A workspace's credit tables read once: the holdings replayed, each purchased block's
    project, vintage and removal flag, and the projects (jobs that need several of them take
    one book instead of reading and replaying each time)."""

    holdings: Holdings
    blocks: dict[str, BlockInfo]
    projects: dict[str, Project]

    def info(self, block_id: str) -> BlockInfo:
        """What a block (or a part split from one) carries."""
        return self.blocks[root_block(block_id)]


def credit_book(workspace: Workspace) -> CreditBook:
    """The workspace's :class:`CreditBook`."""
    return CreditBook(credit_holdings(workspace), block_info(workspace), credit_projects(workspace))


def credit_quality(
    workspace: Workspace, policy: str | None = None, book: CreditBook | None = None
) -> dict[tuple[str, int | None], Assessment]:
    """The assessment of every project vintage the holdings hold (and of each project
    without blocks, for all its vintages) under a policy (default: the packaged one).

    Raises
    ------
    CarbonLedgerError
        Naming the block whose project is not in ``credit_projects``, or a score's unknown
        criterion.
    """
    book = book or credit_book(workspace)
    projects = book.projects
    scores = [
        Score(
            r["project_id"],
            r["vintage"],
            r["criterion"],
            r["score"],
            r["evidence"],
            r["assessor"],
            r["assessed"].isoformat() if r["assessed"] else None,
        )
        for r in read_reference(workspace, "credit_assessments").to_pylist()
    ]
    chosen = quality_policy(policy)
    wanted: set[tuple[str, int | None]] = set()
    for block_id, info in book.blocks.items():
        if info.project_id is None:
            continue
        if info.project_id not in projects:
            raise CarbonLedgerError(
                f"credit_blocks block {block_id}: project {info.project_id!r} is not in "
                "credit_projects"
            )
        wanted.add((info.project_id, info.vintage))
    held = {p for p, _ in wanted}
    wanted |= {(p, None) for p in projects if p not in held}
    return {
        key: assess(projects[key[0]], key[1], scores, chosen)
        for key in sorted(wanted, key=lambda k: (k[0], k[1] or 0))
    }


def buyer_eligibility(workspace: Workspace, rules: str | None = None) -> list[dict[str, Any]]:
    """Each ``credit_buyers`` row checked against the buyer rules (default: the packaged
    rules after Amazon's service, seed 001)."""
    chosen = buyer_rules(rules)
    out = []
    for row in read_reference(workspace, "credit_buyers").to_pylist():
        result = check_buyer(row, chosen)
        out.append({**result, "checks": [c.to_dict() for c in result["checks"]]})
    return out


def ets_surrenders(workspace: Workspace, rules: str | None = None) -> list[dict[str, Any]]:
    """Each ``ets_surrenders`` surrender checked against its market's offset rules; offset
    lines read their block's project (``credit_blocks`` then ``credit_projects``).

    Raises
    ------
    CarbonLedgerError
        Naming the surrender and line whose offset block is unknown or has no project, or
        whose verified emissions differ from the surrender's first line.
    """
    markets = compliance_rules(rules)
    info = block_info(workspace)
    projects = credit_projects(workspace)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in read_reference(workspace, "ets_surrenders").to_pylist():
        grouped.setdefault(row["surrender_id"], []).append(row)
    out = []
    for surrender_id, rows in grouped.items():
        rows.sort(key=lambda r: r["line"])
        head = rows[0]
        lines = []
        for row in rows:
            where = f"ets_surrenders row {row['source_row']} ({surrender_id} line {row['line']})"
            if row["verified_emissions"] != head["verified_emissions"]:
                raise CarbonLedgerError(f"{where}: verified_emissions differ within the surrender")
            project = None
            if row["instrument"] == "offset":
                block = info.get(root_block(row["block_id"] or ""))
                if block is None or block.project_id not in projects:
                    raise CarbonLedgerError(
                        f"{where}: offset block {row['block_id']!r} is not a credit_blocks "
                        "block with a credit_projects project"
                    )
                project = projects[block.project_id or ""]
            lines.append(
                SurrenderLine(row["instrument"], row["quantity"], project, row["block_id"])
            )
        result = check_surrender(
            head["market"], head["verified_emissions"], lines, head["allocation"], markets
        )
        out.append(
            {
                "surrender_id": surrender_id,
                "entity_id": head["entity_id"],
                "year": head["year"],
                **result,
                "checks": [c.to_dict() for c in result["checks"]],
            }
        )
    return out
