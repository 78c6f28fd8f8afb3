"""Numbers as report text, grouped and rounded per the report language's locale (babel)."""

from __future__ import annotations

from typing import Any

__all__ = ["format_number", "format_percent", "format_period"]

_LOCALES = {"en": "en_US", "zh": "zh_CN"}
_LARGE = 100  # numbers at least this large are shown without decimals
_DECIMALS = 3  # decimals of smaller numbers


def format_number(value: Any, lang: str) -> str:
    """A cell as text: numbers grouped and rounded per the language's locale, None blank."""
    from babel.numbers import format_decimal

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    large = abs(value) >= _LARGE
    if round(value, 0 if large else _DECIMALS) == 0:
        value = 0  # no "-0" for a tiny negative residue
    pattern = "#,##0" if large else "#,##0.###"
    return str(format_decimal(value, format=pattern, locale=_LOCALES[lang]))


def format_percent(fraction: float, lang: str, signed: bool = False) -> str:
    """A fraction as a percentage with one decimal, ``+`` shown for rises if ``signed``."""
    from babel.numbers import format_percent as babel_percent

    pattern = "+#,##0.0%;-#,##0.0%" if signed else "#,##0.0%"
    return str(babel_percent(fraction, format=pattern, locale=_LOCALES[lang]))


def format_period(period: str, lang: str) -> str:
    """A period in a sentence: ``2024`` or ``2024-06`` in English, ``2024 年`` or
    ``2024 年 6 月`` in Chinese."""
    if lang != "zh" or not period[:4].isdigit():
        return period
    year, _, month = period.partition("-")
    return f"{year} 年 {int(month)} 月" if month else f"{year} 年"
