"""The dashboard in a real browser: Streamlit on a free local port, Debian's Chromium driven by Playwright.

One server for the module. Every Streamlit session signs in through the form; the read-only checks of the
analyst's Overview share one session (`analyst`, module-scoped; tests using it leave it on the Thai Overview),
the others get a fresh browser context each. Any Streamlit exception fails the test. Screenshots go to
artifacts/screenshots/ (git-ignored). Skipped only where /usr/bin/chromium is missing and CI is not set; in CI
a missing chromium fails.
"""
from __future__ import annotations

import datetime as dt
import os
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, END_DATE, RUN_TIMEOUT_MS, SCREENSHOTS, Account,  # noqa: F401
                             app_db, app_users, assert_no_exception, launch_chromium, map_colour_shares,
                             screenshot, sign_in, streamlit_server, wait_idle)

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not found (install Debian's chromium: `make chromium`); "
                "in CI (CI set) this fails instead", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)  # expect() has its own 5 s default; a script run may take longer

TH = {"banner": "ข้อมูลสังเคราะห์", "overview": "ภาพรวม", "invalid": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
      "invalid_full": "เข้าสู่ระบบไม่สำเร็จ: ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "provinces": "จังหวัด",
      "districts": "อำเภอ", "sa_kaeo": "สระแก้ว"}
DEFAULT_FROM = END_DATE - dt.timedelta(days=364)  # the default period: the last 365 days of data
VIEWPORT = {"width": 1400, "height": 1000}
MAP = '[data-testid="stDeckGlJsonChart"]'
MAP_SIZED_JS = """() => { const c = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
    return c && c.clientWidth > 300 && c.clientHeight >= 400 && c.width > 0; }"""  # not yet the 300x150 default


# -- fixtures --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(app_db, app_users):  # noqa: F811
    with streamlit_server(app_db, app_users) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found and CI is set: the browser tests must run in CI (`make chromium`)")
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def _new_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="th-TH", timezone_id="Asia/Bangkok")
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    """A fresh browser context: a new Streamlit session, signed out."""
    context, pg = _new_page(browser)
    yield pg
    context.close()


@dataclass
class Session:
    page: object
    outside: list[str] = field(default_factory=list)  # requests that left the app, from the first one on


@pytest.fixture(scope="module")
def analyst(browser, server):
    """The analyst, signed in through the form, on the Thai Overview; every request recorded."""
    context, pg = _new_page(browser)
    s = Session(pg)
    pg.on("request", lambda r: s.outside.append(r.url)
          if not r.url.startswith((server, "data:", "blob:")) else None)
    open_overview(pg, server, ACCOUNTS["analyst"])
    yield s
    context.close()


@pytest.fixture(scope="module")
def sa_kaeo_districts(geo_db_template) -> set[str]:
    """Thai names of Sa Kaeo's districts (read from the geography template, not the server's locked file)."""
    import duckdb

    con = duckdb.connect(str(geo_db_template), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT name_th FROM districts WHERE province_code = '27'").fetchall()}
    finally:
        con.close()


# -- helpers ---------------------------------------------------------------------------------------------

def open_overview(page, server, account, query: str = "") -> None:
    """Sign in and wait until the Overview's figures are drawn and the script has finished."""
    sign_in(page, server, account, query=query)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_idle(page)
    assert_no_exception(page, "the Overview")


def main_alerts(page) -> list[str]:
    return [t.strip() for t in page.locator('[data-testid="stMain"] [data-testid="stAlert"]').all_inner_texts()]


def period_caption(page) -> str:
    return page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()


def query_of(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


# -- the analyst's Overview (one session) ----------------------------------------------------------------

def test_analyst_signs_in_and_sees_the_overview_in_thai(analyst):
    page = analyst.page
    expect(page.locator("h1", has_text=TH["overview"])).to_be_visible()
    metrics = page.locator('[data-testid="stMetric"]')
    assert metrics.count() >= 3, "the headline figures are missing"
    for m in metrics.all():
        expect(m).to_be_visible()
    banner = page.locator('[data-testid="stAlert"]', has_text=TH["banner"])
    expect(banner).to_be_visible()
    text = banner.locator('[data-testid="stMarkdownContainer"]').first.inner_text().strip()
    assert text.startswith(TH["banner"]), text  # the message itself, not the icon

    expect(page.locator(f"{MAP} canvas").first).to_be_visible()
    page.wait_for_function(MAP_SIZED_JS)
    chart = page.locator('[data-testid="stPlotlyChart"]')
    expect(chart.locator(".main-svg").first).to_be_visible()
    assert chart.locator(".barlayer .point").count() > 0, "the monthly chart has no bars"
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    assert query_of(page)["lang"] == ["th"] and query_of(page)["from"] == [DEFAULT_FROM.isoformat()], page.url
    assert_no_exception(page, "the Overview")

    screenshot(page, "overview_analyst_th.png")


def test_thai_renders_with_the_shipped_web_font(analyst, server):
    for name in ("noto-sans-thai-thai-400-normal.woff2", "noto-sans-thai-thai-700-normal.woff2"):
        with urllib.request.urlopen(f"{server}/app/static/fonts/{name}", timeout=10) as r:
            assert r.status == 200 and r.read(4) == b"wOF2", name

    page = analyst.page
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"', 'ภาพรวม')")
    # check() is also true when no face of the family exists at all, so ask for the loaded Thai subset too
    assert page.evaluate("""() => [...document.fonts].some(f =>
        f.family.replace(/["']/g, '') === 'Noto Sans Thai' && f.status === 'loaded'
        && /e01-e5b/i.test(f.unicodeRange))"""), "the Thai subset of Noto Sans Thai was not loaded"
    family = page.locator("h1", has_text=TH["overview"]).evaluate("e => getComputedStyle(e).fontFamily")
    assert family.replace('"', "").startswith("Noto Sans Thai"), family


# Guards against the unit mix-up seen while this test was written: pydeck turns a bare string like
# radius_units="pixels" into the accessor '@@=pixels', deck.gl falls back to common units, and 5-unit dots or
# 1-unit lines come out ~200 / ~40 px wide at zoom 5.4, covering the choropleth.
def test_overview_map_draws_districts_outlines_and_small_crossing_dots(analyst):
    page = analyst.page
    deck = page.locator(MAP).first
    page.wait_for_function(MAP_SIZED_JS)
    # no DOM signal tells when deck.gl has drawn its layers: look again until the picture is right (10 s)
    shares, deadline = {}, time.monotonic() + 10
    while time.monotonic() < deadline:
        png = deck.screenshot()
        shares = map_colour_shares(png)
        if shares["warm"] > 0.01 and shares["blue"] > 0.001 and shares["dark"] < 0.05 and shares["grey"] < 0.05:
            break
        if shares["dark"] > 0.3 or shares["grey"] > 0.15:  # drawn, and covered: no point waiting
            break
        page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "overview_map_th.png").write_bytes(png)
    assert shares["warm"] > 0.01, f"no choropleth colours on the map: {shares}"
    assert shares["blue"] > 0.001 and shares["green"] > 0.0005, f"no Lao/Cambodian outlines: {shares}"
    assert shares["dark"] < 0.05, f"dark shapes cover the map (crossing dots should be a few pixels): {shares}"
    assert shares["grey"] < 0.05, f"grey bands cover the map (outlines should be 1-3 px): {shares}"


def test_overview_makes_no_requests_outside_the_app(analyst):
    analyst.page.wait_for_function(MAP_SIZED_JS)
    analyst.page.wait_for_timeout(500)  # the map fetches its style, if any, as soon as it mounts
    assert analyst.outside == [], f"the dashboard reached outside the app: {analyst.outside}"


def test_english_button_switches_the_overview_to_english(analyst):
    page = analyst.page
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("English", exact=True).click()
    try:
        expect(page.locator("h1", has_text="Overview")).to_be_visible()
        expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
        wait_idle(page)
        assert_no_exception(page, "the English Overview")
        expect(page.locator('[data-testid="stAlert"]', has_text="Synthetic")).to_be_visible()
        assert query_of(page)["lang"] == ["en"], page.url
        screenshot(page, "overview_analyst_en.png")
    finally:  # leave the shared session as the other tests expect it
        sidebar.get_by_text("ไทย", exact=True).click()
        expect(page.locator("h1", has_text=TH["overview"])).to_be_visible()
        wait_idle(page)


# -- other accounts and links (a session each) -----------------------------------------------------------

def test_wrong_password_shows_the_plain_message_and_no_detail(page, server):
    messages = []
    for username in (ACCOUNTS["planner"].username, "nobody-here"):
        sign_in(page, server, Account(username, "not-the-password", "planner"))
        alert = page.locator('[data-testid="stAlert"]', has_text=TH["invalid"])
        expect(alert).to_be_visible()
        wait_idle(page)
        assert_no_exception(page, "the sign-in page")
        messages.append(alert.inner_text().strip())
        expect(page.locator('[data-testid="stMetric"]')).to_have_count(0)
    # the same words for a wrong password and an unknown user: nothing says which part was wrong
    assert messages == [TH["invalid_full"]] * 2, messages
    screenshot(page, "sign_in_wrong_password_th.png")


def test_governor_of_sa_kaeo_sees_only_sa_kaeo(page, server, sa_kaeo_districts):
    # The data checks read the top-districts grid through the accessible table glide-data-grid keeps in the
    # DOM (the grid itself is a canvas), and the district choices of the sidebar: both are what the
    # governor can actually see, unlike the URL, which carries no province for a scoped viewer.
    open_overview(page, server, ACCOUNTS["governor"])
    sidebar = page.locator('[data-testid="stSidebar"]')

    provinces = sidebar.locator('[data-testid="stMultiSelect"]', has_text=TH["provinces"])
    expect(provinces.locator("input")).to_be_disabled()
    assert query_of(page).get("prov", ["27"]) == ["27"], page.url

    grid = page.get_by_test_id("stDataFrame")
    grid.scroll_into_view_if_needed()  # the table sits below the map; the grid fills its rows once drawn
    expect(grid).to_be_visible()
    rows = grid.locator("tbody tr")
    expect(rows.first).to_be_attached()
    assert rows.count() > 0, "the top-districts table is empty"
    for i in range(rows.count()):
        cells = [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
        assert cells[0] in sa_kaeo_districts and cells[1] == TH["sa_kaeo"], f"row {i}: {cells}"

    districts = sidebar.locator('[data-testid="stMultiSelect"]', has_text=TH["districts"]).last
    options = page.locator('[role="listbox"] [role="option"]')
    for _ in range(3):   # a click while the map is still being drawn can be lost in headless Chromium
        districts.locator("input").click()
        try:
            expect(options.first).to_be_visible(timeout=5000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    expect(options.first).to_be_visible()
    names = {o.strip() for o in options.all_inner_texts()} - {"Select all"}  # Streamlit's own entry
    assert names and names <= sa_kaeo_districts, names - sa_kaeo_districts
    page.keyboard.press("Escape")
    wait_idle(page)
    assert_no_exception(page, "the governor's Overview")
    screenshot(page, "overview_governor_sa_kaeo_th.png")


def test_tampered_link_opens_with_warnings_and_the_default_period(page, server):
    query = "?" + urllib.parse.urlencode({"dist": "9999", "from": "2026-05-01", "to": "2026-01-01",
                                          "cat": "drug_trafficking';DROP TABLE reports;--"})
    open_overview(page, server, ACCOUNTS["analyst"], query=query)

    alerts = main_alerts(page)
    assert any("9999" in a and "'dist'" in a for a in alerts), alerts
    assert any("DROP TABLE" in a and "'cat'" in a for a in alerts), alerts
    assert any("2026-05-01..2026-01-01" in a for a in alerts), alerts
    q = query_of(page)
    assert q["from"] == [DEFAULT_FROM.isoformat()] and q["to"] == [END_DATE.isoformat()], page.url
    assert "dist" not in q and "cat" not in q, page.url
    assert "(365 วัน)" in period_caption(page)
    # the reports are all still there (nothing in the link reached SQL)
    reports = page.locator('[data-testid="stMetric"]').first.locator('[data-testid="stMetricValue"]').inner_text()
    assert int(reports.replace(",", "")) > 0, reports
    screenshot(page, "overview_tampered_link_th.png")
