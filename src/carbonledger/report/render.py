"""Render a report: HTML (interactive charts, offline), PDF and XLSX (static charts), JSON.

All four draw the same :func:`~carbonledger.report.sections.sections` from one
:class:`~carbonledger.report.context.ReportContext`; numbers are formatted per locale (babel).
The HTML page carries plotly.js from the installed plotly package, so it works offline.
"""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

from carbonledger.report.charts import charts, plotly_html, png
from carbonledger.report.context import ReportContext, label
from carbonledger.report.sections import Section, sections

__all__ = ["FORMATS", "format_number", "render", "report_json"]

FORMATS = ("html", "pdf", "xlsx", "json")
_LOCALES = {"en": "en_US", "zh": "zh_CN"}
_LARGE = 100


def format_number(value: Any, lang: str) -> str:
    """A cell as text, numbers grouped and rounded per the language's locale."""
    from babel.numbers import format_decimal

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    pattern = "#,##0" if abs(value) >= _LARGE else "#,##0.###"
    return str(format_decimal(value, format=pattern, locale=_LOCALES[lang]))


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


def render(context: ReportContext, fmt: str, lang: str, path: str | Path) -> Path:
    """Write the report in a format and language to ``path``; returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        target.write_text(
            json.dumps(report_json(context, lang), ensure_ascii=False, indent=2, default=str),
            encoding="utf-8",
        )
    elif fmt == "html":
        target.write_text(_html(context, lang), encoding="utf-8")
    elif fmt == "pdf":
        target.write_bytes(_pdf(context, lang))
    elif fmt == "xlsx":
        _xlsx(context, lang, target)
    else:
        raise ValueError(f"unknown report format {fmt!r}; formats: {FORMATS}")
    return target


def _html(context: ReportContext, lang: str) -> str:
    import jinja2
    import plotly.offline

    source = resources.files("carbonledger.report").joinpath("templates", "report.html")
    template = jinja2.Environment(autoescape=True).from_string(source.read_text("utf-8"))
    return template.render(
        lang=lang,
        title=label("title", lang),
        subtitle=label("subtitle", lang),
        sections=sections(context, lang),
        charts={
            c.key: jinja2.utils.markupsafe.Markup(plotly_html(c)) for c in charts(context, lang)
        },
        plotlyjs=jinja2.utils.markupsafe.Markup(plotly.offline.get_plotlyjs()),
        fmt=lambda v: format_number(v, lang),
        generated=label("generated", lang),
        run_id=context.inventory.run_id,
    )


def _static_font(lang: str) -> str | None:
    """A CJK font matplotlib can use for Chinese labels, if one is installed."""
    if lang != "zh":
        return None
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if any(k in font.name for k in ("CJK", "Hei", "Song", "WenQuanYi", "Noto Sans SC")):
            return str(font.name)
    return None


def _static_charts(context: ReportContext, lang: str) -> dict[str, bytes]:
    # Without a CJK font the static images keep English labels (the tables carry Chinese).
    font = _static_font(lang)
    chart_lang = lang if font or lang == "en" else "en"
    return {c.key: png(c, font) for c in charts(context, chart_lang, names=font is not None)}


def _pdf(context: ReportContext, lang: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    if lang == "zh":  # Adobe's CID font for simplified Chinese, known to every PDF reader
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        for name in ("Title", "Heading2", "BodyText"):
            styles[name].fontName = "STSong-Light"
    images = _static_charts(context, lang)
    story: list[Any] = [
        Paragraph(label("title", lang), styles["Title"]),
        Paragraph(label("subtitle", lang), styles["BodyText"]),
        Spacer(1, 0.4 * cm),
    ]
    for index, section in enumerate(sections(context, lang)):
        if index and section.key in ("base_year", "methods"):
            story.append(PageBreak())
        story.append(Paragraph(section.title, styles["Heading2"]))
        story += [Paragraph(p, styles["BodyText"]) for p in section.paragraphs]
        for table in section.tables:
            data = [[Paragraph(str(c), styles["BodyText"]) for c in table.columns]]
            data += [
                [Paragraph(format_number(v, lang), styles["BodyText"]) for v in row]
                for row in table.rows
            ]
            pdf_table = PdfTable(data, repeatRows=1)
            pdf_table.setStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey)])
            story += [pdf_table, Spacer(1, 0.3 * cm)]
        for key in section.charts:
            if key in images:
                story.append(Image(io.BytesIO(images[key]), width=16 * cm, height=7.8 * cm))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=label("title", lang)).build(story)
    return buffer.getvalue()


def _xlsx(context: ReportContext, lang: str, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XlImage

    book = Workbook()
    book.remove(book.active)
    images = _static_charts(context, lang)
    for section in sections(context, lang):
        sheet = book.create_sheet(_sheet_name(section))
        row = 1
        sheet.cell(row, 1, section.title)
        row += 1
        for paragraph in section.paragraphs:
            sheet.cell(row, 1, paragraph)
            row += 1
        for table in section.tables:
            row += 1
            for col, name in enumerate(table.columns, 1):
                sheet.cell(row, col, name)
            for cells in table.rows:
                row += 1
                for col, value in enumerate(cells, 1):
                    sheet.cell(row, col, value)
            row += 1
        for key in section.charts:
            if key in images:
                picture = XlImage(io.BytesIO(images[key]))
                sheet.add_image(picture, f"H{2 + 20 * section.charts.index(key)}")
    book.save(path)


def _sheet_name(section: Section) -> str:
    return section.key[:31]
