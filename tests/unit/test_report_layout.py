"""PDF table layout: columns fill the page, numbers never wrap, text gives way."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from carbonledger.report.fonts import register, report_font
from carbonledger.report.pdf import _CELL_PADDING, _column_widths
from carbonledger.report.sections import Table

PAGE = 453.5  # [pt] text width of an A4 page with reportlab's default margins
SIZE = 10  # [pt]


def _widths(table, lang="en"):
    font = report_font([str(c) for row in table.rows for c in row] + table.columns)
    register(font)
    return font, _column_widths(table, lang, font, SIZE, PAGE)


def test_columns_fill_the_page_and_numbers_keep_their_width():
    long_text = "freight/freight_flights/long-haul_to_from_uk/with_rf " * 3
    table = Table(
        ["Method", "Activity", "2024", "2025", "Change"],
        [["transport_ttw", long_text, 26_103.2, 29_369.8, 3_266.6]],
    )
    font, widths = _widths(table)
    assert sum(widths) == pytest.approx(PAGE)
    for width, text in zip(widths[2:], ("26,103", "29,370", "3,267"), strict=True):
        assert width >= stringWidth(text, font.name, SIZE) + _CELL_PADDING
    assert widths[1] > widths[0]  # the long text takes the room left


def test_chinese_text_breaks_between_characters_but_short_text_does_not():
    table = Table(
        ["指标", "范围", "吨二氧化碳当量"],
        [["营业收入", "范围一和二（基于位置）" * 6, 142_463.2]],
    )
    font, widths = _widths(table, "zh")
    assert sum(widths) == pytest.approx(PAGE)
    assert widths[0] >= stringWidth("营业收入", font.name, SIZE) + _CELL_PADDING
    assert widths[1] < stringWidth("范围一和二（基于位置）" * 6, font.name, SIZE)


def test_a_table_of_short_columns_is_stretched_evenly():
    table = Table(["Scope", "t CO2e"], [["Scope 1", 13_435.0]])
    _, widths = _widths(table)
    assert sum(widths) == pytest.approx(PAGE)
