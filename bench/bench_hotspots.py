"""Hotspot statistics on 1,000,000 synthetic reports: Gi* on H3 cells, emerging hot spots on districts and H3.

    NTSWATCH_BOUNDARIES_DIR=../shared/boundaries .venv/bin/python bench/bench_hotspots.py [--reports 1000000]

Builds a database (real geography from NTSWATCH_BOUNDARIES_DIR, default ../shared/boundaries; synthetic
reports from the default scenario), then times

  (a) Gi* with 999 permutations on H3 resolution-7 cells (all reports, all border districts);
  (b) the emerging hot spot analysis over 47 monthly slices on the border districts (the defaults);
  (c) the emerging hot spot analysis with the defaults on H3 cells (resolution 6, about 1,700 cells) x 47
      months — the run the Hotspots page makes when an analyst picks H3 for emerging hot spots.

esda uses numba for its permutation engine when numba is installed (it is a dependency here).

Baseline, named "esda direct": esda's G_Local called directly on the same arrays — the same y and the same
weights (a libpysal Graph, as ours uses, built beforehand and not timed) with the same arguments; "esda on a
W" is the same call on a dict-based libpysal W (what this project used before), for reference. The ratio ours/esda is the overhead of our
wrapping around the statistic (building the weights, p-values, bins, FDR, classes, the result frame); the
total adds the aggregation in DuckDB and the H3 cell assignment. Each figure is the median of --repeat runs.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from ntswatch_geo import hotspots as hs  # noqa: E402
from ntswatch_geo.db import connect  # noqa: E402
from ntswatch_geo.filters import Filters  # noqa: E402
from ntswatch_geo.config import REFERENCE_DIR  # noqa: E402
from ntswatch_geo.geography import build_geography, write_geography  # noqa: E402
from ntswatch_geo.hotspots import ehsa, gistar, weights  # noqa: E402
from ntswatch_geo.scenario import DEFAULT_SCENARIO_PATH, load_scenario  # noqa: E402
from ntswatch_geo.scope import Scope  # noqa: E402
from ntswatch_geo.synth import generate  # noqa: E402

END = dt.date(2026, 11, 30)
ALL = Filters(dt.date(2023, 1, 1), END)
WINDOW = Filters(dt.date(2023, 1, 1), END)           # 47 complete months
SCOPE = Scope("analyst")


def median_time(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def esda_gi(y, w, permutations, seed):
    import esda

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(y, w, transform="B", star=True, permutations=permutations, seed=seed, n_jobs=1,
                            keep_simulations=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR", ROOT.parent / "shared" / "boundaries"))
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "bench.duckdb"
        t = time.perf_counter()
        con = connect(db)
        write_geography(con, build_geography(bdir, REFERENCE_DIR))
        generate(con, args.reports, seed=11, scenario=load_scenario(DEFAULT_SCENARIO_PATH), end_date=END)
        con.close()
        print(f"database                 {args.reports:,} background reports (+ planted) built in "
              f"{time.perf_counter() - t:.1f} s")
        con = connect(db, read_only=True)
        n = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        print(f"reports                  {n:,}")

        # (a) Gi*, 999 permutations, H3 resolution 7 -------------------------------------------------------
        t_prep, prep = median_time(lambda: weights.prepare(con, ALL, SCOPE, "h3", 7, 1), args.repeat)
        perm = dict(permutations=999, seed=1, inference="permutation", fdr=False)
        gistar.gi_star_units(prep.units, prep.y, **perm)                 # numba compiles on the first call
        t_ours, _ = median_time(lambda: gistar.gi_star_units(prep.units, prep.y, **perm), args.repeat)
        g_copies = [prep.units.graph() for _ in range(args.repeat)]
        t_esda, ref = median_time(lambda: esda_gi(prep.y, g_copies.pop(), 999, 1), args.repeat)
        w_copies = [prep.units.weights() for _ in range(args.repeat)]
        t_esda_w, _ = median_time(lambda: esda_gi(prep.y, w_copies.pop(), 999, 1), args.repeat)
        t_total, res = median_time(lambda: hs.gi_star(con, ALL, SCOPE, unit="h3", resolution=7, permutations=999,
                                                      seed=1, inference="permutation", fdr=False, adjust="raw"),
                                   args.repeat)
        ours, _ = gistar.gi_star_units(prep.units, prep.y, **perm)
        assert np.allclose(ours["z"], ref.Zs) and np.allclose(ours["p_sim"], ref.p_sim)
        print(f"(a) Gi* H3 res 7         {prep.units.n:,} cells, {int(prep.y.sum()):,} points, 999 permutations")
        print(f"    esda direct          {t_esda:.2f} s   (G_Local on the same y and Graph)")
        print(f"    esda on a W          {t_esda_w:.2f} s   (G_Local on the same y, dict-based W)")
        print(f"    ours, statistic      {t_ours:.2f} s   ratio ours/esda {t_ours / t_esda:.2f}")
        print(f"    aggregation          {t_prep:.2f} s   (DuckDB query, H3 cells of the points, study area, weights)")
        print(f"    ours, total          {t_total:.2f} s   (gi_star, permutations, raw: {res.meta['hot']} hot, "
              f"{res.meta['cold']} cold)")
        t_def, res_d = median_time(lambda: hs.gi_star(con, Filters(dt.date(2025, 12, 1), END), SCOPE, unit="h3",
                                                      resolution=7), args.repeat)
        print(f"    defaults, last year  {t_def:.2f} s   (z-score p-values, FDR, effort adjustment: "
              f"{res_d.meta['hot']} hot, {res_d.meta['cold']} cold, {res_d.meta['n_units']:,} cells)")

        # (b) emerging hot spots, 36 months, districts ------------------------------------------------------
        t_total_e, res_e = median_time(lambda: hs.emerging_hotspots(con, WINDOW, SCOPE, seed=1), args.repeat)
        prep_d = weights.prepare(con, WINDOW, SCOPE, "district", None, 1)
        starts, _ = ehsa.complete_slices(WINDOW, dt.date(2023, 1, 15), END, "month")
        print(f"(b) emerging hot spots   {prep_d.units.n} districts x {len(starts)} months = "
              f"{prep_d.units.n * len(starts):,} bins, defaults (z-score p-values, FDR, effort adjustment)")
        _ehsa_stat(prep_d, starts, res_e, t_total_e, args.repeat)

        # (c) emerging hot spots on H3, the defaults --------------------------------------------------------
        t_total_h, res_h = median_time(lambda: hs.emerging_hotspots(con, WINDOW, SCOPE, unit="h3", resolution=6),
                                       args.repeat)
        prep_h = weights.prepare(con, WINDOW, SCOPE, "h3", 6, 1)
        print(f"(c) emerging hot spots   {prep_h.units.n:,} H3 cells (res 6) x {len(starts)} months = "
              f"{prep_h.units.n * len(starts):,} bins, defaults")
        _ehsa_stat(prep_h, starts, res_h, t_total_h, args.repeat)
        con.close()


def _ehsa_stat(prep, starts, res, t_total, repeat) -> None:
    """Time the space-time Gi* of a prepared cube against esda on the same stacked values and W."""
    from ntswatch_geo.hotspots import effort

    cube3 = ehsa._cube(prep.units, prep, starts[0], starts[-1], 1, len(starts))
    values = effort.effort_cube(cube3)
    cube = cube3.sum(axis=2)
    t_stat, _ = median_time(lambda: ehsa.space_time_gi(cube, prep.units.neighbors, time_lags=1, permutations=0,
                                                       values=values), repeat)
    y = values.T.reshape(-1)
    copies = [ehsa.space_time_weights(prep.units.neighbors, prep.units.n, len(starts), 1) for _ in range(repeat)]
    t_esda, _ = median_time(lambda: esda_gi(y, copies.pop(), 0, 1), repeat)
    from libpysal.weights import W

    nb = ehsa.space_time_neighbors(prep.units.neighbors, prep.units.n, len(starts), 1)
    w_copies = [W(nb, id_order=list(range(len(y))), silence_warnings=True) for _ in range(repeat)]
    t_esda_w, _ = median_time(lambda: esda_gi(y, w_copies.pop(), 0, 1), repeat)
    cats = {k: v for k, v in res.meta["categories"].items() if v}
    print(f"    esda direct          {t_esda:.2f} s   (G_Local on the same stacked values and space-time Graph)")
    print(f"    esda on a W          {t_esda_w:.2f} s   (the same on a dict-based W, as before)")
    print(f"    ours, space-time Gi* {t_stat:.2f} s   ratio ours/esda {t_stat / t_esda:.2f} (includes building the Graph)")
    print(f"    ours, total          {t_total:.2f} s   (aggregation, effort cube, Gi*, FDR, Mann-Kendall, 17 "
          f"categories, evidence)")
    print(f"    categories           {cats}")


if __name__ == "__main__":
    main()
