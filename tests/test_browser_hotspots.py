"""The Hotspots page in a real browser: the analyst opens it on the defaults, clicks a district on the map and
reads its evidence line, in Thai and then in English (Debian's Chromium through Playwright; screenshots in
artifacts/screenshots/)."""
from __future__ import annotations

import os

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, app_db, app_users,  # noqa: F401
                             assert_no_exception, launch_chromium, map_pixel, screenshot, sign_in, streamlit_server,
                             wait_idle)

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
MAP = '[data-testid="stDeckGlJsonChart"]'


@pytest.fixture(scope="module")
def server(app_db, app_users):  # noqa: F811
    with streamlit_server(app_db, app_users) as base:
        yield base


@pytest.fixture(scope="module")
def target(geo_db_template):
    """The largest border district: its code, Thai and English names, a point inside it (lon, lat) and the
    view the page draws."""
    import duckdb

    con = duckdb.connect(str(geo_db_template), read_only=True)
    try:
        con.execute("LOAD spatial")
    except duckdb.Error:
        pass
    try:
        code, th, en, wkb = con.execute(
            "SELECT code, name_th, name_en, ST_AsWKB(geom) FROM districts WHERE is_border "
            "ORDER BY area_km2 DESC LIMIT 1").fetchone()
    finally:
        con.close()
    import shapely

    p = shapely.from_wkb(bytes(wkb)).representative_point()
    from ntswatch_geo.db import connect
    from ntswatch_geo.maps import HOTSPOT_SIZE, load_geometry, view_for

    con = connect(geo_db_template, read_only=True)
    try:
        view = view_for(load_geometry(con), size=HOTSPOT_SIZE)     # the page's view: the whole study area
    finally:
        con.close()
    return code, th, en, (p.x, p.y), view


def test_analyst_clicks_a_district_on_the_hotspot_map_and_reads_its_evidence_in_thai_and_english(server, target):
    code, name_th, name_en, (lon, lat), view = target
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="th-TH",
                                      timezone_id="Asia/Bangkok")
        context.set_default_timeout(RUN_TIMEOUT_MS)
        page = context.new_page()
        try:
            sign_in(page, server, ACCOUNTS["analyst"])
            expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
            wait_idle(page)
            page.locator('[data-testid="stSidebarNav"] a', has_text="จุดร้อน").first.click()
            expect(page.locator("h1", has_text="จุดร้อน")).to_be_visible()
            wait_idle(page)
            assert_no_exception(page, "the Hotspots page")
            main = page.locator('[data-testid="stMain"]')
            # the defaults the analyst gets: z-score p-values, FDR on, reporting effort adjusted
            expect(main.get_by_text("จากคะแนน z (แบบ ArcGIS)")).to_be_visible()
            expect(main.get_by_text("ระดับการรายงาน:").first).to_be_visible()
            expect(main.get_by_text("คลิกหน่วยบนแผนที่").first).to_be_visible()

            page.wait_for_function("""() => { const c = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
                return c && c.clientWidth > 300 && c.clientHeight >= 400; }""", timeout=RUN_TIMEOUT_MS)
            page.wait_for_timeout(1500)                       # deck.gl draws its layers
            x, y = map_pixel(page, view, lon, lat)          # where the page's view draws the district
            panel = main.get_by_text("หลักฐาน:").first
            for _ in range(4):          # deck.gl may still be drawing its layers on a busy machine: click again
                page.mouse.click(x, y)
                wait_idle(page)
                try:
                    panel.wait_for(timeout=8000)
                    break
                except Exception:
                    page.wait_for_timeout(2000)
            expect(panel).to_be_visible()
            expect(main.get_by_text(name_th, exact=False).first).to_be_visible()
            text = main.locator('[data-testid="stMarkdownContainer"]', has_text="หลักฐาน:").first.inner_text()
            assert "เทียบกับที่คาดไว้" in text and "Gi* z =" in text and "FDR q" in text, text
            assert "25" in text.split("ใน")[1]                # a Buddhist-era year (2568/2569) in the period
            assert_no_exception(page, "after the map click")
            screenshot(page, "hotspots_gi_click_th.png")

            page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
            wait_idle(page)
            expect(page.locator("h1", has_text="Hotspots")).to_be_visible()
            shown = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stSelectbox"]')].map(
                e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value + ' ' +
                (i.getAttribute('aria-label') || '')).join(' ')).join(' | ')""")
            assert "Hot spots (Getis-Ord Gi*)" in shown and "Border districts" in shown, shown   # widget labels too
            text = main.locator('[data-testid="stMarkdownContainer"]', has_text="Evidence:").first.inner_text()
            assert "expected" in text and "reports" in text and "Gi* z =" in text, text
            expect(main.get_by_text(name_en, exact=False).first).to_be_visible()
            legend = main.inner_text()
            assert "Not significant · ไม่มีนัยสำคัญทางสถิติ" in legend              # English first in English
            assert "Outside the study area (not analysed)" in legend
            assert_no_exception(page, "in English")
            screenshot(page, "hotspots_gi_click_en.png")
        finally:
            context.close()
            browser.close()
