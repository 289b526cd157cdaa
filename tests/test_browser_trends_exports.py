"""Trends, exports and the Model sites ranking in a real browser (Debian's Chromium through Playwright), in Thai
and in English: the analyst opens Trends on the defaults and reads trend results (not "too short"), sees the
prompt when the tests are narrowed to the sidebar's dates; downloads an XLSX from the Data page and reads it
back (labels, codes, the About sheet); the planner moves a weight slider on Model sites and sees the ranking
change without any file being made, then downloads the workbook once. The database is read after the server
stops; screenshots in artifacts/screenshots/."""
from __future__ import annotations

import json
import os
import re
import shutil
import time

import openpyxl
import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, app_db, app_users, assert_no_exception,  # noqa: F401
                             browser, choose, screenshot, sign_in, streamlit_server, wait_idle)
from ntswatch_geo.i18n import t

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)


@pytest.fixture(scope="module")
def db(app_db, tmp_path_factory):  # noqa: F811
    """A private copy of the browser database: the downloads below write audit entries."""
    path = tmp_path_factory.mktemp("trends_exports") / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    return path


@pytest.fixture(scope="module")
def server(db, app_users):  # noqa: F811
    with streamlit_server(db, app_users) as base:
        yield base


@pytest.fixture
def page(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="th-TH",
                                  timezone_id="Asia/Bangkok", accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    p = context.new_page()
    yield p
    context.close()


def open_page(page, server, account, nav_label: str, title: str) -> None:
    sign_in(page, server, account)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text=nav_label).first.click()
    expect(page.locator("h1", has_text=title)).to_be_visible()
    wait_idle(page)
    assert_no_exception(page, title)


def to_english(page, title: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    expect(page.locator("h1", has_text=title)).to_be_visible()
    wait_idle(page)
    assert_no_exception(page, f"the English {title}")


def grid(page, index: int):
    """Header and rows of the index-th dataframe, from the accessible table glide-data-grid keeps in the DOM."""
    g = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').nth(index)
    g.scroll_into_view_if_needed()
    expect(g.locator("tbody tr").first).to_be_attached()
    header = [h.strip() for h in g.locator("thead th").all_inner_texts()]
    rows = [[c.strip() for c in r.locator("td").all_inner_texts()] for r in g.locator("tbody tr").all()]
    return header, rows


def axis_ticks(chart) -> str:
    """The x-axis tick labels plotly drew (SVG text) on a chart."""
    chart.scroll_into_view_if_needed()
    expect(chart.locator(".xaxislayer-above text").first).to_be_attached()
    return " ".join(chart.locator(".xaxislayer-above text").evaluate_all("els => els.map(e => e.textContent)"))


def test_trends_on_the_defaults_show_trend_results_in_thai_and_the_prompt_on_the_sidebar_dates(page, server):
    open_page(page, server, ACCOUNTS["analyst"], t("nav.trends", "th"), t("trends.title", "th"))
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile(r"ทดสอบจาก 46 เดือนที่ครบเดือน ม\.ค\. 2566 – ต\.ค\. 2569"))).to_be_visible()
    header, rows = grid(page, 1)
    assert t("trends.col_trend", "th") in header and t("trends.col_test", "th") in header, header
    trend = [r[header.index(t("trends.col_trend", "th"))] for r in rows]
    assert trend and set(trend) <= {"เพิ่มขึ้น", "ลดลง", "ไม่มีแนวโน้ม"}, trend           # results, not too_short
    body = main.inner_text()
    assert "too_short" not in body and "no_pattern" not in body and "small_count" not in body
    # seasonality is drawn; month names on the small multiples are Thai with Buddhist-era years
    charts = main.locator('[data-testid="stPlotlyChart"]')
    expect(charts.nth(4)).to_be_attached()
    ticks = axis_ticks(charts.nth(1))
    assert re.search(r"(ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.) 25[67]\d", ticks), ticks
    screenshot(page, "trends_defaults_th.png")

    # narrowed to the sidebar's 365 days: how many months there are, how many are needed, and a way back
    main.get_by_text(t("trends.window_filter", "th"), exact=True).click()
    wait_idle(page)
    expect(main.get_by_text(re.compile(r"การแยกองค์ประกอบฤดูกาลต้องมีอย่างน้อย 24 เดือนที่ครบเดือน"))).to_be_visible()
    widen = main.get_by_role("button", name=t("trends.window_widen", "th"))
    expect(widen).to_be_visible()
    assert main.locator('[data-testid="stPlotlyChart"]').count() == 4        # no empty four-panel frame
    screenshot(page, "trends_sidebar_dates_th.png")
    widen.click()
    wait_idle(page)
    expect(main.get_by_text(re.compile(r"ทดสอบจาก 46 เดือน"))).to_be_visible()

    to_english(page, t("trends.title", "en"))
    header, rows = grid(page, 1)
    trend = [r[header.index("Trend")] for r in rows]
    assert set(trend) <= {"Increasing", "Decreasing", "No trend"}, trend
    ticks = axis_ticks(main.locator('[data-testid="stPlotlyChart"]').nth(1))
    assert re.search(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 202\d", ticks), ticks
    screenshot(page, "trends_defaults_en.png")


def test_an_xlsx_from_the_data_page_reads_back_with_labels_codes_and_an_about_sheet(page, server, tmp_path):
    open_page(page, server, ACCOUNTS["analyst"], t("nav.data", "th"), t("data.title", "th"))
    main = page.locator('[data-testid="stMain"]')
    choose(page, t("data.format", "th"), "XLSX")
    main.get_by_role("button", name=t("data.prepare", "th")).click()
    wait_idle(page)
    button = main.get_by_role("button", name=re.compile(r"ดาวน์โหลด XLSX"))
    expect(button).to_be_visible()
    screenshot(page, "data_export_xlsx_th.png")
    with page.expect_download() as dl:
        button.click()
    path = tmp_path / "export.xlsx"
    shutil.copy(dl.value.path(), path)
    assert_no_exception(page, "after the XLSX download")

    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["รายงาน", "เกี่ยวกับ"]
    values = list(wb["รายงาน"].iter_rows(values_only=True))
    header, rows = list(values[0]), values[1:]
    assert len(rows) > 1000
    for col in ("category", "status", "channel"):
        assert f"{col}_label" in header and f"{col}_code" in header and col not in header, header
    cat = [r[header.index("category_label")] for r in rows]
    code = [r[header.index("category_code")] for r in rows]
    assert dict(zip(code, cat))["drug_trafficking"] == "การลักลอบค้า/ขนยาเสพติด"
    about = {r[0]: r[1] for r in wb["เกี่ยวกับ"].iter_rows(min_row=2, values_only=True)}
    assert about["ช่วงวันที่ (วันที่เกิดเหตุ)"] == "1 พ.ย. 2568 – 31 ต.ค. 2569"          # the sidebar's dates
    assert about["ประเภท"] == "ทั้งหมด" and about["จำนวนแถว"] == f"{len(rows):,}"
    assert about["ข้อมูลสังเคราะห์"].startswith("ใช่:") and about["ส่งออกโดย"].startswith(ACCOUNTS["analyst"].username)


def test_moving_a_weight_slider_reranks_without_building_files_and_the_workbook_is_made_on_download(
        browser, app_db, app_users, tmp_path):  # noqa: F811
    db = tmp_path / "sites.duckdb"               # its own server: the audit trail is read once it has stopped
    shutil.copy(app_db, db)
    with streamlit_server(db, app_users) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="th-TH",
                                      timezone_id="Asia/Bangkok", accept_downloads=True)
        context.set_default_timeout(RUN_TIMEOUT_MS)
        page = context.new_page()
        try:
            open_page(page, base, ACCOUNTS["planner"], t("nav.sites", "th"), t("sites.title", "th"))
            main = page.locator('[data-testid="stMain"]')
            header, before = grid(page, 0)
            name = header.index(t("table.district", "th"))
            first_before = [r[name] for r in before[:5]]
            expect(main.get_by_text(re.compile("รายงานต่อกิโลเมตรของแนวชายแดนระหว่างประเทศมีน้ำหนักมากที่สุด"))).to_be_visible()
            screenshot(page, "sites_ranking_th.png")

            # the weight of reports per km of border (the first slider of "greatest need") down to 0
            slider = main.get_by_role("slider").first
            slider.focus()
            started = time.monotonic()
            slider.press("Home")
            expect(main.get_by_test_id("stSliderThumbValue").first).to_have_text("0.00")
            first_after = first_before
            while first_after == first_before and time.monotonic() - started < RUN_TIMEOUT_MS / 1000:
                page.wait_for_timeout(200)
                wait_idle(page)
                header, after = grid(page, 0)
                first_after = [r[name] for r in after[:5]]
            seconds = time.monotonic() - started
            assert first_after != first_before, (first_before, first_after)
            assert_no_exception(page, "after the slider move")
            print(f"slider move to re-ranked table: {seconds:.2f} s")
            screenshot(page, "sites_after_slider_th.png")

            to_english(page, t("sites.title", "en"))
            expect(main.get_by_text(re.compile("per km of international border count most"))).to_be_visible()
            header, rows = grid(page, 0)
            first_en = [r[header.index("District")] for r in rows[:5]]
            screenshot(page, "sites_ranking_en.png")
            with page.expect_download() as dl:
                main.get_by_role("button", name=t("sites.download_xlsx", "en")).click()
            path = tmp_path / "model_sites.xlsx"
            shutil.copy(dl.value.path(), path)
            page.wait_for_timeout(1000)          # the audit entry is written as the file is served
        finally:
            context.close()

    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["ranking", "swot", "About"]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Weights preset"] == "Custom" and about["Method"] == "TOPSIS"      # the weights were moved
    assert not any(k.startswith("Weight: Reports per km of international border") for k in about)
    ranking = list(wb["ranking"].iter_rows(values_only=True))
    assert [r[ranking[0].index("name_en")] for r in ranking[1:6]] == first_en

    from ntswatch_geo.db import connect

    con = connect(db)
    try:
        made = [json.loads(d) for (d,) in con.execute(
            "SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id").fetchall()]
    finally:
        con.close()
    # the page was drawn many times (sign-in, the page, the slider, the language): one file, on download
    assert [(m["kind"], m["format"], m["preset"]) for m in made] == [("model_sites", "xlsx", "custom")], made
