"""The verification queue: scope, transitions, audit trail, optimistic checks."""
from __future__ import annotations

import threading

import pytest

from ntswatch_geo import verification as vq
from ntswatch_geo.db import connect
from ntswatch_geo.scope import Scope

OFFICER = Scope("district_officer", province_code="27", district_code="2706", username="off2706")
OTHER = Scope("district_officer", province_code="23", district_code="2302", username="off2302")


@pytest.fixture
def con(store_copy):
    c = connect(store_copy("demo"))
    yield c
    c.close()


def first_new(con, scope=OFFICER):
    return vq.queue(con, scope).iloc[0]


def test_queue_holds_only_new_reports_of_the_officers_district_oldest_first(con):
    q = vq.queue(con, OFFICER)
    assert len(q) > 0 and set(q["district_code"]) == {"2706"} and set(q["status"]) == {"new"}
    assert q["received_at"].is_monotonic_increasing


def test_roles_without_a_queue_are_refused():
    with pytest.raises(PermissionError):
        vq.queue(None, Scope("analyst"))
    assert vq.act(None, Scope("governor", province_code="27"), 1, "verify", 1).code == "not_allowed"


def test_analyst_queue_has_no_contact_columns_but_an_officer_queue_does(con):
    assert "contact_phone" in vq.queue(con, OFFICER).columns
    assert vq.can_use_queue(Scope("admin"))


def test_verify_changes_status_bumps_version_and_writes_an_audit_event(con):
    r = first_new(con)
    res = vq.act(con, OFFICER, int(r.id), "verify", int(r.version), note="checked with the headman")
    assert res.ok and res.new_status == "verified" and res.new_version == r.version + 1
    h = vq.history(con, int(r.id))
    assert list(h[["actor", "action", "from_status", "to_status", "note"]].itertuples(index=False, name=None)) == [
        ("off2706", "verify", "new", "verified", "checked with the headman")]
    assert con.execute("SELECT verified_at IS NOT NULL FROM reports WHERE id = ?", [int(r.id)]).fetchone()[0]


def test_a_stale_version_is_a_conflict_and_changes_nothing(con):
    r = first_new(con)
    assert vq.act(con, OFFICER, int(r.id), "verify", int(r.version)).ok
    late = vq.act(con, OFFICER, int(r.id), "reject", int(r.version), note="spam")
    assert late.code == "conflict"
    assert con.execute("SELECT status FROM reports WHERE id = ?", [int(r.id)]).fetchone()[0] == "verified"
    assert len(vq.history(con, int(r.id))) == 1


def test_two_officers_acting_at_once_cannot_both_succeed(con):
    r = first_new(con)
    results = []

    def decide(action, extra):
        c = con.cursor()
        results.append(vq.act(c, OFFICER, int(r.id), action, int(r.version), **extra))

    threads = [threading.Thread(target=decide, args=("verify", {})),
               threading.Thread(target=decide, args=("reject", {"note": "not credible"}))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(x.ok for x in results) == [False, True]
    assert len(vq.history(con, int(r.id))) == 1


def test_forward_needs_a_known_agency_and_records_it(con):
    r = first_new(con)
    assert vq.act(con, OFFICER, int(r.id), "forward", int(r.version), agency="fbi").code == "bad_agency"
    res = vq.act(con, OFFICER, int(r.id), "forward", int(r.version), agency="immigration")
    assert res.ok
    assert con.execute("SELECT forwarded_to, status FROM reports WHERE id = ?", [int(r.id)]).fetchone() == (
        "immigration", "forwarded")


def test_reject_needs_a_reason(con):
    r = first_new(con)
    assert vq.act(con, OFFICER, int(r.id), "reject", int(r.version), note="  ").code == "missing_reason"


def test_duplicate_must_name_another_report_in_scope(con):
    q = vq.queue(con, OFFICER)
    a, b = q.iloc[0], q.iloc[1]
    assert vq.act(con, OFFICER, int(a.id), "duplicate", int(a.version), duplicate_of="NOPE").code == "bad_duplicate"
    assert vq.act(con, OFFICER, int(a.id), "duplicate", int(a.version), duplicate_of=str(a.id)).code == "bad_duplicate"
    res = vq.act(con, OFFICER, int(a.id), "duplicate", int(a.version), duplicate_of=b.ref_no)
    assert res.ok
    assert con.execute("SELECT duplicate_of FROM reports WHERE id = ?", [int(a.id)]).fetchone()[0] == int(b.id)


def test_an_officer_cannot_act_on_another_districts_report(con):
    r = first_new(con)
    assert vq.act(con, OTHER, int(r.id), "verify", int(r.version)).code == "not_found"


def test_a_closed_report_cannot_be_verified_again(con):
    r = first_new(con)
    res = vq.act(con, OFFICER, int(r.id), "reject", int(r.version), note="spam")
    assert vq.act(con, OFFICER, int(r.id), "verify", res.new_version).code == "bad_transition"


def test_the_history_reads_as_labels_in_thai_and_english_never_codes_or_none():
    import pandas as pd
    from ntswatch_geo.verification import history_labelled
    hist = pd.DataFrame({"acted_at": [pd.Timestamp("2026-11-01 10:00")] * 2, "actor": ["public", "system:guard"],
                         "action": ["created", "hold_spam"], "from_status": [None, "new"],
                         "to_status": ["new", "suspected_spam"], "note": [None, "client_flood"],
                         "agency": [None, None], "duplicate_of": [None, None]})
    th = history_labelled(hist, "th")
    assert list(th["action"]) == ["รับรายงาน", "พักไว้เพราะสงสัยว่าเป็นสแปม"]
    assert list(th["to_status"]) == ["ใหม่", "พักไว้: สงสัยว่าเป็นสแปม"] and th["from_status"][0] == "–"
    en = history_labelled(hist, "en")
    assert en["action"][1] == "held as suspected spam" and en["agency"][0] == "–"
    assert "None" not in en.astype(str).to_string() and "nan" not in th.astype(str).to_string()
