"""The Cooperation page through AppTest (issue 14, item 2), in both stores: every role sees its own area's
record; a district officer records an activity typed with a Buddhist-era date and sees it in the figures, the
timeline, the map and the tables; wrong fields are named in the viewer's language and nothing is stored; a
planner records for any border district with only the sides it faces; a SWOT note written with an activity
names it; a planner imports a messy workbook and every row is accounted for. Chromium: test_browser_coop.py."""
from __future__ import annotations

import datetime as dt
import importlib.util
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ACCOUNTS
from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.cooperation import maps as cm
from ntswatch_geo.cooperation import summary
from ntswatch_geo.db import connect
from ntswatch_geo.scope import Scope
from test_coop_page import store_activities

APP = str(PROJECT_ROOT / "app.py")
PAGE = "app_pages/cooperation.py"
FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "coop" / "build_activities.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# ACTIVITIES by area: all five; Sa Kaeo (27) and Aranyaprathet (2706) three; Trat (23) one
IN_SCOPE = {"ana": 5, "plan": 5, "root": 5, "gov27": 3, "gov23": 1, "off2706": 3}
PAOY_PAET = "Paoy Paet"
TITLE = "เวทีผู้นำสองฝั่ง อรัญประเทศ–ปอยเปต ครั้งที่ 7"


@pytest.fixture(scope="module")
def world(module_store_copy):
    """The geography with the five ACTIVITIES of tests/test_coop_page.py, in each store; read-only use."""
    path = module_store_copy("geo")
    con = connect(path)
    try:
        store_activities(con)
    finally:
        con.close()
    return path


def use_store(db, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(db))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)


@pytest.fixture
def env(world, users_file, monkeypatch):
    use_store(world, users_file, monkeypatch)
    return world


@pytest.fixture
def fresh(store_copy, users_file, monkeypatch):
    """An empty record (the geography only) for a test that writes, in each store."""
    path = store_copy("geo")
    use_store(path, users_file, monkeypatch)
    return path


def page(user: str, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["auth_user"] = user
    if lang:
        at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    no_exception(at)
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def metric(at: AppTest, i: int) -> str:
    return at.metric[i].value


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The page's dataframe holding `column` (the frame's own column names; the headers are column labels)."""
    for d in at.dataframe:
        if column in d.value.columns:
            return d.value
    raise AssertionError(f"no dataframe with {column}: {[list(d.value.columns) for d in at.dataframe]}")


def figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def deck(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def deck_layer(at: AppTest, layer_id: str):
    return next(lay for lay in deck(at)["layers"] if lay["id"] == layer_id)


def texts(at: AppTest) -> str:
    return "\n".join(x.value for kind in ("success", "error", "warning", "info", "caption", "markdown")
                     for x in getattr(at, kind))


def fill(at: AppTest, kind: str | None, start: str, *, end: str = "", facing: list[str] = (), people: dict = None,
         title: str = "", swot: dict | None = None, lang: str = "th", district: str | None = None) -> AppTest:
    """Fill the entry form as a person does, field by field, and press the button."""
    if district:
        at.selectbox(key=f"cf_district__{lang}").set_value(district).run()
    if kind:
        at.selectbox(key=f"cf_type__{lang}").set_value(kind)
    at.text_input(key="cf_start").input(start)
    at.text_input(key="cf_end").input(end)
    at.run()
    code = at.session_state["cf_district"]
    if facing:
        at.multiselect(key=f"cf_facing_{code}").set_value(list(facing)).run()
    for col, n in (people or {}).items():
        at.number_input(key=f"cf_{col}").set_value(n)
    at.text_input(key="cf_title").input(title)
    for k, text in (swot or {}).items():
        at.text_area(key=f"cf_swot_{k}").input(text)
    at.button(key="cf_submit").click().run()
    no_exception(at)
    return at


def neighbour_id(db, district: str, name: str) -> str:
    con = connect(db)
    try:
        return con.execute("SELECT p.neighbour_id FROM parallel_areas p JOIN neighbour_districts n ON n.id = "
                           "p.neighbour_id WHERE p.district_code = ? AND n.name_en = ?", [district, name]).fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------- reading

@pytest.mark.parametrize("user", list(ACCOUNTS))
def test_the_cooperation_page_shows_each_role_the_record_of_its_own_area(env, user):
    at = page(user)
    assert at.title[0].value == "ความร่วมมือข้ามแดน"
    assert metric(at, 0) == str(IN_SCOPE[user])
    provinces = set(frame(at, "months_since_last")["province_th"])
    if user in ("gov27", "off2706"):
        assert provinces == {"สระแก้ว"}
    elif user == "gov23":
        assert provinces == {"ตราด"}
    else:
        assert len(provinces) > 5                       # every border province, with or without activities
    if user == "off2706":
        assert list(frame(at, "months_since_last")["name_th"]) == ["อรัญประเทศ"]
    entry = any(b.key == "cf_submit" for b in at.button)
    assert entry == (user in ("off2706", "plan", "root"))
    assert any(u.key == "ci_file" for u in at.get("file_uploader")) == (user in ("off2706", "plan", "root"))


def test_the_figures_tables_and_map_agree_with_the_record(env):
    at = page("gov27", lang="en")
    scope = Scope("governor", province_code="27", username="gov27")
    con = connect(env)
    try:
        pairs = summary.partnerships(con, scope)
        acts = summary.activities(con, scope)
    finally:
        con.close()
    assert [metric(at, i) for i in range(5)] == ["3", "2", "82", "33", "25"]
    assert metric(at, 5) == "61,000"
    lines = deck_layer(at, cm.LAYER_PAIRS)["data"]
    assert len(lines) == len(pairs) and {ln["district_code"] for ln in lines} == set(pairs["district_code"])
    assert sum(ln["width"] > cm.FAINT_W for ln in lines) == int((pairs["activities"] > 0).sum())
    fig = figure(at)
    assert sum(len(tr["x"]) for tr in fig["data"]) == len(acts)
    assert {tr["name"] for tr in fig["data"]} == {"Enhancing Mekong Linkage workshop", "NTS literacy training",
                                                  "Social / cultural event"}
    areas = frame(at, "shared_km")
    assert len(areas) == len(pairs) and areas["activities"].sum() == pairs["activities"].sum()
    listed = frame(at, "type_name")
    assert [d.date() for d in listed["start_date"]] == [dt.date(2025, 11, 20), dt.date(2025, 3, 15), dt.date(2024, 6, 1)]
    assert list(listed["type_name"]) == ["NTS literacy training", "Enhancing Mekong Linkage workshop", "Social / cultural event"]


def test_the_type_choice_narrows_the_figures_and_the_timeline(env):
    at = page("ana")
    at.multiselect(key="cp_types").set_value(["nts_literacy_training"]).run()
    no_exception(at)
    assert metric(at, 0) == "1" and metric(at, 4) == "25"
    assert [tr["name"] for tr in figure(at)["data"]] == ["การอบรมความรู้ความมั่นคงรูปแบบใหม่ (NTS Literacy)"]
    per_district = frame(at, "joint_activities")                     # the district table follows the choice too
    assert per_district["activities"].sum() == 1 and per_district["change_agents"].sum() == 25


def test_a_fiscal_year_period_keeps_only_its_activities(env):
    at = page("ana")
    at.selectbox(key="cp_period__th").set_value("fy2025").run()     # 1 Oct 2024 – 30 Sep 2025
    no_exception(at)
    assert metric(at, 0) == "2"                                      # the workshop (Mar) and the dialogue (Aug)
    assert "1 ต.ค. 2567 – 30 ก.ย. 2568" in texts(at)


# ---------------------------------------------------------------------------------------------- the entry form

def test_an_officer_records_an_activity_typed_in_the_buddhist_era_and_sees_it_on_the_page_and_map(fresh):
    at = page("off2706")
    assert at.selectbox(key="cf_district__th").disabled and at.session_state["cf_district"] == "2706"
    assert metric(at, 0) == "0"
    paoy = neighbour_id(fresh, "2706", PAOY_PAET)
    at.text_input(key="cf_start").input("15/03/2568").run()
    assert "อ่านได้ว่า: 15 มีนาคม 2568" in texts(at)                     # read back before sending
    assert not any(k.startswith("cf_la_") for k in (w.key for w in at.number_input))   # Aranyaprathet faces Cambodia
    fill(at, "workshop", "15/03/2568", facing=[paoy], people={"th_officials": 12, "kh_leaders": 8}, title=TITLE)
    assert at.success and "15 มี.ค. 2568" in at.success[0].value and not at.error
    assert [metric(at, i) for i in range(4)] == ["1", "1", "12", "8"]
    assert TITLE in list(frame(at, "type_name")["title"])
    trace = figure(at)["data"]
    assert len(trace) == 1 and trace[0]["x"][0].startswith("2025-03-15") and trace[0]["y"] == ["อรัญประเทศ"]
    lines = {ln["neighbour_id"]: ln for ln in deck_layer(at, cm.LAYER_PAIRS)["data"]}
    assert lines[paoy]["width"] == cm.MIN_W and "กิจกรรมร่วม: 1" in lines[paoy]["tip"]
    assert "จากฝั่งตรงข้าม: 8" in lines[paoy]["tip"] and lines[paoy]["colour"][:3] != list(cm.FAINT)
    assert len(lines) == 3 and all(ln["width"] == cm.FAINT_W for n, ln in lines.items() if n != paoy)
    con = connect(fresh)
    try:
        row = con.execute("SELECT a.start_date, a.end_date, a.district_code, a.created_by, a.source, x.neighbour_id "
                          "FROM coop_activities a JOIN coop_activity_areas x ON x.activity_id = a.id").fetchall()
        assert row == [(dt.date(2025, 3, 15), dt.date(2025, 3, 15), "2706", "off2706", "entry", paoy)]
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'coop_activity_added' "
                           "AND actor = 'off2706'").fetchone()[0] == 1
    finally:
        con.close()
    # the same activity again adds nothing, and says so
    fill(at, "workshop", "15/03/2568", facing=[paoy], people={"th_officials": 12, "kh_leaders": 8}, title=TITLE)
    assert "บันทึกไว้แล้ว" in at.info[0].value and metric(at, 0) == "1"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_form_names_every_wrong_field_in_the_viewers_language_and_stores_nothing(fresh, lang):
    at = page("off2706", lang=lang)
    fill(at, None, "15/03/2599", end="31/02/2568", lang=lang)
    errors = [e.value for e in at.error]
    want = {"th": ("ประเภทกิจกรรม: ต้องระบุ", "วันเริ่มกิจกรรม: 15/03/2599", "วันสิ้นสุดกิจกรรม: 31/02/2568"),
            "en": ("Activity type: required", "Start date: 15/03/2599", "End date: 31/02/2568")}[lang]
    for start in want:
        assert any(e.startswith(start) for e in errors), (start, errors)
    assert any(("2015" in e or "2558" in e) for e in errors)                # what is allowed: the range of dates
    assert not any("workshop (" in e or "swot_session" in e for e in errors)  # types by their labels, not keys
    assert at.warning and not at.success
    assert metric(at, 0) == "0"
    con = connect(fresh)
    try:
        assert con.execute("SELECT count(*) FROM coop_activities").fetchone()[0] == 0
    finally:
        con.close()


def test_a_planner_records_for_any_border_district_with_only_the_sides_it_faces(fresh):
    at = page("plan", lang="en")
    assert not at.selectbox(key="cf_district__en").disabled
    at.selectbox(key="cf_district__en").set_value("4301").run()
    inputs = {w.key for w in at.number_input}
    assert {"cf_la_officials", "cf_th_youth"} <= inputs and not any(k.startswith("cf_kh_") for k in inputs)
    assert "Hadxaifong (Lao PDR)" in at.multiselect(key="cf_facing_4301").options
    hadxaifong = neighbour_id(fresh, "4301", "Hadxaifong")
    fill(at, "visit_across", "10/1/2026", facing=[hadxaifong], people={"th_officials": 6, "la_officials": 6},
         title="Study visit", lang="en")
    assert at.success and metric(at, 0) == "1" and metric(at, 3) == "6"
    con = connect(fresh)
    try:
        assert con.execute("SELECT district_code, province_code, la_officials, created_by FROM coop_activities").fetchall() \
            == [("4301", "43", 6, "plan")]
    finally:
        con.close()


def test_a_swot_note_written_with_an_activity_is_listed_with_it(fresh):
    at = page("off2706")
    paoy = neighbour_id(fresh, "2706", PAOY_PAET)
    fill(at, "swot_session", "2/4/2568", facing=[paoy], people={"th_leaders": 6, "kh_leaders": 5}, title=TITLE,
         swot={"strengths": "ผู้นำสองฝั่งรู้จักกันดี", "threats": "บ่อนการพนันริมแดน"})
    assert "บันทึก SWOT 2 รายการ" in at.success[0].value
    notes = frame(at, "kind_name")
    assert set(notes["text"]) == {"ผู้นำสองฝั่งรู้จักกันดี", "บ่อนการพนันริมแดน"}
    assert set(notes["kind_name"]) == {"จุดแข็ง", "อุปสรรค"}
    assert set(notes["activity"]) == {f"{TITLE} (2 เม.ย. 2568)"} and set(notes["neighbour_en"]) == {PAOY_PAET}
    con = connect(fresh)
    try:
        (act,), = con.execute("SELECT id FROM coop_activities").fetchall()
        assert con.execute("SELECT count(*) FROM swot_notes WHERE activity_id = ? AND neighbour_id = ?",
                           [act, paoy]).fetchone()[0] == 2
    finally:
        con.close()


def test_a_click_on_a_partnership_line_shows_that_pairs_activities(env):
    at = page("off2706", lang="en")
    con = connect(env)
    try:
        pairs = summary.partnerships(con, Scope("district_officer", district_code="2706"))
    finally:
        con.close()
    paoy = pairs.loc[pairs["neighbour_en"] == PAOY_PAET].iloc[0]
    at.session_state["cp_pick"] = ("pair", "2706", paoy["neighbour_id"])      # what the map's callback stores
    at.run()
    no_exception(at)
    shown = texts(at)
    assert "**Aranyaprathet (Sa Kaeo) ↔ Paoy Paet (Cambodia)**" in shown
    assert "15 Mar 2025 · Enhancing Mekong Linkage workshop" in shown and "Social / cultural event" in shown
    assert "NTS literacy training" not in shown.split("Picked on the map")[-1].split("Per district")[0]
    assert len(deck_layer(at, "coop_pick")["data"]) == 1


# ---------------------------------------------------------------------------------------------- import

@pytest.mark.skipif(importlib.util.find_spec("ntswatch_geo.cooperation.importer") is None, reason="no importer")
def test_a_planner_imports_a_messy_workbook_and_every_row_is_accounted_for(fresh, tmp_path):
    spec = importlib.util.spec_from_file_location("build_activities", FIXTURE)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    data = build.build(tmp_path / "activities.xlsx").read_bytes()
    at = page("plan")
    at.file_uploader(key="ci_file").set_value(("กิจกรรม 2568.xlsx", data, XLSX)).run()
    at.button(key="ci_go").click().run()
    no_exception(at)
    counts = {m.label: int(m.value.replace(",", "")) for m in at.metric[:5]}
    assert list(counts) == ["แถวที่อ่าน", "นำเข้าแล้ว", "กันไว้ (มีข้อผิดพลาด)", "บันทึกไว้แล้ว", "ข้าม (แถวว่างหรือแถวรวม)"]
    rows_in, imported, quarantined, duplicates, skipped = counts.values()
    assert rows_in == imported + quarantined + duplicates + skipped and imported > 0 and quarantined > 0
    assert "ครบทุกแถว" in texts(at)
    con = connect(fresh)
    try:
        stored = con.execute("SELECT count(*) FROM coop_activities").fetchone()[0]
        batch = con.execute("SELECT rows_in, imported, quarantined, duplicates, skipped FROM coop_import_batches"
                            ).fetchall()
    finally:
        con.close()
    assert stored == imported and batch == [(rows_in, imported, quarantined, duplicates, skipped)]
    rejects = frame(at, "reason")
    assert len(set(zip(rejects["sheet"], rejects["row_no"]))) == quarantined + duplicates
    assert rejects["reason"].str.len().min() > 10 and not rejects["reason"].str.contains("_").any()
    assert any(b.key == "ci_rejects_dl" for b in at.get("download_button"))
    assert metric(at, 5) == str(imported)                                  # the page's figures include them
    assert at.metric[10].label == "งบประมาณ (ล้านบาท)" and float(metric(at, 10)) >= 1.2   # 1.2 ล้าน in a row: millions
