"""The verification queue's order, pages, count of all matching and search; the scope is never widened.
Package level on the demo database plus reports entered now, and the page through AppTest."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from ntswatch_geo import audit
from ntswatch_geo import verification as vq
from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.db import connect
from ntswatch_geo.reports.submit import submit_report
from ntswatch_geo.scope import Scope

OFFICER = Scope("district_officer", province_code="27", district_code="2706", username="off2706")
OTHER = Scope("district_officer", province_code="23", district_code="2302", username="off2302")
ADMIN = Scope("admin", username="root")
APP = str(PROJECT_ROOT / "app.py")


def enter(con, district: str, province: str, desc: str, place: str | None = None,
          day: dt.date = dt.date(2026, 11, 20)) -> str:
    """A report entered at the office a minute ago; its reference number."""
    res = submit_report(con, {"category": "human_trafficking", "occurred_date": day, "province": province,
                              "district": district, "description": desc, "place_text": place,
                              "intake_method": "walk_in"},
                        channel="mwcc_office", actor="test", now=audit.now_local() - dt.timedelta(minutes=1))
    assert res.ok, res.errors
    return res.ref_no


@pytest.fixture
def db(store_copy):
    path = store_copy("demo")
    con = connect(path)
    refs = {
        "fresh": enter(con, "2706", "27", "พบรถตู้สีม่วงลายจุดรับแรงงานข้ามแดน", "ซอยมะลิวัลย์หลังตลาด"),
        "percent": enter(con, "2706", "27", "ค่านายหน้า 50% ของค่าแรง", day=dt.date(2026, 11, 1)),
        "underscore": enter(con, "2706", "27", "บัญชี line_id ของนายหน้า", day=dt.date(2026, 11, 2)),
        "other": enter(con, "2302", "23", "แรงงานข้ามแดนที่ช่องทางธรรมชาติคลองใหญ่"),
    }
    con.close()
    return path, refs


@pytest.fixture
def con(db):
    c = connect(db[0])
    yield c
    c.close()


def refs_of(df) -> list[str]:
    return list(df["ref_no"])


def test_the_total_counts_every_matching_report_in_scope_not_just_the_page(con):
    everything = vq.queue(con, OFFICER, page_size=100_000)
    n = con.execute("SELECT count(*) FROM reports WHERE status = 'new' AND district_code = '2706'").fetchone()[0]
    assert n > 50 and len(everything) == n and everything.attrs["total"] == n
    first = vq.queue(con, OFFICER, page_size=50)
    assert len(first) == 50 and first.attrs["total"] == n and first.attrs["pages"] == -(-n // 50)


def test_pages_follow_each_other_without_gap_or_overlap_and_a_page_past_the_end_is_the_last(con):
    everything = refs_of(vq.queue(con, OFFICER, page_size=100_000))
    n, size = len(everything), 20
    pages = [vq.queue(con, OFFICER, page_size=size, page=p) for p in range(1, -(-n // size) + 1)]
    assert sum((refs_of(p) for p in pages), []) == everything
    assert [p.attrs["page"] for p in pages] == list(range(1, len(pages) + 1))
    assert len(pages[-1]) == n - size * (len(pages) - 1)
    beyond = vq.queue(con, OFFICER, page_size=size, page=len(pages) + 5)
    assert beyond.attrs["page"] == len(pages) and refs_of(beyond) == refs_of(pages[-1])
    assert vq.queue(con, OFFICER, page_size=size, page=0).attrs["page"] == 1


def test_newest_first_puts_the_report_entered_a_minute_ago_on_top(con, db):
    newest = vq.queue(con, OFFICER, page_size=50, newest_first=True)
    assert newest["received_at"].is_monotonic_decreasing
    assert refs_of(newest)[:3] == [db[1]["underscore"], db[1]["percent"], db[1]["fresh"]]
    oldest = vq.queue(con, OFFICER, page_size=50)
    assert oldest["received_at"].is_monotonic_increasing and db[1]["fresh"] not in refs_of(oldest)


@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "{ref_spaced}", "{tail}", "{tail_thai}"])
def test_a_reference_number_is_found_whole_partial_in_any_case_spacing_or_thai_digits(con, db, typed):
    ref = db[1]["fresh"]                                        # NTS-2569-0xxxxx
    tail = ref.split("-")[-1]
    text = typed.format(ref=ref, ref_lower=ref.lower(), ref_spaced=ref.replace("-", " "), tail=tail[-4:],
                        tail_thai=tail.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")))
    found = vq.queue(con, OFFICER, search=vq.QueueSearch(ref=text))
    assert ref in refs_of(found) and found.attrs["total"] == len(found)
    assert set(found["district_code"]) == {"2706"}


def test_a_year_prefix_finds_that_years_references_and_no_synthetic_one(con, db):
    found = vq.queue(con, OFFICER, search=vq.QueueSearch(ref="NTS-2569"))
    assert sorted(refs_of(found)) == sorted(db[1][k] for k in ("fresh", "percent", "underscore"))


def test_district_is_found_by_code_thai_name_with_prefix_or_part_of_the_english_name(con):
    n2706 = vq.queue(con, ADMIN, page_size=1).attrs["total"]
    for typed in ("2706", "อ.อรัญประเทศ", "อรัญ", "aranya", "Aranyaprathet District"):
        found = vq.queue(con, ADMIN, page_size=100_000, search=vq.QueueSearch(district=typed))
        assert set(found["district_code"]) == {"2706"}, typed
        assert 0 < found.attrs["total"] < n2706
    assert vq.queue(con, ADMIN, search=vq.QueueSearch(district="nowhere")).attrs["total"] == 0


def test_incident_dates_are_an_inclusive_range_and_may_be_given_either_way_round(con, db):
    lo, hi = dt.date(2026, 11, 1), dt.date(2026, 11, 2)
    for a, b in ((lo, hi), (hi, lo)):
        found = vq.queue(con, OFFICER, search=vq.QueueSearch(date_from=a, date_to=b))
        assert sorted(refs_of(found)) == sorted([db[1]["percent"], db[1]["underscore"]])
    since = vq.queue(con, OFFICER, page_size=100_000, search=vq.QueueSearch(date_from=dt.date(2026, 11, 3)))
    assert refs_of(since) == [db[1]["fresh"]]
    until = vq.queue(con, OFFICER, page_size=100_000, search=vq.QueueSearch(date_to=dt.date(2026, 10, 31)))
    assert until.attrs["total"] > 0 and (until["occurred_date"].dt.date <= dt.date(2026, 10, 31)).all()


def test_text_is_searched_in_the_description_and_the_place_and_combines_with_the_rest(con, db):
    assert refs_of(vq.queue(con, OFFICER, search=vq.QueueSearch(text="สีม่วงลายจุด"))) == [db[1]["fresh"]]
    assert refs_of(vq.queue(con, OFFICER, search=vq.QueueSearch(text="มะลิวัลย์"))) == [db[1]["fresh"]]
    both = vq.QueueSearch(text="มะลิวัลย์", date_to=dt.date(2026, 11, 2))
    assert vq.queue(con, OFFICER, search=both).attrs["total"] == 0


def test_percent_and_underscore_typed_by_a_user_are_literal_characters(con, db):
    assert refs_of(vq.queue(con, OFFICER, search=vq.QueueSearch(text="50%"))) == [db[1]["percent"]]
    assert refs_of(vq.queue(con, OFFICER, search=vq.QueueSearch(text="line_id"))) == [db[1]["underscore"]]
    assert vq.queue(con, OFFICER, search=vq.QueueSearch(text="%")).attrs["total"] == 1
    assert vq.queue(con, OFFICER, search=vq.QueueSearch(text="_")).attrs["total"] == 1
    assert vq.queue(con, OFFICER, search=vq.QueueSearch(text="line%id")).attrs["total"] == 0
    assert vq.queue(con, OFFICER, search=vq.QueueSearch(ref="%")).attrs["total"] == 0
    assert vq.like_pattern("a\\%_") == "%a\\\\\\%\\_%"


def test_a_search_never_widens_the_scope(con, db):
    other = db[1]["other"]
    assert refs_of(vq.queue(con, OTHER, search=vq.QueueSearch(ref=other))) == [other]
    for search in (vq.QueueSearch(ref=other), vq.QueueSearch(district="2302"), vq.QueueSearch(district="คลองใหญ่"),
                   vq.QueueSearch(text="ช่องทางธรรมชาติคลองใหญ่")):
        found = vq.queue(con, OFFICER, page_size=100_000, search=search)
        assert found.attrs["total"] == 0 and other not in refs_of(found), search
    assert other in refs_of(vq.queue(con, ADMIN, search=vq.QueueSearch(ref=other)))


def test_blank_search_fields_are_no_condition(con):
    plain = vq.queue(con, OFFICER, page_size=10)
    blank = vq.queue(con, OFFICER, page_size=10, search=vq.QueueSearch(ref="  ", district="", text=" "))
    assert vq.QueueSearch(ref=" ", text="").empty and refs_of(blank) == refs_of(plain)
    assert blank.attrs["total"] == plain.attrs["total"]


# -- the page (AppTest) -----------------------------------------------------------------------------------


@pytest.fixture
def app_env(db, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(db[0]))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    return db


def run(user: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["auth_user"] = user
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("app_pages/queue.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def count(path, sql, params=()):
    c = connect(path)             # as the app's cached connection is opened (same configuration)
    try:
        return c.execute(sql, list(params)).fetchone()[0]
    finally:
        c.close()


def captions(at) -> str:
    return " | ".join(c.value for c in at.caption)


def test_the_page_shows_fifty_of_all_and_turns_pages_with_the_pick_list_following(app_env):
    at = run("off2706")
    total = count(app_env[0], "SELECT count(*) FROM reports WHERE status = 'new' AND district_code = '2706'")
    assert f"Showing 1–50 of {total:,} reports, oldest first." in captions(at)
    page1 = list(at.selectbox(key="q_pick").options)
    assert len(page1) == 50 and at.button(key="q_prev").disabled and not at.button(key="q_next").disabled
    at.button(key="q_next").click().run()
    assert not at.exception
    assert f"Showing 51–{total:,} of {total:,} reports" in captions(at)
    page2 = list(at.selectbox(key="q_pick").options)
    assert len(page2) == total - 50 and not set(page1) & set(page2)
    assert at.selectbox(key="q_pick").value == page2[0] and at.button(key="q_next").disabled
    at.button(key="q_prev").click().run()
    assert list(at.selectbox(key="q_pick").options) == page1


def test_newest_first_and_a_reference_search_reach_the_report_entered_a_minute_ago(app_env):
    fresh = app_env[1]["fresh"]
    at = run("off2706")
    assert fresh not in at.selectbox(key="q_pick").options
    at.segmented_control(key="q_sort_new").set_value("newest").run()
    assert at.selectbox(key="q_pick").options[2] == fresh and "newest first" in captions(at)
    at.segmented_control(key="q_sort_new").set_value("oldest").run()
    at.text_input(key="q_ref").input(fresh.split("-")[-1]).run()
    assert list(at.selectbox(key="q_pick").options) == [fresh] and "Showing 1–1 of 1 reports" in captions(at)
    assert at.subheader[0].value == fresh
    assert not [b for b in at.button if b.key in ("q_prev", "q_next")]      # one page: no page buttons
    at.button(key="q_clear").click().run()
    assert at.text_input(key="q_ref").value == "" and fresh not in at.selectbox(key="q_pick").options


def test_an_empty_search_says_so_in_thai_with_what_was_searched_as_text(app_env):
    other = app_env[1]["other"]
    at = run("off2706", lang="th")
    at.text_input(key="q_ref").input(other).run()
    at.text_input(key="q_text").input("**ตัวหนา**").run()
    assert not at.exception and not at.selectbox
    msg = at.info[0].value
    assert "ไม่พบเรื่อง" in msg and "เลขที่อ้างอิง" in msg and other.replace("-", "\\-") in msg
    assert "\\*\\*ตัวหนา\\*\\*" in msg and "No report" not in msg
    en = run("off2706")
    en.text_input(key="q_ref").input("NTS-2569-999999").run()
    assert en.info[0].value.startswith("No report with status") and "NTS\\-2569\\-999999" in en.info[0].value


def test_an_admin_searches_by_district_name_and_a_decision_still_works_on_the_found_report(app_env):
    fresh = app_env[1]["fresh"]
    at = run("root")
    at.text_input(key="q_district").input("อรัญประเทศ").run()
    at.text_input(key="q_from").input("20/11/2569").run()      # typed as Thais write it: Buddhist era
    assert any(c.value == "Read as: 20 November 2026" for c in at.caption), [c.value for c in at.caption]
    assert list(at.selectbox(key="q_pick").options) == [fresh]
    next(b for b in at.button if b.label == "Verify").click().run()
    assert not at.exception and at.success and fresh in at.success[0].value
    assert count(app_env[0], "SELECT status FROM reports WHERE ref_no = ?", [fresh]) == "verified"


def test_the_incident_dates_are_typed_in_buddhist_era_and_said_back_in_thai(app_env):
    fresh = app_env[1]["fresh"]
    at = run("root", lang="th")
    at.text_input(key="q_from").input("๒๐/๑๑/๒๕๖๙").run()     # Thai digits, Buddhist era
    at.text_input(key="q_to").input("31/02/2569").run()       # no such day: said why, in Thai, not searched
    captions = [c.value for c in at.caption]
    assert "อ่านได้ว่า: 20 พฤศจิกายน 2569" in captions, captions
    bad = next(c for c in captions if c.startswith("⚠"))
    assert "ไม่มีวันที่ 31" in bad and not any(w in bad for w in ("read as", "day", "BE")), bad
    assert fresh in list(at.selectbox(key="q_pick").options)
