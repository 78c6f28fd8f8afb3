"""Jobs that turn a run into documents: the report context, reports in every format and
language, disclosure exports and the evidence pack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonledger.app.analysis import RunRef, base_year, inventory
from carbonledger.app.claims import credits_context
from carbonledger.app.ecosystem import ecosystem_context
from carbonledger.app.park import park_context
from carbonledger.app.plan import macc, open_plan, pathway, targets
from carbonledger.app.view import RunView, open_run
from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory import intensities, totals
from carbonledger.inventory.hotspots import change_decomposition, change_summary, previous_period
from carbonledger.inventory.ledger_sql import holds_period
from carbonledger.report.charts import (
    charts,
    ecosystem_charts,
    park_charts,
    plan_charts,
    plotly_html,
)
from carbonledger.report.context import ReportContext, label
from carbonledger.report.disclosures import write_disclosures
from carbonledger.report.evidence import evidence_pack
from carbonledger.report.fonts import report_font
from carbonledger.report.render import FORMATS, render
from carbonledger.run import workspace_library
from carbonledger.store import Workspace

__all__ = [
    "FORMATS",
    "DashboardPanel",
    "bundled_font",
    "dashboard_panels",
    "disclosure_files",
    "evidence",
    "park_panels",
    "plan_context",
    "plan_panels",
    "render_report",
    "report_context",
]


def report_context(
    workspace: Workspace, run: RunRef = None, period: str | None = None
) -> ReportContext:
    """Everything a report renders: the inventory of a period and its context.

    The base-year record is included where the run holds the base year's data, the change
    from the same period a year earlier where the run holds that period's data.
    """
    view = open_run(workspace, run, period)
    inv = inventory(workspace, view, period)
    earlier = previous_period(inv.period)
    year_on_year = (
        change_summary(
            change_decomposition(view.ledger, earlier, str(inv.period), view.shares),
            earlier,
            str(inv.period),
        )
        if earlier and holds_period(view.ledger, earlier)
        else None
    )
    used = {  # releases some ledger row of the run took a factor from, not every one offered
        row["release"]
        for basis in ("location", "market")
        for row in totals(view.ledger, ["release"], basis).to_pylist()
    }
    releases = [m for m in workspace_library(workspace).manifests() if m["release_id"] in used]
    try:
        base = base_year(workspace, view)
    except CarbonLedgerError:
        base = None
    return ReportContext(
        plan=plan_context(workspace, view),
        credits=credits_context(workspace, view, (inv.period or "")[:4] or None),
        park=_park_of(workspace, (inv.period or "")[:4] or None),
        ecosystem=ecosystem_context(workspace),
        organisation=workspace.config.organisation,
        inventory=inv,
        base_year=base,
        year_on_year=year_on_year,
        intensities=intensities(inv, view.inputs.reference("denominators")),
        releases=releases,
        run_manifest=view.stored.manifest,
        facility_names=view.inputs.names("facilities", "facility_id"),
        entity_names=view.inputs.names("entities", "entity_id"),
    )


def plan_context(workspace: Workspace, run: RunRef = None) -> dict[str, Any] | None:
    """The plan a report and the dashboard show: targets' progress, the MACC and the pathway
    to the latest target year; None where neither targets nor measures were imported."""
    view = run if isinstance(run, RunView) else open_run(workspace, run)
    has_targets, has_measures = (bool(workspace.batches(k)) for k in ("targets", "measures"))
    if not has_targets and not has_measures:
        return None
    plan = open_plan(workspace, view)
    return {
        "targets": targets(workspace, plan) if has_targets else {"criteria": [], "targets": []},
        "macc": macc(workspace, plan) if has_measures else None,
        "pathway": pathway(workspace, plan) if has_measures else None,
    }


def render_report(
    context: ReportContext,
    fmt: str,
    language: str,
    out: str | Path,
    font: str | Path | None = None,
) -> Path:
    """Write a report of the context as ``fmt`` (html, pdf, xlsx, json) in ``language``.

    Raises
    ------
    CarbonLedgerError
        If the format or language is unknown.
    """
    if fmt not in FORMATS or language not in ("en", "zh"):
        raise CarbonLedgerError(f"--format is one of {FORMATS} and --lang en or zh")
    return render(context, fmt, language, Path(out), Path(font) if font else None)


def disclosure_files(context: ReportContext, folder: str | Path) -> list[Path]:
    """``disclosures.json`` and ``disclosures.xlsx`` (ESRS E1, CDP, China) in ``folder``."""
    return write_disclosures(context, folder)


def evidence(
    workspace: Workspace, context: ReportContext, path: str | Path, run: RunRef = None
) -> Path:
    """The evidence ZIP of a report context: every reported number traced to ledger rows, with
    a checkpoint of the audit log signed now and the inclusion proofs of the run and its input
    batches (``carbonledger verify --evidence`` checks them offline)."""
    from carbonledger.app.audit import evidence_proofs

    view = open_run(workspace, run or context.inventory.run_id)
    audit = evidence_proofs(workspace, view.run_id)
    return evidence_pack(context, view.ledger, view.shares, context.releases, path, audit)


@dataclass(frozen=True)
class DashboardPanel:
    """One chart of a dashboard page: its title and its plotly ``<div>`` (plotly.js itself
    is served once by the page)."""

    key: str
    title: str
    html: str


def dashboard_panels(
    context: ReportContext, lang: str
) -> tuple[dict[str, str], list[DashboardPanel]]:
    """The headline figures and the report's charts of a context, for a dashboard page.

    Returns
    -------
    figures : dict of str to str
        Each headline's label in ``lang`` to its value [t CO2e], formatted.
    panels : list of DashboardPanel
        Scopes, scope 3 categories, months, facilities, bridges (as the report draws them).
    """
    numbers = context.numbers()
    keys = (
        "scope_1",
        "scope_2_location",
        "scope_2_market",
        "scope_3",
        "total_location",
        "total_market",
    )
    figures = {label(k, lang): f"{numbers[k]:,.1f}" for k in keys}
    panels = [DashboardPanel(c.key, c.title, plotly_html(c)) for c in charts(context, lang)]
    return figures, panels


def plan_panels(plan: dict[str, Any] | None, lang: str) -> list[DashboardPanel]:
    """The MACC and the pathway of a plan (:func:`plan_context`) for a dashboard page."""
    return [DashboardPanel(c.key, c.title, plotly_html(c)) for c in plan_charts(plan, lang)]


def _park_of(workspace: Workspace, year: str | None) -> dict[str, Any] | None:
    """The park's context for the report's year, or None without meters or readings in it."""
    try:
        return park_context(workspace, year)
    except CarbonLedgerError:
        return None


def park_panels(park: dict[str, Any] | None, lang: str) -> list[DashboardPanel]:
    """The park's charts (:func:`carbonledger.app.park_context`) for a dashboard page."""
    return [DashboardPanel(c.key, c.title, plotly_html(c)) for c in park_charts(park, lang)]


def ecosystem_panels(eco: dict[str, Any] | None, lang: str) -> list[DashboardPanel]:
    """Scope 3+ charts (:func:`carbonledger.app.ecosystem_context`) for a dashboard page."""
    return [DashboardPanel(c.key, c.title, plotly_html(c)) for c in ecosystem_charts(eco, lang)]


def bundled_font() -> Path:
    """The TrueType font the reports embed for Chinese (Noto Sans SC, GB 2312 subset, OFL),
    for pages that must show Chinese on machines without a Chinese font."""
    path = report_font(["中文"], strict=False).path
    assert path is not None  # Chinese text always takes the bundled font
    return path
