"""Sessions in a real browser (Debian's Chromium through Playwright): a sign-in survives a reload and a new
tab on a link; a signed-out visitor who opens a link signs in and lands on that page with the link's filters;
signing out everywhere ends the other browser's session; after the idle timeout the next click signs out
with a message saying why. Screenshots (Thai and English) in artifacts/screenshots/."""
from __future__ import annotations

import os
import shutil
import urllib.parse

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, app_db, app_users, browser,  # noqa: F401
                             assert_no_exception, launch_chromium, screenshot, sign_in, streamlit_server, wait_idle)

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
VIEWPORT = {"width": 1440, "height": 1000}
EN = {"username": "Username", "password": "Password", "submit": "Sign in"}
COOKIE = "ntswatch_session"
IDLE_MINUTES = 0.4      # 24 s for the idle-timeout server (a loaded machine may take 10 s to draw a page)


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory):
    return tmp_path_factory.mktemp("secret") / "secret_key"


@pytest.fixture(scope="module")
def server(app_db, app_users, secret_file):  # noqa: F811
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NTSWATCH_SECRET_FILE", str(secret_file))
        mp.delenv("NTSWATCH_IDLE_MINUTES", raising=False)
        with streamlit_server(app_db, app_users) as base:
            yield base


def new_context(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="th-TH", timezone_id="Asia/Bangkok")
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context


def signed_in_as(page, account) -> None:
    """The sidebar's user box names the account (Thai or English)."""
    box = page.locator('[data-testid="stSidebar"]')
    expect(box.get_by_text(f"Test {account.role}", exact=False).first).to_be_visible()


def sign_in_form(page, labels: dict) -> None:
    page.get_by_label(labels["username"], exact=True).wait_for(timeout=RUN_TIMEOUT_MS)


def submit_sign_in(page, account, labels: dict) -> None:
    page.get_by_label(labels["username"], exact=True).fill(account.username)
    page.get_by_label(labels["password"], exact=True).fill(account.password)
    page.locator('[data-testid="stFormSubmitButton"] button', has_text=labels["submit"]).click()


def query_of(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def path_of(page) -> str:
    return urllib.parse.urlsplit(page.url).path


def chosen(page, label: str) -> list[str]:
    """The chosen options of a sidebar multiselect, by its label (the lines of the widget under the label,
    without the "All" placeholder)."""
    widget = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]', has_text=label).first
    lines = [t.strip() for t in widget.inner_text().splitlines() if t.strip()]
    return [t for t in lines[1:] if t not in ("All", "ทั้งหมด")]


def test_a_sign_in_survives_a_reload_and_a_new_tab_on_a_link(browser, server):
    account = ACCOUNTS["analyst"]
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, server, account)
        expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
        wait_idle(page)
        cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
        assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and cookie["expires"] > 0
        # on to the Hotspots page, then reload: still signed in, still there
        page.locator('[data-testid="stSidebarNav"] a', has_text="จุดร้อน").first.click()
        expect(page.locator("h1", has_text="จุดร้อน")).to_be_visible()
        wait_idle(page)
        page.reload(wait_until="domcontentloaded")
        expect(page.locator("h1", has_text="จุดร้อน")).to_be_visible()
        wait_idle(page)
        signed_in_as(page, account)
        assert path_of(page) == "/hotspots" and not page.get_by_label("ชื่อผู้ใช้", exact=True).count()
        assert_no_exception(page, "Hotspots after a reload")
        screenshot(page, "session-reload-hotspots-th.png")
        # a new tab on a shared link: signed in, on that page, with its filters
        tab = context.new_page()
        tab.goto(f"{server}/trends?cat=drug_trafficking&lang=en", wait_until="domcontentloaded")
        expect(tab.locator("h1", has_text="Trends")).to_be_visible()
        wait_idle(tab)
        signed_in_as(tab, account)
        assert chosen(tab, "Categories") == ["Drug trafficking"]
        assert query_of(tab)["cat"] == ["drug_trafficking"] and path_of(tab) == "/trends"
        assert_no_exception(tab, "Trends in a new tab")
        screenshot(tab, "session-new-tab-link-trends-en.png")
    finally:
        context.close()


def test_a_signed_out_visitor_on_a_link_signs_in_and_lands_on_the_linked_page(browser, server):
    account = ACCOUNTS["governor"]
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(f"{server}/hotspots?cat=drug_trafficking&lang=en", wait_until="domcontentloaded")
        sign_in_form(page, EN)
        wait_idle(page)
        expect(page.get_by_text("After signing in you return to the page of this link")).to_be_visible()
        assert not page.locator("h1", has_text="Hotspots").count()
        screenshot(page, "session-link-sign-in-en.png")
        submit_sign_in(page, account, EN)
        expect(page.locator("h1", has_text="Hotspots")).to_be_visible()
        wait_idle(page)
        signed_in_as(page, account)
        assert path_of(page) == "/hotspots" and query_of(page)["cat"] == ["drug_trafficking"]
        assert chosen(page, "Categories") == ["Drug trafficking"]
        assert_no_exception(page, "Hotspots after signing in from a link")
        screenshot(page, "session-link-landed-hotspots-en.png")
        # signing out clears the cookie: a reload is signed out
        page.locator('[data-testid="stSidebar"] button', has_text="Sign out").first.click()
        sign_in_form(page, EN)
        wait_idle(page)
        assert not [c for c in context.cookies() if c["name"] == COOKIE]
        page.reload(wait_until="domcontentloaded")
        sign_in_form(page, EN)
        wait_idle(page)
        assert not page.locator("h1", has_text="Hotspots").count()
    finally:
        context.close()


def test_sign_out_everywhere_ends_the_session_in_the_other_browser(browser, server):
    account = ACCOUNTS["planner"]
    first, second = new_context(browser), new_context(browser)
    try:
        a, b = first.new_page(), second.new_page()
        for page in (a, b):
            sign_in(page, server, account)
            expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
            wait_idle(page)
        a.locator('[data-testid="stSidebar"] button', has_text="ออกจากระบบทุกอุปกรณ์").first.click()
        sign_in_form(a, {"username": "ชื่อผู้ใช้"})
        b.locator('[data-testid="stSidebarNav"] a', has_text="แนวโน้ม").first.click()
        sign_in_form(b, {"username": "ชื่อผู้ใช้"})
        wait_idle(b)
        expect(b.get_by_text("ออกจากระบบแล้ว: เซสชันนี้ถูกปิด")).to_be_visible()
        assert path_of(b) == "/trends"
        screenshot(b, "session-signed-out-everywhere-th.png")
    finally:
        first.close()
        second.close()


def test_after_the_idle_timeout_the_next_click_signs_out_with_the_reason(browser, app_db, app_users,  # noqa: F811
                                                                          secret_file, tmp_path):
    db = tmp_path / "idle.duckdb"
    shutil.copy(app_db, db)           # a second server needs its own file (DuckDB: one writing process)
    account = ACCOUNTS["analyst"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NTSWATCH_SECRET_FILE", str(secret_file))
        mp.setenv("NTSWATCH_IDLE_MINUTES", str(IDLE_MINUTES))
        with streamlit_server(db, app_users) as base:
            context = new_context(browser)
            try:
                page = context.new_page()
                sign_in(page, base, account)
                expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
                wait_idle(page)
                page.locator('[data-testid="stSidebarNav"] a', has_text="แนวโน้ม").first.click()
                expect(page.locator("h1", has_text="แนวโน้ม")).to_be_visible()
                wait_idle(page)
                page.wait_for_timeout(IDLE_MINUTES * 60_000 + 3_000)
                page.locator('[data-testid="stSidebarNav"] a', has_text="จุดร้อน").first.click()
                sign_in_form(page, {"username": "ชื่อผู้ใช้"})
                wait_idle(page)
                message = page.get_by_text(f"ออกจากระบบแล้ว เนื่องจากไม่มีการใช้งานนาน {IDLE_MINUTES:g} นาที")
                expect(message).to_be_visible()
                assert not page.locator('[data-testid="stMetric"]').count()
                assert_no_exception(page, "the sign-in page after the idle timeout")
                screenshot(page, "session-idle-signed-out-th.png")
                # a reload does not bring the session back (it was revoked on the server)
                page.reload(wait_until="domcontentloaded")
                sign_in_form(page, {"username": "ชื่อผู้ใช้"})
                wait_idle(page)
                assert not page.locator("h1", has_text="จุดร้อน").count()
                # signing in again lands on the page that was asked for
                submit_sign_in(page, account, {"username": "ชื่อผู้ใช้", "password": "รหัสผ่าน",
                                               "submit": "เข้าสู่ระบบ"})
                expect(page.locator("h1", has_text="จุดร้อน")).to_be_visible()
                wait_idle(page)
                assert path_of(page) == "/hotspots"
            finally:
                context.close()
