"""Build the CJK font the reports embed: Noto Sans CJK SC, subset to GB 2312 and TrueType.

PDF readers show Chinese text only when the PDF embeds a font that has its glyphs, and
reportlab embeds TrueType outlines only. Noto Sans CJK (SIL Open Font License 1.1) ships with
PostScript (CFF) outlines and 65,535 glyphs, so this script keeps the simplified-Chinese face's
GB 2312 characters (6,763 hanzi and the standard's symbols), Latin, general punctuation, CJK
punctuation and full-width forms, drops layout tables reportlab does not use, and converts the
outlines to quadratic TrueType curves (cu2qu, at most 1 font unit from the original).

Source: Debian bookworm's ``fonts-noto-cjk`` (1:20220127+repack1-1, upstream 2.004):

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb deb
    python tools/build_report_font.py deb/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

writes ``src/carbonledger/report/fonts/NotoSansSC-GB2312.ttf`` and ``OFL.txt`` beside it.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

TARGET = Path(__file__).parents[1] / "src" / "carbonledger" / "report" / "fonts"
SC_FACE = "NotoSansCJKsc-Regular"
MAX_ERROR = 1.0  # [font units] largest distance of a converted curve from the original
RANGES = (
    (0x20, 0x7F),  # ASCII
    (0xA0, 0x180),  # Latin-1 supplement and Latin extended-A
    (0x2000, 0x20A0),  # general punctuation, super- and subscripts (CO₂)
    (0x3000, 0x3040),  # CJK symbols and punctuation
    (0xFF00, 0xFFF0),  # full-width forms
)


def gb2312() -> set[int]:
    """Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE) as code points."""
    points = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def sc_face(collection: Path) -> TTFont:
    """The simplified-Chinese face of the Noto Sans CJK collection."""
    for number in range(8):
        font = TTFont(collection, fontNumber=number)
        if font["name"].getDebugName(6) == SC_FACE:
            return font
    raise SystemExit(f"{collection}: no face named {SC_FACE}")


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic TrueType ``glyf`` outlines, in place."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    metrics = font["hmtx"]
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            metrics[name] = (metrics[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def build(collection: Path, target: Path = TARGET) -> Path:
    font = sc_face(collection)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG", "VORG", "vhea", "vmtx", "BASE", "GPOS", "GSUB"]
    points = gb2312().union(*(range(lo, hi) for lo, hi in RANGES))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    to_truetype(font)
    target.mkdir(parents=True, exist_ok=True)
    out = target / "NotoSansSC-GB2312.ttf"
    font.save(out)
    names = font["name"]
    licence = Path(__file__).with_name("OFL-1.1.txt").read_text("utf-8")
    header = (
        f"{names.getDebugName(0)} Noto Sans CJK, https://github.com/googlefonts/noto-cjk\n"
        "(Reserved Font Name 'Source', not used here).\n\n"
        f"NotoSansSC-GB2312.ttf is a Modified Version of {SC_FACE} {names.getDebugName(5)}:\n"
        "GB 2312, Latin and punctuation subset, TrueType outlines (tools/build_report_font.py).\n"
        "It is distributed under the licence below.\n\n"
    )
    (target / "OFL.txt").write_text(header + licence, encoding="utf-8")
    digest = hashlib.sha256(collection.read_bytes()).hexdigest()
    print(f"{out} from {collection.name} (sha256 {digest}), version {names.getDebugName(5)}")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collection", type=Path, help="NotoSansCJK-Regular.ttc")
    build(parser.parse_args().collection)
