"""Reading report files into tables of raw cells: CSV, XLSX (every visible sheet, or the ones chosen), GeoJSON.

* **CSV**: the bytes are decoded strictly as UTF-8 (a BOM is allowed: 'utf-8-sig'), else as TIS-620 /
  Windows-874 ('cp874'); the delimiter (comma, semicolon, tab or |) is sniffed from the first lines. When the
  header is the first row, rows are parsed with pyarrow's multi-threaded reader; when a row has the wrong
  number of fields, or title rows stand above the header, the file is read with Python's `csv` module so
  every row keeps its number: missing trailing cells are empty, extra non-empty cells put the row in
  quarantine ('bad_row').
* **XLSX**, read with python-calamine: every visible sheet (hidden and very hidden sheets are skipped), or
  only the sheets named. Each sheet is its own table with its own header row and row numbers. Date cells
  arrive as dates (a year above 2400 is Buddhist era: see `normalise.parse_date`); numbers in a date column
  are Excel serial days.
* **GeoJSON**: a FeatureCollection of Points; properties are the columns, the geometry gives lat/lon
  (and wins over lat/lon properties). A feature with another geometry type is quarantined ('not_a_point').

The header row is found below title and blank rows (`headers.find_header_row`). `row_no` is the 1-based
position of a data row below it, per sheet; rows whose cells are all empty and totals rows
(`headers.is_totals_row`) get no number: they are *skipped* and counted in `skipped` — an empty row only
when a non-empty row follows it (the empty rows under a sheet's data are not rows). In a CSV, a line with
nothing on it (not even delimiters) is not a row at all.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .headers import HEADER_SCAN_ROWS, find_header_row, is_filled, is_totals_row
from .normalise import clean_text

GEOM_LAT, GEOM_LON = "(geometry lat)", "(geometry lon)"
# a row with more filled cells than this is never a totals row (a cheap filter before the row check)
_MAX_TOTALS_CELLS = 4


@dataclass
class Table:
    """One sheet (or the whole CSV/GeoJSON file) as read: raw columns, 1-based row numbers, rows refused
    while reading, and how many rows were skipped (empty or totals rows)."""

    frame: pd.DataFrame
    row_nos: np.ndarray
    file_format: str
    encoding: str | None = None
    bad_rows: list[tuple[int, dict, list[dict]]] = field(default_factory=list)
    sheet: str | None = None
    skipped: int = 0
    header_score: int = 1                   # known column names in the header row (0: none recognised)

    @property
    def rows_in(self) -> int:
        return len(self.frame) + len(self.bad_rows) + self.skipped


@dataclass(frozen=True)
class IgnoredSheet:
    """A sheet of a workbook that was not imported, and why: 'hidden', 'empty' or 'unusable' (detail)."""

    sheet: str
    reason: str
    detail: str = ""


@dataclass
class Read:
    """What `read_table` found: the tables to import and the sheets left out."""

    tables: list[Table]
    ignored: list[IgnoredSheet] = field(default_factory=list)
    chosen: bool = False                    # sheets were named by the caller
    excluded: list[str] = field(default_factory=list)   # sheets not read: imported before (see `exclude`)


# ------------------------------------------------------------------------------------------ helpers


def list_names(cols) -> str:
    return ", ".join(repr(str(c)) for c in cols) if len(cols) else "(none)"


def dedupe_names(header: list[str]) -> list[str]:
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


def table_from_rows(rows: list[list], fmt: str, *, encoding: str | None = None, sheet: str | None = None,
                    mapping: dict | None = None, delimiter: str | None = None) -> Table | None:
    """A Table from rows of cells (a sheet, or a CSV's records): the header row found, data rows numbered,
    empty and totals rows skipped and counted, rows wider than the header refused. None: no non-empty row."""
    found = find_header_row(rows, mapping)
    if found is None:
        return None
    h, score = found
    header = [str(clean_text(c) or "") for c in rows[h]]
    while fmt != "csv" and header and not header[-1]:   # a CSV keeps its header as written
        header.pop()
    names = dedupe_names(header)
    k = len(names)
    empty = "" if fmt == "csv" else None
    data, nos, bad = [], [], []
    row_no = skipped = pending = 0
    for r in rows[h + 1:]:
        if not any(is_filled(c) for c in r):
            pending += 1                  # counted only when a non-empty row follows
            continue
        skipped += pending
        pending = 0
        if is_totals_row(r):
            skipped += 1
            continue
        row_no += 1
        cells = list(r) if fmt == "csv" else [None if (isinstance(c, str) and not c.strip()) else c for c in r]
        if len(cells) > k and any(is_filled(c) for c in cells[k:]):
            if delimiter is not None:
                line = delimiter.join(cells)
                bad.append((row_no, {"line": line}, [{
                    "field": "row", "value": line[:200], "code": "bad_row",
                    "message": f"row has {len(cells)} fields but the header has {k}",
                    "message_th": f"แถวนี้มี {len(cells)} ช่อง แต่หัวตารางมี {k} ช่อง"}]))
            else:
                bad.append((row_no, {"cells": [str(c) for c in cells]}, [{
                    "field": "row", "value": "", "code": "bad_row",
                    "message": f"row has cells beyond the {k} header columns",
                    "message_th": f"แถวนี้มีข้อมูลเกิน {k} คอลัมน์ของหัวตาราง"}]))
            continue
        data.append((cells + [empty] * k)[:k])
        nos.append(row_no)
    dtype = "str" if fmt == "csv" else object
    frame = pd.DataFrame(data, columns=names, dtype=dtype) if data else pd.DataFrame(
        {c: pd.Series([], dtype=dtype) for c in names})
    return Table(frame, np.array(nos, dtype=np.int64), fmt, encoding, bad, sheet, skipped, score)


# ---------------------------------------------------------------------------------------------- CSV


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


def read_csv(data: bytes, name: str, mapping: dict | None = None) -> Table:
    text, encoding = _decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: the file is empty (no header, no rows)")
    delim = _sniff(text)
    head = _head_records(text, delim)
    found = find_header_row(head[:HEADER_SCAN_ROWS], mapping)
    h = found[0] if found else 0
    header = [c.strip() for c in head[h]] if head else []
    if len(header) <= 1:
        raise InputError(f"{name}: found only one column {list_names(header)}; the delimiter could not be "
                         "detected (use comma, semicolon or tab between columns)")
    if h == 0 and text.lstrip("\ufeff")[:1] not in ("\n", "\r"):
        table = _fast_csv(text, data, encoding, delim, header, found[1] if found else 0)
        if table is not None:
            return table
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, len(text) + 1))    # a long description is a row to refuse, not an error
    try:
        rows = [r for r in csv.reader(io.StringIO(text), delimiter=delim) if r]
    finally:
        csv.field_size_limit(old)
    return table_from_rows(rows, "csv", encoding=encoding, mapping=mapping, delimiter=delim)


def _head_records(text: str, delim: str) -> list[list[str]]:
    """The first non-empty records (enough to find the header row); stops at a field csv cannot read."""
    out = []
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        for r in itertools.islice(reader, HEADER_SCAN_ROWS * 2):
            if r:
                out.append(r)
    except csv.Error:
        pass
    return out


def _fast_csv(text, data, encoding, delim, header, score) -> Table | None:
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
    frame = table.rename_columns(dedupe_names(header)).to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow")
                                                                 if t == pa.string() else None)
    frame = frame.astype("str")
    n = len(frame)
    filled = np.zeros(n, dtype=np.int64)
    for c in frame.columns:
        filled += (frame[c].str.strip() != "").to_numpy(dtype=bool, na_value=False)
    blank = filled == 0
    totals = np.zeros(n, dtype=bool)
    small = np.flatnonzero((filled > 0) & (filled <= _MAX_TOTALS_CELLS))
    if len(small):
        cells = frame.iloc[small].to_numpy(dtype=object)
        totals[small] = [is_totals_row(r) for r in cells]
    skipped = 0
    if n and (blank.any() or totals.any()):
        last = np.flatnonzero(~blank)
        counted_blank = int(blank[:last[-1] + 1].sum()) if len(last) else 0
        skipped = counted_blank + int(totals.sum())
        frame = frame[~blank & ~totals].reset_index(drop=True)
    return Table(frame, np.arange(1, len(frame) + 1), "csv", encoding, skipped=skipped, header_score=score)


# --------------------------------------------------------------------------------------------- XLSX


@dataclass(frozen=True)
class SheetInfo:
    """A workbook's sheet: its name and whether Excel shows it."""

    name: str
    visible: bool


def _open_workbook(path: Path, name: str):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise InputError(f"{name}: cannot be read as an Excel workbook ({str(exc).splitlines()[0][:200]})") from None


def workbook_sheets(path) -> list[SheetInfo]:
    """The sheets of an XLSX workbook in order, with their visibility (for choosing sheets to import)."""
    from python_calamine import SheetVisibleEnum

    p = Path(path)
    wb = _open_workbook(p, p.name)
    return [SheetInfo(m.name, m.visible == SheetVisibleEnum.Visible) for m in wb.sheets_metadata]


def read_xlsx(path: Path, name: str, sheets: list[str] | None = None, mapping: dict | None = None,
              exclude=()) -> Read:
    """Every visible sheet (or the ones named, hidden or not) as its own Table; empty sheets are ignored.

    Sheets in `exclude` (imported before) are not read and are listed in `Read.excluded`; when they were
    among those wanted, no table left is not an error (the file was imported already, sheet by sheet)."""
    from python_calamine import SheetVisibleEnum

    wb = _open_workbook(path, name)
    meta = wb.sheets_metadata
    all_names = [m.name for m in meta]
    ignored: list[IgnoredSheet] = []
    if sheets:
        unknown = [s for s in sheets if s not in all_names]
        if unknown:
            raise InputError(f"{name}: no sheet named {list_names(unknown)}; the workbook's sheets are: "
                             f"{list_names(all_names)}")
        chosen = [n for n in all_names if n in set(sheets)]
    else:
        chosen = [m.name for m in meta if m.visible == SheetVisibleEnum.Visible]
        ignored += [IgnoredSheet(m.name, "hidden") for m in meta if m.visible != SheetVisibleEnum.Visible]
    excluded = [n for n in chosen if n in set(exclude)]
    chosen = [n for n in chosen if n not in set(exclude)]
    tables = []
    for sheet in chosen:
        try:
            rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=True)
        except Exception as exc:
            raise InputError(f"{name}, sheet {sheet!r}: cannot be read ({str(exc).splitlines()[0][:200]})") from None
        table = table_from_rows(rows, "xlsx", sheet=sheet, mapping=mapping) if rows else None
        if table is None:
            ignored.append(IgnoredSheet(sheet, "empty"))
            continue
        tables.append(table)
    hidden = [i.sheet for i in ignored if i.reason == "hidden"]
    if excluded:
        return Read(tables, ignored, chosen=bool(sheets), excluded=excluded)
    if not tables and hidden:
        raise InputError(f"{name}: the visible sheets are empty; hidden sheets: {list_names(hidden)} — choose the "
                         "sheets to import (--sheet NAME, or the sheet list on the Data page)")
    if not tables:
        raise InputError(f"{name}: the workbook is empty (no header, no rows)")
    return Read(tables, ignored, chosen=bool(sheets))


# ------------------------------------------------------------------------------------------ GeoJSON


def read_geojson(data: bytes, name: str) -> Table:
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
            rec[GEOM_LON], rec[GEOM_LAT] = lon, lat
        for k in rec:
            cols.setdefault(k, None)
        recs.append(rec)
        nos.append(i)
    cols.setdefault(GEOM_LAT, None)
    cols.setdefault(GEOM_LON, None)
    frame = pd.DataFrame([[r.get(c) for c in cols] for r in recs], columns=list(cols), dtype=object) if recs \
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    return Table(frame, np.array(nos, dtype=np.int64), "geojson", None, bad)


# ------------------------------------------------------------------------------------------ dispatch


def is_workbook(path: Path, data: bytes) -> bool:
    ext = path.suffix.lower()
    return ext in (".xlsx", ".xlsm") or (ext not in (".csv", ".txt", ".tsv", ".geojson", ".json")
                                         and data[:4] == b"PK\x03\x04")


def read_table(path: Path, data: bytes, sheets: list[str] | None = None, mapping: dict | None = None,
               exclude=()) -> Read:
    """Read a CSV, XLSX or GeoJSON file (by extension, else by content). `sheets` and `exclude` (sheets
    imported before, not read) only for workbooks."""
    name = path.name
    ext = path.suffix.lower()
    if is_workbook(path, data):
        if not data:
            raise InputError(f"{name}: the file is empty")
        return read_xlsx(path, name, sheets, mapping, exclude)
    if sheets:
        raise InputError(f"{name}: --sheet applies to XLSX workbooks only; this is not one")
    if ext in (".geojson", ".json"):
        return Read([read_geojson(data, name)])
    if ext in (".xls",):
        raise InputError(f"{name}: old Excel .xls files are not read; save it as .xlsx or CSV UTF-8")
    return Read([read_csv(data, name, mapping)])
