"""Benchmark: DistrictLocator.locate vs geopandas.sjoin(predicate='within') on Thai districts.

Usage: python bench/bench_point_in_district.py [--n 1000000] [--seed 7] [--repeat 3]

Reads tha_adm2_districts.geojson from NTSWATCH_BOUNDARIES_DIR (default ../shared/boundaries
relative to the project root), makes N seeded points (half uniform over Thailand's bounding
box, half within 20 km of random boundary vertices of districts in eight Lao/Cambodian border
provinces), times both methods (best of --repeat runs; the locator's build time is reported
separately), checks that the assignments are identical (exit 1 if not) and prints the figures.
Where several districts contain a point (overlaps), both sides take the lowest district index.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from ntswatch_geo.locate import DistrictLocator  # noqa: E402

BASELINE = "geopandas.sjoin(predicate='within')"
BORDER_PROVINCES = [
    "Nong Khai", "Nakhon Phanom", "Mukdahan", "Ubon Ratchathani",
    "Sa Kaeo", "Chanthaburi", "Trat", "Chiang Rai",
]
BORDER_RADIUS_KM = 20.0


def load_districts() -> gpd.GeoDataFrame:
    """The Thai districts with valid geometry and a code column (feature index, 4 digits)."""
    bdir = os.environ.get("NTSWATCH_BOUNDARIES_DIR") or str(PROJECT_ROOT.parent / "shared" / "boundaries")
    gdf = gpd.read_file(Path(bdir) / "tha_adm2_districts.geojson")
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    gdf["code"] = [f"{i:04d}" for i in range(len(gdf))]
    return gdf


def make_points(districts: gpd.GeoDataFrame, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Half uniform in the bbox, half uniform within BORDER_RADIUS_KM of border-province vertices."""
    rng = np.random.default_rng(seed)
    n_uniform = n // 2
    xmin, ymin, xmax, ymax = districts.total_bounds
    ux, uy = rng.uniform(xmin, xmax, n_uniform), rng.uniform(ymin, ymax, n_uniform)

    border = districts[districts["ADM1_EN"].isin(BORDER_PROVINCES)]
    verts = shapely.get_coordinates(border.geometry.values)
    pick = verts[rng.integers(0, len(verts), n - n_uniform)]
    # uniform in a disc of BORDER_RADIUS_KM (degrees: 111.32 km per degree, lon scaled by cos lat)
    r = BORDER_RADIUS_KM / 111.32 * np.sqrt(rng.uniform(0, 1, len(pick)))
    a = rng.uniform(0, 2 * np.pi, len(pick))
    bx = pick[:, 0] + r * np.cos(a) / np.cos(np.radians(pick[:, 1]))
    by = pick[:, 1] + r * np.sin(a)
    return np.concatenate([ux, bx]), np.concatenate([uy, by])


def sjoin_result_codes(joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, n: int) -> np.ndarray:
    """Reduce an sjoin result to one code per point: the lowest matching district index."""
    out = np.full(n, None, dtype=object)
    first = joined.groupby(level=0)["index_right"].min()
    out[first.index.to_numpy()] = districts["code"].to_numpy()[first.to_numpy()]
    return out


def best_of(repeat: int, fn):
    """(best seconds, last result) over `repeat` calls of fn()."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 if the assignments are identical, 1 otherwise."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    districts = load_districts()
    # build first, so the peak-RSS growth is the build's own (not the points')
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    locator = DistrictLocator(districts["code"].tolist(), districts.geometry.values)
    build = time.perf_counter() - t0
    build_peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024

    lon, lat = make_points(districts, args.n, args.seed)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=districts.crs)
    sub = districts[["code", "geometry"]]

    # baseline: the sjoin call only (its spatial index is built in the first run)
    base_s, joined = best_of(args.repeat, lambda: gpd.sjoin(points, sub, predicate="within"))
    ours_s, ours = best_of(args.repeat, lambda: locator.locate(lon, lat))
    expected = sjoin_result_codes(joined, districts, len(points))

    mismatches = int(np.sum(expected != ours))
    matched = int(np.sum(expected != None))  # noqa: E711
    print(f"points                 {args.n:,} (seed {args.seed}; half uniform, half within "
          f"{BORDER_RADIUS_KM:g} km of border-province vertices); {matched:,} inside a district")
    print(f"build time             {build:.2f} s (lookup arrays {locator.nbytes / 1e6:.0f} MB, "
          f"peak RSS growth during build {build_peak_mb:.0f} MB)")
    print(f"baseline               {BASELINE}: {base_s:.3f} s  ({args.n / base_s:,.0f} points/s)")
    print(f"ours                   DistrictLocator.locate: {ours_s:.3f} s  ({args.n / ours_s:,.0f} points/s)")
    print(f"ratio (sjoin / ours) = {base_s / ours_s:.1f}x   (best of {args.repeat})")
    if mismatches:
        print(f"MISMATCH: {mismatches:,} points differ from {BASELINE}", file=sys.stderr)
        return 1
    print(f"assignments identical to {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
