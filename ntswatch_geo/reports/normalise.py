"""Thai/English input normalisation: digits, dates, times, coordinates, categories, choices and flags.

Pure functions of one value each (no database, no clock: `today` is passed in). Each parser either returns
the normalised value or raises `Problem(code, message_en, message_th)`; the vectorised layer in
`submit.py` calls them once per *distinct* value of a column, so a million rows with a few thousand distinct
dates cost a few thousand calls.

Dates — the rules, in order
---------------------------
* Thai digits ๐–๙ are read as 0–9 everywhere; "วันที่", "พ.ศ." / "B.E.", "ค.ศ." / "A.D." / "C.E." are
  recognised; a time after the date ("15/01/2567 13.45 น.", "2024-01-15T13:45") is kept as the time.
* ``date`` / ``datetime`` objects (forms, XLSX cells) are taken as they are, except that a year above 2400
  is Buddhist era (an officer types 15/11/2568 into a date cell and Excel stores the year 2568): 543 is
  subtracted, the time kept. The same for an Excel serial number that lands on such a year.
* Numbers (and digit-only text up to 6 digits, optionally with a fraction) are **Excel serial dates**:
  days since 1899-12-30 (45306 → 2024-01-15; a fraction is the time of day). Eight digits are
  ``yyyymmdd`` (``25670115`` is BE).
* ``yyyy-mm-dd`` (also ``/`` or ``.``) is year-first; every other all-number form is **day first**:
  ``dd/mm/yyyy``, ``d/m/yy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``. Month-first (US) dates are not accepted:
  ``01/15/2024`` is an 'invalid_date' (there is no month 15); ``01/02/2024`` is 1 February 2024.
* Month names: Thai full names and abbreviations with or without dots (``15 ม.ค. 67``, ``15 มกราคม 2567``,
  ``15 มค 2567``, ``วันที่ 15 มกราคม พ.ศ. 2567``), English names and 3-letter abbreviations in either order
  (``15 Jan 2024``, ``January 15, 2024``, ``15-Jan-2567``). A month and a year without a day (``มกราคม 2567``,
  ``Jan 2024``) gives the 1st of the month with precision 'month'.
* **Years.** A four-digit year above 2400 is Buddhist era (BE = CE + 543): 2567 → 2024; otherwise it is
  Christian era. **Two-digit years are Buddhist era**: 67 → 2567 → 2024 (as Thai documents write them), so
  a two-digit CE year such as ``15/01/24`` reads as BE 2524 = 1981 and is refused as 'out_of_range' with a
  message saying how it was read. An explicit "ค.ศ."/"A.D."/"C.E." makes a two-digit year CE (24 → 2024);
  an explicit "พ.ศ."/"B.E." makes any year BE. Years of 1 or 3 digits are 'invalid_date'.
* **Range.** Allowed dates are 2015-01-01 to today. A date after today but at most 366 days ahead is
  'future' (a typo or a wrong era); anything further ahead or before 2015 is 'out_of_range' — so year 2657,
  read as BE (= 2114 CE), is 'out_of_range'. A day that does not exist (30 February) is 'invalid_date'.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from .. import thai

BE_OFFSET = thai.BE_OFFSET
MIN_DATE = dt.date(2015, 1, 1)
FUTURE_GRACE_DAYS = 366
EXCEL_EPOCH = dt.date(1899, 12, 30)

# Thailand's extent with a small margin (the kingdom spans about 5.6-20.5 N, 97.3-105.65 E).
LAT_RANGE = (5.5, 20.6)
LON_RANGE = (97.3, 105.7)


class Problem(ValueError):
    """A value that cannot be used: a machine-readable code and a message in English and Thai."""

    def __init__(self, code: str, message_en: str, message_th: str):
        super().__init__(message_en)
        self.code = code
        self.message_en = message_en
        self.message_th = message_th


# ---------------------------------------------------------------------------------------------- text


def thai_digits(text: str) -> str:
    """Text with Thai digits replaced by ASCII digits."""
    return thai.ascii_digits(text)


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


def clean_text(value) -> str | None:
    """A cell or form value as trimmed text, or None when empty. Numbers that are whole print without '.0'.

    NUL characters and zero-width marks are removed; nothing else is changed (HTML is stored as typed).
    """
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            value = int(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        value = value.isoformat()
    text = str(value).replace("\x00", "").translate(_ZERO_WIDTH).strip()
    return text or None


# --------------------------------------------------------------------------------------------- dates

TH_MONTHS = list(thai.MONTHS_FULL)
TH_MONTH_ABBR = list(thai.MONTHS_ABBR)
EN_MONTHS = [m.lower() for m in thai.EN_MONTHS_FULL]


def _th_abbr_rx(abbr: str) -> str:
    # "มี.ค." -> "มี\.?\s*ค\.?" : dots optional, a space allowed where a dot was
    parts = [re.escape(p) for p in abbr.split(".") if p]
    return r"\.?\s*".join(parts) + r"\.?"


_MONTH_WORDS: list[tuple[str, int]] = []
for _i, _name in enumerate(TH_MONTHS):
    _MONTH_WORDS.append((re.escape(_name), _i + 1))
    # common short forms without the gender suffix: มกรา, กุมภา, มีนา, เมษา, พฤษภา, มิถุนา, ...
    _stem = re.sub(r"(คม|ยน|พันธ์)$", "", _name)
    if _stem != _name and len(_stem) >= 3:
        _MONTH_WORDS.append((re.escape(_stem) + "(?:" + re.escape(_name[len(_stem):]) + ")?", _i + 1))
for _i, _abbr in enumerate(TH_MONTH_ABBR):
    _MONTH_WORDS.append((_th_abbr_rx(_abbr), _i + 1))
for _i, _name in enumerate(EN_MONTHS):
    _MONTH_WORDS.append((_name[:3] + "(?:" + re.escape(_name[3:]) + r"|\.)?" if len(_name) > 3 else _name, _i + 1))
_MONTH_WORDS.append(("sept\\.?", 9))
_MONTH_WORDS.sort(key=lambda p: -len(p[0]))
_MONTH_RX = "|".join(f"(?P<m{i}>{rx})" for i, (rx, _) in enumerate(_MONTH_WORDS))
_MONTH_OF_GROUP = {f"m{i}": m for i, (_, m) in enumerate(_MONTH_WORDS)}

_TIME_RX = (r"(?P<hh>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<ss>\d{2})(?:\.\d+)?)?\s*"
            r"(?P<ampm>am|pm|a\.m\.|p\.m\.)?\s*(?:น\.?|นาฬิกา)?")
_ERA_BE = r"(?:พ\.?\s*ศ\.?|b\.?\s*e\.?)"
_ERA_CE = r"(?:ค\.?\s*ศ\.?|a\.?\s*d\.?|c\.?\s*e\.?)"


def _era(n: int) -> str:
    return rf"(?:(?P<be{n}>{_ERA_BE})|(?P<ce{n}>{_ERA_CE}))"


_ERA = _era(0)
_TAIL = rf"(?:\s*{_era(1)})?(?:[\st,]+(?:เวลา\s*)?{_TIME_RX})?(?:\s*{_era(2)})?"

_SEP = r"[\s\-/.,]*"
_RX_YMD = re.compile(rf"^(?P<y>\d{{4}})[-/.](?P<mo>\d{{1,2}})[-/.](?P<d>\d{{1,2}})"
                     rf"(?:[t\s]+{_TIME_RX}(?:Z|[+-]\d{{2}}:?\d{{2}})?)?$")
_RX_DMY = re.compile(rf"^(?P<d>\d{{1,2}})[-/.](?P<mo>\d{{1,2}})[-/.]\s*(?:{_ERA}\s*)?(?P<y>\d+){_TAIL}$")
_RX_D_MON_Y = re.compile(rf"^(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_SEP}(?:{_MONTH_RX}){_SEP}(?:{_ERA}\s*)?"
                         rf"(?P<y>\d+){_TAIL}$")
_RX_MON_D_Y = re.compile(rf"^(?:{_MONTH_RX}){_SEP}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s\-/.,]+(?:{_ERA}\s*)?"
                         rf"(?P<y>\d+){_TAIL}$")
_RX_MON_Y = re.compile(rf"^(?:{_MONTH_RX}){_SEP}(?:{_ERA}\s*)?(?P<y>\d+)(?:\s*{_era(1)})?$")
_RX_FAST = re.compile(r"^(?:(?P<d>\d{1,2})/(?P<mo>\d{1,2})/(?P<y>\d{4})|(?P<y2>\d{4})-(?P<mo2>\d{2})-(?P<d2>\d{2}))$")
_RX_SERIAL = re.compile(r"^\d{1,6}(?:\.\d+)?$")
_RX_YYYYMMDD = re.compile(r"^(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})$")


@dataclass(frozen=True)
class ParsedDate:
    """A date as read: the CE date, a time when the text carried one, and 'day' or 'month' precision."""

    date: dt.date
    time: dt.time | None = None
    precision: str = "day"
    note: str = ""          # how the year was read, e.g. "two-digit year 67 read as BE 2567 = 2024 CE"


def _bad_date(value, why_en: str = "", why_th: str = "") -> Problem:
    return Problem(
        "invalid_date",
        f"{value!s:.60} is not a valid date{': ' + why_en if why_en else ''}; use e.g. 15/01/2567, "
        "15 ม.ค. 67, 2024-01-15 or 15 Jan 2024 (day first)",
        f"{value!s:.60} ไม่ใช่วันที่ที่ถูกต้อง{' (' + why_th + ')' if why_th else ''} "
        "ใช้รูปแบบ เช่น 15/01/2567, 15 ม.ค. 67, 2024-01-15 (วันขึ้นก่อน)",
    )


def _year_ce(text: str, be: bool, ce: bool, original) -> tuple[int, str]:
    """CE year from the year digits and era markers, and how it was read (for messages)."""
    y = int(text)
    if len(text) == 2:
        if ce:
            return 2000 + y, f"two-digit year {text} with ค.ศ./A.D. read as {2000 + y}"
        return 2500 + y - BE_OFFSET, f"two-digit year {text} read as BE 25{text} = {2500 + y - BE_OFFSET} CE"
    if len(text) != 4:
        raise _bad_date(original, f"the year {text} must have 2 or 4 digits", f"ปี {text} ต้องมี 2 หรือ 4 หลัก")
    if be or y > 2400:
        if be and y <= 2400:
            raise _bad_date(original, f"BE year {y} is before 2400", f"ปี พ.ศ. {y} ไม่ถูกต้อง")
        return y - BE_OFFSET, f"year {y} read as BE = {y - BE_OFFSET} CE"
    return y, f"year {y} read as CE"


def _make(y: int, mo: int, d: int, original, how: str) -> dt.date:
    try:
        return dt.date(y, mo, d)
    except ValueError:
        if not 1 <= mo <= 12:
            raise _bad_date(original, f"there is no month {mo} (dates are day first)",
                            f"ไม่มีเดือนที่ {mo} (วันขึ้นก่อนเดือน)") from None
        raise _bad_date(original, f"day {d} does not exist in that month ({how})",
                        f"ไม่มีวันที่ {d} ในเดือนนั้น") from None


def _eras(gd: dict) -> tuple[bool, bool]:
    """(BE marker, CE marker) present in a match's groups."""
    return (any(v for k, v in gd.items() if k.startswith("be")),
            any(v for k, v in gd.items() if k.startswith("ce")))


def _time_of(m: re.Match, original) -> dt.time | None:
    if not m.groupdict().get("hh"):
        return None
    t = _hms(int(m["hh"]), int(m["mi"]), int(m["ss"] or 0), m["ampm"], original)
    return None if t == dt.time(0) else t


def _hms(h: int, mi: int, s: int, ampm: str | None, original) -> dt.time:
    if ampm:
        if not 1 <= h <= 12:
            raise _bad_time(original)
        h = h % 12 + (12 if ampm.startswith("p") else 0)
    if h == 24 and mi == 0 and s == 0:
        h = 0
    if not (0 <= h < 24 and 0 <= mi < 60 and 0 <= s < 60):
        raise _bad_time(original)
    return dt.time(h, mi, s)


def _from_serial(x: float, original) -> ParsedDate:
    if not 1 <= x < 2958466:
        raise _bad_date(original, "not a day number Excel uses", "ไม่ใช่เลขวันที่ของ Excel")
    days = int(math.floor(x))
    secs = int(round((x - days) * 86400))
    day = EXCEL_EPOCH + dt.timedelta(days=days)
    if secs >= 86400:
        day, secs = day + dt.timedelta(days=1), 0
    tm = dt.time(secs // 3600, secs % 3600 // 60, secs % 60) if secs else None
    return ParsedDate(day, tm)


def _be_cell(p: ParsedDate, original) -> ParsedDate:
    """A date cell (or serial) whose year is above 2400 holds a Buddhist-era year: the CE date (year - 543)."""
    y = p.date.year
    if y <= 2400:
        return p
    try:
        d = p.date.replace(year=y - BE_OFFSET)
    except ValueError:      # 29 February of a BE year whose CE year is not a leap year
        raise _bad_date(f"{p.date.day:02d}/{p.date.month:02d}/{y}",
                        f"read as BE {y} = {y - BE_OFFSET} CE, which has no 29 February",
                        f"ปี พ.ศ. {y} = ค.ศ. {y - BE_OFFSET} ไม่มีวันที่ 29 กุมภาพันธ์") from None
    return ParsedDate(d, p.time, p.precision, f"date cell year {y} read as BE = {y - BE_OFFSET} CE")


def parse_date(value) -> ParsedDate:
    """Read a date in any accepted form (see the module docstring); no range check. Raises Problem."""
    if isinstance(value, dt.datetime):
        t = value.time()
        return _be_cell(ParsedDate(value.date(), t if t != dt.time(0) else None), value)
    if isinstance(value, dt.date):
        return _be_cell(ParsedDate(value), value)
    if isinstance(value, bool):
        raise _bad_date(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            raise Problem("missing", "no date given", "ไม่ได้ระบุวันที่")
        return _be_cell(_from_serial(float(value), value), value)
    text = clean_text(value)
    if text is None:
        raise Problem("missing", "no date given", "ไม่ได้ระบุวันที่")
    if m := _RX_FAST.match(text):           # the common forms, without the general cascade
        if m["y"]:
            y, how = _year_ce(m["y"], False, False, text)
            return ParsedDate(_make(y, int(m["mo"]), int(m["d"]), text, how), None, "day", how)
        y, how = _year_ce(m["y2"], False, False, text)
        return ParsedDate(_make(y, int(m["mo2"]), int(m["d2"]), text, how), None, "day", how)
    s = re.sub(r"\s+", " ", thai_digits(text).lower()).strip()
    s = re.sub(r"^(?:วันที่|วัน|date:?)\s*", "", s)
    s = re.sub(r"^(?:วัน)?(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)(?:ที่)?\s*", "", s)
    s = re.sub(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*", "", s)
    s = re.sub(r"(?<=\d)\s*ที่\s*", " ", s)
    if _RX_SERIAL.match(s):
        return _be_cell(_from_serial(float(s), text), text)
    if m := _RX_YYYYMMDD.match(s):
        y, how = _year_ce(m["y"], False, False, text)
        return ParsedDate(_make(y, int(m["mo"]), int(m["d"]), text, how), None, "day", how)
    if m := _RX_YMD.match(s):
        y, how = _year_ce(m["y"], False, False, text)
        return ParsedDate(_make(y, int(m["mo"]), int(m["d"]), text, how), _time_of(m, text), "day", how)
    for rx in (_RX_DMY, _RX_D_MON_Y, _RX_MON_D_Y):
        if m := rx.match(s):
            gd = m.groupdict()
            if "mo" in gd:
                mo = int(m["mo"])
            else:
                mo = next(_MONTH_OF_GROUP[k] for k, v in gd.items() if k in _MONTH_OF_GROUP and v)
            y, how = _year_ce(m["y"], *_eras(gd), text)
            return ParsedDate(_make(y, mo, int(m["d"]), text, how), _time_of(m, text), "day", how)
    if m := _RX_MON_Y.match(s):
        gd = m.groupdict()
        mo = next(_MONTH_OF_GROUP[k] for k, v in gd.items() if k in _MONTH_OF_GROUP and v)
        y, how = _year_ce(m["y"], *_eras(gd), text)
        return ParsedDate(_make(y, mo, 1, text, how), None, "month", how)
    raise _bad_date(text)


def check_date_range(d: dt.date, today: dt.date, original=None, note: str = "") -> None:
    """Raise 'future' or 'out_of_range' unless MIN_DATE <= d <= today (see the module docstring)."""
    shown = f"{original!s:.40} → " if original is not None and str(original) != d.isoformat() else ""
    shown_th = shown         # the Thai message shows the date as read in Thai, Buddhist era: no English note
    if note and shown:
        shown = f"{original!s:.40} ({note}) → "
    if d > today and (d - today).days <= FUTURE_GRACE_DAYS:
        raise Problem("future", f"{shown}{d.isoformat()} is in the future (today is {today.isoformat()})",
                      f"{shown_th}{_th_date(d)} เป็นวันในอนาคต (วันนี้คือ {_th_date(today)})")
    if d < MIN_DATE or d > today:
        raise Problem(
            "out_of_range",
            f"{shown}{d.isoformat()} is outside the allowed range {MIN_DATE.isoformat()} to {today.isoformat()}"
            " (4-digit years above 2400 and all 2-digit years are Buddhist era)",
            f"{shown_th}{_th_date(d)} อยู่นอกช่วงที่รับได้ {_th_date(MIN_DATE)} ถึง {_th_date(today)}"
            " (ปี 4 หลักที่มากกว่า 2400 และปี 2 หลักถือเป็น พ.ศ.)")


def _th_date(d: dt.date) -> str:
    """15 พ.ย. 2569: a date in a Thai message (Buddhist era)."""
    return f"{d.day} {TH_MONTH_ABBR[d.month - 1]} {d.year + BE_OFFSET}"


def parse_occurred(value, today: dt.date) -> ParsedDate:
    """parse_date plus the allowed-range check."""
    p = parse_date(value)
    check_date_range(p.date, today, value, p.note)
    return p


# --------------------------------------------------------------------------------------------- times


def _bad_time(value) -> Problem:
    return Problem("invalid_time", f"{value!s:.40} is not a time of day; use e.g. 13:45, 13.45 น. or 1:45 PM",
                   f"{value!s:.40} ไม่ใช่เวลาที่ถูกต้อง ใช้รูปแบบ เช่น 13:45 หรือ 13.45 น.")


_RX_TIME_ONLY = re.compile(rf"^(?:เวลา\s*)?{_TIME_RX}$")
_RX_HHMM = re.compile(r"^(?:เวลา\s*)?(?P<hh>\d{1,2})(?P<mi>\d{2})\s*(?:น\.?|นาฬิกา)?$")
_RX_HOUR = re.compile(r"^(?:เวลา\s*)?(?P<hh>\d{1,2})\s*(?P<ampm>am|pm|น\.?|นาฬิกา)$")


def parse_time(value) -> dt.time | None:
    """A time of day from '13:45', '13.45 น.', '1:45 pm', '1345', '๑๓.๔๕', an Excel day fraction or a time
    object; None when empty. Raises Problem('invalid_time')."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.timedelta):
        secs = int(value.total_seconds())
        if not 0 <= secs < 86400:
            raise _bad_time(value)
        return dt.time(secs // 3600, secs % 3600 // 60, secs % 60)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        if 0 <= value < 1:
            secs = int(round(value * 86400)) % 86400
            return dt.time(secs // 3600, secs % 3600 // 60, secs % 60)
        raise _bad_time(value)
    text = clean_text(value)
    if text is None:
        return None
    s = re.sub(r"\s+", " ", thai_digits(text).lower()).strip()
    if m := _RX_TIME_ONLY.match(s):
        return _hms(int(m["hh"]), int(m["mi"]), int(m["ss"] or 0), m["ampm"], text)
    if m := _RX_HHMM.match(s):
        return _hms(int(m["hh"]), int(m["mi"]), 0, None, text)
    if m := _RX_HOUR.match(s):
        ampm = m["ampm"] if m["ampm"] in ("am", "pm") else None
        return _hms(int(m["hh"]), 0, 0, ampm, text)
    if _RX_SERIAL.match(s) and float(s) < 1:
        return parse_time(float(s))
    raise _bad_time(text)


# --------------------------------------------------------------------------------------- coordinates


def _bad_coord(value, axis: str) -> Problem:
    name_en, name_th = ("latitude", "ละติจูด") if axis == "lat" else ("longitude", "ลองจิจูด")
    return Problem("invalid_coordinate",
                   f"{value!s:.40} is not a {name_en}; use decimal degrees (17.8783) or degrees, minutes, "
                   "seconds (17°52'42\"N)",
                   f"{value!s:.40} ไม่ใช่ค่า{name_th}ที่ถูกต้อง ใช้องศาทศนิยม (17.8783) หรือ องศา ลิปดา ฟิลิปดา "
                   "(17°52'42\"N)")


_PRIMES = str.maketrans({"′": "'", "’": "'", "‘": "'", "´": "'", "`": "'", "″": '"', "”": '"', "“": '"',
                         "º": "°", "˚": "°", "∘": "°"})
_RX_DEC = re.compile(r"^(?P<h1>[nsew])?\s*(?P<v>[+-]?\d+(?:\.\d+)?)\s*°?\s*(?P<h2>[nsew])?$")
_RX_DMS = re.compile(
    r"^(?P<h1>[nsew])?\s*(?P<d>[+-]?\d+(?:\.\d+)?)\s*(?:°|d|deg|\s)\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:'|m|min)?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:\"|''|s|sec)?)?)?\s*(?P<h2>[nsew])?$")


@dataclass(frozen=True)
class Coordinate:
    """Decimal degrees and the axis its hemisphere letter names ('lat' for N/S, 'lon' for E/W, None)."""

    value: float
    axis_hint: str | None = None


def parse_coordinate(value, axis: str = "lat") -> Coordinate | None:
    """Decimal degrees or DMS (17°52'42"N, 17 52 42 N, N 17°52.7', 17,8783) with Thai digits; None when
    empty. S and W make the value negative. Raises Problem('invalid_coordinate')."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise _bad_coord(value, axis)
        return Coordinate(float(value))
    text = clean_text(value)
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", thai_digits(text)).translate(_PRIMES).lower().strip()
    if re.fullmatch(r"[+-]?\d+,\d+", s):
        s = s.replace(",", ".")
    m = _RX_DEC.match(s) or _RX_DMS.match(s)
    if not m:
        raise _bad_coord(text, axis)
    h1, h2 = m["h1"], m["h2"]
    if h1 and h2 and h1 != h2:
        raise _bad_coord(text, axis)
    hemi = h1 or h2
    if "v" in m.groupdict() and m.groupdict().get("v") is not None:
        v = float(m["v"])
    else:
        deg = float(m["d"])
        mins = float(m["m"] or 0)
        secs = float(m["s"] or 0)
        if mins >= 60 or secs >= 60 or (m["m"] and "." in m["d"]):
            raise _bad_coord(text, axis)
        v = abs(deg) + mins / 60 + secs / 3600
        if deg < 0 or s.startswith("-"):
            v = -v
    if hemi in ("s", "w"):
        v = -abs(v)
    if not math.isfinite(v) or abs(v) > 180:
        raise _bad_coord(text, axis)
    return Coordinate(v, None if hemi is None else ("lat" if hemi in "ns" else "lon"))


def parse_coordinate_pair(value) -> tuple[Coordinate, Coordinate] | None:
    """'17.8783, 102.7155', '17°52'42"N 102°42'56"E' or '17.8783 102.7155' -> (lat, lon); None when empty."""
    text = clean_text(value)
    if text is None:
        return None
    s = thai_digits(text).translate(_PRIMES).strip().strip("()[]")
    parts = [p for p in re.split(r"\s*[,;/]\s*|\s{2,}", s) if p]
    if len(parts) != 2:
        m = re.match(r"^(.*?[nsNS])\s+(.*[ewEW])$", s)
        parts = [m[1], m[2]] if m else s.split()
    if len(parts) != 2:
        raise Problem("invalid_coordinate",
                      f"{text:.60} is not a latitude, longitude pair; use e.g. 17.8783, 102.7155",
                      f"{text:.60} ไม่ใช่พิกัด ละติจูด, ลองจิจูด ใช้รูปแบบ เช่น 17.8783, 102.7155")
    return parse_coordinate(parts[0], "lat"), parse_coordinate(parts[1], "lon")


def in_thailand_box(lat: float, lon: float) -> bool:
    """Whether a point lies in Thailand's bounding box (LAT_RANGE x LON_RANGE)."""
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def looks_swapped(lat: float, lon: float) -> bool:
    """Latitude outside Thailand's range but inside its longitude range, and the other way round."""
    return (not LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lat <= LON_RANGE[1]
            and LAT_RANGE[0] <= lon <= LAT_RANGE[1] and not LON_RANGE[0] <= lon <= LON_RANGE[1])


# -------------------------------------------------------------------------------------- categories

CATEGORY_WORDS: dict[str, list[str]] = {
    # order matters for words inside longer text: the first category whose word occurs wins
    "drug_trafficking": ["ยาเสพติด", "ยาบ้า", "ไอซ์", "ไอซ", "กัญชา", "เฮโรอีน", "เฮโรอีน", "ยาไอซ์", "ยาอี",
                         "เคตามีน", "พืชกระท่อม", "กระท่อม", "ฝิ่น", "ยาเค", "drug", "drugs", "narcotic",
                         "narcotics", "meth", "methamphetamine", "yaba", "ice", "crystalmeth", "heroin",
                         "cannabis", "marijuana", "ganja", "ketamine", "opium", "kratom"],
    "human_trafficking": ["ค้ามนุษย์", "การค้ามนุษย์", "humantrafficking", "traffickinginpersons",
                          "trafficking", "forcedlabour", "forcedlabor", "แรงงานบังคับ"],
    "illegal_migration": ["หลบหนีเข้าเมือง", "ลักลอบเข้าเมือง", "เข้าเมืองผิดกฎหมาย", "แรงงานต่างด้าว",
                          "แรงงานเถื่อน", "ต่างด้าว", "ลักลอบข้ามแดน", "ข้ามแดน", "หลบหนีข้ามแดน",
                          "illegalmigration", "illegalentry", "illegalimmigration", "migration", "migrant",
                          "migrants", "immigration", "bordercrossing", "illegalcrossing", "illegalworkers",
                          "migrantworkers"],
    "online_fraud": ["แก๊งคอลเซ็นเตอร์", "แก๊งค์คอลเซ็นเตอร์", "คอลเซ็นเตอร์", "คอลเซนเตอร์", "ฉ้อโกงออนไลน์",
                     "หลอกลวงออนไลน์", "ฉ้อโกง", "หลอกลวง", "มิจฉาชีพ", "บัญชีม้า", "callcenter",
                     "callcentre", "callcentergang", "onlinefraud", "onlinescam", "fraud", "scam", "scams"],
    "smuggling": ["สินค้าเถื่อน", "ลักลอบขน", "ลักลอบนำเข้า", "หนีภาษี", "บุหรี่", "สุรา", "เหล้า", "ของเถื่อน",
                  "สินค้าหนีภาษี", "ลักลอบขนโค", "ปศุสัตว์", "smuggling", "smuggle", "smuggled", "contraband",
                  "cigarettes", "cigarette", "alcohol", "liquor", "livestock", "cattle", "taxevasion"],
    "other": ["อื่นๆ", "อื่น", "อื่นๆโปรดระบุ", "other", "others", "misc"],
}


def _key(text: str) -> str:
    return re.sub(r"[\s_\-/.,()'\"]+", "", text.lower())


def _category_lookup() -> tuple[dict[str, str], list[tuple[str, str]]]:
    from ..taxonomy import CATEGORIES

    exact: dict[str, str] = {}
    for key, th, en in CATEGORIES:
        for label in (key, th, en, *re.split(r"\s*/\s*", th), *re.split(r"\s*/\s*", en)):
            exact.setdefault(_key(label), key)
    for key, words in CATEGORY_WORDS.items():
        for w in words:
            exact.setdefault(_key(w), key)
    # substring search inside longer text: Thai words and English words of 4+ letters
    contains = [(_key(w), key) for key, words in CATEGORY_WORDS.items() for w in words
                if key != "other" and (re.search(r"[ก-๙]", w) or len(w) >= 4)]
    return exact, contains


_CAT_EXACT, _CAT_CONTAINS = _category_lookup()


def allowed_categories_text() -> tuple[str, str]:
    """The category list for messages, in English and Thai."""
    from ..taxonomy import CATEGORIES

    return (", ".join(f"{k} ({en})" for k, _, en in CATEGORIES),
            ", ".join(f"{k} ({th})" for k, th, _ in CATEGORIES))


def parse_category(value) -> str | None:
    """Category key from a key, a Thai or English label, or a common word (ยาบ้า → drug_trafficking);
    None when empty. Raises Problem('unknown_category') naming the allowed list."""
    text = clean_text(value)
    if text is None:
        return None
    k = _key(text)
    if k in _CAT_EXACT:
        return _CAT_EXACT[k]
    for word, key in _CAT_CONTAINS:
        if word in k:
            return key
    en, th = allowed_categories_text()
    raise Problem("unknown_category", f"{text:.60} is not a category; allowed: {en}",
                  f"{text:.60} ไม่ใช่ประเภทเหตุที่รู้จัก ประเภทที่ใช้ได้: {th}")


# ------------------------------------------------------------------------------------------ choices

INTAKE_METHODS = {
    # "MWCC" / "office": what officers call the office channel in a spreadsheet — a report taken at the
    # district coordination centre's counter, i.e. a walk-in
    "walk_in": ["walkin", "walk", "inperson", "มาด้วยตนเอง", "ด้วยตนเอง", "มาแจ้งด้วยตนเอง", "แจ้งด้วยตนเอง",
                "วอล์คอิน", "mwcc", "ntsmwcc", "mwccoffice", "office", "districtoffice", "counter",
                "ศูนย์", "ศูนย์ประสานงาน", "ศูนย์mwcc", "ที่ว่าการอำเภอ", "อำเภอ"],
    "phone": ["phone", "telephone", "call", "tel", "โทรศัพท์", "โทร", "สายด่วน", "hotline", "โทรแจ้ง",
              "ทางโทรศัพท์", "แจ้งทางโทรศัพท์", "โทรศัพท์มือถือ", "มือถือ", "phonecall"],
    "line": ["line", "ไลน์", "lineoa", "ไลน์โอเอ", "ไลน์ไอดี", "lineid", "line@", "ทางไลน์", "แจ้งทางไลน์",
             "ไลน์กลุ่ม", "ไลน์ศูนย์"],
    "headman": ["headman", "villageheadman", "ผู้ใหญ่บ้าน", "กำนัน", "ผ่านผู้ใหญ่บ้าน", "ผ่านกำนัน"],
    "patrol": ["patrol", "ลาดตระเวน", "สายตรวจ", "ออกตรวจ", "ชุดลาดตระเวน"],
    # Facebook (page messages, Messenger) is reported online; the taxonomy has no separate Facebook method
    "web": ["web", "website", "online", "internet", "เว็บไซต์", "เว็บ", "ออนไลน์", "อินเทอร์เน็ต",
            "facebook", "fb", "เฟซบุ๊ก", "เฟซบุ๊ค", "เฟสบุ๊ก", "เฟสบุ๊ค", "เฟส", "messenger", "เมสเซนเจอร์"],
}
REPORTER_TYPES = {
    "citizen": ["citizen", "public", "resident", "villager", "ประชาชน", "ชาวบ้าน", "พลเมือง"],
    "anonymous": ["anonymous", "anon", "ไม่ประสงค์ออกนาม", "ไม่ระบุตัวตน", "ไม่ระบุชื่อ", "นิรนาม"],
    "village_headman": ["villageheadman", "headman", "kamnan", "ผู้ใหญ่บ้าน", "กำนัน", "ผู้นำชุมชน"],
    "volunteer": ["volunteer", "อาสาสมัคร", "อาสา", "อส", "ชรบ", "อปพร"],
    "officer": ["officer", "official", "staff", "police", "เจ้าหน้าที่", "ปลัดอำเภอ", "ปลัด", "ตำรวจ", "ทหาร"],
}


def _choice_lookup(table: dict[str, list[str]]) -> dict[str, str]:
    out = {}
    for key, words in table.items():
        out[_key(key)] = key
        for w in words:
            out.setdefault(_key(w), key)
    return out


_INTAKE = _choice_lookup(INTAKE_METHODS)
_REPORTER = _choice_lookup(REPORTER_TYPES)


def parse_choice(value, field: str) -> str | None:
    """intake_method or reporter_type key from a key or a Thai/English word; None when empty.
    Raises Problem('invalid_choice')."""
    text = clean_text(value)
    if text is None:
        return None
    table, keys = (_INTAKE, INTAKE_METHODS) if field == "intake_method" else (_REPORTER, REPORTER_TYPES)
    k = _key(text)
    if k in table:
        return table[k]
    allowed = ", ".join(keys)
    return_en = f"{text:.60} is not allowed for {field}; allowed: {allowed}"
    raise Problem("invalid_choice", return_en, f"{text:.60} ไม่ใช่ค่าที่ใช้ได้สำหรับ {field} ค่าที่ใช้ได้: {allowed}")


_TRUE = {"true", "yes", "y", "1", "t", "x", "✓", "✔", "ใช่", "ยินยอม", "ยอมรับ", "อนุญาต", "ตกลง", "on"}
_FALSE = {"false", "no", "n", "0", "f", "ไม่", "ไม่ใช่", "ไม่ยินยอม", "ไม่อนุญาต", "off", "-"}


def parse_flag(value) -> bool | None:
    """True/False from booleans, yes/no, 1/0, ใช่/ไม่, ยินยอม/ไม่ยินยอม; None when empty or unclear."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return None if (isinstance(value, float) and math.isnan(value)) else bool(value)
    text = clean_text(value)
    if text is None:
        return None
    k = _key(thai_digits(text))
    if k in _TRUE:
        return True
    if k in _FALSE:
        return False
    return None
