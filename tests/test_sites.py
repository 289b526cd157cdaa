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


def test_criteria_on_the_demo_database_cover_the_67_border_districts_without_nan(demo_store):
    con = connect(demo_store)  # same configuration as the app's cached connection in this process
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


# ------------------------------------------------------------------ need against the border, capped rates

def test_rates_are_capped_at_tukeys_outer_fence_and_other_values_are_kept():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 100])
    capped, fence = sites.cap_values(x)
    q1, q3 = np.percentile(x, [25, 75])
    assert fence == pytest.approx(q3 + 3 * (q3 - q1)) == pytest.approx(19.0)
    assert capped[-1] == pytest.approx(19.0) and list(capped[:-1]) == list(x[:-1])


def _with_tiny_district(crit: pd.DataFrame, reports: int = 60, area_km2: float = 2.0) -> pd.DataFrame:
    """The criteria with one more district: tiny (2 km²), 20 km of border, 60 reports in two years — five
    times the density of Khlong Yai, itself the densest — and middling everything else."""
    row = crit.median(numeric_only=True)
    tiny = {**{c: row.get(c, 0.0) for c in crit.columns if c not in sites.ID_COLUMNS},
            "code": "9999", "name_th": "เล็ก", "name_en": "Tiny", "province_code": "99",
            "province_th": "ทดสอบ", "province_en": "Test", "reports": reports, "area_km2": area_km2,
            "border_km": 20.0, "reports_per_100km2": reports * 100 / area_km2, "reports_per_border_km": reports / 20.0}
    return pd.concat([crit, pd.DataFrame([tiny])], ignore_index=True)


def test_a_tiny_district_with_few_reports_cannot_take_first_place_by_density(demo_store):
    con = connect(demo_store)
    crit = _with_tiny_district(sites.criteria(con, F, Scope("analyst")))
    con.close()
    dens = crit.set_index("code")["reports_per_100km2"]
    assert dens.idxmax() == "9999" and dens["9999"] > 3 * dens.drop("9999").max()      # densest by far
    assert crit["reports"].iloc[-1] < crit["reports"].iloc[:-1].median()                 # with few reports
    for preset in sites.PRESETS:
        for method in sites.METHODS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = sites.rank(crit, preset, method).set_index("code")
            assert r.loc["9999", "rank"] > 1, (preset, method)
            # a lead beyond the fence adds nothing: ten times the density, the same score
            denser = crit.copy()
            denser.loc[denser["code"] == "9999", "reports_per_100km2"] *= 10
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                again = sites.rank(denser, preset, method).set_index("code")
            assert again.loc["9999", "score"] == pytest.approx(r.loc["9999", "score"]), (preset, method)
    r = sites.rank(crit, "greatest_need", "topsis")
    assert "9999" in sites.capped_districts(crit, r)["reports_per_100km2"]
    # uncapped and with density weighed like the border rate (the old preset), density alone carried it
    old = {"reports_per_border_km": 3, "reports_per_100km2": 3, "momentum": 2, "median_days_to_verification": 1,
           "mwcc_target": 1}
    assert sites.rank(crit, old, "topsis", cap=False).iloc[0]["code"] == "9999"


@pytest.fixture(scope="module")
def planted_db(module_store_copy):
    """The geography with 50,000 background reports and the default scenario's planted signals."""
    from ntswatch_geo.scenario import DEFAULT_SCENARIO_PATH, load_scenario
    from ntswatch_geo.synth import generate

    path = module_store_copy("geo")
    con = connect(path)
    generate(con, 50_000, seed=7, scenario=load_scenario(DEFAULT_SCENARIO_PATH), end_date=DEMO_END)
    yield con
    con.close()


def test_the_planted_signals_rank_where_expected_and_khlong_yai_no_longer_leads_on_density(planted_db):
    last_year = Filters(date_from=dt.date(2025, 11, 1), date_to=DEMO_END)          # the page's default dates
    crit = sites.criteria(planted_db, last_year, Scope("analyst")).set_index("code", drop=False)
    # Khlong Yai (Trat, 76 km²) has by far the most reports per 100 km², an ordinary number per km of border
    assert crit["reports_per_100km2"].idxmax() == "2302"
    assert crit.loc["2302", "reports_per_100km2"] > 3 * crit["reports_per_100km2"].drop("2302").max()
    assert crit.loc["2302", "reports_per_border_km"] < crit["reports_per_border_km"].quantile(0.9)
    for preset in sites.PRESETS:
        for method in sites.METHODS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = sites.rank(crit.reset_index(drop=True), preset, method).set_index("code")
            # Aranyaprathet: the busiest border (facing Poipet) with the planted trafficking ramp — first
            assert r.loc["2706", "rank"] == 1, (preset, method, r.head(3))
            assert r.loc["2302", "rank"] > 1
            if preset not in ("strongest_partnership", "cooperation_record"):   # a need shortlist keeps Khlong Yai
                assert r.loc["2302", "rank"] <= 5, (preset, method)
    ranked = sites.rank(crit.reset_index(drop=True), "greatest_need", "topsis")
    first, second = ranked["score"].iloc[:2]
    assert first - second > 0.1                                        # no longer a near tie either way
    # the new drug route at Bueng Khong Long (a step in the last three months) lifts its momentum
    assert crit.loc["3806", "momentum"] > crit["momentum"].median()


def test_the_method_rows_record_method_preset_weights_with_units_and_caps(demo_store):
    con = connect(demo_store)
    crit = sites.criteria(con, F, Scope("analyst"))
    con.close()
    ranked = sites.rank(crit, "greatest_need", "wsm")
    sens = sites.sensitivity(crit, "greatest_need", "both", n=20, top_k=5, seed=1)
    rows = dict(sites.method_rows(ranked, sens, "th", crit=crit))
    assert rows["วิธีการ"] == "ผลรวมถ่วงน้ำหนัก" and rows["ชุดน้ำหนัก"] == "ความจำเป็นสูงสุด"
    weight = rows["น้ำหนัก: รายงานต่อกิโลเมตรแนวชายแดน (รายงานต่อ กม. ของแนวชายแดน)"]
    assert weight.startswith("44.4%")                                   # 4 of 9
    assert "ตร.กม." in next(k for k in rows if "100 ตร.กม." in k)
    assert "20" in rows["การตรวจสอบความคงตัว"] and "TOPSIS" in rows["การตรวจสอบความคงตัว"]
    en = dict(sites.method_rows(ranked, sens, "en", crit=crit))
    assert "Reports per 100 km² (reports per 100 km²)" in " ".join(en)   # km², never "reports/100 km"
    assert en["Method"] == "Weighted sum" and en["Weights preset"] == "Greatest need"
    assert all(c.unit_in("th") and c.unit_in("en") for c in sites.CRITERIA)


# ------------------------------------------------------------------------ the page: files made on demand

def test_moving_a_weight_slider_reranks_without_building_any_file(demo_store, users_file, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ntswatch_geo import exports, site_sheet
    from ntswatch_geo.config import PROJECT_ROOT

    monkeypatch.setenv("NTSWATCH_DB", str(demo_store))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    built = []
    for module, name in ((exports, "sites_workbook"), (exports, "sites_csv"), (exports, "xlsx_bytes"),
                         (exports, "csv_bytes"), (site_sheet, "district_sheet")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k: built.append(_name) or _real(*a, **k))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.session_state["auth_user"] = "plan"
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("app_pages/sites.py").run()
    assert not at.exception, [e.value for e in at.exception]
    before = list(at.dataframe[0].value["name"])
    assert at.selectbox(key="st_preset__en").value == "greatest_need"
    names = [s.label for s in at.slider if s.key.startswith("st_w_")]      # each slider named by its criterion
    assert len(names) == len(set(names)) > 1, names
    assert set(names) <= {f"Weight of {c.label_en}" for c in sites.CRITERIA}, names
    at.slider(key="st_w_reports_per_border_km_greatest_need").set_value(0.0).run()
    at.slider(key="st_w_momentum_greatest_need").set_value(5.0).run()
    assert not at.exception, [e.value for e in at.exception]
    after = list(at.dataframe[0].value["name"])
    assert after != before and sorted(after) == sorted(before)       # re-ranked, the same 67 districts
    assert built == []                                                 # no CSV, XLSX or PDF made on the way
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Ranking (CSV)", "Workbook (XLSX)", "One-page PDF of this district", "Model-site dossier (PDF)"]
    captions = " ".join(c.value for c in at.caption)
    assert "per km of international border count most" in captions and "outer fence" in captions
