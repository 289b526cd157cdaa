"""Spreadsheet import of cooperation activities: CSV and XLSX, one transaction and one batch per file.

The same rules as the report import (reports/importer.py), with the same reading pieces:

* **Reading** (reports/tables.py, reports/headers.py): CSV in UTF-8, UTF-8 with BOM or TIS-620/Windows-874
  with a sniffed delimiter; every visible sheet of an XLSX workbook (or the one chosen), each with its own
  header row found below title and blank rows; empty rows and totals rows are *skipped* and counted. An
  activities sheet's totals row also carries sums of participants and baht ("รวม | 35 | 48 | 73,500"), too
  large for the report rule's counts: a row whose activity type, date and district cells are empty (or hold
  the total word) and whose text cells are a totals row by that rule is skipped too.
* **Columns**: Thai and English headers, as offices write them (`HEADER_NAMES`; matched like report headers:
  case, spaces and punctuation ignored, a parenthesised part tried with and without). Participant columns are
  a side and a kind in either order, with or without "ผู้เข้าร่วม" / "ฝั่ง" / "participants":
  "ผู้เข้าร่วมฝั่งไทย (เจ้าหน้าที่)", "เจ้าหน้าที่ฝั่ง สปป.ลาว", "Cambodian youth", "th_officials". A header row of
  side groups over a row of kinds (a merged "ผู้เข้าร่วมฝั่งไทย" above "เจ้าหน้าที่ | ผู้นำชุมชน | ...") is read as
  one header. A file (a chosen sheet, a single sheet, a CSV) without an activity type, a start date or a
  district column is refused before its rows are read, naming the columns found and those needed; in a
  workbook whose sheet was not chosen, such a sheet (a summary) is left out and named.
* **Rows** are checked by `record.check` (the entry form's rules: Buddhist-era dates, Thai months and digits,
  Excel serials; district names with prefixes; facing districts among the district's parallel areas; Lao or
  Cambodian participants only where the district faces that country; the importer's scope). A date cell
  holding a range ("15-17 มี.ค. 68", "15/03/2568 - 17/03/2568") gives start and end when there is no end
  column value. Every row below the header ends in exactly one of: imported, quarantined (coop_quarantine:
  raw row + every reason), duplicate (the same activity, by content key, already recorded or earlier in the
  file: nothing stored, named in the rejects with code 'duplicate'), or skipped.
  rows_in = imported + quarantined + duplicates + skipped, per sheet and per file.
* **Once**: one coop_import_batches row per import, keyed by the SHA-256 of the file's bytes (with
  "#<sheet>" when one sheet was chosen): the same bytes again add nothing (`already_imported`, naming the
  batch, when and by whom). Rows of another file that repeat stored activities are duplicates.
* **One transaction**: the activities, their facing districts, the quarantine rows, the batch row and the
  audit entry ("coop_import": file, format, sheets, counts; never a row's values) commit together or not at all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import audit
from ..db import is_duplicate_key, next_ids, run_query, transaction
from ..errors import InputError
from ..i18n import t
from ..reports.headers import header_key, is_filled, is_totals_row
from ..reports.normalise import clean_text, thai_digits
from ..reports.importer import SheetResult
from ..reports.tables import IgnoredSheet, Read, Table, is_workbook, list_names, read_table
from ..scope import Scope
from . import record
from .taxonomy import PARTICIPANT_COLUMNS

MAX_BYTES = 50 * 1024 * 1024
REQUIRED = ("activity_type", "start_date", "district")
COUNTS = ("rows_in", "imported", "quarantined", "duplicates", "skipped")
REJECT_COLUMNS = ["sheet", "row_no", "field", "value", "code", "message", "message_th"]

# field -> the headers offices write for it (compared by `_keys`: no case, spaces, punctuation)
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "activity_type": ("activity_type", "ประเภทกิจกรรม", "ประเภทของกิจกรรม", "ประเภท", "กิจกรรม", "ลักษณะกิจกรรม",
                      "รูปแบบกิจกรรม", "ประเภทกิจกรรม/รูปแบบ", "activity type", "type", "activity", "type of activity"),
    "start_date": ("start_date", "วันที่จัดกิจกรรม", "วันที่", "วันที่เริ่ม", "วันเริ่ม", "วันที่เริ่มต้น", "วันที่เริ่มกิจกรรม",
                   "วันเริ่มกิจกรรม", "วันที่ดำเนินการ", "วันที่จัด", "วันที่จัดงาน", "วันเดือนปี", "ว/ด/ป", "วดป",
                   "วัน/เดือน/ปี", "ระหว่างวันที่", "วันที่ดำเนินกิจกรรม", "start date", "start", "date", "from",
                   "date from", "activity date", "date of activity"),
    "end_date": ("end_date", "วันที่สิ้นสุด", "วันสิ้นสุด", "ถึงวันที่", "วันที่สิ้นสุดกิจกรรม", "วันที่เสร็จสิ้น", "ถึง",
                 "end date", "end", "to", "until", "date to"),
    "province": ("province", "จังหวัด", "จ.", "changwat", "prov"),
    "district": ("district", "อำเภอ", "อ.", "อำเภอชายแดน", "อำเภอฝั่งไทย", "อำเภอที่จัด", "amphoe", "amphur",
                 "thai district", "border district"),
    "facing": ("facing", "พื้นที่คู่ขนาน", "อำเภอฝั่งตรงข้าม", "เมืองฝั่งตรงข้าม", "อำเภอคู่ขนาน", "เมืองคู่ขนาน",
               "อำเภอ/เมืองคู่ขนาน", "พื้นที่ฝั่งตรงข้าม", "ฝั่งตรงข้าม", "พื้นที่คู่ขนานฝั่งตรงข้าม", "อำเภอคู่ขนานฝั่งตรงข้าม",
               "facing district", "facing districts", "parallel area", "parallel areas", "counterpart",
               "counterpart district", "cross-border district", "neighbour district", "neighbor district",
               "neighbour districts", "neighbor districts"),
    "title": ("title", "ชื่อกิจกรรม", "ชื่อโครงการ", "โครงการ", "ชื่อกิจกรรม/โครงการ", "หัวข้อ", "เรื่อง", "name",
              "activity name", "activity title", "project"),
    "change_agents": ("change_agents", "ผู้นำการเปลี่ยนแปลง", "จำนวนผู้นำการเปลี่ยนแปลง", "ผู้นำการเปลี่ยนแปลงที่ผ่านการอบรม",
                      "ผู้นำการเปลี่ยนแปลงที่ได้รับการอบรม", "แกนนำการเปลี่ยนแปลง", "change agents", "change agents trained",
                      "change agent"),
    "budget_thb": ("budget_thb", "งบประมาณ", "งบประมาณบาท", "งบ", "งบประมาณที่ใช้", "ค่าใช้จ่าย", "จำนวนเงิน", "budget",
                   "budget thb", "cost", "amount", "expenditure"),
    "outcome": ("outcome", "ผลการดำเนินงาน", "ผลการดำเนินการ", "ผลลัพธ์", "ผลที่ได้รับ", "ผลการจัดกิจกรรม", "สรุปผล",
                "outcomes", "result", "results", "outcome notes"),
}
# known columns that are not imported (a running number, remarks, totals, the export's extra columns)
OTHER_HEADERS = ("ลำดับ", "ลำดับที่", "ที่", "no", "no.", "number", "#", "หมายเหตุ", "remark", "remarks", "note",
                 "notes", "รวม", "รวมผู้เข้าร่วม", "รวมทั้งหมด", "total", "total participants", "ผู้รับผิดชอบ",
                 "ผู้บันทึก", "recorded by")

# participant headers: a side and a kind, with these filler words removed first
_FILLERS = ("จำนวนผู้เข้าร่วม", "ผู้เข้าร่วม", "participants", "participant", "จำนวน", "numberof", "ฝั่ง", "ฝ่าย",
            "ประเทศ", "side")
_SIDES = {"th": ("ไทย", "thai", "thailand", "th"),
          "la": ("สปปลาว", "ลาว", "lao", "laos", "laopdr", "la"),
          "kh": ("กัมพูชา", "เขมร", "cambodian", "cambodia", "khmer", "kh")}
_KINDS = {"officials": ("เจ้าหน้าที่", "เจ้าหน้าที่รัฐ", "ข้าราชการ", "officials", "official", "officers"),
          "leaders": ("ผู้นำชุมชน", "ผู้นำ", "ผู้นำท้องถิ่น", "communityleaders", "communityleader", "leaders", "leader"),
          "citizens": ("ประชาชน", "ชาวบ้าน", "citizens", "citizen", "public"),
          "youth": ("เยาวชน", "youth", "youths")}


def _full_key(name) -> str:
    """A header as compared, keeping a parenthesised part ("ผู้เข้าร่วมฝั่งไทย (เจ้าหน้าที่)")."""
    s = thai_digits(str(name)).replace("\ufeff", "").replace("\u200b", "").lower().strip()
    return re.sub(r"[\s_\-–.:/*#()\[\],]+", "", s)


def _keys(name) -> list[str]:
    """The keys a header is looked up by, best first: the whole, then without its parenthesised part."""
    out = [_full_key(name)]
    k = header_key(name)
    if k not in out:
        out.append(k)
    return [k for k in out if k]


_LOOKUP = {_full_key(n): f for f, names in HEADER_NAMES.items() for n in names}
_OTHER = {_full_key(n) for n in OTHER_HEADERS}
_KIND_KEY = {w: k for k, words in _KINDS.items() for w in words}
_SIDE_WORDS = sorted(((w, s) for s, words in _SIDES.items() for w in words), key=lambda x: -len(x[0]))


def _participant(key: str) -> str | None:
    """th_officials ... kh_youth for a participant header key (a side and a kind, either order), else None."""
    k = key
    for f in _FILLERS:
        k = k.replace(f, "")
    if k.endswith("คน"):
        k = k[:-2]
    for w, side in _SIDE_WORDS:
        if k.startswith(w) and k[len(w):] in _KIND_KEY:
            return f"{side}_{_KIND_KEY[k[len(w):]]}"
        if k.endswith(w) and k[:-len(w)] in _KIND_KEY:
            return f"{side}_{_KIND_KEY[k[:-len(w)]]}"
    return None


def header_field(name) -> str | None:
    """The record field a header names (`record.FIELDS`), or None. "/" alternatives are tried part by part."""
    if not isinstance(name, str) or not name.strip():
        return None
    for k in _keys(name):
        f = _LOOKUP.get(k) or _participant(k)
        if f is not None:
            return f
    if "/" in name:
        for part in name.split("/"):
            f = header_field(part) if part.strip() and part != name else None
            if f is not None:
                return f
    return None


def _is_other(name) -> bool:
    return any(k in _OTHER for k in _keys(name)) or _is_export_column(name)


def _is_export_column(name) -> bool:
    """A column the activities export writes that is not a field (id, codes, totals, source ...)."""
    from .export import extra_headers
    return _full_key(name) in {_full_key(h) for h in extra_headers()}


def _given_headers() -> dict[str, str]:
    """Every known header as a 'mapping' for finding the header row (reports.headers.find_header_row)."""
    names = {n: f for f, ns in HEADER_NAMES.items() for n in ns}
    names.update({n: "" for n in OTHER_HEADERS})
    for col in PARTICIPANT_COLUMNS:
        side, kind = col.split("_", 1)
        names[f"ผู้เข้าร่วมฝั่ง{_SIDES[side][0]} {_KINDS[kind][0]}"] = col
        names[f"{_SIDES[side][1]} {_KINDS[kind][-1]}"] = col
    return names


# ------------------------------------------------------------------------------------------ results


SheetCounts = SheetResult      # one sheet's counts, as the report import keeps them


@dataclass
class CoopImportResult:
    """What an import did. rows_in = imported + quarantined + duplicates + skipped (per sheet and in total).
    rejects: one row per reason of each quarantined row, and one per duplicate (code 'duplicate')."""

    batch_id: int | None
    rows_in: int
    imported: int
    quarantined: int
    duplicates: int
    skipped: int
    already_imported: bool
    rejects: pd.DataFrame
    file_name: str = ""
    file_sha256: str = ""
    file_format: str = ""
    encoding: str | None = None
    message: str = ""
    sheets: list[SheetCounts] = field(default_factory=list)
    ignored_sheets: list[IgnoredSheet] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)   # headers not recognised (not imported)
    activity_ids: list[int] = field(default_factory=list)

    def summary(self, lang: str = "en") -> str:
        """One line: the batch and its counts, or that the file was imported before."""
        if self.already_imported:
            return self.message
        return t("coop_import.summary", lang, file=self.file_name, batch=self.batch_id,
                 **{k: f"{getattr(self, k):,}" for k in COUNTS})


def _empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in REJECT_COLUMNS})


# ------------------------------------------------------------------------------------------ reading


def _read(data: bytes, file_name: str, sheet: str | None) -> Read:
    """The file's tables (reports.tables.read_table; a workbook is read from a private temporary file)."""
    path = Path(file_name)
    if path.suffix.lower() in (".geojson", ".json"):
        raise InputError(f"{path.name}: activities are imported from CSV or XLSX files, not "
                         f"{path.suffix.lstrip('.').upper()}")
    given = _given_headers()
    if is_workbook(path, data):
        with tempfile.TemporaryDirectory(prefix="ntswatch-coop-") as d:
            tmp = Path(d) / (path.stem[:80] + ".xlsx")
            tmp.write_bytes(data)
            read = read_table(tmp, data, [sheet] if sheet else None, given)
    else:
        read = read_table(path, data, [sheet] if sheet else None, given)
    for table in read.tables:
        _merge_subheader(table)
    return read


def _merge_subheader(table: Table) -> None:
    """A header of side groups over a row of kinds: "ผู้เข้าร่วมฝั่งไทย" (merged over four columns) above
    "เจ้าหน้าที่ | ผู้นำชุมชน | ประชาชน | เยาวชน". The first data row becomes part of the header when each of its
    filled cells, joined to the group above it (the last header to its left), names a participant column and
    none names anything else. The rows below it are renumbered (it was never a data row)."""
    frame = table.frame
    if not len(frame) or not len(table.row_nos) or table.row_nos[0] != 1:
        return
    first = frame.iloc[0]
    names = list(frame.columns)
    group, new, merged = "", [], 0
    for i, col in enumerate(names):
        blank = re.fullmatch(r"column \d+", col) is not None
        if not blank:
            group = col
        cell = clean_text(first.iloc[i])
        if cell is None:
            new.append(col)
            continue
        joined = f"{group} ({cell})"
        if header_field(joined) in PARTICIPANT_COLUMNS and header_field(col) not in PARTICIPANT_COLUMNS:
            new.append(joined)
            merged += 1
        else:
            return                     # a data value, not a kind: the header is one row
    if merged == 0:
        return
    from ..reports.tables import dedupe_names
    table.frame = frame.iloc[1:].reset_index(drop=True)
    table.frame.columns = dedupe_names(new)
    table.row_nos = table.row_nos[1:] - 1
    table.bad_rows = [(rn - 1, raw, reasons) for rn, raw, reasons in table.bad_rows]


def map_columns(columns: list[str]) -> tuple[dict[str, str], list[str]]:
    """(source column -> field for the columns used (the first per field), the columns not recognised)."""
    used: dict[str, str] = {}
    unused = []
    for c in columns:
        f = header_field(c)
        if f is None or f in used.values():
            if f is None and not _is_other(c) and not re.fullmatch(r"column \d+", c):
                unused.append(c)
            continue
        used[c] = f
    return used, unused


def _missing(used: dict[str, str], lang: str) -> list[str]:
    have = set(used.values())
    return [t(f"coop_import.need_{f}", lang) for f in REQUIRED if f not in have]


def _plan(name: str, read: Read, lang: str) -> list[tuple[Table, dict[str, str], list[str]]]:
    """Each table with its columns (used, not recognised); sheets without the needed columns left out (a
    chosen or single sheet, or a CSV, without them refuses the file: InputError naming found and needed)."""
    plans, left_out = [], []
    for table in read.tables:
        columns = list(table.frame.columns)
        used, unused = map_columns(columns)
        missing = _missing(used, lang)
        if missing:
            where = name if table.sheet is None else f"{name}, sheet {table.sheet!r}"
            msg = t("coop_import.missing_columns", lang, file=where, missing="; ".join(missing),
                    found=list_names(columns))
            if read.chosen or len(read.tables) == 1:
                raise InputError(msg)
            left_out.append(IgnoredSheet(table.sheet, "unusable", msg))
            continue
        plans.append((table, used, unused))
    if not plans:
        others = t("coop_import.other_sheets", lang, n=len(left_out) - 1) if len(left_out) > 1 else ""
        raise InputError(left_out[0].detail + others)
    read.ignored.extend(left_out)
    return plans


# ------------------------------------------------------------------------------------------ rows

_RX_DAY_RANGE = re.compile(r"^(\d{1,2})\s*[-–]\s*(\d{1,2})\s+(\S.*)$")
_RX_TWO_DATES = re.compile(r"^(.+?)\s+(?:[-–]|ถึง|to)\s+(.+)$", re.I)


def split_range(value) -> tuple[str, str] | None:
    """(start, end) texts of a date range written in one cell: "15-17 มี.ค. 68" (days of one month) or two dates
    "15/03/2568 - 17/03/2568", "1 มี.ค. 68 ถึง 3 มี.ค. 68"; None when the cell is not such a range."""
    from ..reports.normalise import Problem, parse_date
    if not isinstance(value, str):
        return None
    text = thai_digits(clean_text(value) or "")
    if m := _RX_DAY_RANGE.match(text):
        return f"{m[1]} {m[3]}", f"{m[2]} {m[3]}"
    if m := _RX_TWO_DATES.match(text):
        try:
            parse_date(m[1])
            parse_date(m[2])
        except Problem:
            return None
        return m[1], m[2]
    return None


def _is_number(c) -> bool:
    if isinstance(c, (int, float, np.integer, np.floating)) and not isinstance(c, bool):
        return True
    text = clean_text(c)
    return bool(text) and re.fullmatch(r"[\d,.\s]+", thai_digits(text)) is not None


def _totals_with_sums(cells: list, raw: dict) -> bool:
    """A totals row of an activities sheet: its activity type, date and district cells are empty (or hold the
    total word, "รวม" in the first column), and its text cells (the sums of participants and baht left out) are
    a totals row by the report rule (headers.is_totals_row)."""
    if any(is_filled(raw.get(f)) and not is_totals_row([raw.get(f)]) for f in REQUIRED):
        return False
    texts = [c for c in cells if is_filled(c) and not _is_number(c)]
    return bool(texts) and is_totals_row(texts)


def _json_cell(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):       # a spreadsheet's 7.0 is the 7 that was typed
        return int(v) if float(v).is_integer() and abs(v) < 1e15 else float(v)
    return v if isinstance(v, (bool, int, str)) else str(v)


@dataclass
class _Row:
    sheet: str | None
    row_no: int
    raw: dict                      # the row as read: source column -> cell
    activity: dict | None = None
    issues: list = field(default_factory=list)


def _check_table(con, table: Table, used: dict[str, str], scope, today, g) -> tuple[list[_Row], int, list[_Row]]:
    """(checked rows, extra skipped totals rows, rows refused while reading) of one table."""
    rows, skipped = [], 0
    cols = list(table.frame.columns)
    values = table.frame.to_numpy(dtype=object)
    for cells, row_no in zip(values, table.row_nos):
        cells = [None if (isinstance(c, float) and np.isnan(c)) else c for c in cells]
        raw = {used[c]: v for c, v in zip(cols, cells) if c in used}
        if _totals_with_sums(cells, raw):
            skipped += 1
            continue
        if clean_text(raw.get("end_date")) is None and (rng := split_range(raw.get("start_date"))):
            raw["start_date"], raw["end_date"] = rng
        r = _Row(table.sheet, int(row_no), {c: _json_cell(v) for c, v in zip(cols, cells)})
        checked = record.check(con, raw, scope, today, g)
        if checked.ok:
            r.activity = {**checked.activity, "source_sheet": table.sheet, "source_row": int(row_no)}
        else:
            r.issues = checked.issues
        rows.append(r)
    bad = [_Row(table.sheet, int(rn), raw, None, [_reason_issue(x) for x in reasons])
           for rn, raw, reasons in table.bad_rows]
    return rows, skipped, bad


def _reason_issue(r: dict):
    from ..reports.places import Issue
    return Issue(r["field"], r["code"], r.get("value") or "", r["message"], r["message_th"])


def _reasons(issues) -> list[dict]:
    return [{"field": i.field, "value": i.value, "code": i.code, "message": i.message_en,
             "message_th": i.message_th} for i in issues]


# ------------------------------------------------------------------------------------------ import


def import_file(con, data: bytes, file_name: str, *, actor: str, scope: Scope | None, sheet: str | None = None,
                now: dt.datetime | None = None, lang: str = "en", client: str | None = None,
                max_bytes: int = MAX_BYTES) -> CoopImportResult:
    """Import one CSV or XLSX file of activities as one batch (see the module docstring).

    scope: the importer's (a district officer's district, a governor's province; None or an unrestricted scope:
    any border district); rows outside it are quarantined with 'out_of_scope'. sheet: the one workbook sheet
    to import (default: every visible sheet with the needed columns). now: the import's time (Thailand,
    naive; dates after its day are 'future'). lang: the language of file-level errors (InputError).
    """
    from ..reports.validate import bangkok_now
    name = Path(file_name).name or "file"
    if len(data) > max_bytes:
        raise InputError(f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} bytes; split the file")
    if not data:
        raise InputError(t("coop_import.empty", lang, file=name))
    now = now or bangkok_now()
    sha = hashlib.sha256(data).hexdigest() + (f"#{sheet}" if sheet else "")
    prior = _prior(con, sha)
    if prior is not None:
        return _already(prior, name, sha, lang)
    read = _read(data, name, sheet)
    plans = _plan(name, read, lang)
    g = record.geo(con)
    today = now.date()
    checked = []
    for table, used, _unused in plans:
        checked.append(_check_table(con, table, used, scope, today, g))
    workbook = plans[0][0].sheet is not None
    file_format = plans[0][0].file_format
    role = scope.role if scope is not None else None

    def work():
        batch_id = int(next_ids(con, "coop_batch_id_seq", 1)[0])
        good = [r for rows, _, _ in checked for r in rows if r.activity is not None]
        keys = [record.content_key(r.activity) for r in good]
        stored = _stored_keys(con, keys)
        ids = record.store(con, [r.activity for r in good], actor=actor, source=f"import:{batch_id}",
                           batch_id=batch_id, now=now)
        first_row: dict[str, _Row] = {}
        dup_rows: list[tuple[_Row, dict]] = []
        for r, k, new_id in zip(good, keys, ids):
            if new_id is not None:
                first_row.setdefault(k, r)
                continue
            dup_rows.append((r, _duplicate_reason(k, stored, first_row)))
            first_row.setdefault(k, r)
        bad = [r for rows, _, extra in checked for r in [*rows, *extra] if r.activity is None]
        _insert_quarantine(con, batch_id, bad, now)
        results = []
        dup_ids = {id(r) for r, _ in dup_rows}
        for (table, _used, _unused), (rows, extra_skipped, extra) in zip(plans, checked):
            mine = [r for r in rows if r.activity is not None]
            dups = sum(1 for r in mine if id(r) in dup_ids)
            res = SheetCounts(table.sheet, table.rows_in, len(mine) - dups,
                              sum(1 for r in [*rows, *extra] if r.activity is None), dups,
                              table.skipped + extra_skipped)
            assert res.rows_in == res.imported + res.quarantined + res.duplicates + res.skipped, res
            results.append(res)
        total = {k: sum(getattr(r, k) for r in results) for k in COUNTS}
        run_query(con, "coop_import_insert_batch", {
            "batch_id": batch_id, "file_name": name, "file_sha256": sha, "file_format": file_format,
            "imported_by": actor, "imported_at": now, **total})
        audit.record(con, "coop_import", actor=actor, role=role, client=client, object_type="coop_import_batch",
                     object_id=batch_id, at=now, detail={
                         "file_name": name, "file_format": file_format, **total,
                         "sheets": [asdict(r) for r in results] if workbook else None,
                         "scope": None if scope is None else {"province": scope.province_code,
                                                              "district": scope.district_code}})
        return batch_id, results, total, bad, dup_rows, [i for i in ids if i is not None]

    for attempt in (1, 2):
        try:
            batch_id, results, total, bad, dup_rows, new_ids = transaction(con, work, attempts=3)
            break
        except Exception as exc:
            if not is_duplicate_key(exc):
                raise
            if (prior := _prior(con, sha)) is not None:
                return _already(prior, name, sha, lang)      # the same file committed by someone else meanwhile
            if attempt == 2:
                raise
            # another writer stored some of these activities meanwhile: once more, they are duplicates now
    rejects = _rejects_frame(bad, dup_rows)
    unused = list(dict.fromkeys(c for _, _, un in plans for c in un))
    return CoopImportResult(batch_id=batch_id, already_imported=False, rejects=rejects, file_name=name,
                            file_sha256=sha, file_format=file_format, encoding=plans[0][0].encoding,
                            sheets=results, ignored_sheets=list(read.ignored), unused_columns=unused,
                            activity_ids=new_ids, **total)


def _prior(con, sha: str):
    return run_query(con, "coop_import_prior_batch", {"file_sha256": sha}).fetchone()


def _already(prior, name: str, sha: str, lang: str) -> CoopImportResult:
    batch_id, file_name, at, by = prior
    msg = t("coop_import.already", lang, file=name, batch=batch_id, first=file_name, when=f"{at:%Y-%m-%d %H:%M}",
            by=by or "–")
    return CoopImportResult(batch_id=int(batch_id), rows_in=0, imported=0, quarantined=0, duplicates=0, skipped=0,
                            already_imported=True, rejects=_empty_rejects(), file_name=name, file_sha256=sha,
                            message=msg)


def _stored_keys(con, keys: list[str]) -> dict[str, tuple[int, str]]:
    """content key -> (activity id, source) of the keys already recorded."""
    if not keys:
        return {}
    rows = run_query(con, "coop_import_existing", {"keys": sorted(set(keys))}).fetchall()
    return {k: (int(i), s) for k, i, s in rows}


def _source_text(source: str, lang: str) -> str:
    kind, _, rest = source.partition(":")
    if kind == "import":
        return t("coop_import.source_import", lang, batch=rest)
    if kind == "synthetic":
        return t("coop_import.source_synthetic", lang, run=rest)
    return t("coop_import.source_entry", lang)


def _duplicate_reason(key: str, stored: dict, first_row: dict) -> dict:
    if key in stored:
        aid, source = stored[key]
        return {"field": "row", "value": "", "code": "duplicate",
                "message": t("coop_import.dup_stored", "en", id=aid, source=_source_text(source, "en")),
                "message_th": t("coop_import.dup_stored", "th", id=aid, source=_source_text(source, "th"))}
    r = first_row[key]
    where_en = f" (sheet {r.sheet!r})" if r.sheet else ""
    where_th = f" (ชีต {r.sheet!r})" if r.sheet else ""
    return {"field": "row", "value": "", "code": "duplicate",
            "message": t("coop_import.dup_in_file", "en", row=r.row_no, sheet=where_en),
            "message_th": t("coop_import.dup_in_file", "th", row=r.row_no, sheet=where_th)}


def _insert_quarantine(con, batch_id: int, bad: list[_Row], now: dt.datetime) -> None:
    if not bad:
        return
    frame = pd.DataFrame({
        "batch_id": pd.Series([batch_id] * len(bad), dtype="int64"),
        "sheet": pd.Series([r.sheet for r in bad], dtype=object),
        "row_no": pd.Series([r.row_no for r in bad], dtype="int32"),
        "raw_json": [json.dumps(r.raw, ensure_ascii=False, default=str) for r in bad],
        "reasons_json": [json.dumps(_reasons(r.issues), ensure_ascii=False) for r in bad]})
    con.register("coop_import_quarantine_rows", frame)
    try:
        run_query(con, "coop_import_insert_quarantine", {"created_at": now})
    finally:
        con.unregister("coop_import_quarantine_rows")


def _rejects_frame(bad: list[_Row], dup_rows: list[tuple[_Row, dict]]) -> pd.DataFrame:
    recs = [(r.sheet, r.row_no, x["field"], x["value"], x["code"], x["message"], x["message_th"])
            for r in bad for x in _reasons(r.issues)]
    recs += [(r.sheet, r.row_no, x["field"], x["value"], x["code"], x["message"], x["message_th"])
             for r, x in dup_rows]
    if not recs:
        return _empty_rejects()
    out = pd.DataFrame(recs, columns=REJECT_COLUMNS).astype({"row_no": "int64"})
    order = {s: i for i, s in enumerate(dict.fromkeys(out["sheet"]))}
    out["_s"] = out["sheet"].map(lambda s: order[s])
    return out.sort_values(["_s", "row_no"], kind="stable").drop(columns="_s").reset_index(drop=True)


__all__ = ["CoopImportResult", "SheetCounts", "import_file", "header_field", "map_columns", "split_range",
           "REJECT_COLUMNS", "HEADER_NAMES"]
