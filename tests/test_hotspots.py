"""Spatial statistics (ntswatch_geo.hotspots): esda reference values, the emerging hot spot classifier, units
and weights, calibration on uniformly random reports, density clusters, bad input and the CLI.

Planted scenario signals are in tests/test_hotspots_planted.py.
"""
from __future__ import annotations

import datetime as dt
import warnings

import geopandas as gpd
import h3
import h3.api.basic_int as h3i
import numpy as np
import pandas as pd
import pytest
import shapely
from numpy.testing import assert_allclose, assert_array_equal
from typer.testing import CliRunner

from ntswatch_geo import hotspots as hs
from ntswatch_geo.cli import app
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.filters import Filters
from ntswatch_geo.hotspots import ehsa, gistar, lisa, weights
from ntswatch_geo.scope import Scope

ANALYST = Scope("analyst")
ALL = Filters(dt.date(2023, 1, 1), dt.date(2026, 10, 31))
SEED = 20261031


# ------------------------------------------------------------------------------------- helpers

def insert_points(con, lat, lon, districts: gpd.GeoDataFrame, *, day0=dt.date(2025, 1, 1), days=365, seed=0,
                  category="smuggling", tag="T"):
    """Insert test reports at the given points (dates uniform over `days`), each in its nearest border district."""
    rng = np.random.default_rng(seed)
    n = len(lat)
    idx = shapely.STRtree(districts.geometry.values).nearest(shapely.points(lon, lat))
    occurred = pd.Timestamp(day0) + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    frame = pd.DataFrame({
        "ref_no": [f"TEST-{tag}-{seed}-{i}" for i in range(n)], "occurred_date": occurred.date,
        "received_at": occurred, "lat": lat, "lon": lon,
        "district_code": districts["unit_id"].to_numpy()[idx],
        "province_code": districts["province_code"].to_numpy()[idx],
    })
    con.register("test_points", frame)
    con.execute(f"""
        INSERT INTO reports (ref_no, occurred_date, occurred_precision, received_at, category, channel, lat, lon,
                             geom, location_precision, district_code, province_code, status, source, is_synthetic)
        SELECT ref_no, occurred_date, 'day', received_at, '{category}', 'online', lat, lon, ST_Point(lon, lat),
               'point', district_code, province_code, 'new', 'test', true
        FROM test_points""")
    con.unregister("test_points")


def border_districts(con) -> gpd.GeoDataFrame:
    return weights._districts(con, ALL, ANALYST)


def columbus():
    import libpysal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.io.open(libpysal.examples.get_path("columbus.gal")).read()
        df = gpd.read_file(libpysal.examples.get_path("columbus.shp"))
    assert w.id_order == [str(i) for i in df["POLYID"]]       # rows and weights in the same order
    return w, df["CRIME"].to_numpy(dtype=float)


def units_from_w(w) -> weights.Units:
    pos = {k: i for i, k in enumerate(w.id_order)}
    nb = {pos[k]: sorted(pos[j] for j in w.neighbors[k]) for k in w.id_order}
    frame = gpd.GeoDataFrame({"unit_id": w.id_order}, geometry=[shapely.Point(0, 0)] * w.n, crs=4326)
    return weights.Units("district", frame, nb)


@pytest.fixture(scope="module")
def small_db(module_store_copy):
    """Geography plus 20,000 synthetic reports (seed 1, no planted signals, data to 2026-10-31): our own copy of
    the demo database, in each store (the session's may be held open by other tests with another configuration)."""
    return module_store_copy("demo")


# ------------------------------------------------------------------------------------- esda reference values

def test_gi_star_equals_esda_called_directly_on_columbus_with_the_same_weights_and_seed():
    import esda
    import libpysal

    w, y = columbus()
    ours, _ = gistar.gi_star_units(units_from_w(w), y, permutations=999, seed=7, fdr=False, inference="permutation")
    w_direct = libpysal.io.open(libpysal.examples.get_path("columbus.gal")).read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = esda.G_Local(y, w_direct, transform="B", star=True, permutations=999, seed=7)
    assert_allclose(ours["gi"], ref.Gs)
    assert_allclose(ours["z"], ref.Zs)
    assert_allclose(ours["p_sim"], ref.p_sim)
    assert_allclose(ours["p_value"], np.minimum(1, 2 * ref.p_sim))
    assert_allclose(ours["p_norm"], 2 * ref.p_norm)
    # the bins follow the z-score's sign and the two-sided p-value
    expect = np.where(ours["p_value"] < 0.01, 3, np.where(ours["p_value"] < 0.05, 2,
                                                          np.where(ours["p_value"] < 0.10, 1, 0))) * np.sign(ref.Zs)
    assert_array_equal(ours["bin"], expect)
    assert (ours["bin"] != 0).any()


def test_local_moran_equals_esda_called_directly_on_columbus_with_the_same_weights_and_seed():
    import esda
    import libpysal

    w, y = columbus()
    ours, _ = lisa.local_moran_units(units_from_w(w), y, permutations=999, seed=11)
    w_direct = libpysal.io.open(libpysal.examples.get_path("columbus.gal")).read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = esda.Moran_Local(y, w_direct, transformation="r", permutations=999, seed=11)
    assert_allclose(ours["I"], ref.Is)
    assert_array_equal(ours["q"], ref.q)
    assert_allclose(ours["p_sim"], ref.p_sim)
    sig = np.minimum(1, 2 * ref.p_sim) < 0.05
    expect = np.where(sig, pd.Series(ref.q).map({1: "HH", 2: "LH", 3: "LL", 4: "HL"}).to_numpy(), "ns")
    assert_array_equal(ours["cluster"], expect)
    assert set(ours["cluster"]) - {"ns"}


def test_space_time_gi_equals_esda_on_the_stacked_cube_with_the_same_weights():
    import esda

    rng = np.random.default_rng(3)
    spatial = {0: [1], 1: [0, 2], 2: [1, 3], 3: [2, 4], 4: [3]}
    cube = rng.poisson(20, size=(5, 12)).astype(float)
    ours = ehsa.space_time_gi(cube, spatial, time_lags=2, permutations=199, seed=5, normalise=False)
    y = cube.T.reshape(-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the reference weights: a dict-based libpysal W from the neighbour lists (ours is a Graph built from
        # arrays; both must give esda the same neighbours)
        from libpysal.weights import W

        w_ref = W(ehsa.space_time_neighbors(spatial, 5, 12, 2), id_order=list(range(60)), silence_warnings=True)
        ref = esda.G_Local(y, w_ref, transform="B", star=True, permutations=199, seed=5)
    assert_allclose(ours["z"], ref.Zs.reshape(12, 5).T)
    assert_allclose(ours["p_sim"], ref.p_sim.reshape(12, 5).T)


def test_the_space_time_graph_has_exactly_the_neighbour_lists():
    spatial = {0: [1], 1: [0, 2], 2: [1, 3], 3: [2]}
    g = ehsa.space_time_weights(spatial, 4, 7, 2)
    nb = ehsa.space_time_neighbors(spatial, 4, 7, 2)
    got = {i: sorted(int(j) for j in g.neighbors[i]) for i in range(28)}
    assert got == {i: sorted(v) for i, v in nb.items()}


def test_space_time_neighbours_are_the_same_and_neighbouring_locations_in_the_lagged_slices():
    nb = ehsa.space_time_neighbors({0: [1], 1: [0, 2], 2: [1]}, n_locs=3, n_slices=3, time_lags=1)
    # bin (location 1, slice 2) = 2 * 3 + 1 = 7: locations 0 and 2 in slice 2, locations 0, 1, 2 in slice 1
    assert sorted(nb[7]) == [3, 4, 5, 6, 8]
    # the first slice has no lag; the bin itself is never its own neighbour (G_Local star adds it)
    assert sorted(nb[1]) == [0, 2]
    assert all(b not in v for b, v in nb.items())


def test_esda_calls_leave_numpy_global_random_state_alone():
    w, y = columbus()
    np.random.seed(99)
    before = np.random.get_state()[1].copy()
    gistar.gi_star_units(units_from_w(w), y, permutations=99, seed=1)
    assert_array_equal(np.random.get_state()[1], before)


# ------------------------------------------------------------------------------------- the 17 categories

N = 20
QUIET = np.full(N, 0.2)


def series(z_at: dict, base=QUIET):
    """z-scores `base` with z_at = {slice: z} significant; everything else not significant."""
    z = np.array(base, dtype=float)
    sig = np.zeros(N, dtype=bool)
    for t, v in z_at.items():
        z[t], sig[t] = v, True
    return z, sig


def all_significant(z):
    return np.asarray(z, float), np.ones(len(z), dtype=bool)


WAVY = 0.1 * (-1) ** np.arange(N)   # no trend for Mann-Kendall

CASES = {
    "new_hot_spot": series({N - 1: 3.0}),
    "new_cold_spot": series({N - 1: -3.0}),
    "consecutive_hot_spot": series({N - 3: 3.0, N - 2: 3.0, N - 1: 3.0}),
    "consecutive_cold_spot": series({N - 3: -3.0, N - 2: -3.0, N - 1: -3.0}),
    "intensifying_hot_spot": all_significant(np.linspace(2, 6, N)),
    "intensifying_cold_spot": all_significant(np.linspace(-2, -6, N)),
    "diminishing_hot_spot": all_significant(np.linspace(6, 2, N)),
    "diminishing_cold_spot": all_significant(np.linspace(-6, -2, N)),
    "persistent_hot_spot": all_significant(3 + WAVY),
    "persistent_cold_spot": all_significant(-3 + WAVY),
    "oscillating_hot_spot": series({2: -3.0, 3: -3.0, N - 2: 3.0, N - 1: 3.0}),
    "oscillating_cold_spot": series({2: 3.0, 3: 3.0, N - 2: -3.0, N - 1: -3.0}),
    "historical_hot_spot": series({t: 3.0 + WAVY[t] for t in range(N - 1)}),
    "historical_cold_spot": series({t: -3.0 + WAVY[t] for t in range(N - 1)}),
    "sporadic_hot_spot": series({3: 3.0, 8: 3.0, N - 1: 3.0}),
    "sporadic_cold_spot": series({3: -3.0, 8: -3.0, N - 1: -3.0}),
    "no_pattern": series({}),
}


def test_every_one_of_the_17_categories_has_a_hand_made_series_that_lands_in_it():
    assert sorted(CASES) == sorted(hs.CATEGORY_KEYS) and len(CASES) == 17
    got = {name: hs.classify_series(z, sig)[0] for name, (z, sig) in CASES.items()}
    assert got == {name: name for name in CASES}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_category_has_thai_and_english_labels(name):
    en, th = hs.CATEGORY_LABELS[name]
    assert en and th and any("\u0e00" <= ch <= "\u0e7f" for ch in th)


def test_the_trend_test_is_pymannkendall_on_the_z_scores():
    import pymannkendall as mk

    z, sig = CASES["intensifying_hot_spot"]
    _, trend = hs.classify_series(z, sig)
    ref = mk.original_test(z)
    assert trend.p == ref.p and trend.Tau == ref.Tau and trend.trend == "increasing"


def test_ninety_percent_means_at_least_nine_slices_in_ten():
    z = np.full(10, 3.0)
    sig = np.ones(10, bool)
    sig[-1] = False                                # 9 of 10 hot, not the last: historical
    assert hs.classify_series(z, sig)[0] == "historical_hot_spot"
    sig[-2:] = [False, True]                       # 9 of 10 hot including the last, no trend: persistent
    assert hs.classify_series(z + 0.1 * (-1) ** np.arange(10), sig)[0] == "persistent_hot_spot"
    sig = np.r_[np.zeros(2, bool), np.ones(8, bool)]   # 8 of 10 in a final run, nothing before: consecutive
    assert hs.classify_series(z, sig)[0] == "consecutive_hot_spot"


def test_where_arcgis_pro_and_sfdep_differ_the_documented_choice_holds():
    # hot on and off but not in the final slice: sfdep "sporadic", ArcGIS Pro no pattern (we follow ArcGIS Pro)
    z, sig = series({3: 3.0, 8: 3.0, 12: 3.0})
    assert hs.classify_series(z, sig)[0] == "no_pattern"
    # a new hot spot after an earlier cold spot: oscillating (sfdep's rule: nothing significant before "new")
    z, sig = series({5: -3.0, N - 1: 3.0})
    assert hs.classify_series(z, sig)[0] == "oscillating_hot_spot"
    # >= 90 % hot, not hot at the end, no trend: historical (sfdep would say persistent)
    z, sig = series({t: 3.0 + WAVY[t] for t in range(N - 2)})
    assert hs.classify_series(z, sig)[0] == "historical_hot_spot"


def test_a_series_shorter_than_ten_slices_is_refused():
    with pytest.raises(InputError, match="at least 10 time slices; got 9"):
        hs.classify_series(np.ones(9), np.ones(9, bool))


# ------------------------------------------------------------------------------------- slices

def test_only_complete_months_are_slices_and_the_partial_last_month_is_left_out():
    f = Filters(dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    starts, notes = ehsa.complete_slices(f, dt.date(2023, 1, 15), dt.date(2026, 11, 25), "month")
    assert weights.month_label(starts[0]) == "2025-01" and weights.month_label(starts[-1]) == "2026-10"
    assert len(starts) == 22 and any("2026-11" in n and "2026-11-25" in n for n in notes)
    # a date range starting mid-month drops that month; one ending on a month's last day keeps it
    starts, notes = ehsa.complete_slices(Filters(dt.date(2025, 1, 15), dt.date(2025, 12, 31)), dt.date(2023, 1, 15),
                                         dt.date(2026, 11, 25), "month")
    assert [weights.month_label(s) for s in (starts[0], starts[-1])] == ["2025-02", "2025-12"]
    assert any("2025-01" in n for n in notes)


def test_quarters_are_whole_calendar_quarters():
    starts, notes = ehsa.complete_slices(Filters(dt.date(2024, 2, 1), dt.date(2026, 10, 31)), dt.date(2023, 1, 15),
                                         dt.date(2026, 10, 31), "quarter")
    labels = [weights.month_label(s) for s in starts]
    # February-March 2024 and October 2026 are not whole quarters
    assert labels[0] == "2024-04" and labels[-1] == "2026-07" and len(labels) == 10
    assert any("quarters" in n for n in notes)


# ------------------------------------------------------------------------------------- units and weights

def test_border_districts_form_one_connected_chain_under_fuzzy_contiguity(small_db):
    con = connect(small_db, read_only=True)
    try:
        u = weights.district_units(con, ALL, ANALYST)
    finally:
        con.close()
    assert u.n == 67 and not u.warnings
    assert all(u.neighbors[i] for i in range(u.n))
    assert sum(len(v) for v in u.neighbors.values()) == 2 * 69           # measured; stable from 0 to 500 m
    assert u.weights().n_components == 1
    nb = dict(zip(u.ids, ([u.ids[j] for j in u.neighbors[i]] for i in range(u.n))))
    assert set(nb["2301"]) == {"2302", "2304"}                            # Mueang Trat: Khlong Yai, Bo Rai


def test_a_district_left_without_neighbours_is_linked_to_the_nearest_and_says_so(small_db):
    con = connect(small_db, read_only=True)
    try:
        f = Filters(ALL.date_from, ALL.date_to, districts=("2706", "2702", "5703"))
        u = weights.district_units(con, f, ANALYST)
    finally:
        con.close()
    names = dict(zip(u.ids, range(u.n)))
    assert u.neighbors[names["5703"]] and any("Chiang Khong" in w for w in u.warnings)


def test_h3_units_cover_the_border_districts_with_zero_cells_and_all_report_cells(small_db):
    con = connect(small_db, read_only=True)
    try:
        prep = weights.prepare(con, ALL, ANALYST, "h3", 6, 1)
        n_points = con.execute("SELECT count(*) FROM reports WHERE lat IS NOT NULL AND status NOT IN ('duplicate', 'suspected_spam', 'spam')").fetchone()[0]
    finally:
        con.close()
    assert prep.units.kind == "h3" and prep.units.resolution == 6
    assert (prep.y == 0).sum() > 100                 # cells without reports are in, as zeros
    assert prep.y.sum() == n_points == prep.reports_used
    cell = h3.str_to_int(prep.units.ids[0])
    ring = {h3.int_to_str(c) for c in h3i.grid_disk(cell, 1)} - {prep.units.ids[0]}
    assert {prep.units.ids[j] for j in prep.units.neighbors[0]} <= ring


def test_the_optimized_resolution_is_the_finest_with_a_median_of_ten_reports_and_says_why(small_db):
    con = connect(small_db, read_only=True)
    try:
        r = hs.gi_star(con, ALL, ANALYST, unit="h3", permutations=99)
    finally:
        con.close()
    m = r.meta
    med = m["median_reports_per_cell"]
    assert m["resolution"] in hs.RESOLUTIONS
    assert med[m["resolution"]] >= hs.MIN_MEDIAN_REPORTS
    assert all(med[res] < hs.MIN_MEDIAN_REPORTS for res in hs.RESOLUTIONS if res > m["resolution"])
    assert f"resolution {m['resolution']}" in m["resolution_reason"]["en"]
    assert f"ระดับ {m['resolution']}" in m["resolution_reason"]["th"]


# ------------------------------------------------------------------------------------- results

def test_results_are_geodataframes_without_nan_and_carry_their_parameters(small_db):
    con = connect(small_db, read_only=True)
    try:
        gi = hs.gi_star(con, ALL, ANALYST, permutations=199, seed=3, inference="permutation")
        lm = hs.local_moran(con, ALL, ANALYST, unit="h3", resolution=5, permutations=199, seed=3)
    finally:
        con.close()
    for r, cols in ((gi, ["z", "p_sim", "p_value", "bin", "label_th"]), (lm, ["I", "q", "p_value", "cluster"])):
        assert isinstance(r.frame, gpd.GeoDataFrame) and r.frame.crs.to_epsg() == 4326
        assert r.frame.geometry.is_valid.all() and not r.frame[cols].isna().any().any()
        assert r.meta["permutations"] == 199 and r.meta["seed"] == 3 and "warnings" in r.meta
        assert '"FeatureCollection"' in r.frame.to_json()
    assert gi.frame["reports"].sum() == 20_000
    assert set(gi.frame["name_th"]) and gi.frame["unit_id"].is_unique
    assert set(lm.frame["cluster"]) <= {"HH", "LL", "HL", "LH", "ns"}


def test_the_same_seed_gives_the_same_result_and_another_seed_other_p_values(small_db):
    con = connect(small_db, read_only=True)
    try:
        a = hs.gi_star(con, ALL, ANALYST, permutations=199, seed=1).frame
        b = hs.gi_star(con, ALL, ANALYST, permutations=199, seed=1).frame
        c = hs.gi_star(con, ALL, ANALYST, permutations=199, seed=2).frame
    finally:
        con.close()
    assert_array_equal(a["p_sim"], b["p_sim"])
    assert not np.array_equal(a["p_sim"], c["p_sim"])
    assert_allclose(a["z"], c["z"])


def test_a_governor_sees_only_the_reports_of_their_province(small_db):
    con = connect(small_db, read_only=True)
    try:
        r = hs.gi_star(con, ALL, Scope("governor", province_code="34"), unit="h3", resolution=7, permutations=99)
        n = con.execute("SELECT count(*) FROM reports WHERE province_code = '34' AND status NOT IN ('duplicate', 'suspected_spam', 'spam')").fetchone()[0]
    finally:
        con.close()
    assert r.meta["reports_used"] == n and r.frame["reports"].sum() == n
    assert set(r.frame["district_code"].dropna().str[:2]) == {"34"}


# ------------------------------------------------------------------------------------- bad input

def test_too_few_units_name_the_count_and_what_to_do(small_db):
    con = connect(small_db, read_only=True)
    try:
        with pytest.raises(InputError, match=r"Gi\* needs at least 30 units; the study area has 3 border districts "
                                             r"\(scope province 23\); use unit 'h3'"):
            hs.gi_star(con, ALL, Scope("governor", province_code="23"))
    finally:
        con.close()


def test_a_time_series_shorter_than_ten_months_is_refused_with_the_count(small_db):
    con = connect(small_db, read_only=True)
    try:
        with pytest.raises(InputError, match=r"at least 10 complete months; the dates 2026-03-01 to 2026-09-30 "
                                             r"give 7 \(2026-03 to 2026-09\)"):
            hs.emerging_hotspots(con, Filters(dt.date(2026, 3, 1), dt.date(2026, 9, 30)), ANALYST)
        with pytest.raises(InputError, match=r"give 9 .* partial month 2026-10"):
            hs.emerging_hotspots(con, Filters(dt.date(2026, 1, 1), dt.date(2026, 10, 30)), ANALYST)
    finally:
        con.close()


@pytest.mark.parametrize("kwargs, message", [
    ({"resolution": 9, "unit": "h3"}, "resolution: 9 is outside the allowed range 5–8"),
    ({"resolution": 4, "unit": "h3"}, "resolution: 4 is outside the allowed range 5–8"),
    ({"permutations": 50}, "permutations: 50 is outside the allowed range 99–9999"),
    ({"permutations": 10_000}, "permutations: 10000 is outside the allowed range 99–9999"),
    ({"k": 4}, r"k \(neighbour ring\): 4 is outside the allowed range 1–3"),
    ({"seed": -1}, "seed: -1 is outside the allowed range"),
    ({"unit": "province"}, "unit: 'province' is not allowed; allowed: district, h3"),
    ({"inference": "bootstrap"}, "inference: 'bootstrap' is not allowed; allowed: permutation, normal"),
    ({"permutations": 99.5}, "permutations: 99.5 is not a whole number"),
])
def test_parameters_out_of_range_name_the_allowed_range(small_db, kwargs, message):
    con = connect(small_db, read_only=True)
    try:
        with pytest.raises(InputError, match=message):
            hs.gi_star(con, ALL, ANALYST, **kwargs)
    finally:
        con.close()


@pytest.mark.parametrize("method, kwargs, message", [
    ("ehsa", {"time_lags": 0}, "time_lags: 0 is outside the allowed range 1–3"),
    ("ehsa", {"interval": "week"}, "interval: 'week' is not allowed; allowed: month, quarter"),
    ("lisa", {"alpha": 0.5}, "alpha: 0.5 is outside the allowed range 0.001–0.2"),
    ("dbscan", {"min_cluster_size": 2}, "min_cluster_size: 2 is outside the allowed range 5–100000"),
    ("dbscan", {"eps_m": 1}, r"eps_m \(metres\): 1 is outside the allowed range 10–50000"),
    ("hdbscan", {"max_points": 500_000}, "max_points: 500000 is outside the allowed range 1000–200000"),
    ("kmeans", {}, "method: 'kmeans' is not allowed; allowed: gi, lisa, hdbscan, dbscan, ehsa"),
])
def test_other_parameters_out_of_range_name_the_allowed_range(small_db, method, kwargs, message):
    con = connect(small_db, read_only=True)
    try:
        with pytest.raises(InputError, match=message):
            hs.run(method, con, ALL, ANALYST, **kwargs)
    finally:
        con.close()


def test_no_matching_reports_is_an_error_not_a_map_of_nans(small_db):
    con = connect(small_db, read_only=True)
    try:
        empty = Filters(dt.date(2020, 1, 1), dt.date(2020, 12, 31))
        with pytest.raises(InputError, match=r"no reports match the filters in the study area \(0 reports\)"):
            hs.gi_star(con, empty, ANALYST)
        with pytest.raises(InputError, match="no reports match the filters"):
            hs.local_moran(con, empty, ANALYST, unit="h3", resolution=6)
        with pytest.raises(InputError, match="density clustering needs at least 100 report points"):
            hs.density_clusters(con, empty, ANALYST)
    finally:
        con.close()


def test_a_cube_too_large_for_memory_is_refused_with_the_bin_count(small_db):
    con = connect(small_db, read_only=True)
    try:
        with pytest.raises(InputError, match=r"H3 cells at resolution 8 are more than the 11,111 this analysis "
                                             r"allows \(400,000 bins / 36 months\); choose a coarser resolution"):
            hs.emerging_hotspots(con, Filters(dt.date(2023, 11, 1), dt.date(2026, 10, 31)), ANALYST, unit="h3",
                                 resolution=8)
    finally:
        con.close()


# ------------------------------------------------------------------------------------- uniform reports

NULL_RES = 6


@pytest.fixture(scope="module")
def uniform_db(module_store_copy):
    """100,000 reports uniformly random over the H3 study area (resolution 6 cells covering the border
    districts), dates uniform over 2025."""
    path = module_store_copy("geo")
    con = connect(path)
    d = border_districts(con)
    cells = weights.study_cells(d, NULL_RES)
    keep = set(cells.tolist())
    minx, miny, maxx, maxy = shapely.union_all([weights.cell_polygon(c) for c in cells]).bounds
    rng = np.random.default_rng(SEED)
    lat, lon = [], []
    while sum(map(len, lat)) < 100_000:
        x, y = rng.uniform(minx, maxx, 200_000), rng.uniform(miny, maxy, 200_000)
        inside = np.fromiter((h3i.latlng_to_cell(b, a, NULL_RES) in keep for a, b in zip(x, y)), bool, len(x))
        lon.append(x[inside])
        lat.append(y[inside])
    insert_points(con, np.concatenate(lat)[:100_000], np.concatenate(lon)[:100_000], d, seed=1, tag="U")
    con.close()
    return path


U2025 = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_with_uniform_random_reports_the_fdr_corrected_hot_share_stays_below_alpha(uniform_db):
    # bound asserted: share of hot cells (95 % level, FDR) <= alpha = 0.05, and of significant cells too;
    # under complete spatial randomness Benjamini-Hochberg rejects nothing with probability >= 1 - alpha
    con = connect(uniform_db, read_only=True)
    try:
        for seed in (1, 2):
            r = hs.gi_star(con, U2025, ANALYST, unit="h3", resolution=NULL_RES, fdr=True, seed=seed, adjust="raw",
                           inference="permutation")
            assert r.meta["n_units"] == len(weights.study_cells(border_districts(con), NULL_RES))
            assert not r.meta["warnings"]
            assert (r.frame["bin"] >= 2).mean() <= 0.05
            assert (r.frame["bin"].abs() >= 2).mean() <= 0.05
    finally:
        con.close()


def test_with_uniform_random_reports_uncorrected_p_values_are_calibrated(uniform_db):
    # two-sided p_value = 2 * esda's directed p_sim: about 10 % of cells below 0.10, 5 % below 0.05
    con = connect(uniform_db, read_only=True)
    try:
        r = hs.gi_star(con, U2025, ANALYST, unit="h3", resolution=NULL_RES, fdr=False, seed=3, adjust="raw",
                       inference="permutation")
        m = hs.local_moran(con, U2025, ANALYST, unit="h3", resolution=NULL_RES, seed=3, adjust="raw")
    finally:
        con.close()
    p = r.frame["p_value"]
    assert 0.06 <= (p < 0.10).mean() <= 0.14
    assert 0.025 <= (p < 0.05).mean() <= 0.075
    assert 0.02 <= (m.frame["cluster"] != "ns").mean() <= 0.08


# ------------------------------------------------------------------------------------- density clusters

@pytest.fixture(scope="module")
def cluster_db(module_store_copy):
    """Uniform noise over the border districts plus 500 reports within 300 m of a point in Aranyaprathet."""
    from pyproj import Transformer

    path = module_store_copy("geo")
    con = connect(path)
    d = border_districts(con)
    union = shapely.union_all(d.geometry.values)
    rng = np.random.default_rng(SEED + 1)
    minx, miny, maxx, maxy = union.bounds
    x, y = rng.uniform(minx, maxx, 60_000), rng.uniform(miny, maxy, 60_000)
    inside = shapely.contains_xy(union, x, y)
    lon, lat = x[inside][:8_000], y[inside][:8_000]
    centre = d.set_index("unit_id").geometry["2706"].representative_point()
    fw = Transformer.from_crs(4326, 32648, always_xy=True)
    bw = Transformer.from_crs(32648, 4326, always_xy=True)
    cx, cy = fw.transform(centre.x, centre.y)
    r, th = 300 * np.sqrt(rng.uniform(0, 1, 500)), rng.uniform(0, 2 * np.pi, 500)
    clon, clat = bw.transform(cx + r * np.cos(th), cy + r * np.sin(th))
    insert_points(con, np.r_[lat, clat], np.r_[lon, clon], d, seed=2, tag="C")
    con.close()
    return path, centre, len(lon)


def test_dbscan_finds_a_planted_dense_cluster_among_uniform_noise(cluster_db):
    path, centre, noise = cluster_db
    con = connect(path, read_only=True)
    try:
        r = hs.density_clusters(con, U2025, ANALYST, method="dbscan", min_cluster_size=25, eps_m=300)
    finally:
        con.close()
    assert len(r.frame) == 1
    c = r.frame.iloc[0]
    assert 500 <= c["points"] <= 505 and c["area_km2"] <= np.pi * 0.3 ** 2
    assert c.geometry.contains(centre.buffer(0.0005))
    assert r.meta["outlier_share"] == pytest.approx(1 - c["points"] / (noise + 500))
    assert r.meta["sample_size"] == noise + 500 and not r.meta["sampled"]


def test_hdbscan_keeps_the_planted_cluster_whole_and_densest(cluster_db):
    path, centre, noise = cluster_db
    con = connect(path, read_only=True)
    try:
        r = hs.density_clusters(con, U2025, ANALYST, method="hdbscan", min_cluster_size=50, seed=1)
    finally:
        con.close()
    f = r.frame
    holding = f[f.geometry.contains(centre)]
    assert len(holding) == 1                                   # one cluster, not split
    density = f["points"] / f["area_km2"]
    assert holding.index[0] == density.idxmax()
    assert holding.iloc[0]["points"] >= 500
    assert 0 < r.meta["outlier_share"] < 1 and r.meta["outline"] == "convex hull"


def test_density_clustering_of_many_points_uses_a_seeded_sample_and_says_so(cluster_db):
    path, _, noise = cluster_db
    con = connect(path, read_only=True)
    try:
        a = hs.density_clusters(con, U2025, ANALYST, method="dbscan", max_points=2_000, seed=4)
        b = hs.density_clusters(con, U2025, ANALYST, method="dbscan", max_points=2_000, seed=4)
    finally:
        con.close()
    assert a.meta["sampled"] and a.meta["sample_size"] == 2_000 and a.meta["matching"] == noise + 500
    assert any("sample of 2,000" in w for w in a.meta["warnings"])
    assert a.meta["outlier_share"] == b.meta["outlier_share"]


# ------------------------------------------------------------------------------------- CLI

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["hotspots", *map(str, args)], catch_exceptions=False)


def test_cli_writes_geojson_csv_and_parquet_that_read_back(uniform_db, tmp_path):
    res = invoke("--method", "gi", "--unit", "h3", "--res", NULL_RES, "--permutations", 199, "--seed", 5,
                 "--inference", "permutation",
                 "--from", "2025-01-01", "--to", "2025-12-31", "--category", "smuggling",
                 "--out", tmp_path / "gi.geojson", "--db", uniform_db)
    assert res.exit_code == 0, res.output
    assert "Gi* on 1," in res.output and "H3 cells at resolution 6" in res.output
    g = gpd.read_file(tmp_path / "gi.geojson")
    assert len(g) > 1000 and {"unit_id", "z", "p_value", "bin", "label_th", "permutations"} <= set(g.columns)
    assert g.crs.to_epsg() == 4326 and g.geometry.is_valid.all() and (g["permutations"] == 199).all()

    res = invoke("--method", "lisa", "--unit", "h3", "--res", NULL_RES, "--permutations", 99,
                 "--out", tmp_path / "lisa.csv", "--db", uniform_db)
    assert res.exit_code == 0, res.output
    c = pd.read_csv(tmp_path / "lisa.csv", encoding="utf-8-sig")
    assert {"cluster", "I", "q", "geometry_wkt"} <= set(c.columns)
    assert shapely.from_wkt(c["geometry_wkt"]).tolist()[0].geom_type == "Polygon"

    res = invoke("--method", "dbscan", "--min-cluster-size", 25, "--eps", 300, "--out", tmp_path / "db.parquet",
                 "--db", uniform_db)
    assert res.exit_code == 0, res.output
    p = gpd.read_parquet(tmp_path / "db.parquet")
    assert "outlier share" in res.output and {"cluster_id", "points", "area_km2"} <= set(p.columns)


def test_cli_emerging_hot_spots_by_quarter(uniform_db, tmp_path):
    # one year of data gives four quarters: fewer than ten slices, refused with one line
    res = invoke("--method", "ehsa", "--interval", "quarter", "--out", tmp_path / "e.geojson", "--db", uniform_db)
    assert res.exit_code == 2
    assert res.output.strip().count("\n") == 0 and "at least 10 complete quarters" in res.output


@pytest.mark.parametrize("args, message", [
    (["--res", "9", "--unit", "h3"], "resolution: 9 is outside the allowed range 5–8"),
    (["--permutations", "10"], "permutations: 10 is outside the allowed range 99–9999"),
    (["--category", "piracy"], "--category: 'piracy' is not a category; allowed: drug_trafficking"),
    (["--method", "kriging"], "--method: 'kriging' is not allowed"),
    (["--inference", "exact"], "inference: 'exact' is not allowed; allowed: permutation, normal"),
    (["--from", "2025-13-01"], "--from: '2025-13-01' is not a date"),
    (["--from", "2025-06-01", "--to", "2025-01-01"], "--from 2025-06-01 is after --to 2025-01-01"),
])
def test_cli_bad_input_exits_2_with_one_line(uniform_db, tmp_path, args, message):
    res = invoke(*args, "--out", tmp_path / "x.geojson", "--db", uniform_db)
    assert res.exit_code == 2, res.output
    assert res.output.strip().count("\n") == 0 and message in res.output
    assert not (tmp_path / "x.geojson").exists()


def test_cli_refuses_an_unknown_output_format_before_computing(uniform_db, tmp_path):
    res = invoke("--out", tmp_path / "x.xlsx", "--db", uniform_db)
    assert res.exit_code == 2
    assert "unknown output format '.xlsx'; allowed: .geojson, .json, .csv, .parquet" in res.output
