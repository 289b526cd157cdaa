"""District, province and subdistrict names to DOPA codes, on the real geography database."""
from __future__ import annotations

import pytest

from ntswatch_geo.db import connect
from ntswatch_geo.reports.places import (FUZZY_THRESHOLD, PlaceIndex, fold, geography, names_in_text, resolve,
                                         strip_prefix)


@pytest.fixture(scope="module")
def index(module_store_copy) -> PlaceIndex:
    con = connect(module_store_copy("geo"), read_only=True)
    try:
        return PlaceIndex.from_connection(con)
    finally:
        con.close()


@pytest.mark.parametrize("text, code", [
    ("Nakhon Phanom", "48"), ("Nakorn Panom", "48"), ("Nakhonphanom", "48"), ("นครพนม", "48"), ("จ.นครพนม", "48"),
    ("จังหวัดนครพนม", "48"), ("Changwat Nakhon Phanom", "48"), ("Nakhon Phanom Province", "48"), ("48", "48"),
    ("๔๘", "48"), ("Si Sa Ket", "33"), ("Sisaket", "33"), ("Srisaket", "33"), ("Ubon Ratchathani", "34"),
    ("Ubol Ratchathani", "34"), ("Ubon", "34"), ("Ubol", "34"), ("อุบล", "34"), ("Nong Khai", "43"),
    ("Nongkhai", "43"), ("Bueng Kan", "38"), ("Bung Kan", "38"), ("Beung Kan", "38"), ("Mukdahan", "49"),
    ("Mukdaharn", "49"), ("Chiang Rai", "57"), ("Chiengrai", "57"), ("Sakon Nakorn", "47"), ("Korat", "30"),
    ("โคราช", "30"), ("กทม.", "10"), ("Loei", "42"), ("sa kaeo", "27"),
])
def test_province_names_in_thai_or_english_any_spelling(index, text, code):
    assert index.province(text).code == code


@pytest.mark.parametrize("text, province, code, how", [
    ("บ้านแพง", None, "4804", "exact"), ("อ.บ้านแพง", None, "4804", "exact"), ("อำเภอบ้านแพง", "48", "4804", "exact"),
    ("กิ่งอำเภอบ้านแพง", None, "4804", "exact"), ("Ban Phaeng", None, "4804", "exact"),
    ("Amphoe Ban Phaeng", None, "4804", "exact"), ("Ban Phaeng District", None, "4804", "exact"),
    ("Banphaeng", None, "4804", "exact"), ("4804", None, "4804", "code"), ("๔๘๐๔", None, "4804", "code"),
    ("Mueang", "48", "4801", "mueang"), ("Muang", "48", "4801", "mueang"), ("อ.เมือง", "34", "3401", "mueang"),
    ("เมือง", "43", "4301", "mueang"), ("Mueang Nakhon Phanom", None, "4801", "exact"),
    ("Muang Nakorn Panom", None, "4801", "folded"), ("เมืองนครพนม", None, "4801", "exact"),
    ("Chom Thong", "50", "5002", "exact"), ("จอมทอง", "10", "1035", "exact"), ("เขตจอมทอง", "10", "1035", "exact"),
    ("Aranya Prathet", None, "2706", "exact"), ("Thauthen", None, "4803", "exact"),
    ("Kong Jiam", None, "3403", "fuzzy"), ("บ้านแพ้ง", None, "4804", "fuzzy"), ("Nakhon Phanon", "48", None, None),
    ("บ้านแพง (Ban Phaeng)", None, "4804", "exact"),
])
def test_district_names_with_prefixes_and_variants(index, text, province, code, how):
    m = index.district(text, province)
    assert m.code == code
    if how:
        assert m.how == how
        assert 0 < m.confidence <= 1 and (m.confidence == 1.0) == (how in ("exact", "code"))


@pytest.mark.parametrize("text", ["เมือง", "Mueang", "อ.เมือง", "จอมทอง", "Chom Thong", "Chaloem Phra Kiat",
                                  "Wiang Sa"])
def test_a_name_shared_by_several_districts_without_a_province_is_ambiguous(index, text):
    m = index.district(text)
    assert m.code is None and m.how == "ambiguous" and len(m.candidates) >= 2


def test_fuzzy_matches_below_the_threshold_are_not_found(index):
    m = index.district("Foo Bar Baz")
    assert m.code is None and m.how == "not_found"
    m = index.district("Ban Phaeng", "47")                 # exists, but in Nakhon Phanom, not Sakon Nakhon
    assert m.code is None and m.how == "not_found"
    assert FUZZY_THRESHOLD == 0.80


def test_fuzzy_confidence_is_the_ratio(index):
    m = index.province("นครพนน")                             # one letter wrong of six
    assert m.code == "48" and m.how == "fuzzy" and FUZZY_THRESHOLD <= m.confidence < 0.9


@pytest.mark.parametrize("a, b", [
    ("Nakhon Phanom", "Nakorn Panom"), ("Nakhon Phanom", "Nakhonphanom"), ("Si Sa Ket", "Srisaket"),
    ("Ubon", "Ubol"), ("Bueng Kan", "Beung Kan"), ("Bueng Kan", "Bung Kan"), ("Mukdahan", "Mukdaharn"),
    ("Chiang Rai", "Chiengrai"), ("Mueang", "Muang"), ("Nong Khai", "Nongkhai"),
])
def test_romanisation_folds_make_spelling_variants_equal(a, b):
    assert fold(a) == fold(b)


def test_prefixes_are_stripped():
    assert strip_prefix("อำเภอบ้านแพง") == "บ้านแพง"
    assert strip_prefix("จ. นครพนม") == "นครพนม"
    assert strip_prefix("Amphoe Ban Phaeng District") == "Ban Phaeng"


def test_subdistricts_are_found_within_their_district(index):
    assert index.subdistrict("บ้านแพง", "4804").code == "480401"
    assert index.subdistrict("ต.บ้านแพง", None, "48").code == "480401"


def test_resolve_gives_codes_and_a_clear_error_naming_candidates(index):
    r = resolve(index, "Nakhon Phanom", "Ban Phaeng", "บ้านแพง")
    assert (r.province_code, r.district_code, r.subdistrict_code, r.error) == ("48", "4804", "480401", None)
    r = resolve(index, "Sakon Nakhon", "Ban Phaeng", None)
    assert r.error.code == "unknown_district" and "4804" in r.error.message_en
    r = resolve(index, None, "เมือง", None)
    assert r.error.code == "ambiguous" and "give the province" in r.error.message_en
    assert "กรุณาระบุจังหวัด" in r.error.message_th
    r = resolve(index, None, "อำเภอไม่มีจริง", None)
    assert r.error.code == "unknown_district"
    r = resolve(index, "Nakhon Phanom", None, None)
    assert r.error.code == "no_location"
    r = resolve(index, None, None, "บ้านแพง")
    assert r.district_code == "4804" and r.error is None
    r = resolve(index, None, None, None)
    assert r.error.code == "no_location"


def test_names_with_prefixes_inside_free_text():
    assert names_in_text("ริมโขง บ.ท่าเรือ ต.บ้านแพง อ.บ้านแพง จ.นครพนม") == {
        "subdistrict": "บ้านแพง", "district": "บ้านแพง", "province": "นครพนม"}
    assert names_in_text("ใกล้สะพาน") == {}


def test_the_geography_lookups_are_built_once_and_shared(geo_db):
    a = connect(geo_db)
    b = a.cursor()
    try:
        assert geography(a) is geography(b)
        assert geography(a).locator.locate([104.22671], [17.87651])[0] == "4804"
    finally:
        b.close()
        a.close()
