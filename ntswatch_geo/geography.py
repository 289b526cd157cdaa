"""`ntswatch init`: boundaries, border facts, parallel areas, MWCC sites and crossings into DuckDB.

Everything is read and checked before the database is touched; the write is one transaction that replaces
the geography tables (reports are kept), so running it twice gives the same database.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from . import border
from .boundaries import Boundaries, read_boundaries
from .db import table_exists, transaction
from .errors import InputError
from .sources import sha256_of, BOUNDARY_FILES
from .taxonomy import write_taxonomy

MWCC_COLUMNS = ["status", "district_code", "district_en", "province_en", "border", "source_url"]
CROSSING_COLUMNS = ["id", "name_en", "name_th", "crossing_type", "district_en", "province_en", "country",
                    "lat", "lon", "source"]
CROSSING_TYPES = {"permanent", "temporary", "relaxed"}


@dataclass
class Geography:
    """Everything `init` writes, computed and checked in memory first."""

    b: Boundaries
    facts: pd.DataFrame
    parallel: pd.DataFrame           # with `geom`: the pair's shared stretch (lon/lat)
    mwcc: pd.DataFrame
    mwcc_not_public: int
    crossings: pd.DataFrame
    meta: dict[str, str]
    stretches: gpd.GeoDataFrame | None = None   # border_stretches: district × country, lon/lat lines


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except Exception as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc})") from exc
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing columns {', '.join(missing)}; expected {', '.join(columns)}")
    return df


def read_mwcc_sites(path: Path, districts: gpd.GeoDataFrame) -> tuple[pd.DataFrame, int]:
    """The named MWCC target districts (checked against the district list) and the count not made public."""
    df = _read_csv(path, MWCC_COLUMNS)
    known = set(districts["code"])
    names = dict(zip(districts["code"], districts["name_en"]))
    named = df[df["status"] == "named"]
    bad_status = df[~df["status"].isin(["named", "not_public"])]
    if len(bad_status):
        i = bad_status.index[0]
        raise InputError(f"{path}: row {i + 2}, field status: {bad_status.at[i, 'status']!r}; allowed: named, not_public")
    for i, r in named.iterrows():
        if r["district_code"] not in known:
            raise InputError(f"{path}: row {i + 2}, field district_code: {r['district_code']!r} is not a DOPA district code")
        if r["district_en"] and r["district_en"] != names[r["district_code"]]:
            raise InputError(f"{path}: row {i + 2}: district_code {r['district_code']} is "
                             f"{names[r['district_code']]!r}, not {r['district_en']!r}")
        if r["border"] not in ("LA", "KH"):
            raise InputError(f"{path}: row {i + 2}, field border: {r['border']!r}; allowed: LA, KH")
    if named["district_code"].duplicated().any():
        raise InputError(f"{path}: district listed twice: {named.loc[named['district_code'].duplicated(), 'district_code'].iloc[0]}")
    out = named[["district_code", "border", "source_url"]].sort_values("district_code").reset_index(drop=True)
    return out, int((df["status"] == "not_public").sum())


def read_crossings(path: Path, b: Boundaries, stretches: gpd.GeoSeries) -> pd.DataFrame:
    """Border crossings; those without published coordinates are placed on their district's border stretch."""
    df = _read_csv(path, CROSSING_COLUMNS)
    d = b.districts
    key = {(n, p): c for n, p, c in zip(d["name_en"], d["province_code"].map(
        dict(zip(b.provinces["code"], b.provinces["name_en"]))), d["code"])}
    codes = []
    for i, r in df.iterrows():
        code = key.get((r["district_en"], r["province_en"]))
        if code is None:
            raise InputError(f"{path}: row {i + 2}, field district_en: {r['district_en']!r} in "
                             f"{r['province_en']!r} is not a district in the boundary file")
        if r["crossing_type"] not in CROSSING_TYPES:
            raise InputError(f"{path}: row {i + 2}, field crossing_type: {r['crossing_type']!r}; "
                             f"allowed: {', '.join(sorted(CROSSING_TYPES))}")
        codes.append(code)
    df["district_code"] = codes
    df["approximate"] = (df["lat"] == "") | (df["lon"] == "")
    df["lat"] = pd.to_numeric(df["lat"].replace("", None), errors="coerce")
    df["lon"] = pd.to_numeric(df["lon"].replace("", None), errors="coerce")
    idx = dict(zip(d["code"], d.index))
    for code, grp in df[df["approximate"]].groupby("district_code", sort=False):
        stretch = stretches.loc[idx[code]]
        if stretch.is_empty:
            raise InputError(f"{path}: crossing {grp['id'].iloc[0]!r} has no coordinates and district "
                             f"{code} has no international border to place it on")
        for (row, (lon, lat)) in zip(grp.index, border.points_on_stretch(stretch, len(grp))):
            df.at[row, "lon"], df.at[row, "lat"] = lon, lat
    cols = ["id", "name_en", "name_th", "crossing_type", "district_code", "country", "lat", "lon", "approximate", "source"]
    return df[cols].sort_values("id").reset_index(drop=True)


def build_geography(boundaries_dir: Path, data_dir: Path) -> Geography:
    """Read and compute everything `init` writes, without touching any database."""
    b = read_boundaries(boundaries_dir)
    stretches = border.border_stretches(b.districts)
    facts = border.border_facts(b.districts, b.lao, b.khm, stretches)
    neighbours = gpd.GeoDataFrame(pd.concat([b.lao, b.khm], ignore_index=True), crs=4326)
    parallel = border.parallel_areas(b.districts, neighbours, stretches, facts["is_border"])
    international = border.international_stretches(b.districts, b.lao, b.khm, stretches, facts)
    mwcc, not_public = read_mwcc_sites(data_dir / "mwcc_sites.csv", b.districts)
    crossings = read_crossings(data_dir / "border_crossings.csv", b, stretches)
    meta = {f"sha256:{n}": sha256_of(boundaries_dir / n) for n in BOUNDARY_FILES}
    meta.update({
        "border_buffer_m": str(border.BUFFER_M), "border_min_shared_km": str(border.MIN_SHARED_KM),
        "parallel_min_pair_km": str(border.MIN_PAIR_KM), "mwcc_programme_districts": "44",
        "mwcc_not_public": str(not_public),
    })
    return Geography(b, facts, parallel, mwcc, not_public, crossings, meta, international)


def _wkb(geoms) -> list[bytes]:
    return list(shapely.to_wkb(geoms, output_dimension=2))


def write_geography(con, g: Geography) -> None:
    """Replace the geography tables with `g`, in one transaction."""
    d = g.b.districts.join(g.facts)
    # a point inside the district (a concave or multi-part district's centroid can fall outside it)
    cent = d.geometry.to_crs(border.METRIC_CRS).representative_point().to_crs(4326)
    d = d.assign(centroid_lat=cent.y.values, centroid_lon=cent.x.values)
    nb = pd.concat([g.b.lao, g.b.khm], ignore_index=True).sort_values("id")
    nb_cent = gpd.GeoSeries(nb.geometry.values, crs=4326).to_crs(border.METRIC_CRS).representative_point().to_crs(4326)
    nb = nb.assign(centroid_lat=nb_cent.y.values, centroid_lon=nb_cent.x.values)
    stretches = g.stretches if g.stretches is not None else gpd.GeoDataFrame(
        {"district_code": [], "country": [], "km": []}, geometry=[], crs=4326)
    frames = {
        "provinces_df": g.b.provinces.assign(wkb=_wkb(g.b.provinces.geometry.values)).drop(columns="geometry"),
        "districts_df": pd.DataFrame(d.drop(columns="geometry")).assign(wkb=_wkb(d.geometry.values)),
        "neighbours_df": pd.DataFrame(nb.drop(columns="geometry")).assign(wkb=_wkb(nb.geometry.values)),
        "parallel_df": g.parallel.assign(wkb=_wkb(g.parallel["geom"].values)).drop(columns="geom"),
        "stretches_df": pd.DataFrame(stretches.drop(columns="geometry")).assign(wkb=_wkb(stretches.geometry.values)),
        "mwcc_df": g.mwcc, "crossings_df": g.crossings,
        "meta_df": pd.DataFrame(sorted(g.meta.items()), columns=["key", "value"]),
    }

    v14 = table_exists(con, "border_stretches")      # schema 14: the stored border geometry

    def work():
        if v14:
            con.execute("DELETE FROM border_stretches")
        con.execute("DELETE FROM parallel_areas; DELETE FROM mwcc_sites; DELETE FROM border_crossings; "
                    "DELETE FROM neighbour_districts; DELETE FROM districts; DELETE FROM provinces; "
                    "DELETE FROM geography_meta")
        con.execute("INSERT INTO provinces SELECT code, name_th, name_en, area_km2, ST_GeomFromWKB(wkb) FROM provinces_df ORDER BY code")
        con.execute("""INSERT INTO districts SELECT code, province_code, name_th, name_en, source_name_th, area_km2,
                       border_country, border_km_la, border_km_kh, is_border, centroid_lat, centroid_lon, geom_fixed,
                       ST_GeomFromWKB(wkb) FROM districts_df ORDER BY code""")
        if not v14:       # a database not yet migrated to 014 (only tests build one): the older columns
            con.execute("INSERT INTO neighbour_districts (id, country, name_en, province_en, geom) "
                        "SELECT id, country, name_en, province_en, ST_GeomFromWKB(wkb) FROM neighbours_df ORDER BY id")
            con.execute("INSERT INTO parallel_areas (district_code, neighbour_id, country, shared_km) "
                        "SELECT district_code, neighbour_id, country, shared_km FROM parallel_df")
        else:
            con.execute("INSERT INTO neighbour_districts (id, country, name_en, province_en, geom, centroid_lat, "
                        "centroid_lon) SELECT id, country, name_en, province_en, ST_GeomFromWKB(wkb), centroid_lat, "
                        "centroid_lon FROM neighbours_df ORDER BY id")
            con.execute("INSERT INTO parallel_areas (district_code, neighbour_id, country, shared_km, geom) "
                        "SELECT district_code, neighbour_id, country, shared_km, ST_GeomFromWKB(wkb) FROM parallel_df")
            con.execute("INSERT INTO border_stretches (district_code, country, km, geom) "
                        "SELECT district_code, country, km, ST_GeomFromWKB(wkb) FROM stretches_df")
        con.execute("INSERT INTO mwcc_sites SELECT district_code, border, source_url FROM mwcc_df")
        con.execute("""INSERT INTO border_crossings SELECT id, name_en, name_th, crossing_type, district_code, country,
                       lat, lon, approximate, source, ST_Point(lon, lat) FROM crossings_df""")
        con.execute("INSERT INTO geography_meta SELECT key, value FROM meta_df")
        write_taxonomy(con)

    for name, df in frames.items():
        con.register(name, df)
    try:
        transaction(con, work)
    finally:
        for name in frames:
            con.unregister(name)
