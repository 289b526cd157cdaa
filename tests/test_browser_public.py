"""A citizen in Debian's Chromium: types the date as Thai people write it (15/11/2569), reads the emergency
notice, sends the report, then looks up its status by the reference number, without signing in.
Screenshots of the form and the status page in Thai and English go to artifacts/screenshots/."""
from __future__ import annotations

import re
import shutil

import pytest

from browser_support import (CHROMIUM, RUN_TIMEOUT_MS, app_db, app_users, browser, assert_no_exception,  # noqa: F401
                             choose, launch_chromium, screenshot, streamlit_server, wait_idle)

if not CHROMIUM.exists():
    import os

    if not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.i18n import fmt_date_long  # noqa: E402
from ntswatch_geo.reports.validate import bangkok_now  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)


@pytest.fixture
def db(app_db, tmp_path):  # noqa: F811
    path = tmp_path / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    return path


@pytest.fixture
def server(db, app_users):  # noqa: F811
    with streamlit_server(db, app_users) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="th-TH")
    context.set_default_timeout(RUN_TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    context.close()


def type_into(page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Enter")
    wait_idle(page)


def test_a_citizen_types_a_buddhist_era_date_sends_and_looks_up_the_status(page, db, app_users):  # noqa: F811
    with streamlit_server(db, app_users) as server:     # its own server: the stored date is read after it stops
        ref = citizen_reports_and_looks_up(page, server)
    con = connect(db, read_only=True)
    try:
        assert str(con.execute("SELECT occurred_date FROM reports WHERE ref_no = ?", [ref]).fetchone()[0]) \
            == "2026-11-15"
    finally:
        con.close()


def citizen_reports_and_looks_up(page, server) -> str:
    page.goto(server + "/", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="แจ้งเหตุ")).to_be_visible()
    wait_idle(page)
    notice = page.locator('[data-testid="stAlertContentInfo"]').first
    expect(notice).to_contain_text("ไม่ใช่สายด่วนเหตุฉุกเฉิน")
    expect(notice).to_contain_text("191")
    expect(notice).to_contain_text("1300")
    choose(page, "เหตุที่เกิดขึ้น (ประเภท)", "การลักลอบค้า/ขนยาเสพติด")
    type_into(page, "วันที่เกิดเหตุ", "15/11/2569")
    expect(page.get_by_text("อ่านได้ว่า: 15 พฤศจิกายน 2569")).to_be_visible()
    choose(page, "จังหวัด", "หนองคาย")
    choose(page, "อำเภอ", "เมืองหนองคาย")
    desc = page.get_by_label("รายละเอียดเหตุการณ์", exact=True)
    desc.fill("เห็นเรือขนของข้ามแม่น้ำโขงตอนตีสอง")
    desc.press("Control+Enter")
    wait_idle(page)
    screenshot(page, "public_form_th.png")
    page.get_by_role("button", name="ส่งเรื่อง").click()
    wait_idle(page)
    ok = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(ok).to_contain_text("เลขที่อ้างอิง")
    assert_no_exception(page, "public form")
    ref = re.search(r"NTS-\d{4}-\d+", ok.inner_text()).group(0)

    page.get_by_text("ติดตามสถานะของเรื่องนี้ภายหลัง").click()       # the link under the receipt
    expect(page.get_by_role("heading", name="ติดตามสถานะเรื่อง")).to_be_visible()
    wait_idle(page)
    type_into(page, "เลขที่อ้างอิง", ref)
    page.get_by_role("button", name="ตรวจสอบสถานะ").click()
    wait_idle(page)
    answer = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(answer).to_contain_text("ได้รับเรื่องแล้ว")
    expect(answer).to_contain_text(f"รับเรื่องเมื่อ {fmt_date_long(bangkok_now().date(), 'th')}")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "เรือขนของ" not in main and "หนองคาย" not in main
    assert_no_exception(page, "status page")
    screenshot(page, "status_page_th.png")
    return ref


def test_the_form_and_the_status_page_in_english(page, server):
    page.goto(server + "/?lang=en", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Report an incident")).to_be_visible()
    wait_idle(page)
    expect(page.locator('[data-testid="stAlertContentInfo"]').first).to_contain_text("not an emergency line")
    type_into(page, "Date it happened", "15/12/2569")          # two weeks ahead: refused, kept
    expect(page.locator('[data-testid="stAlertContentError"]').first).to_contain_text("is in the future")
    expect(page.get_by_label("Date it happened", exact=True)).to_have_value("15/12/2569")
    screenshot(page, "public_form_future_date_en.png")
    type_into(page, "Date it happened", "15 พ.ย. 2569")
    expect(page.get_by_text("Read as: 15 November 2026")).to_be_visible()
    screenshot(page, "public_form_en.png")
    page.goto(server + "/status?lang=en", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Report status")).to_be_visible()
    wait_idle(page)
    type_into(page, "Reference number", "NTS-2569-9999999")
    page.get_by_role("button", name="Check status").click()
    wait_idle(page)
    expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text("No report has the reference number")
    assert_no_exception(page, "English status page")
    screenshot(page, "status_page_en.png")
