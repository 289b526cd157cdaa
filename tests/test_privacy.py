"""Personal data: redaction by scope with reason and version, the retention purge on a clock, the audit trail
(package, `ntswatch purge`, `ntswatch audit`), and the queue's Redact action and the audit page (AppTest)."""
from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from ntswatch_geo import audit, privacy
from ntswatch_geo import verification as vq
from ntswatch_geo.cli import app
from ntswatch_geo.config import PROJECT_ROOT, retention
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.reports.submit import submit_report
from ntswatch_geo.scope import Scope

runner = CliRunner()
OFFICER = Scope("district_officer", province_code="27", district_code="2706", username="off2706")
OTHER_OFFICER = Scope("district_officer", province_code="23", district_code="2302", username="off2302")
ADMIN = Scope("admin", username="root")
NOW = dt.datetime(2026, 11, 20, 9, 0)
NAME, PHONE, DESC, PLACE = "สมชาย ใจดีมาก", "0812345678", "รถกระบะขนยาบ้า SECRET-DESC-7731", "บ้านนายสมชาย หมู่ 4"


@pytest.fixture
def db(store_copy):
    """The demo database (20,000 synthetic reports, none with contacts) copied for one test, in each store."""
    return store_copy("demo")


@pytest.fixture
def con(db):
    c = connect(db)
    yield c
    c.close()


_day = iter(range(1, 10_000))


def submit(con, received: dt.datetime, *, name=NAME, phone=PHONE, desc=DESC, place=PLACE, ok=True) -> int | None:
    """One office report in Aranyaprathet (2706) with consented contact details, received at `received`."""
    fields = {"category": "drug_trafficking" if ok else None,
              "occurred_date": dt.date(2016, 1, 1) + dt.timedelta(days=next(_day) % 2000),  # before the
              # synthetic years and one day per report: never a likely duplicate
              "province": "27", "district": "2706", "description": desc, "place_text": place,
              "contact_name": name, "contact_phone": phone, "contact_consent": True, "intake_method": "walk_in"}
    res = submit_report(con, fields, channel="mwcc_office", actor="off2706", now=received)
    assert res.ok == ok, res.errors
    return res.report_id


def row(con, rid, cols="contact_name, contact_phone, description, place_text, version"):
    return con.execute(f"SELECT {cols} FROM reports WHERE id = ?", [rid]).fetchone()


def places_holding(con, value: str) -> list[str]:
    """Every table.column (text columns of every table) in which `value` occurs."""
    cols = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
                       "AND schema_name = current_schema() AND data_type = 'VARCHAR'").fetchall()
    return [f"{t}.{c}" for t, c in cols if t != "spatial_ref_sys"      # PostGIS's own reference table
            and con.execute(f'SELECT count(*) FROM "{t}" WHERE contains("{c}", ?)', [value]).fetchone()[0]]


# -- redaction ---------------------------------------------------------------------------------------------

def test_redaction_removes_contact_and_description_and_records_who_when_why(con):
    rid = submit(con, NOW)
    assert set(places_holding(con, PHONE)) == {"reports.contact_phone"}     # the only copy of a stored report
    res = privacy.redact(con, rid, version=1, reason="the informant asked by phone", scope=OFFICER,
                         now=NOW + dt.timedelta(days=2))
    assert res.ok and res.fields == ("contact_name", "contact_phone", "description") and res.new_version == 2
    assert row(con, rid) == (None, None, privacy.REDACTED_TEXT, PLACE, 2)
    for value in (NAME, PHONE, "SECRET-DESC-7731"):
        assert places_holding(con, value) == [], value                      # gone from every table
    info = privacy.redaction(con, rid)
    assert info == {"at": NOW + dt.timedelta(days=2), "by": "off2706", "reason": "the informant asked by phone",
                    "fields": ["contact_name", "contact_phone", "description"]}
    entry = audit.events(con, action="redact").iloc[0]
    assert (entry.actor, entry.role, entry.object_type, entry.object_id) == ("off2706", "district_officer",
                                                                             "report", str(rid))
    assert json.loads(entry.detail)["fields"] == ["contact_name", "contact_phone", "description"]
    # the report still counts: category, district and status are untouched
    assert row(con, rid, "category, district_code, status") == ("drug_trafficking", "2706", "new")


def test_an_admin_may_redact_any_report_a_district_officer_only_their_own_districts(con):
    rid = submit(con, NOW)
    for scope, code in ((OTHER_OFFICER, "outside_scope"), (Scope("governor", province_code="27"), "not_allowed"),
                        (Scope("analyst"), "not_allowed"), (Scope("planner"), "not_allowed"),
                        (Scope("district_officer", username="nodistrict"), "not_allowed")):
        assert privacy.redact(con, rid, version=1, reason="asked", scope=scope).code == code, scope
    assert row(con, rid) == (NAME, PHONE, DESC, PLACE, 1)
    assert audit.events(con, action="redact").empty
    assert privacy.redact(con, rid, version=1, reason="court order", scope=ADMIN, fields=["place_text"]).ok
    assert row(con, rid) == (NAME, PHONE, DESC, privacy.REDACTED_TEXT, 2)
    assert privacy.redact(con, 999_999_999, version=1, reason="x", scope=ADMIN).code == "not_found"


def test_redaction_needs_a_reason_and_known_fields(con):
    rid = submit(con, NOW)
    assert privacy.redact(con, rid, version=1, reason="   ", scope=OFFICER).code == "missing_reason"
    assert privacy.redact(con, rid, version=1, reason=None, scope=OFFICER).code == "missing_reason"
    assert privacy.redact(con, rid, version=1, reason="asked", scope=OFFICER, fields=()).code == "bad_field"
    assert privacy.redact(con, rid, version=1, reason="asked", scope=OFFICER, fields=["category"]).code == "bad_field"
    assert row(con, rid) == (NAME, PHONE, DESC, PLACE, 1)


def test_a_stale_version_is_a_conflict_and_redacts_nothing(con):
    rid = submit(con, NOW)
    assert vq.act(con, OFFICER, rid, "verify", 1).ok                      # another officer acted meanwhile
    late = privacy.redact(con, rid, version=1, reason="asked", scope=OFFICER)
    assert (late.ok, late.code, late.new_version) == (False, "conflict", 2)
    assert row(con, rid) == (NAME, PHONE, DESC, PLACE, 2)
    # and a decision taken on the version seen before a redaction is refused in turn
    assert privacy.redact(con, rid, version=2, reason="asked", scope=OFFICER).ok
    assert vq.act(con, OFFICER, rid, "forward", 2, agency=next(iter(vq.AGENCIES))).code == "conflict"


def test_redacting_again_touches_only_what_is_left_and_keeps_the_list_of_fields(con):
    rid = submit(con, NOW)
    assert privacy.redact(con, rid, version=1, reason="asked", scope=OFFICER, fields=["contact_phone"]).ok
    again = privacy.redact(con, rid, version=2, reason="asked again", scope=OFFICER,
                           fields=["contact_phone", "contact_name"])
    assert again.ok and again.fields == ("contact_name",)
    assert privacy.redaction(con, rid)["fields"] == ["contact_name", "contact_phone"]
    assert privacy.redact(con, rid, version=3, reason="x", scope=OFFICER,
                          fields=["contact_phone"]).code == "nothing_to_redact"
    assert len(audit.events(con, action="redact")) == 2


def test_a_contact_view_is_recorded_with_the_fields_never_the_values(con):
    rid = submit(con, NOW)
    assert privacy.record_contact_view(con, OFFICER, [rid, rid], client="10.0.0.7") == 1
    e = audit.events(con, action="view_contact")
    assert list(e[["actor", "client", "object_id"]].itertuples(index=False, name=None)) == [
        ("off2706", "10.0.0.7", str(rid))]
    assert PHONE not in e.iloc[0].detail and NAME not in e.iloc[0].detail


# -- retention ---------------------------------------------------------------------------------------------

def test_retention_defaults_and_a_bad_setting_names_the_variable(monkeypatch):
    monkeypatch.delenv("NTSWATCH_RETAIN_CONTACT_DAYS", raising=False)
    monkeypatch.delenv("NTSWATCH_RETAIN_QUARANTINE_DAYS", raising=False)
    assert (retention().contact_days, retention().quarantine_days) == (365, 90)
    monkeypatch.setenv("NTSWATCH_RETAIN_QUARANTINE_DAYS", "30")
    assert retention().quarantine_days == 30
    for bad in ("abc", "0", "-5", "1.5"):
        monkeypatch.setenv("NTSWATCH_RETAIN_CONTACT_DAYS", bad)
        with pytest.raises(InputError, match="NTSWATCH_RETAIN_CONTACT_DAYS"):
            retention()


@pytest.fixture
def aged(con):
    """Submitted reports of different ages and statuses among the synthetic ones, and quarantine rows."""
    old = NOW - dt.timedelta(days=400)
    ids = {
        "old_verified_forwarded": submit(con, old),
        "old_rejected": submit(con, old + dt.timedelta(days=1)),
        "old_new": submit(con, old + dt.timedelta(days=2)),                # still open: keeps its contact
        "old_verified": submit(con, old + dt.timedelta(days=3)),           # can still be forwarded: open
        "old_held": submit(con, old + dt.timedelta(days=4)),               # suspected spam: open
        "edge_decided": submit(con, NOW - dt.timedelta(days=365, seconds=-60)),  # just inside the year
        "recent_rejected": submit(con, NOW - dt.timedelta(days=10)),
    }
    agency = next(iter(vq.AGENCIES))
    assert vq.act(con, OFFICER, ids["old_verified_forwarded"], "forward", 1, agency=agency).ok
    for k in ("old_rejected", "edge_decided", "recent_rejected"):
        assert vq.act(con, OFFICER, ids[k], "reject", 1, note="not credible").ok
    assert vq.act(con, OFFICER, ids["old_verified"], "verify", 1).ok
    con.execute("UPDATE reports SET status = 'suspected_spam' WHERE id = ?", [ids["old_held"]])
    submit(con, NOW - dt.timedelta(days=120), ok=False, phone="0899999999")   # quarantined 120 days ago
    submit(con, NOW - dt.timedelta(days=91), ok=False, phone="0888888888")
    submit(con, NOW - dt.timedelta(days=20), ok=False, phone="0877777777")
    return ids


def contacts(con) -> dict[int, tuple]:
    return {r[0]: r[1:] for r in con.execute("SELECT id, contact_name, contact_phone FROM reports "
                                             "WHERE NOT is_synthetic").fetchall()}


def test_purge_clears_contacts_of_decided_reports_older_than_the_limit_and_old_quarantine(con, aged):
    before = contacts(con)
    synthetic = con.execute("SELECT count(*), sum(hash(description)) FROM reports WHERE is_synthetic").fetchone()
    res = privacy.purge(con, now=NOW, contact_days=365, quarantine_days=90)
    assert (res.contacts_cleared, res.contacts_kept_open, res.quarantine_deleted) == (2, 3, 2)
    after = contacts(con)
    cleared = {rid for rid in after if after[rid] == (None, None)}
    assert cleared == {aged["old_verified_forwarded"], aged["old_rejected"]}
    assert all(after[rid] == before[rid] == (NAME, PHONE) for rid in after if rid not in cleared)
    assert places_holding(con, "0899999999") == places_holding(con, "0888888888") == []
    assert places_holding(con, "0877777777") == ["quarantine.raw_json"]       # 20 days old: kept
    assert row(con, aged["old_rejected"], "contacts_purged_at, description, status") == (NOW, DESC, "rejected")
    assert con.execute("SELECT count(*), sum(hash(description)) FROM reports "
                       "WHERE is_synthetic").fetchone() == synthetic          # synthetic rows untouched
    entry = audit.events(con, action="purge")
    assert len(entry) == 1 and json.loads(entry.iloc[0].detail) == {
        "contacts_cleared": 2, "contacts_kept_open": 3, "quarantine_deleted": 2, "contact_days": 365,
        "quarantine_days": 90}


def test_purge_is_idempotent_and_a_later_clock_reaches_the_next_reports(con, aged):
    privacy.purge(con, now=NOW, contact_days=365, quarantine_days=90)
    again = privacy.purge(con, now=NOW, contact_days=365, quarantine_days=90)
    assert (again.contacts_cleared, again.quarantine_deleted) == (0, 0)
    later = privacy.purge(con, now=NOW + dt.timedelta(days=2), contact_days=365, quarantine_days=90)
    assert (later.contacts_cleared, later.quarantine_deleted) == (1, 0)
    assert contacts(con)[aged["edge_decided"]] == (None, None)
    assert len(audit.events(con, action="purge")) == 3                          # one entry per run


def test_a_dry_run_counts_the_same_and_changes_and_records_nothing(con, aged):
    before = contacts(con), con.execute("SELECT count(*) FROM quarantine").fetchone()
    dry = privacy.purge(con, now=NOW, contact_days=365, quarantine_days=90, dry_run=True)
    assert (dry.contacts_cleared, dry.contacts_kept_open, dry.quarantine_deleted, dry.dry_run) == (2, 3, 2, True)
    assert (contacts(con), con.execute("SELECT count(*) FROM quarantine").fetchone()) == before
    assert audit.events(con, action="purge").empty


# -- the trail as one table --------------------------------------------------------------------------------

def test_audit_events_union_the_log_and_the_report_trail_in_time_order_with_thai_labels(con):
    rid = submit(con, NOW)
    assert vq.act(con, OFFICER, rid, "verify", 1).ok
    audit.record(con, "sign_in", actor="root", role="admin", client="10.0.0.1", at=NOW + dt.timedelta(hours=1))
    privacy.redact(con, rid, version=2, reason="asked", scope=OFFICER, now=NOW + dt.timedelta(hours=2))
    ev = audit.events(con, date_from=NOW.date(), date_to=NOW.date(), lang="th")
    mine = ev[ev["object_id"].isin([str(rid), None]) | (ev["action"] == "sign_in")]
    assert ev["logged_at"].is_monotonic_increasing
    assert {"created", "sign_in", "redact"} <= set(mine["action"])
    assert set(ev["source"]) == {"audit_log", "report_trail"}
    labels = dict(zip(ev["action"], ev["action_label"]))
    assert labels["created"] == "รับรายงาน" and labels["redact"] == "ลบข้อมูลส่วนบุคคล"
    assert list(audit.events(con, actor="root")["action"]) == ["sign_in"]
    assert len(audit.events(con, limit=2)) == 2
    assert audit.events(con, date_from=dt.date(2000, 1, 1), date_to=dt.date(2000, 1, 2)).empty


# -- the CLI -----------------------------------------------------------------------------------------------

def one_line_error(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error:"), res.output
    assert "Traceback" not in res.output
    return lines[0]


def test_cli_purge_dry_run_prints_the_counts_then_purge_clears_them(db, monkeypatch):
    con = connect(db)
    old = audit.now_local() - dt.timedelta(days=400)
    decided, open_ = submit(con, old), submit(con, old + dt.timedelta(days=1))
    assert vq.act(con, OFFICER, decided, "reject", 1, note="spam").ok
    con.close()
    monkeypatch.delenv("NTSWATCH_RETAIN_CONTACT_DAYS", raising=False)
    res = runner.invoke(app, ["purge", "--dry-run", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "would clear the contact details of 1 decided report" in res.output and "1 older report(s) still open" \
        in res.output
    res = runner.invoke(app, ["purge", "--db", str(db)])
    assert res.exit_code == 0 and "cleared the contact details of 1 decided report" in res.output, res.output
    con = connect(db)
    assert contacts(con) == {decided: (None, None), open_: (NAME, PHONE)}
    con.close()
    res = runner.invoke(app, ["purge", "--db", str(db)])
    assert "of 0 decided report" in res.output                                  # idempotent


def test_cli_audit_lists_filters_writes_csv_and_records_that_it_was_read(db, tmp_path):
    con = connect(db)
    rid = submit(con, NOW)
    privacy.redact(con, rid, version=1, reason="asked", scope=OFFICER)
    con.close()
    res = runner.invoke(app, ["audit", "--action", "redact", "--json", "--db", str(db)])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [(r["actor"], r["action"], r["action_label"], r["object_id"]) for r in rows] == [
        ("off2706", "redact", "redacted personal data", str(rid))]
    out = tmp_path / "audit.csv"
    old = os.umask(0o022)
    try:
        res = runner.invoke(app, ["audit", "--from", "2000-01-01", "--out", str(out), "--db", str(db)])
    finally:
        os.umask(old)
    assert res.exit_code == 0 and "entries" in res.output, res.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"redact" in data and b"created" in data
    assert PHONE.encode() not in data and NAME.encode() not in data
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    con = connect(db)
    views = audit.events(con, action="view_audit")
    con.close()
    assert len(views) == 2 and views.iloc[0].actor.startswith("cli:")


def test_cli_audit_as_an_admin_account_names_it_in_the_trail(db, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    res = runner.invoke(app, ["audit", "--as", "root", "--action", "purge", "--db", str(db)])
    assert res.exit_code == 0, res.output
    con = connect(db)
    assert list(audit.events(con, action="view_audit")["actor"]) == ["root"]
    con.close()


@pytest.mark.parametrize("args, says", [
    (["audit", "--from", "yesterday"], "--from"),
    (["audit", "--from", "2026-02-01", "--to", "2026-01-01"], "after --to"),
    (["audit", "--action", "peek"], "--action: 'peek' is not an action"),
    (["audit", "--out", "{tmp}/audit.xlsx"], "allowed: .csv"),
    (["audit", "--as", "nobody"], "--as: 'nobody' is not a user"),
    (["audit", "--as", "ana"], "'ana' has the role analyst; allowed: an admin account"),
    (["purge", "--as", "off2706"], "allowed: an admin account"),
], ids=lambda a: " ".join(a) if isinstance(a, list) else None)
def test_cli_bad_options_give_one_line_and_exit_2_and_change_nothing(db, users_file, monkeypatch, tmp_path,
                                                                     args, says):
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    from pg_support import store_digest
    before = store_digest(db)
    res = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args] + ["--db", str(db)])
    assert says in one_line_error(res)
    assert store_digest(db) == before


def test_cli_purge_with_a_bad_retention_setting_names_it(db, monkeypatch):
    monkeypatch.setenv("NTSWATCH_RETAIN_QUARANTINE_DAYS", "ninety")
    assert "NTSWATCH_RETAIN_QUARANTINE_DAYS: 'ninety'" in one_line_error(runner.invoke(app, ["purge", "--db", str(db)]))


# -- pages (AppTest) ---------------------------------------------------------------------------------------

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def app_db(db, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(db))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    con = connect(db)
    rid = submit(con, audit.now_local() - dt.timedelta(hours=1))
    ref = con.execute("SELECT ref_no FROM reports WHERE id = ?", [rid]).fetchone()[0]
    con.close()
    return db, rid, ref


def run(user, page, lang="en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["auth_user"] = user
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def count(db, sql, params=()):
    c = connect(db)             # as the app's cached connection is opened (same configuration)
    try:
        return c.execute(sql, list(params)).fetchone()[0]
    finally:
        c.close()


def test_the_queue_redacts_a_report_with_a_reason_and_records_each_contact_view_once(app_db):
    db, rid, ref = app_db
    at = run("off2706", "app_pages/queue.py")
    at.text_input(key="q_ref").input(ref).run()                               # a report of an hour ago: search it
    at.selectbox(key="q_pick").set_value(ref).run()
    assert any(PHONE in c.value for c in at.caption)                           # the officer sees the contact
    at.run()                                                                   # a rerun is not a second view
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'view_contact' AND object_id = ?", [str(rid)]) == 1
    at.button(key="q_redact").click().run()                                    # no reason yet
    assert at.error and "reason" in at.error[0].value.lower()
    assert count(db, "SELECT count(*) FROM reports WHERE id = ? AND contact_phone IS NOT NULL", [rid]) == 1
    at.text_input(key=f"q_red_reason_{ref}").input("the informant asked").run()
    at.button(key="q_redact").click().run()
    assert not at.exception and at.success and ref in at.success[0].value, [e.value for e in at.error]
    assert count(db, "SELECT count(*) FROM reports WHERE id = ? AND contact_name IS NULL AND contact_phone IS NULL "
                     "AND description = ?", [rid, privacy.REDACTED_TEXT]) == 1
    assert not any(PHONE in c.value for c in at.caption)
    assert any("the informant asked" in c.value and "off2706" in c.value for c in at.caption)


def test_the_queue_redact_action_is_offered_in_thai(app_db):
    at = run("off2706", "app_pages/queue.py", lang="th")
    assert any(e.label == "ลบข้อมูลส่วนบุคคล" for e in at.expander)
    assert at.button(key="q_redact").label == "ลบข้อมูล"


def test_an_admin_reads_the_audit_page_and_the_reading_is_recorded_once_per_view(app_db):
    db, rid, ref = app_db
    at = run("root", "app_pages/audit.py")
    assert at.title[0].value == "Audit trail"
    shown = at.dataframe[0].value
    assert "report received" in set(shown["action_label"])
    at.run()
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'view_audit' AND actor = 'root'") == 1
    at.selectbox(key="au_action").set_value("created").run()
    assert set(at.dataframe[0].value["action_label"]) == {"report received"}
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'view_audit' AND actor = 'root'") == 2
    th = run("root", "app_pages/audit.py", lang="th")
    assert th.title[0].value == "บันทึกการตรวจสอบ" and "รับรายงาน" in set(th.dataframe[0].value["action_label"])


@pytest.mark.parametrize("user", ["ana", "plan", "gov27", "off2706"])
def test_the_audit_page_is_not_offered_to_other_roles_and_refuses_them_if_reached(app_db, users_file, user):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["auth_user"] = user
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/audit.py")
    from ntswatch_geo.auth import UserStore
    from ntswatch_geo.ui.session import Context

    page = AppTest.from_file(str(PROJECT_ROOT / "app_pages" / "audit.py"), default_timeout=60)
    page.session_state["ctx"] = Context(lang="en", user=UserStore(users_file).get(user))
    page.run()
    assert [e.value for e in page.error] == ["Only admins can read the audit trail."] and not page.dataframe
    assert count(app_db[0], "SELECT count(*) FROM audit_log WHERE action = 'view_audit'") == 0


def test_a_forwarded_report_is_found_on_the_queue_and_only_its_personal_data_can_be_redacted(app_db):
    db, rid, ref = app_db
    con = connect(db)
    try:
        con.execute("UPDATE reports SET status = 'forwarded', forwarded_to = 'oncb', version = version + 1 "
                    "WHERE id = ?", [rid])
    finally:
        con.close()
    at = run("off2706", "app_pages/queue.py")
    at.segmented_control(key="q_status").set_value("forwarded").run()
    at.text_input(key="q_ref").input(ref).run()
    at.selectbox(key="q_pick").set_value(ref).run()
    labels = {b.label for b in at.button}
    assert "Verify" not in labels and "Reject" not in labels and any("decided" in c.value for c in at.caption)
    at.text_input(key=f"q_red_reason_{ref}").input("retention request from the informant").run()
    at.button(key="q_redact").click().run()
    assert not at.exception and at.success and ref in at.success[0].value
    assert count(db, "SELECT count(*) FROM reports WHERE id = ? AND status = 'forwarded' AND contact_phone IS NULL",
                 [rid]) == 1


def test_the_dashboard_applies_retention_once_a_day_and_the_admin_page_says_so(app_db):
    from ntswatch_geo.ui import session
    db, rid, ref = app_db
    con = connect(db)
    try:
        con.execute("UPDATE reports SET status = 'rejected', received_at = received_at - INTERVAL 400 DAY "
                    "WHERE id = ?", [rid])
    finally:
        con.close()
    assert count(db, "SELECT count(*) FROM reports WHERE id = ? AND contact_phone IS NOT NULL", [rid]) == 1
    session._retention_book()["day"] = None                    # the first page view of the day
    at = run("root", "app_pages/admin.py")
    assert count(db, "SELECT count(*) FROM reports WHERE id = ? AND contact_phone IS NULL", [rid]) == 1
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'purge' AND actor = 'system:retention'") == 1
    assert any("last applied by this dashboard" in c.value for c in at.caption)
    run("root", "app_pages/admin.py")                          # later the same day: not again
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'purge'") == 1
