"""Readable, stable activity keys built from publisher labels."""

from __future__ import annotations

import re

__all__ = ["key", "slug", "strip_footnote"]


def strip_footnote(label: str) -> str:
    """Remove a footnote letter glued to a label ("Passenger Car A" -> "Passenger Car").

    EPA Hub tables append footnote letters (``A``..``E``) to some labels, sometimes without a
    space ("Medium- and Heavy-Duty TruckC").
    """
    text = " ".join(str(label).split())
    text = re.sub(r"(?<=[a-z\)])[A-E]$", "", text)
    text = re.sub(r"\s[A-E]$", "", text)
    return text.strip()


def slug(label: str) -> str:
    """Lower-case a label into a key segment: letters, digits, ``.``, ``-`` and ``_`` only.

    A hyphen with a space beside it ("WTT- fuels", "3.5 - 7.5") separates words; one inside a
    word ("Short-haul", "HFC-134a") is kept.

    Examples
    --------
    >>> slug("Rigid (>7.5 tonnes-17 tonnes)")
    'rigid_7.5_tonnes-17_tonnes'
    >>> slug("Natural gas (100% mineral blend)")
    'natural_gas_100pct_mineral_blend'
    >>> slug("T&D- UK electricity")
    't_and_d_uk_electricity'
    """
    text = str(label).strip().lower().replace("%", "pct").replace("&", " and ")
    text = text.replace("+", "plus")
    text = re.sub(r"\s+-\s*|\s*-\s+", " ", text)
    text = re.sub(r"[^a-z0-9.\-]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_-.")
    return text


def key(*parts: str) -> str:
    """Join slugged parts with ``/``, dropping empty ones."""
    return "/".join(s for s in (slug(p) for p in parts if p) if s)
