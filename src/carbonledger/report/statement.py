"""The qualifying explanatory statement of a neutrality claim (PAS 2060's QES; the claim's
report under ISO 14068-1), in HTML and PDF, English and Chinese: the declaration (or why none
can be made), the footprint, reductions, residual and the credits retired for it, and each
rule of the rule set with its clause, outcome and figures."""

from __future__ import annotations

import html
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from carbonledger.report.context import label
from carbonledger.report.fonts import register, report_font
from carbonledger.report.sections import Section, Table

__all__ = ["statement_html", "statement_pdf", "statement_sections"]


def _outcome(passed: bool | None, lang: str) -> str:
    key = "na" if passed is None else "pass" if passed else "fail"
    return label("outcomes", lang, key)


def _figures(numbers: Mapping[str, Any]) -> str:
    def shown(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 3)
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return value

    kept = {k: v for k, v in numbers.items() if v not in (None, {}, [])}
    return "; ".join(f"{k}: {shown(v)}" for k, v in kept.items())


def statement_sections(
    claim: Mapping[str, Any], credits: Sequence[Mapping[str, Any]], organisation: str, lang: str
) -> tuple[str, list[Section]]:
    """The statement's title and sections.

    Parameters
    ----------
    claim : mapping
        A claim evaluation's plain form (:meth:`ClaimEvaluation.to_dict`).
    credits : sequence of mapping
        The blocks retired for it: ``retirement_id``, ``project_id``, ``vintage``,
        ``serial``, ``quantity`` [t CO2e], ``removal``, ``retired``.
    """
    subject = claim["name"] or f"{claim['subject_type']} {claim['subject_id']}"
    words = {
        "organisation": organisation,
        "subject": subject,
        "period": claim["period"],
        "rule_set": claim["rule_set"],
        "verification": claim["verification"] or "-",
    }
    key = "qes_declaration_pass" if claim["passed"] else "qes_declaration_fail"
    opening = [
        label("qes_subject", lang).format(
            subject=subject, period=claim["period"], scopes=claim["scopes"]
        ),
        label(key, lang).format(**words),
    ]
    if claim["status"] == "superseded":
        opening.append(label("qes_superseded", lang).format(rule_set=claim["rule_set"]))
    figures = Table(
        [label("qes_figures", lang), label("quantity", lang)],
        [
            [label("qes_emissions", lang), claim["emissions"]],
            [label("qes_reductions", lang), claim["reductions"]],
            [label("qes_removals", lang), claim["removals"]],
            [label("qes_residual", lang), claim["residual"]],
            [label("qes_retired", lang), claim["retired"]],
            [label("of_which_removals", lang), claim["removals_retired"]],
        ],
    )
    used = Table(
        [
            label("retirement", lang),
            label("project", lang),
            label("vintage", lang),
            label("serials", lang),
            label("quantity", lang),
            label("retired_on", lang),
        ],
        [
            [
                c["retirement_id"],
                c["project_id"] or "",
                str(c["vintage"] or ""),
                c["serial"],
                c["quantity"],
                str(c["retired"] or ""),
            ]
            for c in credits
        ],
    )
    rules = Table(
        [label("rule", lang), label("clause", lang), label("outcome", lang), label("detail", lang)],
        [
            [
                f"{c['rule']}: {c['statement']}",
                c["reference"],
                _outcome(c["passed"], lang),
                _figures(c["numbers"]),
            ]
            for c in claim["checks"]
        ],
    )
    parts = [
        Section("declaration", claim["claim_id"], opening, [figures]),
        Section("credits", label("qes_credits", lang), [], [used]),
        Section("rules", label("qes_rules", lang), [], [rules]),
    ]
    if claim["actions"]:
        parts.append(Section("actions", label("qes_actions", lang), list(claim["actions"])))
    return f"{label('qes_title', lang)} · {claim['claim_id']}", parts


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return html.escape(str(value))


def statement_html(
    claim: Mapping[str, Any], credits: Sequence[Mapping[str, Any]], organisation: str, lang: str
) -> str:
    """The statement as a self-contained HTML page."""
    title, parts = statement_sections(claim, credits, organisation, lang)
    body = [f"<h1>{html.escape(title)}</h1>", f"<p class=org>{html.escape(organisation)}</p>"]
    for part in parts:
        body.append(f'<section id="{part.key}"><h2>{html.escape(part.title)}</h2>')
        body += [f"<p>{html.escape(p)}</p>" for p in part.paragraphs]
        for table in part.tables:
            head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
            rows = "".join(
                "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
                for row in table.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        body.append("</section>")
    style = (
        "body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:60rem;"
        "margin:2rem auto;padding:0 1rem;color:#1d2a24}"
        "table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}"
        "th,td{border-bottom:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top}"
        "td:nth-child(n+2){font-variant-numeric:tabular-nums}h1{font-size:1.5rem}"
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{style}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


def statement_pdf(
    claim: Mapping[str, Any],
    credits: Sequence[Mapping[str, Any]],
    organisation: str,
    lang: str,
    font_path: str | Path | None = None,
) -> bytes:
    """The statement as PDF bytes (A4), set in an embedded font where the text needs one."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from carbonledger.report.pdf import pdf_table

    title, parts = statement_sections(claim, credits, organisation, lang)
    texts = [title, organisation] + [
        str(x)
        for p in parts
        for x in [p.title, *p.paragraphs, *(c for t in p.tables for c in t.columns)]
        + [v for t in p.tables for row in t.rows for v in row]
    ]
    font = report_font(texts, font_path)
    styles = getSampleStyleSheet()
    if font.path is not None:
        register(font)
        for name in ("Title", "Heading2", "BodyText"):
            styles[name].fontName = font.name
    body = styles["BodyText"]
    prose = ParagraphStyle("Prose", parent=body, wordWrap="CJK" if lang == "zh" else None)
    number = ParagraphStyle("Number", parent=body, alignment=2)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=organisation)
    story: list[Any] = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(organisation), prose),
    ]
    for part in parts:
        story.append(Paragraph(escape(part.title), styles["Heading2"]))
        story += [Paragraph(escape(p), prose) for p in part.paragraphs]
        for table in part.tables:
            story += [pdf_table(table, lang, font, (body, number), document.width), Spacer(1, 8)]
    document.build(story)
    return buffer.getvalue()
