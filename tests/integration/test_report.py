"""Reports render from the inventory object: same numbers in every format and language."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from carbonledger.app import calculate, import_file, report_context
from carbonledger.options import WorkspaceConfig
from carbonledger.report.render import render
from carbonledger.store import Workspace
from tests.conftest import ENTITIES, FACILITIES

FUEL = [
    {
        "record_id": "S1",
        "facility_id": "GB1",
        "period": "2025-02",
        "fuel": "natural_gas",
        "quantity": 1000,
        "unit": "m ** 3",
    }
]
POWER = [
    {"record_id": "E1", "facility_id": "CN1", "period": "2025-03", "quantity": 50, "unit": "MWh"},
    {"record_id": "E0", "facility_id": "CN1", "period": "2024-03", "quantity": 40, "unit": "MWh"},
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One calculated workspace and its 2025 report context for the whole module (reports
    only read them)."""
    folder = tmp_path_factory.mktemp("report")
    workspace = Workspace.init(folder / "ws", WorkspaceConfig(organisation="Test Co"))
    tables = {"entities": ENTITIES, "facilities": FACILITIES, "stationary_fuel": FUEL}
    for kind, rows in {**tables, "electricity": POWER}.items():
        path = folder / f"{kind}.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        import_file(workspace, kind, path)
    calculate(workspace)
    return workspace, report_context(workspace, period="2025")


@pytest.fixture
def context(built):
    return built[1]


@pytest.fixture
def report_ws(built):
    return built[0]


def test_json_numbers_equal_the_inventory_in_both_languages(context, tmp_path):
    inv = context.inventory
    for lang in ("en", "zh"):
        data = json.loads(render(context, "json", lang, tmp_path / f"r.{lang}.json").read_text())
        assert data["numbers"]["scope_1"] == pytest.approx(inv.scope_total(1))
        assert data["numbers"]["scope_2_location"] == pytest.approx(inv.scope_total(2))
        assert data["numbers"]["total_location"] == pytest.approx(inv.total())
        assert data["inventory"]["scopes"] == [dict(s) for s in inv.scopes]
    en = json.loads((tmp_path / "r.en.json").read_text())
    zh = json.loads((tmp_path / "r.zh.json").read_text())
    assert en["numbers"] == zh["numbers"]
    assert en["sections"][1]["title"] != zh["sections"][1]["title"]  # labels differ


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Greenhouse gas"), ("zh", "温室气体排放清单报告")]
)
def test_pdf_has_pages_and_its_first_page_is_not_blank(context, tmp_path, lang, title):
    import pypdfium2 as pdfium

    from carbonledger.report.sections import sections

    path = render(context, "pdf", lang, tmp_path / "r.pdf")
    pdf = pdfium.PdfDocument(path)
    assert len(pdf) >= 3
    pixels = pdf[0].render(scale=1, grayscale=True).to_numpy()
    dark = int((pixels < 128).sum())
    assert dark > 1000  # text and rules, not an empty page
    assert title in pdf[0].get_textpage().get_text_range()  # real text, not images
    text = "".join(page.get_textpage().get_text_range() for page in pdf).replace("\r\n", " ")
    titles = [section.title for section in sections(context, lang)]
    assert all(title in text for title in titles)  # every section is on a page
    assert [entry.get_title() for entry in pdf.get_toc()] == titles  # and in the outline
    if lang == "zh":  # the Chinese glyphs travel inside the file, subset
        raw = path.read_bytes()
        assert b"/FontFile2" in raw and len(raw) < 2_000_000


def test_scope3_disclosures_carry_status_and_reason(context):
    from dataclasses import replace

    from carbonledger.report.disclosures import disclosures

    rows = [dict(r) for r in context.inventory.scope3]
    rows[3] |= {"status": "calculated", "co2e_t": 12.5}  # category 4
    rows[13] |= {"status": "excluded", "reason": "no franchises"}  # category 14
    data = disclosures(replace(context, inventory=replace(context.inventory, scope3=rows)))
    cdp = {p["id"]: p for p in data["cdp_climate"]["datapoints"]}
    assert (cdp["7.8 category 4"]["value"], cdp["7.8 category 4"]["status"]) == (
        12.5,
        "Relevant, calculated",
    )
    assert cdp["7.8 category 14"]["value"] is None
    assert cdp["7.8 category 14"]["status"] == "Not relevant, explanation provided"
    assert cdp["7.8 category 14"]["explanation"] == "no franchises"
    esrs = {p["id"]: p for p in data["esrs_e1"]["datapoints"]}
    assert esrs["E1-6 51 category 14"]["status"] == "not significant (screened out)"


def test_a_character_no_font_has_is_an_error_not_a_blank(context, tmp_path):
    from carbonledger.report.fonts import ReportFontError, report_font

    assert report_font(["Scope 1 – 13,435 t CO2e"]).path is None  # Western text: Helvetica
    assert report_font(["范围一"]).path is not None  # the bundled Noto Sans SC subset
    with pytest.raises(ReportFontError, match="𠀀"):  # CJK extension B, beyond GB 2312
        report_font(["蓝亭 𠀀 公司"])
    with pytest.raises(ReportFontError, match="no such font file"):
        report_font(["范围一"], tmp_path / "missing.ttf")


def test_a_font_that_cannot_be_embedded_is_named(context, tmp_path):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    from carbonledger.report.charts import charts
    from carbonledger.report.fonts import ReportFontError
    from carbonledger.report.sections import sections, shown_texts

    # A PostScript-outline (CFF) font that has the characters: reportlab cannot embed it.
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0))
    pen.lineTo((0, 500))
    pen.lineTo((500, 500))
    pen.closePath()
    glyph = pen.getCharString()
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "box"])
    shown = shown_texts("zh", sections(context, "zh"), charts(context, "zh"))
    builder.setupCharacterMap(dict.fromkeys({ord(c) for t in shown for c in t}, "box"))
    builder.setupCFF("Box", {"FullName": "Box"}, {".notdef": glyph, "box": glyph}, {})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "box": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Box", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(tmp_path / "box.otf")
    with pytest.raises(ReportFontError, match="TrueType outlines"):
        render(context, "pdf", "zh", tmp_path / "r.pdf", font=tmp_path / "box.otf")
    (tmp_path / "notes.txt").write_text("not a font")
    with pytest.raises(ReportFontError, match="not a font file"):
        render(context, "pdf", "zh", tmp_path / "r.pdf", font=tmp_path / "notes.txt")
    assert not (tmp_path / "r.pdf").exists()  # nothing half-written


def test_year_on_year_reads_the_previous_year_as_its_own_inventory(report_ws, context):
    change = context.year_on_year
    assert (change["before"], change["after"]) == ("2024", "2025")
    previous = report_context(report_ws, period="2024").inventory
    total = change["total"]
    assert total["co2e_before"] == pytest.approx(previous.total())
    assert total["co2e_after"] == pytest.approx(context.inventory.total())
    assert total["activity_effect"] + total["factor_effect"] == pytest.approx(total["change"])
    assert report_context(report_ws, period="2024").year_on_year is None  # no 2023 data


def test_without_a_period_the_report_is_of_the_latest_year_not_a_sum_of_years(report_ws, context):
    latest = report_context(report_ws)
    assert latest.inventory.period == "2025"
    assert latest.numbers() == pytest.approx(context.numbers())


def test_every_chinese_sentence_is_chinese(context):
    import re

    from carbonledger.report.sections import sections

    cjk = re.compile("[\u4e00-\u9fff]")
    for section in sections(context, "zh"):
        assert cjk.search(section.title), section.title
        for paragraph in section.paragraphs:
            assert cjk.search(paragraph), paragraph


def test_xlsx_has_the_sections_and_html_carries_plotly(context, tmp_path):
    book = load_workbook(render(context, "xlsx", "zh", tmp_path / "r.xlsx"))
    assert {"boundary", "summary", "scope3", "gases", "iso", "methods", "quality"} <= set(
        book.sheetnames
    )
    html = render(context, "html", "zh", tmp_path / "r.html").read_text("utf-8")
    assert "温室气体排放清单报告" in html and "Plotly.newPlot" in html
    assert '<a href="#year_on_year">同比变化</a>' in html and '<h2 id="year_on_year">' in html
    assert "cdn.plot.ly" not in html.split("</script>", 1)[1]  # charts need no network


def test_lineage_sums_to_every_reported_number_and_the_pack_holds_it(context, report_ws, tmp_path):
    import io
    import zipfile

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from carbonledger.app import open_run, workspace_library
    from carbonledger.report.evidence import evidence_pack, lineage

    ledger = report_ws.ledger_files(report_ws.get_run(context.inventory.run_id))
    shares = open_run(report_ws).shares
    rows = lineage(context, ledger, shares).to_pylist()
    for number_id, value in context.numbers().items():
        parts = sum(r["contribution"] for r in rows if r["number_id"] == number_id)
        assert parts == pytest.approx(value), number_id
    manifests = [
        m
        for m in workspace_library(report_ws).manifests()
        if m["release_id"] in {r["release_id"] for r in context.releases}
    ]
    pack = evidence_pack(context, ledger, shares, manifests, tmp_path / "out" / "evidence.zip")
    archive = zipfile.ZipFile(pack)
    names = set(archive.namelist())
    assert {"README.txt", "run_manifest.json", "ledger.parquet", "lineage.csv"} <= names
    assert any(n.startswith("factor_releases/") for n in names)
    assert list((tmp_path / "out").iterdir()) == [pack]  # no working files left beside it
    # A verifier re-adds every number from the pack alone, as README.txt says.
    packed = pq.read_table(io.BytesIO(archive.read("lineage.parquet")))
    numbers = json.loads(archive.read("numbers.json"))
    for number_id, value in numbers.items():
        mask = pc.equal(packed["number_id"], number_id)
        assert pc.sum(packed.filter(mask)["contribution"]).as_py() == pytest.approx(value)
    csv_rows = archive.read("lineage.csv").decode().splitlines()
    assert len(csv_rows) == packed.num_rows + 1  # the same rows, with a header


def test_disclosures_take_the_reported_numbers(context, tmp_path):
    from carbonledger.report.disclosures import disclosures, write_disclosures

    data = disclosures(context)
    esrs = {p["id"]: p for p in data["esrs_e1"]["datapoints"]}
    assert esrs["E1-6 44(a)"]["value"] == pytest.approx(context.numbers()["scope_1"])
    credits = esrs["E1-7 59(a)"]  # no credits here: not available, never a zero
    assert credits["value"] is None and "no credits" in credits["not_available"]
    cn = {p["id"]: p for p in data["cn_enterprise"]["datapoints"]}
    assert cn["排放总量"]["value"] == pytest.approx(
        context.numbers()["scope_1"] + context.numbers()["scope_2_location"]
    )
    cdp = {p["id"]: p for p in data["cdp_climate"]["datapoints"]}
    assert all(f"7.8 category {n}" in cdp for n in range(1, 16))  # every category, none silent
    assert cdp["7.8 category 1"]["value"] is None  # no scope 3 data here: not a zero
    assert cdp["7.8 category 1"]["status"] == "Not evaluated"
    paths = write_disclosures(context, tmp_path)
    assert set(load_workbook(paths[1]).sheetnames) == {"esrs_e1", "cdp_climate", "cn_enterprise"}


def test_the_report_lists_only_the_releases_the_run_took_factors_from(report_ws, context):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    ledger = pq.read_table(
        report_ws.ledger_files(report_ws.get_run(context.inventory.run_id)),
        columns=["factor_release"],
    )
    used = set(pc.unique(ledger["factor_release"]).to_pylist())
    listed = {r["release_id"] for r in context.releases}
    offered = {r.split("@", 1)[0] for r in context.run_manifest["factor_releases"]}
    assert listed <= used and listed < offered  # e.g. desnz-2026 is offered, not used
    assert "naics-concordances" not in listed
