"""The public form's guard in Chromium, seen from a real client address (the server listens on this machine's
non-loopback address, as it does for visitors): a citizen who sends too fast is told in Thai to wait and that
emergencies go to 191 / 1300, keeps what was typed, and the officer finds the held reports and releases one."""
from __future__ import annotations

import contextlib
import re
import shutil

import pytest
from playwright.sync_api import expect

from browser_support import (ACCOUNTS, RUN_TIMEOUT_MS, app_db, app_users, browser, assert_no_exception,  # noqa: F401
                             choose, launch_chromium, outside_address, screenshot, sign_in, streamlit_server, wait_idle)
from ntswatch_geo.db import connect

pytestmark = pytest.mark.browser
ADDRESS = outside_address()


@pytest.fixture(scope="module")
def db(app_db, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("guard_browser") / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    return path


@contextlib.contextmanager
def guarded_server(db, users):
    """The dashboard on this machine's outside address with small limits (hold after 1, refuse after 2)."""
    if ADDRESS is None:
        pytest.skip("this machine has no non-loopback address: the server would see every visitor as localhost")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NTSWATCH_RATE_HOLD", "1 per 10 minutes")
        mp.setenv("NTSWATCH_RATE_REFUSE", "2 per 10 minutes")
        mp.setenv("NTSWATCH_CLIENT_KEY", "browser-test")
        with streamlit_server(db, users, address=ADDRESS) as base:
            yield base


def new_page(browser, locale="th-TH"):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context, context.new_page()


def fill_report(page, text: str, day: str) -> None:
    choose(page, "เหตุที่เกิดขึ้น (ประเภท)", "การค้ามนุษย์")
    page.get_by_label("วันที่เกิดเหตุ", exact=True).fill(day)
    page.get_by_label("วันที่เกิดเหตุ", exact=True).press("Enter")
    wait_idle(page)
    choose(page, "จังหวัด", "สระแก้ว")
    choose(page, "อำเภอ", "อรัญประเทศ")
    page.get_by_label("รายละเอียดเหตุการณ์", exact=True).fill(text)
    page.get_by_label("รายละเอียดเหตุการณ์", exact=True).press("Control+Enter")
    wait_idle(page)
    page.get_by_role("button", name="ส่งเรื่อง").click()
    wait_idle(page)


def rows(db, sql, params=()):
    con = connect(db, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_a_citizen_sending_too_fast_is_told_to_wait_in_thai_and_the_officer_releases_the_held_report(
        browser, db, app_users):  # noqa: F811
    texts = ["นายหน้าพาแรงงานข้ามแดนที่ช่องทางธรรมชาติตอนตีสอง", "มีรถตู้รับคนต่างด้าวหน้าตลาดโรงเกลือทุกเช้า",
             "หญิงสาวถูกพาไปทำงานในบ่อนฝั่งปอยเปต ถูกยึดบัตร"]
    with guarded_server(db, app_users) as server:
        context, page = new_page(browser)
        try:
            page.goto(server + "/", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="แจ้งเหตุ")).to_be_visible()
            wait_idle(page)
            refs = []
            for i, text in enumerate(texts[:2]):
                fill_report(page, text, f"{10 + i}/10/2569")
                ok = page.locator('[data-testid="stAlertContentSuccess"]')
                expect(ok).to_contain_text("เลขที่อ้างอิง")       # held or not, the citizen gets a reference
                refs.append(re.search(r"NTS-\d{4}-\d+", ok.inner_text()).group(0))
                page.get_by_role("button", name="แจ้งเหตุเรื่องอื่น").click()
                wait_idle(page)
            fill_report(page, texts[2], "12/10/2569")
            error = page.locator('[data-testid="stAlertContentError"]').first
            expect(error).to_contain_text("ถี่เกินไป")
            expect(error).to_contain_text("191")
            expect(error).to_contain_text("1300")
            expect(page.get_by_label("รายละเอียดเหตุการณ์", exact=True)).to_have_value(texts[2])   # nothing lost
            screenshot(page, "guard_throttled_th.png")
            assert_no_exception(page, "throttled report form")
        finally:
            context.close()
        # the officer of Aranyaprathet finds both held (the client crossed the refuse limit) and releases one
        context, page = new_page(browser)
        try:
            sign_in(page, server, ACCOUNTS["district_officer"])
            wait_idle(page)
            page.locator('[data-testid="stSidebarNav"] a', has_text="คิวตรวจสอบ").click()
            wait_idle(page)
            page.get_by_text("พักไว้: สงสัยว่าเป็นสแปม", exact=True).click()
            wait_idle(page)
            expect(page.get_by_text("ไม่นับในสถิติใด", exact=False).first).to_be_visible()
            expect(page.get_by_text("พักไว้เพราะ", exact=False).first).to_be_visible()
            expect(page.get_by_text("2 เรื่อง", exact=False).first).to_be_visible()
            screenshot(page, "guard_queue_held_th.png")
            page.get_by_role("button", name="ปล่อย: เป็นรายงานจริง").click()
            wait_idle(page)
            expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text(refs[0])
            assert_no_exception(page, "queue release")
        finally:
            context.close()
    stored = rows(db, "SELECT ref_no, description, status, spam_reason, client_hash FROM reports "
                      "WHERE NOT is_synthetic AND channel = 'online' ORDER BY id")
    assert [r[:2] for r in stored] == list(zip(refs, texts[:2]))          # the third was refused, not stored
    assert [r[2] for r in stored] == ["new", "suspected_spam"]              # the first released, the second held
    assert {r[3] for r in stored} <= {"client_flood", "client_rate"}
    assert len({r[4] for r in stored}) == 1 and ADDRESS not in stored[0][4]
    trail = rows(db, "SELECT a.action, a.actor FROM audit_events a JOIN reports r ON r.id = a.report_id "
                     "WHERE r.ref_no = ? ORDER BY a.id", [refs[0]])
    assert trail[-1] == ("release", ACCOUNTS["district_officer"].username)
