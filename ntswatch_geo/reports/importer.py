"""Bulk import of report files: CSV, XLSX and GeoJSON, one transaction and one batch per file.

Reading (tables.py): CSV in UTF-8 / UTF-8 with BOM / TIS-620 with a sniffed delimiter; every visible sheet of
an XLSX workbook (or the sheets chosen), each with its own header row and row numbers; GeoJSON points. The
header row is found below title and blank rows, and empty rows and totals rows ("รวม 7 เรื่อง") are skipped
and counted (headers.py). Every row below the header ends in exactly one of imported / quarantined /
duplicate / skipped: rows_in = imported + quarantined + duplicates + skipped, per sheet and per file; the
quarantine and the rejects name the sheet and its row.

Columns
-------
Headers are recognised in Thai and English (`headers.HEADER_NAMES`). A mapping file (TOML or JSON,
source column → field, or → "" to ignore a column) overrides the guesses. A file is refused before its rows
are read when it has no date column, no category column, or no location column (latitude + longitude,
coordinates, district, subdistrict or place); the message lists the columns found and those needed. In a
workbook whose sheets were not chosen, a sheet without them (a summary sheet) is left out and listed in
`ImportResult.ignored_sheets`; the other sheets are imported.

Importing again
---------------
What was imported is kept per (file SHA-256, sheet) in `import_batch_sheets` (migration 012): a workbook's
sheets are imported once each, a CSV or GeoJSON file (no sheets) once as a whole. Importing a workbook again
imports only the sheets of it not imported yet (those chosen, or every visible one) and lists the others in
`ImportResult.already_sheets` with the batch, time and account that imported them; when none is left, nothing
is added (`already_imported`). Each import run is one batch, and one entry of the audit trail (action
'import': file name, format, sheets and counts, never a row's values), in the same transaction.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from .. import audit
from ..db import is_duplicate_key, next_ids, run_query
from ..errors import InputError
from .headers import header_field, header_key
from .normalise import clean_text
from .storage import WITHHELD, in_transaction, store
from .tables import (GEOM_LAT, GEOM_LON, IgnoredSheet, Read, Table, is_workbook, list_names, read_table,
                     workbook_sheets)
from .validate import CONTACT_FIELDS, FIELDS, make_context, prepare

MAX_BYTES = 200 * 1024 * 1024

WHOLE_FILE = ""                  # import_batch_sheets.sheet of a file without sheets (CSV, GeoJSON)
LOCATION_FIELDS = ("coords", "district", "subdistrict", "place_text")
COUNTS = ("rows_in", "imported", "quarantined", "duplicates", "skipped")   # rows_in = the other four
REJECT_COLUMNS = ["sheet", "row_no", "field", "value", "code", "message_th", "message_en"]


@dataclass(frozen=True)
class SheetResult:
    """One sheet's counts (sheet None: a CSV or GeoJSON file). rows_in = imported + quarantined + duplicates
    + skipped."""

    sheet: str | None
    rows_in: int
    imported: int
    quarantined: int
    duplicates: int
    skipped: int


@dataclass(frozen=True)
class AlreadySheet:
    """A sheet of the file imported before: by which batch, when and by whom (not imported again)."""

    sheet: str
    batch_id: int
    file_name: str
    imported_at: object            # datetime
    imported_by: str | None


@dataclass
class ImportResult:
    """What an import did. rows_in = imported + quarantined + duplicates + skipped, per sheet and in total."""

    batch_id: int | None
    file_name: str
    file_sha256: str
    rows_in: int
    imported: int
    quarantined: int
    duplicates: int
    already_imported: bool
    rejects: pd.DataFrame            # sheet, row_no, field, value, code, message_th, message_en
    file_format: str = ""
    encoding: str | None = None
    mapping: dict = field(default_factory=dict)
    warnings: int = 0
    message: str = ""
    skipped: int = 0                 # empty rows and totals rows (see tables.py)
    sheets: list[SheetResult] = field(default_factory=list)
    ignored_sheets: list[IgnoredSheet] = field(default_factory=list)
    already_sheets: list[AlreadySheet] = field(default_factory=list)   # imported before, not again


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


def _find_column(src: str, columns: list[str]) -> str | None:
    if src in columns:
        return src
    return {header_key(c): c for c in columns}.get(header_key(src))


def map_columns(columns: list[str], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Source column → field for the columns that are used (first matching column wins per field)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    given = {}
    if mapping:
        for src, f in mapping.items():
            col = _find_column(src, columns)
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
            f = header_field(c)
            if f is None or f in given.values():
                continue
        if f in taken:
            continue
        out[c] = f
        taken.add(f)
    return out


_list = list_names


def _check_required(name: str, columns: list[str], used: dict[str, str]) -> None:
    fields = set(used.values())
    missing = []
    if "occurred_date" not in fields:
        missing.append("a date column (วันที่เกิดเหตุ / วัน/เดือน/ปี ที่เกิดเหตุ / date)")
    if "category" not in fields:
        missing.append("a category column (ประเภท / ประเภทเหตุ / ประเภทคดี / category / type)")
    if not ({"lat", "lon"} <= fields or fields & set(LOCATION_FIELDS)):
        missing.append("a location: latitude and longitude (ละติจูด / lat, ลองจิจูด / lon), coordinates (พิกัด), "
                       "district (อำเภอ / district), subdistrict (ตำบล) or place (สถานที่)")
    if missing:
        raise InputError(f"{name}: cannot import: missing {'; '.join(missing)}. Columns found: {_list(columns)}. "
                         "Rename the columns or give a mapping file (--mapping).")


def _columns(table: Table) -> list[str]:
    return [c for c in table.frame.columns if c not in (GEOM_LAT, GEOM_LON)]


def _plan(name: str, read: Read, mapping: dict | None) -> list[tuple[Table, dict[str, str]]]:
    """Each table with the columns it uses. In a workbook whose sheets were not chosen, a sheet without the
    needed columns (a summary, a chart's data) is left out and listed in read.ignored; a chosen sheet, a
    single sheet or a CSV/GeoJSON file without them refuses the file. Empty when nothing is left to import
    of a workbook whose other sheets were imported before (read.excluded)."""
    if not read.tables:
        return []
    if mapping:
        for src in mapping:
            if not any(_find_column(src, _columns(t)) for t in read.tables):
                raise InputError(f"the mapping names column {src!r}, which is not in the file; columns found: "
                                 f"{_list(_columns(read.tables[0]))}")
    plans, left_out = [], []
    for table in read.tables:
        columns = _columns(table)
        mine = {k: v for k, v in mapping.items() if _find_column(k, columns)} if mapping else None
        used = map_columns(columns, mine)
        if table.file_format == "geojson":
            used = {c: f for c, f in used.items() if f not in ("lat", "lon", "coords")}
            used[GEOM_LAT], used[GEOM_LON] = "lat", "lon"
        where = name if table.sheet is None else f"{name}, sheet {table.sheet!r}"
        try:
            _check_required(where, columns, used)
        except InputError as exc:
            if read.chosen or (len(read.tables) == 1 and not read.excluded):
                raise
            left_out.append(IgnoredSheet(table.sheet, "unusable", str(exc)))
            continue
        plans.append((table, used))
    if not plans and read.excluded:
        read.ignored.extend(left_out)
        return []
    if not plans:
        others = f" (and {len(left_out) - 1} other sheet(s) likewise)" if len(left_out) > 1 else ""
        raise InputError(left_out[0].detail + others)
    read.ignored.extend(left_out)
    return plans


# ------------------------------------------------------------------------------------------- import


def import_file(con, path: Path, *, actor: str, mapping: dict[str, str] | None = None,
                sheets: list[str] | None = None, max_bytes: int = MAX_BYTES, progress=None, now=None,
                scope=None, role: str | None = None, client: str | None = None) -> ImportResult:
    """Import one file as one batch (one transaction, with its audit entry). Raises InputError for file-level
    problems.

    sheets: the workbook sheets to import (default: every visible sheet with the needed columns).
    scope: the importer's (a district officer's district, a governor's province): rows located outside it
    are quarantined with 'outside_scope'. role (default: the scope's) and client go in the audit trail.

    Re-importing adds nothing twice: of a workbook, only the sheets not imported before are imported (the
    others are in already_sheets); a CSV/GeoJSON file with the same SHA-256 adds nothing. When nothing is
    left, already_imported=True with the batch_id of the first batch that imported the file.
    """
    return _import(con, Path(path), actor=actor, mapping=mapping, sheets=sheets, max_bytes=max_bytes,
                   progress=progress, now=now, scope=scope,
                   role=role if role is not None else getattr(scope, "role", None), client=client, retry=True)


def _import(con, path: Path, *, actor, mapping, sheets, max_bytes, progress, now, scope, role, client,
            retry: bool) -> ImportResult:
    step = progress or (lambda name, fraction: None)
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
    if sheets:                      # a sheet that does not exist is a mistake, even in a file already imported
        _check_sheets(path, data, list(sheets))
    sha = hashlib.sha256(data).hexdigest()
    empty_rejects = pd.DataFrame({c: pd.Series([], dtype=object) for c in REJECT_COLUMNS})
    parts = _imported_parts(con, sha)
    if WHOLE_FILE in parts or (parts and not is_workbook(path, data)):
        return _already_file(parts.get(WHOLE_FILE) or min(parts.values(), key=lambda a: a.batch_id), name, sha,
                             empty_rejects)
    if mapping:
        _check_mapping(mapping, "mapping")
    read = read_table(path, data, list(sheets) if sheets else None, mapping, exclude=set(parts))
    already = [parts[s] for s in read.excluded]
    step("reading", 1.0)
    plans = _plan(name, read, mapping)
    if not plans:                   # every sheet wanted was imported before (the rest: empty or unusable)
        return _already_sheets(already, name, sha, empty_rejects, read.ignored)

    step("checking", 0.0)
    ctx = make_context(con, "import", now, scope)
    preps = []
    for i, (table, used) in enumerate(plans):
        fields = pd.DataFrame({f: table.frame[c].reset_index(drop=True) for c, f in used.items()})
        preps.append(prepare(fields, ctx))
        step("checking", (i + 1) / len(plans))
    used_all: dict[str, str] = {}
    for _, used in plans:
        for c, f in used.items():
            used_all.setdefault(c, f)
    mapping_json = json.dumps(used_all, ensure_ascii=False)
    workbook = plans[0][0].sheet is not None
    file_format = plans[0][0].file_format

    def work():
        step("writing", 0.0)
        batch_id = int(next_ids(con, "batch_id_seq", 1)[0])
        results = []
        for (table, used), prep in zip(plans, preps):
            extra = [(rn, json.dumps(raw, ensure_ascii=False, default=str), reasons)
                     for rn, raw, reasons in table.bad_rows]
            stored = store(con, prep, channel="import", actor=actor, now=ctx.now, source=f"import:{batch_id}",
                           batch_id=batch_id, row_nos=table.row_nos, raw_rows=_raw_rows(table, used, prep),
                           extra_quarantine=extra)
            if table.sheet is not None:     # rows are numbered per sheet: say which
                run_query(con, "intake_quarantine_sheet", {"batch_id": batch_id, "sheet": table.sheet})
                if len(stored.ids):
                    run_query(con, "intake_reports_sheet", {"batch_id": batch_id, "sheet": table.sheet})
            dups = int((stored.duplicate_of >= 0).sum())
            res = SheetResult(table.sheet, table.rows_in, len(stored.ids) - dups, stored.quarantined, dups,
                              table.skipped)
            assert res.rows_in == res.imported + res.quarantined + res.duplicates + res.skipped, res
            results.append(res)
            run_query(con, "intake_insert_batch_sheet", {
                "file_sha256": sha, "sheet": WHOLE_FILE if table.sheet is None else table.sheet,
                "batch_id": batch_id, **{k: getattr(res, k) for k in COUNTS}})
        total = _totals(results)
        run_query(con, "intake_insert_batch", {
            "batch_id": batch_id, "file_name": name, "file_sha256": sha, "file_format": file_format,
            "encoding": plans[0][0].encoding, "mapping_json": mapping_json, "imported_by": actor,
            "imported_at": ctx.now, **total,
            "sheets_json": json.dumps([asdict(r) for r in results], ensure_ascii=False) if workbook else None})
        # what was imported, never a row's values (file name, format, sheets and counts)
        audit.record(con, "import", actor=actor, role=role, client=client, object_type="import_batch",
                     object_id=batch_id, at=ctx.now, detail={
                         "file_name": name, "file_format": file_format, **total,
                         "sheets": [asdict(r) for r in results] if workbook else None,
                         "already_imported_sheets": [a.sheet for a in already]})
        step("writing", 1.0)
        return batch_id, results

    # Row order inside the table does not matter (ids carry it); not preserving it makes the bulk insert
    # use all threads. The previous setting is restored.
    order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = false")
    try:
        batch_id, results = in_transaction(con, work)
    except duckdb.Error as exc:
        if not is_duplicate_key(exc):
            raise
        # another import of this file committed first: import what it left (nothing, or other sheets)
        mine = {WHOLE_FILE} if not workbook else {t.sheet for t, _ in plans}
        if retry and (mine & set(_imported_parts(con, sha))):
            return _import(con, path, actor=actor, mapping=mapping, sheets=sheets, max_bytes=max_bytes,
                           progress=progress, now=now, scope=scope, role=role, client=client, retry=False)
        raise
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if order else 'false'}")
    rejects = pd.concat([_rejects(prep, table) for (table, _), prep in zip(plans, preps)], ignore_index=True)
    return ImportResult(batch_id=batch_id, file_name=name, file_sha256=sha, already_imported=False,
                        rejects=rejects[REJECT_COLUMNS], file_format=file_format,
                        encoding=plans[0][0].encoding, mapping=used_all,
                        warnings=sum(len(p.warnings) for p in preps), sheets=results,
                        ignored_sheets=list(read.ignored), already_sheets=already,
                        message=_already_text(already, "not imported again") if already else "",
                        **_totals(results))


def _totals(results: list[SheetResult]) -> dict[str, int]:
    return {k: sum(getattr(r, k) for r in results) for k in COUNTS}


def _imported_parts(con, sha: str) -> dict[str, AlreadySheet]:
    """What was imported before of the file with these bytes: sheet ('' = the whole file) → by which batch."""
    rows = run_query(con, "intake_imported_parts", {"file_sha256": sha}).fetchall()
    return {sheet: AlreadySheet(sheet, int(batch_id), file_name, at, by) for sheet, batch_id, file_name, at, by in rows}


def _when(a: AlreadySheet) -> str:
    who = f" by {a.imported_by}" if a.imported_by else ""
    return f"batch {a.batch_id}, {a.imported_at:%Y-%m-%d %H:%M}{who}"


def _already_text(already: list[AlreadySheet], tail: str) -> str:
    """One line: which sheets were imported before, by which batch, when and by whom."""
    each = "; ".join(f"{a.sheet!r} ({_when(a)})" for a in already)
    return f"{'sheet' if len(already) == 1 else 'sheets'} already imported: {each}; {tail}"


def _check_sheets(path: Path, data: bytes, sheets: list[str]) -> None:
    if not is_workbook(path, data):
        raise InputError(f"{path.name}: --sheet applies to XLSX workbooks only; this is not one")
    names = [s.name for s in workbook_sheets(path)]
    unknown = [s for s in sheets if s not in names]
    if unknown:
        raise InputError(f"{path.name}: no sheet named {_list(unknown)}; the workbook's sheets are: {_list(names)}")


def _raw_rows(table: Table, used: dict[str, str], prep):
    """The raw rows (dicts) of some positions, for quarantine; contact cells withheld without consent."""
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

    return raw_rows


def _already_file(prior: AlreadySheet, name, sha, rejects) -> ImportResult:
    """The whole file (CSV, GeoJSON, or a workbook imported before sheets were recorded) was imported."""
    return ImportResult(batch_id=prior.batch_id, file_name=name, file_sha256=sha, rows_in=0, imported=0,
                        quarantined=0, duplicates=0, already_imported=True, rejects=rejects,
                        message=f"already imported as batch {prior.batch_id} ({prior.file_name}, "
                                f"{prior.imported_at:%Y-%m-%d %H:%M}"
                                f"{' by ' + prior.imported_by if prior.imported_by else ''}); nothing added")


def _already_sheets(already: list[AlreadySheet], name, sha, rejects, ignored) -> ImportResult:
    """Every sheet wanted of a workbook was imported before: nothing added; which, when and by whom."""
    return ImportResult(batch_id=min(a.batch_id for a in already), file_name=name, file_sha256=sha, rows_in=0,
                        imported=0, quarantined=0, duplicates=0, already_imported=True, rejects=rejects,
                        already_sheets=already, ignored_sheets=list(ignored),
                        message=_already_text(already, "nothing added"))


def _rejects(prep, table: Table) -> pd.DataFrame:
    e = prep.errors
    out = pd.DataFrame({
        "row_no": table.row_nos[e["pos"].to_numpy()] if len(e) else np.empty(0, dtype=np.int64),
        "field": e["field"].to_numpy(dtype=object), "value": e["value"].to_numpy(dtype=object),
        "code": e["code"].to_numpy(dtype=object), "message_th": e["message_th"].to_numpy(dtype=object),
        "message_en": e["message_en"].to_numpy(dtype=object)})
    extra = pd.DataFrame([(rn, r["field"], r["value"], r["code"], r["message_th"], r["message"])
                          for rn, _, reasons in table.bad_rows for r in reasons], columns=REJECT_COLUMNS[1:])
    if len(extra):
        out = pd.concat([out, extra], ignore_index=True) if len(out) else extra
    out.insert(0, "sheet", pd.Series([table.sheet] * len(out), dtype=object))
    return out.sort_values("row_no", kind="stable").reset_index(drop=True)[REJECT_COLUMNS]
