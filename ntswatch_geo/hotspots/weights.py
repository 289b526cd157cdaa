"""Units of analysis, their counts from DuckDB, their spatial weights — and what every statistic shares.

Units
-----
* **district**: the border districts (``districts.is_border``) in the viewer's Scope, narrowed by the
  sidebar's province / district / MWCC-only selections. Neighbours: libpysal ``fuzzy_contiguity`` on the
  polygons in UTM 48N (EPSG:32648), each buffered by ``DISTRICT_TOLERANCE_M`` = 100 m (predicate
  *intersects*), so boundaries that the simplified source files leave a sliver apart still count as shared.
  Measured on the real boundaries: the 67 border districts form one connected chain with 69 joins (mean 2.06
  neighbours) at every buffer from 0 to 500 m — the source boundaries leave no sliver wider than that between
  these districts; 1 km adds a join between districts that do not touch, so 100 m is safely inside the
  stable range. A district left without neighbours (possible when the scope or the filters keep a few
  scattered districts) is linked to its nearest unit, and a warning says so.
* **h3**: H3 cells at resolution 5–8 (``h3`` v4). The study area is every cell that overlaps one of those
  border districts (not only the cells whose centre is inside: reports crowd along the international border,
  in exactly the cells that straddle the district edge), plus any cell holding a report point, so cells with
  no report are in as zeros — otherwise Gi* would only see cells that have reports. Neighbours: the
  k-ring (``h3.grid_disk(cell, k)``, k = 1 by default) within the study area; a cell with none is linked to
  the nearest cell centre.

Counts come from DuckDB through the named queries ``hotspot_*`` and the ``filtered_reports`` macro (filters
and Scope always applied). District counts are aggregated in SQL. For H3 the three numeric columns lat, lon,
month of the matching reports with a point are fetched as numpy arrays and each point is given its cell with
``h3.api.basic_int.latlng_to_cell`` in a Python loop — measured at 0.6 s per million points per resolution,
which keeps a million reports within a few seconds (the resolution choice judges the coarser resolutions
from the parents of the resolution-8 cells, which costs one loop over the distinct cells); DuckDB has no H3
extension offline, and rounding to a lat/lon grid first would move points across cell edges. No report row
ever reaches pandas. Reports without a point (location precision ``district``) count for district units
only; H3 results say how many were left out.

Shared by every statistic: ``HotspotResult`` (what they return), the parameter checks (``InputError`` naming
the allowed range), ``require_units`` (at least ``MIN_UNITS`` = 30) and ``require_reports``.

The optimized resolution (``choose_resolution``) picks a cell size from the data, as ArcGIS's Optimized Hot
Spot Analysis does: the finest of resolutions 8, 7, 6, 5 at which the median *non-empty* cell holds at least
``MIN_MEDIAN_REPORTS`` = 10 reports (a count of 10 has a Poisson noise of about 30 %; below that a cell's
count is mostly noise) and the study area has at least 30 cells. The reason is returned in Thai and English.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import geopandas as gpd
import h3
import h3.api.basic_int as h3i
import numpy as np
import pandas as pd
import shapely

from ..boundaries import METRIC_CRS
from ..db import run_query
from ..errors import InputError
from ..filters import Filters
from ..i18n import Bilingual
from ..scope import Scope
from . import effort

DISTRICT_TOLERANCE_M = 100.0
RESOLUTIONS = (5, 6, 7, 8)
MIN_MEDIAN_REPORTS = 10
MIN_UNITS = 30
MIN_SLICES = 10
UNIT_KINDS = ("district", "h3")
OUTPUT_SIMPLIFY_DEG = 0.0005      # district outlines in results: ~50 m, topology kept
STUDY_RINGS = 2                   # H3 cells farther than this from any report are outside the study area


class TooManyCells(InputError):
    """The chosen H3 resolution has more cells than the analysis allows."""


class HotspotResult(NamedTuple):
    """What every hotspot function returns.

    frame: a GeoDataFrame (EPSG:4326, shapely geometry in the ``geometry`` column), one row per unit (district
        or H3 cell) or per cluster; ``frame.to_json()`` / ``frame.__geo_interface__`` give GeoJSON for a map.
    meta: a small dict — the parameters used, the resolution and its ``reason`` (``{"en": ..., "th": ...}``),
        counts, thresholds and ``warnings`` (a list of English sentences).
    detail: optional long table (emerging hot spots: one row per unit and time slice).
    """

    frame: gpd.GeoDataFrame
    meta: dict
    detail: pd.DataFrame | None = None


# ------------------------------------------------------------------------------------------ checks

def check_range(name: str, value, low, high, *, integer: bool = True):
    """`value` as int (or float) within [low, high], or InputError naming the allowed range."""
    kind = "a whole number" if integer else "a number"
    if isinstance(value, bool) or value is None:
        raise InputError(f"{name}: {value!r} is not {kind}; allowed: {low}–{high}")
    try:
        v = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name}: {value!r} is not {kind}; allowed: {low}–{high}") from None
    if integer and v != value:
        raise InputError(f"{name}: {value!r} is not {kind}; allowed: {low}–{high}")
    if not (low <= v <= high) or (not integer and not math.isfinite(v)):
        raise InputError(f"{name}: {value!r} is outside the allowed range {low}–{high}")
    return v


def check_choice(name: str, value, allowed) -> str:
    if value not in allowed:
        raise InputError(f"{name}: {value!r} is not allowed; allowed: {', '.join(map(str, allowed))}")
    return value


def check_common(permutations, seed, resolution, k) -> tuple[int, int, int | None, int]:
    """The parameters most statistics share, checked."""
    permutations = check_range("permutations", permutations, 99, 9999)
    seed = check_range("seed", seed, 0, 2**32 - 1)
    if resolution is not None:
        resolution = check_range("resolution", resolution, RESOLUTIONS[0], RESOLUTIONS[-1])
    k = check_range("k (neighbour ring)", k, 1, 3)
    return permutations, seed, resolution, k


def scope_text(scope: Scope, filters: Filters) -> str:
    parts = []
    if scope.province_code:
        parts.append(f"scope province {scope.province_code}")
    if scope.district_code:
        parts.append(f"scope district {scope.district_code}")
    if filters.provinces:
        parts.append(f"provinces {','.join(filters.provinces)}")
    if filters.districts:
        parts.append(f"districts {','.join(filters.districts)}")
    if filters.mwcc_only:
        parts.append("MWCC sites only")
    return "; ".join(parts) or "all border districts"


_TH_WORDS = {"border districts": "อำเภอชายแดน", "H3 cells": "เซลล์ H3",
             "; use unit 'h3' or widen the area": " ให้เปลี่ยนหน่วยวิเคราะห์เป็นเซลล์ H3 หรือขยายพื้นที่",
             "Emerging hot spot analysis": "การวิเคราะห์จุดร้อนที่กำลังเกิด"}


def require_units(n: int, what: str, statistic: str, scope: Scope, filters: Filters, hint: str = "") -> None:
    """The message (a Bilingual: English, with the Thai for the page) when the study area is too small."""
    if n < MIN_UNITS:
        th = _TH_WORDS.get
        raise InputError(Bilingual(
            f"{statistic} needs at least {MIN_UNITS} units; the study area has {n} {what} "
            f"({scope_text(scope, filters)}){hint}",
            f"{th(statistic, statistic)} ต้องมีหน่วยวิเคราะห์อย่างน้อย {MIN_UNITS} หน่วย แต่พื้นที่ศึกษามี"
            f"{th(what, what)} {n} หน่วย{th(hint, hint)}"))


# ------------------------------------------------------------------------------------------ units

@dataclass
class Units:
    """Units of analysis: `frame` (unit_id, names, geometry in EPSG:4326) and neighbours by position."""

    kind: str
    frame: gpd.GeoDataFrame
    neighbors: dict[int, list[int]]
    resolution: int | None = None
    k: int | None = None
    warnings: list[str] = field(default_factory=list)
    description: str = ""
    cell_ints: np.ndarray | None = None          # H3: the cells as sorted int64 (filled on first use)

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def ids(self) -> list[str]:
        return self.frame["unit_id"].tolist()

    def graph(self):
        """The units' binary neighbours as a libpysal ``Graph`` (built from arrays; esda's Gi* takes it and
        turns it into a sparse matrix at once, where a dict-based W costs seconds on tens of thousands of
        units). Falls back to `weights()` when a unit has no neighbour (a Graph needs every unit in an edge)."""
        return graph_from_neighbors(self.neighbors, self.n) if all(self.neighbors.get(i) for i in range(self.n)) \
            else self.weights()

    def weights(self):
        """A fresh binary libpysal W over the units (esda changes the W it is given, so never reuse one)."""
        from libpysal.weights import W

        return W({i: list(v) for i, v in self.neighbors.items()}, id_order=list(range(self.n)),
                 silence_warnings=True)


def graph_from_arrays(focal: np.ndarray, neighbor: np.ndarray):
    """A binary libpysal Graph from edge arrays (ids 0..n-1, sorted by focal then neighbour)."""
    from libpysal.graph import Graph

    order = np.lexsort((neighbor, focal))
    focal, neighbor = np.asarray(focal, dtype=np.int64)[order], np.asarray(neighbor, dtype=np.int64)[order]
    return Graph.from_arrays(focal, neighbor, np.ones(len(focal)))


def graph_from_neighbors(neighbors: dict[int, list[int]], n: int):
    focal = np.repeat(np.arange(n), [len(neighbors[i]) for i in range(n)])
    neighbor = np.fromiter((j for i in range(n) for j in neighbors[i]), dtype=np.int64, count=len(focal))
    return graph_from_arrays(focal, neighbor)


def _districts(con, filters: Filters, scope: Scope) -> gpd.GeoDataFrame:
    rows = run_query(con, "hotspot_districts", filters.sql_params(scope)).fetchall()
    return gpd.GeoDataFrame(
        {"unit_id": [r[0] for r in rows], "name_th": [r[1] for r in rows], "name_en": [r[2] for r in rows],
         "province_code": [r[3] for r in rows], "province_th": [r[4] for r in rows],
         "province_en": [r[5] for r in rows], "area_km2": [float(r[6]) for r in rows]},
        geometry=list(shapely.from_wkb([bytes(r[7]) for r in rows])) if rows else [], crs=4326)


def _link_islands(neighbors: dict[int, list[int]], metric: gpd.GeoSeries, names: list[tuple[str, str]],
                  what: str) -> list[str]:
    """Give every unit without neighbours its nearest unit (both ways); returns the warnings."""
    notes = []
    islands = [i for i, v in neighbors.items() if not v]
    if not islands or len(metric) < 2:
        return notes
    for i in islands:
        d = metric.distance(metric.iloc[i]).to_numpy().copy()
        d[i] = np.inf
        j = int(np.argmin(d))
        neighbors[i] = [j]
        if i not in neighbors[j]:
            neighbors[j] = [*neighbors[j], i]
        notes.append(Bilingual(
            f"{what} {names[i][0]} had no neighbour and was linked to the nearest one, {names[j][0]} "
            f"({d[j] / 1000:.1f} km away)",
            f"อำเภอ{names[i][1]} ไม่มีอำเภอข้างเคียง จึงเชื่อมกับอำเภอที่ใกล้ที่สุดคือ {names[j][1]} "
            f"(ห่าง {d[j] / 1000:.1f} กม.)"))
    return notes


def district_units(con, filters: Filters, scope: Scope, tolerance_m: float = DISTRICT_TOLERANCE_M,
                   gdf: gpd.GeoDataFrame | None = None) -> Units:
    """The border districts in scope with fuzzy-contiguity neighbours (buffer `tolerance_m` in UTM 48N)."""
    from libpysal.weights import fuzzy_contiguity

    gdf = _districts(con, filters, scope) if gdf is None else gdf
    if len(gdf) == 0:
        return Units("district", gdf, {}, description="no border districts")
    metric = gdf.geometry.to_crs(METRIC_CRS)
    work = gpd.GeoDataFrame({"i": range(len(gdf))}, geometry=metric.values, crs=METRIC_CRS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = fuzzy_contiguity(work, buffering=True, buffer=tolerance_m, predicate="intersects",
                             silence_warnings=True)
    neighbors = {i: sorted(int(j) for j in w.neighbors[i]) for i in range(len(gdf))}
    notes = _link_islands(neighbors, metric, [(f"{a} ({c})", f"{b} ({c})") for a, b, c in
                                              zip(gdf["name_en"], gdf["name_th"], gdf["unit_id"])], "district")
    gdf = gdf.copy()
    gdf["geometry"] = gdf.geometry.simplify(OUTPUT_SIMPLIFY_DEG, preserve_topology=True)
    joins = sum(len(v) for v in neighbors.values()) // 2
    return Units("district", gdf, neighbors, warnings=notes,
                 description=f"{len(gdf)} border districts; fuzzy contiguity, {tolerance_m:g} m buffer in "
                             f"UTM 48N (EPSG:{METRIC_CRS}), {joins} joins")


# -- H3 -----------------------------------------------------------------------------------------------

_STUDY_CACHE: dict[tuple, np.ndarray] = {}


def cell_polygon(cell: int) -> shapely.Polygon:
    """The outline of an (int) H3 cell as a lon/lat polygon."""
    return shapely.Polygon([(lng, lat) for lat, lng in h3i.cell_to_boundary(int(cell))])


def cell_polygons(cells) -> np.ndarray:
    """The outlines of many H3 cells, the same polygons as cell_polygon, made in one shapely call per vertex
    count (tens of thousands of cells: milliseconds instead of seconds)."""
    bounds = [h3i.cell_to_boundary(int(c)) for c in np.asarray(cells, dtype=np.int64).tolist()]
    out = np.empty(len(bounds), dtype=object)
    by_size: dict[int, list[int]] = {}
    for i, b in enumerate(bounds):
        by_size.setdefault(len(b), []).append(i)
    for idx in by_size.values():
        coords = np.array([bounds[i] for i in idx], dtype=float)[:, :, ::-1]     # (lat, lng) -> (lng, lat)
        out[idx] = shapely.polygons(coords)
    return out


def study_cells(districts: gpd.GeoDataFrame, res: int) -> np.ndarray:
    """Sorted int64 H3 cells that overlap one of the district polygons.

    h3's polygon fill keeps cells whose *centre* is inside; a cell straddling the district edge — where the
    reports near the international border fall — would be left out. So each polygon is filled after a buffer
    of 1.2 cell edges, and the candidates whose outline intersects the polygon are kept (the 'overlap'
    containment, with h3's stable API).
    """
    digest = hashlib.sha256(b"".join(shapely.to_wkb(districts.geometry.values))).hexdigest()
    key = (digest, res)
    if key not in _STUDY_CACHE:
        if len(_STUDY_CACHE) > 16:
            _STUDY_CACHE.clear()
        pad = 1.2 * h3.average_hexagon_edge_length(res, "km") / 100.0     # degrees, generous below 25° N
        cells: set[int] = set()
        for g in districts.geometry:
            cand = np.array(sorted(h3i.geo_to_cells(g.buffer(pad), res)), dtype=np.int64)
            hit = shapely.intersects(g, cell_polygons(cand)) if len(cand) else np.array([], bool)
            cells.update(int(c) for c in cand[hit])
        _STUDY_CACHE[key] = np.array(sorted(cells), dtype=np.int64)
    return _STUDY_CACHE[key]


@dataclass
class Points:
    """Report points of the filters as arrays (lat, lon, month_no) plus the count without a point."""

    lat: np.ndarray
    lon: np.ndarray
    month_no: np.ndarray
    channel: np.ndarray | None = None           # a number per channel (hash of its key)
    _cells: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.lat)

    def cells(self, res: int) -> np.ndarray:
        """The int64 H3 cell of every point at `res` (h3.latlng_to_cell, one loop over the points)."""
        if res not in self._cells:
            f = h3i.latlng_to_cell
            self._cells[res] = np.fromiter((f(a, b, res) for a, b in zip(self.lat.tolist(), self.lon.tolist())),
                                           dtype=np.int64, count=self.n)
        return self._cells[res]

    def approx_cells(self, res: int) -> np.ndarray:
        """Cells at `res` as the parents of the finest cells: cheap, and enough to judge a resolution, but not
        always the cell holding the point (H3's children do not tile their parent exactly)."""
        finest = RESOLUTIONS[-1]
        if res == finest or res in self._cells:
            return self.cells(res)
        uniq, inv = np.unique(self.cells(finest), return_inverse=True)
        parents = np.fromiter((h3i.cell_to_parent(int(c), res) for c in uniq), dtype=np.int64, count=len(uniq))
        return parents[inv]


def fetch_points(con, filters: Filters, scope: Scope) -> Points:
    a = run_query(con, "hotspot_points", filters.sql_params(scope)).fetchnumpy()
    return Points(np.asarray(a["lat"], dtype=float), np.asarray(a["lon"], dtype=float),
                  np.asarray(a["month_no"], dtype=np.int64), np.asarray(a["channel_key"], dtype=np.uint64))


def choose_resolution(points: Points, districts: gpd.GeoDataFrame,
                      max_cells: int | None = None) -> tuple[int, dict, dict]:
    """The optimized H3 resolution: (resolution, reason {"en","th"}, median non-empty count per resolution).

    max_cells: skip resolutions whose study area has more cells (the emerging hot spot cube's size limit)."""
    medians: dict[int, float] = {}
    for res in sorted(RESOLUTIONS, reverse=True):
        if points.n:
            _, counts = np.unique(points.approx_cells(res), return_counts=True)
            medians[res] = float(np.median(counts))
        else:
            medians[res] = 0.0
    fits = [r for r in sorted(RESOLUTIONS, reverse=True)
            if max_cells is None or len(study_cells(districts, r)) <= max_cells]
    ok = [r for r in fits if medians[r] >= MIN_MEDIAN_REPORTS and len(study_cells(districts, r)) >= MIN_UNITS]
    res = ok[0] if ok else (fits[-1] if fits else RESOLUTIONS[0])
    capped = [r for r in RESOLUTIONS if r not in fits and medians[r] >= MIN_MEDIAN_REPORTS]
    area = h3.average_hexagon_area(res, "km^2")
    finer = res + 1 if res < RESOLUTIONS[-1] else None
    med = f"{medians[res]:g}"
    if ok:
        extra_en = f"; {medians[finer]:g} at resolution {finer}" if finer else ""
        extra_th = f"; {medians[finer]:g} ที่ระดับ {finer}" if finer else ""
        en = (f"H3 resolution {res} (cells of about {area:.3g} km²): the finest of resolutions 5–8 at which the "
              f"median cell with reports holds at least {MIN_MEDIAN_REPORTS} reports (median {med} at "
              f"resolution {res}{extra_en}).")
        th = (f"ความละเอียด H3 ระดับ {res} (เซลล์ละประมาณ {area:.3g} ตร.กม.): ระดับที่ละเอียดที่สุดในช่วง 5–8 "
              f"ที่เซลล์ซึ่งมีรายงานมีค่ามัธยฐานอย่างน้อย {MIN_MEDIAN_REPORTS} รายงาน (มัธยฐาน {med} ที่ระดับ {res}"
              f"{extra_th})")
        if capped:
            en += (f" Resolution {max(capped)} would qualify but has more than {max_cells:,} cells, the most the "
                   f"space-time cube allows for this number of slices.")
            th += (f" ระดับ {max(capped)} ผ่านเกณฑ์แต่มีเซลล์มากกว่า {max_cells:,} เซลล์ ซึ่งเกินขนาดสูงสุดของลูกบาศก์"
                   f"เวลา-พื้นที่สำหรับจำนวนช่วงเวลานี้")
    else:
        en = (f"H3 resolution {res} (cells of about {area:.3g} km²), the coarsest allowed: even there the median "
              f"cell with reports holds only {med} reports (fewer than {MIN_MEDIAN_REPORTS}), so the counts are "
              f"noisy; widen the dates or categories.")
        th = (f"ความละเอียด H3 ระดับ {res} (เซลล์ละประมาณ {area:.3g} ตร.กม.) ซึ่งหยาบที่สุดที่อนุญาต: แม้ที่ระดับนี้ "
              f"เซลล์ซึ่งมีรายงานมีค่ามัธยฐานเพียง {med} รายงาน (น้อยกว่า {MIN_MEDIAN_REPORTS}) ผลจึงมีความแปรปรวนสูง "
              f"ควรขยายช่วงวันที่หรือประเภทเหตุ")
    return res, {"en": en, "th": th}, medians


def given_resolution_reason(res: int) -> dict:
    area = h3.average_hexagon_area(res, "km^2")
    return {"en": f"H3 resolution {res} (cells of about {area:.3g} km²), as requested.",
            "th": f"ความละเอียด H3 ระดับ {res} (เซลล์ละประมาณ {area:.3g} ตร.กม.) ตามที่กำหนด"}


def near_reports(cells_with_reports: np.ndarray, rings: int = STUDY_RINGS) -> np.ndarray:
    """Sorted cells within `rings` grid steps of a cell holding a report."""
    near: set[int] = set()
    for c in np.unique(cells_with_reports).tolist():
        near.update(h3i.grid_disk(int(c), rings))
    return np.array(sorted(near), dtype=np.int64)


def h3_units(districts: gpd.GeoDataFrame, points: Points, res: int, k: int = 1,
             also_near: Points | None = None) -> Units:
    """Study-area cells (zeros included) plus cells with points, k-ring neighbours, cell outlines.

    The study area is the cells overlapping the border districts that lie within STUDY_RINGS (2) grid steps
    of a cell holding a report (of `points`, or of `also_near`, the reference period's points): a cell far
    from any report says nothing about where reports cluster, and with zeros everywhere inland most
    significant cells would be "cold" cells nobody reports from."""
    study_all = study_cells(districts, res)
    pts = np.unique(points.cells(res)) if points.n else np.array([], dtype=np.int64)
    seen = pts if also_near is None or also_near.n == 0 else np.union1d(pts, np.unique(also_near.cells(res)))
    study = study_all[np.isin(study_all, near_reports(seen))] if len(seen) else study_all
    dropped = len(study_all) - len(study)
    outside = np.setdiff1d(pts, study, assume_unique=True)
    cells = np.union1d(study, pts)
    pos = {int(c): i for i, c in enumerate(cells)}
    neighbors: dict[int, list[int]] = {}
    for i, c in enumerate(cells.tolist()):
        neighbors[i] = sorted(pos[n] for n in h3i.grid_disk(c, k) if n != c and n in pos)
    ids = [h3.int_to_str(int(c)) for c in cells]
    lat, lon = zip(*(h3i.cell_to_latlng(int(c)) for c in cells)) if len(cells) else ((), ())
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    polys = list(cell_polygons(cells))
    frame = gpd.GeoDataFrame({"unit_id": ids, "resolution": res, "cell_lat": lat, "cell_lon": lon},
                             geometry=polys, crs=4326)
    frame["area_km2"] = [h3i.cell_area(int(c), "km^2") for c in cells]
    # the district holding the cell centre (None outside the study districts): names for tooltips
    frame["district_code"], frame["name_th"], frame["name_en"] = None, None, None
    if len(cells) and len(districts):
        tree = shapely.STRtree(districts.geometry.values)
        p_idx, d_idx = tree.query(shapely.points(lon, lat), predicate="intersects")
        first = pd.Series(d_idx, index=p_idx).groupby(level=0).first()
        for col, src in (("district_code", "unit_id"), ("name_th", "name_th"), ("name_en", "name_en")):
            vals = np.array([None] * len(cells), dtype=object)
            vals[first.index.to_numpy()] = districts[src].to_numpy()[first.to_numpy()]
            frame[col] = vals
    notes = []
    islands = [i for i, v in neighbors.items() if not v]
    if islands and len(cells) > 1:
        from scipy.spatial import cKDTree

        xy = np.c_[lon * np.cos(np.radians(lat)), lat]
        tree = cKDTree(xy)
        for i in islands:
            _, j = tree.query(xy[i], k=2)
            j = int(j[1])
            neighbors[i] = [j]
            if i not in neighbors[j]:
                neighbors[j] = sorted([*neighbors[j], i])
        notes.append(Bilingual(f"{len(islands)} H3 cell(s) had no neighbour within the {k}-ring and were linked "
                               f"to the nearest cell",
                               f"เซลล์ H3 {len(islands):,} เซลล์ไม่มีเซลล์ข้างเคียงภายใน {k} วง จึงเชื่อมกับเซลล์ที่ใกล้ที่สุด"))
    if len(outside):
        notes.append(Bilingual(f"{len(outside)} cell(s) with reports lie outside the border districts' cells "
                               f"(points near a boundary) and were added to the study area",
                               f"เซลล์ที่มีรายงาน {len(outside):,} เซลล์อยู่นอกเซลล์ของอำเภอชายแดน (จุดใกล้แนวเขต) "
                               f"จึงเพิ่มเข้าในพื้นที่ศึกษา"))
    if dropped:
        notes.append(Bilingual(f"{dropped:,} of the {len(study_all):,} cells covering the border districts are more "
                               f"than {STUDY_RINGS} cells from any report and are outside the study area",
                               f"เซลล์ {dropped:,} จาก {len(study_all):,} เซลล์ที่ครอบคลุมอำเภอชายแดนอยู่ห่างจากรายงานใด ๆ "
                               f"เกิน {STUDY_RINGS} เซลล์ จึงอยู่นอกพื้นที่ศึกษา"))
    desc = (f"{len(cells)} H3 cells at resolution {res} ({len(study)} covering the border districts within "
            f"{STUDY_RINGS} cells of a report, zeros included); neighbours: {k}-ring")
    return Units("h3", frame, neighbors, resolution=res, k=k, warnings=notes, description=desc)


# -- counts -------------------------------------------------------------------------------------------

@dataclass
class DistrictMonths:
    """Reports per district code and month_no (sparse), from DuckDB."""

    code: np.ndarray
    month_no: np.ndarray
    reports: np.ndarray
    with_point: np.ndarray
    channel: np.ndarray | None = None

    def totals(self, ids: list[str]) -> np.ndarray:
        s = pd.Series(self.reports, index=self.code).groupby(level=0).sum()
        return s.reindex(ids, fill_value=0).to_numpy(dtype=float)


def fetch_district_months(con, filters: Filters, scope: Scope) -> DistrictMonths:
    a = run_query(con, "hotspot_district_months", filters.sql_params(scope)).fetchnumpy()
    return DistrictMonths(np.asarray(a["district_code"], dtype=object), np.asarray(a["month_no"], dtype=np.int64),
                          np.asarray(a["reports"], dtype=np.int64), np.asarray(a["with_point"], dtype=np.int64),
                          np.asarray(a["channel"], dtype=object))


def cell_index(units: Units, cells: np.ndarray) -> np.ndarray:
    """Position of each cell among an H3 `units` (sorted), −1 where the cell is not a unit."""
    order = units.cell_ints
    if order is None:
        order = units.cell_ints = np.array([h3.str_to_int(u) for u in units.ids], dtype=np.int64)
    if len(order) == 0:
        return np.full(len(cells), -1, dtype=np.int64)
    idx = np.searchsorted(order, cells)
    idx = np.minimum(idx, len(order) - 1)
    return np.where(order[idx] == cells, idx, -1).astype(np.int64)


def cell_counts(units: Units, points: Points, mask: np.ndarray | None = None) -> np.ndarray:
    """Points per unit of an H3 `units` (optionally only the points where `mask`)."""
    cells = points.cells(units.resolution)
    if mask is not None:
        cells = cells[mask]
    idx = cell_index(units, cells)
    return np.bincount(idx[idx >= 0], minlength=units.n).astype(float)


@dataclass
class Prepared:
    """Units with their report counts and the facts every result's metadata repeats.

    y: the counts; expected: the expected counts (effort: from the reference period; raw: the study area's
    mean per unit); x: the variable the one-period statistics use (the counts, or the Pearson residuals of
    the counts against `expected`); adjust: the adjustment used ('effort' or 'raw'), adjust_note its
    description in English and Thai."""

    units: Units
    y: np.ndarray
    reports_total: int
    reports_used: int
    resolution_reason: dict | None
    medians: dict | None
    points: Points | None = None
    months: DistrictMonths | None = None
    expected: np.ndarray | None = None
    x: np.ndarray | None = None
    adjust: str = "raw"
    adjust_note: dict | None = None
    reference: "effort.Reference | None" = None


RAW_NOTE = {"en": "raw report counts (no adjustment for reporting effort)",
            "th": "จำนวนรายงานดิบ (ไม่ปรับตามระดับการรายงาน)"}


def _district_channel_matrix(dm: DistrictMonths, ids: list[str], channels: list) -> np.ndarray:
    pos = {u: i for i, u in enumerate(ids)}
    rows = np.array([pos.get(c, -1) for c in dm.code], dtype=np.int64)
    return effort.channel_matrix(rows, dm.channel, dm.reports.astype(float), len(ids), channels)


def _cell_channel_matrix(units: Units, pts: Points, channels: list) -> np.ndarray:
    idx = cell_index(units, pts.cells(units.resolution)) if pts.n else np.array([], dtype=np.int64)
    return effort.channel_matrix(idx, pts.channel, np.ones(pts.n), units.n, channels)


def _concat_points(parts: list[Points]) -> Points:
    if len(parts) == 1:
        return parts[0]
    return Points(np.concatenate([p.lat for p in parts]), np.concatenate([p.lon for p in parts]),
                  np.concatenate([p.month_no for p in parts]), np.concatenate([p.channel for p in parts]))


def prepare(con, filters: Filters, scope: Scope, unit: str, resolution: int | None, k: int,
            max_cells: int | None = None, adjust: str = "raw") -> Prepared:
    """Units and counts for `unit` ('district' or 'h3'); resolution None = the optimized choice (among the
    resolutions with at most `max_cells` cells, when given). adjust: 'effort' adds the expected counts from
    the reference period and their residuals (hotspots/effort.py), 'raw' the counts as they are."""
    from dataclasses import replace

    check_choice("unit", unit, UNIT_KINDS)
    check_choice("adjust", adjust, effort.ADJUSTMENTS)
    months = fetch_district_months(con, filters, scope)
    districts = _districts(con, filters, scope)
    total = int(months.reports.sum())
    ref = None
    if adjust == "effort":
        first_data, last_data, _, _ = run_query(con, "data_extent", scope.sql_params()).fetchone()
        ref = effort.reference_periods(filters.date_from, filters.date_to, first_data, last_data)
        if ref.kind == "none":
            adjust = "raw"
    ref_filters = [replace(filters, date_from=a, date_to=b) for a, b in ref.periods] if adjust == "effort" else []
    if unit == "district":
        units = district_units(con, filters, scope, gdf=districts)
        y = months.totals(units.ids)
        reason = {"en": f"Units: the {units.n} border districts in view; neighbours are districts sharing a boundary "
                        f"(within {DISTRICT_TOLERANCE_M:g} m).",
                  "th": f"หน่วยวิเคราะห์: อำเภอชายแดน {units.n} อำเภอในขอบเขตที่เลือก อำเภอข้างเคียงคืออำเภอที่มีเขตติดกัน "
                        f"(ห่างกันไม่เกิน {DISTRICT_TOLERANCE_M:g} เมตร)"}
        prep = Prepared(units, y, total, int(y.sum()), reason, None, months=months)
        if adjust == "effort":
            refs = [fetch_district_months(con, rf, scope) for rf in ref_filters]
            channels = sorted({*months.channel.tolist(), *(c for r in refs for c in r.channel.tolist())})
            window = _district_channel_matrix(months, units.ids, channels)
            reference = sum(_district_channel_matrix(r, units.ids, channels) for r in refs)
            return _with_effort(prep, window, reference, ref)
        return _with_raw(prep, ref)
    if len(districts) == 0:
        raise InputError(f"no border districts in the study area ({scope_text(scope, filters)})")
    if resolution is not None and max_cells is not None and len(study_cells(districts, resolution)) > max_cells:
        raise TooManyCells(f"{len(study_cells(districts, resolution)):,} H3 cells at resolution {resolution} are "
                           f"more than the {max_cells:,} this analysis allows")
    points = fetch_points(con, filters, scope)
    ref_points = _concat_points([fetch_points(con, rf, scope) for rf in ref_filters]) if ref_filters else None
    if resolution is None:
        res, reason, medians = choose_resolution(points, districts, max_cells)
    else:
        res, reason, medians = resolution, given_resolution_reason(resolution), None
    units = h3_units(districts, points, res, k, also_near=ref_points)
    y = cell_counts(units, points)
    if total > points.n:
        units.warnings.append(Bilingual(
            f"{total - points.n:,} of {total:,} matching reports have no point (located by district name only) "
            f"and are not in the H3 counts",
            f"รายงาน {total - points.n:,} จาก {total:,} เรื่องไม่มีพิกัด (ระบุเพียงชื่ออำเภอ) จึงไม่นับในเซลล์ H3"))
    prep = Prepared(units, y, total, int(points.n), reason, medians, points=points, months=months)
    if adjust == "effort":
        channels = sorted({*np.unique(points.channel).tolist(), *np.unique(ref_points.channel).tolist()})
        window = _cell_channel_matrix(units, points, channels)
        reference = _cell_channel_matrix(units, ref_points, channels)
        return _with_effort(prep, window, reference, ref)
    return _with_raw(prep, ref)


def _with_effort(prep: Prepared, window: np.ndarray, reference: np.ndarray, ref) -> Prepared:
    prep.expected = effort.expected_counts(window, reference)
    prep.x = effort.pearson_residuals(prep.y, prep.expected)
    prep.adjust, prep.adjust_note, prep.reference = "effort", ref.describe(), ref
    return prep


def _with_raw(prep: Prepared, ref) -> Prepared:
    prep.expected = np.full(len(prep.y), float(prep.y.mean()) if len(prep.y) else 0.0)
    prep.x = prep.y
    prep.adjust, prep.reference = "raw", ref
    prep.adjust_note = ref.describe() if ref is not None and ref.kind == "none" else RAW_NOTE
    return prep


def require_reports(y: np.ndarray, statistic: str) -> None:
    """No map of NaNs: the counts must vary."""
    th = _TH_WORDS.get(statistic, statistic)
    if y.sum() == 0:
        raise InputError(Bilingual(f"{statistic}: no reports match the filters in the study area (0 reports); "
                                   f"widen the dates, categories or area",
                                   f"{th}: ไม่มีรายงานที่ตรงกับตัวกรองในพื้นที่ศึกษา (0 รายงาน) "
                                   f"ให้ขยายช่วงวันที่ ประเภท หรือพื้นที่"))
    if np.all(y == y[0]):
        raise InputError(Bilingual(f"{statistic}: every unit has the same count ({y[0]:g}), so there is nothing "
                                   f"to compare; widen the filters or change the unit",
                                   f"{th}: ทุกหน่วยมีจำนวนเท่ากัน ({y[0]:g}) จึงไม่มีสิ่งให้เปรียบเทียบ "
                                   f"ให้ขยายตัวกรองหรือเปลี่ยนหน่วยวิเคราะห์"))


def base_frame(units: Units) -> gpd.GeoDataFrame:
    """The unit columns every result starts with."""
    cols = (["unit_id", "name_th", "name_en", "province_code", "province_th", "province_en", "area_km2"]
            if units.kind == "district"
            else ["unit_id", "resolution", "district_code", "name_th", "name_en", "cell_lat", "cell_lon", "area_km2"])
    out = units.frame[cols + ["geometry"]].copy()
    out.insert(1, "unit", units.kind)
    return out


def filters_meta(filters: Filters) -> dict:
    return {"date_from": filters.date_from.isoformat(), "date_to": filters.date_to.isoformat(),
            "categories": list(filters.categories), "provinces": list(filters.provinces),
            "districts": list(filters.districts), "mwcc_only": filters.mwcc_only,
            "channels": list(filters.channels), "statuses": list(filters.statuses)}


def month_label(month_no: int) -> str:
    return f"{month_no // 12:04d}-{month_no % 12 + 1:02d}"


def month_start(month_no: int) -> dt.date:
    return dt.date(month_no // 12, month_no % 12 + 1, 1)
