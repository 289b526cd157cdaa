"""The public status of a report by reference number: four public states, nothing personal, rate-limited."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ntswatch_geo import status
from ntswatch_geo.db import connect
from ntswatch_geo.reports.guard import LookupGuard, client_key
from ntswatch_geo.reports.submit import submit_report

NOW = dt.datetime(2026, 11, 26, 10, 0)          # Bangkok time; BE 2569
SECRET_TEXT = "สมชาย ใจดี ขนยาบ้าที่บ้านนาโพธิ์"


@pytest.fixture(scope="module")
def con(module_store_copy):
    c = connect(module_store_copy("geo"))
    yield c
    c.close()


@pytest.fixture
def free():
    """A guard with room for every lookup of a test."""
    return LookupGuard(per_client="1000 per minute", global_limit="1000 per minute")


def stored(con, status_=None, **over) -> tuple[int, str]:
    fields = {"category": "drug_trafficking", "occurred_date": "15/11/2569", "district": "4301",
              "description": SECRET_TEXT, "place_text": "บ้านนาโพธิ์ หมู่ 3", "contact_name": "สมชาย ใจดี",
              "contact_phone": "0812345678", "contact_consent": True}
    fields.update(over)
    res = submit_report(con, fields, channel="online", actor="public", now=NOW, guard=False)
    assert res.ok, res.errors
    if status_:
        con.execute("UPDATE reports SET status = ?, forwarded_to = ? WHERE id = ?",
                    [status_, "oncb" if status_ == "forwarded" else None, res.report_id])
    return res.report_id, res.ref_no


@pytest.mark.parametrize("stored_status, shown", [
    ("new", "received"), ("suspected_spam", "received"), ("verified", "verified"),
    ("forwarded", "forwarded"), ("rejected", "closed"), ("spam", "closed")])
def test_each_stored_status_is_shown_as_its_public_state_with_the_received_date(con, free, stored_status, shown):
    _, ref = stored(con, stored_status, description=f"{SECRET_TEXT} {stored_status}")
    answer = status.lookup(con, ref, guard=free)
    assert answer.ok and answer.state == shown and answer.ref_no == ref
    assert answer.received_on == NOW.date()


def test_a_held_suspected_spam_report_answers_exactly_like_a_new_one(con, free):
    _, new_ref = stored(con, description="รายงานใหม่ 1")
    _, held_ref = stored(con, "suspected_spam", description="รายงานใหม่ 2")
    new, held = status.lookup(con, new_ref, guard=free), status.lookup(con, held_ref, guard=free)
    assert dataclasses.replace(held, ref_no=new_ref) == new


def test_a_duplicate_shows_the_state_of_the_report_it_was_merged_into(con, free):
    original, _ = stored(con, "forwarded", description="ต้นเรื่อง")
    dup, dup_ref = stored(con, description="เรื่องซ้ำ")
    con.execute("UPDATE reports SET status = 'duplicate', duplicate_of = ? WHERE id = ?", [original, dup])
    assert status.lookup(con, dup_ref, guard=free).state == "forwarded"
    con.execute("UPDATE reports SET status = 'suspected_spam' WHERE id = ?", [original])
    assert status.lookup(con, dup_ref, guard=free).state == "received"


def test_the_answer_holds_nothing_personal_or_identifying(con, free):
    _, ref = stored(con, "forwarded", description="ข้อความลับ", officer="ปลัดอำเภอ สมศักดิ์")
    answer = status.lookup(con, ref, guard=free)
    assert {f.name for f in dataclasses.fields(answer)} == {"ref_no", "received_on", "state", "problem",
                                                           "retry_after_s"}
    text = repr(answer)
    for secret in ("ข้อความลับ", "บ้านนาโพธิ์", "สมชาย", "0812345678", "4301", "oncb", "สมศักดิ์", "drug"):
        assert secret not in text


@pytest.mark.parametrize("typed", ["nts-2569-{n:06d}", " NTS 2569 {n} ", "NTS2569{n:06d}", "NTS–2569–{n:06d}",
                                   "NTS-๒๕๖๙-{th}"])
def test_a_reference_is_found_however_it_is_typed(con, free, typed):
    rid, ref = stored(con, description=f"พิมพ์แบบ {typed}")
    th = str(rid).zfill(6).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    answer = status.lookup(con, typed.format(n=rid, th=th), guard=free)
    assert answer.ok and answer.ref_no == ref


def test_an_unknown_reference_says_so_and_a_malformed_one_is_not_looked_up(con, free):
    assert status.lookup(con, "NTS-2569-999999", guard=free) == status.StatusAnswer(
        ref_no="NTS-2569-999999", problem="unknown")
    for bad in ("2569-000123", "NTS-69-000123", "NTS-2569-", "'; DROP TABLE reports; --", "", None):
        answer = status.lookup(con, bad, guard=free)
        assert answer.problem == "malformed" and answer.state is None and answer.ref_no is None


def test_lookups_beyond_the_per_client_limit_are_refused_with_the_wait(con):
    _, ref = stored(con, description="นับจำนวนครั้ง")
    guard = LookupGuard(per_client="3 per 10 minutes", global_limit="1000 per minute")
    answers = [status.lookup(con, ref, client="203.0.113.9", guard=guard) for _ in range(4)]
    assert [a.ok for a in answers] == [True, True, True, False]
    assert answers[3].problem == "rate_limited" and 0 < answers[3].retry_after_s <= 600
    assert answers[3].state is None and answers[3].ref_no is None
    assert status.lookup(con, ref, client="198.51.100.7", guard=guard).ok      # another client is not slowed
    assert client_key("203.0.113.9") != client_key("198.51.100.7")


def test_malformed_lookups_count_too_and_the_global_cap_covers_visitors_without_a_key(con):
    guard = LookupGuard(per_client="2 per minute", global_limit="5 per minute")
    assert [status.lookup(con, "x", client="203.0.113.10", guard=guard).problem for _ in range(3)] == [
        "malformed", "malformed", "rate_limited"]
    # localhost has no client key: only the global cap (2 of its 5 were spent above; a refused one is not counted)
    assert [status.lookup(con, "x", client="127.0.0.1", guard=guard).problem for _ in range(4)] == [
        "malformed", "malformed", "malformed", "rate_limited"]
