"""Exports of the filtered reports: CSV, XLSX, GeoJSON, GeoPackage, Parquet.

- Rows come through the same `filtered_reports` macro as every page, so the viewer's scope applies.
- Reporter contact details only for roles that may see them (Scope.sees_contacts) and only with consent.
- `hide_location` rounds coordinates to 0.01° (about 1 km) and drops the free-text place, for sharing
  outside DOPA.
- CSV and XLSX neutralise text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start)
  with a leading apostrophe (OWASP CSV injection advice).
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .db import run_query
from .errors import InputError
from .filters import Filters
from .scope import Scope

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
           "parquet": "application/vnd.apache.parquet"}
MAX_ROWS = {"csv": 2_000_000, "parquet": 2_000_000, "xlsx": 200_000, "geojson": 200_000, "gpkg": 500_000}


def export_table(con, f: Filters, scope: Scope, hide_location: bool = False, neutralise: bool = False,
                 max_rows: int = 2_000_000) -> pa.Table:
    """The filtered reports as an Arrow table (aggregation-free: exports are the one place rows leave DuckDB)."""
    params = {**f.sql_params(scope), "hide_location": hide_location, "with_contacts": scope.sees_contacts,
              "neutralise": neutralise, "max_rows": max_rows + 1}
    table = run_query(con, "export_reports", params).to_arrow_table()
    if table.num_rows > max_rows:
        raise InputError(f"export: {table.num_rows - 1:,}+ rows match the filters; this format allows at most "
                         f"{max_rows:,} — narrow the filters or choose CSV/Parquet")
    if not scope.sees_contacts:
        table = table.drop_columns(["contact_name", "contact_phone"])
    return table


def _geo(table: pa.Table):
    import geopandas as gpd

    df = table.to_pandas()
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)


def export_bytes(con, f: Filters, scope: Scope, fmt: str, hide_location: bool = False) -> bytes:
    """The export file's bytes in `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise InputError(f"export format {fmt!r}: allowed {', '.join(FORMATS)}")
    table = export_table(con, f, scope, hide_location, neutralise=fmt in ("csv", "xlsx"), max_rows=MAX_ROWS[fmt])
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
