"""The dashboard in a real Chromium (Debian's package, driven by Playwright; no browser is
downloaded): log in, see the overview's figures and charts in English and Chinese with no
console error, calculate, upload a file and see its findings by row and column, and a viewer
without the buttons (issue 15)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from carbonledger.app import calculate, import_file
from carbonledger.app.accounts import add_member, add_user
from carbonledger.app.server import add_tenant, open_server
from carbonledger.demo import run_demo
from tests.api.conftest import METERED, PASSWORD, serving
from tests.conftest import SITES

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CARBONLEDGER_CHROMIUM") or shutil.which("chromium")
#: Where screenshots go (docs/images when asked for, else the test's folder).
SHOTS_ENV = "CARBONLEDGER_SCREENSHOTS"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dashboard")
    root = folder / "srv"
    server = open_server(root, create=True)
    workspace = add_tenant(server, "acme", "Acme Logistics")
    for kind, text in {**SITES, "electricity": METERED}.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
        import_file(workspace, kind, folder / f"{kind}.csv")
    calculate(workspace, "2024")
    run_demo(folder / "lanting", progress=False)  # the demo company, with its plan
    server.adopt_tenant("lanting", "Lanting Commerce & Logistics Group", folder / "lanting")
    for name, role in (("alice", "analyst"), ("victor", "viewer")):
        add_user(server, name, PASSWORD)
        add_member(server, name, "acme", role)
    add_member(server, "alice", "lanting", "analyst")
    with serving(root, folder / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


def _logged_in(browser, base_url: str, name: str, errors: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base_url}/")
    assert page.url.startswith(f"{base_url}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/t/acme*")
    return page


def _shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get(SHOTS_ENV) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    # the bundled Chinese font, loaded when first needed
    page.evaluate(
        "document.fonts.load('16px carbonledger-sans', '中文').then(() => document.fonts.ready)"
    )
    # charts drawn before the grid had all its panels are refitted to them on load
    fitted = (
        "() => Array.from(document.querySelectorAll('.panel .main-svg')).every("
        "s => +s.getAttribute('width') <= s.closest('.panel').clientWidth)"
    )
    for _ in range(50):  # wait_for_function would need 'unsafe-eval', which the CSP refuses
        if page.evaluate(fitted):
            break
        page.wait_for_timeout(100)
    widths = page.evaluate(
        "() => Array.from(document.querySelectorAll('.panel .main-svg')).map("
        "s => [s.closest('.panel').id, +s.getAttribute('width'), s.closest('.panel').clientWidth])"
    )
    assert page.evaluate(fitted), f"a chart is wider than its panel: {widths}"
    page.screenshot(path=str(folder / name), full_page=True)


def test_the_overview_shows_figures_and_charts_in_both_languages(browser, base_url, tmp_path):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    assert page.inner_text("h1").startswith("Inventory overview")
    assert page.locator(".figure").count() == 6
    page.wait_for_selector(".plotly-graph-div .main-svg")
    assert page.locator(".plotly-graph-div .main-svg").count() >= 4  # plotly drew them
    assert "Scope 2 (market-based)" in page.inner_text(".figures")
    _shot(page, tmp_path, "dashboard-overview-en.png")
    page.click("a.language")
    page.wait_for_selector(".plotly-graph-div .main-svg")
    assert page.inner_text("h1").startswith("排放清单概览")
    assert "范围二（基于市场）" in page.inner_text(".figures")
    _shot(page, tmp_path, "dashboard-overview-zh.png")
    assert errors == []


def test_an_analyst_calculates_from_the_page_and_a_viewer_cannot(browser, base_url):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    with page.expect_navigation(timeout=120_000):
        page.click("#calculate")
    page.wait_for_selector(".figure")
    assert errors == []
    viewer = _logged_in(browser, base_url, "victor", errors)
    assert viewer.locator("#calculate").count() == 0
    assert viewer.locator(".figure").count() == 6


def test_a_wrong_password_is_told_on_the_form(browser, base_url):
    page = browser.new_page()
    page.goto(f"{base_url}/login?lang=zh")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".error")


def test_an_upload_from_the_browser_shows_the_findings_by_row_and_column(
    browser, base_url, tmp_path
):
    """The same findings as the CLI and the API, in the page; a good file then lands in the
    batch list; a viewer sees no upload form."""
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    page.click("text=Data")
    page.wait_for_url(f"{base_url}/t/acme/data*")
    before = page.locator("table.batches tbody tr").count()
    bad = tmp_path / "bad_electricity.csv"
    bad.write_text(
        "record_id,facility_id,period,quantity,unit\nE8,F1,2024-13,500,kWh\nE9,F1,2024-04,-5,kWh\n"
    )
    page.select_option("select[name=kind]", "electricity")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#findings:not([hidden]) tbody tr")
    cells = [r.split("\t") for r in page.inner_text("#findings tbody").splitlines()]
    assert {(c[0], c[2], c[3]) for c in cells} >= {
        ("bad_electricity.csv", "2", "period"),
        ("bad_electricity.csv", "3", "quantity"),
    }
    assert "error" in page.inner_text("#upload-result")
    _shot(page, tmp_path, "dashboard-data-findings-en.png")
    good = tmp_path / "more_electricity.csv"
    good.write_text("record_id,facility_id,period,quantity,unit\nE8,F1,2024-05,500,kWh\n")
    page.set_input_files("input[name=file]", str(good))
    with page.expect_navigation(timeout=30_000):
        page.click("#upload button[type=submit]")
    assert page.locator("table.batches tbody tr").count() == before + 1
    assert "more_electricity.csv" in page.inner_text("table.batches")
    assert errors == [] or all("422" in e for e in errors)  # the refused upload's status
    viewer = _logged_in(browser, base_url, "victor", [])
    viewer.goto(f"{base_url}/t/acme/data?lang=zh")
    assert viewer.locator("#upload").count() == 0
    assert "数据批次" in viewer.inner_text("main")


def test_the_factor_browser_and_the_downloads(browser, base_url, tmp_path):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    with page.expect_download() as pdf:
        page.click("text=Report PDF")
    saved = tmp_path / pdf.value.suggested_filename
    pdf.value.save_as(saved)
    assert saved.name == "carbonledger-acme-2024-en.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert page.locator("text=Evidence pack (ZIP)").count() == 1
    page.click("header >> text=Emission factors")
    page.fill("input[name=q]", "天然气")
    page.fill("input[name=region]", "GB")
    page.click("form.search button")
    page.wait_for_selector("table.factors tbody tr")
    table = page.inner_text("table.factors")
    assert "fuel/natural_gas" in table and "OGL-UK-3.0" in table
    assert all(
        row.split("\t")[2] == "GB" for row in page.inner_text("table.factors tbody").splitlines()
    )
    _shot(page, tmp_path, "dashboard-factors-en.png")
    assert errors == []
    viewer = _logged_in(browser, base_url, "victor", [])
    assert viewer.locator("text=Evidence pack (ZIP)").count() == 0  # raw data: not a viewer's


def test_a_facility_page_from_the_facility_list(browser, base_url, tmp_path):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    page.click("header >> text=Facilities")
    page.wait_for_selector("table.facilities tbody tr")
    assert "Warehouse 1" in page.inner_text("table.facilities")
    page.click("table.facilities >> text=F1")
    page.wait_for_selector("table.months tbody tr")
    assert page.inner_text("h1").startswith("Warehouse 1")
    months = page.inner_text("table.months tbody").splitlines()
    assert [m.split("\t")[0] for m in months] == ["2024-01", "2024-02"]
    assert "electricity_location" in page.inner_text("table.methods")
    _shot(page, tmp_path, "dashboard-facility-en.png")
    page.click("a.language")
    page.wait_for_selector("table.months")
    assert "分月份" in page.inner_text("main")
    assert errors == []


def test_the_plan_page_shows_targets_macc_and_pathway(browser, base_url, tmp_path):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    page.goto(f"{base_url}/t/acme/plan?lang=en")
    assert "No targets or measures imported yet" in page.inner_text("main")
    page.goto(f"{base_url}/t/lanting/plan?lang=en")
    page.wait_for_selector(".panels .plotly-graph-div .main-svg")
    assert page.locator(".panels .plotly-graph-div").count() == 2  # the MACC and the pathway
    targets = page.inner_text("table.targets")
    assert "Scope 1+2 -42 % by 2030" in targets and "T-S12 v2" in targets
    assert "SBTi Corporate Near-Term Criteria 5.2" in page.inner_text("p.run")
    assert page.locator("table.measures tbody tr").count() == 11  # the removal is not a bar
    assert "residual for credits" in page.inner_text("p.pathway")
    _shot(page, tmp_path, "dashboard-plan-en.png")
    page.click("a.language")
    page.wait_for_selector(".panels .plotly-graph-div .main-svg")
    assert page.inner_text("h1") == "目标与减排规划"
    assert "边际减排成本曲线" in page.inner_text(".panels")
    _shot(page, tmp_path, "dashboard-plan-zh.png")
    assert errors == []


def test_the_credits_page_shows_claims_retirements_and_quality(browser, base_url, tmp_path):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    page.goto(f"{base_url}/t/lanting/credits?lang=en")
    claims = page.inner_text("table.claims")
    assert "CL-HZ1-2024" in claims and "CL-HZ1-2025" in claims
    assert "reductions (ISO 14068-1:2023 9)" in claims  # 2025 emissions rose: not met
    assert page.locator("table.claims tr.off").count() == 1
    assert "R-HZ1-2025" in page.inner_text("table.retirements")
    assert "not eligible" in page.inner_text("table.quality")
    link = page.locator("table.claims a", has_text="PDF").first.get_attribute("href")
    download = page.request.get(f"{base_url}{link}")
    assert download.ok and download.body().startswith(b"%PDF")
    _shot(page, tmp_path, "dashboard-credits-en.png")
    page.click("a.language")
    assert page.inner_text("h1") == "碳信用与中和声明"
    assert "未满足" in page.inner_text("table.claims")
    _shot(page, tmp_path, "dashboard-credits-zh.png")
    assert errors == []


def test_the_park_page_shows_meters_budgets_and_a_week_of_dispatch(browser, base_url, tmp_path):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    page.goto(f"{base_url}/t/lanting/park?lang=en")
    page.wait_for_selector(".panels .plotly-graph-div .main-svg")
    assert page.locator("meta[http-equiv=refresh]").get_attribute("content") == "60"
    checks = page.inner_text("table.meter-checks")
    assert "SH1-COLD" in checks and "gap" in checks and "rollover" in checks
    assert "LP-SH1" in page.inner_text("table.park-carbon")
    panels = page.inner_text(".panels")
    assert "A week of dispatch with the design" in panels and "Battery state of charge" in panels
    assert "Metered emissions against the budget" in panels
    assert page.locator(".panels figure").count() == 5  # week, two budgets, dispatch, charge
    _shot(page, tmp_path, "dashboard-park-en.png")
    page.click("a.language")
    page.wait_for_selector(".panels .plotly-graph-div .main-svg")
    assert page.inner_text("h1") == "园区能源"
    assert "储能荷电状态" in page.inner_text(".panels")
    _shot(page, tmp_path, "dashboard-park-zh.png")
    assert errors == []
    page.goto(f"{base_url}/t/acme/park?lang=en")  # a tenant without meters
    assert "No meters or readings imported yet" in page.inner_text("main")


def test_the_scope3plus_page_shows_programmes_apart_from_the_inventory(browser, base_url, tmp_path):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    page.goto(f"{base_url}/t/lanting/ecosystem?lang=en")
    page.wait_for_selector(".panels .plotly-graph-div .main-svg")
    assert "never enter or net against the inventory" in page.inner_text("p.apart")
    progress = page.inner_text("table.eco-progress")
    assert "Ecosystem reduction goal" in progress and "Green travel (MaaS), Beijing" in progress
    assert "overlap" in page.inner_text("table.eco-overlaps")
    lots = page.inner_text("table.eco-lots")
    assert "S3P-MAAS-BJ-2024-000000001" in lots and "sold" in lots
    assert page.locator(".panels figure").count() == 2  # years by programme, the goal
    _shot(page, tmp_path, "dashboard-ecosystem-en.png")
    page.click("a.language")
    page.wait_for_selector(".panels .plotly-graph-div .main-svg")
    assert page.inner_text("h1") == "范围3+"
    assert "北京绿色出行" in page.inner_text("table.eco-progress")
    _shot(page, tmp_path, "dashboard-ecosystem-zh.png")
    assert errors == []
    page.goto(f"{base_url}/t/acme/ecosystem?lang=en")  # a tenant without programmes
    assert "No Scope 3+ calculation yet" in page.inner_text("main")


def test_the_audit_page_shows_the_verified_log_and_its_checkpoint(browser, base_url, tmp_path):
    errors: list[str] = []
    page = _logged_in(browser, base_url, "alice", errors)
    page.goto(f"{base_url}/t/lanting/audit?lang=en")
    assert "Verified: nothing differs" in page.inner_text("p.verify")
    assert "carbonledger.local/lanting" in page.inner_text("pre.checkpoint")
    log = page.inner_text("table.audit-log")
    assert "batch.stored" in log and "run.stored" in log and "ecosystem.calculated" in log
    _shot(page, tmp_path, "dashboard-audit-en.png")
    page.click("a.language")
    assert page.inner_text("h1") == "审计日志"
    assert "校验通过" in page.inner_text("p.verify")
    assert errors == []
