"""The public form's location and calendar in Debian's Chromium, as a citizen uses them: clicks a district on
the form's map; lets the browser share its position ("use my location", geolocation granted and set by
Playwright inside a border district) and sees the point and its district; refuses to share it and reads why;
picks the date on the Buddhist-era calendar. The reports sent land where and when they were picked (the
database is read after the server stops). Thai and English; screenshots in artifacts/screenshots/."""
from __future__ import annotations

import datetime as dt
import math
import re
import shutil

import pytest

from browser_support import (CHROMIUM, RUN_TIMEOUT_MS, app_db, app_users, browser, assert_no_exception,  # noqa: F401
                             choose, screenshot, streamlit_server, wait_idle)

if not CHROMIUM.exists():
    import os

    if not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.reports.validate import bangkok_now  # noqa: E402
from ntswatch_geo.thai import EN_MONTHS_FULL, MONTHS_FULL, be_year  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
MAP = '[data-testid="stDeckGlJsonChart"]'
GEO_DISTRICT = "4301"            # Mueang Nong Khai, a border district on the Mekong


@pytest.fixture(scope="module")
def places(app_db):  # noqa: F811
    """What the tests click: the largest border district (code, Thai and English names, a point well inside
    it) and a point inside GEO_DISTRICT for the browser's position; the pick map's first view."""
    import shapely

    from ntswatch_geo.form_map import load_pick_geometry, view_of

    con = connect(app_db, read_only=True)
    try:
        big = con.execute("SELECT code, name_th, name_en, ST_AsWKB(geom) FROM districts WHERE is_border "
                          "ORDER BY area_km2 DESC LIMIT 1").fetchone()
        geo = con.execute("SELECT name_th, name_en, is_border, ST_AsWKB(geom) FROM districts WHERE code = ?",
                          [GEO_DISTRICT]).fetchone()
        view = view_of(load_pick_geometry(con))
    finally:
        con.close()
    assert geo[2], "the geolocation district must be a border district"
    inner = shapely.from_wkb(bytes(big[3])).buffer(-0.05)
    p = inner.representative_point() if not inner.is_empty else shapely.from_wkb(bytes(big[3])).representative_point()
    g = shapely.from_wkb(bytes(geo[3])).representative_point()
    return {"click": (big[0], big[1], big[2], (p.x, p.y)), "geo": (GEO_DISTRICT, geo[0], geo[1], (g.y, g.x)),
            "view": view}


@pytest.fixture
def db(app_db, tmp_path):  # noqa: F811
    path = tmp_path / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    return path


def new_page(browser, lang="th", position=None, grant=False):  # noqa: F811
    kwargs = {"viewport": {"width": 1400, "height": 1000}, "locale": "th-TH" if lang == "th" else "en-GB",
              "timezone_id": "Asia/Bangkok"}
    if position:
        kwargs["geolocation"] = {"latitude": position[0], "longitude": position[1], "accuracy": 25}
    if grant:
        kwargs["permissions"] = ["geolocation"]
    context = browser.new_context(**kwargs)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context, context.new_page()


def mercator(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """deck.gl's Web Mercator pixel coordinates (512-pixel world at zoom 0)."""
    scale = 512 * 2 ** zoom
    return (scale * (lon + 180) / 360,
            scale * (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2)


def open_form(page, server, lang="th"):
    page.goto(server + ("/?lang=en" if lang == "en" else "/"), wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Report an incident" if lang == "en" else "แจ้งเหตุ")).to_be_visible()
    wait_idle(page)


def click_on_map(page, view, lon: float, lat: float, expect_text: str) -> None:
    """Click the map where (lon, lat) is drawn, until the page shows `expect_text` (deck.gl may still be
    drawing its layers on a busy machine)."""
    page.wait_for_function("""() => { const c = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
        return c && c.clientWidth > 300 && c.clientHeight >= 300; }""", timeout=RUN_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    canvas = page.locator(f"{MAP} canvas").first
    box = canvas.bounding_box()
    cx, cy = mercator(view.longitude, view.latitude, view.zoom)
    x, y = mercator(lon, lat, view.zoom)
    shown = page.get_by_text(expect_text, exact=False).first
    for _ in range(6):          # the first click after drawing often only focuses the map: click again
        page.mouse.click(box["x"] + box["width"] / 2 + (x - cx), box["y"] + box["height"] / 2 + (y - cy))
        wait_idle(page)
        try:
            shown.wait_for(timeout=8000)
            break
        except Exception:
            page.wait_for_timeout(2000)
    expect(shown).to_be_visible()


def pick_on_calendar(page, day, lang="th", shot: str | None = None) -> None:
    """Open the calendar, go back month by month to `day`'s month (screenshot `shot`) and click the day."""
    page.get_by_role("button", name="Calendar" if lang == "en" else "ปฏิทิน").click()
    months = MONTHS_FULL if lang == "th" else EN_MONTHS_FULL
    year = str(be_year(day.year)) if lang == "th" else f"{be_year(day.year)} BE ({day.year})"
    name = f"{day.day} {months[day.month - 1]} {year}"
    target = page.get_by_role("button", name=name, exact=True)
    for _ in range(14):
        if target.count():
            break
        page.get_by_role("button", name="Previous month" if lang == "en" else "เดือนก่อน").click()
    if shot:
        screenshot(page, shot)
    target.click()
    wait_idle(page)


def fill_rest(page, day_typed: str | None = None) -> None:
    choose(page, "เหตุที่เกิดขึ้น (ประเภท)", "การลักลอบค้า/ขนยาเสพติด")
    if day_typed:
        field = page.get_by_label("วันที่เกิดเหตุ", exact=True)
        field.fill(day_typed)
        field.press("Enter")
        wait_idle(page)
    desc = page.get_by_label("รายละเอียดเหตุการณ์", exact=True)
    desc.fill("เห็นเรือขนของข้ามแม่น้ำโขงตอนตีสอง")
    desc.press("Control+Enter")
    wait_idle(page)


def send(page) -> str:
    page.get_by_role("button", name="ส่งเรื่อง").click()
    wait_idle(page)
    ok = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(ok).to_contain_text("เลขที่อ้างอิง")
    assert_no_exception(page, "after sending")
    return re.search(r"NTS-\d{4}-\d+", ok.inner_text()).group(0)


def test_a_citizen_picks_the_district_on_the_map_the_date_on_the_calendar_and_shares_the_location(
        browser, db, app_users, places):  # noqa: F811
    code, name_th, _, (lon, lat) = places["click"]
    geo_code, geo_th, _, geo_point = places["geo"]
    picked_day = bangkok_now().date().replace(day=1) - dt.timedelta(days=16)      # mid last month
    with streamlit_server(db, app_users) as server:      # its own server: the stored reports are read after it stops
        context, page = new_page(browser)
        try:
            open_form(page, server)
            expect(page.get_by_text("ยังไม่ได้เลือกสถานที่")).to_be_visible()
            click_on_map(page, places["view"], lon, lat, f"เลือกแล้ว: อ.{name_th}")
            # the lists follow the map: the district box shows the clicked district
            expect(page.get_by_label("อำเภอ", exact=True)).to_have_value(name_th)
            assert_no_exception(page, "after the map click")
            pick_on_calendar(page, picked_day, shot="form_calendar_th.png")
            typed = f"{picked_day.day}/{picked_day.month}/{be_year(picked_day.year)}"
            expect(page.get_by_label("วันที่เกิดเหตุ", exact=True)).to_have_value(typed)
            expect(page.get_by_text(f"อ่านได้ว่า: {picked_day.day} {MONTHS_FULL[picked_day.month - 1]} "
                                    f"{be_year(picked_day.year)}")).to_be_visible()
            fill_rest(page)
            screenshot(page, "form_map_pick_th.png")
            ref_map = send(page)

            page.get_by_role("button", name="แจ้งเหตุเรื่องอื่น").click()
            wait_idle(page)
        finally:
            context.close()

        context, page = new_page(browser, position=geo_point, grant=True)
        try:
            open_form(page, server)
            page.get_by_role("button", name="ใช้ตำแหน่งของฉัน").click()
            wait_idle(page)
            # the point, where it came from, and the district holding it, which the lists now show
            summary = (f"เลือกแล้ว: อ.{geo_th} จ.หนองคาย · พิกัด {geo_point[0]:.5f}, {geo_point[1]:.5f} "
                       "(จากอุปกรณ์นี้ คลาดเคลื่อนได้ ±25 ม.)")
            expect(page.get_by_text(summary, exact=True)).to_be_visible()
            expect(page.get_by_label("ละติจูด", exact=True)).to_have_value(f"{geo_point[0]:.6f}")
            expect(page.get_by_label("ลองจิจูด", exact=True)).to_have_value(f"{geo_point[1]:.6f}")
            expect(page.get_by_label("จังหวัด", exact=True)).to_have_value("หนองคาย")
            expect(page.get_by_label("อำเภอ", exact=True)).to_have_value(geo_th)
            fill_rest(page, "15/11/2569")
            assert_no_exception(page, "after use my location")
            screenshot(page, "form_use_my_location_th.png")
            ref_geo = send(page)
        finally:
            context.close()

        context, page = new_page(browser, position=geo_point, grant=False)     # the citizen says no
        try:
            open_form(page, server)
            page.get_by_role("button", name="ใช้ตำแหน่งของฉัน").click()
            wait_idle(page)
            warning = page.locator('[data-testid="stAlertContentWarning"]').first
            expect(warning).to_contain_text("ไม่ได้รับอนุญาตให้ใช้ตำแหน่งของท่าน")
            expect(warning).to_contain_text("กรุณาเลือกจังหวัดและอำเภอด้านล่าง")
            expect(page.get_by_label("ละติจูด", exact=True)).to_have_value("")
            assert_no_exception(page, "after a refused location")
            screenshot(page, "form_location_denied_th.png")
        finally:
            context.close()

    con = connect(db, read_only=True)
    try:
        rows = dict((r[0], r[1:]) for r in con.execute(
            "SELECT ref_no, district_code, occurred_date, lat, lon, location_precision FROM reports "
            "WHERE ref_no IN (?, ?)", [ref_map, ref_geo]).fetchall())
    finally:
        con.close()
    assert rows[ref_map][0] == code and rows[ref_map][1] == picked_day
    assert rows[ref_map][4] == "district"
    geo_row = rows[ref_geo]
    assert geo_row[0] == geo_code and str(geo_row[1]) == "2026-11-15" and geo_row[4] == "point"
    assert abs(geo_row[2] - geo_point[0]) < 1e-5 and abs(geo_row[3] - geo_point[1]) < 1e-5


def test_denied_geolocation_is_explained_and_the_form_still_works_in_english(browser, db, app_users,
                                                                             places):  # noqa: F811
    name_en = places["geo"][2]
    with streamlit_server(db, app_users) as server:
        context, page = new_page(browser, lang="en", position=places["geo"][3], grant=False)
        try:
            open_form(page, server, "en")
            page.get_by_role("button", name="Use my location").click()
            wait_idle(page)
            warning = page.locator('[data-testid="stAlertContentWarning"]').first
            expect(warning).to_contain_text("Your location was not shared (permission denied)")
            expect(warning).to_contain_text("Choose the province and district below")
            expect(page.get_by_label("Latitude", exact=True)).to_have_value("")
            choose(page, "Province", "Nong Khai")
            choose(page, "District", name_en)
            expect(page.get_by_text(f"Picked: {name_en} District, Nong Khai Province")).to_be_visible()
            page.get_by_role("button", name="Calendar").click()
            today = bangkok_now().date()
            title = f"{EN_MONTHS_FULL[today.month - 1]} {be_year(today.year)} BE ({today.year})"
            expect(page.get_by_text(title, exact=True)).to_be_visible()
            tomorrow = today + dt.timedelta(days=1)
            if tomorrow.month == today.month:            # the days after today cannot be picked
                expect(page.locator(f'button[data-date="{tomorrow.isoformat()}"]')).to_be_disabled()
            expect(page.locator(f'button[data-date="{today.isoformat()}"]')).to_be_enabled()
            assert_no_exception(page, "English form")
            screenshot(page, "form_location_denied_en.png")
            page.keyboard.press("Escape")
            page.get_by_role("button", name="Clear the location").click()
            wait_idle(page)
            expect(page.get_by_text("No place picked yet.")).to_be_visible()
            screenshot(page, "form_location_cleared_en.png")
        finally:
            context.close()
