"""The user guide's tasks, done in Debian's Chromium by each role in Thai and in English (docs/guide/).

Each test walks one role's tasks as the guide describes them and asserts that they work (the officer enters a
report and finds it in the queue by its reference number, the governor downloads a PDF, ...). Every task takes a
screenshot: into artifacts/screenshots/guide-<role>-<task>-<lang>.png as the other browser tests do, and, when
NTSWATCH_GUIDE_SHOTS=1 (`make guide`), also a small palette PNG into docs/guide/img/<role>-<task>-<lang>.png, the
guide's pictures, so they cannot drift from the product. Labels come from the locales (`t`), so a renamed label
changes the test and the guide's pictures together.

One server for the module (the roles' tasks do not get in each other's way); the citizen at a phone's size
(390x844), everyone else at 1440x900.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
from pathlib import Path

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, SCREENSHOTS, app_db, app_users,  # noqa: F401
                             assert_no_exception, browser, choose, screenshot, sign_in, streamlit_server, wait_idle)

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from ntswatch_geo.config import PROJECT_ROOT  # noqa: E402
from ntswatch_geo.i18n import fmt_date_long, label, t  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)

GUIDE_IMG = PROJECT_ROOT / "docs" / "guide" / "img"
GUIDE_SHOTS = os.environ.get("NTSWATCH_GUIDE_SHOTS") == "1"
MAX_PNG_BYTES = 150_000
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
MAP = '[data-testid="stDeckGlJsonChart"]'
LANGS = ["th", "en"]
OFFICER_DISTRICT = "2706"            # Aranyaprathet, Sa Kaeo: the test officer's district (browser_support)


# -- screenshots ---------------------------------------------------------------------------------------------

def small_png(raw: bytes, width: int) -> bytes:
    """A screenshot made small for the repository: at most `width` pixels wide, palette-quantised, < 150 KB."""
    from PIL import Image

    img = Image.open(io.BytesIO(raw)).convert("RGB")
    out = b""
    for w, colours in ((width, 128), (width, 64), (int(width * 0.85), 64), (int(width * 0.7), 48)):
        im = img if img.width <= w else img.resize((w, round(img.height * w / img.width)), Image.LANCZOS)
        buf = io.BytesIO()
        im.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buf, format="PNG", optimize=True)
        out = buf.getvalue()
        if len(out) < MAX_PNG_BYTES:
            break
    return out


def shot(page, role: str, task: str, lang: str, full: bool = False) -> Path:
    """The task's picture: the viewport (or the whole page); into docs/guide/img/ too under `make guide`."""
    name = f"{role}-{task}-{lang}.png"
    if full:
        path = screenshot(page, f"guide-{name}")
    else:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"guide-{name}"
        page.screenshot(path=str(path))
    if GUIDE_SHOTS:
        GUIDE_IMG.mkdir(parents=True, exist_ok=True)
        phone = (page.viewport_size or DESKTOP)["width"] < 600
        (GUIDE_IMG / name).write_bytes(small_png(path.read_bytes(), 390 if phone else 1100))
    return path


# -- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def db(app_db, tmp_path_factory):  # noqa: F811
    """The browser database, plus four public reports from one connection in the officer's district: the guard
    holds the fourth as suspected spam, so the queue's held tab has something to show."""
    from ntswatch_geo.db import connect
    from ntswatch_geo.reports import guard as gd
    from ntswatch_geo.reports.submit import submit_report

    path = tmp_path_factory.mktemp("guide_browser") / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    con = connect(path)
    try:
        guard = gd.IntakeGuard()
        for i, what in enumerate(["รถตู้ขนแรงงาน", "เรือขนบุหรี่", "รถกระบะขนสุรา", "มอเตอร์ไซค์ขนยา"]):
            submit_report(con, {"category": "smuggling", "occurred_date": f"{20 + i}/11/2569", "province": "27",
                                "district": OFFICER_DISTRICT, "description": f"{what} ผ่านช่องทางธรรมชาติ จุดที่ {i + 1}",
                                "intake_method": "web"},
                          channel="online", actor="public", client="198.51.100.23", guard=guard)
        held = con.execute("SELECT count(*) FROM reports WHERE status = 'suspected_spam' AND district_code = ?",
                           [OFFICER_DISTRICT]).fetchone()[0]
        assert held >= 1, "the guard held none of four reports from one connection"
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def server(db, app_users):  # noqa: F811
    # no file watcher: an edit elsewhere in the working tree must not put "File change · Rerun" on the pictures
    # (nor keep Streamlit's status widget up, which wait_idle waits on)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none")
        mp.setenv("STREAMLIT_SERVER_RUN_ON_SAVE", "false")
        with streamlit_server(db, app_users) as base:
            yield base


@pytest.fixture(scope="module")
def places(geo_db_template):
    """Sa Kaeo and Aranyaprathet in Thai and English, as the forms list them."""
    import duckdb

    con = duckdb.connect(str(geo_db_template), read_only=True)
    try:
        prov = con.execute("SELECT name_th, name_en FROM provinces WHERE code = '27'").fetchone()
        dist = con.execute("SELECT name_th, name_en FROM districts WHERE code = ?", [OFFICER_DISTRICT]).fetchone()
    finally:
        con.close()
    return {"th": {"province": prov[0], "district": dist[0]}, "en": {"province": prov[1], "district": dist[1]}}


def failed_shot(page) -> None:
    """The page as it was when a step failed: artifacts/screenshots/guide-failed-<time>.png."""
    with contextlib.suppress(Exception):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"guide-failed-{dt.datetime.now():%H%M%S}.png"), full_page=True)


@contextlib.contextmanager
def guide_page(browser, lang: str, viewport=DESKTOP):
    """A fresh browser context in the user's language and time zone; a step that fails leaves its picture."""
    context = browser.new_context(viewport=viewport, locale="th-TH" if lang == "th" else "en-GB",
                                  timezone_id="Asia/Bangkok", accept_downloads=True,
                                  is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    except BaseException:
        failed_shot(page)
        raise
    finally:
        context.close()


# -- steps ---------------------------------------------------------------------------------------------------

def login_as(page, server: str, role: str, lang: str) -> None:
    labels = {"username": t("login.username", lang), "password": t("login.password", lang),
              "submit": t("login.submit", lang)}
    sign_in(page, server, ACCOUNTS[role], labels, query=f"?lang={lang}")
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()     # signed in: the Overview
    wait_idle(page)


def go(page, nav_key: str, lang: str, heading: str | None = None) -> None:
    """Open a page from the sidebar (a click keeps the session) and wait for its title."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=t(nav_key, lang)).first.click()
    expect(page.locator("h1", has_text=heading or t(nav_key, lang)).first).to_be_visible()
    wait_idle(page)


def type_into(page, field_label: str, text: str) -> None:
    field = page.get_by_label(field_label, exact=True)
    field.fill(text)
    field.press("Enter")
    wait_idle(page)


def fill_area(page, field_label: str, text: str) -> None:
    area = page.get_by_label(field_label, exact=True)
    area.fill(text)
    area.press("Control+Enter")
    wait_idle(page)


def tick(page, checkbox_label: str) -> None:
    page.locator('[data-testid="stCheckbox"]', has_text=checkbox_label).first.locator("label").click()
    wait_idle(page)


def ref_in(locator) -> str:
    found = re.search(r"NTS-\d{4}-\d+", locator.inner_text())
    assert found, locator.inner_text()
    return found.group(0)


def success(page):
    return page.locator('[data-testid="stMain"] [data-testid="stAlertContentSuccess"]').first


def segment(page, text: str) -> None:
    """Press the option `text` of a segmented control (the queue's status tabs)."""
    page.locator('[data-testid="stButtonGroup"]').get_by_text(text, exact=True).first.click()
    wait_idle(page)


def download(page, button_name: str | re.Pattern) -> bytes:
    with page.expect_download() as dl:
        page.get_by_role("button", name=button_name).first.click()
    return Path(dl.value.path()).read_bytes()


def sidebar_box(page, box_label: str):
    """A sidebar multiselect by its label (exact: "อำเภอ" is part of other labels)."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(box_label, exact=True))


def chosen(page, box_label: str, lang: str) -> list[str]:
    """The options chosen in a sidebar multiselect: its lines under the label, without the "All" placeholder."""
    lines = [x.strip() for x in sidebar_box(page, box_label).first.inner_text().splitlines() if x.strip()]
    return [x for x in lines[1:] if x != t("filters.all", lang)]


def click_map_until(page, done, tip_word: str, map_index: int = 0) -> None:
    """Click the map where deck.gl's tooltip shows `tip_word` (a unit of the clickable layer is under the
    pointer, whatever the map's framing) until `done()` holds: the clicks a user makes, without knowing the
    view's coordinates."""
    canvas = page.locator(f"{MAP} canvas").nth(map_index)
    canvas.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(1500)                                   # deck.gl draws its layers
    tip = page.locator(".deck-tooltip")
    steps = [i / 20 for i in range(1, 20)]
    grid = sorted(((fx, fy) for fx in steps for fy in steps), key=lambda p: (p[0] - 0.5) ** 2 + (p[1] - 0.5) ** 2)
    view_h = (page.viewport_size or DESKTOP)["height"]
    clicks = 0
    for fx, fy in grid:
        box = canvas.bounding_box()
        x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
        if not 0 < y < view_h:
            continue
        page.mouse.move(x, y)
        page.wait_for_timeout(120)
        text = tip.first.inner_text() if tip.count() and tip.first.is_visible() else ""
        if tip_word not in text:
            continue
        page.mouse.click(x, y)
        wait_idle(page)
        page.wait_for_timeout(500)
        wait_idle(page)
        if done():
            return
        clicks += 1
        if clicks >= 6:
            break
        canvas.evaluate("e => e.scrollIntoView({block: 'center'})")
    raise AssertionError(f"no click on the map (where the tooltip showed {tip_word!r}) changed the page")


# -- the citizen (public report form, status lookup) ----------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_citizen_reports_on_a_phone_and_looks_up_the_status(browser, server, places, lang):  # noqa: F811
    with guide_page(browser, lang, PHONE) as page:
        page.goto(f"{server}/?lang={lang}", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name=t("form.public_title", lang))).to_be_visible()
        wait_idle(page)
        expect(page.locator('[data-testid="stAlertContentInfo"]').first).to_contain_text("191")
        category = "drug_trafficking" if lang == "th" else "smuggling"     # the two reports are not duplicates
        choose(page, t("form.category", lang), label("category", category, lang))
        type_into(page, t("form.date", lang), "15/11/2569")        # as Thais write it: Buddhist-era year
        expect(page.get_by_text(t("form.date_read_as", lang, date=fmt_date_long(dt.date(2026, 11, 15), lang)))
               ).to_be_visible()
        choose(page, t("form.province", lang), places[lang]["province"])
        choose(page, t("form.district", lang), places[lang]["district"])
        fill_area(page, t("form.description", lang), "เห็นรถกระบะขนของข้ามช่องทางธรรมชาติตอนตีสอง" if lang == "th"
                  else "A pickup carried goods across the natural crossing at 2 a.m.")
        assert_no_exception(page, "the public form")
        shot(page, "citizen", "form", lang, full=True)

        page.get_by_role("button", name=t("form.submit", lang), exact=True).click()
        wait_idle(page)
        expect(success(page)).to_contain_text(t("form.thanks", lang, ref="§").split("§")[0].strip()[:20])
        ref = ref_in(success(page))
        shot(page, "citizen", "receipt", lang)

        page.get_by_text(t("form.status_link", lang)).click()       # the link under the receipt
        expect(page.get_by_role("heading", name=t("status_page.title", lang))).to_be_visible()
        wait_idle(page)
        type_into(page, t("status_page.ref", lang), ref)
        page.get_by_role("button", name=t("status_page.check", lang)).click()
        wait_idle(page)
        expect(success(page)).to_contain_text(t("status_page.state_received", lang))
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert places[lang]["district"] not in main                 # nothing but the date and the stage
        assert_no_exception(page, "the status page")
        shot(page, "citizen", "status", lang)


# -- the district officer (office form, queue: search, decide, redact, held; import) ------------------------

IMPORT_CSV = """วันที่เกิดเหตุ,ประเภทเหตุ,อำเภอ,จังหวัด,สถานที่,รายละเอียด
{d1}/11/2569,ยาบ้า,อรัญประเทศ,สระแก้ว,บ้านคลองลึก,พบการส่งยาบ้าข้ามแดน ({lang} 1)
{d2}/11/2569,สุรา,อรัญฯ,สระแก้ว,ตลาดโรงเกลือ,ลักลอบขนสุราเถื่อน ({lang} 2)
30/02/2569,ยาบ้า,อรัญประเทศ,สระแก้ว,,วันที่ไม่มีจริง ({lang} 3)
"""


@pytest.mark.parametrize("lang", LANGS)
def test_district_officer_enters_finds_decides_redacts_and_imports(browser, server, tmp_path, lang):  # noqa: F811
    words = f"รถตู้ทะเบียนต่างประเทศรับคนข้ามแดน guide-{lang}"
    with guide_page(browser, lang) as page:
        login_as(page, server, "district_officer", lang)

        # the office form: the officer's own district is fixed; how it came in; the informant's contact, with consent
        go(page, "nav.office", lang, t("form.office_title", lang))
        choose(page, t("form.category", lang), label("category", "human_trafficking", lang))
        type_into(page, t("form.date", lang), "28/11/2569" if lang == "th" else "27/11/2569")   # not a duplicate
        choose(page, t("form.intake", lang), t("intake.phone", lang))
        fill_area(page, t("form.description", lang), words)
        type_into(page, t("form.contact_name", lang), "นายสมชาย ใจดี")
        type_into(page, t("form.contact_phone", lang), "0812345678")
        tick(page, t("form.consent", lang))
        assert_no_exception(page, "the office form")
        shot(page, "officer", "office-form", lang, full=True)
        page.get_by_role("button", name=t("form.submit", lang), exact=True).click()
        wait_idle(page)
        ref = ref_in(success(page))

        # the queue: the report just entered is one search away
        go(page, "nav.queue", lang, t("queue.title", lang))
        main = page.locator('[data-testid="stMain"]')
        type_into(page, t("queue.search_ref", lang), ref)
        expect(main.get_by_role("heading", name=ref)).to_be_visible()
        expect(main.locator('[data-testid="stText"]', has_text=words)).to_be_visible()
        assert_no_exception(page, "the queue search")
        shot(page, "officer", "queue-search", lang)

        # decide: verify it
        page.get_by_role("button", name=t("queue.verify", lang), exact=True).click()
        wait_idle(page)
        expect(success(page)).to_contain_text(t("queue.done", lang, ref=ref, status=label("status", "verified", lang)))
        shot(page, "officer", "queue-decide", lang)

        # redact the informant's personal data, with a reason (the report is now under "verified")
        segment(page, label("status", "verified", lang))
        expect(main.get_by_role("heading", name=ref)).to_be_visible()
        expect(main.get_by_text(t("queue.contact", lang, name="นายสมชาย ใจดี", phone="0812345678"))).to_be_visible()
        main.get_by_text(t("privacy.redact_title", lang)).click()
        type_into(page, t("privacy.reason", lang), "ผู้แจ้งขอให้ลบข้อมูล" if lang == "th" else "The informant asked")
        main.get_by_text(t("privacy.redact_title", lang)).scroll_into_view_if_needed()
        shot(page, "officer", "queue-redact", lang)
        page.get_by_role("button", name=t("privacy.redact", lang), exact=True).click()
        wait_idle(page)
        expect(success(page)).to_contain_text(f"{ref}:")
        expect(main.get_by_text(t("queue.contact", lang, name="นายสมชาย ใจดี", phone="0812345678"))).to_have_count(0)

        # the held tab: what the public form's guard held
        page.get_by_role("button", name=t("queue.search_clear", lang)).click()
        wait_idle(page)
        segment(page, label("status", "suspected_spam", lang))
        expect(main.get_by_text(t("queue.held_help", lang)[:40])).to_be_visible()
        expect(page.get_by_role("button", name=t("queue.release", lang))).to_be_visible()
        expect(page.get_by_role("button", name=t("queue.confirm_spam", lang))).to_be_visible()
        assert_no_exception(page, "the held tab")
        shot(page, "officer", "queue-held", lang)

        # import a district spreadsheet: two rows in, one refused with the reason
        csv = tmp_path / f"district_sheet_{lang}.csv"
        days = (25, 26) if lang == "th" else (27, 29)   # no other drug or smuggling report on these days
        csv.write_text(IMPORT_CSV.format(d1=days[0], d2=days[1], lang=lang), encoding="utf-8")
        go(page, "nav.data", lang, t("data.title", lang))
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
        page.get_by_role("button", name=t("data.import_button", lang), exact=True).click()
        wait_idle(page)
        metrics = {m.locator('[data-testid="stMetricLabel"]').inner_text().strip():
                   m.locator('[data-testid="stMetricValue"]').inner_text().strip()
                   for m in page.locator('[data-testid="stMetric"]').all()}
        assert metrics.get(t("data.rows_in", lang)) == "3", metrics
        assert metrics.get(t("data.imported", lang)) == "2", metrics
        assert metrics.get(t("data.quarantined", lang)) == "1", metrics
        expect(page.get_by_role("button", name=t("data.rejects_download", lang))).to_be_visible()
        assert_no_exception(page, "the import")
        shot(page, "officer", "import", lang)


# -- the analyst (overview, map click and filters, hotspots, trends, export) --------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_analyst_reads_the_overview_clicks_the_maps_and_exports(browser, server, lang):  # noqa: F811
    with guide_page(browser, lang) as page:
        login_as(page, server, "analyst", lang)
        expect(page.locator("h1", has_text=t("overview.title", lang))).to_be_visible()
        assert_no_exception(page, "the Overview")
        shot(page, "analyst", "overview", lang)

        # a click on a district filters every figure to it: the sidebar's district box and the link change
        sidebar = page.locator('[data-testid="stSidebar"]')
        click_map_until(page, lambda: "dist=" in page.url, f"{t('map.tip_per_100km2', lang)}:")
        wait_idle(page)
        assert len(chosen(page, t("filters.districts", lang), lang)) == 1
        sidebar_box(page, t("filters.districts", lang)).first.scroll_into_view_if_needed()   # in the picture
        assert_no_exception(page, "the Overview after a map click")
        shot(page, "analyst", "map-click", lang)

        # a category filter; then the reset button takes every filter back
        sidebar_box(page, t("filters.categories", lang)).locator("input").click()
        page.get_by_role("option", name=label("category", "drug_trafficking", lang), exact=True).click()
        page.keyboard.press("Escape")
        wait_idle(page)
        expect(page).to_have_url(re.compile(r"[?&]cat=drug_trafficking"))
        shot(page, "analyst", "filters", lang)
        page.locator("h1").first.click()          # the category list closed before the next click
        wait_idle(page)
        sidebar.get_by_role("button", name=t("filters.reset", lang)).click()
        # the reset's effect, not a glimpse of the running state (a quick run can start and end between polls)
        expect(page).not_to_have_url(re.compile(r"[?&](cat|dist)="), timeout=RUN_TIMEOUT_MS)
        wait_idle(page)
        for _ in range(40):                      # the rerun may still be painting the sidebar
            if not chosen(page, t("filters.districts", lang), lang):
                break
            page.wait_for_timeout(500)
        left_over = chosen(page, t("filters.districts", lang), lang), "cat=" in page.url or "dist=" in page.url
        if left_over[0]:      # checked at the end, so the other tasks still run (and take their pictures)
            for label_key in ("filters.districts", "filters.categories"):
                box = sidebar_box(page, t(label_key, lang)).first
                for _ in range(len(chosen(page, t(label_key, lang), lang))):   # remove each chip, as a user can
                    box.locator("input").click()
                    page.keyboard.press("Backspace")
                    page.keyboard.press("Escape")
                    wait_idle(page)

        # hotspots: Gi* by border district by default; a click on a unit fills the panel with its evidence
        go(page, "nav.hotspots", lang)
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_text(t("hotspots.panel_help", lang)[:30]).first).to_be_visible()
        evidence = main.get_by_text(f"{t('hotspots.evidence', lang)}:").first
        click_map_until(page, lambda: evidence.is_visible(), f"{t('hotspots.tip_reports', lang)}:")
        assert_no_exception(page, "the Hotspots page")
        shot(page, "analyst", "hotspots", lang)

        go(page, "nav.trends", lang)
        expect(main.get_by_text(t("trends.change", lang)).first).to_be_visible()
        assert_no_exception(page, "the Trends page")
        shot(page, "analyst", "trends", lang)

        # export the filtered reports (rows, CSV)
        go(page, "nav.data", lang, t("data.title", lang))
        page.get_by_role("button", name=t("data.prepare", lang)).click()
        wait_idle(page)
        body = download(page, re.compile(re.escape(t("data.download", lang, fmt="CSV", size="§")).replace("§", ".*")))
        lines = body.decode("utf-8-sig").splitlines()
        assert len(lines) > 100 and "ref_no" in lines[0], lines[:2]                  # a row per report
        assert "contact_phone" not in lines[0] and not any("0812345678" in x for x in lines)   # no contacts
        assert_no_exception(page, "the export")
        shot(page, "analyst", "export", lang)
        assert left_over == ([], False), f"Reset filters left the map's district (and the link) as they were: {left_over}"


# -- the governor (briefing: period, PDF) ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_governor_reads_the_province_briefing_and_downloads_the_pdf(browser, server, places, lang):  # noqa: F811
    with guide_page(browser, lang) as page:
        login_as(page, server, "governor", lang)
        go(page, "nav.briefing", lang, t("briefing.title", lang))
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_text(t("briefing.own_province", lang, province=places[lang]["province"]))).to_be_visible()
        # the period: a kind (month, calendar quarter, fiscal year, fiscal quarter), then one of its periods
        segment(page, t("briefing.kind_month", lang))
        expect(page.get_by_label(t("briefing.period", lang), exact=True)).to_be_visible()
        expect(main.locator('[data-testid="stMetric"]').first).to_be_visible()
        segment(page, t("briefing.kind_fiscal_quarter", lang))
        expect(main.locator('[data-testid="stMetric"]').first).to_be_visible()
        assert_no_exception(page, "the briefing")
        shot(page, "governor", "briefing", lang)

        button = page.get_by_role("button", name=t("briefing.download", lang)).first
        button.scroll_into_view_if_needed()
        pdf = download(page, t("briefing.download", lang))
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        assert_no_exception(page, "the briefing PDF")
        shot(page, "governor", "pdf", lang)


# -- the planner (model sites: weights, shortlist, downloads) ------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_planner_weighs_the_criteria_and_downloads_the_shortlist(browser, server, lang):  # noqa: F811
    with guide_page(browser, lang) as page:
        login_as(page, server, "planner", lang)
        go(page, "nav.sites", lang, t("sites.title", lang))
        # the preset box by its role: in Thai the weight sliders carry the same label (น้ำหนัก)
        box = page.get_by_role("combobox", name=t("sites.preset", lang), exact=True)
        box.click()
        page.get_by_role("option", name=t("sites.preset_greatest_need", lang), exact=True).click()
        wait_idle(page)
        main = page.locator('[data-testid="stMain"]')
        expect(main.locator('[data-testid="stDataFrame"]').first).to_be_visible()
        expect(main.get_by_text(t("sites.robust_help", lang, k=5, method="§").split("§")[0][:40])).to_be_visible()
        assert_no_exception(page, "Model sites")
        shot(page, "planner", "weights", lang)

        main.get_by_text(t("sites.explain", lang)).first.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        shot(page, "planner", "shortlist", lang)

        page.get_by_role("button", name=t("sites.download_csv", lang)).first.scroll_into_view_if_needed()
        body = download(page, t("sites.download_csv", lang))
        lines = body.decode("utf-8-sig").splitlines()
        assert len(lines) > 10, lines[:3]
        assert_no_exception(page, "the Model sites downloads")
        shot(page, "planner", "downloads", lang)


# -- the admin (users, audit trail, retention) ----------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_admin_reads_the_accounts_and_the_audit_trail(browser, server, lang):  # noqa: F811
    with guide_page(browser, lang) as page:
        login_as(page, server, "admin", lang)
        go(page, "nav.admin_page", lang, t("admin.title", lang))
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_role("heading", name=t("admin.users", lang))).to_be_visible()
        retention = re.escape(t("admin.retention_ran", lang, date="§")).replace("§", ".+")
        expect(main.get_by_text(re.compile(retention))).to_be_visible()       # retention ran today, by itself
        assert_no_exception(page, "the admin page")
        shot(page, "admin", "users", lang, full=True)

        go(page, "audit.nav", lang, t("audit.title", lang))
        count = re.escape(t("audit.count", lang, n="§")).replace("§", r"[\d,]+")
        expect(main.get_by_text(re.compile(count))).to_be_visible()
        body = download(page, t("audit.download", lang))
        assert "sign_in" in body.decode("utf-8-sig")                          # the sign-ins are in the trail
        assert_no_exception(page, "the audit trail")
        shot(page, "admin", "audit", lang)
