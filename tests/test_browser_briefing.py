"""A governor reads the province briefing and downloads its PDF (Debian's Chromium through Playwright), once in
Thai and once in English: picks a fiscal quarter, reads the headline numbers and the compared dates on the
page, downloads the PDF and finds the same numbers and dates in its text (pdftotext). The page screenshots and
the PDF's first page (pdftoppm) go to artifacts/screenshots/briefing_*."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, SCREENSHOTS, app_db, app_users, browser,  # noqa: F401
                             assert_no_exception, choose, screenshot, sign_in, streamlit_server, wait_idle)

if not CHROMIUM.exists():
    import os

    if not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from ntswatch_geo import briefing as br  # noqa: E402
from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.i18n import fmt_int, fmt_period, t  # noqa: E402
from ntswatch_geo.scope import Scope  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
GOVERNOR = ACCOUNTS["governor"]            # Sa Kaeo (27)
PERIOD = "FY2026-Q3"                       # ไตรมาส 3 ปีงบประมาณ 2569: 1 Apr - 30 Jun 2026 (not the default Q4)


@pytest.fixture(scope="module")
def db(app_db, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("briefing_browser") / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    return path


@pytest.fixture(scope="module")
def expected(db):
    """What the governor should read, computed before the server holds the file."""
    con = connect(db, read_only=True)
    try:
        d = br.briefing_data(con, GOVERNOR.province_code, PERIOD,
                             Scope("governor", province_code=GOVERNOR.province_code))
        counts = {}
        for name, (first, last) in (("current", d.covered), ("previous", d.previous), ("last_year", d.last_year)):
            counts[name] = con.execute(
                "SELECT count(*) FROM reports WHERE province_code = ? AND occurred_date BETWEEN ? AND ? "
                "AND status NOT IN ('duplicate', 'suspected_spam', 'spam')",
                [GOVERNOR.province_code, first, last]).fetchone()[0]
    finally:
        con.close()
    return d, counts


@pytest.fixture(scope="module")
def server(db, app_users, expected):  # noqa: F811
    with streamlit_server(db, app_users) as base:
        yield base


def open_page(browser, lang: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True,
                                  locale="th-TH" if lang == "th" else "en-GB", timezone_id="Asia/Bangkok")
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context, context.new_page()


def card_text(page, key: str) -> str:
    return " ".join(page.locator(f".st-key-br_card_{key}").inner_text().split())


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_governor_picks_a_fiscal_quarter_and_the_pdf_has_the_page_numbers(browser, server, expected, lang,  # noqa: F811
                                                                            tmp_path):
    d, counts = expected
    context, page = open_page(browser, lang)
    try:
        labels = {"username": t("login.username", lang), "password": t("login.password", lang),
                  "submit": t("login.submit", lang)}
        sign_in(page, server, GOVERNOR, labels, query=f"?lang={lang}")
        expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
        wait_idle(page)
        page.locator('[data-testid="stSidebarNav"] a', has_text=t("nav.briefing", lang)).first.click()
        expect(page.locator("h1", has_text=t("briefing.title", lang)).first).to_be_visible()
        wait_idle(page)
        main = page.locator('[data-testid="stMain"]')

        # the kind of period, then the fiscal quarter, from the picker (labelled with its months)
        main.get_by_role("radio", name=t("briefing.kind_month", lang), exact=True).click()
        wait_idle(page)
        main.get_by_role("radio", name=t("briefing.kind_fiscal_quarter", lang), exact=True).click()
        wait_idle(page)
        period = br.parse_period(PERIOD)
        choose(page, t("briefing.period", lang), period.long_label(lang))
        assert_no_exception(page, "the briefing")
        expect(main.get_by_text(br.compared_text(d, lang), exact=False)).to_be_visible()

        # the headline numbers on the page
        cur = card_text(page, "reports")
        prev = card_text(page, "previous")
        ly = card_text(page, "last_year")
        assert fmt_int(counts["current"]) in cur and fmt_period(*d.covered, lang) in cur
        assert t("brief.kpi_was", lang, n=fmt_int(counts["previous"]), dates=fmt_period(*d.previous, lang)) in prev
        assert t("brief.kpi_was", lang, n=fmt_int(counts["last_year"]), dates=fmt_period(*d.last_year, lang)) in ly
        # the arrow follows the sign: Streamlit draws it as an icon in the delta
        for key in ("previous", "last_year"):
            delta = page.locator(f'.st-key-br_card_{key} [data-testid="stMetricDelta"]')
            up = delta.locator('[data-testid="stMetricDeltaIcon-Up"]').count()
            down = delta.locator('[data-testid="stMetricDeltaIcon-Down"]').count()
            sign = (counts["current"] > counts[key]) - (counts["current"] < counts[key])
            assert (up, down) == {1: (1, 0), -1: (0, 1), 0: (0, 0)}[sign], (key, counts, up, down)
        # the chart, the map and the readable tables
        expect(main.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
        expect(main.locator('[data-testid="stImage"] img').first).to_be_visible()
        body = main.inner_text()
        assert "is_home" not in body and not re.search(r"\bLA,|,KH\b|\bNone\b", body)
        assert t("country.KH", lang) in body                              # Sa Kaeo borders Cambodia
        screenshot(page, f"briefing_page_{lang}.png")

        # the PDF, in the page's language (the default), has the same numbers and dates
        with page.expect_download() as dl:
            main.get_by_role("button", name=t("briefing.download", lang)).click()
        pdf = tmp_path / f"briefing_{lang}.pdf"
        shutil.copy(dl.value.path(), pdf)
        assert pdf.read_bytes()[:5] == b"%PDF-"
        assert_no_exception(page, "after the PDF download")
    finally:
        context.close()

    text = pdf_text(pdf)
    assert period.long_label(lang) in text
    assert br.compared_text(d, lang) in text
    assert fmt_int(counts["current"]) in text
    assert t("brief.kpi_was", lang, n=fmt_int(counts["previous"]), dates=fmt_period(*d.previous, lang)) in text
    assert t("brief.kpi_was", lang, n=fmt_int(counts["last_year"]), dates=fmt_period(*d.last_year, lang)) in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(SCREENSHOTS / f"briefing_pdf_{lang}")], check=True)
    assert (SCREENSHOTS / f"briefing_pdf_{lang}-1.png").exists()
