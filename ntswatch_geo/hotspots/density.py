"""Density clusters of report points: HDBSCAN and DBSCAN (scikit-learn) in UTM 48N.

The one place where individual points leave DuckDB: clustering needs them. At most ``max_points`` points
are fetched — a seeded random sample taken in DuckDB (the rows with the smallest ``hash(id, seed)``, query
``hotspot_point_sample``), so the same seed and data give the same sample; the result says how many of how
many were used. Caps, measured on this machine with synthetic reports: DBSCAN takes about 1.4 s on 200,000
points, scikit-learn's HDBSCAN grows faster than linearly (2.5 s at 20,000 points, 15 s at 50,000, 4 minutes
at 200,000), so the default sample is 200,000 points for DBSCAN and 20,000 for HDBSCAN (allowed up to
200,000 for either).

Points are projected from WGS 84 to UTM 48N (EPSG:32648) with pyproj, so distances are in metres.

* DBSCAN: ``DBSCAN(eps=eps_m, min_samples=min_samples or min_cluster_size)``; eps defaults to 300 m.
* HDBSCAN: ``HDBSCAN(min_cluster_size, min_samples, cluster_selection_epsilon=eps_m or 0)``; clusters closer
  than eps_m are merged when eps_m is given.

Outlines are **convex hulls** (shapely) of each cluster's points in metres, returned in EPSG:4326 — simple,
deterministic and never hiding a point of the cluster; they overstate the area of elongated or curved
clusters (a river bank), which the area column inherits. The outlier share is the share of sampled points
labelled noise (−1).
"""
from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import shapely

from ..boundaries import METRIC_CRS
from ..db import run_query
from ..errors import InputError
from ..filters import Filters
from ..i18n import Bilingual
from ..scope import Scope
from .weights import HotspotResult, check_choice, check_range, filters_meta

METHODS = ("hdbscan", "dbscan")
DEFAULT_EPS_M = 300.0
DEFAULT_MAX_POINTS = {"dbscan": 200_000, "hdbscan": 20_000}
MAX_POINTS = 200_000


def sample_points(con, filters: Filters, scope: Scope, max_points: int,
                  seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(lat, lon, matching) for a seeded sample of at most `max_points` filtered report points."""
    params = {**filters.sql_params(scope), "max_points": int(max_points), "seed": int(seed)}
    a = run_query(con, "hotspot_point_sample", params).fetchnumpy()
    lat, lon = np.asarray(a["lat"], float), np.asarray(a["lon"], float)
    matching = int(a["matching"][0]) if len(lat) else 0
    return lat, lon, matching


def to_metric(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, METRIC_CRS, always_xy=True).transform(lon, lat)
    return np.c_[np.asarray(x), np.asarray(y)]


def cluster_labels(xy: np.ndarray, method: str, min_cluster_size: int, eps_m: float | None,
                   min_samples: int | None) -> np.ndarray:
    """scikit-learn's labels (−1 = noise) for metric points `xy`."""
    from sklearn.cluster import DBSCAN, HDBSCAN

    if method == "dbscan":
        model = DBSCAN(eps=float(eps_m if eps_m is not None else DEFAULT_EPS_M),
                       min_samples=int(min_samples or min_cluster_size))
    else:
        model = HDBSCAN(min_cluster_size=int(min_cluster_size), min_samples=min_samples,
                        cluster_selection_epsilon=float(eps_m or 0.0), copy=True)
    return np.asarray(model.fit(xy).labels_)


def density_clusters(con, filters: Filters, scope: Scope, *, method: str = "hdbscan", min_cluster_size: int = 50,
                     eps_m: float | None = None, min_samples: int | None = None, max_points: int | None = None,
                     seed: int = 0) -> HotspotResult:
    """Clusters of report points (HDBSCAN or DBSCAN) with convex-hull outlines and the outlier share.

    method: 'hdbscan' or 'dbscan'. min_cluster_size: 5–100,000 points (DBSCAN: its min_samples unless
    `min_samples` is given). eps_m: 10–50,000 m (DBSCAN's eps, default 300 m; HDBSCAN's
    cluster_selection_epsilon, default 0). max_points: 1,000–200,000 (default 200,000 for DBSCAN, 20,000 for
    HDBSCAN). seed: chooses the sample.

    Returns HotspotResult(frame, meta): one row per cluster (largest first) with `cluster_id`, `points` (in the
    sample), `share` (of the sample), `est_reports` (points scaled to all matching reports), `area_km2`,
    `centroid_lat`, `centroid_lon`, hull `geometry`; meta has `outlier_share`, `sample_size`, `matching`.
    """
    t0 = time.perf_counter()
    method = check_choice("method", method, METHODS)
    min_cluster_size = check_range("min_cluster_size", min_cluster_size, 5, 100_000)
    if min_samples is not None:
        min_samples = check_range("min_samples", min_samples, 1, 100_000)
    if eps_m is not None:
        eps_m = check_range("eps_m (metres)", eps_m, 10, 50_000, integer=False)
    if max_points is None:
        max_points = DEFAULT_MAX_POINTS[method]
    max_points = check_range("max_points", max_points, 1_000, MAX_POINTS)
    seed = check_range("seed", seed, 0, 2**32 - 1)

    lat, lon, matching = sample_points(con, filters, scope, max_points, seed)
    n = len(lat)
    if n < max(2 * min_cluster_size, 10):
        raise InputError(f"density clustering needs at least {max(2 * min_cluster_size, 10)} report points "
                         f"(twice min_cluster_size {min_cluster_size}); the filters match {n}")
    xy = to_metric(lat, lon)
    labels = cluster_labels(xy, method, min_cluster_size, eps_m, min_samples)
    ids, sizes = np.unique(labels[labels >= 0], return_counts=True)
    order = np.argsort(-sizes, kind="stable")
    scale = matching / n
    rows, hulls = [], []
    for new_id, i in enumerate(order, start=1):
        members = xy[labels == ids[i]]
        hull = shapely.MultiPoint(members).convex_hull
        if hull.geom_type != "Polygon":              # collinear or repeated points: a thin outline
            hull = hull.buffer(1.0)
        c = members.mean(axis=0)
        rows.append({"cluster_id": new_id, "points": int(sizes[i]), "share": float(sizes[i] / n),
                     "est_reports": int(round(sizes[i] * scale)), "area_km2": hull.area / 1e6,
                     "cx": c[0], "cy": c[1]})
        hulls.append(hull)
    frame = gpd.GeoDataFrame(rows, geometry=hulls, crs=METRIC_CRS) if rows else gpd.GeoDataFrame(
        {"cluster_id": [], "points": [], "share": [], "est_reports": [], "area_km2": [], "cx": [], "cy": []},
        geometry=[], crs=METRIC_CRS)
    if len(frame):
        cen = gpd.GeoSeries(shapely.points(frame["cx"], frame["cy"]), crs=METRIC_CRS).to_crs(4326)
        frame["centroid_lat"], frame["centroid_lon"] = cen.y.to_numpy(), cen.x.to_numpy()
    else:
        frame["centroid_lat"], frame["centroid_lon"] = [], []
    frame = frame.drop(columns=["cx", "cy"]).to_crs(4326)
    frame["method"], frame["min_cluster_size"] = method, min_cluster_size
    eps_used = (eps_m if eps_m is not None else DEFAULT_EPS_M) if method == "dbscan" else (eps_m or 0.0)
    frame["eps_m"], frame["seed"] = eps_used, seed
    noise = float((labels < 0).mean())
    warnings_ = []
    if matching > n:
        warnings_.append(Bilingual(
            f"clustered a seeded random sample of {n:,} of the {matching:,} matching report points "
            f"(max_points {max_points:,})",
            f"จัดกลุ่มจากตัวอย่างสุ่ม (กำหนด seed) {n:,} จุด จากจุดรายงานที่ตรงเงื่อนไข {matching:,} จุด "
            f"(สูงสุด {max_points:,} จุด)"))
    if not len(frame):
        warnings_.append(Bilingual("no cluster found: every point is noise at these settings",
                                   "ไม่พบกลุ่ม: ทุกจุดเป็นจุดกระจัดกระจาย (noise) ที่ค่าตั้งนี้"))
    meta = {
        "method": method, "min_cluster_size": min_cluster_size,
        "min_samples": min_samples if min_samples is not None else (min_cluster_size if method == "dbscan" else None),
        "eps_m": eps_used, "seed": seed, "max_points": max_points, "sample_size": n, "matching": matching,
        "sampled": matching > n, "n_clusters": len(frame), "outlier_share": noise,
        "projection": f"EPSG:{METRIC_CRS} (UTM 48N)", "outline": "convex hull",
        "filters": filters_meta(filters), "warnings": warnings_, "seconds": round(time.perf_counter() - t0, 3),
    }
    return HotspotResult(frame, meta)
