"""Ranking border districts for "Building Strong Cross-Border Communities" (ntswatch_geo/sites.py)."""
from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import vector_normalization

from ntswatch_geo import sites
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope

from conftest import DEMO_END

F = Filters(date_from=dt.date(2024, 11, 1), date_to=DEMO_END)

# Hwang & Yoon's fighter-aircraft example: speed, range, payload, cost (cost criterion), reliability,
# manoeuvrability; weights 0.2, 0.1, 0.1, 0.1, 0.2, 0.3.
AIRCRAFT = pd.DataFrame(
    [[2.0, 1500, 20000, 5.5, 5, 9], [2.5, 2700, 18000, 6.5, 3, 5],
     [1.8, 2000, 21000, 4.5, 7, 7], [2.2, 1800, 20000, 5.0, 5, 5]],
    columns=["speed", "range", "payload", "cost", "reliability", "manoeuvrability"])
AIRCRAFT.insert(0, "code", ["A1", "A2", "A3", "A4"])
AIRCRAFT_DIRS = {c: "benefit" for c in AIRCRAFT.columns[1:]} | {"cost": "cost"}
AIRCRAFT_W = {"speed": 0.2, "range": 0.1, "payload": 0.1, "cost": 0.1, "reliability": 0.2, "manoeuvrability": 0.3}


def _table(values: dict[str, list[float]]) -> tuple[pd.DataFrame, dict[str, str]]:
    n = len(next(iter(values.values())))
    df = pd.DataFrame({"code": [f"D{i}" for i in range(n)], **values})
    return df, {k: "benefit" for k in values}


def test_topsis_reproduces_hwang_and_yoons_published_closeness_values():
    """Hwang, C. L. & Yoon, K. (1981), Multiple Attribute Decision Making: Methods and Applications, Springer
    (Lecture Notes in Economics and Mathematical Systems 186), TOPSIS worked example of choosing a fighter
    aircraft (also in Yoon & Hwang 1995, Sage, "Multiple Attribute Decision Making: An Introduction"):
    relative closeness C* = 0.643, 0.268, 0.613, 0.312 → order A1, A3, A4, A2."""
    r = sites.rank(AIRCRAFT, AIRCRAFT_W, "topsis", directions=AIRCRAFT_DIRS).set_index("code")
    assert_allclose(r.loc[["A1", "A2", "A3", "A4"], "score"], [0.643, 0.268, 0.613, 0.312], atol=1e-3)  # published to 3 decimals
    assert list(r.index) == ["A1", "A3", "A4", "A2"]
    assert list(r["rank"]) == [1, 2, 3, 4]
    # the approximate contributions add up to the closeness
    assert_allclose(r.filter(like="contrib_").sum(axis=1), r["score"])


def test_topsis_equals_pymcdm_called_directly_on_our_matrix():
    rng = np.random.default_rng(3)
    df, dirs = _table({f"c{j}": list(rng.uniform(0, 50, 12)) for j in range(5)})
    dirs["c4"] = "cost"
    w = {"c0": 3, "c1": 1, "c2": 2, "c3": 1, "c4": 1}
    ours = sites.rank(df, w, "topsis", directions=dirs).set_index("code").loc[df["code"], "score"]
    direct = TOPSIS(vector_normalization)(df[list(w)].to_numpy(), np.array(list(w.values())) / 8,
                                          np.array([1, 1, 1, 1, -1]))
    assert_allclose(ours.to_numpy(), direct)


def test_weighted_sum_contributions_are_weighted_min_max_values_that_add_up_to_the_score():
    df, dirs = _table({"a": [0, 5, 10], "b": [10, 0, 5]})
    dirs["b"] = "cost"
    r = sites.rank(df, {"a": 3, "b": 1}, "wsm", directions=dirs).set_index("code")
    assert_allclose(r.loc[["D0", "D1", "D2"], "contrib_a"], [0, 0.375, 0.75])
    assert_allclose(r.loc[["D0", "D1", "D2"], "contrib_b"], [0, 0.25, 0.125])
    assert_allclose(r["score"], r["contrib_a"] + r["contrib_b"])


@pytest.mark.parametrize("method", sites.METHODS)
def test_raising_a_benefit_criterion_of_one_district_never_lowers_its_score(method):
    rng = np.random.default_rng(7)
    for trial in range(40):
        df, dirs = _table({f"c{j}": list(rng.uniform(0, 20, 8)) for j in range(4)})
        dirs["c3"] = "cost"
        w = dict(zip(dirs, rng.uniform(0.05, 1, 4)))
        i, j = int(rng.integers(8)), f"c{int(rng.integers(3))}"
        before = sites.rank(df, w, method, directions=dirs).set_index("code").loc[f"D{i}", "score"]
        for bump in (0.5, 5, 50):
            raised = df.copy()
            raised.loc[i, j] += bump
            after = sites.rank(raised, w, method, directions=dirs).set_index("code").loc[f"D{i}", "score"]
            assert after >= before - 1e-12, (trial, method, i, j, bump)
            before = after


@pytest.mark.parametrize("method", sites.METHODS)
def test_all_weight_on_one_criterion_ranks_by_that_criterion(method):
    rng = np.random.default_rng(11)
    df, dirs = _table({f"c{j}": list(rng.permutation(10).astype(float) + 1) for j in range(3)})
    r = sites.rank(df, {"c0": 0, "c1": 1, "c2": 0}, method, directions=dirs)
    assert list(r["code"]) == list(df.sort_values("c1", ascending=False)["code"])
    dirs["c1"] = "cost"
    r = sites.rank(df, {"c1": 1}, method, directions=dirs)
    assert list(r["code"]) == list(df.sort_values("c1")["code"])


def test_all_weights_zero_or_excluded_is_refused_with_a_clear_message():
    df, dirs = _table({"a": [1, 2], "b": [3, 4]})
    with pytest.raises(InputError, match="all criterion weights are zero"):
        sites.rank(df, {"a": 0, "b": 0}, "wsm", directions=dirs)
    with pytest.raises(InputError, match="all criterion weights are zero"):
        sites.rank(df, {"a": 1}, "topsis", exclude=["a"], directions=dirs)
    with pytest.raises(InputError, match="all criterion weights are zero"):
        sites.sensitivity(df, {"a": 0.0}, directions=dirs)
    with pytest.raises(InputError, match="≥ 0"):
        sites.rank(df, {"a": -1, "b": 2}, "wsm", directions=dirs)
    with pytest.raises(InputError, match="unknown criteria"):
        sites.rank(df, {"nonsense": 1}, "wsm")
    with pytest.raises(InputError, match="method"):
        sites.rank(df, {"a": 1}, "vikor", directions=dirs)


@pytest.mark.parametrize("method", sites.METHODS)
def test_a_criterion_without_variation_contributes_nothing_and_gives_no_nan(method):
    df, dirs = _table({"a": [1.0, 5, 3], "flat": [0.0, 0, 0], "same": [2.0, 2, 2]})
    with pytest.warns(UserWarning, match="flat: no variation"):
        r = sites.rank(df, {"a": 1, "flat": 1, "same": 1}, method, directions=dirs)
    assert not r.isna().any().any()
    assert (r["contrib_flat"] == 0).all() and (r["contrib_same"] == 0).all()
    assert any("same: no variation" in w for w in r.attrs["warnings"])
    assert list(r["code"]) == ["D1", "D2", "D0"]
    with pytest.warns(UserWarning, match="every score is 0"):
        r = sites.rank(df, {"flat": 1}, method, directions=dirs)
    assert (r["score"] == 0).all() and not r.isna().any().any()


def test_sensitivity_is_reproducible_and_separates_robust_from_narrowly_ranked_districts():
    # A is best on every criterion; B is strong only on c1 and makes the top 2 only when c1 carries most of
    # the weight; C is middling everywhere.
    df, dirs = _table({"c1": [10, 9, 5, 0], "c2": [10, 0, 5, 4], "c3": [10, 0, 5, 4]})
    df["code"] = ["A", "B", "C", "D"]
    assert list(sites.rank(df, {"c1": 1}, "wsm", directions=dirs)["code"][:2]) == ["A", "B"]
    w = {"c1": 1, "c2": 1, "c3": 1}
    s1 = sites.sensitivity(df, w, "both", n=300, spread=0.3, top_k=2, seed=5, directions=dirs)
    s2 = sites.sensitivity(df, w, "both", n=300, spread=0.3, top_k=2, seed=5, directions=dirs)
    pd.testing.assert_frame_equal(s1, s2)
    s = s1.set_index("code")
    assert s.loc["A", "acceptability"] == 1.0 and s.loc["A", "rank_max"] == 1
    assert s.loc["B", "acceptability"] < 0.1
    assert s.loc["B", "rank_min"] <= s.loc["B", "rank_p05"] <= s.loc["B", "rank_p95"] <= s.loc["B", "rank_max"]
    assert not s.isna().any().any()
    other = sites.sensitivity(df, {"c1": 3, "c2": 1, "c3": 1}, "topsis", n=300, spread=0.3, top_k=2, seed=6,
                              directions=dirs).set_index("code")
    assert other.loc["A", "acceptability"] == 1.0 and other.loc["B", "acceptability"] > 0.5


def test_criteria_on_the_demo_database_cover_the_67_border_districts_without_nan(demo_db):
    con = connect(demo_db)  # same configuration as the app's cached connection in this process
    df = sites.criteria(con, F, Scope("analyst"))
    assert len(df) == 67 and df["code"].is_unique
    assert not df[list(sites.CRITERION_KEYS)].isna().any().any()
    assert set(sites.CRITERION_KEYS) <= set(df.columns)
    assert df["reports"].sum() > 0 and (df["momentum_months"] >= 12).all()
    assert set(df["mwcc_target"]) == {0.0, 1.0} and (df["verified_share"].between(0, 1)).all()
    for preset in sites.PRESETS:
        for method in sites.METHODS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = sites.rank(df, preset, method)
            assert len(r) == 67 and not r.isna().any().any() and r["rank"].min() == 1
    gov = sites.criteria(con, F, Scope("governor", province_code="27"))
    assert len(gov) > 0 and set(gov["province_code"]) == {"27"}
    assert set(gov["code"]) == set(df.loc[df["province_code"] == "27", "code"])
    con.close()


def test_a_district_without_reports_gets_zeros_not_nan(geo_db):
    con = connect(geo_db)
    df = sites.criteria(con, F, Scope("analyst"))
    assert len(df) == 67 and (df["reports"] == 0).all()
    assert not df[list(sites.CRITERION_KEYS)].isna().any().any()
    assert (df[["reports_per_border_km", "momentum", "verified_share", "median_days_to_verification"]] == 0).all().all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = sites.rank(df, "greatest_need", "topsis")
    assert not r.isna().any().any()
    con.close()


def test_swot_notes_are_stored_for_districts_and_parallel_area_pairs_and_bad_input_is_refused(geo_db):
    con = connect(geo_db)
    code, neighbour = con.execute("select district_code, neighbour_id from parallel_areas "
                                  "order by district_code, neighbour_id limit 1").fetchone()
    other = con.execute("select id from neighbour_districts where id not in "
                        "(select neighbour_id from parallel_areas where district_code = ?) limit 1",
                        [code]).fetchone()[0]
    a = sites.add_note(con, code, "threats", "  ยาเสพติดข้ามแดน ", "plan")
    b = sites.add_note(con, code, "strengths", "Joint patrols", "plan", neighbour_id=neighbour)
    n = sites.notes(con, [code])
    assert list(n["id"]) == [b, a]  # SWOT order: strengths before threats
    assert n.loc[n["id"] == a, "text"].item() == "ยาเสพติดข้ามแดน" and n.loc[n["id"] == a, "neighbour_id"].isna().all()
    assert n.loc[n["id"] == b, "neighbour_id"].item() == neighbour
    assert len(sites.notes(con, ["9999"])) == 0 and len(sites.notes(con)) == 2
    bad = [
        (dict(district_code=code, kind="risks", text="x", author="plan"), "kind: 'risks' is not allowed"),
        (dict(district_code=code, kind="threats", text="   ", author="plan"), "text: the note is empty"),
        (dict(district_code=code, kind="threats", text="x", author=""), "author: required"),
        (dict(district_code="1001", kind="threats", text="x", author="plan"), "not a border district"),
        (dict(district_code=code, kind="threats", text="x", author="plan", neighbour_id=other),
         "not a parallel area"),
    ]
    for kwargs, message in bad:
        with pytest.raises(InputError, match=message):
            sites.add_note(con, **kwargs)
    assert len(sites.notes(con)) == 2
    con.close()


def test_a_governor_writes_swot_notes_about_the_own_province_only(geo_db):
    from ntswatch_geo.scope import Scope

    con = connect(geo_db)
    try:
        gov = Scope("governor", province_code="27", username="gov27")
        assert sites.add_note(con, "2706", "threats", "Poipet casinos", "gov27", scope=gov) > 0
        with pytest.raises(InputError, match="outside your province"):
            sites.add_note(con, "2301", "threats", "not mine", "gov27", scope=gov)
        officer = Scope("district_officer", province_code="27", district_code="2706", username="off2706")
        with pytest.raises(InputError, match="outside your district"):
            sites.add_note(con, "2702", "strengths", "a neighbour's", "off2706", scope=officer)
        assert len(sites.notes(con)) == 1
    finally:
        con.close()
