"""Read the boundary files, check them, repair geometry, and attach DOPA codes.

Thai district codes come from the `geothai` package (DOPA data from stat.bora.dopa.go.th). The boundary file
has no codes, so districts are joined on (province Thai name, district Thai name without the อำเภอ/เขต
prefix); four names in the file are cut to 16 characters and are matched by unique prefix instead.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from . import thai
from .errors import InputError
from .sources import BOUNDARY_FILES

METRIC_CRS = 32648  # UTM zone 48N: metric work on the Lao and Cambodian borders
AREA_CRS = 6933     # equal-area (EASE-Grid 2.0) for km²


@dataclass
class Boundaries:
    """The five files, read, checked and repaired (WGS84)."""

    provinces: gpd.GeoDataFrame   # code, name_th, name_en, area_km2, geometry
    districts: gpd.GeoDataFrame   # code, province_code, name_th, name_en, source_name_th, area_km2, geom_fixed
    lao: gpd.GeoDataFrame         # id, country, name_en, province_en, geometry
    khm: gpd.GeoDataFrame         # id, country, name_en, province_en, geometry


def strip_prefix(name: str) -> str:
    """District name without อำเภอ / เขต / กิ่งอำเภอ."""
    return thai.strip_district_prefix(name)


def read_layer(folder: Path, name: str) -> gpd.GeoDataFrame:
    """Read one boundary file, checking it parses, has its fields and its number of features."""
    spec = BOUNDARY_FILES[name]
    path = folder / name
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for truncated/corrupt files
        raise InputError(f"{path}: cannot be read as GeoJSON ({str(exc).splitlines()[0][:200]})") from exc
    if len(gdf) != spec.features:
        raise InputError(f"{path}: {len(gdf)} features, expected {spec.features} (truncated or wrong file?)")
    missing = [f for f in spec.fields if f not in gdf.columns]
    if missing:
        raise InputError(f"{path}: missing columns {', '.join(missing)}; expected {', '.join(spec.fields)}")
    if gdf.geometry.isna().any() or gdf.geometry.is_empty.any():
        raise InputError(f"{path}: {int((gdf.geometry.isna() | gdf.geometry.is_empty).sum())} features without geometry")
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    return gdf.to_crs(4326)


def fix_geometry(geoms: gpd.GeoSeries) -> tuple[gpd.GeoSeries, pd.Series]:
    """Repair invalid geometries with make_valid, keeping only their polygonal parts."""
    invalid = ~geoms.is_valid
    fixed = geoms.copy()
    if invalid.any():
        repaired = shapely.make_valid(geoms[invalid].values)
        repaired = [_polygonal(g) for g in repaired]
        fixed.loc[invalid] = repaired
    return fixed, invalid


def _polygonal(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def area_km2(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Area in km² on an equal-area projection."""
    return gdf.geometry.to_crs(AREA_CRS).area / 1e6


def _geothai(name: str) -> list:
    return json.loads(resources.files("geothai").joinpath("_data", name).read_text(encoding="utf-8"))


def dopa_codes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """DOPA province (2-digit) and district (4-digit) codes with Thai and English names, from geothai."""
    prov = pd.DataFrame(_geothai("provinces.json"), columns=["code", "name_th", "name_en"])
    dist = pd.DataFrame(_geothai("districts.json"), columns=["code", "name_th", "name_en"])
    dist["province_code"] = dist["code"].str[:2]
    dist["name_th"] = dist["name_th"].map(strip_prefix)
    return prov, dist


def match_district_codes(file_rows: pd.DataFrame, prov: pd.DataFrame, dist: pd.DataFrame) -> pd.Series:
    """DOPA code for each row of the Thai district file (columns ADM1_TH, ADM2_TH).

    Exact match on (province, name); else a unique prefix match within the province for names the
    source cut short. Raises InputError naming the rows that match nothing or more than one district.
    """
    pcode = dict(zip(prov["name_th"], prov["code"]))
    by_prov = {pc: g for pc, g in dist.groupby("province_code")}
    codes, problems = [], []
    for i, (p_th, d_th) in enumerate(zip(file_rows["ADM1_TH"], file_rows["ADM2_TH"])):
        pc = pcode.get(p_th.strip())
        name = strip_prefix(d_th)
        cand = by_prov.get(pc, dist.iloc[0:0])
        hit = cand[cand["name_th"] == name]
        if len(hit) != 1:
            hit = cand[cand["name_th"].str.startswith(name)]
        if len(hit) != 1:
            problems.append(f"feature {i} ({p_th}/{d_th}): {len(hit)} DOPA matches")
            codes.append(None)
        else:
            codes.append(hit["code"].iloc[0])
    if problems:
        raise InputError(f"tha_adm2_districts.geojson: district names without a DOPA code: {'; '.join(problems[:5])}")
    out = pd.Series(codes, index=file_rows.index)
    dup = out[out.duplicated()]
    if len(dup):
        raise InputError(f"tha_adm2_districts.geojson: two features map to DOPA code(s) {', '.join(dup.unique()[:5])}")
    return out


def _thai_provinces(folder: Path, prov: pd.DataFrame) -> gpd.GeoDataFrame:
    g = read_layer(folder, "tha_adm1_provinces.geojson")
    g["geometry"], _ = fix_geometry(g.geometry)
    code = g["ADM1_TH"].str.strip().map(dict(zip(prov["name_th"], prov["code"])))
    if code.isna().any():
        bad = ", ".join(g.loc[code.isna(), "ADM1_TH"].head(5))
        raise InputError(f"tha_adm1_provinces.geojson: province names without a DOPA code: {bad}")
    en = code.map(dict(zip(prov["code"], prov["name_en"])))
    out = gpd.GeoDataFrame({"code": code, "name_th": g["ADM1_TH"].str.strip(), "name_en": en},
                           geometry=g.geometry.values, crs=4326)
    out["area_km2"] = area_km2(out)
    return out.sort_values("code").reset_index(drop=True)


def _thai_districts(folder: Path, prov: pd.DataFrame, dist: pd.DataFrame) -> gpd.GeoDataFrame:
    g = read_layer(folder, "tha_adm2_districts.geojson")
    geom, fixed = fix_geometry(g.geometry)
    code = match_district_codes(g, prov, dist)
    ref = dist.set_index("code")
    out = gpd.GeoDataFrame(
        {
            "code": code.values,
            "province_code": code.str[:2].values,
            "name_th": ref.loc[code.values, "name_th"].values,
            "name_en": ref.loc[code.values, "name_en"].values,
            "source_name_th": g["ADM2_TH"].values,
            "geom_fixed": fixed.values,
        },
        geometry=geom.values, crs=4326,
    )
    out["area_km2"] = area_km2(out)
    return out.sort_values("code").reset_index(drop=True)


def _neighbours(folder: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    lao = read_layer(folder, "lao_adm2_districts.geojson")
    lao1 = read_layer(folder, "lao_adm1_provinces.geojson")
    khm = read_layer(folder, "khm_adm2_districts.geojson")
    lao["geometry"], _ = fix_geometry(lao.geometry)
    khm["geometry"], _ = fix_geometry(khm.geometry)
    # Lao province: the ADM1 polygon holding each district's representative point, else the nearest one
    pts = gpd.GeoDataFrame(geometry=lao.geometry.representative_point().values, crs=4326).to_crs(METRIC_CRS)
    provs = lao1[["shapeName", "geometry"]].to_crs(METRIC_CRS)
    joined = gpd.sjoin_nearest(pts, provs, how="left")
    joined = joined[~joined.index.duplicated()]
    la = gpd.GeoDataFrame({"id": lao["shapeID"], "country": "LA", "name_en": lao["shapeName"],
                           "province_en": joined["shapeName"].values}, geometry=lao.geometry.values, crs=4326)
    kh = gpd.GeoDataFrame({"id": khm["shapeID"], "country": "KH", "name_en": khm["shapeName"],
                           "province_en": None}, geometry=khm.geometry.values, crs=4326)
    return la.sort_values("id").reset_index(drop=True), kh.sort_values("id").reset_index(drop=True)


def read_boundaries(folder: Path) -> Boundaries:
    """Read all five files from `folder`: checked, repaired, Thai units with DOPA codes."""
    prov, dist = dopa_codes()
    provinces = _thai_provinces(folder, prov)
    districts = _thai_districts(folder, prov, dist)
    lao, khm = _neighbours(folder)
    return Boundaries(provinces=provinces, districts=districts, lao=lao, khm=khm)
