"""A citizen, an officer and an importing clerk each do their job in Debian's Chromium."""
from __future__ import annotations

import re
import shutil

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, app_db, app_users, browser, assert_no_exception,  # noqa: F401
                             choose, launch_chromium, screenshot, sign_in, streamlit_server, wait_idle)

if not CHROMIUM.exists():
    import os

    if not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from ntswatch_geo.db import connect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
CSV = ("วันที่เกิดเหตุ,อำเภอ,จังหวัด,ประเภท,รายละเอียด\n"
       "15/10/2569,อ.อรัญประเทศ,จ.สระแก้ว,ค้ามนุษย์,พาแรงงานข้ามแดน\n"
       "๑๖/๑๐/๒๕๖๙,Aranyaprathet,Sa Kaeo,ยาบ้า,ยาบ้า 500 เม็ด\n"
       "30/02/2569,อรัญประเทศ,สระแก้ว,ยาบ้า,วันที่ไม่มีจริง\n")


@pytest.fixture(scope="module")
def db(app_db, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("intake_browser") / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    return path


@pytest.fixture(scope="module")
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


def db_row(db, sql, params=()):
    con = connect(db, read_only=False)
    try:
        return con.execute(sql, list(params)).fetchone()
    finally:
        con.close()


def test_a_citizen_reports_an_incident_and_gets_a_reference_number(page, server):
    page.goto(server + "/", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="แจ้งเหตุ")).to_be_visible()
    wait_idle(page)
    choose(page, "เหตุที่เกิดขึ้น (ประเภท)", "การลักลอบค้า/ขนยาเสพติด")
    # the date is typed as Thai people write it (Buddhist-era year); Enter commits the field
    page.get_by_label("วันที่เกิดเหตุ", exact=True).fill("20/11/2569")
    page.get_by_label("วันที่เกิดเหตุ", exact=True).press("Enter")
    wait_idle(page)
    choose(page, "จังหวัด", "หนองคาย")
    choose(page, "อำเภอ", "เมืองหนองคาย")
    page.get_by_label("รายละเอียดเหตุการณ์", exact=True).fill("พบการขนยาบ้าข้ามแม่น้ำโขง <script>alert(1)</script>")
    page.get_by_label("รายละเอียดเหตุการณ์", exact=True).press("Control+Enter")
    wait_idle(page)
    page.get_by_role("button", name="ส่งเรื่อง").click()
    wait_idle(page)
    ok = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(ok).to_contain_text("เลขที่อ้างอิง")
    screenshot(page, "report_form_submitted_th.png")
    assert_no_exception(page, "report form")
    ref = re.search(r"NTS-\d{4}-\d+", ok.inner_text()).group(0)
    assert page.locator("script", has_text="alert(1)").count() == 0
    assert ref


def test_an_officer_verifies_the_oldest_report_in_the_queue(page, server):
    sign_in(page, server, ACCOUNTS["district_officer"])
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    page.locator('[data-testid="stSidebarNav"] a', has_text="คิวตรวจสอบ").click()
    expect(page.get_by_role("heading", name="คิวตรวจสอบ")).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="ยืนยัน", exact=True).click()
    wait_idle(page)
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("ตรวจสอบแล้ว")
    screenshot(page, "queue_after_verify_th.png")
    assert_no_exception(page, "verification queue")


def test_a_clerk_imports_a_thai_spreadsheet_and_sees_the_counts(page, server, tmp_path):
    csv = tmp_path / "district_sheet.csv"
    csv.write_text(CSV, encoding="utf-8")
    sign_in(page, server, ACCOUNTS["district_officer"])
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    page.locator('[data-testid="stSidebarNav"] a', has_text="นำเข้า/ส่งออกข้อมูล").click()
    expect(page.get_by_role("heading", name="นำเข้าไฟล์")).to_be_visible()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
    expect(page.get_by_role("button", name="นำเข้า", exact=True)).to_be_visible()
    page.get_by_role("button", name="นำเข้า", exact=True).click()
    wait_idle(page)
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.first).to_contain_text("3")
    text = " ".join(metrics.all_inner_texts())
    assert "นำเข้าแล้ว" in text and "ถูกกักไว้" in text
    screenshot(page, "import_summary_th.png")
    assert_no_exception(page, "import")
