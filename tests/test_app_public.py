"""The public pages through AppTest: the form's typed Thai dates, the emergency notice and the status page."""
from __future__ import annotations


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

CHECK = {"th": "ตรวจสอบสถานะ", "en": "Check status"}


def fill(at, day: str):
    at.selectbox(key="rf_cat").set_value("drug_trafficking")
    at.text_input(key="rf_date").input(day)
    at.selectbox(key="rf_prov").set_value("43").run()
    at.selectbox(key="rf_dist").set_value("4301").run()
    at.text_area(key="rf_desc").input("เห็นการขนยาบ้าข้ามโขง")


def ref_of(at) -> str:
    return at.success[0].value.split("เลขที่อ้างอิง: ")[1].split(" ")[0]


@pytest.mark.parametrize("typed", ["15/11/2569", "๑๕/๑๑/๒๕๖๙", "15 พ.ย. 2569", "15/11/2026"])
def test_a_date_typed_as_thai_people_write_it_is_read_back_and_stored(db, typed):
    at = run()
    fill(at, typed)
    at.run()
    assert "อ่านได้ว่า: 15 พฤศจิกายน 2569" in [c.value for c in at.caption]
    at.button(key="rf_submit").click().run()
    assert at.success, [e.value for e in at.error]
    assert str(one(db, "SELECT occurred_date FROM reports WHERE ref_no = ?", [ref_of(at)])[0]) == "2026-11-15"


@pytest.mark.parametrize("lang, words", [("th", "15 ธ.ค. 2569 เป็นวันในอนาคต"), ("en", "is in the future")])
def test_a_future_date_is_refused_under_the_field_in_the_current_language_and_kept(db, lang, words):
    at = run(lang=lang)
    fill(at, "15/12/2569")
    at.run()
    assert any(words in e.value.replace("\\", "") for e in at.error)     # before sending
    at.button(key="rf_submit").click().run()
    errors = [e.value.replace("\\", "") for e in at.error]             # (Markdown escapes removed)
    assert sum(words in e for e in errors) == 1, errors           # once, not repeated by the submitted check
    assert lang == "en" or not any("read as" in e for e in errors)  # no English inside the Thai message
    assert at.text_input(key="rf_date").value == "15/12/2569"     # what was typed stays
    assert not at.success
    assert one(db, "SELECT count(*) FROM reports WHERE NOT is_synthetic")[0] == 0


def test_an_impossible_date_and_a_latitude_of_999_name_their_fields(db):
    at = run(lang="en")
    fill(at, "31/02/2569")
    at.text_input(key="rf_lat").input("999")
    at.text_input(key="rf_lon").input("102.5")
    at.button(key="rf_submit").click().run()
    errors = [e.value for e in at.error]
    assert any("31/02/2569 is not a valid date" in e and "day 31 does not exist" in e for e in errors), errors
    assert any("999" in e and "outside Thailand" in e for e in errors), errors
    assert at.text_input(key="rf_lat").value == "999"


def test_the_public_form_says_it_is_not_an_emergency_line_and_the_office_form_does_not(db):
    for lang, words in (("th", "ไม่ใช่สายด่วนเหตุฉุกเฉิน"), ("en", "not an emergency line")):
        at = run(lang=lang)
        notice = " ".join(i.value for i in at.info)
        assert words in notice and "191" in notice and "1300" in notice
    at = run("off2706", "app_pages/office.py")
    assert not any("1300" in i.value for i in at.info)


def status_of(at, typed: str):
    at.switch_page("app_pages/status.py").run()
    at.text_input(key="st_ref").input(typed)
    next(b for b in at.button if b.label in CHECK.values()).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_citizen_looks_up_the_reference_they_were_given_without_signing_in(db):
    at = run()
    fill(at, "15/11/2569")
    at.button(key="rf_submit").click().run()
    ref = ref_of(at)
    at = status_of(run(), ref.lower())
    shown = " ".join(s.value for s in at.success)
    assert "ได้รับเรื่องแล้ว" in shown and "รับเรื่องเมื่อ" in shown
    page = " ".join(e.value for e in [*at.markdown, *at.success, *at.caption, *at.subheader])
    for secret in ("ยาบ้า", "4301", "ท่าบ่อ", "drug"):
        assert secret not in page


def test_a_held_report_looks_received_and_a_forwarded_one_names_no_agency(db):
    at = run(lang="en")
    fill(at, "15/11/2026")
    at.button(key="rf_submit").click().run()
    ref = at.success[0].value.split("Reference number: ")[1].split(" ")[0]
    con_sql = "UPDATE reports SET status = ?, forwarded_to = ? WHERE ref_no = ?"
    con = connect(db)
    con.execute(con_sql, ["suspected_spam", None, ref])
    con.close()
    assert "Received" in status_of(run(lang="en"), ref).success[0].value
    con = connect(db)
    con.execute(con_sql, ["forwarded", "oncb", ref])
    con.close()
    at = status_of(run(lang="en"), ref)
    assert "Passed on to the responsible agency" in at.success[0].value
    page = " ".join(e.value for e in [*at.success, *at.caption])
    assert "Narcotics" not in page and "oncb" not in page


def test_an_unknown_or_malformed_reference_gets_one_clear_message(db):
    at = status_of(run(lang="en"), "NTS-2569-999999")
    assert [e.value for e in at.error] == [
        "No report has the reference number NTS-2569-999999. Check the number on your receipt; a report sent "
        "minutes ago is found at once."]
    at = status_of(run(), "12345")
    assert len(at.error) == 1 and "ไม่ใช่เลขที่อ้างอิง" in at.error[0].value and "NTS-2569-000123" in at.error[0].value


def test_too_many_lookups_get_a_thai_message_to_wait(db, monkeypatch):
    from ntswatch_geo.reports import guard
    tight = guard.LookupGuard(per_client="100 per minute", global_limit="2 per minute")
    monkeypatch.setattr(guard, "default_lookup_guard", lambda: tight)
    at = run()
    for _ in range(2):
        at = status_of(at, "NTS-2569-000001")
        assert "ไม่พบเรื่อง" in at.error[0].value
    at = status_of(at, "NTS-2569-000002")
    assert "ถี่เกินไป" in at.error[0].value and "นาที" in at.error[0].value
