"""The report's charts, one description each, drawn interactively (plotly, for HTML) or as
static PNG images (matplotlib, for PDF and XLSX) from the same data."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from carbonledger.report.context import ReportContext, label
from carbonledger.report.fonts import ReportFont

__all__ = [
    "Chart",
    "charts",
    "ecosystem_charts",
    "park_charts",
    "plan_charts",
    "plotly_html",
    "png",
    "png_images",
    "tick_format",
]

_TOP_FACILITIES = 10
_TOTAL, _RISE, _FALL = "#1f77b4", "#d62728", "#2ca02c"  # waterfall bars: totals, rises, falls


@dataclass(frozen=True)
class Chart:
    """A bar-like chart: categories, values [t CO2e] and how to draw it."""

    key: str
    title: str
    categories: list[str]
    values: list[float]
    kind: str = "bar"  # bar, waterfall, line, barh, macc, lines
    unit: str = "t CO2e"  # label of the value axis
    absolute: tuple[int, ...] = ()  # waterfall bars standing on zero (totals); others are steps
    widths: tuple[float, ...] = ()  # macc: each bar's width (its abatement), laid end to end
    series: tuple[tuple[str, tuple[float | None, ...]], ...] = ()  # lines: (name, values)
    width_unit: str = ""  # macc: label of the width axis
    stacked: int = 0  # lines: how many of the first series stack (areas), the rest are lines

    @property
    def starts(self) -> list[float]:
        """Where each MACC bar starts on the width axis."""
        out, edge = [], 0.0
        for width in self.widths:
            out.append(edge)
            edge += width
        return out

    def is_step(self, index: int) -> bool:
        """Whether bar ``index`` of a waterfall is a step from the running total."""
        return index not in self.absolute and index - len(self.values) not in self.absolute


def charts(context: ReportContext, lang: str) -> list[Chart]:
    """The report's charts, labelled in ``lang``: scopes, scope 3 categories (waterfall),
    months, largest facilities, and the bridges from the previous year (activity and factor
    effects) and from the base year where the context holds them."""
    inv = context.inventory
    numbers = context.numbers()
    unit = label("t_co2e", lang)
    scopes = Chart(
        "scopes",
        label("charts", lang, "scopes"),
        [label(k, lang) for k in ("scope_1", "scope_2_location", "scope_2_market", "scope_3")],
        [numbers[k] for k in ("scope_1", "scope_2_location", "scope_2_market", "scope_3")],
        unit=unit,
    )
    categories = sorted(
        (r for r in inv.breakdowns["category"] if r["scope"] == 3 and r["category"]),
        key=lambda r: r["category"],
    )
    waterfall = Chart(
        "waterfall",
        label("charts", lang, "waterfall"),
        [*(str(r["category"]) for r in categories), label("scope_3", lang)],
        [*(r["co2e"] for r in categories), numbers["scope_3"]],
        "waterfall",
        unit,
        absolute=(-1,),
    )
    months: dict[str, float] = {}
    for row in inv.breakdowns["month"]:
        months[row["month"]] = months.get(row["month"], 0.0) + row["co2e"]
    monthly = Chart(
        "monthly",
        label("charts", lang, "monthly"),
        sorted(months),
        [months[m] for m in sorted(months)],
        "line",
        unit,
    )
    facilities: dict[str, float] = {}
    for row in inv.breakdowns["facility"]:
        if row["facility"]:
            facilities[row["facility"]] = facilities.get(row["facility"], 0.0) + row["co2e"]
    top = sorted(facilities.items(), key=lambda kv: -kv[1])[:_TOP_FACILITIES]
    bar = Chart(
        "facilities",
        label("charts", lang, "facilities"),
        [context.facility_names.get(f, f) for f, _ in top],
        [v for _, v in top],
        "barh",
        unit,
    )
    result = [scopes, waterfall, monthly, bar]
    change = context.year_on_year
    if change:
        total = change["total"]
        result.append(
            Chart(
                "year_on_year",
                label("charts", lang, "year_on_year"),
                [
                    change["before"],
                    label("activity_effect", lang),
                    label("factor_effect", lang),
                    change["after"],
                ],
                [
                    total["co2e_before"],
                    total["activity_effect"],
                    total["factor_effect"],
                    total["co2e_after"],
                ],
                "waterfall",
                unit,
                absolute=(0, -1),
            )
        )
    if context.base_year:
        standing = context.base_year["base_year"]["by_scope"]
        steps = [
            numbers[k] - standing.get(s, 0.0)
            for s, k in ((1, "scope_1"), (2, "scope_2_location"), (3, "scope_3"))
        ]
        result.append(
            Chart(
                "bridge",
                label("charts", lang, "bridge"),
                [
                    f"{context.base_year['base_year_period']}",
                    label("scope_1", lang),
                    label("scope_2_location", lang),
                    label("scope_3", lang),
                    str(inv.period or ""),
                ],
                [context.base_year["base_year"]["total"], *steps, numbers["total_location"]],
                "waterfall",
                unit,
                absolute=(0, -1),
            )
        )
    budgets = [c for c in park_charts(context.park, lang) if c.key.startswith("park-budget")]
    return (
        result
        + plan_charts(context.plan, lang)
        + budgets
        + ecosystem_charts(context.ecosystem, lang)
    )


def plan_charts(plan: dict[str, Any] | None, lang: str) -> list[Chart]:
    """The plan's charts: the MACC (bars by levelised cost, as wide as their abatement) and
    the pathway (the scenario's gross emissions with each measure's wedge stacked on them up to
    business as usual, and the lines of the targets on all scopes); none without a plan or
    measures."""
    if not plan or not plan.get("macc"):
        return []
    macc, path = plan["macc"], plan["pathway"]
    bars = [r for r in macc["rows"] if r["levelised_cost"] is not None and r["abatement"] > 0]
    out = [
        Chart(
            "macc",
            label("charts", lang, "macc"),
            [r["name"] for r in bars],
            [r["levelised_cost"] for r in bars],
            "macc",
            f"{macc['currency']} / t CO2e",
            widths=tuple(r["abatement"] for r in bars),
            width_unit=label("abatement_axis", lang),
        )
    ]
    years = [str(y["year"]) for y in path["years"]]
    series = [(label("gross_after_measures", lang), tuple(y["gross_total"] for y in path["years"]))]
    series += _wedges(path, lang)
    stacked = len(series)  # gross plus the wedges stack up to business as usual
    series.append((label("bau", lang), tuple(y["bau_total"] for y in path["years"])))
    for line in path["targets"]:
        if line["scopes"] == [1, 2, 3] or line["kind"] == "net_zero":
            values = {str(k): v for k, v in line["values"].items()}
            series.append((line["name"], tuple(values.get(y) for y in years)))
    out.append(
        Chart(
            "pathway",
            label("charts", lang, "pathway"),
            years,
            [y["bau_total"] for y in path["years"]],
            "lines",
            label("t_co2e", lang),
            series=tuple(series),
            stacked=stacked,
        )
    )
    return out


#: Measures drawn as wedges of their own in the pathway chart; the rest share one.
_WEDGES = 6


def ecosystem_charts(eco: dict[str, Any] | None, lang: str) -> list[Chart]:
    """Scope 3+ (:func:`carbonledger.app.ecosystem_context`), apart from the inventory: each
    programme's retained reductions by year, stacked [t CO2e], and each portfolio's cumulative
    reductions with the forecast to its goal year against the goal; none without programmes."""
    if not eco:
        return []
    progress = eco["progress"]
    out: list[Chart] = []
    programmes = progress["programmes"]
    years = sorted({r["year"] for p in programmes for r in p["years"]})

    def name(p: dict[str, Any]) -> str:
        return str(p["name_zh"] if lang == "zh" and p.get("name_zh") else p["name"])

    if years:
        series = tuple(
            (
                name(p),
                tuple(
                    next((r["retained"] for r in p["years"] if r["year"] == y), 0.0) for y in years
                ),
            )
            for p in programmes
        )
        totals = [sum(values[i] for _, values in series) for i in range(len(years))]
        out.append(
            Chart(
                "ecosystem-years",
                label("charts", lang, "ecosystem_years"),
                [str(y) for y in years],
                totals,
                "lines",
                label("t_co2e", lang),
                series=series,
                stacked=len(series),
            )
        )
    for portfolio in progress["portfolios"]:
        observed = [(r["year"], r["cumulative"]) for r in portfolio["years"]]
        if not observed:
            continue
        cumulative, projected = observed[-1][1], []
        for row in portfolio["forecast"]:
            cumulative += row["retained"]
            projected.append((row["year"], cumulative))
        categories = [str(y) for y, _ in observed + projected]
        done = tuple(v for _, v in observed) + (None,) * len(projected)
        ahead = (None,) * (len(observed) - 1) + (observed[-1][1],) + tuple(v for _, v in projected)
        goal = (portfolio["goal"],) * len(categories) if portfolio["goal"] else ()
        lines = [
            (label("ecosystem_series", lang, "cumulative"), done),
            (label("ecosystem_series", lang, "forecast"), ahead),
        ] + ([(label("ecosystem_series", lang, "goal"), goal)] if goal else [])
        out.append(
            Chart(
                f"ecosystem-goal-{portfolio['programme_id']}",
                f"{label('charts', lang, 'ecosystem_goal')}: {name(portfolio)}",
                categories,
                [v or 0.0 for v in done],
                "lines",
                label("t_co2e", lang),
                series=tuple(lines),
            )
        )
    return out


def park_charts(park: dict[str, Any] | None, lang: str) -> list[Chart]:
    """The park's charts (:func:`carbonledger.app.park_context`): the last week by zone
    [kWh an hour], each budget month by month [t CO2e], and each design's week of dispatch
    [kW] with its battery's state of charge [kWh]; none without meters."""
    if not park:
        return []

    def name(key: str) -> str:
        return label("park_series", lang, key)

    out: list[Chart] = []
    for week in park["weeks"]:
        main, kwh = week["main"], week["kwh"]
        zones = [m for m in kwh if m != main]
        rest = [total - sum(kwh[z][i] for z in zones) for i, total in enumerate(kwh[main])]
        zoned = [(week["names"][z], tuple(kwh[z])) for z in zones]
        zoned += [(name("unmetered"), tuple(rest)), (name("main"), tuple(kwh[main]))]
        out.append(
            Chart(
                f"park-week-{main}",
                label("charts", lang, "park_week"),
                week["hours"],
                kwh[main],
                "lines",
                "kWh",
                series=tuple(zoned),
                stacked=len(zones) + 1,
            )
        )
    for budget in park["budgets"]:
        months = [m["month"] for m in budget["months"]]
        metered = tuple(m["kg_co2e"] / 1000 for m in budget["months"])
        against = (
            (name("metered"), metered),
            (name("budget"), tuple(m["budget"] / 1000 for m in budget["months"])),
        )
        out.append(
            Chart(
                f"park-budget-{budget['target']}",
                f"{label('charts', lang, 'park_budget')}: {budget['name']}",
                months,
                list(metered),
                "lines",
                label("t_co2e", lang),
                series=against,
                stacked=1,
            )
        )
    for design in park["designs"]:
        flows = design["series"]
        supply = tuple((name(k), tuple(flows[k])) for k in ("grid_import", "pv_used", "discharge"))
        out.append(
            Chart(
                f"park-dispatch-{design['facility']}",
                f"{label('charts', lang, 'park_dispatch')}: {design['name']}",
                design["times"],
                flows["load"],
                "lines",
                "kW",
                series=(*supply, (name("load"), tuple(flows["load"]))),
                stacked=3,
            )
        )
        out.append(
            Chart(
                f"park-soc-{design['facility']}",
                label("charts", lang, "park_soc"),
                design["times"],
                flows["soc"],
                "lines",
                "kWh",
                series=((name("soc"), tuple(flows["soc"])),),
            )
        )
    return out


def _wedges(path: dict[str, Any], lang: str) -> list[tuple[str, tuple[float, ...]]]:
    """Each measure's wedge by year, the largest (in the last year) apart, the rest summed."""
    rows = path["years"]
    last = rows[-1]["wedges"]
    order = sorted(last, key=lambda m: -last[m])
    wedges = [
        (path["names"].get(m, m), tuple(r["wedges"].get(m, 0.0) for r in rows))
        for m in order[:_WEDGES]
    ]
    rest = order[_WEDGES:]
    if rest:
        summed = tuple(sum(r["wedges"].get(m, 0.0) for m in rest) for r in rows)
        wedges.append((label("other_measures", lang), summed))
    return wedges


def tick_format(values: Sequence[float]) -> str:
    """A value axis's d3 format: thousands separated, with decimals enough that the ticks of
    small values differ (1.2 and 1.6 t are not both "1"; 385,612 t needs none)."""
    largest = max((abs(v) for v in values if v == v), default=0.0)  # NaN ignored
    if largest == 0:
        return ",.1f"  # plotly spans 0 to 1
    if largest >= 100:
        return ",.0f"
    return f",.{min(3, 2 - math.floor(math.log10(largest)))}f"


#: Points beyond which a line is drawn without markers (a week at 15 minutes has 672).
_MARKED_POINTS = 60


def _line_mode(chart: Chart) -> str:
    return "lines+markers" if len(chart.categories) <= _MARKED_POINTS else "lines"


def plotly_html(chart: Chart, family: str = "sans-serif") -> str:
    """The chart as an interactive plotly ``<div>`` (plotly.js included once by the page),
    its text in the CSS font ``family``."""
    import plotly.graph_objects as go

    if chart.kind == "waterfall":
        measure = ["relative" if chart.is_step(i) else "absolute" for i in range(len(chart.values))]
        trace: Any = go.Waterfall(
            x=chart.categories,
            y=chart.values,
            measure=measure,
            increasing={"marker": {"color": _RISE}},
            decreasing={"marker": {"color": _FALL}},
            totals={"marker": {"color": _TOTAL}},
        )
    elif chart.kind == "line":
        trace = go.Scatter(x=chart.categories, y=chart.values, mode="lines+markers")
    elif chart.kind == "barh":
        trace = go.Bar(x=chart.values, y=chart.categories, orientation="h")
    elif chart.kind == "macc":
        trace = go.Bar(
            x=[a + w / 2 for a, w in zip(chart.starts, chart.widths, strict=True)],
            y=chart.values,
            width=list(chart.widths),
            customdata=chart.categories,
            hovertemplate="%{customdata}<br>%{y:,.0f} " + chart.unit + "<extra></extra>",
            marker={"line": {"color": "white", "width": 1}},
        )
    else:
        trace = go.Bar(x=chart.categories, y=chart.values)
    if chart.kind == "lines":
        figure = go.Figure(
            [
                go.Scatter(
                    x=chart.categories, y=list(values), mode="lines", name=name, stackgroup="wedges"
                )
                if i < chart.stacked
                else go.Scatter(
                    x=chart.categories, y=list(values), mode=_line_mode(chart), name=name
                )
                for i, (name, values) in enumerate(chart.series)
            ]
        )
    else:
        figure = go.Figure(trace)
    figure.update_layout(
        title=chart.title,
        height=380,
        margin={"l": 70, "r": 20, "t": 50, "b": 40},
        font={"family": family},
    )
    ticks = tick_format(chart.values)
    value_axis = {"title": chart.unit, "tickformat": ticks, "rangemode": "tozero"}
    if chart.kind == "macc":
        figure.update_yaxes(title=chart.unit, tickformat=ticks)
        figure.update_xaxes(
            title=chart.width_unit, tickformat=",.0f", range=[0, sum(chart.widths) or 1]
        )
    elif chart.kind == "barh":
        figure.update_xaxes(**value_axis)
        figure.update_yaxes(autorange="reversed")
    else:
        figure.update_yaxes(**value_axis)
        figure.update_xaxes(type="category")  # months stay "2025-01", not dates
    html: str = figure.to_html(
        include_plotlyjs=False,
        full_html=False,
        div_id=f"chart-{chart.key}",
        default_width="100%",  # as wide as its panel (a fixed 700 px was cut by narrower ones)
        config={"responsive": True},
    )
    return html


def png(chart: Chart, font: str | None = None) -> bytes:
    """The chart as a static PNG image [bytes], its text in the font family ``font``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import StrMethodFormatter

    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    rc: Any = {"font.family": "sans-serif", "font.sans-serif": family, "axes.unicode_minus": False}
    with plt.rc_context(rc):
        figure, axes = plt.subplots(figsize=(7, 3.4), dpi=110)
        _draw(chart, axes)
        value_axis = axes.xaxis if chart.kind == "barh" else axes.yaxis
        value_axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        value_axis.set_label_text(chart.unit)
        if chart.kind in ("line", "lines"):
            axes.set_ylim(bottom=0)
        if chart.kind == "macc":
            axes.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
            axes.xaxis.set_label_text(chart.width_unit)
        if chart.kind == "lines":
            axes.legend(fontsize=7)
        axes.set_title(chart.title)
        axes.tick_params(axis="x", labelrotation=30, labelsize=7)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        plt.close(figure)
    return buffer.getvalue()


def png_images(figures: Sequence[Chart], font: ReportFont) -> dict[str, bytes]:
    """Every chart as a PNG image [bytes] by key, its text in the report's font."""
    return {chart.key: png(chart, font.family) for chart in figures}


def _draw(chart: Chart, axes: Any) -> None:
    draw: dict[str, Callable[[], Any]] = {
        "line": lambda: axes.plot(chart.categories, chart.values, marker="o"),
        "barh": lambda: axes.barh(chart.categories[::-1], chart.values[::-1]),
    }
    if chart.kind in draw:
        draw[chart.kind]()
    elif chart.kind == "macc":
        axes.bar(chart.starts, chart.values, width=chart.widths, align="edge", edgecolor="white")
        axes.axhline(0, color="black", linewidth=0.6)
    elif chart.kind == "lines":
        stacked = chart.series[: chart.stacked]
        if stacked:
            axes.stackplot(
                chart.categories,
                *[[v or 0.0 for v in values] for _, values in stacked],
                labels=[name for name, _ in stacked],
                alpha=0.8,
            )
        for name, values in chart.series[chart.stacked :]:
            points = [
                (x, v) for x, v in zip(chart.categories, values, strict=True) if v is not None
            ]
            axes.plot([p[0] for p in points], [p[1] for p in points], marker=".", label=name)
    elif chart.kind == "waterfall":
        bottoms, heights, colours, running = [], [], [], 0.0
        for i, value in enumerate(chart.values):
            step = chart.is_step(i)
            bottoms.append(min(running, running + value) if step else 0.0)
            heights.append(abs(value) if step else value)
            colours.append(_TOTAL if not step else _RISE if value >= 0 else _FALL)
            running = running + value if step else value
        axes.bar(chart.categories, heights, bottom=bottoms, color=colours)
    else:
        axes.bar(chart.categories, chart.values)
