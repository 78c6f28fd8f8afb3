"""The report's content as sections of text and tables, in one language, from the context.

Every renderer (HTML, PDF, XLSX) draws these same sections, so the formats cannot disagree;
numbers in tables stay numbers here and are formatted per locale by the renderer, numbers in
sentences are formatted here with the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from carbonledger.inventory.hotspots import previous_period
from carbonledger.inventory.scope3 import category_guidance, category_reason, scope3_categories
from carbonledger.report.charts import Chart
from carbonledger.report.context import ReportContext, label, label_or_value
from carbonledger.report.formatting import format_number, format_percent, format_period

__all__ = ["Section", "Table", "sections", "shown_texts"]

_SCOPE_ROWS = ("scope_1", "scope_2_location", "scope_2_market", "scope_3")
_TOTAL_ROWS = ("total_location", "total_market")
_SCOPE_LABELS = {1: "scope_1", 2: "scope_2_location", 3: "scope_3"}
_PEDIGREE = ("reliability", "completeness", "temporal", "geographical", "technological")


@dataclass(frozen=True)
class Table:
    """Column headers and rows of cells (text or numbers)."""

    columns: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Section:
    """A titled part of the report: paragraphs, tables and the keys of its charts."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)


def sections(context: ReportContext, lang: str) -> list[Section]:
    """The sections of the GHG inventory report in ``lang`` (``en`` or ``zh``), in the order
    of the GHG Protocol Corporate Standard's reporting requirements (chapter 9)."""
    out = [
        _boundary(context, lang),
        _operational_boundary(context, lang),
        _summary(context, lang),
        _scope3(context, lang),
        _gases(context, lang),
        _iso(context, lang),
        _year_on_year(context, lang),
    ]
    if context.base_year:
        out.append(_base_year(context, lang))
    out += [
        _methods(context, lang),
        _quality(context, lang),
        _intensity(context, lang),
        _hotspots(context, lang),
    ]
    if context.plan:
        out.append(_targets(context.plan, lang))
        if context.plan.get("macc"):
            out.append(_macc(context.plan, lang))
    if context.credits:
        out.append(_credits(context.credits, lang))
    if context.park:
        out.append(_park(context.park, lang))
    if context.ecosystem:
        out.append(_ecosystem(context.ecosystem, lang))
    return out


def shown_texts(lang: str, parts: Sequence[Section], figures: Sequence[Chart]) -> Iterator[str]:
    """Every text a report page or chart shows, as it is shown (for the font to cover)."""
    yield from (label("title", lang), label("subtitle", lang), label("generated", lang))
    for section in parts:
        yield section.title
        yield from section.paragraphs
        for table in section.tables:
            yield from (str(c) for c in table.columns)
            yield from (format_number(v, lang) for row in table.rows for v in row)
    for chart in figures:
        yield from (chart.title, chart.unit, *chart.categories)


def _boundary(context: ReportContext, lang: str) -> Section:
    inv = context.inventory
    return _table_section(
        "boundary",
        lang,
        ["entity", "name", "share", "joined", "left"],
        [
            [
                s["entity_id"],
                context.entity_names.get(s["entity_id"], ""),
                s["share"],
                s["joined"] or "",
                s["left"] or "",
            ]
            for s in inv.shares
        ],
        paragraphs=[
            f"{label('organisation', lang)}: {context.organisation}",
            f"{label('period', lang)}: {inv.period or ''}",
            f"{label('approach', lang)}: {label('approaches', lang, inv.approach)}",
            label("share_explained", lang),
        ],
    )


def _operational_boundary(context: ReportContext, lang: str) -> Section:
    inv = context.inventory
    statuses = [r["status"] for r in inv.scope3]
    coverage = label("scope3_coverage", lang).format(
        calculated=statuses.count("calculated"),
        excluded=statuses.count("excluded"),
        gaps=statuses.count("gap"),
    )
    return Section(
        "operational_boundary",
        label("operational_boundary", lang),
        [
            label("scopes_reported", lang),
            label("gases_covered", lang).format(gwp=inv.gwp_set),
            coverage,
        ],
        [_exclusions_table(inv, lang)],
    )


def _exclusions_table(inv: Any, lang: str) -> Table:
    """Categories not calculated with the workspace's reason; a guidance column (when such a
    category usually does not apply) only where there are gaps the workspace gave no reason for."""
    absent = [r for r in inv.scope3 if r["status"] != "calculated"]
    gaps = any(r["status"] == "gap" for r in absent)
    columns = [label("category", lang), label("reason", lang)]
    rows = [
        [
            _category_name(r, lang),
            category_reason(r["category"], r["status"], inv.exclusions, lang)
            or label("gap_reason", lang),
        ]
        for r in absent
    ]
    if gaps:
        columns.append(label("guidance", lang))
        for row, r in zip(rows, absent, strict=True):
            guidance = category_guidance(r["category"], lang) if r["status"] == "gap" else None
            row.append(guidance or "")
    return Table(columns, rows)


def _summary(context: ReportContext, lang: str) -> Section:
    numbers = context.numbers()
    rows = [[label(k, lang), numbers[k]] for k in (*_SCOPE_ROWS, *_TOTAL_ROWS)]
    return _table_section(
        "summary",
        lang,
        ["scope", "t_co2e"],
        [*rows, [label("biogenic", lang), context.inventory.biogenic_co2]],
        paragraphs=[label("independent_of_trades", lang)],
        charts=["scopes", "monthly"],
    )


def _scope3(context: ReportContext, lang: str) -> Section:
    return _table_section(
        "scope3",
        lang,
        ["category", "t_co2e", "status", "methods_used"],
        [
            [
                _category_name(r, lang),
                r["co2e_t"],
                label("statuses", lang, r["status"]),
                r["methods_used"] or "",
            ]
            for r in context.inventory.scope3
        ],
        title="scope3_categories",
        charts=["waterfall"],
    )


def _gases(context: ReportContext, lang: str) -> Section:
    return _table_section(
        "gases",
        lang,
        ["gas", "t_co2e"],
        [
            [label_or_value("gas_groups", lang, g["gas_group"]), g["co2e"]]
            for g in context.inventory.breakdowns["gas_group"]
        ],
    )


def _iso(context: ReportContext, lang: str) -> Section:
    totals: dict[int, float] = {}
    for row in context.inventory.breakdowns["iso_category"]:
        if row["iso_category"] is not None:
            totals[row["iso_category"]] = totals.get(row["iso_category"], 0.0) + row["co2e"]
    return _table_section(
        "iso",
        lang,
        ["category", "t_co2e"],
        [[label("iso_names", lang, k), v] for k, v in sorted(totals.items())],
        title="iso_categories",
    )


def _year_on_year(context: ReportContext, lang: str) -> Section:
    title = label("year_on_year", lang)
    change = context.year_on_year
    if change is None:
        earlier = format_period(previous_period(context.inventory.period) or "", lang)
        return Section("year_on_year", title, [label("no_previous", lang).format(p0=earlier)])
    total = change["total"]
    sentence = label("change_sentence", lang).format(
        before=format_number(total["co2e_before"], lang),
        after=format_number(total["co2e_after"], lang),
        p0=format_period(change["before"], lang),
        p1=format_period(change["after"], lang),
        relative=format_percent(total["change"] / total["co2e_before"], lang, signed=True),
        activity=_signed(total["activity_effect"], lang),
        factor=_signed(total["factor_effect"], lang),
    )
    effects = ("co2e_before", "co2e_after", "change", "activity_effect", "factor_effect")
    columns = [
        change["before"],
        change["after"],
        label("change_column", lang),
        label("activity_effect", lang),
        label("factor_effect", lang),
    ]
    return Section(
        "year_on_year",
        title,
        [sentence],
        [
            Table(
                [label("scope", lang), *columns],
                [
                    [label(_SCOPE_LABELS[s["scope"]], lang), *(s[k] for k in effects)]
                    for s in change["scopes"]
                ]
                + [[label("total", lang), *(total[k] for k in effects)]],
            ),
            Table(
                [label("method", lang), label("activity", lang), *columns],
                [
                    [r["method"], r["activity_key"], *(r[k] for k in effects)]
                    for r in change["largest"]
                ],
            ),
        ],
        ["year_on_year"],
    )


def _base_year(context: ReportContext, lang: str) -> Section:
    by = context.base_year
    assert by is not None
    verdict = label("recalculated" if by["recalculated"] else "not_recalculated", lang)
    test = label("recalculation_test", lang).format(
        effect=format_number(by["cumulative_effect"], lang),
        share=format_percent(abs(by["relative_effect"] or 0.0), lang),
        verdict=label("at_or_above" if by["recalculated"] else "below", lang),
        threshold=format_percent(by["threshold"], lang),
    )
    t = label("t_co2e", lang)
    return Section(
        "base_year",
        label("base_year", lang),
        [f"{verdict}: {test}"],
        [
            Table(
                ["", *(label(k, lang) for k in _SCOPE_LABELS.values()), t],
                [
                    [
                        f"{by['base_year_period']} {label(name, lang)}",
                        *(figures["by_scope"].get(s, 0.0) for s in _SCOPE_LABELS),
                        figures["total"],
                    ]
                    for name, figures in (
                        ("as_drawn", by["original"]),
                        ("standing", by["base_year"]),
                    )
                ],
            ),
            Table(
                [label("event", lang), label("kind", lang), label("description", lang), t],
                [
                    [
                        e["event_id"],
                        label("event_kinds", lang, e["kind"]),
                        e["description"],
                        e["effect"],
                    ]
                    for e in by["events"]
                ],
            ),
        ],
        ["bridge"],
    )


def _methods(context: ReportContext, lang: str) -> Section:
    return _table_section(
        "methods",
        lang,
        ["release", "publisher", "version", "licence"],
        [[r["release_id"], r["publisher"], r["version"], r["licence"]] for r in context.releases],
        paragraphs=[_gwp_policy(context, lang), _proxy_policy(context, lang)],
    )


def _gwp_policy(context: ReportContext, lang: str) -> str:
    """Which GWP set the CO2e is under, and what part keeps a publisher's other set."""
    inv = context.inventory
    other = [g for g in inv.gwp_sets if g["gwp_set"] != inv.gwp_set]
    text = label("gwp_policy", lang).format(gwp_set=inv.gwp_set)
    if other:
        tonnes = label("tonnes", lang)
        parts = ", ".join(
            f"{g['gwp_set']} {format_number(g['co2e'], lang)} {tonnes}" for g in other
        )
        text += " " + label("gwp_mixed", lang).format(parts=parts)
    return text


def _proxy_policy(context: ReportContext, lang: str) -> str:
    """The workspace's proxy policies and how much of the inventory they serve."""
    options = context.run_manifest.get("options", {})
    none = label("no_region", lang)
    text = label("proxy_policy", lang).format(
        fuel=", ".join(options.get("fuel_proxy_regions", [])) or none,
        other=", ".join(options.get("proxy_regions", [])) or none,
    )
    served = sum(p["co2e"] for p in context.inventory.proxied)
    total = context.inventory.total("location")
    if served and total:
        text += " " + label("proxy_served", lang).format(
            co2e=format_number(served, lang),
            share=format_percent(served / total, lang),
            releases=", ".join(sorted({p["release"] for p in context.inventory.proxied})),
        )
    return text


def _quality(context: ReportContext, lang: str) -> Section:
    draws = context.inventory.uncertainty_draws
    section = _table_section(
        "quality",
        lang,
        ["scope", "t_co2e", "interval", "", "primary_share"],
        [
            [label("parts", lang, u["part"]), u["co2e"], u["low"], u["high"], u["primary_share"]]
            for u in context.inventory.uncertainty
        ],
        paragraphs=[
            label("uncertainty_explained", lang).format(
                samples=format_number(draws.get("samples"), lang), seed=draws.get("seed")
            ),
            label("pedigree_explained", lang),
        ],
    )
    pedigree = Table(
        [label("scope", lang), *(label("pedigree", lang, k) for k in _PEDIGREE)],
        [
            [label(_SCOPE_LABELS[q["scope"]], lang), *(q[k] for k in _PEDIGREE)]
            for q in sorted(context.inventory.quality, key=lambda q: q["scope"])
        ],
    )
    section.tables.append(pedigree)
    return section


def _intensity(context: ReportContext, lang: str) -> Section:
    return _table_section(
        "intensity",
        lang,
        ["metric", "entity", "per", "scope", "t_co2e", "intensity"],
        [
            [
                label_or_value("metrics", lang, r["metric"]),
                r["entity_id"] or "",
                r["unit"],
                label("parts", lang, r["scope"]),
                r["co2e"],
                r["intensity"],
            ]
            for r in context.intensities
        ],
    )


def _hotspots(context: ReportContext, lang: str) -> Section:
    names = context.facility_names
    return _table_section(
        "hotspots",
        lang,
        ["facility", "t_co2e", "share"],
        [
            [
                names.get(h["facility"], h["facility"]) if h["facility"] else label("none", lang),
                h["co2e"],
                h["share"],
            ]
            for h in context.inventory.hotspots.get("facility", [])
        ],
        charts=["facilities"],
    )


def _targets(plan: dict[str, Any], lang: str) -> Section:
    """Each standing target: base, latest actual, pathway value, target value, status, and
    the validity checks it does not meet."""
    found = plan["targets"]
    status = {True: label("on_track", lang), False: label("off_track", lang)}
    rows, failed = [], []
    for t in found["targets"]:
        p = t["progress"]
        latest: dict[str, Any] = next((y for y in p["years"] if y["year"] == p["latest_year"]), {})
        failed += [f"{t['target_id']}: {c['rule']}" for c in t["checks"] if c["passed"] is False]
        rows.append(
            [
                f"{t['name']} (v{t['version']})",
                p["base_value"],
                latest.get("actual"),
                latest.get("pathway"),
                p["target_value"],
                status.get(p["on_track"], ""),
                p["unit"],
            ]
        )
    paragraphs = [label("targets_intro", lang).format(criteria="; ".join(found["criteria"]))]
    if failed:
        paragraphs.append(f"{label('checks_failed', lang)}: {', '.join(failed)}")
    columns = ["target", "base_value", "latest_value", "pathway_value", "target_value"]
    columns += ["track", "unit_label"]
    return _table_section("targets", lang, columns, rows, paragraphs=paragraphs)


def _macc(plan: dict[str, Any], lang: str) -> Section:
    """The MACC's bars as a table, the pathway's target year in a sentence, and both charts."""
    macc, path = plan["macc"], plan["pathway"]
    basis_zh = {"market": "基于市场", "location": "基于位置"}[macc["basis"]]
    paragraphs = [
        label("macc_intro", lang).format(
            basis=macc["basis"],
            basis_zh=basis_zh,
            total=format_number(macc["total_abatement"], lang),
        )
    ]
    if any(r["cost_note"] == "illustrative" for r in macc["rows"]):
        paragraphs.append(label("illustrative_costs", lang))
    final = path["years"][-1]
    paragraphs.append(
        label("pathway_intro", lang).format(
            year=final["year"],
            **{
                k: format_number(final[v], lang)
                for k, v in (
                    ("bau", "bau_total"),
                    ("reductions", "reductions"),
                    ("removals", "removals"),
                    ("residual", "residual"),
                )
            },
        )
    )
    rows = [
        [r["name"], r["abatement"], r["levelised_cost"], r["payback_years"]] for r in macc["rows"]
    ]
    columns = ["measure", "abatement", "levelised_cost", "payback"]
    return _table_section(
        "macc", lang, columns, rows, paragraphs=paragraphs, charts=["macc", "pathway"]
    )


def _table_section(
    key: str,
    lang: str,
    columns: Sequence[str],
    rows: list[list[Any]],
    title: str | None = None,
    paragraphs: Sequence[str] = (),
    charts: Sequence[str] = (),
) -> Section:
    """A section of one table: its title and column headers are labels (``""`` is blank)."""
    headers = [label(c, lang) if c else "" for c in columns]
    return Section(
        key, label(title or key, lang), list(paragraphs), [Table(headers, rows)], list(charts)
    )


def _signed(value: float, lang: str) -> str:
    text = format_number(value, lang)
    return text if value < 0 else f"+{text}"


def _category_name(row: dict[str, Any], lang: str) -> str:
    names = scope3_categories()[row["category"]]["name"]
    return f"{row['category']} {names[lang] if lang in names else row['name']}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _credits(credits: dict[str, Any], lang: str) -> Section:
    """Holdings, the period's retirements and each claim's result: tracked apart from the
    gross inventory, which credits never reduce."""
    figures = credits["disclosure"]
    intro = label("credits_intro", lang).format(
        period=credits["period"],
        retired=f"{figures['credits_retired']:,}",
        removal_share=_share(figures["removal_share"]),
    )
    owners = Table(
        [label("credit_owner", lang), label("held", lang), label("retired", lang)],
        [[o, by.get("held", 0), by.get("retired", 0)] for o, by in credits["owners"].items()],
    )
    retirements = Table(
        [
            label("retirement", lang),
            label("beneficiary", lang),
            label("period", lang),
            label("quantity", lang),
            label("of_which_removals", lang),
        ],
        [
            [r["retirement_id"], r["beneficiary"], r["period"] or "", r["quantity"], r["removals"]]
            for r in credits["retirements"]
        ],
    )
    claims = Table(
        [
            label("claim", lang),
            label("rule_set", lang),
            label("quantity", lang),
            label("qes_retired", lang),
            label("result", lang),
        ],
        [
            [
                f"{c['name'] or c['claim_id']} ({c['period']})",
                c["rule_set"],
                c["residual"],
                c["retired"],
                label("passed_label" if c["passed"] else "failed_label", lang)
                + "".join(f"; {x['rule']}" for x in c["checks"] if x["passed"] is False),
            ]
            for c in credits["claims"]
        ],
    )
    tables = [owners, retirements] + ([claims] if credits["claims"] else [])
    return Section("credits", label("credits_claims", lang), [intro], tables)


def _park(park: dict[str, Any], lang: str) -> Section:
    """The metered park: carbon of its grid electricity with the method, each budget's
    months over it, and what the meter checks found."""
    intro = label("park_intro", lang).format(
        period=park["period"], readings=f"{park['readings']:,}"
    )
    carbon = Table(
        [label("facility", lang), label("park_method", lang), "kWh", label("t_co2e", lang)],
        [
            [f["facility"], f["method"], round(f["kwh"]), round(f["kg_co2e"] / 1000, 1)]
            for f in park["carbon"]["facilities"]
        ],
    )
    budgets = Table(
        [label("target", lang), label("park_over_budget", lang), label("t_co2e", lang)],
        [
            [
                b["name"],
                ", ".join(m["month"] for m in b["months"] if m["kg_co2e"] > m["budget"]) or "-",
                round(sum(m["kg_co2e"] for m in b["months"]) / 1000, 1),
            ]
            for b in park["budgets"]
        ],
    )
    checks = Table(
        [label("park_meter", lang), label("park_check", lang), label("park_intervals", lang)],
        [[s["meter_id"], s["check"], s["intervals"]] for s in park["summary"]],
    )
    tables = (
        [carbon] + ([budgets] if park["budgets"] else []) + ([checks] if park["summary"] else [])
    )
    keys = [f"park-budget-{b['target']}" for b in park["budgets"]]
    return Section("park", label("park_title", lang), [intro], tables, charts=keys)


def _ecosystem(eco: dict[str, Any], lang: str) -> Section:
    """Scope 3+, visibly apart from the inventory: each programme and portfolio against its
    goal, what the overlap guard kept out, and the verified lots."""
    progress = eco["progress"]
    intro = label("ecosystem_intro", lang).format(forecast=progress["forecast_method"])
    goals = Table(
        [
            label("ecosystem_programme", lang),
            label("ecosystem_goal_col", lang),
            label("ecosystem_cumulative", lang),
            label("ecosystem_forecast_col", lang),
        ],
        [
            [
                f"{p['name_zh'] if lang == 'zh' and p.get('name_zh') else p['name']} "
                f"({p['end_year']})",
                round(p["goal"] or 0),
                round(p["cumulative"], 1),
                round(p["forecast_at_goal_year"]),
            ]
            for p in progress["portfolios"] + progress["programmes"]
        ],
    )
    kept = Table(
        [
            label("ecosystem_kept_out", lang),
            label("ecosystem_programme", lang),
            label("ecosystem_rows", lang),
            label("t_co2e", lang),
        ],
        [
            [o["status"], o["programme_id"], o["rows"], round(o["withheld"], 1)]
            for o in eco["overlaps"]["summary"]
        ],
    )
    lots = Table(
        [
            label("ecosystem_lot", lang),
            label("ecosystem_serial", lang),
            label("t_co2e", lang),
            label("ecosystem_status", lang),
            label("ecosystem_buyer", lang),
        ],
        [
            [lot["lot_id"], lot["serial"], lot["quantity"], lot["status"], lot["buyer"] or "-"]
            for lot in eco["lots"]["lots"]
        ],
    )
    tables = [goals] + ([kept] if kept.rows else []) + ([lots] if lots.rows else [])
    keys = ["ecosystem-years"] + [
        f"ecosystem-goal-{p['programme_id']}" for p in progress["portfolios"]
    ]
    return Section("ecosystem", label("ecosystem_title", lang), [intro], tables, charts=keys)
