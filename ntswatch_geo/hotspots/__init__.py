"""Spatial statistics for analysts: Gi* hot spots, local Moran clusters, density clusters, emerging hot spots.

One call per method; each takes ``(con, filters, scope, ...)``, reads aggregated counts from DuckDB through
the ``filtered_reports`` macro (filters and the viewer's Scope in SQL), and returns a ``HotspotResult``
``(frame, meta, detail)``:

* ``frame`` — a GeoDataFrame in EPSG:4326, one row per unit (border district or H3 cell) or per cluster, with
  the statistic, p-values, class, Thai and English labels and the parameters used; ``frame.to_json()`` is
  GeoJSON for a map;
* ``meta`` — a small dict: parameters, the H3 resolution and the reason for it (``meta["resolution_reason"]``
  = ``{"en": ..., "th": ...}``), thresholds, counts per class, ``warnings`` (English sentences);
* ``detail`` — emerging hot spots only: one row per unit and time slice.

    gi_star(con, filters, scope, *, unit="district", resolution=None, k=1, permutations=999, seed=0, fdr=True,
            inference="normal", adjust="effort", cold_rule=True)
    local_moran(con, filters, scope, *, unit="district", resolution=None, k=1, permutations=999, seed=0,
                fdr=False, alpha=0.05, adjust="effort", cold_rule=True)
    density_clusters(con, filters, scope, *, method="hdbscan", min_cluster_size=50, eps_m=None,
                     min_samples=None, max_points=None, seed=0)
    emerging_hotspots(con, filters, scope, *, unit="district", resolution=None, k=1, time_lags=1,
                      interval="month", permutations=999, seed=0, fdr=True, alpha=0.05, adjust="effort",
                      inference="normal", cold_rule=True)
    run(method, con, filters, scope, **params)   # method: gi | lisa | hdbscan | dbscan | ehsa
    write_result(result, path)                   # .geojson / .json, .csv (geometry as WKT), .parquet
    summary(result)                              # one English line

Bad input (too few units or slices, parameters out of range, no reports) raises
``ntswatch_geo.errors.InputError`` with one English sentence naming what is missing or allowed; no function
returns a map of NaNs. Modules: ``weights`` (units, counts, weights, the optimized resolution), ``gistar``
(Gi* and the shared inference), ``lisa``, ``density``, ``ehsa``, ``effort`` (reporting effort: expected
counts, the cold-spot rule), ``evidence`` (the Thai/English evidence line of every unit). The definitions and defaults are written
out in docs/hotspots.md.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .density import density_clusters
from .effort import ADJUSTMENTS, MIN_EXPECTED_COLD, STATUS_LABELS
from .ehsa import CATEGORIES, CATEGORY_KEYS, CATEGORY_LABELS, classify_series, emerging_hotspots
from .gistar import BIN_LABELS, confidence_bins, gi_star, gi_star_values
from .lisa import CLASS_LABELS, QUADRANTS, local_moran, local_moran_values
from .weights import (DISTRICT_TOLERANCE_M, MIN_MEDIAN_REPORTS, MIN_SLICES, MIN_UNITS, RESOLUTIONS, HotspotResult,
                      choose_resolution)

METHODS = ("gi", "lisa", "hdbscan", "dbscan", "ehsa")
OUTPUT_FORMATS = (".geojson", ".json", ".csv", ".parquet")


def run(method: str, con, filters, scope, **params) -> HotspotResult:
    """Dispatch by the CLI's method name: gi, lisa, hdbscan, dbscan or ehsa (params as each function)."""
    if method == "gi":
        return gi_star(con, filters, scope, **params)
    if method == "lisa":
        return local_moran(con, filters, scope, **params)
    if method in ("hdbscan", "dbscan"):
        return density_clusters(con, filters, scope, method=method, **params)
    if method == "ehsa":
        return emerging_hotspots(con, filters, scope, **params)
    raise InputError(f"method: {method!r} is not allowed; allowed: {', '.join(METHODS)}")


def summary(result: HotspotResult) -> str:
    """One English line describing a result (for the CLI)."""
    m = result.meta
    if m["method"] in ("hdbscan", "dbscan"):
        return (f"{m['method']}: {m['n_clusters']} cluster(s) among {m['sample_size']:,} report points"
                f"{' (a sample of ' + format(m['matching'], ',') + ')' if m['sampled'] else ''}, "
                f"outlier share {m['outlier_share']:.1%}")
    where = (f"{m['n_units']:,} border districts" if m["unit"] == "district"
             else f"{m['n_units']:,} H3 cells at resolution {m['resolution']}")
    fdr = ", FDR" if m.get("fdr") else ""
    if m["method"] == "gi_star":
        return f"Gi* on {where}: {m['hot']} hot and {m['cold']} cold spot(s) at 90% or more{fdr}"
    if m["method"] == "local_moran":
        c = m["classes"]
        return (f"local Moran's I on {where}: {c['HH']} HH, {c['LL']} LL, {c['HL']} HL, {c['LH']} LH "
                f"(alpha {m['alpha']:g}{fdr})")
    cats = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in m["categories"].items() if v and k != "no_pattern")
    return (f"emerging hot spots on {where} x {m['n_slices']} {m['interval']}s ({m['first_slice']} to "
            f"{m['last_slice']}{fdr}): {cats or 'no pattern anywhere'}; "
            f"{m['categories']['no_pattern']} with no pattern")


def write_result(result: HotspotResult, path: str | Path) -> Path:
    """Write `result.frame` by the file extension: GeoJSON (.geojson/.json), CSV with WKT geometry (.csv),
    GeoParquet (.parquet). Returns the path."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in OUTPUT_FORMATS:
        raise InputError(f"{path}: unknown output format {ext or '(no extension)'!r}; "
                         f"allowed: {', '.join(OUTPUT_FORMATS)}")
    frame = result.frame.copy()
    for col in frame.columns:                      # dates and other objects as text for every format
        if col != "geometry" and frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    path.parent.mkdir(parents=True, exist_ok=True)
    if ext in (".geojson", ".json"):
        path.write_text(frame.to_json(na="null", drop_id=True, ensure_ascii=False), encoding="utf-8")
    elif ext == ".csv":
        out = frame.drop(columns="geometry")
        out["geometry_wkt"] = frame.geometry.to_wkt()
        from ..exports import csv_bytes

        path.write_bytes(csv_bytes(out))
    else:
        frame.to_parquet(path, index=False)
    return path


__all__ = [
    "ADJUSTMENTS", "MIN_EXPECTED_COLD", "STATUS_LABELS", "BIN_LABELS", "CATEGORIES", "CATEGORY_KEYS", "CATEGORY_LABELS", "CLASS_LABELS", "DISTRICT_TOLERANCE_M",
    "METHODS", "MIN_MEDIAN_REPORTS", "MIN_SLICES", "MIN_UNITS", "OUTPUT_FORMATS", "QUADRANTS", "RESOLUTIONS",
    "HotspotResult", "choose_resolution", "classify_series", "confidence_bins", "density_clusters",
    "emerging_hotspots", "gi_star", "gi_star_values", "local_moran", "local_moran_values", "run", "summary",
    "write_result",
]
