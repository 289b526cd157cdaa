"""Guarded public intake through submit_report: floods are refused or held, held and duplicate reports count in
no statistic, the genuine report afterwards reaches the queue, officers release or confirm held ones."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from ntswatch_geo import overview, trends, verification
from ntswatch_geo.db import connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.reports import guard as gd
from ntswatch_geo.reports.submit import submit_report
from ntswatch_geo.scope import Scope

NOW = dt.datetime(2026, 11, 5, 10, 0)
END = dt.date(2026, 10, 31)
DISTRICT = "3806"              # Bueng Khong Long, Bueng Kan
ANALYST = Scope(role="analyst")
OFFICER = Scope(role="district_officer", province_code="38", district_code=DISTRICT, username="off3806")
FLOOD_TEXT = "มีการขายยาบ้าที่ตลาดริมโขง ทุกคืน ตั้งแต่สองทุ่ม ขอให้ตรวจสอบด่วน"
DIFFERENT = ["เรือหางยาวขนกล่องข้ามโขงตอนตีสาม", "มีคนต่างด้าวพักในบ้านร้างหลังโรงเรียน", "รถกระบะไม่มีป้ายวิ่งเข้าออกหมู่บ้านบ่อย",
             "นายหน้าชักชวนเด็กสาวไปทำงานต่างประเทศ", "ได้รับ SMS หลอกให้โอนเงินค่าพัสดุ", "พบถุงพลาสติกบรรจุเม็ดสีส้มริมถนน",
             "มีการตั้งบ่อนพนันออนไลน์ในร้านเกม", "แรงงานถูกยึดบัตรประชาชนและไม่ได้ค่าจ้าง", "คนแปลกหน้าถ่ายรูปด่านตรวจทุกวัน",
             "มีการขนน้ำมันเถื่อนใส่แกลลอนข้ามแดน", "ชาวบ้านได้ยินเสียงเรือกลางดึกเป็นประจำ", "มีบัญชีม้ารับจ้างเปิดในหมู่บ้าน",
             "หญิงสาวถูกกักตัวในร้านคาราโอเกะ", "มีการซื้อขายสัตว์ป่าคุ้มครองที่ตลาดนัด", "วัยรุ่นมั่วสุมเสพยาในสวนยางทุกคืน"]


@pytest.fixture
def con(store_copy, monkeypatch):
    """The demo database (20,000 synthetic reports to 2026-10-31), a fresh copy per test in each store."""
    monkeypatch.setenv("NTSWATCH_CLIENT_KEY", "test-key")
    c = connect(store_copy("demo"))
    yield c
    c.close()


def flood(i: int, text: str = FLOOD_TEXT) -> dict:
    return {"category": "ยาบ้า", "occurred_date": f"{1 + i % 28:02d}/10/2569", "province": "บึงกาฬ",
            "district": "บึงโขงหลง", "description": text, "contact_consent": False}


def genuine(text: str = "มีรถตู้รับแรงงานข้ามแดนกลางดึก หลังวัดริมน้ำ", day: int = 30) -> dict:
    return {"category": "ค้ามนุษย์", "occurred_date": f"{day:02d}/10/2569", "province": "บึงกาฬ", "district": "บึงโขงหลง",
            "description": text, "contact_consent": False}


def send(con, fields, client, guard, now=NOW):
    return submit_report(con, fields, channel="online", actor="public", now=now, client=client, guard=guard)


def figures(con) -> dict:
    year = Filters(date_from=END - dt.timedelta(days=364), date_to=END)
    october = Filters(date_from=dt.date(2026, 10, 1), date_to=END, districts=(DISTRICT,))
    alerts = trends.alerts(con, Filters(date_from=dt.date(2023, 1, 1), date_to=END), ANALYST)
    return {"year": overview.kpis(con, year, ANALYST).reports,
            "october": overview.kpis(con, october, ANALYST).reports,
            "by_district": overview.by_district(con, october, ANALYST).to_dict("records"),
            "alerts": sorted(zip(alerts["district_code"], alerts["category"])) if len(alerts) else []}


def test_flood_from_one_client_is_refused_and_held_and_changes_no_count_alert_or_queue(con):
    before = figures(con)
    g = gd.IntakeGuard()
    results = [send(con, flood(i), "203.0.113.66", g) for i in range(300)]
    refused = [r for r in results if not r.ok]
    assert len(refused) == 300 - 10                       # REFUSE_LIMITS: 10 per 10 minutes
    assert {e.code for r in refused for e in r.errors} == {"rate_limited"}
    msg = refused[0].errors[0]
    assert "191" in msg.message_th and "1300" in msg.message_th and "กรุณารอ" in msg.message_th
    assert "191" in msg.message_en and refused[0].retry_after_s > 0
    # the ten stored ones are all held: the client crossed the refuse limit, its recent 'new' ones were held
    rows = con.execute("SELECT status, spam_reason, count(*) FROM reports WHERE client_hash IS NOT NULL "
                       "GROUP BY ALL ORDER BY ALL").fetchall()
    assert sum(n for *_, n in rows) == 10 and {s for s, *_ in rows} == {"suspected_spam"}
    assert {r for _, r, _ in rows} == {"client_flood", "client_rate"}
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0   # refusals store nothing
    # the genuine citizen afterwards, from another address, is new and first of today's in the queue
    real = send(con, genuine(), "192.0.2.10", g)
    assert real.ok and con.execute("SELECT status FROM reports WHERE id = ?", [real.report_id]).fetchone()[0] == "new"
    q = verification.queue(con, OFFICER, limit=100_000)
    assert q["id"].iloc[-1] == real.report_id and not q["status"].isin(["suspected_spam"]).any()
    after = figures(con)                      # the flood: nothing; the genuine report: one, in its district
    assert after["alerts"] == before["alerts"] and before["year"] > 0
    assert after["year"] == before["year"] + 1 and after["october"] == before["october"] + 1
    assert {r["code"]: r["reports"] for r in after["by_district"]}[DISTRICT] == \
        {r["code"]: r["reports"] for r in before["by_district"]}.get(DISTRICT, 0) + 1


def test_copied_text_from_many_clients_is_held_after_the_third(con):
    g = gd.IntakeGuard()
    text = "ด่วน! มีการลักลอบขนยาบ้าผ่านท่าเรือบ้านนี้ทุกคืน แจ้งเจ้าหน้าที่ตรวจด่วน"
    res = [send(con, flood(i, text), f"198.51.100.{i}", g) for i in range(8)]
    assert all(r.ok for r in res)
    status = [con.execute("SELECT status, spam_reason FROM reports WHERE id = ?", [r.report_id]).fetchone()
              for r in res]
    assert [s for s, _ in status[:3]] != ["suspected_spam"] * 3
    assert status[3:] == [("suspected_spam", "near_duplicate")] * 5


def test_a_surge_about_one_district_and_category_from_many_clients_is_held_and_other_reports_pass(con):
    g = gd.IntakeGuard()
    res = [send(con, flood(i, DIFFERENT[i]), f"198.51.100.{i}", g) for i in range(13)]
    held = [con.execute("SELECT spam_reason FROM reports WHERE id = ?", [r.report_id]).fetchone()[0] for r in res]
    assert held == [None] * gd.SURGE_COUNT + ["surge"] * 3
    other = send(con, genuine(), "198.51.100.99", g)          # another category in the same district: passes
    assert con.execute("SELECT status FROM reports WHERE id = ?", [other.report_id]).fetchone()[0] == "new"
    later = send(con, flood(20, DIFFERENT[14]), "198.51.100.98", g, now=NOW + dt.timedelta(hours=2))
    assert con.execute("SELECT spam_reason FROM reports WHERE id = ?", [later.report_id]).fetchone()[0] is None


def test_flood_rule_on_stored_reports_holds_across_a_restart(con):
    """Layer 2 needs no memory: a new guard (a restarted server) still holds the sixth report in ten minutes."""
    for i in range(5):
        assert send(con, flood(i, DIFFERENT[i]), "203.0.113.9",
                    gd.IntakeGuard()).ok
    sixth = send(con, genuine(), "203.0.113.9", gd.IntakeGuard())
    assert con.execute("SELECT status, spam_reason FROM reports WHERE id = ?", [sixth.report_id]).fetchone() == (
        "suspected_spam", "client_flood")
    later = send(con, genuine("อีกเรื่องหนึ่ง หลังจากนั้นหนึ่งชั่วโมง มีเรือข้ามฟากกลางคืน", day=12), "203.0.113.9",
                 gd.IntakeGuard(), now=NOW + dt.timedelta(hours=1))
    assert con.execute("SELECT status FROM reports WHERE id = ?", [later.report_id]).fetchone()[0] == "new"


def test_held_and_duplicate_reports_count_in_no_statistic_until_released(con):
    f = Filters(date_from=dt.date(2026, 10, 1), date_to=END, districts=(DISTRICT,))
    n0 = overview.kpis(con, f, ANALYST).reports
    g = gd.IntakeGuard(hold="1 per minute")                  # the second report from one client is held
    first = send(con, genuine("รายงานแรก มีการขนแรงงานข้ามแดนตอนตีสอง"), "198.51.100.1", g)
    held = send(con, genuine("รายงานที่สอง คนละเหตุการณ์ เรือขนของเถื่อน", day=20), "198.51.100.1", g)
    dup = submit_report(con, genuine("รายงานแรก มีการขนแรงงานข้ามแดนตอนตีสอง"), channel="mwcc_office",
                        actor="off3806", now=NOW, scope=OFFICER)
    assert dup.duplicate_of == first.report_id
    assert overview.kpis(con, f, ANALYST).reports == n0 + 1          # the held one and the duplicate: not counted
    version = con.execute("SELECT version FROM reports WHERE id = ?", [held.report_id]).fetchone()[0]
    res = verification.act(con, OFFICER, held.report_id, "release", version)
    assert res.ok and res.new_status == "new"
    assert overview.kpis(con, f, ANALYST).reports == n0 + 2
    trail = verification.history(con, held.report_id)
    assert list(trail["action"]) == ["created", "release"] and trail["to_status"].iloc[0] == "suspected_spam"


def test_confirmed_spam_stays_out_and_a_held_repeat_is_released_as_duplicate(con):
    g = gd.IntakeGuard(hold="1 per minute")
    first = send(con, genuine("เหตุการณ์เดียวกัน รถตู้สีขาว"), "198.51.100.1", g)
    again = send(con, genuine("เหตุการณ์เดียวกัน รถตู้สีขาว"), "198.51.100.1", g)        # held and a duplicate
    spam = send(con, genuine("โฆษณา เว็บพนัน สมัครเลย", day=21), "198.51.100.1", g)
    row = con.execute("SELECT status, duplicate_of, version FROM reports WHERE id = ?", [again.report_id]).fetchone()
    assert row[:2] == ("suspected_spam", first.report_id)
    assert verification.act(con, OFFICER, again.report_id, "release", row[2]).new_status == "duplicate"
    v = con.execute("SELECT version FROM reports WHERE id = ?", [spam.report_id]).fetchone()[0]
    assert verification.act(con, OFFICER, spam.report_id, "confirm_spam", v).new_status == "spam"
    assert verification.act(con, OFFICER, spam.report_id, "release", v + 1).code == "bad_transition"
    analyst = verification.act(con, ANALYST, first.report_id, "release", 1)
    assert not analyst.ok and analyst.code == "not_allowed"
    other = Scope(role="district_officer", province_code="27", district_code="2706", username="off2706")
    assert verification.act(con, other, spam.report_id, "release", v + 1).code == "not_found"


def test_oversized_submission_is_refused_before_anything_is_stored(con):
    res = send(con, genuine("x" * 20_000), "198.51.100.7", gd.IntakeGuard())
    assert not res.ok and res.errors[0].code == "too_large" and "12,000" in res.errors[0].message_en
    assert con.execute("SELECT (SELECT count(*) FROM quarantine), (SELECT count(*) FROM reports "
                       "WHERE NOT is_synthetic)").fetchone() == (0, 0)


def test_quarantine_keeps_long_raw_values_cut(con):
    res = send(con, genuine("ก" * 6_000) | {"category": None}, "198.51.100.8", gd.IntakeGuard())
    assert not res.ok
    raw = json.loads(con.execute("SELECT raw_json FROM quarantine").fetchone()[0])
    assert len(raw["description"]) < gd.RAW_KEEP_CHARS + 40 and "6,000" in raw["description"]


def test_client_address_is_stored_only_as_a_keyed_hash(con):
    res = send(con, genuine(), "203.0.113.77", gd.IntakeGuard())
    stored = con.execute("SELECT client_hash FROM reports WHERE id = ?", [res.report_id]).fetchone()[0]
    assert stored == gd.client_key("203.0.113.77") and "203.0.113" not in stored
    dump = con.execute("SELECT string_agg(CAST(r AS VARCHAR), ' ') FROM reports r WHERE NOT is_synthetic").fetchone()[0]
    assert "203.0.113.77" not in dump


def test_office_and_import_channels_are_not_rate_limited(con):
    g = gd.IntakeGuard(hold="1 per minute", refuse="1 per minute", global_refuse="1 per minute")
    for i in range(5):
        r = submit_report(con, genuine(DIFFERENT[i]), channel="mwcc_office",
                          actor="off3806", now=NOW, scope=OFFICER, client="192.0.2.50", guard=g)
        assert r.ok
    assert con.execute("SELECT count(*) FROM reports WHERE status = 'suspected_spam'").fetchone()[0] == 0


def test_loopback_visitors_share_no_client_bucket(con):
    """Behind an unnamed proxy every visitor is 127.0.0.1: counting them as one client would refuse the public."""
    g = gd.IntakeGuard()
    cats = ["ยาบ้า", "ค้ามนุษย์", "หลบหนีเข้าเมือง", "สินค้าเถื่อน", "แก๊งคอลเซ็นเตอร์"]
    res = [send(con, genuine(DIFFERENT[i], day=1 + i) | {"category": cats[i % 5]}, "127.0.0.1", g) for i in range(15)]
    assert all(r.ok for r in res)
    assert con.execute("SELECT count(*) FROM reports WHERE status = 'suspected_spam'").fetchone()[0] == 0
