"""The synthetic report generator, on the real geography in a real DuckDB file, seeded.

Statistical tolerances: background counts are multinomial, so an aggregate with mean mu has standard
deviation at most sqrt(mu); checks allow 5 sigma (a false alarm about once in 1.7 million per check).
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely

from ntswatch_geo import synth
from ntswatch_geo.boundaries import METRIC_CRS
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.scenario import DEFAULT_SCENARIO_PATH, load_scenario, parse_scenario, region_of, validate
from ntswatch_geo.synth import generate

FIXTURES = Path(__file__).parent / "fixtures" / "scenarios"
END = dt.date(2026, 10, 31)
N = 150_000
SEED = 20230115


@pytest.fixture(scope="module")
def run(module_store_copy):
    """One run of the default scenario (six signals) with 150,000 background reports, in each store."""
    path = module_store_copy("geo")
    con = connect(path)
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    steps = []
    result = generate(con, N, SEED, scenario, END, progress=lambda s, f: steps.append((s, f)))
    # the model's counts are of first reports: a duplicate is a second report of an event, on top
    con.execute("CREATE TEMP VIEW first_reports AS SELECT * FROM reports WHERE duplicate_of IS NULL")
    yield SimpleNamespace(con=con, result=result, scenario=validate(scenario, con, END), steps=steps)
    con.close()


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def rows_hash(con) -> str:
    return one(con, """
        SELECT md5(string_agg(CAST(r AS VARCHAR), chr(10) ORDER BY r.id))
        FROM (SELECT * REPLACE (ST_AsText(geom) AS geom) FROM reports) r""") + one(con, """
        SELECT md5(string_agg(CAST(p AS VARCHAR), chr(10) ORDER BY p.report_id)) FROM planted_reports p""")


# ------------------------------------------------------------------------------------------------ space

def test_every_report_lies_inside_its_own_border_district(run):
    con = run.con
    assert one(con, "SELECT count(*) FROM reports") == run.result.n_total
    bad = one(con, """
        SELECT count(*) FROM reports r LEFT JOIN districts d ON d.code = r.district_code
        WHERE d.code IS NULL OR NOT d.is_border OR NOT ST_Contains(d.geom, r.geom)
           OR r.province_code <> d.province_code OR r.province_code <> left(r.district_code, 2)
           OR r.location_precision <> 'point' OR ST_X(r.geom) <> r.lon OR ST_Y(r.geom) <> r.lat""")
    assert bad == 0
    # and no other district contains the point (the district really is the one that contains it)
    assert one(con, """SELECT count(*) FROM reports r JOIN districts d
                       ON ST_Contains(d.geom, r.geom) AND d.code <> r.district_code""") == 0


def test_all_border_districts_get_reports_in_proportion_to_the_model(run):
    con = run.con
    got = dict(con.execute("""SELECT district_code, count(*) FROM first_reports r
                              WHERE id NOT IN (SELECT report_id FROM planted_reports) GROUP BY 1""").fetchall())
    means = synth.background_means(con, N, run.scenario, END).groupby("district_code")["mean"].sum()
    assert len(got) == 67 == len(means)
    z = [(got[c] - mu) / math.sqrt(mu) for c, mu in means.items()]
    assert max(abs(v) for v in z) < 5


def _border_distance_m(con, code: str, lon, lat) -> np.ndarray:
    """Distance (m) from points to the neighbouring country's districts."""
    wkb = [bytes(r[0]) for r in con.execute(
        "SELECT ST_AsWKB(n.geom) FROM neighbour_districts n, districts d "
        "WHERE d.code = ? AND ST_DWithin(n.geom, d.geom, 0.05)", [code]).fetchall()]
    foreign = shapely.union_all(gpd.GeoSeries(shapely.from_wkb(wkb), crs=4326).to_crs(METRIC_CRS).values)
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(METRIC_CRS).values
    return shapely.distance(pts, foreign)


@pytest.mark.parametrize("code", ["2706", "5708", "4801"])
def test_reports_cluster_along_the_border_and_at_crossings(run, code):
    con = run.con
    pts = con.execute("SELECT lon, lat FROM reports WHERE district_code = ?", [code]).fetchnumpy()
    poly = shapely.from_wkb(bytes(one(con, "SELECT ST_AsWKB(geom) FROM districts WHERE code = ?", [code])))
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = poly.bounds
    u = np.column_stack([rng.uniform(minx, maxx, 20000), rng.uniform(miny, maxy, 20000)])
    u = u[shapely.contains_xy(poly, u[:, 0], u[:, 1])]
    reports = _border_distance_m(con, code, pts["lon"], pts["lat"])
    uniform = _border_distance_m(con, code, u[:, 0], u[:, 1])
    assert np.median(reports) < 0.5 * np.median(uniform)
    assert (reports < 5000).mean() > 0.7 > (uniform < 5000).mean()


def test_crossings_draw_reports_around_them(run):
    """Aranyaprathet's main checkpoint (Ban Khlong Luek, facing Poipet): far more reports within 2 km of it
    than the share of the district's area within 2 km."""
    con = run.con
    lon, lat = con.execute("SELECT lon, lat FROM border_crossings WHERE id = 'ban_khlong_luek'").fetchone()
    pts = con.execute("SELECT lon, lat FROM reports WHERE district_code = '2706'").fetchnumpy()
    poly = shapely.from_wkb(bytes(one(con, "SELECT ST_AsWKB(geom) FROM districts WHERE code = '2706'")))
    utm = gpd.GeoSeries([shapely.Point(lon, lat), poly, *gpd.points_from_xy(pts["lon"], pts["lat"])],
                        crs=4326).to_crs(METRIC_CRS).values
    crossing, district, reports = utm[0], utm[1], utm[2:]
    share = (shapely.distance(reports, crossing) < 2000).mean()
    area_share = shapely.intersection(district, crossing.buffer(2000)).area / district.area
    assert share > 5 * area_share


# ------------------------------------------------------------------------------------------------- time

def test_no_report_before_its_channel_opened_or_after_the_end_date(run):
    con = run.con
    first = dict(con.execute("SELECT channel, min(occurred_date) FROM reports GROUP BY 1").fetchall())
    assert first["online"] >= dt.date(2023, 1, 15)
    assert first["mwcc_office"] >= dt.date(2023, 12, 25)
    assert one(con, "SELECT min(received_at) FROM reports WHERE channel = 'mwcc_office'") >= dt.datetime(2023, 12, 25)
    assert one(con, "SELECT min(occurred_date) FROM reports") >= dt.date(2023, 1, 1)
    limit = dt.datetime.combine(END + dt.timedelta(days=1), dt.time())
    assert one(con, "SELECT max(occurred_date) FROM reports") <= END
    assert one(con, "SELECT max(greatest(received_at, coalesce(verified_at, received_at))) FROM reports") < limit
    assert one(con, "SELECT count(*) FROM reports WHERE (channel = 'online') <> (intake_method = 'web')") == 0
    assert one(con, "SELECT count(*) FROM reports WHERE channel NOT IN ('online', 'mwcc_office')") == 0


def test_received_after_it_happened_and_time_only_for_exact_reports(run):
    con = run.con
    assert one(con, "SELECT count(*) FROM reports WHERE received_at < occurred_date") == 0
    assert one(con, "SELECT count(*) FROM reports WHERE occurred_precision = 'exact' "
                    "AND received_at < occurred_date + occurred_time") == 0
    assert one(con, "SELECT count(*) FROM reports WHERE (occurred_precision = 'exact') <> (occurred_time IS NOT NULL)") == 0
    shares = dict(con.execute("SELECT occurred_precision, count(*) / sum(count(*)) OVER () FROM reports GROUP BY 1").fetchall())
    assert shares["day"] == pytest.approx(0.65, abs=0.01) and shares["exact"] == pytest.approx(0.25, abs=0.01)


def test_monthly_background_totals_follow_uptake_and_season(run):
    con = run.con
    got = dict(con.execute("""SELECT date_trunc('month', occurred_date)::DATE, count(*) FROM first_reports
                              WHERE id NOT IN (SELECT report_id FROM planted_reports) GROUP BY 1""").fetchall())
    means = synth.background_means(con, N, run.scenario, END).groupby("month")["mean"].sum()
    assert len(means) == 46 and sum(got.values()) == N
    for month, mu in means.items():
        assert abs(got[month] - mu) < 5 * math.sqrt(mu), month
    assert means[dt.date(2023, 1, 1)] < 0.1 * means[dt.date(2025, 1, 1)]        # the website's uptake


def test_lao_border_share_is_higher_in_the_dry_season(run):
    share = dict(run.con.execute("""
        SELECT month(r.occurred_date) IN (12, 1, 2, 3, 4, 5) AS dry, avg((d.border_km_la > d.border_km_kh)::INT)
        FROM first_reports r JOIN districts d ON d.code = r.district_code
        WHERE r.occurred_date BETWEEN DATE '2024-06-01' AND DATE '2026-05-31'
          AND r.id NOT IN (SELECT report_id FROM planted_reports)
        GROUP BY 1""").fetchall())
    assert share[True] > share[False] + 0.02     # model: about 0.77 against 0.72


def test_category_mix_follows_the_region(run):
    con = run.con
    mix = {(p, c): s for p, c, s in con.execute("""
        SELECT province_code, category, count(*) / sum(count(*)) OVER (PARTITION BY province_code)
        FROM first_reports WHERE id NOT IN (SELECT report_id FROM planted_reports) GROUP BY 1, 2""").fetchall()}
    assert mix["57", "drug_trafficking"] > 3 * mix["27", "drug_trafficking"]          # Chiang Rai vs Sa Kaeo
    assert mix["27", "human_trafficking"] > 3 * mix["57", "human_trafficking"]
    assert mix["27", "online_fraud"] > mix["57", "online_fraud"]
    whole = {"57": "golden_triangle", "27": "cambodia_poipet", "43": "middle_mekong", "32": "cambodia"}
    for prov, region in whole.items():           # provinces lying in one region
        expected = next(r for r in run.scenario.model.regions if r.name == region).mix
        for cat, share in expected.items():
            assert mix.get((prov, cat), 0.0) == pytest.approx(share, abs=0.03), (prov, cat)


def test_background_counts_by_region_and_category_match_the_model(run):
    con = run.con
    means = synth.background_means(con, N, run.scenario, END)
    means["region"] = [region_of(run.scenario.model, c).name for c in means["district_code"]]
    expected = means.groupby(["region", "category"])["mean"].sum()
    got = {}
    for code, cat, n in con.execute("""SELECT district_code, category, count(*) FROM first_reports
                                       WHERE id NOT IN (SELECT report_id FROM planted_reports) GROUP BY 1, 2""").fetchall():
        key = (region_of(run.scenario.model, code).name, cat)
        got[key] = got.get(key, 0) + n
    for key, mu in expected.items():
        assert abs(got.get(key, 0) - mu) < 5 * math.sqrt(mu), key


# ------------------------------------------------------------------------------------------ planted signals

def test_planted_signals_table_repeats_the_scenario(run):
    rows = run.con.execute("""SELECT signal_no, district_code, category, shape, multiplier, month, factor
                              FROM planted_signals WHERE run_id = ? ORDER BY signal_no, month""",
                           [run.result.run_id]).fetchall()
    expected = [(s.no, s.district_code, s.category, s.shape, s.multiplier, m, pytest.approx(f))
                for s in run.scenario.signals for m, f in zip(s.months(), s.factors())]
    assert rows == expected
    assert len(rows) == 3 + 19 + 1 + 3 * 6


def test_planted_extra_reports_are_exact_and_on_top_of_the_background(run):
    con = run.con
    rows = con.execute("""
        WITH counted AS (
            SELECT r.district_code, r.category, date_trunc('month', r.occurred_date)::DATE AS month,
                   count(*) AS total, count(*) FILTER (WHERE p.report_id IS NULL) AS background
            FROM first_reports r LEFT JOIN planted_reports p ON p.report_id = r.id
            GROUP BY ALL)
        SELECT s.signal_no, s.month, s.expected_base, s.factor, s.extra_reports, c.total - c.background,
               (SELECT count(*) FROM planted_reports q WHERE q.signal_no = s.signal_no AND q.month = s.month)
        FROM planted_signals s JOIN counted c USING (district_code, category, month)
        ORDER BY s.signal_no, s.month""").fetchall()
    assert len(rows) == 41
    for no, month, base, factor, extra, added, listed in rows:
        assert extra == math.floor((factor - 1) * base + 0.5), (no, month)
        assert added == extra == listed, (no, month)
    assert sum(r[4] for r in rows) == run.result.n_planted > 0
    assert one(con, "SELECT reports_made - reports_target FROM synth_runs") == \
        run.result.n_planted + run.result.n_duplicates
    # every planted report is of its signal's district, category and month
    assert one(con, """SELECT count(*) FROM planted_reports p JOIN reports r ON r.id = p.report_id
                       JOIN planted_signals s ON s.run_id = p.run_id AND s.signal_no = p.signal_no AND s.month = p.month
                       WHERE r.district_code <> s.district_code OR r.category <> s.category
                          OR date_trunc('month', r.occurred_date) <> s.month""") == 0


def test_expected_base_is_the_model_mean_of_the_cell(run):
    means = synth.background_means(run.con, N, run.scenario, END)
    cell = means.groupby(["district_code", "category", "month"])["mean"].sum()
    for code, cat, month, base in run.con.execute(
            "SELECT district_code, category, month, expected_base FROM planted_signals").fetchall():
        assert base == pytest.approx(cell[code, cat, month], rel=1e-9)


def test_background_total_is_exactly_n_reports(run):
    con = run.con
    assert run.result.n_background == N
    assert one(con, "SELECT count(*) FROM first_reports WHERE id NOT IN (SELECT report_id FROM planted_reports)") == N
    assert run.result.n_total == N + run.result.n_planted + run.result.n_duplicates


def test_duplicates_are_second_reports_of_an_event_on_top_and_in_no_statistic(run):
    con = run.con
    n_dup = run.result.n_duplicates
    reviewed = one(con, "SELECT count(*) FROM first_reports WHERE status <> 'new'")
    assert one(con, "SELECT count(*) FROM reports WHERE status = 'duplicate'") == n_dup
    assert n_dup == pytest.approx(0.08 * reviewed, rel=0.05)
    # each names an earlier first report of the same category, date, district and point
    assert one(con, """SELECT count(*) FROM reports d JOIN reports f ON f.id = d.duplicate_of
                       WHERE d.status = 'duplicate' AND f.duplicate_of IS NULL AND f.id < d.id
                         AND f.category = d.category AND f.occurred_date = d.occurred_date
                         AND f.district_code = d.district_code AND f.lat = d.lat AND f.lon = d.lon
                         AND d.received_at >= f.received_at AND f.status <> 'new'""") == n_dup
    assert one(con, "SELECT count(*) FROM planted_reports p JOIN reports r ON r.id = p.report_id "
                    "WHERE r.duplicate_of IS NOT NULL") == 0
    counted = one(con, "SELECT count(*) FROM filtered_reports(DATE '2000-01-01', DATE '2100-01-01', [], [], [], "
                       "false, [], [], NULL, NULL)")
    assert counted == N + run.result.n_planted


def test_step_signal_stands_out_against_its_district_history(run):
    """Signal 1 (drugs in Bueng Khong Long, Aug-Oct 2026, x4) — the planted months are far above the
    same months a year earlier."""
    by_month = dict(run.con.execute("""
        SELECT date_trunc('month', occurred_date)::DATE, count(*) FROM first_reports
        WHERE district_code = '3806' AND category = 'drug_trafficking' GROUP BY 1""").fetchall())
    for m in (8, 9, 10):
        assert by_month[dt.date(2026, m, 1)] > 2 * by_month[dt.date(2025, m, 1)]


# ------------------------------------------------------------------------------------------ the rows

def test_reports_are_marked_synthetic_and_carry_no_contact_details(run):
    con = run.con
    r = run.result
    assert one(con, "SELECT count(*) FROM reports WHERE NOT is_synthetic") == 0
    assert one(con, "SELECT count(DISTINCT source) FROM reports") == 1
    assert one(con, "SELECT any_value(source) FROM reports") == f"synthetic:{r.run_id}"
    assert one(con, "SELECT count(*) FROM reports WHERE contact_name IS NOT NULL OR contact_phone IS NOT NULL") == 0
    assert one(con, "SELECT count(DISTINCT ref_no) FROM reports WHERE regexp_full_match(ref_no, 'SYN-1-[0-9]{7}')") \
        == r.n_total
    run_row = con.execute("SELECT run_id, seed, reports_target, reports_made, start_date, end_date, scenario_name, "
                          "scenario_toml FROM synth_runs").fetchall()
    assert run_row == [(r.run_id, SEED, N, r.n_total, dt.date(2023, 1, 1), END, "default",
                        DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))]


def test_ids_and_reference_numbers_follow_the_time_of_receipt(run):
    con = run.con
    assert one(con, """SELECT count(*) FROM (SELECT received_at < lag(received_at) OVER (ORDER BY id) AS back
                                             FROM reports) WHERE back""") == 0
    assert one(con, "SELECT min(id) = 1 AND max(id) = count(*) FROM reports")


def test_review_status_lags_the_report_date(run):
    con = run.con
    new = dict(con.execute("""SELECT date_trunc('month', received_at)::DATE, avg((status = 'new')::INT)
                              FROM reports GROUP BY 1""").fetchall())
    assert new[dt.date(2026, 10, 1)] > 0.5 > 0.05 > new[dt.date(2025, 10, 1)]
    old = dict(con.execute("SELECT status, count(*) / sum(count(*)) OVER () FROM reports "
                           "WHERE received_at < DATE '2025-01-01' GROUP BY 1").fetchall())
    assert old["verified"] + old["forwarded"] > 0.7 and old["rejected"] > 0.05 and old["duplicate"] > 0.03
    assert one(con, "SELECT count(*) FROM reports WHERE verified_at < received_at") == 0
    assert one(con, "SELECT count(*) FROM reports WHERE (status = 'new') <> (verified_at IS NULL)") == 0
    assert one(con, "SELECT count(*) FROM reports WHERE (status = 'forwarded') <> (forwarded_to IS NOT NULL)") == 0
    agencies = {r[0] for r in con.execute("SELECT DISTINCT forwarded_to FROM reports WHERE forwarded_to IS NOT NULL").fetchall()}
    assert agencies <= set(synth.AGENCIES)
    assert one(con, "SELECT mode(forwarded_to) FROM reports WHERE category = 'smuggling'") == "customs"


def test_descriptions_mention_the_category_in_thai(run):
    con = run.con
    words = {"drug_trafficking": "ยาบ้า|ไอซ์|กัญชา|ยาเสพติด", "human_trafficking": "ค้ามนุษย์",
             "illegal_migration": "ลักลอบข้ามแดน|เข้าเมือง", "smuggling": "ลักลอบ",
             "online_fraud": "แก๊งคอลเซ็นเตอร์", "other": "ชายแดน|ข้ามแดน"}
    for cat, pattern in words.items():
        assert one(con, "SELECT count(*) FROM reports WHERE category = ? AND NOT regexp_matches(description, ?)",
                   [cat, pattern]) == 0, cat
    assert one(con, "SELECT count(*) FROM reports WHERE description LIKE '%ช่องทางธรรมชาติ%'") > 0
    assert one(con, "SELECT count(*) FROM reports WHERE place_text IS NULL OR description IS NULL") == 0
    assert one(con, "SELECT count(*) FROM reports WHERE place_text = 'ใกล้บ้านคลองลึก อ.อรัญประเทศ'") > 100


def test_progress_reports_every_step_in_order_with_rising_fractions(run):
    steps = [s for s, _ in run.steps]
    assert list(dict.fromkeys(steps)) == ["geography", "model", "locations", "attributes", "writing", "done"]
    fractions = [f for _, f in run.steps]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert len(run.steps) < 200


# ------------------------------------------------------------------------------------------ determinism

def test_same_seed_gives_identical_rows_and_another_seed_different_rows(store_copy):
    scenario = load_scenario(FIXTURES / "good_small.toml")
    hashes, counts = [], []
    for i, seed in enumerate([11, 11, 12]):
        path = store_copy("geo")
        with connect(path) as con:
            r = generate(con, 20_000, seed, scenario, dt.date(2026, 6, 30))
            hashes.append(rows_hash(con))
            counts.append((r.n_background, r.n_planted))
    assert hashes[0] == hashes[1] != hashes[2]
    assert counts[0] == counts[1]
    assert counts[0][1] == counts[2][1]      # planted counts are deterministic, whatever the seed


def test_n_reports_none_uses_the_scenario_base_rate(geo_db):
    scenario = parse_scenario("[base]\nreports_per_month = 300\n", source="small.toml")
    with connect(geo_db) as con:
        r = generate(con, None, 3, scenario, dt.date(2025, 12, 31))
        expected = synth.background_means(con, None, scenario, dt.date(2025, 12, 31))["mean"].sum()
        assert r.base_rate_per_month == 300
        assert r.n_background == round(expected) == one(con, "SELECT count(*) FROM reports WHERE duplicate_of IS NULL")
        assert one(con, "SELECT reports_target FROM synth_runs") == r.n_background


def test_a_second_run_appends_with_its_own_run_id_and_the_id_sequence_stays_valid(geo_db):
    with connect(geo_db) as con:
        a = generate(con, 3000, 1, None, END)
        b = generate(con, 2000, 1, None, END)
        assert (a.run_id, b.run_id) == (1, 2) and a.n_planted == b.n_planted == 0
        assert one(con, "SELECT count(DISTINCT ref_no) FROM reports") == a.n_total + b.n_total
        assert dict(con.execute("SELECT source, count(*) FROM reports WHERE duplicate_of IS NULL "
                                "GROUP BY 1").fetchall()) == {"synthetic:1": 3000, "synthetic:2": 2000}
        con.execute("""INSERT INTO reports (ref_no, occurred_date, occurred_precision, received_at, category, channel,
                       location_precision, district_code, province_code, status, source)
                       VALUES ('WEB-1', DATE '2026-11-01', 'day', TIMESTAMP '2026-11-01 10:00', 'other', 'online',
                       'district', '2706', '27', 'new', 'web')""")
        assert one(con, "SELECT id FROM reports WHERE ref_no = 'WEB-1'") == a.n_total + b.n_total + 1


def test_a_failed_write_leaves_nothing_behind(geo_db):
    with connect(geo_db) as con:
        con.execute("DROP TABLE planted_reports")       # the last inserts will fail
        with pytest.raises(Exception, match="planted_reports"):
            generate(con, 5000, 1, load_scenario(FIXTURES / "good_small.toml"), END)
        assert one(con, "SELECT count(*) FROM reports") == 0
        assert one(con, "SELECT count(*) FROM synth_runs") == 0
        assert one(con, "SELECT count(*) FROM planted_signals") == 0


@pytest.mark.parametrize("kwargs, message", [
    ({"n_reports": -1}, "number of reports: -1"),
    ({"n_reports": 2.5}, "number of reports: 2.5"),
    ({"seed": -5}, "seed: -5"),
    ({"end_date": dt.date(2023, 1, 14)}, "end date: 2023-01-14 is before the website opened"),
    ({"end_date": dt.date.today() + dt.timedelta(days=1)}, "is today or in the future"),
])
def test_bad_arguments_raise_input_error_and_write_nothing(geo_db, kwargs, message):
    args = {"n_reports": 100, "seed": 1, "end_date": END, **kwargs}
    with connect(geo_db) as con:
        with pytest.raises(InputError, match=message):
            generate(con, args["n_reports"], args["seed"], None, args["end_date"])
        assert one(con, "SELECT count(*) FROM reports") == 0


def test_signal_after_the_end_date_is_rejected_naming_the_period(geo_db):
    with connect(geo_db) as con:
        with pytest.raises(InputError, match=r"default\.toml: signal 1, field end: '2026-10' is after the generator "
                                             r"period; allowed: 2023-01 to 2026-06"):
            generate(con, 100, 1, load_scenario(DEFAULT_SCENARIO_PATH), dt.date(2026, 6, 30))


@pytest.mark.slow
def test_a_million_reports_are_all_written_with_their_planted_extras(geo_db):
    with connect(geo_db) as con:
        r = generate(con, 1_000_000, 5, load_scenario(DEFAULT_SCENARIO_PATH), END)
        assert one(con, "SELECT count(*) FROM reports") == r.n_total > 1_000_000
        assert one(con, "SELECT count(*) FROM planted_reports") == r.n_planted
