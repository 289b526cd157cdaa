"""Planted signals are found: the emerging hot spot categories and Gi* hot spots on synthetic reports.

The scenario tests/fixtures/scenarios/hotspots_emerging.toml plants, in smuggling reports, four space-time
patterns, each on a centre district and its two contiguous neighbours (the border districts form a chain):
a step over the last three complete months (Khun Han 3308: consecutive), a surge in the last complete month
only (Tha Bo 4302: new), a step over the whole period with a rising ramp on the centre (Tha Uthen 4803:
intensifying) and a step that ends three months before the end (Bo Kluea 5512: historical). 400,000
background reports, seed 5, data to 2026-10-31, so the 36 complete months are 2023-11 .. 2026-10. The test
reads the ground truth from `planted_signals` and checks each category by its published definition.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ntswatch_geo import hotspots as hs
from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.db import connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.scenario import load_scenario
from ntswatch_geo.scope import Scope
from ntswatch_geo.synth import background_means, generate

SCENARIO = PROJECT_ROOT / "tests" / "fixtures" / "scenarios" / "hotspots_emerging.toml"
END = dt.date(2026, 10, 31)
WINDOW = Filters(dt.date(2023, 11, 1), END, categories=("smuggling",))
N_REPORTS, SEED = 400_000, 5
CENTRES = {"consecutive": "3308", "new": "4302", "intensifying": "4803", "historical": "5512"}
ANALYST = Scope("analyst")


@pytest.fixture(scope="module")
def planted(module_store_copy):
    path = module_store_copy("geo")
    con = connect(path)
    generate(con, N_REPORTS, seed=SEED, scenario=load_scenario(SCENARIO), end_date=END)
    truth = con.execute("""
        SELECT district_code, min(month), max(month), count(DISTINCT month), sum(extra_reports)
        FROM planted_signals GROUP BY district_code""").fetchall()
    con.close()
    con = connect(path, read_only=True)
    result = hs.emerging_hotspots(con, WINDOW, ANALYST, seed=SEED)
    yield {"con": con, "result": result, "truth": {r[0]: r[1:] for r in truth}}
    con.close()


def row(planted, code):
    f = planted["result"].frame
    return f[f["unit_id"] == code].iloc[0]


def slices(planted, code):
    d = planted["result"].detail
    return d[d["unit_id"] == code].reset_index(drop=True)


def test_the_cube_has_the_36_complete_months_and_ehsa_defaults(planted):
    m = planted["result"].meta
    assert (m["n_slices"], m["first_slice"], m["last_slice"]) == (36, "2023-11", "2026-10")
    assert m["fdr"] and m["alpha"] == 0.05 and m["inference"] == "normal" and m["time_lags"] == 1
    assert m["n_units"] == 67 and m["n_bins"] == 67 * 36


def test_a_three_month_step_around_a_district_never_hot_before_is_a_consecutive_hot_spot(planted):
    first, last, months, extra = planted["truth"][CENTRES["consecutive"]]
    assert (first, last, months) == (dt.date(2026, 8, 1), dt.date(2026, 10, 1), 3) and extra > 0
    r, s = row(planted, "3308"), slices(planted, "3308")
    assert r["category"] == "consecutive_hot_spot", r.to_dict()
    hot = s["hot_cold"].to_numpy()
    run = len(hot) - np.flatnonzero(hot != 1)[-1] - 1          # the final run of hot slices
    assert run >= 2 and not (hot[:-run] != 0).any()              # at least two, nothing significant before
    assert set(s.loc[s["hot_cold"] == 1, "slice"]) <= {"2026-08", "2026-09", "2026-10"}


def test_a_surge_in_the_last_month_only_is_a_new_hot_spot(planted):
    first, last, months, _ = planted["truth"][CENTRES["new"]]
    assert (first, last, months) == (dt.date(2026, 10, 1),) * 2 + (1,)
    r, s = row(planted, "4302"), slices(planted, "4302")
    assert r["category"] == "new_hot_spot", r.to_dict()
    assert s["hot_cold"].iloc[-1] == 1 and (s["hot_cold"].iloc[:-1] == 0).all()


def test_a_district_hot_all_along_whose_intensity_keeps_rising_is_intensifying(planted):
    r, s = row(planted, "4803"), slices(planted, "4803")
    assert r["category"] == "intensifying_hot_spot", r.to_dict()
    assert r["hot_slices"] >= 0.9 * 36 and s["hot_cold"].iloc[-1] == 1
    assert r["trend"] == "increasing" and r["mk_p"] < 0.05 and r["mk_tau"] > 0


def test_a_district_hot_until_three_months_before_the_end_is_historical(planted):
    first, last, months, _ = planted["truth"][CENTRES["historical"]]
    assert last == dt.date(2026, 7, 1) and first <= dt.date(2023, 11, 1)
    r, s = row(planted, "5512"), slices(planted, "5512")
    assert r["category"] == "historical_hot_spot", r.to_dict()
    assert r["hot_slices"] >= 0.9 * 36 and s["hot_cold"].iloc[-1] != 1


def test_districts_with_no_planted_signal_and_ordinary_noise_have_no_pattern(planted):
    f = planted["result"].frame
    planted_or_next = set(planted["truth"])
    quiet = f[~f["unit_id"].isin(planted_or_next)]
    assert len(quiet) == 67 - 12
    assert (quiet["category"] == "no_pattern").mean() >= 0.9, quiet["category"].value_counts().to_dict()
    # Khemarat (Ubon Ratchathani): far from every planted district, its expected smuggling count (the model's
    # truth) is in the middle half of the border districts'
    means = background_means(planted["con"], N_REPORTS, None, END)
    means = means[(means["category"] == "smuggling") & (means["month"] >= dt.date(2023, 11, 1))]
    per_district = means.groupby("district_code")["mean"].sum()
    assert per_district.quantile(0.25) <= per_district["3405"] <= per_district.quantile(0.75)
    assert row(planted, "3405")["category"] == "no_pattern"


def test_without_slice_normalisation_the_planted_patterns_still_come_out(planted):
    r = hs.emerging_hotspots(planted["con"], WINDOW, ANALYST, seed=SEED, normalise=False)
    got = r.frame.set_index("unit_id")["category"]
    assert got["3308"] == "consecutive_hot_spot" and got["4803"] == "intensifying_hot_spot"


def test_a_step_spanning_a_district_and_its_neighbours_is_a_gi_hot_spot(planted):
    con = planted["con"]
    perm = hs.gi_star(con, WINDOW, ANALYST, seed=SEED).frame.set_index("unit_id")
    assert perm.loc["4803", "bin"] >= 2 and perm.loc["4801", "bin"] >= 2         # permutation, no FDR
    normal = hs.gi_star(con, WINDOW, ANALYST, seed=SEED, inference="normal", fdr=True).frame.set_index("unit_id")
    assert normal.loc["4803", "bin"] == 3                                        # ArcGIS-like, with FDR
    assert (normal.drop(index=list(planted["truth"]))["bin"] > 0).sum() == 0
