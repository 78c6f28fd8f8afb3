"""The font a PDF or static chart is set in, and a check that it has every character.

PDF readers draw only the glyphs a PDF embeds (or one of the 14 standard fonts, which cover
Western European text). Reports whose text is all Western European are set in Helvetica; any
other report embeds a TrueType font: the bundled Noto Sans SC subset (GB 2312, Latin and
punctuation; SIL Open Font License 1.1, see ``fonts/OFL.txt``) or one the user names. A
character the font lacks is an error naming it, never a blank box in a filed report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from carbonledger.errors import CarbonLedgerError

__all__ = [
    "BUNDLED_FONT",
    "ReportFont",
    "ReportFontError",
    "register",
    "report_font",
    "web_font",
]

BUNDLED_FONT = "NotoSansSC-GB2312.ttf"
_WESTERN = "cp1252"  # the encoding reportlab sets the standard fonts in


class ReportFontError(CarbonLedgerError):
    """The report's text has characters its font cannot draw."""


@dataclass(frozen=True)
class ReportFont:
    """A font for the PDF and static charts of one report.

    Attributes
    ----------
    name : str
        Name the font is registered under with reportlab.
    path : Path or None
        TrueType file embedded in the PDF; None for the standard Helvetica.
    """

    name: str
    path: Path | None

    @property
    def family(self) -> str | None:
        """The family name matplotlib knows the font by (registered on first use)."""
        return None if self.path is None else _matplotlib_family(self.path)


def report_font(
    texts: Iterable[str], path: str | Path | None = None, strict: bool = True
) -> ReportFont:
    """The font for a report with these texts, checked to have all their characters.

    Parameters
    ----------
    texts : iterable of str
        Every text the PDF or chart shows: titles, paragraphs, table cells, chart labels.
    path : str or Path, optional
        A TrueType font (``.ttf``, or a collection's first face) to embed instead of the bundled
        Noto Sans SC subset, for names with characters beyond GB 2312.
    strict : bool
        Check that the font has every character (PDF and images); a web page need not, as
        browsers draw what it lacks from the reader's own fonts.

    Raises
    ------
    ReportFontError
        When a character is in none of the font's cmap entries, naming the characters.
    """
    characters = {c for text in texts for c in text if not c.isspace()}
    if path is None and all(_western(c) for c in characters):
        return ReportFont("Helvetica", None)
    font_path = Path(path) if path is not None else _bundled()
    if not font_path.is_file():
        raise ReportFontError(f"{font_path}: no such font file")
    if strict:
        points = _code_points(font_path)
        missing = sorted(c for c in characters if ord(c) not in points)
        if missing:
            shown = "".join(missing[:40])
            raise ReportFontError(
                f"{font_path.name} has no glyph for {len(missing)} character(s) of the report: "
                f"{shown!r}; name a TrueType font that has them (carbonledger report --font PATH)"
            )
    # One registered name per file: two fonts of the same file name never stand in for each other
    digest = hashlib.sha256(str(font_path.resolve()).encode()).hexdigest()[:8]
    return ReportFont(f"carbonledger-{font_path.stem}-{digest}", font_path)


def register(font: ReportFont) -> None:
    """Register an embedded font with reportlab (the standard fonts need nothing)."""
    if font.path is None:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if font.name not in pdfmetrics.getRegisteredFontNames():
        try:
            pdfmetrics.registerFont(TTFont(font.name, str(font.path)))
        except TTFError as exc:
            raise ReportFontError(
                f"{font.path}: cannot embed it ({exc}); PDFs embed fonts with TrueType "
                "outlines: a .ttf, or an .otf converted as tools/build_report_font.py does"
            ) from None


def web_font(font: ReportFont, texts: Iterable[str]) -> str | None:
    """The font subset to the characters of ``texts`` as a base64 WOFF ``data:`` URL, for an
    HTML page that shows the same text on machines without the font; None for Helvetica."""
    if font.path is None:
        return None
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(set("".join(texts))))
    with TTFont(font.path, fontNumber=0) as tt:
        subsetter.subset(tt)
        buffer = io.BytesIO()
        tt.save(buffer)
    return "data:font/woff;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _western(character: str) -> bool:
    try:
        character.encode(_WESTERN)
    except UnicodeEncodeError:
        return False
    return True


def _bundled() -> Path:
    return Path(str(resources.files("carbonledger.report").joinpath("fonts", BUNDLED_FONT)))


@cache
def _matplotlib_family(path: Path) -> str:
    """Register a font file with matplotlib once per process; its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


@cache
def _code_points(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with path.open("rb") as handle, TTFont(handle, fontNumber=0, lazy=True) as font:
            return frozenset(font.getBestCmap())
    except (TTLibError, OSError, AssertionError) as exc:
        raise ReportFontError(f"{path}: not a font file fontTools can read ({exc})") from None
