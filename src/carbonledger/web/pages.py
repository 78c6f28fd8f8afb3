"""The dashboard's pages: log in, a tenant's inventory overview and its data, in English or
Chinese.

Pages are server-rendered (Jinja2, autoescaped) over the same ``app`` functions as the API;
charts are the reports' own (plotly), with plotly.js served from the installed package (no
CDN: the dashboard works offline).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import jinja2
import plotly
import yaml
from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from carbonledger import app
from carbonledger.api.auth_routes import start_session
from carbonledger.api.period_routes import report_context
from carbonledger.api.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    cache_of,
    current_principal,
    server_of,
)
from carbonledger.app.accounts import AuthenticationError, Permission, Principal, logout
from carbonledger.app.cache import ResultCache
from carbonledger.errors import CarbonLedgerError, NotFoundError

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
LangQuery = Annotated[str, Query(pattern="^(en|zh)$")]
PeriodQuery = Annotated[str | None, Query(pattern=r"^[0-9]{4}(-[0-9]{2})?$")]
#: The park page reloads itself this often [s], showing readings posted since (near real time).
PARK_REFRESH_SECONDS = 60
_STATIC = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
}


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("carbonledger.web", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )


@cache
def _labels() -> dict[str, dict[str, str]]:
    text = resources.files("carbonledger.web").joinpath("labels.yaml").read_text("utf-8")
    labels: dict[str, dict[str, str]] = yaml.safe_load(text)
    return labels


def _page(name: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A rendered page with its Content Security Policy: scripts only from the server or
    carrying this response's nonce (the charts' own), inline styles allowed (plotly sets
    them), nothing from elsewhere."""

    def t(key: str) -> str:
        return _labels()[key][lang]

    nonce = secrets.token_urlsafe(16)
    html = _templates().get_template(name).render(lang=lang, t=t, nonce=nonce, **values)
    policy = (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' "
        "'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": policy})


def _with_nonce(html: str, nonce: str) -> str:
    """The charts' inline scripts marked with the page's nonce."""
    return html.replace("<script", f'<script nonce="{nonce}"')


def _session_principal(request: Request) -> Principal | None:
    if SESSION_COOKIE not in request.cookies:
        return None
    try:
        return current_principal(request, None)
    except HTTPException:
        return None


@router.get("/", response_class=RedirectResponse)
def home(request: Request, lang: LangQuery = "en") -> RedirectResponse:
    """The first tenant's overview, or the login page."""
    principal = _session_principal(request)
    if principal is None or not principal.roles:
        return RedirectResponse(f"/login?lang={lang}", status_code=303)
    return RedirectResponse(f"/t/{sorted(principal.roles)[0]}?lang={lang}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(lang: LangQuery = "en") -> HTMLResponse:
    """The login form."""
    return _page("login.html", lang, title=_labels()["login"][lang], failed=False)


@router.post("/login", response_model=None)
def login_form(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    lang: LangQuery = "en",
) -> Response:
    """Log in from the form; back to the form with a message when it fails."""
    response = RedirectResponse(f"/?lang={lang}", status_code=303)
    try:
        start_session(request, response, username, password)
    except AuthenticationError:
        return _page("login.html", lang, 401, title=_labels()["login"][lang], failed=True)
    return response


@router.post("/logout", response_class=RedirectResponse)
def logout_form(request: Request) -> RedirectResponse:
    """End the session and go to the login page."""
    if cookie := request.cookies.get(SESSION_COOKIE):
        logout(server_of(request), cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.get("/t/{tenant}", response_class=HTMLResponse, response_model=None)
def overview(
    request: Request,
    tenant: str,
    lang: LangQuery = "en",
    period: PeriodQuery = None,
    panorama: bool = False,
) -> Response:
    """A tenant's inventory overview: headline figures on both scope 2 bases and the
    report's charts; ``panorama`` cycles the charts full screen (a wall screen)."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    principal, workspace = seen.principal, seen.workspace
    cache = cache_of(request)
    values = cache.get(
        workspace,
        ("overview", period, lang),
        lambda: _overview_values(cache, workspace, period, lang),
    )
    return seen.page(
        "overview.html",
        lang,
        with_nonce=_with_nonce,
        title=_labels()["overview"][lang],
        can_calculate=principal.may(tenant, Permission.CALCULATE),
        can_read_raw=principal.may(tenant, Permission.READ_RAW),
        unit="t CO2e",
        panorama=panorama,
        **values,
    )


@dataclass(frozen=True)
class _Seen:
    """A person looking at a tenant's pages: who, the tenant, its name and workspace."""

    principal: Principal
    tenant: str
    name: str
    workspace: app.Workspace

    def page(self, template: str, lang: str, **values: Any) -> HTMLResponse:
        """A page of the tenant, with its header (the tenant, the person's role)."""
        role = str(self.principal.role(self.tenant))
        return _page(template, lang, tenant=self.tenant, tenant_name=self.name, role=role, **values)


def _tenant_seen(request: Request, tenant: str, lang: str) -> _Seen | Response:
    """Who looks at a tenant's page, with the tenant; or the way to the login page.

    Raises
    ------
    HTTPException
        404 for a tenant in which the person has no role (as the API answers).
    """
    principal = _session_principal(request)
    if principal is None:
        return RedirectResponse(f"/login?lang={lang}", status_code=303)
    if not principal.may(tenant, Permission.READ):
        raise HTTPException(404, f"no tenant {tenant!r}")
    server = server_of(request)
    name = next((t.name for t in server.tenants() if t.tenant_id == tenant), tenant)
    return _Seen(principal, tenant, name, server.workspace(tenant))


@router.get("/t/{tenant}/data", response_class=HTMLResponse, response_model=None)
def data_status(request: Request, tenant: str, lang: LangQuery = "en") -> Response:
    """A tenant's data: batches with their state, locked periods, and (for those who may
    import) an upload form that shows the validation findings by file, row and column."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    principal, workspace = seen.principal, seen.workspace
    return seen.page(
        "data.html",
        lang,
        title=_labels()["data"][lang],
        batches=app.list_batches(workspace, include_inactive=True),
        periods=app.periods(workspace),
        kinds=app.import_kinds(),
        can_import=principal.may(tenant, Permission.IMPORT),
    )


@router.get("/t/{tenant}/facilities", response_class=HTMLResponse, response_model=None)
def facility_list(
    request: Request, tenant: str, lang: LangQuery = "en", period: PeriodQuery = None
) -> Response:
    """The tenant's facilities with their emissions on both scope 2 bases, largest first."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    workspace = seen.workspace
    found: dict[str, Any] = {"rows": [], "run_id": "", "period": period, "unit": "t CO2e"}
    if app.list_runs(workspace):
        found = cache_of(request).get(
            workspace, ("facilities", period, None), lambda: app.facilities(workspace, period)
        )
    return seen.page(
        "facilities.html",
        lang,
        title=_labels()["facilities"][lang],
        **found,
    )


@router.get(
    "/t/{tenant}/facilities/{facility_id}", response_class=HTMLResponse, response_model=None
)
def facility_page(
    request: Request,
    tenant: str,
    facility_id: str,
    lang: LangQuery = "en",
    period: PeriodQuery = None,
) -> Response:
    """One facility: its emissions by scope on both bases, by month and by method."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    workspace = seen.workspace
    try:
        found = cache_of(request).get(
            workspace,
            ("facility", facility_id, period, None),
            lambda: app.facility(workspace, facility_id, period),
        )
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from None
    return seen.page(
        "facility.html",
        lang,
        title=f"{found['facility']['name']} · {_labels()['facility'][lang]}",
        period=period,
        f=found,
    )


@router.get("/t/{tenant}/factors", response_class=HTMLResponse, response_model=None)
def factor_browser(
    request: Request,
    tenant: str,
    lang: LangQuery = "en",
    q: Annotated[str, Query(max_length=200)] = "",
    region: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The tenant's factor library searched by words (English or Chinese) and region: each
    factor with its value, release, publisher and licence."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    workspace = seen.workspace
    library = cache_of(request).get(
        workspace, ("factor-library",), lambda: app.workspace_library(workspace)
    )
    rows = library.search(q, region or None, None, 100) if q.strip() else []
    return seen.page(
        "factors.html",
        lang,
        title=_labels()["factors"][lang],
        q=q,
        region=region,
        rows=rows,
    )


@router.get("/t/{tenant}/plan", response_class=HTMLResponse, response_model=None)
def plan_page(request: Request, tenant: str, lang: LangQuery = "en") -> Response:
    """The plan: targets with their progress and the checks they fail, the MACC and the
    pathway to the targets (the report's charts), from the latest run."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    plan = _of_latest_run(request, seen.workspace, "plan-context", app.plan_context)
    return seen.page(
        "plan.html",
        lang,
        with_nonce=_with_nonce,
        title=_labels()["plan"][lang],
        plan=plan,
        panels=app.plan_panels(plan, lang),
    )


@router.get("/t/{tenant}/credits", response_class=HTMLResponse, response_model=None)
def credits_page(request: Request, tenant: str, lang: LangQuery = "en") -> Response:
    """Credits and claims: holdings by owner, the retirements with the claims they serve, the
    quality of each project and vintage, and each claim with the rules it fails and its
    statement, from the latest run."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    found = _of_latest_run(request, seen.workspace, "credits-context", app.credits_context)
    return seen.page(
        "credits.html",
        lang,
        title=_labels()["credits"][lang],
        found=found,
    )


@router.get("/t/{tenant}/park", response_class=HTMLResponse, response_model=None)
def park_page(
    request: Request, tenant: str, lang: LangQuery = "en", period: PeriodQuery = None
) -> Response:
    """The park in near real time: what reading the meters found, carbon by month against
    the budgets, the last week by zone, and each design's week of dispatch (PV, battery,
    grid) with the battery's state of charge."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    workspace = seen.workspace
    park = cache_of(request).get(
        workspace, ("park-context", period), lambda: app.park_context(workspace, period)
    )
    return seen.page(
        "park.html",
        lang,
        refresh_seconds=PARK_REFRESH_SECONDS,
        with_nonce=_with_nonce,
        title=_labels()["park"][lang],
        park=park,
        panels=app.park_panels(park, lang),
    )


@router.get("/t/{tenant}/ecosystem", response_class=HTMLResponse, response_model=None)
def ecosystem_page(request: Request, tenant: str, lang: LangQuery = "en") -> Response:
    """Scope 3+, apart from the inventory: each programme and portfolio against its goal with
    the forecast, participation, what the overlap guard kept out and the verified lots."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    workspace = seen.workspace
    eco = cache_of(request).get(
        workspace, ("ecosystem-context",), lambda: app.ecosystem_context(workspace)
    )
    return seen.page(
        "ecosystem.html",
        lang,
        with_nonce=_with_nonce,
        title=_labels()["ecosystem"][lang],
        eco=eco,
        panels=app.ecosystem_panels(eco, lang),
    )


@router.get("/t/{tenant}/audit", response_class=HTMLResponse, response_model=None)
def audit_page(request: Request, tenant: str, lang: LangQuery = "en") -> Response:
    """The verifier's view: the result of verifying the workspace against its log, the signed
    checkpoints with the verifier key, and the latest entries of the log."""
    seen = _tenant_seen(request, tenant, lang)
    if isinstance(seen, Response):
        return seen
    workspace = seen.workspace
    found = cache_of(request).get(workspace, ("audit-verify",), lambda: app.verify(workspace))
    entries = app.audit_entries(workspace)
    return seen.page(
        "audit.html",
        lang,
        title=_labels()["audit"][lang],
        found=found,
        signed=app.checkpoints(workspace)[-5:],
        key=app.audit_verifier_key(workspace),
        entries=entries[-50:][::-1],
        total=len(entries),
    )


def _of_latest_run(
    request: Request, workspace: app.Workspace, key: str, build: Callable[[app.Workspace], Any]
) -> Any:
    """What ``build`` makes of the workspace's latest run (cached under ``key``), or None
    before the first run."""
    if not app.list_runs(workspace):
        return None
    return cache_of(request).get(workspace, (key,), lambda: build(workspace))


def _overview_values(
    cache: ResultCache, workspace: app.Workspace, period: str | None, lang: str
) -> dict[str, Any]:
    """The overview's figures and charts (none before the first run, or for a period no
    run holds), from the period's report context as the reports use it."""
    values: dict[str, Any] = {"figures": {}, "panels": [], "run_id": "", "period": period}
    if app.list_runs(workspace):
        try:
            context = report_context(cache, workspace, None, period)
        except CarbonLedgerError:
            return values
        figures, panels = app.dashboard_panels(context, lang)
        values |= {
            "figures": figures,
            "panels": panels,
            "run_id": context.inventory.run_id,
            "period": str(context.inventory.period),
        }
    return values


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed plotly package."""
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return FileResponse(path, media_type="text/javascript; charset=utf-8")


@router.get("/static/font.ttf")
def font() -> FileResponse:
    """The bundled Chinese font (Noto Sans SC, OFL), so pages read the same on any machine."""
    return FileResponse(app.bundled_font(), media_type="font/ttf")


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The dashboard's stylesheet and script."""
    if name not in _STATIC:
        raise HTTPException(404, f"no {name}")
    text = resources.files("carbonledger.web").joinpath(name).read_text("utf-8")
    return Response(text, media_type=_STATIC[name])
