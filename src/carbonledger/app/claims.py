"""Claim jobs: each ``claims`` row evaluated under its rule set with the facts the rest of
carbonledger holds (the subject's emissions in the run, the previous claim period, the plan's
targets and the retired credits that name the claim, with their quality), the credit
disclosures (ESRS E1-7, CDP 7.79) and the credits-and-claims context of the dashboard and
the report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from carbonledger.app.analysis import RunRef, footprint
from carbonledger.app.credits import CreditBook, credit_book, credit_quality, credits
from carbonledger.app.plan import PlanView, open_plan
from carbonledger.app.view import RunView, open_run
from carbonledger.credits import (
    Claim,
    ClaimEvaluation,
    ClaimFacts,
    CreditUse,
    claim_rule_set,
    evaluate_claim,
)
from carbonledger.errors import CarbonLedgerError, NotFoundError
from carbonledger.inventory import totals
from carbonledger.report.statement import statement_html, statement_pdf
from carbonledger.run import read_reference
from carbonledger.store import Workspace

__all__ = ["claim_evaluations", "claim_statement", "credit_disclosure", "credits_context"]

#: The ledger dimension a claim's subject type narrows the inventory by.
_SUBJECT_DIMENSION = {"facility": "facility", "business_unit": "business_unit", "entity": "entity"}
#: Target kinds that set reductions (the management plan's targets).
_REDUCTION_KINDS = {"absolute", "intensity", "sda", "net_zero", "neutrality", "budget"}


def _claim(row: Mapping[str, Any]) -> Claim:
    return Claim(
        claim_id=row["claim_id"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"] or "",
        period=row["period"],
        scopes=row["scopes"],
        rule_set=row["rule_set"] or "iso_14068_1",
        declared=row["declared"],
        commitment=row["commitment"],
        management_plan=row["management_plan"],
        verification=row["verification"],
        removals=row["removals"] or 0.0,
        removals_share_target=row["removals_share_target"],
        name=row["name"] or "",
        intensity_metric=row["intensity_metric"],
    )


def _scopes(text: str) -> set[int]:
    return {int(s) for s in text.split("+")}


def _emissions(view: RunView, claim: Claim, period: str) -> tuple[float, float, dict[str, float]]:
    """The subject's emissions in the claimed scopes, in all scopes, and each source left out
    (a scope, or a scope 3 category) [t CO2e, market-based]."""
    if claim.subject_type == "product":
        total = footprint(view.workspace, "product_line", claim.subject_id, "market", view)["co2e"]
        return total, total, {}
    dimension = _SUBJECT_DIMENSION.get(claim.subject_type)
    where = {dimension: [claim.subject_id]} if dimension else None
    rows = totals(view.ledger, ["scope", "category"], "market", period, view.shares, where)
    claimed = _scopes(claim.scopes)
    inside, everything = 0.0, 0.0
    left_out: dict[str, float] = {}
    for row in rows.to_pylist():
        co2e = row["co2e"] or 0.0
        everything += co2e
        if row["scope"] in claimed:
            inside += co2e
        else:
            name = f"scope {row['scope']}" + (
                f" category {row['category']}" if row["category"] else ""
            )
            left_out[name] = left_out.get(name, 0.0) + co2e
    return inside, everything, left_out


def _intensity(
    denominators: list[dict[str, Any]], claim: Claim, period: str, emissions: float
) -> float | None:
    """Emissions per unit of the claim's denominator (``denominators`` rows) for a period."""
    if claim.intensity_metric is None:
        return None
    entity = claim.subject_id if claim.subject_type in ("entity", "business_unit") else None
    value = next(
        (
            r["value"]
            for r in denominators
            if r["period"] == period
            and r["metric"] == claim.intensity_metric
            and r["entity_id"] == entity
        ),
        None,
    )
    return emissions / value if value else None


def _targets(plan: PlanView, claim: Claim) -> list[str]:
    """Standing reduction targets whose boundary holds the subject and whose scopes, together,
    cover the claimed scopes (none when they do not)."""
    chosen = [
        t
        for t in plan.standing.values()
        if t.kind.value in _REDUCTION_KINDS
        and (
            t.facility_id is None
            or (claim.subject_type == "facility" and t.facility_id == claim.subject_id)
        )
        and (
            t.entity_id is None
            or (
                claim.subject_type in ("entity", "business_unit")
                and t.entity_id == claim.subject_id
            )
        )
    ]
    covered = set().union(*(set(t.scopes) for t in chosen)) if chosen else set()
    if not _scopes(claim.scopes) <= covered:
        return []
    return sorted(t.target_id for t in chosen if set(t.scopes) & _scopes(claim.scopes))


def _uses(workspace: Workspace, book: CreditBook, policy: str | None) -> dict[str, list[CreditUse]]:
    """The retired blocks by the claim they name, each with its vintage, project and quality."""
    quality = credit_quality(workspace, policy, book)
    out: dict[str, list[CreditUse]] = {}
    for retirement in book.holdings.retirements:
        if not retirement.claim:
            continue
        for block_id in retirement.block_ids:
            held = book.holdings.block(block_id)
            meta = book.info(block_id)
            assessment = quality.get((meta.project_id or "", meta.vintage))
            out.setdefault(retirement.claim, []).append(
                CreditUse(
                    retirement_id=retirement.retirement_id,
                    block_id=block_id,
                    serial=held.block.serial,
                    quantity=held.block.quantity,
                    vintage=meta.vintage,
                    project_id=meta.project_id,
                    removal=meta.removal,
                    retired=retirement.retired,
                    claim=retirement.claim,
                    period=retirement.period,
                    eligible=assessment.eligible if assessment else None,
                    quality_reasons=tuple(assessment.reasons) if assessment else ("not assessed",),
                )
            )
    return out


def claim_evaluations(
    workspace: Workspace,
    run: RunRef = None,
    claim_id: str | None = None,
    policy: str | None = None,
    rules_file: str | None = None,
    as_of: date | None = None,
    book: CreditBook | None = None,
) -> list[ClaimEvaluation]:
    """Each claim (or the one named) evaluated under its rule set.

    Parameters
    ----------
    claim_id : str, optional
    policy : str, optional
        Quality policy file (default: the packaged policy).
    rules_file : str, optional
        A rule set to use instead of each claim's own: a packaged set's id or a file.
    as_of : date, optional
        Date validity is judged at (default: each claim's declaration).
    book : CreditBook, optional
        The credit tables, where the caller has read them already.

    Raises
    ------
    CarbonLedgerError
        For an unknown claim id, or a claim period the run holds no emissions for.
    """
    view = open_run(workspace, run)
    rows = read_reference(workspace, "claims").to_pylist()
    claims = [_claim(r) for r in rows]
    if claim_id is not None and claim_id not in {c.claim_id for c in claims}:
        known = ", ".join(c.claim_id for c in claims) or "none"
        raise NotFoundError(f"no claim {claim_id!r}; claims: {known}")
    uses = _uses(workspace, book or credit_book(workspace), policy)
    plan = open_plan(workspace, view)
    denominators = read_reference(workspace, "denominators").to_pylist()
    out = []
    for claim in claims:
        if claim_id is not None and claim.claim_id != claim_id:
            continue
        emissions, everything, left_out = _emissions(view, claim, claim.period)
        if not everything:
            raise CarbonLedgerError(
                f"claim {claim.claim_id}: run {view.run_id[:12]} holds no emissions of "
                f"{claim.subject_type} {claim.subject_id or ''} in {claim.period}".replace(
                    "  ", " "
                )
            )
        earlier = sorted(
            (
                c
                for c in claims
                if (c.subject_type, c.subject_id) == (claim.subject_type, claim.subject_id)
                and c.period < claim.period
            ),
            key=lambda c: c.period,
        )
        previous = None
        if earlier:
            last = earlier[-1]
            before = _emissions(view, claim, last.period)[0]
            previous = {
                "period": last.period,
                "emissions": before,
                "intensity": _intensity(denominators, claim, last.period, before),
            }
        facts = ClaimFacts(
            emissions=emissions,
            subject_total=everything,
            exclusions=left_out,
            previous=previous,
            intensity=_intensity(denominators, claim, claim.period, emissions),
            targets=_targets(plan, claim),
            uses=uses.get(claim.claim_id, []),
            as_of=as_of,
        )
        rule_set = claim_rule_set(claim.rule_set, rules_file)
        out.append(evaluate_claim(claim, facts, rule_set))
    return out


def credit_disclosure(
    workspace: Workspace, period: str, book: CreditBook | None = None
) -> dict[str, Any]:
    """The credit datapoints of a period (ESRS E1-7 59(a) and AR 62, CDP 7.79): credits
    retired for it [t CO2e], the shares from reduction and removal projects, from projects in
    the EU and with corresponding adjustments [-], and the removals in own operations the
    claims record [t CO2e]."""
    eu = set(_EU_MEMBER_STATES)
    book = book or credit_book(workspace)
    projects, holdings = book.projects, book.holdings
    retired = removals = in_eu = adjusted = 0
    rows = []
    for r in holdings.retirements:
        if r.period != period:
            continue
        for block_id in r.block_ids:
            quantity = holdings.block(block_id).block.quantity
            meta = book.info(block_id)
            project = projects.get(meta.project_id or "")
            retired += quantity
            removals += quantity if meta.removal else 0
            in_eu += quantity if project and project.host_country in eu else 0
            adjusted += quantity if project and project.corresponding_adjustment else 0
            rows.append(
                {
                    "retirement_id": r.retirement_id,
                    "project_id": meta.project_id,
                    "standard": project.standard if project else None,
                    "project_type": project.project_type if project else None,
                    "mitigation": "removal" if meta.removal else "reduction",
                    "vintage": meta.vintage,
                    "quantity": quantity,
                }
            )
    own_removals = sum(
        (r["removals"] or 0.0)
        for r in read_reference(workspace, "claims").to_pylist()
        if r["period"] == period
    )

    def share(part: int) -> float | None:
        return part / retired if retired else None

    return {
        "period": period,
        "credits_retired": retired,
        "removal_share": share(removals),
        "reduction_share": share(retired - removals),
        "eu_share": share(in_eu),
        "corresponding_adjustment_share": share(adjusted),
        "own_removals": own_removals,
        "retired_any": retired > 0,
        "blocks": rows,
    }


#: EU member states (ISO 3166-1 alpha-2), for the ESRS E1-7 share of credits from EU projects.
_EU_MEMBER_STATES = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]


def credits_context(
    workspace: Workspace, run: RunRef = None, period: str | None = None
) -> dict[str, Any] | None:
    """Holdings, retirements, quality, claims with their rule results and the period's
    disclosure figures, for the dashboard and the report; None where the workspace holds no
    credits and no claims."""
    if not workspace.batches("credit_blocks") and not workspace.batches("claims"):
        return None
    view = open_run(workspace, run)
    # the period asked, else the workspace's latest reporting period, else the run's
    year = view.period(period or max(workspace.config.reporting_periods, default=None)) or ""
    book = credit_book(workspace)
    held = credits(workspace, book=book)
    quality = credit_quality(workspace, book=book)
    has_claims = workspace.batches("claims")
    evaluations = claim_evaluations(workspace, view, book=book) if has_claims else []
    return {
        "period": year,
        "owners": held["owners"],
        "retirements": held["retirements"],
        "forwards": held["forwards"],
        "quality": [a.to_dict() for a in quality.values()],
        "claims": [e.to_dict() for e in evaluations],
        "disclosure": credit_disclosure(workspace, year, book),
    }


def claim_statement(
    workspace: Workspace,
    claim_id: str,
    lang: str = "en",
    fmt: str = "html",
    run: RunRef = None,
    as_of: date | None = None,
) -> str | bytes:
    """A claim's qualifying explanatory statement: HTML text or PDF bytes, ``en`` or ``zh``.

    Raises
    ------
    CarbonLedgerError
        For an unknown claim, language or format.
    """
    if lang not in ("en", "zh") or fmt not in ("html", "pdf"):
        raise CarbonLedgerError(f"statement in {lang!r} as {fmt!r}: use en or zh, html or pdf")
    book = credit_book(workspace)
    (evaluation,) = claim_evaluations(workspace, run, claim_id, as_of=as_of, book=book)
    uses = _uses(workspace, book, None).get(claim_id, [])
    rows = [
        {
            "retirement_id": u.retirement_id,
            "project_id": u.project_id,
            "vintage": u.vintage,
            "serial": u.serial,
            "quantity": u.quantity,
            "removal": u.removal,
            "retired": u.retired.isoformat() if u.retired else None,
        }
        for u in uses
    ]
    organisation = workspace.config.organisation
    if fmt == "pdf":
        return statement_pdf(evaluation.to_dict(), rows, organisation, lang)
    return statement_html(evaluation.to_dict(), rows, organisation, lang)
