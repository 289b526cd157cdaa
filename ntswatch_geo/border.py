"""Border geography: which Thai districts face Laos or Cambodia, how long, and which districts they face.

Method (UTM 48N, metres): a district's *border stretch* is the part of its boundary that lies on Thailand's
outer boundary. The three sources do not line up (river banks vs mid-channel, different simplifications),
so the stretch counts as shared with a neighbour country (or a neighbour district) where it lies within
BUFFER_M of that country's (district's) polygons. A Thai district is a border district when its shared length
with a country exceeds MIN_SHARED_KM; a Thai–neighbour district pair is a parallel area when its shared length
exceeds MIN_PAIR_KM.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .boundaries import METRIC_CRS

BUFFER_M = 1500.0       # tolerance between the sources along the border
MIN_SHARED_KM = 2.0     # shared border length that makes a border district
MIN_PAIR_KM = 1.0       # shared length that makes a parallel-area pair
_ON_OUTLINE_M = 1.0     # snapping tolerance for "lies on Thailand's outer boundary"


def border_stretches(districts: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Each district's part of Thailand's outer boundary, in UTM 48N (empty where inland)."""
    m = districts.geometry.to_crs(METRIC_CRS)
    outline = shapely.union_all(m.values).boundary
    on_outline = shapely.intersection(m.boundary.values, outline.buffer(_ON_OUTLINE_M))
    return gpd.GeoSeries(on_outline, index=districts.index, crs=METRIC_CRS)


def border_facts(districts: gpd.GeoDataFrame, lao: gpd.GeoDataFrame, khm: gpd.GeoDataFrame,
                 stretches: gpd.GeoSeries) -> pd.DataFrame:
    """Per Thai district: border_km_la, border_km_kh, border_country ('LA', 'KH', 'LA,KH' or None), is_border."""
    out = pd.DataFrame(index=districts.index)
    for col, nb in (("border_km_la", lao), ("border_km_kh", khm)):
        zone = shapely.union_all(nb.geometry.to_crs(METRIC_CRS).values).buffer(BUFFER_M)
        out[col] = shapely.length(shapely.intersection(stretches.values, zone)) / 1000.0
    la = out["border_km_la"] > MIN_SHARED_KM
    kh = out["border_km_kh"] > MIN_SHARED_KM
    out.loc[~la, "border_km_la"] = 0.0
    out.loc[~kh, "border_km_kh"] = 0.0
    out["border_country"] = np.select([la & kh, la, kh], ["LA,KH", "LA", "KH"], default=None)
    out["border_country"] = out["border_country"].where(la | kh, None)
    out["is_border"] = la | kh
    return out


def international_stretches(districts: gpd.GeoDataFrame, lao: gpd.GeoDataFrame, khm: gpd.GeoDataFrame,
                            stretches: gpd.GeoSeries, facts: pd.DataFrame) -> gpd.GeoDataFrame:
    """Per border district and country it borders (facts: border_facts): the part of its border stretch within
    BUFFER_M of that country, with its length (km) — what `init` stores in border_stretches (lon/lat)."""
    rows = []
    for country, nb, col in (("LA", lao, "border_km_la"), ("KH", khm, "border_km_kh")):
        zone = shapely.union_all(nb.geometry.to_crs(METRIC_CRS).values).buffer(BUFFER_M)
        for i in districts.index[(facts[col] > 0).values]:
            line = shapely.intersection(stretches.loc[i], zone)
            rows.append((districts.at[i, "code"], country, round(float(facts.at[i, col]), 3), line))
    out = gpd.GeoDataFrame(rows, columns=["district_code", "country", "km", "geometry"], geometry="geometry",
                           crs=METRIC_CRS).to_crs(4326)
    return out.sort_values(["district_code", "country"]).reset_index(drop=True)


def parallel_areas(districts: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame,
                   stretches: gpd.GeoSeries, is_border: pd.Series) -> pd.DataFrame:
    """Thai border district × neighbour district pairs whose shared stretch exceeds MIN_PAIR_KM, with that
    shared stretch (`geom`, lon/lat WKB-ready shapely lines)."""
    nb = neighbours.to_crs(METRIC_CRS)
    zones = nb.geometry.buffer(BUFFER_M).values
    tree = shapely.STRtree(zones)
    rows = []
    for i in districts.index[is_border.values]:
        s = stretches.loc[i]
        for j in tree.query(s, predicate="intersects"):
            shared = shapely.intersection(s, zones[j])
            km = shapely.length(shared) / 1000.0
            if km > MIN_PAIR_KM:
                rows.append((districts.at[i, "code"], nb.iloc[j]["id"], nb.iloc[j]["country"], round(km, 3), shared))
    out = pd.DataFrame(rows, columns=["district_code", "neighbour_id", "country", "shared_km", "geom"])
    out["geom"] = gpd.GeoSeries(out["geom"], crs=METRIC_CRS).to_crs(4326).values
    return out.sort_values(["district_code", "neighbour_id"]).reset_index(drop=True)


def points_on_stretch(stretch, n: int) -> list[tuple[float, float]]:
    """`n` distinct points (lon, lat) spread along a district's border stretch (UTM 48N geometry).

    Used for crossings without published coordinates: the k-th of n sits at (k+1)/(n+1) of the
    longest connected piece of the stretch.
    """
    merged = shapely.line_merge(stretch) if stretch.geom_type == "MultiLineString" else stretch
    pieces = [p for p in shapely.get_parts(merged) if p.geom_type in ("LineString", "LinearRing")]
    if not pieces:
        raise ValueError("district has no border stretch")
    longest = max(pieces, key=lambda p: p.length)
    pts = [longest.interpolate((k + 1) / (n + 1), normalized=True) for k in range(n)]
    ll = gpd.GeoSeries(pts, crs=METRIC_CRS).to_crs(4326)
    return [(round(p.x, 5), round(p.y, 5)) for p in ll]
