"""Recognising a sheet's layout: which row is the header, what each header names, which rows are totals.

District centres keep their files with a title row or two and a blank row above the header ("สรุปรายงานเหตุ
ศูนย์ประสานงาน ... อำเภออรัญประเทศ"), and a totals row under the data ("รวม 7 เรื่อง").

* **Header names** are matched case-, space- and punctuation-insensitively, ignoring a parenthesised part
  ("วันที่เกิดเหตุ (พ.ศ.)"), against `HEADER_NAMES` (Thai and English); a header of alternatives written
  with "/" ("ช่องทาง/ช่องทางการแจ้ง") is tried part by part when the whole is not known. `OTHER_HEADERS`
  (ลำดับ, หมายเหตุ, ...) are known columns that are not imported: they only help find the header row.
* **The header row** is, among the first `HEADER_SCAN_ROWS` rows, the one naming the most known columns
  (each field once; the upper row on a tie); when no row names any, the first non-empty row (so the
  "missing a date column" message lists what that row holds).
* **A totals row** is skipped (and counted as skipped): every non-empty cell is a total word with or
  without a count ("รวม", "รวม 7 เรื่อง", "รวมทั้งสิ้น: 12", "Total 7 cases", "ยอดรวม") or a bare count, and at
  least one cell is such a word; or the row's only content is a count ("7", "7 เรื่อง", "12 cases").
  Date cells are never counts.
"""
from __future__ import annotations

import datetime as dt
import re

from .normalise import clean_text, thai_digits

HEADER_SCAN_ROWS = 15

HEADER_NAMES: dict[str, list[str]] = {
    "occurred_date": ["occurred_date", "วันที่เกิดเหตุ", "วันเกิดเหตุ", "วันที่", "วันเดือนปี", "วันเดือนปีที่เกิดเหตุ",
                      "ว/ด/ป", "วดป", "ว/ด/ป ที่เกิดเหตุ", "วันที่เกิด", "วันเวลาที่เกิดเหตุ", "วันเวลาเกิดเหตุ",
                      "วันและเวลาที่เกิดเหตุ", "date", "incident_date", "date_occurred", "event_date",
                      "occurred", "occurred_on"],
    "occurred_time": ["occurred_time", "เวลา", "เวลาเกิดเหตุ", "เวลาที่เกิดเหตุ", "time", "incident_time"],
    "occurred_approx": ["occurred_approx", "โดยประมาณ", "วันที่โดยประมาณ", "approx", "approximate"],
    "category": ["category", "ประเภท", "ประเภทเหตุ", "ประเภทเหตุการณ์", "ประเภทคดี", "ประเภทความผิด", "หมวดหมู่",
                 "ประเภทการกระทำผิด", "ประเภทเรื่อง", "ฐานความผิด", "ข้อหา", "type", "crime_type", "incident_type", "offence", "offense"],
    "lat": ["lat", "ละติจูด", "ลติจูด", "ละติจูต", "latitude", "y"],
    "lon": ["lon", "ลองจิจูด", "ลองติจูด", "ลองจิจูต", "lng", "long", "longitude", "x"],
    "coords": ["coords", "พิกัด", "พิกัดgps", "พิกัดจุดเกิดเหตุ", "coordinates", "latlon", "latlng", "lat_lon",
               "lat_lng", "gps", "location_coordinates"],
    "province": ["province", "จังหวัด", "จ.", "changwat", "prov", "province_name"],
    "district": ["district", "อำเภอ", "อ.", "เขต", "amphoe", "amphur", "district_name", "อำเภอ/เขต"],
    "subdistrict": ["subdistrict", "ตำบล", "ต.", "แขวง", "sub_district", "tambon", "tambol", "ตำบล/แขวง"],
    "place_text": ["place_text", "สถานที่", "สถานที่เกิดเหตุ", "จุดเกิดเหตุ", "บริเวณ", "บริเวณที่เกิดเหตุ", "ที่เกิดเหตุ",
                   "หมู่บ้าน", "place",
                   "location", "location_text"],
    "description": ["description", "รายละเอียด", "รายละเอียดเหตุ", "รายละเอียดเหตุการณ์", "พฤติการณ์",
                    "พฤติการณ์โดยย่อ", "เหตุการณ์", "รายละเอียดโดยย่อ", "สรุปเหตุการณ์", "ข้อเท็จจริง",
                    "สาระสำคัญ", "details", "detail", "desc", "summary"],
    "contact_name": ["contact_name", "ชื่อผู้แจ้ง", "ผู้แจ้ง", "ชื่อ-สกุลผู้แจ้ง", "ชื่อ-นามสกุลผู้แจ้ง", "ผู้แจ้งเหตุ",
                     "ชื่อผู้แจ้งเหตุ", "reporter",
                     "reporter_name", "name"],
    "contact_phone": ["contact_phone", "เบอร์โทร", "เบอร์โทรศัพท์", "โทรศัพท์", "เบอร์ติดต่อ", "หมายเลขโทรศัพท์",
                      "เบอร์โทรผู้แจ้ง", "เบอร์โทรศัพท์ผู้แจ้ง", "เบอร์", "phone", "telephone", "tel", "mobile"],
    "contact_consent": ["contact_consent", "ยินยอม", "ความยินยอม", "ยินยอมให้ติดต่อ", "ยินยอมให้เก็บข้อมูล",
                        "consent"],
    "intake_method": ["intake_method", "ช่องทาง", "ช่องทางการแจ้ง", "ช่องทางรับแจ้ง", "ช่องทางการรับแจ้ง",
                      "ช่องทางแจ้งเหตุ", "ช่องทางที่แจ้ง", "ช่องทางการรับเรื่อง", "ช่องทางรับเรื่อง", "รับแจ้งทาง",
                      "แจ้งทาง", "แจ้งผ่าน", "intake", "channel", "method"],
    "reporter_type": ["reporter_type", "ประเภทผู้แจ้ง", "ผู้แจ้งเป็น", "สถานะผู้แจ้ง"],
    "officer": ["officer", "เจ้าหน้าที่", "ผู้บันทึก", "ผู้รับแจ้ง", "เจ้าหน้าที่ผู้รับแจ้ง", "ผู้รับเรื่อง",
                "เจ้าหน้าที่ผู้รับเรื่อง", "ผู้บันทึกข้อมูล", "recorded_by"],
}

# Columns offices keep that are not imported (a running number, remarks, the action taken): they count
# towards finding the header row, nothing else.
OTHER_HEADERS = ["ลำดับ", "ลำดับที่", "ที่", "no", "no.", "number", "หมายเหตุ", "remark", "remarks", "note",
                 "notes", "ผลการดำเนินการ", "การดำเนินการ", "การดำเนินงาน", "สถานะ", "status", "ผู้ต้องหา",
                 "ของกลาง", "จำนวน", "หน่วยงานที่ส่งต่อ", "ส่งต่อหน่วยงาน", "เลขรับแจ้ง", "เลขที่รับแจ้ง"]


def header_key(name) -> str:
    """A header as compared: Thai digits, lower case, no parenthesised part, no spaces or punctuation."""
    s = thai_digits(str(name)).replace("\ufeff", "").replace("\u200b", "").lower().strip()
    s = re.sub(r"\s*[(\[].*?[)\]]\s*", "", s) or s
    return re.sub(r"[\s_\-.:/*#]+", "", s)


_HEADER_LOOKUP = {header_key(n): f for f, names in HEADER_NAMES.items() for n in names}
_OTHER_KEYS = {header_key(n) for n in OTHER_HEADERS}


def header_field(name) -> str | None:
    """The field a header names ("วัน/เดือน/ปี ที่เกิดเหตุ" → occurred_date), or None (see the module docstring)."""
    f = _HEADER_LOOKUP.get(header_key(name))
    if f is None and "/" in str(name):
        for part in str(name).split("/"):
            f = _HEADER_LOOKUP.get(header_key(part))
            if f is not None:
                break
    return f


def is_filled(c) -> bool:
    """Whether a cell holds something (not None, not blank text)."""
    return c is not None and not (isinstance(c, str) and not c.strip())


def header_score(row, given: frozenset[str] = frozenset()) -> int:
    """How many known columns a row names: distinct fields, plus OTHER_HEADERS, plus `given` header keys
    (a mapping file's source columns)."""
    fields, other = set(), 0
    for c in row:
        if not isinstance(c, str) or not c.strip():
            continue
        k = header_key(c)
        f = header_field(c) or (f"given:{k}" if k in given else None)
        if f is not None:
            fields.add(f)
        elif k in _OTHER_KEYS:
            other += 1
    return len(fields) + other


def find_header_row(rows, mapping: dict | None = None) -> tuple[int, int] | None:
    """(index, score) of the header row in `rows` (lists of cells), or None when the first
    HEADER_SCAN_ROWS rows are all empty. Score 0: no row names a known column (the first non-empty row)."""
    given = frozenset(header_key(k) for k in (mapping or {}))
    first, best, best_score = None, None, 0
    for i, r in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not any(is_filled(c) for c in r):
            continue
        if first is None:
            first = i
        score = header_score(r, given)
        if score > best_score:
            best, best_score = i, score
    if first is None:
        return None
    return (best, best_score) if best is not None else (first, 0)


_TOTAL_WORD = (r"(?:ยอด\s*)?รวม(?:\s*ทั้ง\s*(?:สิ้น|หมด))?|จำนวน\s*(?:รวม|ทั้งหมด)|ทั้งหมด|grand\s*total|"
               r"sub\s*-?\s*total|total|sum")
_UNIT = r"(?:เรื่อง|ราย|คดี|เหตุ|ครั้ง|รายการ|cases?|reports?|items?|rows?|incidents?)"
_RX_TOTAL_CELL = re.compile(rf"^(?:{_TOTAL_WORD})\s*[:=]?\s*(?:\d[\d,]*\s*{_UNIT}?\.?)?$", re.I)
_RX_COUNT_CELL = re.compile(rf"^(?:\d[\d,]*\s*{_UNIT}\.?|\d{{1,4}})$", re.I)


def _count_text(c) -> str:
    if isinstance(c, (bool, dt.date, dt.time, dt.timedelta)):
        return "\x00"          # never a count or a total word
    return thai_digits(clean_text(c) or "")


def is_totals_row(cells) -> bool:
    """Whether a row is a totals row (see the module docstring)."""
    texts = [_count_text(c) for c in cells if is_filled(c)]
    if not texts:
        return False
    words = [bool(_RX_TOTAL_CELL.match(t)) for t in texts]
    if any(words):
        return all(w or bool(_RX_COUNT_CELL.match(t)) for w, t in zip(words, texts))
    return len(texts) == 1 and bool(_RX_COUNT_CELL.match(texts[0]))
