"""Thai text conventions, in one place: digits, Buddhist-era years, month names and administrative prefixes.

Used by the intake (dates and names typed or imported), the interface (dates shown in พ.ศ.) and the PDFs, so
that a rule (a four-digit year above 2400 is Buddhist era; ๐-๙ are digits; "อำเภอ"/"อ." is a prefix, not part
of the name) is written once.
"""
from __future__ import annotations

import datetime as dt
import re

BE_OFFSET = 543          # พ.ศ. = ค.ศ. + 543
BE_THRESHOLD = 2400      # a four-digit year above this is Buddhist era

_TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

MONTHS_FULL = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
EN_MONTHS_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EN_MONTHS_FULL = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")

# district-level prefixes written before a name: อำเภอ, อ., กิ่งอำเภอ (a former minor district), เขต (Bangkok)
DISTRICT_PREFIX = re.compile(r"^(?:กิ่ง\s*อำเภอ|กิ่ง\s*อ\.|อำเภอ|อ\.|เขต)\s*")


def ascii_digits(text: str) -> str:
    """Text with Thai digits ๐-๙ replaced by 0-9."""
    return text.translate(_TO_ASCII)


def thai_digits(text: str) -> str:
    """Text with 0-9 written as Thai digits ๐-๙ (for documents that use them)."""
    return text.translate(_TO_THAI)


def is_be_year(year: int) -> bool:
    """A four-digit year above 2400 is a Buddhist-era year."""
    return year > BE_THRESHOLD


def ce_year(year: int) -> int:
    """The Christian-era year of a year written either way (2569 -> 2026, 2026 -> 2026)."""
    return year - BE_OFFSET if is_be_year(year) else year


def be_year(ce: int) -> int:
    """The Buddhist-era year of a Christian-era year (2026 -> 2569)."""
    return ce + BE_OFFSET


def fiscal_year_be(day: dt.date) -> int:
    """The Thai government fiscal year (BE) a day falls in: it starts on 1 October (1 Oct 2025 -> FY 2569)."""
    return be_year(day.year + (1 if day.month >= 10 else 0))


def strip_district_prefix(name: str) -> str:
    """A district's name without อำเภอ / อ. / กิ่งอำเภอ / เขต."""
    return DISTRICT_PREFIX.sub("", name.strip())
