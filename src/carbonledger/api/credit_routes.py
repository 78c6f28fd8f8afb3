"""Credits and claims: holdings and retirements, quality, buyers, ETS surrenders, the credit
disclosure of a year, each claim with its rule results, and a claim's qualifying explanatory
statement. Each answers what the CLI command of the same name prints, as JSON [t CO2e]."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from carbonledger import app
from carbonledger.api.analysis_routes import plain
from carbonledger.api.run_routes import Reader, RunQuery

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}", tags=["credits"])
YearQuery = Annotated[str | None, Query(pattern="^[0-9]{4}$", description="Year")]
ClaimPath = Annotated[str, Path(max_length=200, description="Claim id")]
RuleSetQuery = Annotated[
    str | None,
    Query(
        pattern="^(iso_14068_1|pas_2060)$",
        description="Evaluate under this packaged rule set instead of each claim's own",
    ),
]
_MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@router.get("/credits", summary="Credit holdings and retirements")
def credits(access: Reader, period: YearQuery = None, run: RunQuery = None) -> dict[str, Any]:
    """Holdings by owner and status, the retirements with their serials and, for ``period``,
    the check that the credits retired for it stay within its emissions."""
    return access.read(
        ("credits", period, run), lambda: plain(app.credits(access.workspace, period, run))
    )


@router.get("/credits/quality", summary="Quality of each project vintage held")
def quality(access: Reader) -> list[dict[str, Any]]:
    """Each project vintage: eligible for a claim or not under the default quality policy,
    with each criterion's score, evidence, assessor and the reasons."""
    return access.read(
        ("credit-quality",),
        lambda: [a.to_dict() for a in app.credit_quality(access.workspace).values()],
    )


@router.get("/credits/buyers", summary="Buyer eligibility")
def buyers(access: Reader) -> list[dict[str, Any]]:
    """Each buyer of ``credit_buyers`` checked against the buyer rules, each citing its source."""
    return access.read(("credit-buyers",), lambda: app.buyer_eligibility(access.workspace))


@router.get("/credits/ets", summary="Emissions-trading surrenders against the market's rules")
def ets(access: Reader) -> list[dict[str, Any]]:
    """Each surrender: allowances and offsets, the offset cap, accepted standards, sources the
    market covers and local-origin shares."""
    return access.read(("credit-ets",), lambda: app.ets_surrenders(access.workspace))


@router.get("/credits/disclosure", summary="Credit datapoints of a year (ESRS E1-7, CDP 7.79)")
def disclosure(
    access: Reader, period: Annotated[str, Query(pattern="^[0-9]{4}$")]
) -> dict[str, Any]:
    """Credits retired for the year and the shares of removals, reductions, EU projects and
    corresponding adjustments."""
    return access.read(
        ("credit-disclosure", period), lambda: app.credit_disclosure(access.workspace, period)
    )


@router.get("/claims", summary="Neutrality claims and their rule results")
def claims(
    access: Reader, run: RunQuery = None, rule_set: RuleSetQuery = None
) -> list[dict[str, Any]]:
    """Each claim under its rule set (ISO 14068-1, or PAS 2060 for claims made under it):
    every rule pass, fail or not applicable, with its clause and the numbers."""
    return access.read(
        ("claims", run, rule_set),
        lambda: plain(
            [e.to_dict() for e in app.claim_evaluations(access.workspace, run, rules_file=rule_set)]
        ),
    )


@router.get("/claims/{claim_id}", summary="One claim and its rule results")
def claim(
    access: Reader, claim_id: ClaimPath, run: RunQuery = None, rule_set: RuleSetQuery = None
) -> dict[str, Any]:
    """One claim's evaluation (a 404 problem for an unknown id)."""
    return access.read(
        ("claim", claim_id, run, rule_set),
        lambda: plain(
            app.claim_evaluations(access.workspace, run, claim_id, rules_file=rule_set)[0].to_dict()
        ),
    )


@router.get(
    "/claims/{claim_id}/statement.{fmt}",
    summary="A claim's qualifying explanatory statement",
    response_class=Response,
    responses={200: {"content": {m: {} for m in _MEDIA.values()}}},
)
def statement(
    access: Reader,
    claim_id: ClaimPath,
    fmt: Annotated[str, Path(pattern="^(html|pdf)$")],
    language: Annotated[str, Query(pattern="^(en|zh)$")] = "en",
    run: RunQuery = None,
) -> Response:
    """The statement as HTML or PDF, in English or Chinese."""

    def render() -> bytes:
        document = app.claim_statement(access.workspace, claim_id, language, fmt, run)
        return document if isinstance(document, bytes) else document.encode("utf-8")

    content = access.read(("statement", claim_id, fmt, language, run), render)
    name = f"{claim_id}-statement-{language}.{fmt}"
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(
        content,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
    )
