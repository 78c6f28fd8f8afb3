"""Numbers, percentages and periods as report text, per language."""

from __future__ import annotations

from carbonledger.report.formatting import format_number, format_percent, format_period


def test_numbers_grouped_and_rounded_by_size():
    assert format_number(385_449.112, "en") == "385,449"
    assert format_number(385_449.112, "zh") == "385,449"
    assert format_number(4.4613, "en") == "4.461"
    assert format_number(-1e-13, "en") == "0"  # a float residue is not "-0"
    assert format_number(None, "en") == ""
    assert format_number("LT-TH", "zh") == "LT-TH"


def test_percentages_and_periods():
    assert format_percent(0.0543, "en") == "5.4%"
    assert format_percent(0.07, "zh", signed=True) == "+7.0%"
    assert format_percent(-0.1, "en", signed=True) == "-10.0%"
    assert format_period("2024", "zh") == "2024 年"
    assert format_period("2024-06", "zh") == "2024 年 6 月"
    assert format_period("2024-06", "en") == "2024-06"


def test_chart_ticks_keep_the_decimals_small_values_need():
    from carbonledger.report.charts import tick_format

    assert tick_format([385_612.1, 12.0]) == ",.0f"
    assert tick_format([1.2, 1.6]) == ",.2f"  # 1.20, 1.40, 1.60: not "1", "1", "2"
    assert tick_format([0.04]) == ",.3f"
    assert tick_format([42.0, float("nan")]) == ",.1f"
    assert tick_format([]) == tick_format([0.0]) == ",.1f"  # an empty axis spans 0 to 1
