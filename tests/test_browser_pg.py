"""The dashboard on PostgreSQL, in Chromium (issue 13): two dashboard processes on one database, two officers
deciding the same report from the two (one wins, one is told), `ntswatch import` landing while both run, and a
governor walking every page of the second process with row-level security keeping it to the province."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from browser_support import (ACCOUNTS, CHROMIUM, PROJECT_ROOT, RUN_TIMEOUT_MS, Account, browser,  # noqa: F401
                             assert_no_exception, screenshot, sign_in, streamlit_server, wait_idle, write_users)

if not CHROMIUM.exists():
    if not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
SECOND_OFFICER = Account("t-officer-b", "officer-b-pass-1", "district_officer", district_code="2706")
FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "imports" / "thai_be_utf8.csv"


@pytest.fixture(scope="module")
def pg_db(pg_templates):
    """A copy of the PostgreSQL demo database (the browser tests' 20,000 reports); the owner's URL."""
    import pg_support
    name = pg_support.create_database(pg_templates, None, template="demo_template")
    yield pg_templates.url(database=name)
    pg_support.drop_database(pg_templates, name)


@pytest.fixture(scope="module")
def users(tmp_path_factory):
    from ntswatch_geo import auth
    path = tmp_path_factory.mktemp("pg_users") / "users.toml"
    write_users(path)
    rounds, auth.BCRYPT_ROUNDS = auth.BCRYPT_ROUNDS, 4
    try:
        auth.UserStore(path).add(SECOND_OFFICER.username, SECOND_OFFICER.password, SECOND_OFFICER.role,
                                 display_name="Test officer B", district_code=SECOND_OFFICER.district_code)
    finally:
        auth.BCRYPT_ROUNDS = rounds
    return path


def new_page(browser, locale="th-TH"):  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale=locale)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context, context.new_page()


def open_queue(page, server, account) -> str:
    sign_in(page, server, account)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    page.locator('[data-testid="stSidebarNav"] a', has_text="คิวตรวจสอบ").click()
    expect(page.get_by_role("heading", name="คิวตรวจสอบ")).to_be_visible()
    wait_idle(page)
    first = page.locator('[data-testid="stMain"] h3').filter(has_text=re.compile(r"NTS-|SYN-")).first
    expect(first).to_be_visible()
    return re.search(r"(NTS|SYN)-[\d-]+", first.inner_text()).group(0)


def test_two_dashboards_on_postgresql_one_officer_wins_the_other_is_told_and_import_lands_meanwhile(
        browser, pg_db, users, tmp_path):  # noqa: F811
    with streamlit_server(pg_db, users) as a, streamlit_server(pg_db, users) as b:
        ctx_a, page_a = new_page(browser)
        ctx_b, page_b = new_page(browser)
        try:
            ref_a = open_queue(page_a, a, ACCOUNTS["district_officer"])
            ref_b = open_queue(page_b, b, SECOND_OFFICER)
            assert ref_a == ref_b                      # the same oldest report, shown in both processes
            page_a.get_by_role("button", name="ยืนยัน", exact=True).first.click()
            wait_idle(page_a)
            expect(page_a.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("ตรวจสอบแล้ว")
            page_b.get_by_role("button", name="ยืนยัน", exact=True).first.click()   # on its stale view
            wait_idle(page_b)
            expect(page_b.locator('[data-testid="stAlertContentError"]')).to_contain_text("มีผู้อื่นเพิ่งเปลี่ยนเรื่องนี้")
            assert_no_exception(page_a, "queue A")
            assert_no_exception(page_b, "queue B")
            screenshot(page_b, "pg_queue_conflict_th.png")

            # the CLI imports into the same database while both dashboards run
            env = {**os.environ, "NTSWATCH_DB": pg_db, "NTSWATCH_USERS": str(users)}
            res = subprocess.run([str(Path(sys.executable).parent / "ntswatch"), "import", str(FIXTURE), "--as",
                                  ACCOUNTS["analyst"].username, "-q", "--rejects", str(tmp_path / "rejects.csv")],
                                 capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
            assert res.returncode == 0, res.stdout + res.stderr
            said = res.stdout + res.stderr
            assert "rows in" in said and "Traceback" not in said
            page_a.reload(wait_until="domcontentloaded")
            expect(page_a.get_by_role("heading", name="คิวตรวจสอบ")).to_be_visible()
            wait_idle(page_a)
            assert_no_exception(page_a, "queue A after the import")
        finally:
            ctx_a.close()
            ctx_b.close()
    with psycopg.connect(pg_db) as owner:
        status, version = owner.execute("SELECT status, version FROM reports WHERE ref_no = %s", [ref_a]).fetchone()
        decisions = owner.execute("SELECT actor FROM audit_events e JOIN reports r ON r.id = e.report_id "
                                  "WHERE r.ref_no = %s AND e.action = 'verify'", [ref_a]).fetchall()
        imported = owner.execute("SELECT count(*) FROM reports WHERE source LIKE 'import:%'").fetchone()[0]
    assert status == "verified" and decisions == [(ACCOUNTS["district_officer"].username,)]
    assert imported > 0


def test_a_governor_walks_every_page_on_postgresql_and_sees_only_the_province(browser, pg_db, users):  # noqa: F811
    gov = ACCOUNTS["governor"]
    with streamlit_server(pg_db, users) as server:
        context, page = new_page(browser)
        try:
            sign_in(page, server, gov)
            expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
            wait_idle(page)
            links = page.locator('[data-testid="stSidebarNav"] a')
            count = links.count()
            assert count >= 4
            for i in range(count):
                name = links.nth(i).inner_text().strip().splitlines()[-1]
                links.nth(i).click()
                wait_idle(page)
                expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
                assert_no_exception(page, f"governor on PostgreSQL: {name}")
            page.locator('[data-testid="stSidebarNav"] a').first.click()
            wait_idle(page)
            # the province choices the sidebar offers: the governor's own only
            text = page.locator('[data-testid="stSidebar"]').inner_text()
            assert "อุดรธานี" not in text
            screenshot(page, "pg_governor_overview_th.png")
        finally:
            context.close()


def test_the_public_app_with_the_intake_role_takes_a_report_the_officer_then_finds(browser, pg_db, users):  # noqa: F811
    """public_app.py alone, signed in to PostgreSQL as ntswatch_public (its password in PGPASSWORD, no role key):
    a citizen reports in Aranyaprathet and gets a reference number; the district officer finds it on a dashboard."""
    from test_browser_queue import TEXT, report_in_aranyaprathet, search_ref

    from ntswatch_geo.pg import roles
    intake_url = f"postgresql://{roles.PUBLIC}@{pg_db.split('@', 1)[1]}"       # no password in the URL
    env = {"PGPASSWORD": roles.password(roles.PUBLIC), "NTSWATCH_PG_ROLE_KEY": "",     # and no role key
           "NTSWATCH_PG_ROLE_KEY_FILE": "/nonexistent/key"}
    with streamlit_server(intake_url, users, app="public_app.py", extra_env=env) as public:
        context, page = new_page(browser)
        try:
            ref = report_in_aranyaprathet(page, public)
            # the public app has no sign-in and no dashboard page
            expect(page.locator('[data-testid="stSidebarNav"] a')).to_have_count(2)
            assert_no_exception(page, "public app")
            screenshot(page, "pg_public_app_th.png")
        finally:
            context.close()
    with streamlit_server(pg_db, users) as server:
        context, page = new_page(browser)
        try:
            open_queue(page, server, ACCOUNTS["district_officer"])
            search_ref(page, "เลขที่อ้างอิง (ทั้งหมดหรือบางส่วน)", ref)
            expect(page.locator('[data-testid="stMain"]').get_by_role("heading", name=ref)).to_be_visible()
            assert_no_exception(page, "queue search on PostgreSQL")
        finally:
            context.close()
    with psycopg.connect(pg_db) as owner:
        row = owner.execute("SELECT district_code, status, channel, description FROM reports WHERE ref_no = %s",
                            [ref]).fetchone()
    assert row == ("2706", "new", "online", TEXT)
