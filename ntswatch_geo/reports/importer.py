"""Bulk import of report files: CSV, XLSX and GeoJSON, one transaction per file.

Reading
-------
* **CSV**: the bytes are decoded strictly as UTF-8 (a BOM is allowed: 'utf-8-sig'), else as TIS-620 /
  Windows-874 ('cp874'); the encoding is recorded in `import_batches`. The delimiter (comma, semicolon, tab
  or |) is sniffed from the first lines. Rows are parsed with pyarrow's multi-threaded reader; when a row has
  the wrong number of fields the file is re-read with Python's `csv` module so every row keeps its number:
  missing trailing cells are empty, extra non-empty cells put the row in quarantine ('bad_row').
* **XLSX**: the first sheet with data, read with python-calamine; date cells arrive as dates, numbers in a
  date column are Excel serial days.
* **GeoJSON**: a FeatureCollection of Points; properties are the columns, the geometry gives lat/lon
  (and wins over lat/lon properties). A feature with another geometry type is quarantined ('not_a_point').

`row_no` is the 1-based position of a data row (header not counted; blank lines and rows whose cells are all
empty are skipped and not counted). Every counted row ends in exactly one of imported / quarantined /
duplicate: rows_in = imported + quarantined + duplicates.

Columns
-------
Headers are matched case-, space- and punctuation-insensitively, ignoring a parenthesised part
("วันที่เกิดเหตุ (พ.ศ.)"), against `HEADER_NAMES` (Thai and English). A mapping file (TOML or JSON,
source column → field, or → "" to ignore a column) overrides the guesses. A file is refused before its rows
are read when it has no date column, no category column, or no location column (latitude + longitude,
coordinates, district, subdistrict or place); the message lists the columns found and those needed.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ..db import run_query
from ..errors import InputError
from .normalise import clean_text, thai_digits
from .submit import (CONTACT_FIELDS, FIELDS, WITHHELD, in_transaction, make_context, prepare,
                     store)

MAX_BYTES = 200 * 1024 * 1024

HEADER_NAMES: dict[str, list[str]] = {
    "occurred_date": ["occurred_date", "วันที่เกิดเหตุ", "วันเกิดเหตุ", "วันที่", "วันเดือนปี", "วันเดือนปีที่เกิดเหตุ",
                      "ว/ด/ป", "วดป", "วันที่เกิด", "date", "incident_date", "date_occurred", "event_date",
                      "occurred", "occurred_on"],
    "occurred_time": ["occurred_time", "เวลา", "เวลาเกิดเหตุ", "เวลาที่เกิดเหตุ", "time", "incident_time"],
    "occurred_approx": ["occurred_approx", "โดยประมาณ", "วันที่โดยประมาณ", "approx", "approximate"],
    "category": ["category", "ประเภท", "ประเภทเหตุ", "ประเภทเหตุการณ์", "ประเภทคดี", "ประเภทความผิด", "หมวดหมู่",
                 "ประเภทการกระทำผิด", "type", "crime_type", "incident_type", "offence", "offense"],
    "lat": ["lat", "ละติจูด", "ลติจูด", "ละติจูต", "latitude", "y"],
    "lon": ["lon", "ลองจิจูด", "ลองติจูด", "ลองจิจูต", "lng", "long", "longitude", "x"],
    "coords": ["coords", "พิกัด", "พิกัดgps", "พิกัดจุดเกิดเหตุ", "coordinates", "latlon", "latlng", "lat_lon",
               "lat_lng", "gps", "location_coordinates"],
    "province": ["province", "จังหวัด", "จ.", "changwat", "prov", "province_name"],
    "district": ["district", "อำเภอ", "อ.", "เขต", "amphoe", "amphur", "district_name", "อำเภอ/เขต"],
    "subdistrict": ["subdistrict", "ตำบล", "ต.", "แขวง", "sub_district", "tambon", "tambol", "ตำบล/แขวง"],
    "place_text": ["place_text", "สถานที่", "สถานที่เกิดเหตุ", "จุดเกิดเหตุ", "บริเวณ", "บริเวณที่เกิดเหตุ", "place",
                   "location", "location_text"],
    "description": ["description", "รายละเอียด", "รายละเอียดเหตุ", "รายละเอียดเหตุการณ์", "พฤติการณ์",
                    "พฤติการณ์โดยย่อ", "เหตุการณ์", "details", "detail", "desc", "summary"],
    "contact_name": ["contact_name", "ชื่อผู้แจ้ง", "ผู้แจ้ง", "ชื่อ-สกุลผู้แจ้ง", "ชื่อ-นามสกุลผู้แจ้ง", "reporter",
                     "reporter_name", "name"],
    "contact_phone": ["contact_phone", "เบอร์โทร", "เบอร์โทรศัพท์", "โทรศัพท์", "เบอร์ติดต่อ", "หมายเลขโทรศัพท์",
                      "เบอร์โทรผู้แจ้ง", "phone", "telephone", "tel", "mobile"],
    "contact_consent": ["contact_consent", "ยินยอม", "ความยินยอม", "ยินยอมให้ติดต่อ", "ยินยอมให้เก็บข้อมูล",
                        "consent"],
    "intake_method": ["intake_method", "ช่องทาง", "ช่องทางการแจ้ง", "ช่องทางรับแจ้ง", "ช่องทางการรับแจ้ง",
                      "ช่องทางแจ้งเหตุ", "intake", "channel", "method"],
    "reporter_type": ["reporter_type", "ประเภทผู้แจ้ง", "ผู้แจ้งเป็น", "สถานะผู้แจ้ง"],
    "officer": ["officer", "เจ้าหน้าที่", "ผู้บันทึก", "ผู้รับแจ้ง", "เจ้าหน้าที่ผู้รับแจ้ง", "recorded_by"],
}
LOCATION_FIELDS = ("coords", "district", "subdistrict", "place_text")
REJECT_COLUMNS = ["row_no", "field", "value", "code", "message_th", "message_en"]
_GEOM_LAT, _GEOM_LON = "(geometry lat)", "(geometry lon)"


def header_key(name) -> str:
    """A header as compared: Thai digits, lower case, no parenthesised part, no spaces or punctuation."""
    s = thai_digits(str(name)).replace("\ufeff", "").replace("\u200b", "").lower().strip()
    s = re.sub(r"\s*[(\[].*?[)\]]\s*", "", s) or s
    return re.sub(r"[\s_\-.:/*#]+", "", s)


_HEADER_LOOKUP = {header_key(n): f for f, names in HEADER_NAMES.items() for n in names}


@dataclass
class ImportResult:
    """What an import did. rows_in = imported + quarantined + duplicates."""

    batch_id: int | None
    file_name: str
    file_sha256: str
    rows_in: int
    imported: int
    quarantined: int
    duplicates: int
    already_imported: bool
    rejects: pd.DataFrame            # row_no, field, value, code, message_th, message_en
    file_format: str = ""
    encoding: str | None = None
    mapping: dict = field(default_factory=dict)
    warnings: int = 0
    message: str = ""


@dataclass
class _Table:
    """A file as read: raw columns (object/str), 1-based row numbers, rows refused while reading."""

    frame: pd.DataFrame
    row_nos: np.ndarray
    file_format: str
    encoding: str | None = None
    bad_rows: list[tuple[int, dict, list[dict]]] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ mapping


def read_mapping_file(path) -> dict[str, str]:
    """A mapping file (TOML or JSON): source column → field (or "" to ignore). Raises InputError."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{p}: cannot read the mapping file ({exc.strerror})") from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{p}: not valid {'JSON' if p.suffix.lower() == '.json' else 'TOML'} ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InputError(f"{p}: the mapping must be a table of source column = field name (text)")
    _check_mapping(data, str(p))
    return dict(data)


def _check_mapping(mapping: dict[str, str], where: str) -> None:
    bad = [v for v in mapping.values() if v not in FIELDS and v not in ("", "ignore")]
    if bad:
        raise InputError(f"{where}: unknown field(s) {', '.join(map(repr, bad))}; fields are: {', '.join(FIELDS)} "
                         "(or \"\" to ignore a column)")


def map_columns(columns: list[str], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Source column → field for the columns that are used (first matching column wins per field)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    given = {}
    if mapping:
        by_key = {header_key(c): c for c in columns}
        for src, f in mapping.items():
            col = src if src in columns else by_key.get(header_key(src))
            if col is None:
                raise InputError(f"the mapping names column {src!r}, which is not in the file; columns found: "
                                 f"{_list(columns)}")
            given[col] = f
    for c in columns:
        if c in given:
            f = given[c]
            if f in ("", "ignore"):
                continue
        else:
            f = _HEADER_LOOKUP.get(header_key(c))
            if f is None or f in given.values():
                continue
        if f in taken:
            continue
        out[c] = f
        taken.add(f)
    return out


def _list(cols) -> str:
    return ", ".join(repr(str(c)) for c in cols) if len(cols) else "(none)"


def _check_required(name: str, columns: list[str], used: dict[str, str]) -> None:
    fields = set(used.values())
    missing = []
    if "occurred_date" not in fields:
        missing.append("a date column (วันที่เกิดเหตุ / วันที่ / date)")
    if "category" not in fields:
        missing.append("a category column (ประเภท / ประเภทเหตุ / category / type)")
    if not ({"lat", "lon"} <= fields or fields & set(LOCATION_FIELDS)):
        missing.append("a location: latitude and longitude (ละติจูด / lat, ลองจิจูด / lon), coordinates (พิกัด), "
                       "district (อำเภอ / district), subdistrict (ตำบล) or place (สถานที่)")
    if missing:
        raise InputError(f"{name}: cannot import: missing {'; '.join(missing)}. Columns found: {_list(columns)}. "
                         "Rename the columns or give a mapping file (--mapping).")


# ------------------------------------------------------------------------------------------ reading


def _decode(data: bytes, name: str) -> tuple[str, str]:
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp874"), "cp874"
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: neither UTF-8 nor TIS-620/Windows-874 text (byte {exc.start}); "
                         "save the file as CSV UTF-8") from None


def _sniff(text: str) -> str:
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_csv(data: bytes, name: str) -> _Table:
    text, encoding = _decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: the file is empty (no header, no rows)")
    delim = _sniff(text)
    header = next(csv.reader(io.StringIO(text), delimiter=delim), [])
    while header is not None and not any(h.strip() for h in header):
        header = None
    header = [h.strip() for h in (header or [])]
    if len(header) <= 1:
        raise InputError(f"{name}: found only one column {_list(header)}; the delimiter could not be detected "
                         "(use comma, semicolon or tab between columns)")
    frame = _fast_csv(text, data, encoding, delim, header)
    if frame is not None:
        return frame
    return _slow_csv(text, encoding, delim, header)


def _dedupe_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h or f"column {i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        out.append(h)
    return out


def _fast_csv(text, data, encoding, delim, header) -> _Table | None:
    """pyarrow's reader; None when a row has the wrong number of fields (then the slow path numbers rows)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(len(header))]
    invalid = []

    def on_invalid(row):
        invalid.append(row)
        return "skip"

    raw = data[3:] if encoding == "utf-8-sig" else (data if encoding == "utf-8" else text.encode("utf-8"))
    try:
        table = pcsv.read_csv(
            io.BytesIO(raw),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1,
                                          block_size=max(1 << 20, min(len(raw) + 1, 1 << 26))),
            parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in names}, strings_can_be_null=False,
                                                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if invalid:
        return None
    frame = table.rename_columns(_dedupe_names(header)).to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow")
                                                                 if t == pa.string() else None)
    frame = frame.astype("str")
    blank = np.zeros(len(frame), dtype=bool)
    if len(frame):
        blank = np.ones(len(frame), dtype=bool)
        for c in frame.columns:
            blank &= (frame[c].str.strip() == "").to_numpy(dtype=bool, na_value=True)
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
    return _Table(frame, np.arange(1, len(frame) + 1), "csv", encoding)


def _slow_csv(text, encoding, delim, header) -> _Table:
    rows = csv.reader(io.StringIO(text), delimiter=delim)
    next(rows)
    names = _dedupe_names(header)
    k = len(names)
    good, nos, bad = [], [], []
    row_no = 0
    for rec in rows:
        if not rec or not any(c.strip() for c in rec):
            continue
        row_no += 1
        if len(rec) > k and any(c.strip() for c in rec[k:]):
            raw = {"line": delim.join(rec)}
            bad.append((row_no, raw, [{"field": "row", "value": delim.join(rec)[:200], "code": "bad_row",
                                       "message": f"row has {len(rec)} fields but the header has {k}",
                                       "message_th": f"แถวนี้มี {len(rec)} ช่อง แต่หัวตารางมี {k} ช่อง"}]))
            continue
        good.append((rec + [""] * k)[:k])
        nos.append(row_no)
    frame = pd.DataFrame(good, columns=names, dtype="str") if good else pd.DataFrame(
        {c: pd.Series([], dtype="str") for c in names})
    return _Table(frame, np.array(nos, dtype=np.int64), "csv", encoding, bad)


def _read_xlsx(path: Path, name: str) -> _Table:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = [wb.get_sheet_by_name(n).to_python(skip_empty_area=True) for n in wb.sheet_names]
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise InputError(f"{name}: cannot be read as an Excel workbook ({str(exc).splitlines()[0][:200]})") from None
    rows = next((s for s in sheets if any(any(_filled(c) for c in r) for r in s)), None)
    if rows is None:
        raise InputError(f"{name}: the workbook is empty (no header, no rows)")
    start = next(i for i, r in enumerate(rows) if any(_filled(c) for c in r))
    header = [str(clean_text(c) or "") for c in rows[start]]
    while header and not header[-1]:
        header.pop()
    names = _dedupe_names(header)
    k = len(names)
    data, nos, bad = [], [], []
    row_no = 0
    for r in rows[start + 1:]:
        if not any(_filled(c) for c in r):
            continue
        row_no += 1
        cells = [None if (isinstance(c, str) and not c.strip()) else c for c in r]
        if len(cells) > k and any(_filled(c) for c in cells[k:]):
            bad.append((row_no, {"cells": [str(c) for c in cells]},
                        [{"field": "row", "value": "", "code": "bad_row",
                          "message": f"row has cells beyond the {k} header columns",
                          "message_th": f"แถวนี้มีข้อมูลเกิน {k} คอลัมน์ของหัวตาราง"}]))
            continue
        data.append((cells + [None] * k)[:k])
        nos.append(row_no)
    frame = pd.DataFrame(data, columns=names, dtype=object) if data else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in names})
    return _Table(frame, np.array(nos, dtype=np.int64), "xlsx", None, bad)


def _filled(c) -> bool:
    return c is not None and not (isinstance(c, str) and not c.strip())


def _read_geojson(data: bytes, name: str) -> _Table:
    text, _ = _decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: the file is empty (no features)")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not valid GeoJSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        feats = doc.get("features")
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        feats = [doc]
    else:
        feats = None
    if not isinstance(feats, list):
        raise InputError(f"{name}: not a GeoJSON FeatureCollection")
    cols: dict[str, None] = {}
    recs, nos, bad = [], [], []
    for i, f in enumerate(feats, start=1):
        props = (f.get("properties") if isinstance(f, dict) else None) or {}
        geom = f.get("geometry") if isinstance(f, dict) else None
        lon = lat = None
        if isinstance(geom, dict):
            gtype, xy = geom.get("type"), geom.get("coordinates")
            if gtype == "MultiPoint" and isinstance(xy, list) and len(xy) == 1:
                gtype, xy = "Point", xy[0]
            if gtype != "Point" or not isinstance(xy, list) or len(xy) < 2:
                bad.append((i, f, [{"field": "geometry", "value": str(gtype), "code": "not_a_point",
                                    "message": f"the geometry is a {gtype}, not a Point",
                                    "message_th": f"รูปเรขาคณิตเป็น {gtype} ไม่ใช่จุด (Point)"}]))
                continue
            lon, lat = xy[0], xy[1]
        rec = {str(k): (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
               for k, v in props.items()}
        if lon is not None:
            rec[_GEOM_LON], rec[_GEOM_LAT] = lon, lat
        for k in rec:
            cols.setdefault(k, None)
        recs.append(rec)
        nos.append(i)
    cols.setdefault(_GEOM_LAT, None)
    cols.setdefault(_GEOM_LON, None)
    frame = pd.DataFrame([[r.get(c) for c in cols] for r in recs], columns=list(cols), dtype=object) if recs \
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    return _Table(frame, np.array(nos, dtype=np.int64), "geojson", None, bad)


def read_table(path: Path, data: bytes) -> _Table:
    """Read a CSV, XLSX or GeoJSON file (by extension, else by content)."""
    name = path.name
    ext = path.suffix.lower()
    if ext in (".xlsx", ".xlsm") or (ext not in (".csv", ".txt", ".tsv", ".geojson", ".json")
                                      and data[:4] == b"PK\x03\x04"):
        if not data:
            raise InputError(f"{name}: the file is empty")
        return _read_xlsx(path, name)
    if ext in (".geojson", ".json"):
        return _read_geojson(data, name)
    if ext in (".xls",):
        raise InputError(f"{name}: old Excel .xls files are not read; save it as .xlsx or CSV UTF-8")
    return _read_csv(data, name)


# ------------------------------------------------------------------------------------------- import


def import_file(con, path: Path, *, actor: str, mapping: dict[str, str] | None = None,
                max_bytes: int = MAX_BYTES, progress=None, now=None, scope=None) -> ImportResult:
    """Import one file as one batch (one transaction). Raises InputError for file-level problems.

    scope: the importer's (a district officer's district, a governor's province): rows located outside it
    are quarantined with 'outside_scope'.

    Re-importing a file with the same SHA-256 adds nothing (already_imported=True, batch_id of the first).
    """
    step = progress or (lambda name, fraction: None)
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or 'cannot be read'}") from None
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    if size > max_bytes:
        raise InputError(f"{name}: {size:,} bytes is over the limit of {max_bytes:,} bytes "
                         f"({max_bytes / 1024 / 1024:.0f} MB); split the file")
    step("reading", 0.0)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    empty_rejects = pd.DataFrame({c: pd.Series([], dtype=object) for c in REJECT_COLUMNS})
    prior = run_query(con, "intake_batch_by_sha", {"file_sha256": sha}).fetchone()
    if prior:
        return _already(prior, name, sha, empty_rejects)
    if mapping:
        _check_mapping(mapping, "mapping")
    table = read_table(path, data)
    step("reading", 1.0)
    columns = [c for c in table.frame.columns if c not in (_GEOM_LAT, _GEOM_LON)]
    geom = table.file_format == "geojson"
    used = map_columns(columns, mapping)
    if geom:
        used = {c: f for c, f in used.items() if f not in ("lat", "lon", "coords")}
        used[_GEOM_LAT], used[_GEOM_LON] = "lat", "lon"
    _check_required(name, columns, used)

    step("checking", 0.0)
    fields = pd.DataFrame({f: table.frame[c].reset_index(drop=True) for c, f in used.items()})
    ctx = make_context(con, "import", now, scope)
    prep = prepare(fields, ctx)
    step("checking", 1.0)
    consent_cols = [c for c, f in used.items() if f in CONTACT_FIELDS]

    def raw_rows(positions):
        sub = table.frame.iloc[positions]
        recs = sub.to_dict("records")
        for p, r in zip(positions, recs):
            for c in consent_cols:
                if not prep.consent[p] and clean_text(r.get(c)) is not None:
                    r[c] = WITHHELD
            for c in list(r):
                if r[c] is None or (isinstance(r[c], float) and np.isnan(r[c])):
                    r[c] = None
        return recs

    extra = [(rn, json.dumps(raw, ensure_ascii=False, default=str), reasons) for rn, raw, reasons in table.bad_rows]
    mapping_json = json.dumps(used, ensure_ascii=False)
    rows_in = len(table.frame) + len(table.bad_rows)

    def work():
        step("writing", 0.0)
        batch_id = int(con.execute("SELECT nextval('batch_id_seq')").fetchone()[0])
        stored = store(con, prep, channel="import", actor=actor, now=ctx.now, source=f"import:{batch_id}",
                       batch_id=batch_id, row_nos=table.row_nos, raw_rows=raw_rows, extra_quarantine=extra)
        dups = int((stored.duplicate_of >= 0).sum())
        imported = len(stored.ids) - dups
        run_query(con, "intake_insert_batch", {
            "batch_id": batch_id, "file_name": name, "file_sha256": sha, "file_format": table.file_format,
            "encoding": table.encoding, "mapping_json": mapping_json, "imported_by": actor,
            "imported_at": ctx.now, "rows_in": rows_in, "imported": imported, "quarantined": stored.quarantined,
            "duplicates": dups})
        step("writing", 1.0)
        return batch_id, imported, stored.quarantined, dups

    # Row order inside the table does not matter (ids carry it); not preserving it makes the bulk insert
    # use all threads. The previous setting is restored.
    order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = false")
    try:
        batch_id, imported, quarantined, dups = in_transaction(con, work)
    except duckdb.ConstraintException:
        prior = run_query(con, "intake_batch_by_sha", {"file_sha256": sha}).fetchone()
        if prior:
            return _already(prior, name, sha, empty_rejects)
        raise
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if order else 'false'}")
    assert rows_in == imported + quarantined + dups, (rows_in, imported, quarantined, dups)
    rejects = _rejects(prep, table)
    return ImportResult(batch_id=batch_id, file_name=name, file_sha256=sha, rows_in=rows_in, imported=imported,
                        quarantined=quarantined, duplicates=dups, already_imported=False, rejects=rejects,
                        file_format=table.file_format, encoding=table.encoding, mapping=used,
                        warnings=len(prep.warnings))


def _already(prior, name, sha, rejects) -> ImportResult:
    batch_id, first_name, at, rows_in, imported, quarantined, dups = prior
    return ImportResult(batch_id=int(batch_id), file_name=name, file_sha256=sha, rows_in=0, imported=0,
                        quarantined=0, duplicates=0, already_imported=True, rejects=rejects,
                        message=f"already imported as batch {batch_id} ({first_name}, {at:%Y-%m-%d %H:%M}); "
                                "nothing added")


def _rejects(prep, table: _Table) -> pd.DataFrame:
    e = prep.errors
    out = pd.DataFrame({
        "row_no": table.row_nos[e["pos"].to_numpy()] if len(e) else np.empty(0, dtype=np.int64),
        "field": e["field"].to_numpy(dtype=object), "value": e["value"].to_numpy(dtype=object),
        "code": e["code"].to_numpy(dtype=object), "message_th": e["message_th"].to_numpy(dtype=object),
        "message_en": e["message_en"].to_numpy(dtype=object)})
    extra = pd.DataFrame([(rn, r["field"], r["value"], r["code"], r["message_th"], r["message"])
                          for rn, _, reasons in table.bad_rows for r in reasons], columns=REJECT_COLUMNS)
    if len(extra):
        out = pd.concat([out, extra], ignore_index=True)
    return out.sort_values("row_no", kind="stable").reset_index(drop=True)[REJECT_COLUMNS]
