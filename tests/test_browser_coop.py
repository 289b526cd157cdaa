"""The Cooperation page in Debian's Chromium (issue 14, done-when): what a district officer and a planner do.

(a) The district officer of Aranyaprathet signs in, opens the page, records a workshop with Paoy Paet typed as
    15/03/2568, and sees it in the success message, the list of activities, the timeline (the plotly point
    drawn) and on the map: a click on the new partnership line (where maps.pixel_of puts the middle of the
    line) shows that pair with the new activity; then in English.
(b) A planner imports the messy activities workbook (tests/fixtures/coop/build_activities.py: Thai headers,
    Buddhist-era dates in many forms, bad rows, blank and totals rows): rows in = imported + set aside +
    already recorded + skipped, on the page and in the database; the downloaded rejects read back with a
    reason for every row set aside.
(c) Signed out, the /cooperation link shows the sign-in form, and signing in there opens the page.
Screenshots: artifacts/screenshots/coop_*.png (looked at).
"""
from __future__ import annotations

import importlib.util
import io
import os
import shutil

import pandas as pd
import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, SCREENSHOTS, app_db, app_users,  # noqa: F401
                             assert_no_exception, browser, choose, click_map, map_pixel, screenshot, sign_in,
                             streamlit_server, wait_idle)

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from ntswatch_geo.config import PROJECT_ROOT  # noqa: E402
from ntswatch_geo.db import connect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
MAP = '[data-testid="stDeckGlJsonChart"]'
MAIN = '[data-testid="stMain"]'
TITLE = "เวทีเสริมสร้างความเชื่อมโยงลุ่มน้ำโขง อรัญประเทศ–ปอยเปต ครั้งที่ 1"
FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "coop" / "build_activities.py"


@pytest.fixture(scope="module")
def db(app_db, tmp_path_factory):  # noqa: F811
    """This module's own copy of the browser database (20,000 synthetic reports, no activity yet)."""
    path = tmp_path_factory.mktemp("coop_browser") / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    return path


@pytest.fixture(scope="module")
def known(db):
    """Where the page will draw Aranyaprathet's partnership with Paoy Paet: the view the page computes for the
    district officer (cooperation.maps.view) and both ends of the line."""
    from ntswatch_geo import maps
    from ntswatch_geo.cooperation import maps as cm
    from ntswatch_geo.cooperation import summary
    from ntswatch_geo.scope import Scope

    con = connect(db, read_only=True)
    try:
        officer = Scope("district_officer", district_code="2706")
        pairs = summary.partnerships(con, officer)
        assert summary.activities(con, officer).empty
        paoy = pairs[pairs["neighbour_en"] == "Paoy Paet"].iloc[0]
        nouns = [n for (n,) in con.execute("SELECT name_en FROM neighbour_districts UNION SELECT province_en FROM "
                                           "neighbour_districts WHERE province_en IS NOT NULL").fetchall()]
        nouns += [x for a in ACCOUNTS.values() for x in (a.username, f"Test {a.role}")]
        return {"view": cm.view(maps.load_geometry(con), pairs, ["2706"]), "pair": paoy, "nouns": tuple(nouns)}
    finally:
        con.close()


@pytest.fixture(scope="module")
def server(known, db, app_users):  # noqa: F811
    with streamlit_server(db, app_users) as base:
        yield base


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="th-TH", timezone_id="Asia/Bangkok",
                                  accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    p = context.new_page()
    yield p
    context.close()


def open_cooperation(page, title: str = "ความร่วมมือข้ามแดน") -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    expect(page.locator("h1", has_text=title)).to_be_visible()
    wait_idle(page)


def open_expander(page, label: str) -> None:
    page.locator('[data-testid="stExpander"] summary', has_text=label).first.click()
    wait_idle(page)


def fill_number(page, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")
    wait_idle(page)


def wait_map(page) -> None:
    """Until the map's canvas has its size and deck.gl has drawn (the grey provinces show): a click before that
    is lost."""
    import numpy as np
    from PIL import Image

    from ntswatch_geo.maps import OUTSIDE

    page.wait_for_function(f"""() => {{ const c = document.querySelector('{MAP} canvas');
        return c && c.clientWidth > 300 && c.clientHeight >= 400; }}""", timeout=RUN_TIMEOUT_MS)
    page.locator(f"{MAP} canvas").first.scroll_into_view_if_needed()
    for _ in range(60):
        rgb = np.asarray(Image.open(io.BytesIO(page.locator(MAP).first.screenshot())).convert("RGB")).astype(int)
        if (np.abs(rgb - np.array(OUTSIDE)).max(axis=-1) <= 3).mean() > 0.02:
            break
        page.wait_for_timeout(500)
    page.wait_for_timeout(500)


TIMELINE_JS = """(title) => { const out = [];
    for (const plot of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
        (plot.data || []).forEach((tr, i) => (tr.customdata || []).forEach((c, j) => {
            if (String(c[1]).includes(title)) out.push({name: tr.name, x: String(tr.x[j]), y: String(tr.y[j]),
                drawn: plot.querySelectorAll('.scatterlayer .trace')[i]?.querySelectorAll('.points path').length || 0});
        }));
    }
    return out; }"""


def no_raw_text(page, lang: str, nouns: tuple) -> None:
    """The page with an activity in it, as read: no raw key, code, "None" or unformatted number, and in Thai no
    English outside proper nouns (tests/page_text_scan.py, the every-page rules), the form's expander open."""
    from page_text_scan import dedupe, scan
    from test_browser_every_page import TEXT_JS        # what a person reads: icons' ligature names left out

    findings = dedupe(scan(page.evaluate(TEXT_JS, MAIN), lang, nouns))
    assert not findings, "\n".join(map(str, findings))


def grid_cells(page, text: str):
    """The dataframe cells holding `text` (glide-data-grid's accessible copy of what it draws)."""
    return page.locator('[data-testid="stDataFrame"] [role="gridcell"]', has_text=text)


def test_a_district_officer_records_an_activity_and_sees_it_on_the_page_and_the_map(server, page, known):
    sign_in(page, server, ACCOUNTS["district_officer"])
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_idle(page)
    open_cooperation(page)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text().strip() == "0"
    open_expander(page, "บันทึกกิจกรรมใหม่")
    choose(page, "ประเภทกิจกรรม", "การประชุมเชิงปฏิบัติการเสริมสร้างความเชื่อมโยงลุ่มน้ำโขง")
    start = page.get_by_label("วันเริ่มกิจกรรม", exact=True)
    start.fill("15/03/2568")
    start.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("อ่านได้ว่า: 15 มีนาคม 2568")).to_be_visible()        # read back before sending
    facing = page.get_by_label("อำเภอฝั่งตรงข้ามที่เข้าร่วม", exact=True)
    facing.click()
    page.keyboard.type("Paoy")
    page.get_by_role("option", name="Paoy Paet (กัมพูชา)", exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    assert page.get_by_label("ฝั่ง สปป.ลาว เจ้าหน้าที่", exact=True).count() == 0   # Aranyaprathet faces Cambodia
    fill_number(page, "ฝั่งไทย เจ้าหน้าที่", 12)
    fill_number(page, "ฝั่งกัมพูชา ผู้นำชุมชน", 8)
    page.get_by_label("ชื่อกิจกรรม", exact=True).fill(TITLE)
    page.get_by_label("ชื่อกิจกรรม", exact=True).press("Enter")
    wait_idle(page)
    page.locator('[data-testid="stButton"] button', has_text="บันทึกกิจกรรม").click()
    wait_idle(page)
    ok = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(ok).to_contain_text("15 มี.ค. 2568")
    expect(ok).to_contain_text(TITLE)
    assert_no_exception(page, "after recording the activity")
    assert [m.inner_text().strip() for m in page.locator('[data-testid="stMetricValue"]').all()[:4]] == \
        ["1", "1", "12", "8"]

    # the list of activities and the per-parallel-area table
    expect(grid_cells(page, TITLE).first).to_be_attached()
    expect(grid_cells(page, "Paoy Paet").first).to_be_attached()
    # the timeline: one point, drawn, at 15 March 2025 for Aranyaprathet
    points = page.evaluate(TIMELINE_JS, TITLE)
    assert len(points) == 1 and points[0]["x"].startswith("2025-03-15") and points[0]["y"] == "อรัญประเทศ", points
    assert points[0]["drawn"] == 1 and points[0]["name"] == "การประชุมเชิงปฏิบัติการเสริมสร้างความเชื่อมโยงลุ่มน้ำโขง"
    # the map: a click in the middle of the new line picks that partnership
    wait_map(page)
    p = known["pair"]
    (x0, y0), (x1, y1) = (map_pixel(page, known["view"], p["from_lon"], p["from_lat"]),
                          map_pixel(page, known["view"], p["to_lon"], p["to_lat"]))
    click_map(page, (x0 + x1) / 2, (y0 + y1) / 2)
    main = page.locator(MAIN)
    expect(main).to_contain_text("อรัญประเทศ (สระแก้ว) ↔ Paoy Paet (กัมพูชา)")
    expect(main).to_contain_text(f"15 มี.ค. 2568 · การประชุมเชิงปฏิบัติการเสริมสร้างความเชื่อมโยงลุ่มน้ำโขง · {TITLE}")
    assert_no_exception(page, "after the map click")
    wait_map(page)
    (SCREENSHOTS / "coop_officer_map_th.png").write_bytes(page.locator(MAP).first.screenshot())
    screenshot(page, "coop_officer_th.png")
    no_raw_text(page, "th", known["nouns"])

    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    expect(page.locator("h1", has_text="Cross-border cooperation")).to_be_visible()
    wait_idle(page)
    expect(main).to_contain_text("Aranyaprathet (Sa Kaeo) ↔ Paoy Paet (Cambodia)")
    expect(main).to_contain_text(f"15 Mar 2025 · Enhancing Mekong Linkage workshop · {TITLE}")
    points = page.evaluate(TIMELINE_JS, TITLE)
    assert len(points) == 1 and points[0]["name"] == "Enhancing Mekong Linkage workshop" and points[0]["y"] == "Aranyaprathet"
    assert_no_exception(page, "in English")
    wait_map(page)
    (SCREENSHOTS / "coop_officer_map_en.png").write_bytes(page.locator(MAP).first.screenshot())
    screenshot(page, "coop_officer_en.png")
    no_raw_text(page, "en", known["nouns"])


def test_a_planner_imports_a_messy_workbook_and_every_row_is_accounted_for(server, page, tmp_path):
    spec = importlib.util.spec_from_file_location("build_activities", FIXTURE)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    data = build.build(tmp_path / "activities.xlsx").read_bytes()
    sign_in(page, server, ACCOUNTS["planner"])
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_idle(page)
    open_cooperation(page)
    before = int(page.locator('[data-testid="stMetricValue"]').first.inner_text().replace(",", ""))
    open_expander(page, "นำเข้าและส่งออก")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files=[{
        "name": "กิจกรรม สระแก้ว 2568.xlsx", "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    wait_idle(page)
    page.get_by_role("button", name="นำเข้า", exact=True).click()
    wait_idle(page)
    assert_no_exception(page, "after the import")
    metrics = page.locator('[data-testid="stMetric"]')
    shown = {}
    for i in range(metrics.count()):
        label = metrics.nth(i).locator('[data-testid="stMetricLabel"]').inner_text().strip()
        value = metrics.nth(i).locator('[data-testid="stMetricValue"]').inner_text().strip()
        if value.replace(",", "").isdigit():
            shown.setdefault(label, int(value.replace(",", "")))
    rows_in, imported, quarantined = shown["แถวที่อ่าน"], shown["นำเข้าแล้ว"], shown["กันไว้ (มีข้อผิดพลาด)"]
    duplicates, skipped = shown["บันทึกไว้แล้ว"], shown["ข้าม (แถวว่างหรือแถวรวม)"]
    assert rows_in == imported + quarantined + duplicates + skipped and imported and quarantined and skipped, shown
    expect(page.locator(MAIN)).to_contain_text(
        f"ครบทุกแถว: อ่าน {rows_in} แถว = นำเข้า {imported} + กันไว้ {quarantined} + บันทึกไว้แล้ว {duplicates} + ข้าม {skipped}")
    assert shown["กิจกรรม"] == before + imported                    # the page's figures include the new rows
    with page.expect_download() as got:
        page.get_by_role("button", name="ดาวน์โหลดแถวที่กันไว้ (CSV)").click()
    path = got.value.path()
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")                          # Excel reads the Thai
    rejects = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert list(rejects.columns)[:7] == ["sheet", "row_no", "field", "value", "code", "message", "message_th"]
    assert rejects[["sheet", "row_no"]].drop_duplicates().shape[0] == quarantined + duplicates
    assert (rejects["code"] == "duplicate").sum() >= duplicates and rejects["message_th"].str.contains("[ก-๙]").all()
    # the activities as a workbook: every activity on the page, Thai headers and labels, read back
    from ntswatch_geo.i18n import t
    with page.expect_download() as got:
        page.get_by_role("button", name=t("coop_page.export_button", "th")).click()
    book = pd.read_excel(got.value.path(), sheet_name=None)
    acts = next(df for df in book.values() if t("coop_export.col_type", "th") in df.columns)
    assert len(acts) == shown["กิจกรรม"]
    assert acts[t("coop_export.col_type", "th")].str.contains("[ก-๙]").all()
    assert acts[t("coop_export.col_district", "th")].str.contains("[ก-๙]").all()
    screenshot(page, "coop_planner_import_th.png")
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    expect(page.locator("h1", has_text="Cross-border cooperation")).to_be_visible()
    wait_idle(page)
    open_expander(page, "Import and export")                       # (its label changed: drawn closed again)
    expect(page.get_by_text(f"Every row accounted for: {rows_in} rows in")).to_be_visible()
    assert_no_exception(page, "the import in English")
    screenshot(page, "coop_planner_import_en.png")


def test_a_signed_out_link_to_cooperation_shows_the_sign_in_form_then_the_page(server, page):
    page.goto(f"{server}/cooperation", wait_until="domcontentloaded")
    user = page.get_by_label("ชื่อผู้ใช้", exact=True)
    expect(user).to_be_visible()
    wait_idle(page)
    assert page.locator("h1", has_text="ความร่วมมือข้ามแดน").count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0
    user.fill(ACCOUNTS["governor"].username)
    page.get_by_label("รหัสผ่าน", exact=True).fill(ACCOUNTS["governor"].password)
    page.locator('[data-testid="stFormSubmitButton"] button', has_text="เข้าสู่ระบบ").click()
    expect(page.locator("h1", has_text="ความร่วมมือข้ามแดน")).to_be_visible(timeout=2 * RUN_TIMEOUT_MS)
    wait_idle(page, 2 * RUN_TIMEOUT_MS)               # the first run after signing in (caches cold on a busy machine)
    assert_no_exception(page, "after signing in at /cooperation")
    assert page.locator('[data-testid="stExpander"] summary', has_text="บันทึกกิจกรรมใหม่").count() == 0  # no form
    screenshot(page, "coop_governor_th.png")
