"""Render a report: HTML (interactive charts, offline), PDF and XLSX (static charts), JSON.

All four draw the same :func:`~carbonledger.report.sections.sections` from one
:class:`~carbonledger.report.context.ReportContext`; numbers are formatted per locale (babel).
The HTML page carries plotly.js from the installed plotly package, so it works offline.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from carbonledger.report.charts import charts, plotly_html
from carbonledger.report.context import ReportContext, label
from carbonledger.report.fonts import report_font, web_font
from carbonledger.report.formatting import format_number
from carbonledger.report.pdf import pdf_bytes
from carbonledger.report.sections import sections, shown_texts
from carbonledger.report.xlsx import write_xlsx

__all__ = ["FORMATS", "render", "report_json"]

FORMATS = ("html", "pdf", "xlsx", "json")


def report_json(context: ReportContext, lang: str) -> dict[str, Any]:
    """The report as data: the reported numbers by id, and every section's tables."""
    inv = context.inventory
    return {
        "organisation": context.organisation,
        "period": inv.period,
        "run_id": inv.run_id,
        "language": lang,
        "unit": "t CO2e",
        "numbers": context.numbers(),
        "inventory": inv.to_dict(),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "paragraphs": s.paragraphs,
                "tables": [{"columns": t.columns, "rows": t.rows} for t in s.tables],
            }
            for s in sections(context, lang)
        ],
    }


def render(
    context: ReportContext,
    fmt: str,
    lang: str,
    path: str | Path,
    font: str | Path | None = None,
) -> Path:
    """Write the report in a format and language to ``path``; returns the path.

    Parameters
    ----------
    context : ReportContext
        The inventory and what the report says about it.
    fmt : {"html", "pdf", "xlsx", "json"}
        Output format.
    lang : {"en", "zh"}
        Language of every label and sentence, and the locale numbers are formatted in.
    path : str or Path
        File to write.
    font : str or Path, optional
        TrueType font for the PDF and static charts when the bundled one lacks a character
        (see :func:`~carbonledger.report.fonts.report_font`).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        target.write_text(
            json.dumps(report_json(context, lang), ensure_ascii=False, indent=2, default=str),
            encoding="utf-8",
        )
    elif fmt == "html":
        target.write_text(_html(context, lang, font), encoding="utf-8")
    elif fmt == "pdf":
        target.write_bytes(pdf_bytes(context, lang, font))
    elif fmt == "xlsx":
        write_xlsx(context, lang, target, font)
    else:
        raise ValueError(f"unknown report format {fmt!r}; formats: {FORMATS}")
    return target


def _html(context: ReportContext, lang: str, font_path: str | Path | None) -> str:
    import jinja2
    import plotly.offline

    source = resources.files("carbonledger.report").joinpath("templates", "report.html")
    template = jinja2.Environment(autoescape=True).from_string(source.read_text("utf-8"))
    parts, figures = sections(context, lang), charts(context, lang)
    texts = list(shown_texts(lang, parts, figures))
    font = web_font(report_font(texts, font_path, strict=False), texts)
    family = "carbonledger, system-ui, sans-serif" if font else "system-ui, sans-serif"
    return template.render(
        lang=lang,
        title=label("title", lang),
        subtitle=label("subtitle", lang),
        organisation=context.organisation,
        period=f"{label('period', lang)}: {context.inventory.period or ''}",
        sections=parts,
        font=font,
        charts={c.key: jinja2.utils.markupsafe.Markup(plotly_html(c, family)) for c in figures},
        plotlyjs=jinja2.utils.markupsafe.Markup(plotly.offline.get_plotlyjs()),
        fmt=lambda v: format_number(v, lang),
        generated=label("generated", lang),
        run_id=context.inventory.run_id,
    )
