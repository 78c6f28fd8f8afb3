"""The report as a PDF (reportlab): the sections' text and tables, static charts, and a footer
naming the run on every page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from carbonledger.report.charts import charts, png_images
from carbonledger.report.context import ReportContext, label
from carbonledger.report.fonts import ReportFont, register, report_font
from carbonledger.report.formatting import format_number
from carbonledger.report.sections import Table, sections, shown_texts

__all__ = ["pdf_bytes", "pdf_table"]

#: Sections that start a new page.
_NEW_PAGE = ("year_on_year", "methods")
_CELL_PADDING = 12  # [pt] left and right padding of a table cell together
_CHART_SIZE = (16, 7.8)  # [cm] width, height of a chart image
_FOOTER_SIZE = 7  # [pt]
#: Runs a line cannot break inside: a word, or one Chinese, Japanese or Korean character or
#: punctuation mark (text in those scripts breaks between any two).
_UNBREAKABLE = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)
_MAX_WORD_SHARE = 3  # a text column keeps its widest word up to 1/3 of the page width
_NUMBER_HEADER_SHARE = 6  # a number column fits its header up to 1/6 of the page width
_SHORT_SHARE = 8  # text up to 1/8 of the page width does not wrap


def pdf_bytes(context: ReportContext, lang: str, font_path: str | Path | None = None) -> bytes:
    """The report as PDF bytes, in ``lang``, set in Helvetica or an embedded TrueType font
    (:func:`~carbonledger.report.fonts.report_font`)."""
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        Spacer,
    )

    parts, figures = sections(context, lang), charts(context, lang)
    font = report_font(shown_texts(lang, parts, figures), font_path)
    styles = getSampleStyleSheet()
    if font.path is not None:
        register(font)
        for name in ("Title", "Heading2", "Heading3", "BodyText"):
            styles[name].fontName = font.name
    body = styles["BodyText"]
    number = ParagraphStyle("Number", parent=body, alignment=TA_RIGHT)
    # Chinese sentences break between any two characters; table cells keep words whole.
    prose = ParagraphStyle("Prose", parent=body, wordWrap="CJK" if lang == "zh" else None)
    buffer = io.BytesIO()
    document = _outlined_document(
        buffer, pagesize=A4, title=label("title", lang), author=context.organisation
    )
    images = png_images(figures, font)
    period = f"{label('period', lang)}: {context.inventory.period or ''}"
    story: list[Any] = [
        Paragraph(escape(label("title", lang)), styles["Title"]),
        Paragraph(escape(f"{context.organisation} · {period}"), styles["Heading3"]),
        Paragraph(escape(label("subtitle", lang)), prose),
        Spacer(1, 0.4 * cm),
    ]
    for index, section in enumerate(parts):
        if index and section.key in _NEW_PAGE:
            story.append(PageBreak())
        heading = Paragraph(escape(section.title), styles["Heading2"])
        heading.outline_key = section.key  # a bookmark in the reader's outline
        opening: list[Any] = [heading]
        opening += [Paragraph(escape(p), prose) for p in section.paragraphs]
        for number_of_table, table in enumerate(section.tables):
            flowable = pdf_table(table, lang, font, (body, number), document.width)
            if number_of_table == 0:  # a heading stays with its first table
                story.append(KeepTogether([*opening, flowable]))
                opening = []
            else:
                story.append(flowable)
            story.append(Spacer(1, 0.3 * cm))
        story += opening
        width, height = _CHART_SIZE
        story += [
            Image(io.BytesIO(images[key]), width=width * cm, height=height * cm)
            for key in section.charts
            if key in images
        ]
    footer = f"{label('generated', lang)} {context.inventory.run_id[:12]}"

    def page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font.name, _FOOTER_SIZE)
        canvas.drawString(doc.leftMargin, doc.bottomMargin / 2, footer)
        canvas.drawRightString(
            doc.leftMargin + doc.width, doc.bottomMargin / 2, str(canvas.getPageNumber())
        )
        canvas.restoreState()

    document.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def _outlined_document(buffer: io.BytesIO, **options: Any) -> Any:
    """A reportlab document whose section headings become bookmarks in the reader's outline."""
    from reportlab.platypus import SimpleDocTemplate

    class OutlinedDocument(SimpleDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 (reportlab's hook name)
            key = getattr(flowable, "outline_key", None)
            if key is not None:
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)

    return OutlinedDocument(buffer, **options)


def pdf_table(
    table: Table, lang: str, font: ReportFont, styles: tuple[Any, Any], available: float
) -> Any:
    """A table as a reportlab flowable: text left, numbers right, widths fitted to content."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable

    text, number = styles
    cells = [[Paragraph(escape(str(c)), text) for c in table.columns]]
    cells += [
        [Paragraph(escape(format_number(v, lang)), number if _numeric(v) else text) for v in row]
        for row in table.rows
    ]
    widths = _column_widths(table, lang, font, text.fontSize, available)
    flowable = PdfTable(cells, colWidths=widths, repeatRows=1)
    flowable.setStyle(
        [("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    )
    return flowable


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _column_widths(
    table: Table, lang: str, font: ReportFont, size: float, available: float
) -> list[float]:
    """Column widths [pt] filling ``available``.

    Number columns are as wide as their widest number (numbers never wrap) or their header, up
    to a sixth of the page (a longer header wraps); text columns share the rest: each at
    least its widest word (up to a third of the page) and its whole text if that is short
    (an eighth), and the room beyond that in proportion to what its widest cell asks for.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def width(text: str) -> float:
        return stringWidth(text, font.name, size) + _CELL_PADDING

    def widest_word(texts: Iterable[str]) -> float:
        return min(
            max((width(w) for t in texts for w in _UNBREAKABLE.findall(t)), default=_CELL_PADDING),
            available / _MAX_WORD_SHARE,
        )

    widths: list[float | None] = []
    wanted, least = {}, {}
    for i, header in enumerate(table.columns):
        cells = [row[i] for row in table.rows]
        shown = [format_number(v, lang) for v in cells]
        if cells and all(_numeric(v) or v is None for v in cells):
            heading = min(width(str(header)), available / _NUMBER_HEADER_SHARE)
            widths.append(max(*(width(t) for t in shown), heading, widest_word([str(header)])))
        else:
            widths.append(None)
            texts = [str(header), *shown]
            wanted[i] = max(width(t) for t in texts)
            least[i] = min(wanted[i], max(widest_word(texts), available / _SHORT_SHARE))
    room = available - sum(w for w in widths if w is not None)
    if not wanted:
        return [w + room / len(widths) for w in widths if w is not None]
    extra = sum(wanted.values()) - sum(least.values())
    for i in wanted:
        if sum(least.values()) >= room:
            widths[i] = least[i] * room / sum(least.values())
        elif sum(wanted.values()) <= room:
            widths[i] = wanted[i] + (room - sum(wanted.values())) / len(wanted)
        else:
            widths[i] = least[i] + (wanted[i] - least[i]) * (room - sum(least.values())) / extra
    return [w for w in widths if w is not None]
