"""submit_report: the form path — validate, normalise, locate, dedupe, store — on a real geography database."""
from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from ntswatch_geo.db import connect
from ntswatch_geo.reports.submit import DESCRIPTION_LIMIT, TEXT_LIMIT, FieldError, SubmitResult, submit_report

NOW = dt.datetime(2026, 11, 26, 10, 0)          # Bangkok time; BE 2569
BAN_PHAENG = ("17.87651", "104.22671")          # inside Ban Phaeng (4804), Nakhon Phanom
THA_UTHEN = ("17.62711", "104.44883")           # inside Tha Uthen (4803)
VIENTIANE = ("17.9757", "102.6331")             # across the Mekong, in Laos


@pytest.fixture(scope="module")
def module_con(module_store_copy):
    """One copy of the geography database per module and store (copying and opening it per test costs ~0.5 s)."""
    c = connect(module_store_copy("geo"))
    yield c
    c.close()


@pytest.fixture
def con(module_con):
    """The module's database with no reports, quarantine rows, audit events or batches."""
    for table in ("reports", "quarantine", "audit_events", "import_batches"):
        module_con.execute(f"DELETE FROM {table}")
    return module_con


def base(**over) -> dict:
    f = {"category": "ยาบ้า", "occurred_date": "15/01/2567", "lat": BAN_PHAENG[0], "lon": BAN_PHAENG[1]}
    f.update(over)
    return f


def submit(con, fields, channel="online", actor="web-form", now=NOW) -> SubmitResult:
    return submit_report(con, fields, channel=channel, actor=actor, now=now)


def codes(res: SubmitResult) -> dict[str, str]:
    return {e.field: e.code for e in res.errors}


def test_an_office_report_is_stored_with_ref_no_status_audit_and_contact(con):
    res = submit(con, base(occurred_time="13.45 น.", description="พบการขนยาบ้า", contact_name="สมชาย ใจดี",
                           contact_phone="0812345678", contact_consent=True, intake_method="walk_in",
                           reporter_type="citizen", officer="ปลัดอำเภอ สมศักดิ์", district="บ้านแพง",
                           province="นครพนม", subdistrict="บ้านแพง"),
                 channel="mwcc_office", actor="off4804")
    assert res.ok and res.errors == () and res.duplicate_of is None
    assert res.ref_no == f"NTS-2569-{res.report_id:06d}"
    row = con.execute("""SELECT status, received_at, occurred_date, occurred_time, occurred_precision, category,
                                channel, source, is_synthetic, district_code, province_code, subdistrict_code,
                                location_precision, district_confidence, contact_name, contact_phone,
                                contact_consent, officer, intake_method, reporter_type, ref_no
                         FROM reports WHERE id = ?""", [res.report_id]).fetchone()
    assert row == ("new", NOW, dt.date(2024, 1, 15), dt.time(13, 45), "exact", "drug_trafficking", "mwcc_office",
                   "mwcc", False, "4804", "48", "480401", "point", 1.0, "สมชาย ใจดี", "0812345678", True,
                   "ปลัดอำเภอ สมศักดิ์", "walk_in", "citizen", res.ref_no)
    audit = con.execute("SELECT action, actor, to_status, acted_at FROM audit_events WHERE report_id = ?",
                        [res.report_id]).fetchall()
    assert audit == [("created", "off4804", "new", NOW)]
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0


def test_an_online_report_is_source_web_with_intake_web(con):
    res = submit(con, base())
    assert con.execute("SELECT source, channel, intake_method, occurred_precision FROM reports WHERE id = ?",
                       [res.report_id]).fetchone() == ("web", "online", "web", "day")


def test_contact_details_are_dropped_without_consent(con):
    res = submit(con, base(contact_name="สมหญิง", contact_phone="0899999999", contact_consent=False))
    assert res.ok and [w.code for w in res.warnings] == ["contact_dropped"]
    assert con.execute("SELECT contact_name, contact_phone, contact_consent FROM reports").fetchone() == (
        None, None, False)


def test_a_rejected_submission_stores_nothing_in_reports_and_is_kept_in_quarantine(con):
    res = submit(con, {"category": "ขโมยควาย", "occurred_date": "30/02/2567", "lat": VIENTIANE[0],
                       "lon": VIENTIANE[1], "contact_name": "สมชาย", "description": "x"})
    assert not res.ok and res.report_id is None and res.ref_no is None
    assert codes(res) == {"category": "unknown_category", "occurred_date": "invalid_date", "lat": "outside_thailand"}
    assert all(isinstance(e, FieldError) and e.message_th and e.message_en for e in res.errors)
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
    batch, raw, reasons = con.execute("SELECT batch_id, raw_json, reasons_json FROM quarantine").fetchone()
    assert batch is None
    raw = json.loads(raw)
    assert raw["category"] == "ขโมยควาย" and raw["contact_name"] == "[withheld: no consent]"
    assert {r["code"] for r in json.loads(reasons)} == {"unknown_category", "invalid_date", "outside_thailand"}


def test_an_empty_submission_says_what_is_required(con):
    res = submit(con, {})
    assert codes(res) == {"category": "missing", "occurred_date": "missing", "location": "no_location"}


@pytest.mark.parametrize("fields, field, code", [
    (base(occurred_date="15/01/2570"), "occurred_date", "future"),
    (base(occurred_date="15/01/2657"), "occurred_date", "out_of_range"),
    (base(occurred_date="ไม่ทราบ"), "occurred_date", "invalid_date"),
    (base(occurred_time="25:99"), "occurred_time", "invalid_time"),
    (base(lat="0", lon="0"), "lat", "outside_thailand"),
    (base(lat=VIENTIANE[0], lon=VIENTIANE[1]), "lat", "outside_thailand"),
    (base(lat="48.85", lon="102.5"), "lat", "outside_thailand"),     # Paris's latitude: on the latitude
    (base(lat="17.5", lon="2.35"), "lon", "outside_thailand"),       # Paris's longitude: on the longitude
    (base(lat="abc"), "lat", "invalid_coordinate"),
    (base(lon=None), "lon", "invalid_coordinate"),
    (base(lat=None, lon=None, district="อำเภอไม่มีจริง"), "district", "unknown_district"),
    (base(lat=None, lon=None, district="เมือง"), "district", "ambiguous"),
    (base(lat=None, lon=None, district="Ban Phaeng", province="Sakon Nakhon"), "district", "unknown_district"),
    (base(lat=None, lon=None), "location", "no_location"),
    (base(lat=None, lon=None, province="นครพนม"), "province", "no_location"),
    (base(intake_method="pigeon"), "intake_method", "invalid_choice"),
    (base(category=None), "category", "missing"),
])
def test_each_refusal_names_the_field_and_the_reason(con, fields, field, code):
    res = submit(con, fields)
    assert not res.ok and codes(res) == {field: code}
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1


def test_text_is_trimmed_length_limited_and_html_is_kept_as_text(con):
    ok = submit(con, base(description="  <script>alert(1)</script>  ", place_text='=HYPERLINK("http://x","y")'))
    assert con.execute("SELECT description, place_text FROM reports WHERE id = ?", [ok.report_id]).fetchone() == (
        "<script>alert(1)</script>", '=HYPERLINK("http://x","y")')
    assert submit(con, base(description="ก" * DESCRIPTION_LIMIT, occurred_date="16/01/2567")).ok
    long_ = submit(con, base(description="ก" * (DESCRIPTION_LIMIT + 1)))
    assert codes(long_) == {"description": "too_long"} and "5,000" in long_.errors[0].message_en
    long_place = submit(con, base(place_text="x" * (TEXT_LIMIT + 1)))
    assert codes(long_place) == {"place_text": "too_long"} and "200" in long_place.errors[0].message_en


def test_a_district_without_coordinates_is_placed_at_its_centroid(con):
    res = submit(con, base(lat=None, lon=None, district="Ban Phaeng", province="Nakorn Panom"))
    row = con.execute("""SELECT r.district_code, r.location_precision, r.district_confidence, r.lat, r.lon,
                                r.lat = d.centroid_lat AND r.lon = d.centroid_lon
                         FROM reports r JOIN districts d ON d.code = r.district_code WHERE r.id = ?""",
                      [res.report_id]).fetchone()
    assert row[:3] == ("4804", "district", 1.0) and row[5]


def test_a_point_and_a_disagreeing_district_keep_the_point_with_a_warning(con):
    res = submit(con, base(lat=THA_UTHEN[0], lon=THA_UTHEN[1], district="บ้านแพง", province="นครพนม"))
    assert res.ok and [w.code for w in res.warnings] == ["district_mismatch"]
    assert con.execute("SELECT district_code FROM reports").fetchone()[0] == "4803"
    note = con.execute("SELECT note FROM audit_events").fetchone()[0]
    assert "district_mismatch" in note


def test_swapped_latitude_and_longitude_are_corrected_and_flagged(con):
    res = submit(con, base(lat=BAN_PHAENG[1], lon=BAN_PHAENG[0]))
    assert res.ok and [w.code for w in res.warnings] == ["swapped_lat_lon"]
    assert con.execute("SELECT district_code, lat, lon FROM reports").fetchone() == ("4804", 17.87651, 104.22671)
    assert "swapped_lat_lon" in con.execute("SELECT note FROM audit_events").fetchone()[0]


def test_dms_and_thai_digit_coordinates(con):
    assert submit(con, base(lat="17°52'35\"N", lon="104°13'36\"E")).ok
    assert submit(con, base(lat="๑๗.๖๒๗๑๑", lon="๑๐๔.๔๔๘๘๓", occurred_date="๑๖/๐๑/๒๕๖๗")).ok
    assert [r[0] for r in con.execute("SELECT district_code FROM reports ORDER BY id").fetchall()] == ["4804", "4803"]


def test_dates_and_flags_from_widgets(con):
    res = submit(con, base(occurred_date=dt.date(2024, 1, 15), occurred_approx=True))
    assert con.execute("SELECT occurred_date, occurred_precision FROM reports WHERE id = ?",
                       [res.report_id]).fetchone() == (dt.date(2024, 1, 15), "approximate")


def test_likely_duplicates_are_flagged_not_dropped(con):
    first = submit(con, base())
    near = submit(con, base(lat="17.87700", lon="104.22700"))              # about 60 m away, same day
    far = submit(con, base(lat="17.87651", lon="104.22971"))               # about 320 m away
    other_day = submit(con, base(occurred_date="16/01/2567"))
    other_cat = submit(con, base(category="บุหรี่"))
    by_district = submit(con, base(lat=None, lon=None, district="บ้านแพง", province="นครพนม"))
    assert near.duplicate_of == first.report_id
    assert far.duplicate_of is None and other_day.duplicate_of is None and other_cat.duplicate_of is None
    assert by_district.duplicate_of == first.report_id                     # district precision: same district
    statuses = dict(con.execute("SELECT id, status FROM reports").fetchall())
    assert statuses[near.report_id] == "duplicate" and statuses[first.report_id] == "new"
    assert con.execute("SELECT duplicate_of FROM audit_events WHERE report_id = ?",
                       [near.report_id]).fetchone()[0] == first.report_id


def test_rejected_and_synthetic_reports_are_not_duplicate_targets(con):
    first = submit(con, base())
    con.execute("UPDATE reports SET status = 'rejected' WHERE id = ?", [first.report_id])
    assert submit(con, base()).duplicate_of is None
    con.execute("UPDATE reports SET is_synthetic = true")
    assert submit(con, base()).duplicate_of is None


def test_bad_calls_are_programming_errors(con):
    with pytest.raises(ValueError):
        submit(con, base(colour="red"))
    with pytest.raises(ValueError):
        submit_report(con, base(), channel="fax", actor="x")


def test_concurrent_submissions_from_threads_are_all_stored_once(con):
    threads, per = 8, 40
    errors: list[BaseException] = []
    results: list[SubmitResult] = []
    lock = threading.Lock()

    def work(k: int) -> None:
        cur = con.cursor()
        try:
            for i in range(per):
                lat = 17.80 + 0.002 * i                                    # Ban Phaeng / Tha Uthen area
                lon = 104.15 + 0.003 * k
                res = submit_report(cur, base(lat=f"{lat:.5f}", lon=f"{lon:.5f}", category="smuggling",
                                              description=f"thread {k} report {i}"),
                                    channel="online", actor=f"t{k}", now=NOW)
                with lock:
                    results.append(res)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            cur.close()

    ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert len(results) == threads * per and all(r.ok for r in results)
    n, ids, refs = con.execute("SELECT count(*), count(DISTINCT id), count(DISTINCT ref_no) FROM reports").fetchone()
    assert n == ids == refs == threads * per
    assert sorted(r.report_id for r in results) == [r[0] for r in con.execute("SELECT id FROM reports ORDER BY id")
                                                    .fetchall()]
    assert con.execute("SELECT count(DISTINCT report_id) FROM audit_events").fetchone()[0] == threads * per


def test_names_written_in_the_place_text_locate_a_report_without_other_location(con):
    res = submit(con, base(lat=None, lon=None, place_text="ริมโขง บ.ท่าเรือ อ.บ้านแพง จ.นครพนม"))
    assert res.ok
    assert con.execute("SELECT district_code, location_precision FROM reports").fetchone() == ("4804", "district")


def test_a_subdistrict_alone_gives_its_district(con):
    res = submit(con, base(lat=None, lon=None, subdistrict="บ้านแพง", province="นครพนม"))
    assert res.ok
    assert con.execute("SELECT district_code, subdistrict_code FROM reports").fetchone() == ("4804", "480401")



def test_an_officer_typing_coordinates_in_another_province_is_refused_and_the_row_kept_in_quarantine(con):
    from ntswatch_geo.scope import Scope

    officer = Scope("district_officer", province_code="27", district_code="2706", username="off2706")
    before = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    # Si Mueang Mai (Ubon Ratchathani): coordinates a district officer of Aranyaprathet typed
    res = submit_report(con, base(lat="15.50", lon="105.35"), channel="mwcc_office", actor="off2706", now=NOW,
                        scope=officer)
    assert not res.ok and codes(res) == {"district": "outside_scope"}
    err = next(e for e in res.errors if e.field == "district")
    assert "outside your district" in err.message_en and "Aranyaprathet (2706) only" in err.message_en
    assert "อรัญประเทศ" in err.message_th
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == before
    assert con.execute("SELECT count(*) FROM quarantine WHERE reasons_json LIKE '%outside_scope%'").fetchone()[0] >= 1
    # the same officer in the own district is stored
    ok = submit_report(con, base(lat="13.69", lon="102.50", district="อรัญประเทศ"), channel="mwcc_office",
                       actor="off2706", now=NOW, scope=officer)
    assert ok.ok, ok.errors
