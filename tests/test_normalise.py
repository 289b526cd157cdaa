"""Thai/English normalisation: dates, times, coordinates, categories, choices, flags (pure functions)."""
from __future__ import annotations

import datetime as dt

import pytest

from ntswatch_geo.reports import normalise as nz

TODAY = dt.date(2026, 11, 26)
D = dt.date


@pytest.mark.parametrize("text, expected", [
    ("2024-01-15", D(2024, 1, 15)),
    ("2024/01/15", D(2024, 1, 15)),
    ("15/01/2567", D(2024, 1, 15)),              # Buddhist era, day first
    ("15/01/2024", D(2024, 1, 15)),              # Christian era
    ("15-01-2567", D(2024, 1, 15)),
    ("15.01.2567", D(2024, 1, 15)),
    ("5/1/2567", D(2024, 1, 5)),
    ("01/02/2024", D(2024, 2, 1)),               # day first: 1 February, never January 2
    ("15/1/67", D(2024, 1, 15)),                 # two-digit years are BE: 67 -> 2567 -> 2024
    ("15 ม.ค. 67", D(2024, 1, 15)),
    ("15 ม.ค. 2567", D(2024, 1, 15)),
    ("15 มค 67", D(2024, 1, 15)),
    ("15มี.ค.67", D(2024, 3, 15)),
    ("15 มกราคม 2567", D(2024, 1, 15)),
    ("15 มกราคม พ.ศ. 2567", D(2024, 1, 15)),
    ("วันที่ 15 มกราคม พ.ศ. 2567", D(2024, 1, 15)),
    ("วันจันทร์ที่ 15 มกราคม 2567", D(2024, 1, 15)),
    ("1 กุมภา 2567", D(2024, 2, 1)),
    ("29 ก.พ. 2567", D(2024, 2, 29)),            # 2024 is a leap year
    ("31 ธ.ค. 66", D(2023, 12, 31)),
    ("๑๕/๐๑/๒๕๖๗", D(2024, 1, 15)),              # Thai digits
    ("๑๕ มกราคม ๒๕๖๗", D(2024, 1, 15)),
    ("15 Jan 2024", D(2024, 1, 15)),
    ("15 January 2024", D(2024, 1, 15)),
    ("January 15, 2024", D(2024, 1, 15)),
    ("Jan 15 2024", D(2024, 1, 15)),
    ("15-Jan-2567", D(2024, 1, 15)),             # English month, BE year
    ("Mon, 15 Jan 2024", D(2024, 1, 15)),
    ("15 Sept 2024", D(2024, 9, 15)),
    ("15/01/24 ค.ศ.", D(2024, 1, 15)),           # explicit CE marker makes a two-digit year CE
    ("15/01/67 พ.ศ.", D(2024, 1, 15)),
    ("25670115", D(2024, 1, 15)),                # yyyymmdd, BE
    ("20240115", D(2024, 1, 15)),
    ("45306", D(2024, 1, 15)),                   # Excel serial day
    (45306, D(2024, 1, 15)),
    (45306.0, D(2024, 1, 15)),
    (D(2024, 1, 15), D(2024, 1, 15)),
    (dt.datetime(2024, 1, 15, 9, 30), D(2024, 1, 15)),
    ("  15/01/2567  ", D(2024, 1, 15)),
])
def test_accepted_date_forms_give_the_christian_era_date(text, expected):
    assert nz.parse_date(text).date == expected


@pytest.mark.parametrize("text, expected_time", [
    ("15/01/2567 13:45", dt.time(13, 45)),
    ("15/01/2567 13.45 น.", dt.time(13, 45)),
    ("15 ม.ค. 2567 เวลา 13.45 น.", dt.time(13, 45)),
    ("2024-01-15T13:45:00", dt.time(13, 45)),
    ("2024-01-15 13:45:30", dt.time(13, 45, 30)),
    ("45306.5", dt.time(12, 0)),
    (dt.datetime(2024, 1, 15, 9, 30), dt.time(9, 30)),
    ("2024-01-15 00:00:00", None),               # midnight from a spreadsheet means "no time"
    ("15/01/2567", None),
])
def test_a_time_written_with_the_date_is_kept(text, expected_time):
    assert nz.parse_date(text).time == expected_time


@pytest.mark.parametrize("text, expected", [
    ("มกราคม 2567", D(2024, 1, 1)), ("ม.ค. 67", D(2024, 1, 1)), ("Jan 2024", D(2024, 1, 1)),
])
def test_a_month_without_a_day_is_the_first_with_month_precision(text, expected):
    p = nz.parse_date(text)
    assert (p.date, p.precision) == (expected, "month")


@pytest.mark.parametrize("text", [
    "30/02/2567", "31/04/2024", "29/02/2023", "30 กุมภาพันธ์ 2567", "32/01/2567", "01/15/2024",
    "15/01/567", "15/01/5", "foo", "15 Foo 2024", "ยาบ้า", "", "2024-13-01",
])
def test_impossible_or_unreadable_dates_are_invalid_date(text):
    with pytest.raises(nz.Problem) as e:
        nz.parse_date(text)
    assert e.value.code in ("invalid_date", "missing")
    assert e.value.message_en and e.value.message_th


def test_month_first_dates_are_refused_with_a_day_first_hint():
    with pytest.raises(nz.Problem) as e:
        nz.parse_date("01/15/2024")
    assert e.value.code == "invalid_date" and "day first" in e.value.message_en


@pytest.mark.parametrize("text, code", [
    ("15/01/2570", "future"),                   # BE 2570 = 2027, within a year of today
    ("27/11/2026", "future"),
    ("15/01/2657", "out_of_range"),             # BE 2657 = 2114
    ("15/01/2114", "out_of_range"),
    ("2657-01-15", "out_of_range"),
    ("31/12/2014", "out_of_range"),
    ("15/01/24", "out_of_range"),               # two-digit year 24 is BE 2524 = 1981
    ("45306000", "invalid_date"),
])
def test_dates_outside_2015_to_today_are_refused(text, code):
    with pytest.raises(nz.Problem) as e:
        nz.parse_occurred(text, TODAY)
    assert e.value.code == code


def test_the_out_of_range_message_says_how_the_year_was_read():
    with pytest.raises(nz.Problem) as e:
        nz.parse_occurred("15/01/24", TODAY)
    assert "BE 2524 = 1981" in e.value.message_en


@pytest.mark.parametrize("d", ["2015-01-01", "26/11/2569", "26/11/2026"])
def test_the_range_ends_are_inclusive(d):
    assert nz.parse_occurred(d, TODAY).date in (D(2015, 1, 1), TODAY)


@pytest.mark.parametrize("text, expected", [
    ("13:45", dt.time(13, 45)), ("13.45", dt.time(13, 45)), ("13.45 น.", dt.time(13, 45)),
    ("เวลา 09.30 น.", dt.time(9, 30)), ("1:45 pm", dt.time(13, 45)), ("12 am", dt.time(0)),
    ("1345", dt.time(13, 45)), ("๑๓.๔๕", dt.time(13, 45)), ("13:45:10", dt.time(13, 45, 10)),
    (0.5, dt.time(12)), (dt.time(8, 5), dt.time(8, 5)), ("", None), (None, None),
])
def test_times_of_day(text, expected):
    assert nz.parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "13:75", "noon-ish", "13 pm", 1.5])
def test_bad_times_are_invalid_time(text):
    with pytest.raises(nz.Problem) as e:
        nz.parse_time(text)
    assert e.value.code == "invalid_time"


@pytest.mark.parametrize("text, axis, value, hint", [
    ("17.8783", "lat", 17.8783, None),
    ("17,8783", "lat", 17.8783, None),
    (17.8783, "lat", 17.8783, None),
    ("๑๗.๘๗๘๓", "lat", 17.8783, None),
    ("17°52'42\"N", "lat", 17 + 52 / 60 + 42 / 3600, "lat"),
    ("17 52 42 N", "lat", 17 + 52 / 60 + 42 / 3600, "lat"),
    ("17°52′42″N", "lat", 17 + 52 / 60 + 42 / 3600, "lat"),
    ("N 17°52.7'", "lat", 17 + 52.7 / 60, "lat"),
    ("102°42'56\"E", "lon", 102 + 42 / 60 + 56 / 3600, "lon"),
    ("102 42 56 E", "lon", 102 + 42 / 60 + 56 / 3600, "lon"),
    ("๑๐๒°๔๒'๕๖\"E", "lon", 102 + 42 / 60 + 56 / 3600, "lon"),
    ("17.5S", "lat", -17.5, "lat"),
    ("-17.5", "lat", -17.5, None),
])
def test_coordinates_in_decimal_degrees_or_dms(text, axis, value, hint):
    c = nz.parse_coordinate(text, axis)
    assert c.value == pytest.approx(value, abs=1e-9) and c.axis_hint == hint


@pytest.mark.parametrize("text", ["abc", "17°75'00\"N", "17 52 61 N", "1e999", "17.5 N S", "200"])
def test_unreadable_coordinates_are_invalid_coordinate(text):
    with pytest.raises(nz.Problem) as e:
        nz.parse_coordinate(text, "lat")
    assert e.value.code == "invalid_coordinate"


def test_a_coordinate_pair_in_one_field():
    lat, lon = nz.parse_coordinate_pair("17.8783, 102.7155")
    assert (lat.value, lon.value) == (17.8783, 102.7155)
    lat, lon = nz.parse_coordinate_pair("17°52'42\"N 102°42'56\"E")
    assert (lat.axis_hint, lon.axis_hint) == ("lat", "lon")


@pytest.mark.parametrize("lat, lon, swapped", [
    (104.22671, 17.87651, True), (17.87651, 104.22671, False), (0, 0, False), (17.9757, 102.6331, False),
    (48.85, 2.35, False),
])
def test_swapped_latitude_and_longitude_are_detected(lat, lon, swapped):
    assert nz.looks_swapped(lat, lon) is swapped


@pytest.mark.parametrize("text, key", [
    ("drug_trafficking", "drug_trafficking"), ("Drug trafficking", "drug_trafficking"),
    ("การลักลอบค้า/ขนยาเสพติด", "drug_trafficking"), ("ยาเสพติด", "drug_trafficking"), ("ยาบ้า", "drug_trafficking"),
    ("ไอซ์", "drug_trafficking"), ("กัญชา", "drug_trafficking"), ("ลักลอบขนยาบ้า 2 แสนเม็ด", "drug_trafficking"),
    ("drugs", "drug_trafficking"), ("ค้ามนุษย์", "human_trafficking"), ("การค้ามนุษย์", "human_trafficking"),
    ("human trafficking", "human_trafficking"), ("หลบหนีเข้าเมือง", "illegal_migration"),
    ("ลักลอบเข้าเมือง", "illegal_migration"), ("แรงงานต่างด้าว", "illegal_migration"),
    ("ลักลอบข้ามแดน", "illegal_migration"), ("illegal migration", "illegal_migration"),
    ("สินค้าเถื่อน", "smuggling"), ("ลักลอบขน", "smuggling"), ("หนีภาษี", "smuggling"), ("บุหรี่", "smuggling"),
    ("สุรา", "smuggling"), ("Smuggling of goods", "smuggling"), ("แก๊งคอลเซ็นเตอร์", "online_fraud"),
    ("ฉ้อโกงออนไลน์", "online_fraud"), ("call center", "online_fraud"), ("Call-centre / online fraud", "online_fraud"),
    ("อื่น ๆ", "other"), ("อื่นๆ", "other"), ("other", "other"), ("OTHER", "other"),
])
def test_categories_from_keys_labels_and_common_words(text, key):
    assert nz.parse_category(text) == key


def test_an_unknown_category_names_the_allowed_list():
    with pytest.raises(nz.Problem) as e:
        nz.parse_category("ขโมยควาย")
    assert e.value.code == "unknown_category"
    assert "drug_trafficking" in e.value.message_en and "online_fraud" in e.value.message_th


@pytest.mark.parametrize("field, text, key", [
    ("intake_method", "walk_in", "walk_in"), ("intake_method", "มาด้วยตนเอง", "walk_in"),
    ("intake_method", "โทรศัพท์", "phone"), ("intake_method", "LINE", "line"), ("intake_method", "ไลน์", "line"),
    ("intake_method", "ผู้ใหญ่บ้าน", "headman"), ("intake_method", "ลาดตระเวน", "patrol"),
    ("intake_method", "เว็บไซต์", "web"), ("reporter_type", "ประชาชน", "citizen"),
    ("reporter_type", "ไม่ประสงค์ออกนาม", "anonymous"), ("reporter_type", "กำนัน", "village_headman"),
    ("reporter_type", "อส.", "volunteer"), ("reporter_type", "officer", "officer"),
    # the words officers type (issue 11): the office channel's name, spaced or dotted spellings
    ("intake_method", "MWCC", "walk_in"), ("intake_method", "NTS-MWCC", "walk_in"),
    ("intake_method", "walk in", "walk_in"), ("intake_method", "Walk-in", "walk_in"),
    ("intake_method", "ศูนย์ประสานงาน", "walk_in"), ("intake_method", "Line OA", "line"),
    ("reporter_type", "ชรบ.", "volunteer"),
])
def test_intake_methods_and_reporter_types_in_thai_or_english(field, text, key):
    assert nz.parse_choice(text, field) == key


def test_an_unknown_choice_is_invalid_choice():
    with pytest.raises(nz.Problem) as e:
        nz.parse_choice("pigeon", "intake_method")
    assert e.value.code == "invalid_choice" and "walk_in" in e.value.message_en


@pytest.mark.parametrize("text, value", [
    (True, True), ("ใช่", True), ("yes", True), ("ยินยอม", True), ("1", True), ("✓", True),
    (False, False), ("ไม่", False), ("no", False), ("ไม่ยินยอม", False), ("0", False), ("", None), ("maybe", None),
])
def test_flags(text, value):
    assert nz.parse_flag(text) is value


def test_text_is_trimmed_and_kept_as_typed():
    assert nz.clean_text("  <script>alert(1)</script>  ") == "<script>alert(1)</script>"
    assert nz.clean_text("a\x00b\u200b") == "ab"
    assert nz.clean_text(812345678.0) == "812345678"
    assert nz.clean_text("   ") is None
