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
from .scope import Scope

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
                 with_contacts: bool = False, actor: str | None = None, client: str | None = None) -> bytes:
    """The export file's bytes in `fmt` (one of FORMATS), shaped by the role's policy, and its audit entry.

    kind: 'rows' (one row per report) or 'aggregate' (district × month × category counts; not for the
    point formats). actor: who exports (default: the scope's username).
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
    data = _encode(table, fmt)
    cols = set(table.column_names)
    audit.record(con, "export", actor=actor or scope.username or "unknown", role=scope.role, client=client,
                 object_type="export", object_id=fmt, detail={
                     "format": fmt, "kind": kind, "rows": table.num_rows, "contacts": bool(cols & set(CONTACT_COLUMNS)),
                     "description": "description" in cols,
                     "location": "none" if kind == "aggregate" else (
                         "rounded_1km" if (hide_location or pol.coarse) else "exact"),
                     "filters": f.to_query(),
                     "scope": {"province": scope.province_code, "district": scope.district_code}})
    return data


def _encode(table: pa.Table, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "csv":
        buf.write(b"\xef\xbb\xbf")  # BOM: Excel opens Thai UTF-8 correctly
        pacsv.write_csv(table, buf)
    elif fmt == "parquet":
        pq.write_table(table, buf)
    elif fmt == "xlsx":
        df = table.to_pandas()
        for col in df.select_dtypes(include=["datetimetz"]).columns:
            df[col] = df[col].dt.tz_localize(None)
        df.to_excel(buf, index=False, sheet_name="reports", engine="openpyxl")
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


def xlsx_bytes(sheets: dict) -> bytes:
    """Frames as the sheets of one XLSX workbook, formulas neutralised, time zones dropped (Excel has none)."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df = neutralise_frame(df)
            for col in df.select_dtypes(include=["datetimetz"]).columns:
                df[col] = df[col].dt.tz_localize(None)
            df.to_excel(xw, sheet_name=name[:31], index=False)
    return buf.getvalue()
