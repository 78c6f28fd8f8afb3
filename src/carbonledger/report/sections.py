"""The report's content as sections of text and tables, in one language, from the context.

Every renderer (HTML, PDF, XLSX) draws these same sections, so the formats cannot disagree;
numbers stay numbers here and are formatted per locale by the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from carbonledger.report.context import ReportContext, label

__all__ = ["Section", "Table", "sections"]


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
    """The sections of the GHG inventory report in ``lang`` (``en`` or ``zh``)."""
    inv = context.inventory
    numbers = context.numbers()
    t = label("t_co2e", lang)
    out = [
        Section(
            "boundary",
            label("boundary", lang),
            [
                f"{label('organisation', lang)}: {context.organisation}",
                f"{label('period', lang)}: {inv.period or ''}",
                f"{label('approach', lang)}: {label('approaches', lang, inv.approach)}",
            ],
            [
                Table(
                    [label("entity", lang), label("share", lang)],
                    [[s["entity_id"], s["share"]] for s in inv.shares],
                )
            ],
        ),
        Section(
            "summary",
            label("summary", lang),
            [label("independent_of_trades", lang)],
            [
                Table(
                    [label("scope", lang), t],
                    [
                        [label(k, lang), numbers[k]]
                        for k in (
                            "scope_1",
                            "scope_2_location",
                            "scope_2_market",
                            "scope_3",
                            "total_location",
                            "total_market",
                        )
                    ]
                    + [[label("biogenic", lang), inv.biogenic_co2]],
                )
            ],
            ["scopes", "monthly"],
        ),
        Section(
            "scope3",
            label("scope3_categories", lang),
            [],
            [
                Table(
                    [label("category", lang), t, label("status", lang), label("reason", lang)],
                    [
                        [
                            f"{r['category']} {r['name'] if lang == 'en' else _zh_name(r)}",
                            r["co2e_t"],
                            label("statuses", lang, r["status"]),
                            r["reason"] or "",
                        ]
                        for r in inv.scope3
                    ],
                )
            ],
            ["waterfall"],
        ),
        Section(
            "gases",
            label("gases", lang),
            [],
            [
                Table(
                    [label("gas", lang), t],
                    [[g["gas_group"], g["co2e"]] for g in inv.breakdowns["gas_group"]],
                )
            ],
        ),
        Section(
            "iso",
            label("iso_categories", lang),
            [],
            [Table([label("category", lang), t], _iso_rows(context, lang))],
        ),
    ]
    if context.base_year:
        by = context.base_year
        verdict = label("recalculated" if by["recalculated"] else "not_recalculated", lang)
        out.append(
            Section(
                "base_year",
                label("base_year", lang),
                [f"{verdict}: {by['reason']}"],
                [
                    Table(
                        [
                            "",
                            label("scope_1", lang),
                            label("scope_2_location", lang),
                            label("scope_3", lang),
                            t,
                        ],
                        [
                            [
                                f"{by['base_year_period']} {label(name, lang)}",
                                *(figures["by_scope"].get(s, 0.0) for s in (1, 2, 3)),
                                figures["total"],
                            ]
                            for name, figures in (
                                ("as_drawn", by["original"]),
                                ("standing", by["base_year"]),
                            )
                        ],
                    ),
                    Table(
                        ["", label("reason", lang), t],
                        [[e["event_id"], e["description"], e["effect"]] for e in by["events"]],
                    ),
                ],
                ["bridge"],
            )
        )
    out += [
        Section(
            "methods",
            label("methods", lang),
            [],
            [
                Table(
                    [
                        label("release", lang),
                        label("publisher", lang),
                        label("version", lang),
                        label("licence", lang),
                    ],
                    [
                        [r["release_id"], r["publisher"], r["version"], r["licence"]]
                        for r in context.releases
                    ],
                )
            ],
        ),
        Section(
            "quality",
            label("quality", lang),
            [],
            [
                Table(
                    [
                        label("scope", lang),
                        t,
                        label("interval", lang),
                        "",
                        label("primary_share", lang),
                    ],
                    [
                        [u["part"], u["co2e"], u["low"], u["high"], u["primary_share"]]
                        for u in inv.uncertainty
                    ],
                )
            ],
        ),
        Section(
            "intensity",
            label("intensity", lang),
            [],
            [
                Table(
                    [
                        label("metric", lang),
                        label("entity", lang),
                        label("per", lang),
                        label("scope", lang),
                        t,
                        label("intensity", lang),
                    ],
                    [
                        [
                            r["metric"],
                            r["entity_id"] or "",
                            r["unit"],
                            r["scope"],
                            r["co2e"],
                            r["intensity"],
                        ]
                        for r in context.intensities
                    ],
                )
            ],
        ),
        Section(
            "hotspots",
            label("hotspots", lang),
            [],
            [
                Table(
                    [label("facility", lang), t, label("share", lang)],
                    [
                        [
                            context.facility_names.get(h["facility"], h["facility"])
                            if h["facility"]
                            else label("none", lang),
                            h["co2e"],
                            h["share"],
                        ]
                        for h in inv.hotspots.get("facility", [])
                    ],
                )
            ],
            ["facilities"],
        ),
    ]
    return out


def _iso_rows(context: ReportContext, lang: str) -> list[list[Any]]:
    totals: dict[int, float] = {}
    for row in context.inventory.breakdowns["iso_category"]:
        if row["iso_category"] is not None:
            totals[row["iso_category"]] = totals.get(row["iso_category"], 0.0) + row["co2e"]
    return [[label("iso_names", lang, k), v] for k, v in sorted(totals.items())]


def _zh_name(row: dict[str, Any]) -> str:
    from carbonledger.inventory import scope3_categories

    return str(scope3_categories()[row["category"]]["name"]["zh"])
