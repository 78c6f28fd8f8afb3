"""The report's charts, one description each, drawn interactively (plotly, for HTML) or as
static PNG images (matplotlib, for PDF and XLSX) from the same data."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from carbonledger.report.context import ReportContext, label

__all__ = ["Chart", "charts", "plotly_html", "png"]

_TOP_FACILITIES = 10


@dataclass(frozen=True)
class Chart:
    """A bar-like chart: categories, values [t CO2e] and how to draw it."""

    key: str
    title: str
    categories: list[str]
    values: list[float]
    kind: str = "bar"  # bar, waterfall, line, barh


def charts(context: ReportContext, lang: str, names: bool = True) -> list[Chart]:
    """The five charts of the report, labelled in ``lang``; facilities by name, or by id
    where ``names`` is false (static images without a font for the names' script)."""
    inv = context.inventory
    numbers = context.numbers()
    scopes = Chart(
        "scopes",
        label("charts", lang, "scopes"),
        [label(k, lang) for k in ("scope_1", "scope_2_location", "scope_2_market", "scope_3")],
        [numbers[k] for k in ("scope_1", "scope_2_location", "scope_2_market", "scope_3")],
    )
    categories = sorted(
        (r for r in inv.breakdowns["category"] if r["scope"] == 3 and r["category"]),
        key=lambda r: r["category"],
    )
    waterfall = Chart(
        "waterfall",
        label("charts", lang, "waterfall"),
        [str(r["category"]) for r in categories],
        [r["co2e"] for r in categories],
        "waterfall",
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
    )
    facilities: dict[str, float] = {}
    for row in inv.breakdowns["facility"]:
        if row["facility"]:
            facilities[row["facility"]] = facilities.get(row["facility"], 0.0) + row["co2e"]
    top = sorted(facilities.items(), key=lambda kv: -kv[1])[:_TOP_FACILITIES]
    bar = Chart(
        "facilities",
        label("charts", lang, "facilities"),
        [context.facility_names.get(f, f) if names else f for f, _ in top],
        [v for _, v in top],
        "barh",
    )
    result = [scopes, waterfall, monthly, bar]
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
                "bridge",
            )
        )
    return result


def plotly_html(chart: Chart) -> str:
    """The chart as an interactive plotly ``<div>`` (plotly.js included once by the page)."""
    import plotly.graph_objects as go

    if chart.kind in ("waterfall", "bridge"):
        measure = (
            ["relative"] * len(chart.values)
            if chart.kind == "waterfall"
            else ["absolute", *["relative"] * (len(chart.values) - 2), "total"]
        )
        trace: Any = go.Waterfall(x=chart.categories, y=chart.values, measure=measure)
    elif chart.kind == "line":
        trace = go.Scatter(x=chart.categories, y=chart.values, mode="lines+markers")
    elif chart.kind == "barh":
        trace = go.Bar(x=chart.values, y=chart.categories, orientation="h")
    else:
        trace = go.Bar(x=chart.categories, y=chart.values)
    figure = go.Figure(trace)
    figure.update_layout(title=chart.title, height=380, margin={"l": 60, "r": 20, "t": 50, "b": 40})
    html: str = figure.to_html(include_plotlyjs=False, full_html=False, div_id=f"chart-{chart.key}")
    return html


def png(chart: Chart, font: str | None = None) -> bytes:
    """The chart as a static PNG image [bytes]."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    figure, axes = plt.subplots(figsize=(7, 3.4), dpi=110)
    draw: dict[str, Callable[[], Any]] = {
        "line": lambda: axes.plot(chart.categories, chart.values, marker="o"),
        "barh": lambda: axes.barh(chart.categories[::-1], chart.values[::-1]),
    }
    if chart.kind in draw:
        draw[chart.kind]()
    elif chart.kind in ("waterfall", "bridge"):
        bottoms, running = [], 0.0
        for i, value in enumerate(chart.values):
            absolute = chart.kind == "bridge" and i in (0, len(chart.values) - 1)
            bottoms.append(0.0 if absolute else (running if value >= 0 else running + value))
            running = value if absolute else running + value
        heights = [
            abs(v) if not (chart.kind == "bridge" and i in (0, len(chart.values) - 1)) else v
            for i, v in enumerate(chart.values)
        ]
        axes.bar(chart.categories, heights, bottom=bottoms)
    else:
        axes.bar(chart.categories, chart.values)
    axes.set_title(chart.title)
    axes.tick_params(axis="x", labelrotation=30, labelsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
