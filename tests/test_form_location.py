"""The report form's location and date helpers on the real geography: a point read and placed before sending
(the district it will get, or an error naming the field and what is allowed), the pick map (every district of
the border provinces, the picked one framed), the calendar's written date, and the form itself through
AppTest (the coordinates read back under the fields; the office form without the pick map)."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.db import connect
from ntswatch_geo.form_map import (LAYER_PICK, PICKED_FILL, load_pick_geometry, pick_deck, picked,
                                   view_of)
from ntswatch_geo.reports import normalise as nz
from ntswatch_geo.reports.point import check_point
from ntswatch_geo.reports.submit import submit_report
from ntswatch_geo.scope import Scope
from ntswatch_geo.ui.browser_inputs import typed_date, year_label

APP = str(PROJECT_ROOT / "app.py")
MUEANG_NONG_KHAI = ("17.8783", "102.7156")      # inside Mueang Nong Khai (4301)
VIENTIANE = ("17.9757", "102.6331")             # across the Mekong, in Laos: inside Thailand's box


@pytest.fixture(scope="module")
def con(module_store_copy):
    path = module_store_copy("geo")
    c = connect(path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def geom(con):
    return load_pick_geometry(con)


# -- a point before sending ------------------------------------------------------------------------------

@pytest.mark.parametrize("lat, lon", [MUEANG_NONG_KHAI, ("๑๗.๘๗๘๓", "๑๐๒.๗๑๕๖"), ("17°52'42\"N", "102°42'56\"E"),
                                      (17.8783, 102.7156)])
def test_a_point_typed_in_any_accepted_form_is_placed_in_its_district(con, lat, lon):
    got = check_point(con, lat, lon)
    assert got.ok and got.district_code == "4301" and got.province_code == "43"
    assert abs(got.lat - 17.8783) < 1e-3 and abs(got.lon - 102.7156) < 1e-3


def test_no_coordinates_is_no_point_and_no_error(con):
    assert check_point(con, None, "") is None
    assert check_point(con, "  ", None) is None


@pytest.mark.parametrize("lat, lon, field, en, th", [
    ("999", "102.5", "lat", "latitude 999 is outside Thailand: latitudes in Thailand run from 5.5 to 20.6",
     "ละติจูด 999 อยู่นอกประเทศไทย ละติจูดในประเทศไทยอยู่ระหว่าง 5.5 ถึง 20.6"),
    ("17.5", "120", "lon", "longitude 120 is outside Thailand: longitudes in Thailand run from 97.3 to 105.7",
     "ลองจิจูด 120 อยู่นอกประเทศไทย ลองจิจูดในประเทศไทยอยู่ระหว่าง 97.3 ถึง 105.7"),
    (*VIENTIANE, "lat", "the point 17.9757, 102.6331 is outside Thailand (in no Thai district): give a point "
                        "inside a Thai district, or leave the coordinates empty and choose the province and district",
     "พิกัด 17.9757, 102.6331 อยู่นอกประเทศไทย (ไม่อยู่ในอำเภอใดของไทย)"),
    ("0", "0", "lat", "(0, 0) is not a real location: give a point in Thailand (latitude 5.5–20.6, longitude "
                      "97.3–105.7)", "(0, 0) ไม่ใช่ตำแหน่งจริง"),
])
def test_a_point_outside_thailand_is_refused_on_its_field_naming_what_is_allowed(con, lat, lon, field, en, th):
    got = check_point(con, lat, lon)
    assert not got.ok and got.district_code is None
    assert [e.field for e in got.errors] == [field]
    assert en in got.errors[0].message_en and th in got.errors[0].message_th
    assert all(e.code == "outside_thailand" for e in got.errors)


def test_both_coordinates_outside_thailand_are_flagged_each_under_its_own_field(con):
    got = check_point(con, "-45", "200")
    assert {e.field for e in got.errors} == {"lat", "lon"}
    assert "5.5 to 20.6" in next(e.message_en for e in got.errors if e.field == "lat")
    assert "97.3 to 105.7" in next(e.message_en for e in got.errors if e.field == "lon")


def test_a_latitude_of_999_is_refused_on_sending_with_the_allowed_range_and_nothing_is_stored(con):
    before = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    res = submit_report(con, {"category": "drug_trafficking", "occurred_date": "15/11/2569", "lat": "999",
                              "lon": "102.5", "description": "x"}, channel="online", actor="public", guard=False)
    assert not res.ok
    lat = [e for e in res.errors if e.field == "lat"]
    assert lat and "from 5.5 to 20.6" in lat[0].message_en and "ระหว่าง 5.5 ถึง 20.6" in lat[0].message_th
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == before


def test_a_point_outside_the_officers_district_is_refused_before_sending(con):
    got = check_point(con, *MUEANG_NONG_KHAI, scope=Scope("district_officer", district_code="2706"),
                      channel="mwcc_office")
    assert not got.ok and [e.code for e in got.errors] == ["outside_scope"]


# -- the pick map ----------------------------------------------------------------------------------------

def test_the_pick_map_has_every_district_of_the_border_provinces_with_names_in_the_viewers_language(con, geom):
    provinces = {r[0] for r in con.execute("SELECT DISTINCT province_code FROM districts WHERE is_border").fetchall()}
    expected = con.execute("SELECT count(*) FROM districts WHERE province_code IN (SELECT DISTINCT province_code "
                           "FROM districts WHERE is_border)").fetchone()[0]
    assert len(geom.districts) == expected > len(provinces)
    for lang, hint in (("th", "คลิกเพื่อเลือกอำเภอนี้"), ("en", "Click to pick this district")):
        layer = next(x for x in pick_deck(geom, lang).layers if x.id == LAYER_PICK)
        feats = layer.data["features"]
        assert len(feats) == expected and layer.pickable
        tip = next(f["properties"]["tip"] for f in feats if f["properties"]["code"] == "4301")
        assert tip.startswith("เมืองหนองคาย\nจังหวัดหนองคาย" if lang == "th" else "Mueang Nong Khai\nNong Khai Province")
        assert hint in tip and "<" not in tip


def test_the_picked_district_is_drawn_apart_and_framed_with_the_point_marked(geom):
    deck = pick_deck(geom, "th", "4301", (17.8783, 102.7156))
    feats = next(x for x in deck.layers if x.id == LAYER_PICK).data["features"]
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in feats}
    assert fills["4301"] == PICKED_FILL and sum(v == PICKED_FILL for v in fills.values()) == 1
    assert any(x.id == "pick_point" for x in deck.layers)
    whole, one = view_of(geom), view_of(geom, "4301")
    assert one.zoom > whole.zoom + 2
    assert 17.6 < one.latitude < 18.1 and 102.5 < one.longitude < 103.2
    alone = view_of(geom, None, (15.0, 105.0))
    assert (alone.latitude, alone.longitude) == pytest.approx((15.0, 105.0), abs=1e-6)


def test_a_click_on_the_map_names_the_province_and_the_district(geom):
    obj = {"type": "Feature", "properties": {"code": "4301", "province_code": "43", "tip": "…"}}
    assert picked([obj]) == ("43", "4301")
    assert picked([]) is None and picked(None) is None


# -- the calendar's date ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, written, year", [("th", "15/11/2569", "2569"), ("en", "15/11/2026", "2569 BE (2026)")])
def test_a_picked_day_is_written_as_the_viewer_types_it_and_reads_back_as_that_day(lang, written, year):
    day = dt.date(2026, 11, 15)
    assert typed_date(day, lang) == written
    assert nz.parse_occurred(written, dt.date(2026, 12, 1)).date == day
    assert year_label(2026, lang) == year


# -- the form --------------------------------------------------------------------------------------------

@pytest.fixture
def app_env(module_store_copy, users_file, monkeypatch):
    path = module_store_copy("demo")
    monkeypatch.setenv("NTSWATCH_DB", str(path))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    return path


def run(lang="th", user=None, page=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    if user:
        at.session_state["auth_user"] = user
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang, words", [("th", "ละติจูดในประเทศไทยอยู่ระหว่าง 5.5 ถึง 20.6"),
                                         ("en", "latitudes in Thailand run from 5.5 to 20.6")])
def test_a_latitude_of_999_is_flagged_under_the_field_as_typed_in_the_current_language(app_env, lang, words):
    at = run(lang)
    at.text_input(key="rf_lat").input("999")
    at.text_input(key="rf_lon").input("102.5").run()
    errors = [e.value.replace("\\", "") for e in at.error]
    assert sum(words in e for e in errors) == 1, errors
    at.button(key="rf_submit").click().run()
    errors = [e.value.replace("\\", "") for e in at.error]
    assert sum(words in e for e in errors) == 1, errors          # once, not repeated by the submission
    assert at.text_input(key="rf_lat").value == "999"


def test_a_typed_point_is_read_back_with_its_district_and_marked_on_the_map(app_env):
    at = run("th")
    assert "ยังไม่ได้เลือกสถานที่" in [c.value for c in at.caption]
    at.text_input(key="rf_lat").input(MUEANG_NONG_KHAI[0])
    at.text_input(key="rf_lon").input(MUEANG_NONG_KHAI[1]).run()
    shown = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert "พิกัด 17.87830, 102.71560 อยู่ใน อ.เมืองหนองคาย จ.หนองคาย" in shown
    deck = at.get("deck_gl_json_chart")
    assert deck and '"pick_point"' in deck[0].proto.json


def test_the_office_form_of_a_district_officer_has_no_pick_map_but_offers_the_device_location(app_env):
    at = run("th", "off2706", "app_pages/office.py")
    assert not at.get("deck_gl_json_chart")
    assert any(getattr(e, "key", None) == "rf_geo_button" for e in at.get("bidi_component"))
    assert at.selectbox(key="rf_dist").value == "2706"
