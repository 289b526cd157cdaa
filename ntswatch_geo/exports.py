"""Exports of the filtered reports: CSV, XLSX, GeoJSON, GeoPackage, Parquet.

- Rows come through the same `filtered_reports` macro as every page, so the viewer's scope applies.
- What a role's export holds is decided here, whatever the page offers (`policy`):
  * planner — works on aggregates: the district × month × category counts, or rows *without* description,
    place text, contact details, officer and times of day (received/verified as dates, no occurred_time),
    coordinates rounded to 0.01° (about 1 km, location_precision 'approx_1km');
  * governor, analyst — full rows, never contact details;
  * district officer, admin — full rows; contact details (with the reporter's consent) only when asked
    for (`with_contacts`), since they are the roles whose Scope.sees_contacts is true;
  * public — no export.
- Every export is written to the audit trail (`audit.record(con, "export", ...)`): format, kind, row
  count, whether contacts, descriptions and exact locations were included, and the filters — never values.
- `hide_location` rounds coordinates to 0.01° (about 1 km) and drops the free-text place, for sharing
  outside DOPA.
- CSV and XLSX neutralise text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start)
  with a leading apostrophe (OWASP CSV injection advice).
- Labels, not only codes: every coded column (`CODED`: category, channel, status, agency, intake method,
  reporter type, date and location precision, SWOT kind) becomes two columns, `<name>_label` in the
  export's language and `<name>_code` (`labelled`, `label_table`).
- Every XLSX carries an About sheet ("About" / "เกี่ยวกับ", `about_rows`): what the file holds, who made it
  and when, the filters with their names, the account's area, the data version and latest receipt, whether
  synthetic reports are in the filters; the Model sites workbook adds the method, preset, weights and
  normalisation (`sites.method_rows`). CSV files carry the labels but no About block (a leading comment
  would not read back as a table); the audit entry records the filters of every export.
"""
from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import audit
from .db import run_query
from .errors import InputError
from .filters import Filters
from .i18n import catalogue, fmt_date, fmt_int, label, t
from .scope import Scope
from .taxonomy import AGENCIES

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
           "parquet": "application/vnd.apache.parquet"}
MAX_ROWS = {"csv": 2_000_000, "parquet": 2_000_000, "xlsx": 200_000, "geojson": 200_000, "gpkg": 500_000}
KINDS = ("rows", "aggregate")
CONTACT_COLUMNS = ("contact_name", "contact_phone")
# what a planner's row export leaves out: the reporter's words and where exactly, contacts, times of day
COARSE_DROPPED = ("description", "place_text", "occurred_time", *CONTACT_COLUMNS, "officer")
COARSE_DATES = ("received_at", "verified_at")      # timestamps kept as dates only
ROUND_DEGREES = 2                                 # 0.01° ≈ 1.1 km


@dataclass(frozen=True)
class Policy:
    """What a role's export may hold (see the module docstring)."""

    coarse: bool                    # rows without texts, times of day and exact points (planner)
    contacts_allowed: bool          # Scope.sees_contacts


def policy(scope: Scope) -> Policy:
    """The export policy of a viewer's role. Raises InputError for a role that may not export."""
    if scope.role not in ("analyst", "governor", "district_officer", "planner", "admin"):
        raise InputError(f"export: the role {scope.role!r} may not export reports")
    return Policy(coarse=scope.role == "planner", contacts_allowed=scope.sees_contacts)


def export_table(con, f: Filters, scope: Scope, hide_location: bool = False, neutralise: bool = False,
                 max_rows: int = 2_000_000, with_contacts: bool = False) -> pa.Table:
    """The filtered reports as an Arrow table, shaped by the role's policy (aggregation-free: exports are the
    one place rows leave DuckDB). `with_contacts` only for roles whose Scope.sees_contacts is true."""
    pol = policy(scope)
    if with_contacts and not pol.contacts_allowed:
        raise InputError(f"export: the role {scope.role!r} may not export reporters' contact details")
    params = {**f.sql_params(scope), "hide_location": hide_location or pol.coarse, "with_contacts": with_contacts,
              "neutralise": neutralise, "max_rows": max_rows + 1}
    table = run_query(con, "export_reports", params).to_arrow_table()
    if table.num_rows > max_rows:
        raise InputError(f"export: {table.num_rows - 1:,}+ rows match the filters; this format allows at most "
                         f"{max_rows:,} — narrow the filters or choose CSV/Parquet")
    drop = set(COARSE_DROPPED) if pol.coarse else (set() if with_contacts else set(CONTACT_COLUMNS))
    table = table.drop_columns([c for c in table.column_names if c in drop])
    if pol.coarse:
        for c in COARSE_DATES:
            if c in table.column_names:
                i = table.column_names.index(c)
                table = table.set_column(i, c, pc.cast(table.column(c), pa.date32()))
    return table


def aggregate_table(con, f: Filters, scope: Scope) -> pa.Table:
    """The filtered reports counted by district, month of occurrence and category (every exporting role)."""
    policy(scope)
    return run_query(con, "export_aggregate", f.sql_params(scope)).to_arrow_table()


def _geo(table: pa.Table):
    import geopandas as gpd

    df = table.to_pandas()
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)


def export_bytes(con, f: Filters, scope: Scope, fmt: str, hide_location: bool = False, *, kind: str = "rows",
                 with_contacts: bool = False, actor: str | None = None, client: str | None = None,
                 lang: str = "en") -> bytes:
    """The export file's bytes in `fmt` (one of FORMATS), shaped by the role's policy, and its audit entry.

    kind: 'rows' (one row per report) or 'aggregate' (district × month × category counts; not for the
    point formats). actor: who exports (default: the scope's username). lang: the language of the value
    labels (`<code column>_label`) and, in XLSX, of the sheet names and the About sheet.
    """
    if fmt not in FORMATS:
        raise InputError(f"export format {fmt!r}: allowed {', '.join(FORMATS)}")
    if kind not in KINDS:
        raise InputError(f"export kind {kind!r}: allowed {', '.join(KINDS)}")
    pol = policy(scope)
    if kind == "aggregate":
        if fmt in ("geojson", "gpkg"):
            raise InputError(f"export: the aggregate table has no points; choose csv, xlsx or parquet, not {fmt}")
        table = aggregate_table(con, f, scope)
    else:
        table = export_table(con, f, scope, hide_location, neutralise=fmt in ("csv", "xlsx"),
                             max_rows=MAX_ROWS[fmt], with_contacts=with_contacts)
    cols = set(table.column_names)
    location = "none" if kind == "aggregate" else ("rounded_1km" if (hide_location or pol.coarse) else "exact")
    table = label_table(table, lang)
    about = None
    if fmt == "xlsx":
        about = about_rows(con, f, scope, lang, title=t("export.title_reports", lang), actor=actor, extra=[
            (t("export.kind", lang), t(f"data.kind_{kind}", lang)), (t("export.format", lang), fmt.upper()),
            (t("export.rows", lang), fmt_int(table.num_rows)),
            (t("export.location", lang), t(f"export.location_{location}", lang)),
            (t("export.contacts", lang), t("export.contacts_yes" if cols & set(CONTACT_COLUMNS)
                                           else "export.contacts_no", lang))])
    data = _encode(table, fmt, about=about, lang=lang)
    audit.record(con, "export", actor=actor or scope.username or "unknown", role=scope.role, client=client,
                 object_type="export", object_id=fmt, detail={
                     "format": fmt, "kind": kind, "rows": table.num_rows, "contacts": bool(cols & set(CONTACT_COLUMNS)),
                     "description": "description" in cols, "location": location, "lang": lang,
                     "filters": f.to_query(),
                     "scope": {"province": scope.province_code, "district": scope.district_code}})
    return data


def _encode(table: pa.Table, fmt: str, about: list | None = None, lang: str = "en") -> bytes:
    buf = io.BytesIO()
    if fmt == "csv":
        buf.write(b"\xef\xbb\xbf")  # BOM: Excel opens Thai UTF-8 correctly
        pacsv.write_csv(table, buf)
    elif fmt == "parquet":
        pq.write_table(table, buf)
    elif fmt == "xlsx":     # text already neutralised in SQL (export_reports.sql); labels are ours
        buf.write(xlsx_bytes({t("export.sheet_reports", lang): table.to_pandas()}, about=about, lang=lang,
                             neutralise=False))
    else:  # geojson, gpkg: written by GDAL (pyogrio) to a path, dates and times as their native types
        driver = {"geojson": "GeoJSON", "gpkg": "GPKG"}[fmt]
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / f"reports.{fmt}"
            _geo(table).to_file(path, layer="reports", driver=driver)
            buf.write(path.read_bytes())
    return buf.getvalue()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_frame(df):
    """A copy of a pandas frame whose text cells cannot run as spreadsheet formulas: text starting with
    = + - @ tab or CR gets a leading apostrophe (the same rule as the CSV/XLSX report exports)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def csv_bytes(df) -> bytes:
    """A frame as CSV for spreadsheets: UTF-8 with BOM (Excel reads Thai), formulas neutralised. The one
    writer for every CSV the product hands out (pages and CLI)."""
    return b"\xef\xbb\xbf" + neutralise_frame(df).to_csv(index=False).encode("utf-8")


def xlsx_bytes(sheets: dict, about: list[tuple[str, str]] | None = None, lang: str = "en",
               neutralise: bool = True) -> bytes:
    """Frames as the sheets of one XLSX workbook, formulas neutralised, time zones dropped (Excel has none);
    with `about` (rows of item, value from `about_rows`) a last sheet "About" / "เกี่ยวกับ" in `lang`."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df = neutralise_frame(df) if neutralise else df.copy()
            for col in df.select_dtypes(include=["datetimetz"]).columns:
                df[col] = df[col].dt.tz_localize(None)
            df.to_excel(xw, sheet_name=name[:31], index=False)
        if about is not None:
            name = t("export.about_sheet", lang)
            frame = pd.DataFrame(about, columns=[t("export.col_item", lang), t("export.col_value", lang)])
            neutralise_frame(frame).to_excel(xw, sheet_name=name, index=False)
            ws = xw.sheets[name]
            ws.column_dimensions["A"].width = 42
            ws.column_dimensions["B"].width = 110
    return buf.getvalue()


# ------------------------------------------------------------------------------- labels and the About sheet

# coded column -> kind of label (value_label)
CODED = {"category": "category", "channel": "channel", "status": "status", "forwarded_to": "agency",
         "intake_method": "intake", "reporter_type": "reporter", "occurred_precision": "occurred",
         "location_precision": "location", "kind": "swot"}


def value_label(kind: str, code, lang: str) -> str | None:
    """The label of one coded value in `lang` (None for a missing value; an unknown code as itself)."""
    if code is None or (isinstance(code, float) and code != code):
        return None
    code = str(code)
    if kind in ("category", "channel"):
        return label(kind, code, lang)
    if kind == "agency":
        names = AGENCIES.get(code)
        return (names[0] if lang == "th" else names[1]) if names else code
    key = {"status": f"status.{code}", "reporter": f"reporter.{code}", "swot": f"sites.swot_{code}",
           "occurred": f"export.occurred_{code}", "location": f"export.location_{code}"}.get(kind)
    if kind == "intake":
        key = f"intake.{code}" if f"intake.{code}" in catalogue(lang) else f"export.intake_{code}"
    return catalogue(lang).get(key, code) if key else code


def _label_positions(columns, coded) -> list[str]:
    return [c for c in columns if c in coded]


def labelled(df, lang: str, coded: dict | None = None):
    """A copy of a pandas frame where every coded column `c` (CODED) is replaced by `c_label` (in `lang`)
    followed by `c_code`."""
    coded = CODED if coded is None else coded
    out = df.copy()
    for c in _label_positions(list(out.columns), coded):
        i = list(out.columns).index(c)
        codes = out.pop(c)
        out.insert(i, f"{c}_code", codes)
        out.insert(i, f"{c}_label", codes.map(lambda v, k=coded[c]: value_label(k, v, lang)))
    return out


def label_table(table: pa.Table, lang: str, coded: dict | None = None) -> pa.Table:
    """`labelled` for an Arrow table, computed per distinct value (exports of millions of rows)."""
    coded = CODED if coded is None else coded
    for c in _label_positions(table.column_names, coded):
        i = table.column_names.index(c)
        codes = table.column(c).combine_chunks()
        enc = pc.dictionary_encode(codes)
        names = pa.array([value_label(coded[c], v, lang) for v in enc.dictionary.to_pylist()], type=pa.string())
        labels = pc.take(names, enc.indices)
        table = table.remove_column(i).add_column(i, f"{c}_code", codes).add_column(i, f"{c}_label", labels)
    return table


def _names(con, provinces, districts, lang: str) -> dict[tuple[str, str], str]:
    rows = run_query(con, "export_place_names", {"provs": list(provinces), "dists": list(districts)}).fetchall()
    return {(kind, code): (th if lang == "th" else en) for kind, code, th, en in rows}


def filter_rows(con, f: Filters, scope: Scope, lang: str) -> list[tuple[str, str]]:
    """The filters as (item, value) rows in `lang`: dates, categories, provinces, districts (by name), MWCC
    switch, channels, statuses, and the account's area."""
    from .i18n import fmt_period

    names = _names(con, (*f.provinces, *([scope.province_code] if scope.province_code else [])),
                   (*f.districts, *([scope.district_code] if scope.district_code else [])), lang)
    everything = t("export.all", lang)

    def listed(values, fmt) -> str:
        return ", ".join(fmt(v) for v in values) if values else everything

    area = (names.get(("district", scope.district_code), scope.district_code) if scope.district_code else
            names.get(("province", scope.province_code), scope.province_code) if scope.province_code else
            t("export.scope_all", lang))
    return [
        (t("export.dates", lang), fmt_period(f.date_from, f.date_to, lang)),
        (t("export.categories", lang), listed(f.categories, lambda k: label("category", k, lang))),
        (t("export.provinces", lang), listed(f.provinces, lambda c: names.get(("province", c), c))),
        (t("export.districts", lang), listed(f.districts, lambda c: names.get(("district", c), c))),
        (t("export.mwcc_only", lang), t("export.yes" if f.mwcc_only else "export.no", lang)),
        (t("export.channels", lang), listed(f.channels, lambda k: label("channel", k, lang))),
        (t("export.statuses", lang), listed(f.statuses, lambda k: label("status", k, lang))),
        (t("export.scope", lang), area),
    ]


def about_rows(con, f: Filters, scope: Scope, lang: str, *, title: str, actor: str | None = None,
               extra=(), generated_at=None) -> list[tuple[str, str]]:
    """The About sheet of an export: title, when and by whom, `extra` rows (what the file holds, or the
    ranking method), the filters (`filter_rows`), the data version and latest receipt, whether synthetic
    reports are in the filters, and how coded values are given."""
    from .overview import synthetic_in_view

    when = generated_at or audit.now_local()
    reports, max_id, changes, as_of = run_query(con, "export_data_version").fetchone()
    synthetic, total = synthetic_in_view(con, f, scope)
    who = actor or scope.username or "–"
    return [
        (t("export.title", lang), title),
        (t("export.generated", lang), f"{fmt_date(when.date(), lang)} {when:%H:%M}"),
        (t("export.by", lang), f"{who} ({t(f'role.{scope.role}', lang)})"),
        *extra,
        *filter_rows(con, f, scope, lang),
        (t("export.data_version", lang), t("export.data_version_value", lang, reports=fmt_int(reports),
                                           max_id=fmt_int(max_id), changes=fmt_int(changes),
                                           as_of="–" if as_of is None else
                                           f"{fmt_date(as_of.date(), lang)} {as_of:%H:%M}")),
        (t("export.synthetic", lang), t("export.synthetic_yes", lang, n=fmt_int(synthetic), total=fmt_int(total))
         if synthetic else t("export.synthetic_no", lang)),
        (t("export.codes", lang), t("export.codes_value", lang)),
    ]


# ----------------------------------------------------------------------------------- the Model sites files

def record_file(con, scope: Scope, fmt: str, kind: str, rows: int, f: Filters, *, actor: str | None = None,
                client: str | None = None, **detail) -> None:
    """The audit entry of a file made from the reports other than `export_bytes` (the Model sites ranking
    and site sheet): format, kind, rows, the filters and `detail` (e.g. preset, method, district)."""
    audit.record(con, "export", actor=actor or scope.username or "unknown", role=scope.role, client=client,
                 object_type="export", object_id=fmt, detail={
                     "format": fmt, "kind": kind, "rows": int(rows), "contacts": False, "description": False,
                     "location": "none", "filters": f.to_query(),
                     "scope": {"province": scope.province_code, "district": scope.district_code}, **detail})


def sites_table(ranked, sens, crit, lang: str):
    """The Model sites ranking as a file holds it (`sites.ranking_table`), labels in `lang`."""
    from . import sites

    return labelled(sites.ranking_table(ranked, sens, crit), lang)


def sites_workbook(con, f: Filters, scope: Scope, lang: str, ranked, sens, crit, notes, *,
                   preset: str | None = None, actor: str | None = None, client: str | None = None) -> bytes:
    """The Model sites workbook: the ranking, the shortlist's SWOT notes (kinds labelled) and the About
    sheet with the filters, data version, synthetic flag and the method (`sites.method_rows`); recorded."""
    from . import sites

    table = sites_table(ranked, sens, crit, lang)
    extra = [*sites.method_rows(ranked, sens, lang, preset, crit), (t("export.filters_note", lang), "")]
    about = about_rows(con, f, scope, lang, title=t("export.title_sites", lang), actor=actor, extra=extra)
    data = xlsx_bytes({t("export.sheet_ranking", lang): table, t("export.sheet_swot", lang): labelled(notes, lang)},
                      about=about, lang=lang)
    record_file(con, scope, "xlsx", "model_sites", len(table), f, actor=actor, client=client,
                preset=preset or ranked.attrs.get("preset") or "custom", method=ranked.attrs.get("method"),
                lang=lang)
    return data


def sites_csv(con, f: Filters, scope: Scope, lang: str, ranked, sens, crit, *, preset: str | None = None,
              actor: str | None = None, client: str | None = None) -> bytes:
    """The Model sites ranking as CSV (labels in `lang`; the method is in the XLSX About sheet); recorded."""
    table = sites_table(ranked, sens, crit, lang)
    data = csv_bytes(table)
    record_file(con, scope, "csv", "model_sites", len(table), f, actor=actor, client=client,
                preset=preset or ranked.attrs.get("preset") or "custom", method=ranked.attrs.get("method"),
                lang=lang)
    return data
