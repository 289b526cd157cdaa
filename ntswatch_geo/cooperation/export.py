"""Exports of the cooperation record: the activities in the viewer's scope as XLSX or CSV, and the rejected rows
of an activities import as CSV.

- Rows come from `summary.activities` (the named query coop_activities), so the viewer's scope applies: a
  district officer gets their district, a governor their province.
- Headers and values in the file's language: activity types, facing countries, the source and the synthetic
  flag as labels (the activity type's key is kept in its own column); dates as dates; participants by side and
  kind under the headers the importer reads, so an exported file imports again (adding nothing: every row is
  a duplicate of the activity it came from).
- Written with the product's one spreadsheet writer (exports.csv_bytes / exports.xlsx_bytes): text a
  spreadsheet would run as a formula (= + - @ tab CR at the start) gets a leading apostrophe; an XLSX has an
  About / เกี่ยวกับ sheet (what, when, by whom, the period and area, how many rows, whether synthetic
  activities are in it).
- Every export is an audit-trail entry (action 'export', kind 'coop_activities': format, rows, language,
  period and scope; never values).
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

import pandas as pd

from .. import audit
from ..db import run_query
from ..errors import InputError
from ..exports import csv_bytes, xlsx_bytes
from ..i18n import LANGS, fmt_date, fmt_int, t
from ..scope import Scope
from . import summary
from .taxonomy import KINDS, PARTICIPANT_COLUMNS, SIDES, type_label

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
EXPORT_ROLES = ("analyst", "governor", "district_officer", "planner", "admin")
MAX_ROWS = 200_000


def participant_header(column: str, lang: str) -> str:
    """'th_officials' -> 'ผู้เข้าร่วมฝั่งไทย (เจ้าหน้าที่)' / 'Thai officials' (the importer reads both)."""
    side, kind = column.split("_", 1)
    s = next(x for x in SIDES if x.key == side)
    k = next(x for x in KINDS if x.key == kind)
    return t("coop_export.col_participants", lang, side=s.label(lang), kind=k.label(lang))


def _side_total_header(side: str, lang: str) -> str:
    s = next(x for x in SIDES if x.key == side)
    return t("coop_export.col_people", lang, side=s.label(lang))


@lru_cache(maxsize=None)
def extra_headers() -> frozenset[str]:
    """The headers of the export's columns that are not activity fields, in both languages (the importer
    leaves them out without naming them as unknown)."""
    out = set()
    for lang in LANGS:
        for key in ("col_id", "col_type_code", "col_district_code", "col_facing_country", "col_source",
                    "col_synthetic", "col_created_by", "col_created_at"):
            out.add(t(f"coop_export.{key}", lang))
        out.update(_side_total_header(s.key, lang) for s in SIDES)
    return frozenset(out)


def _countries(codes, lang: str) -> str:
    if not isinstance(codes, str) or not codes:
        return ""
    return ", ".join(t(f"country.{c}", lang) for c in codes.split(","))


def _source(source: str, lang: str) -> str:
    kind, _, rest = str(source).partition(":")
    if kind == "import":
        return t("coop_import.source_import", lang, batch=rest)
    if kind == "synthetic":
        return t("coop_import.source_synthetic", lang, run=rest)
    return t("coop_import.source_entry", lang)


def activities_frame(con, scope: Scope, lang: str, date_from: dt.date | None = None,
                     date_to: dt.date | None = None) -> pd.DataFrame:
    """The activities in `scope` overlapping [date_from, date_to] (None = open), oldest first, one row each,
    with headers and labels in `lang` (see the module docstring)."""
    if lang not in LANGS:
        raise InputError(f"language {lang!r}: allowed {', '.join(LANGS)}")
    df = summary.activities(con, scope, date_from, date_to)
    df = df.sort_values(["start_date", "id"], kind="stable").reset_index(drop=True)
    th = lang == "th"

    def col(key: str) -> str:
        return t(f"coop_export.{key}", lang)

    def day(s):
        return pd.to_datetime(s).dt.date

    out = {
        col("col_id"): df["id"].astype("int64"),
        col("col_start"): day(df["start_date"]),
        col("col_end"): day(df["end_date"]),
        col("col_type"): df["activity_type"].map(lambda k: type_label(k, lang)).astype(object),
        col("col_type_code"): df["activity_type"].astype(object),
        col("col_title"): df["title"].astype(object).where(df["title"].notna(), None),
        col("col_province"): df["province_th" if th else "province_en"].astype(object),
        col("col_district"): df["district_th" if th else "district_en"].astype(object),
        col("col_district_code"): df["district_code"].astype(object),
        col("col_facing"): df["facing_names"].fillna("").astype(object),
        col("col_facing_country"): df["facing_countries"].map(lambda c: _countries(c, lang)).astype(object),
    }
    for c in PARTICIPANT_COLUMNS:
        out[participant_header(c, lang)] = df[c].astype("int64")
    for s in SIDES:
        out[_side_total_header(s.key, lang)] = df[f"people_{s.key}"].astype("int64")
    out[col("col_change_agents")] = df["change_agents"].astype("int64")
    out[col("col_budget")] = df["budget_thb"].astype("float64")
    out[col("col_outcome")] = df["outcome"].astype(object).where(df["outcome"].notna(), None)
    out[col("col_source")] = df["source"].map(lambda s: _source(s, lang)).astype(object)
    out[col("col_synthetic")] = df["is_synthetic"].map(lambda b: col("yes") if b else col("no")).astype(object)
    out[col("col_created_by")] = df["created_by"].astype(object)
    out[col("col_created_at")] = pd.to_datetime(df["created_at"]).dt.floor("s")
    frame = pd.DataFrame(out)
    frame.attrs["synthetic"] = int(df["is_synthetic"].sum()) if len(df) else 0
    return frame


def _area(con, scope: Scope, lang: str) -> str:
    if not scope.restricted:
        return t("coop_export.scope_all", lang)
    rows = run_query(con, "export_place_names", {"provs": [scope.province_code] if scope.province_code else [],
                                                 "dists": [scope.district_code] if scope.district_code else []})
    names = {(k, c): (th if lang == "th" else en) for k, c, th, en in rows.fetchall()}
    if scope.district_code:
        return names.get(("district", scope.district_code), scope.district_code)
    return names.get(("province", scope.province_code), scope.province_code)


def _period(date_from, date_to, lang: str) -> str:
    if date_from is None and date_to is None:
        return t("coop_export.all_dates", lang)
    return f"{fmt_date(date_from, lang) if date_from else '…'} – {fmt_date(date_to, lang) if date_to else '…'}"


def about_rows(con, scope: Scope, lang: str, frame: pd.DataFrame, fmt: str, date_from=None, date_to=None, *,
               actor: str | None = None, generated_at: dt.datetime | None = None) -> list[tuple[str, str]]:
    """The About sheet of an activities export: (item, value) rows in `lang`."""
    when = generated_at or audit.now_local()
    n_syn = int(frame.attrs.get("synthetic", 0))
    return [
        (t("export.title", lang), t("coop_export.title", lang)),
        (t("export.generated", lang), f"{fmt_date(when.date(), lang)} {when:%H:%M}"),
        (t("export.by", lang), f"{actor or scope.username or '–'} ({t(f'role.{scope.role}', lang)})"),
        (t("export.format", lang), fmt.upper()),
        (t("export.rows", lang), fmt_int(len(frame))),
        (t("coop_export.period", lang), _period(date_from, date_to, lang)),
        (t("export.scope", lang), _area(con, scope, lang)),
        (t("export.synthetic", lang), t("coop_export.synthetic_yes", lang, n=fmt_int(n_syn), total=fmt_int(len(frame)))
         if n_syn else t("coop_export.synthetic_no", lang)),
        (t("coop_export.labels", lang), t("coop_export.labels_value", lang)),
    ]


def export_bytes(con, scope: Scope, fmt: str, lang: str = "th", date_from: dt.date | None = None,
                 date_to: dt.date | None = None, *, actor: str | None = None, client: str | None = None,
                 generated_at: dt.datetime | None = None) -> bytes:
    """The activities in `scope` as an XLSX workbook (activities + About sheet) or a CSV file, with its audit
    entry. Raises InputError for an unknown format or language, or a role that may not export."""
    return export_file(con, scope, fmt, lang, date_from, date_to, actor=actor, client=client,
                       generated_at=generated_at)[0]


def export_file(con, scope: Scope, fmt: str, lang: str = "th", date_from: dt.date | None = None,
                date_to: dt.date | None = None, *, actor: str | None = None, client: str | None = None,
                generated_at: dt.datetime | None = None) -> tuple[bytes, int]:
    """`export_bytes` and the number of activities in the file."""
    if fmt not in FORMATS:
        raise InputError(f"export format {fmt!r}: allowed {', '.join(FORMATS)}")
    if scope.role not in EXPORT_ROLES:
        raise InputError(f"export: the role {scope.role!r} may not export cooperation activities")
    frame = activities_frame(con, scope, lang, date_from, date_to)
    if len(frame) > MAX_ROWS:
        raise InputError(f"export: {len(frame):,} activities; at most {MAX_ROWS:,} per file — choose a shorter period")
    if fmt == "csv":
        data = csv_bytes(frame)
    else:
        about = about_rows(con, scope, lang, frame, fmt, date_from, date_to, actor=actor, generated_at=generated_at)
        data = xlsx_bytes({t("coop_export.sheet", lang): frame}, about=about, lang=lang)
    audit.record(con, "export", actor=actor or scope.username or "unknown", role=scope.role, client=client,
                 object_type="export", object_id=fmt, detail={
                     "format": fmt, "kind": "coop_activities", "rows": len(frame), "lang": lang,
                     "contacts": False, "description": False, "location": "none",
                     "date_from": date_from, "date_to": date_to,
                     "scope": {"province": scope.province_code, "district": scope.district_code}})
    return data, len(frame)


# ------------------------------------------------------------------------------------------ rejects

REJECT_COLUMNS = ["sheet", "row_no", "field", "value", "code", "message", "message_th"]


def rejects_csv(rejects: pd.DataFrame) -> bytes:
    """The rejected rows of an import (CoopImportResult.rejects) as CSV: UTF-8 with BOM, formulas defused;
    columns sheet, row_no, field, value, code, message, message_th."""
    return csv_bytes(rejects[REJECT_COLUMNS] if len(rejects.columns) else pd.DataFrame(columns=REJECT_COLUMNS))


def batch_rejects(con, batch_id: int) -> pd.DataFrame:
    """The quarantined rows of an activities import read back from coop_quarantine: one row per reason, the
    columns of `rejects_csv` plus `raw` (the row as read, JSON)."""
    recs = []
    for sheet, row_no, raw_json, reasons_json in run_query(con, "coop_export_rejects",
                                                          {"batch_id": int(batch_id)}).fetchall():
        for r in json.loads(reasons_json):
            recs.append((sheet, row_no, r.get("field"), r.get("value"), r.get("code"), r.get("message"),
                         r.get("message_th"), raw_json))
    return pd.DataFrame(recs, columns=[*REJECT_COLUMNS, "raw"])


__all__ = ["activities_frame", "export_bytes", "export_file", "rejects_csv", "batch_rejects", "participant_header", "FORMATS"]
