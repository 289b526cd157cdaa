"""Hot spots an analyst can trust with the defaults: planted single-district steps are found, nothing planted
gives (almost) nothing, no cold spot without reports, and the reporting-effort adjustment removes what the
generator's true channel uptake does.

Databases: 200,000 background reports from January 2023 to 30 November 2026 (the issue's setting) with
tests/fixtures/scenarios/hotspots_steps.toml (six single-district steps, x8-x10 for 1-4 months), and with
nothing planted (three seeds).
"""
from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ntswatch_geo import hotspots as hs
from ntswatch_geo.cli import app
from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.db import connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.hotspots import effort, ehsa
from ntswatch_geo.scenario import load_scenario
from ntswatch_geo.scope import Scope
from ntswatch_geo.synth import background_means, generate
from ntswatch_geo.taxonomy import CATEGORY_KEYS

SCENARIOS = PROJECT_ROOT / "tests" / "fixtures" / "scenarios"
END = dt.date(2026, 11, 30)
N_REPORTS = 200_000
ANALYST = Scope("analyst")
WHOLE = Filters(dt.date(2023, 1, 1), END)

pytestmark = pytest.mark.slow


def _build(make, scenario, seed):
    path = make("geo")
    con = connect(path)
    generate(con, N_REPORTS, seed=seed, scenario=load_scenario(scenario), end_date=END)
    con.close()
    return path


@pytest.fixture(scope="module")
def steps_db(module_store_copy):
    return _build(module_store_copy, SCENARIOS / "hotspots_steps.toml", 11)


@pytest.fixture(scope="module", params=[1, 2, 3])
def null_db(request, module_store_copy):
    return _build(module_store_copy, SCENARIOS / "alerts_none.toml", request.param)


def month_filters(month: dt.date, category: str) -> Filters:
    last = calendar.monthrange(month.year, month.month)[1]
    return Filters(month, dt.date(month.year, month.month, last), categories=(category,))


def planted_months(con):
    return con.execute("SELECT district_code, category, month FROM planted_signals ORDER BY month").fetchall()


# ------------------------------------------------------------------------------------------ planted steps

def test_single_district_steps_of_eight_to_ten_times_are_95_percent_gi_hot_spots_in_their_months(steps_db):
    con = connect(steps_db, read_only=True)
    try:
        rows = planted_months(con)
        assert len(rows) == 13
        found, missed = 0, []
        for district, category, month in rows:
            r = hs.gi_star(con, month_filters(month, category), ANALYST)       # the defaults
            assert r.meta["inference"] == "normal" and r.meta["fdr"] and r.meta["adjust"] == "effort"
            row = r.frame.set_index("unit_id").loc[district]
            if row["bin"] >= 2:
                found += 1
                assert "hot spot" in row["evidence_en"] and "จุดร้อน" in row["evidence_th"]
            else:
                missed.append((district, category, month, row["reports"], row["expected"], row["z"]))
    finally:
        con.close()
    assert found == len(rows), missed


def test_the_permutation_option_misses_the_lone_spike_the_default_finds(steps_db):
    # the finding, kept as a guard on the default: conditional permutations test only the neighbours
    con = connect(steps_db, read_only=True)
    try:
        f = month_filters(dt.date(2026, 8, 1), "drug_trafficking")
        default = hs.gi_star(con, f, ANALYST).frame.set_index("unit_id").loc["3806"]
        perm = hs.gi_star(con, f, ANALYST, inference="permutation", fdr=False, seed=1).frame.set_index("unit_id")
    finally:
        con.close()
    assert default["bin"] == 3
    assert perm.loc["3806", "bin"] < default["bin"]


def test_the_cli_default_finds_a_planted_step_and_writes_evidence_in_both_languages(steps_db, tmp_path):
    out = tmp_path / "gi.csv"
    res = CliRunner().invoke(app, ["hotspots", "--method", "gi", "--from", "2026-01-01", "--to", "2026-01-31",
                                   "--category", "drug_trafficking", "--out", str(out), "--db", str(steps_db)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, dtype={"unit_id": str})
    row = df.set_index("unit_id").loc["3402"]
    assert row["bin"] >= 2 and bool(row["fdr"]) and row["inference"] == "normal" and row["adjust"] == "effort"
    assert row["evidence_en"].startswith(f"{int(row['reports'])} reports of drug trafficking in Jan 2026 against")
    assert "ม.ค. 2569" in row["evidence_th"] and "จุดร้อน" in row["evidence_th"]


def test_the_cli_default_window_is_the_pages_last_365_days_and_province_narrows_it(steps_db, tmp_path):
    out = tmp_path / "gi.geojson"
    res = CliRunner().invoke(app, ["hotspots", "--method", "gi", "--province", "สระแก้ว", "--province", "Trat",
                                   "--unit", "h3", "--out", str(out), "--db", str(steps_db)])
    assert res.exit_code == 0, res.output
    import geopandas as gpd

    g = gpd.read_file(out)
    assert set(g["district_code"].dropna()) <= {"2702", "2703", "2706", "2708", "2301", "2302", "2304"}
    res = CliRunner().invoke(app, ["hotspots", "--method", "gi", "--province", "Atlantis", "--out", str(out),
                                   "--db", str(steps_db)])
    assert res.exit_code == 2 and "--province" in res.output and "Traceback" not in res.output


def test_emerging_hot_spots_see_a_finished_step_in_its_months_but_give_it_no_recent_category(steps_db):
    # Bueng Khong Long's x10 drug step ran August-October 2026; the last complete month is November. Its
    # step months are hot bins of the space-time cube, and since the final slice is not hot ArcGIS's rules
    # give it none of the categories that need it (new, consecutive, intensifying, persistent, sporadic...).
    con = connect(steps_db, read_only=True)
    try:
        r = hs.emerging_hotspots(con, Filters(dt.date(2023, 1, 1), END, categories=("drug_trafficking",)),
                                 ANALYST)
    finally:
        con.close()
    assert r.meta["adjust"] == "effort" and r.meta["fdr"] and r.meta["inference"] == "normal"
    assert r.meta["permutations"] == 0 and r.meta["last_slice"] == "2026-11"
    d = r.detail[r.detail["unit_id"] == "3806"].set_index("slice")
    assert (d.loc[["2026-08", "2026-09", "2026-10"], "hot_cold"] == 1).sum() >= 2
    assert d.loc["2026-11", "hot_cold"] != 1
    assert r.frame.set_index("unit_id").loc["3806", "category"] in ("no_pattern", "historical_hot_spot")
    assert "Mann-Kendall" in r.frame.set_index("unit_id").loc["3806", "evidence_en"]


# ------------------------------------------------------------------------------------------ nothing planted

def test_with_nothing_planted_at_most_one_percent_of_series_are_new_consecutive_or_intensifying(null_db):
    con = connect(null_db, read_only=True)
    try:
        counts: dict[str, int] = {}
        for cat in CATEGORY_KEYS:
            r = hs.emerging_hotspots(con, Filters(dt.date(2023, 1, 1), END, categories=(cat,)), ANALYST)
            for k, v in r.meta["categories"].items():
                counts[k] = counts.get(k, 0) + v
    finally:
        con.close()
    series = sum(counts.values())
    assert series == 67 * len(CATEGORY_KEYS)
    emerging = sum(counts[f"{k}_{s}_spot"] for k in ("new", "consecutive", "intensifying") for s in ("hot", "cold"))
    assert emerging <= 0.01 * series, counts


def test_with_nothing_planted_no_cold_spot_lacks_reports_and_hot_spots_are_rare(null_db):
    con = connect(null_db, read_only=True)
    try:
        hot = cold = units = 0
        for month in (dt.date(2025, 3, 1), dt.date(2026, 6, 1), dt.date(2026, 11, 1)):
            for cat in CATEGORY_KEYS:
                f = month_filters(month, cat)
                for unit in ("district", "h3"):
                    r = hs.gi_star(con, f, ANALYST, unit=unit, resolution=6 if unit == "h3" else None)
                    fr = r.frame
                    cold_rows = fr[fr["bin"] < 0]
                    assert (cold_rows["reports"] > 0).all() and (cold_rows["expected"] >= 5).all()
                    assert (fr.loc[fr["reports"] == 0, "label_en"].isin(
                        ["No reports (not a cold spot)", "Hot spot, 90% confidence", "Hot spot, 95% confidence",
                         "Hot spot, 99% confidence"])).all()
                    if unit == "district":
                        hot += int((fr["bin"] >= 2).sum())
                        cold += int((fr["bin"] <= -2).sum())
                        units += len(fr)
    finally:
        con.close()
    assert hot / units <= 0.01 and cold / units <= 0.01


def test_raw_counts_without_the_cold_rule_show_the_cold_spots_the_rule_withholds(null_db):
    con = connect(null_db, read_only=True)
    try:
        f = Filters(dt.date(2025, 12, 1), END, categories=("smuggling",))
        # the setting (raw counts, permutations, no FDR), where most cold cells had no reports
        old = dict(unit="h3", resolution=7, adjust="raw", inference="permutation", fdr=False, seed=1)
        ruled = hs.gi_star(con, f, ANALYST, **old)
        all_cold = hs.gi_star(con, f, ANALYST, **old, cold_rule=False)
    finally:
        con.close()
    assert ruled.meta["cold"] + ruled.meta["cold_withheld"] == all_cold.meta["cold"]
    fr = all_cold.frame
    assert (fr.loc[fr["bin"] < 0, "reports"] == 0).any()      # what the rule is for
    assert (ruled.frame.loc[ruled.frame["bin"] < 0, "reports"] > 0).all()


def test_h3_cells_far_from_any_report_are_outside_the_study_area(null_db):
    con = connect(null_db, read_only=True)
    try:
        r = hs.gi_star(con, Filters(dt.date(2025, 12, 1), END, categories=("online_fraud",)), ANALYST, unit="h3",
                       resolution=8)
        covering = hs.weights.study_cells(hs.weights._districts(con, WHOLE, ANALYST), 8)
    finally:
        con.close()
    assert any("outside the study area" in w for w in r.meta["warnings"])
    import h3

    # every cell kept lies within two rings of a cell with a report, of the dates analysed or of the reference
    # period (whose reports give a cell its expected count)
    seen = r.frame.loc[(r.frame["reports"] > 0) | (r.frame["expected"] > 0), "unit_id"]
    near = set()
    for c in seen:
        near |= set(h3.grid_disk(c, 2))
    assert r.frame["unit_id"].isin(near).all()
    assert len(r.frame) < len(covering)


# ------------------------------------------------------------------------------------------ reporting effort

def test_expected_counts_follow_the_generators_true_means_better_than_the_unit_average(null_db):
    con = connect(null_db, read_only=True)
    try:
        f = Filters(dt.date(2025, 12, 1), END)
        r = hs.gi_star(con, f, ANALYST).frame.set_index("unit_id")
        truth = background_means(con, N_REPORTS, load_scenario(SCENARIOS / "alerts_none.toml"), END)
    finally:
        con.close()
    mu = truth[truth["month"] >= f.date_from].groupby("district_code")["mean"].sum().reindex(r.index)
    err_effort = np.abs(r["expected"] / mu - 1)
    err_flat = np.abs(r["reports"].mean() / mu - 1)
    assert err_effort.median() < 0.06 and err_effort.median() < err_flat.median() / 5
    assert np.corrcoef(r["expected"], mu)[0, 1] > 0.99


def test_on_the_true_means_the_effort_cube_leaves_no_intensifying_series_where_raw_counts_give_many(geo_db):
    """The generator's noise-free means carry only its channel uptake and seasons: every 'emerging' category
    found on them is an artefact of reporting effort."""
    con = connect(geo_db, read_only=True)
    try:
        from ntswatch_geo.hotspots.weights import district_units

        units = district_units(con, WHOLE, ANALYST)
        truth = background_means(con, N_REPORTS, load_scenario(SCENARIOS / "alerts_none.toml"), END)
    finally:
        con.close()
    truth = truth[(truth["month"] >= dt.date(2023, 2, 1)) & (truth["month"] <= dt.date(2026, 11, 1))]
    months = sorted(truth["month"].unique())
    channels = sorted(truth["channel"].unique())
    results = {}
    for adjust in ("effort", "slice", "raw"):
        emerging = 0
        for cat in CATEGORY_KEYS:
            t = truth[truth["category"] == cat]
            cube3 = (t.pivot_table(index="district_code", columns=["month", "channel"], values="mean", aggfunc="sum")
                     .reindex(index=units.ids, columns=pd.MultiIndex.from_product([months, channels]), fill_value=0)
                     .to_numpy().reshape(units.n, len(months), len(channels)))
            cube = cube3.sum(axis=2)
            g = ehsa.space_time_gi(cube, units.neighbors, permutations=0, normalise=adjust == "slice",
                                   values=effort.effort_cube(cube3) if adjust == "effort" else None)
            sig, _ = hs.gistar.significant(g["p_norm"].ravel(), 0.05, True)
            sig = sig.reshape(cube.shape)
            for i in range(units.n):
                key, _ = ehsa.classify_series(g["z"][i], sig[i])
                emerging += key.startswith(("new", "consecutive", "intensifying"))
        results[adjust] = emerging
    assert results["effort"] == 0, results
    assert results["slice"] > 0 and results["raw"] > 0, results


def test_a_channel_absent_from_the_reference_period_takes_the_units_share_of_all_channels():
    window = np.array([[4.0, 10.0], [6.0, 0.0]])          # units x channels; channel 1 is new
    reference = np.array([[30.0, 0.0], [10.0, 0.0]])
    e = effort.expected_counts(window, reference)
    assert np.allclose(e, [0.75 * 10 + 0.75 * 10, 0.25 * 10 + 0.25 * 10])
    assert np.isclose(e.sum(), window.sum())


def test_gi_z_scores_on_shifted_residuals_equal_the_textbook_formula():
    import libpysal

    import geopandas as gpd
    import shapely

    w = libpysal.weights.lat2W(6, 6)
    x = np.random.default_rng(4).normal(size=36)          # residuals: negative values too
    frame = gpd.GeoDataFrame({"unit_id": [str(i) for i in range(36)]}, geometry=[shapely.Point(0, 0)] * 36)
    units = hs.weights.Units("district", frame, {i: list(w.neighbors[i]) for i in range(36)})
    values, _ = hs.gistar.gi_star_units(units, x, fdr=False)
    n = len(x)
    xbar, s = x.mean(), x.std()
    z = []
    for i in range(n):
        nb = [i, *units.neighbors[i]]
        wi = len(nb)
        z.append((x[nb].sum() - xbar * wi) / (s * np.sqrt((n * wi - wi ** 2) / (n - 1))))
    assert np.allclose(values["z"], z)


def test_every_ehsa_default_is_in_the_docs_with_its_arcgis_value():
    doc = (PROJECT_ROOT / "docs" / "hotspots.md").read_text(encoding="utf-8")
    for d in ehsa.DEFAULTS:
        assert d["setting_en"] in doc and d["arcgis"] in doc, d["setting_en"]
        assert d["why_en"].startswith(("Same", "Differs")) and d["why_th"]


def test_the_cli_takes_raw_counts_and_every_cold_spot_when_asked(null_db, tmp_path):
    out = tmp_path / "raw.csv"
    res = CliRunner().invoke(app, ["hotspots", "--method", "gi", "--unit", "h3", "--res", "7", "--adjust", "raw",
                                   "--inference", "permutation", "--no-fdr", "--all-cold", "--category", "smuggling",
                                   "--out", str(out), "--db", str(null_db)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert (df["adjust"] == "raw").all() and (df["inference"] == "permutation").all()
    assert ((df["bin"] < 0) & (df["reports"] == 0)).any()          # the cold rule is off: cold cells without reports


def test_the_legend_puts_the_pages_language_first():
    from ntswatch_geo import hotspot_maps as hm

    en = hm.legend_rows("gi", {"3": 2, "no_reports": 5}, "en")
    th = hm.legend_rows("gi", {"3": 2, "no_reports": 5}, "th")
    assert en[0][1] == "Hot spot, 99% confidence · จุดร้อน ความเชื่อมั่น 99% (2)"
    assert th[0][1] == "จุดร้อน ความเชื่อมั่น 99% · Hot spot, 99% confidence (2)"
    assert en[-1][1].startswith("No reports (not a cold spot)") and en[-1][1].endswith("(5)")
