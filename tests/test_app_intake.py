"""The intake pages through AppTest: the public form, the office form, the queue, import/export."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.db import connect

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def db(store_copy, users_file, monkeypatch):
    path = store_copy("demo")
    monkeypatch.setenv("NTSWATCH_DB", str(path))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    return path


def run(user=None, page=None, lang=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        at.session_state["auth_user"] = user
    if lang:
        at.session_state["lang"] = lang
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def one(path, sql, params=()):
    con = connect(path)
    try:
        return con.execute(sql, list(params)).fetchone()
    finally:
        con.close()


def fill_public(at, day=dt.date(2026, 11, 20)):
    at.selectbox(key="rf_cat").set_value("drug_trafficking")
    at.text_input(key="rf_date").input(day.strftime("%d/%m/%Y"))
    at.selectbox(key="rf_prov").set_value("43").run()
    at.selectbox(key="rf_dist").set_value("4301").run()
    at.text_area(key="rf_desc").input("<b>ยาบ้า</b> 2,000 เม็ด ข้ามโขงตอนตีสอง")


def test_a_citizen_submits_a_report_and_gets_a_reference_number(db):
    at = run()
    fill_public(at)
    at.button(key="rf_submit").click().run()
    assert not at.exception
    msg = at.success[0].value
    ref = msg.split("เลขที่อ้างอิง: ")[1].split(" ")[0]
    row = one(db, "SELECT channel, status, district_code, location_precision, description, is_synthetic "
                  "FROM reports WHERE ref_no = ?", [ref])
    assert row == ("online", "new", "4301", "district", "<b>ยาบ้า</b> 2,000 เม็ด ข้ามโขงตอนตีสอง", False)
    assert one(db, "SELECT count(*) FROM audit_events a JOIN reports r ON r.id = a.report_id "
                   "WHERE r.ref_no = ? AND a.action = 'created'", [ref])[0] == 1


def test_missing_fields_are_named_next_to_the_field_in_the_current_language(db):
    at = run(lang="en")
    at.text_input(key="rf_date").input("20/11/2026")
    at.button(key="rf_submit").click().run()
    errors = [e.value for e in at.error]
    assert any("category" in e.lower() for e in errors) and any("location" in e.lower() or "district" in e.lower()
                                                                  for e in errors)
    assert not at.success
    before = one(db, "SELECT count(*) FROM reports WHERE NOT is_synthetic")[0]
    assert before == 0
    assert one(db, "SELECT count(*) FROM quarantine WHERE batch_id IS NULL")[0] == 1  # nothing submitted is lost


def test_contact_details_are_dropped_without_consent(db):
    at = run()
    fill_public(at)
    at.text_input(key="rf_cphone").input("0812345678")
    at.button(key="rf_submit").click().run()
    assert at.success
    assert one(db, "SELECT contact_phone FROM reports WHERE NOT is_synthetic")[0] is None


def test_an_officer_logs_a_walk_in_report_for_their_own_district(db):
    at = run("off2706", "app_pages/office.py")
    assert at.selectbox(key="rf_dist").value == "2706" and at.selectbox(key="rf_dist").disabled
    at.selectbox(key="rf_cat").set_value("human_trafficking")
    at.text_input(key="rf_date").input("24/11/2569")
    at.selectbox(key="rf_intake").set_value("walk_in")
    at.selectbox(key="rf_reporter").set_value("village_headman")
    at.text_area(key="rf_desc").input("แรงงานต่างด้าวถูกพาข้ามแดนที่ช่องทางธรรมชาติ")
    at.button(key="rf_submit").click().run()
    assert at.success, [e.value for e in at.error]
    row = one(db, "SELECT channel, intake_method, reporter_type, officer, district_code FROM reports "
                  "WHERE NOT is_synthetic")
    assert row == ("mwcc_office", "walk_in", "village_headman", "off2706", "2706")


def test_the_queue_page_lets_an_officer_verify_the_oldest_report(db):
    at = run("off2706", "app_pages/queue.py")
    ref = at.selectbox(key="q_pick").value
    verify = next(b for b in at.button if b.label == "ยืนยัน")
    verify.click().run()
    assert not at.exception and at.success and ref in at.success[0].value
    assert one(db, "SELECT status FROM reports WHERE ref_no = ?", [ref])[0] == "verified"


def test_the_queue_and_office_form_are_not_offered_to_analysts_or_governors(db):
    for user in ("ana", "gov27", "plan"):
        at = run(user)
        for page in ("app_pages/queue.py", "app_pages/office.py"):
            try:
                at.switch_page(page).run()
            except Exception:
                continue
            assert not any(t.value in ("คิวตรวจสอบ", "แบบบันทึกของศูนย์ฯ อำเภอ") for t in at.title), (user, page)


def test_the_data_page_prepares_an_export_of_the_filtered_reports(db):
    at = run("ana", "app_pages/data.py")
    assert not any(w.key == "imp_file" for w in at.get("file_uploader")), "analysts do not import"
    at.selectbox(key="exp_fmt").set_value("csv")
    next(b for b in at.button if b.label == "เตรียมไฟล์").click().run()
    assert not at.exception
    assert at.get("download_button")
