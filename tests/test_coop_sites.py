"""The cooperation record as model-site criteria (ntswatch_geo/sites.py, queries/sites_criteria.sql): partnership
strength per year, continuity (months since the last activity, capped at 36 for none), change agents trained to
date; scoped reads; switched off they change nothing, switched on a district with a strong partnership moves up."""
from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from ntswatch_geo import sites
from ntswatch_geo.cooperation import record, summary
from ntswatch_geo.db import connect, transaction
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope

from conftest import DEMO_END

F = Filters(date_from=dt.date(2025, 11, 1), date_to=DEMO_END)          # 365 days, the Sites page's default
YEARS = 365 / 365.25
ANALYST = Scope("analyst")
TODAY = dt.date(2026, 11, 1)


def activity(con, district: str, day: dt.date, kind: str = "workshop", *, facing: bool = True, thai: int = 20,
             across: int = 0, agents: int = 0, budget: int = 50_000) -> dict:
    """One checked activity of `district` (its first parallel area as the facing district when `facing`)."""
    neighbour, country = con.execute("SELECT neighbour_id, country FROM parallel_areas WHERE district_code = ? "
                                     "ORDER BY neighbour_id LIMIT 1", [district]).fetchone()
    side = "la" if country == "LA" else "kh"
    raw = {"activity_type": kind, "start_date": day.isoformat(), "district": district,
           "facing": neighbour if facing else "", "th_leaders": str(thai), f"{side}_citizens": str(across),
           "change_agents": str(agents), "budget_thb": str(budget), "title": f"{kind} {district} {day}"}
    checked = record.check(con, raw, None, TODAY)
    assert checked.ok, checked.issues
    return checked.activity


def seed_activities(con) -> None:
    """The known record: Mueang Nakhon Phanom (4801) has a joint workshop in the filter dates with 30 Lao
    participants, a training there (25 change agents, not joint), a training before the dates (10 change agents)
    and an old joint visit; Aranyaprathet (2706) one joint workshop with 5 Cambodians; Khong Chiam (3405) one
    activity 45 months before the end. Every other district has none."""
    acts = [activity(con, "4801", dt.date(2026, 3, 10), across=30),
            activity(con, "4801", dt.date(2026, 8, 20), "nts_literacy_training", facing=False, agents=25),
            activity(con, "4801", dt.date(2024, 1, 10), "nts_literacy_training", facing=False, agents=10),
            activity(con, "4801", dt.date(2024, 6, 1), "visit_across", across=100),
            activity(con, "2706", dt.date(2026, 9, 1), across=5),
            activity(con, "3405", dt.date(2023, 1, 5), across=12)]
    ids = transaction(con, lambda: record.store(con, acts, actor="test", source="entry"))
    assert all(ids)


@pytest.fixture
def coop_db(store_copy):
    """A copy of the demo store (20,000 synthetic reports) with the known record of `seed_activities`."""
    path = store_copy("demo")
    con = connect(path)
    seed_activities(con)
    yield con
    con.close()


def test_the_criteria_follow_the_known_record(coop_db):
    crit = sites.criteria(coop_db, F, ANALYST).set_index("code")
    assert len(crit) == 67 and not crit[list(sites.COOPERATION_KEYS)].isna().any().any()
    # one joint activity in the dates with 30 people across: 1 + log10(31) points, over a 365-day period
    assert crit.loc["4801", "partnership_strength"] == pytest.approx((1 + math.log10(31)) / YEARS)
    assert crit.loc["2706", "partnership_strength"] == pytest.approx((1 + math.log10(6)) / YEARS)
    assert crit.loc["3405", "partnership_strength"] == 0                      # its activity is before the dates
    # continuity: calendar months from the last activity to 31 Oct 2026
    assert crit.loc["4801", "months_since_activity"] == 2                     # 20 Aug 2026
    assert crit.loc["2706", "months_since_activity"] == 1                     # 1 Sep 2026
    assert crit.loc["3405", "months_since_activity"] == sites.CONTINUITY_CAP_MONTHS   # 45 months: capped
    # change agents: every training up to the end, also before the dates
    assert crit.loc["4801", "change_agents"] == 35 and crit.loc["2706", "change_agents"] == 0
    others = crit.drop(["4801", "2706", "3405"])
    assert (others["partnership_strength"] == 0).all() and (others["change_agents"] == 0).all()
    assert (others["months_since_activity"] == sites.CONTINUITY_CAP_MONTHS).all()
    # the same partnership points as the Cooperation page's district summary, as a rate per year
    s = summary.district_summary(coop_db, ANALYST, F.date_to, date_from=F.date_from).set_index("code")
    assert np.allclose(crit["partnership_strength"], s.loc[crit.index, "partnership_points"] / YEARS)


def test_the_criteria_are_counted_as_of_the_end_of_the_filter_dates(coop_db):
    june = Filters(date_from=dt.date(2025, 7, 1), date_to=dt.date(2026, 6, 30))
    crit = sites.criteria(coop_db, june, ANALYST).set_index("code")
    assert crit.loc["4801", "months_since_activity"] == 3                     # 10 Mar -> 30 Jun 2026
    assert crit.loc["4801", "change_agents"] == 10                            # the August training not yet
    assert crit.loc["2706", "months_since_activity"] == sites.CONTINUITY_CAP_MONTHS   # its workshop is later
    assert crit.loc["2706", "partnership_strength"] == 0
    days = (june.date_to - june.date_from).days + 1
    assert crit.loc["4801", "partnership_strength"] == pytest.approx((1 + math.log10(31)) / (days / 365.25))


def test_a_governor_and_a_district_officer_read_their_own_area_only(coop_db):
    everyone = sites.criteria(coop_db, F, ANALYST).set_index("code")
    gov = sites.criteria(coop_db, F, Scope("governor", province_code="48")).set_index("code")
    assert set(gov["province_code"]) == {"48"} and "4801" in gov.index and "2706" not in gov.index
    cols = list(sites.COOPERATION_KEYS)
    pd.testing.assert_frame_equal(gov[cols], everyone.loc[gov.index, cols])
    officer = sites.criteria(coop_db, F, Scope("district_officer", province_code="27", district_code="2706"))
    assert list(officer["code"]) == ["2706"]
    assert officer.iloc[0]["partnership_strength"] == pytest.approx(everyone.loc["2706", "partnership_strength"])
    assert officer.iloc[0]["months_since_activity"] == 1
    other = sites.criteria(coop_db, F, Scope("governor", province_code="27")).set_index("code")
    assert (other.drop("2706")["months_since_activity"] == sites.CONTINUITY_CAP_MONTHS).all()


def test_a_district_without_any_activity_gets_the_worst_continuity_not_nan(geo_db):
    con = connect(geo_db)
    try:
        crit = sites.criteria(con, F, ANALYST)
    finally:
        con.close()
    assert (crit["months_since_activity"] == sites.CONTINUITY_CAP_MONTHS).all()
    assert (crit["partnership_strength"] == 0).all() and (crit["change_agents"] == 0).all()
    c = sites.CRITERIA_BY_KEY["months_since_activity"]
    assert c.direction == "cost" and c.group == "cooperation" and "36" in c.unit and "36" in c.unit_th


def test_the_older_presets_give_the_cooperation_criteria_no_weight_and_rank_as_before(store_copy):
    path = store_copy("demo")
    con = connect(path)
    try:
        before = sites.criteria(con, F, ANALYST)
        seed_activities(con)
        after = sites.criteria(con, F, ANALYST)
    finally:
        con.close()
    report_cols = [k for k in sites.CRITERION_KEYS if k not in sites.COOPERATION_KEYS]
    pd.testing.assert_frame_equal(before[report_cols], after[report_cols])     # the record adds columns only
    for preset, weights in sites.PRESETS.items():
        if preset == "cooperation_record":
            continue
        assert not any(weights.get(k, 0) for k in sites.COOPERATION_KEYS), preset
        for method in sites.METHODS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a = sites.rank(before, preset, method)
                b = sites.rank(after, preset, method)
            pd.testing.assert_frame_equal(a[["code", "rank", "score"]], b[["code", "rank", "score"]])


@pytest.mark.parametrize("method", sites.METHODS)
def test_switching_the_cooperation_criteria_on_moves_a_strong_partnership_up(store_copy, method):
    path = store_copy("demo")
    con = connect(path)
    try:
        crit0 = sites.criteria(con, F, ANALYST)
        need = sites.rank(crit0, "greatest_need", method)
        # a district in the lower half on need, with a parallel area, gets a strong and recent partnership
        weak = need[need["rank"] > len(need) // 2]["code"].tolist()
        code = next(c for c in weak if con.execute("SELECT count(*) FROM parallel_areas WHERE district_code = ?",
                                                    [c]).fetchone()[0])
        acts = [activity(con, code, dt.date(2026, m, 5), across=40, agents=15 if m == 9 else 0,
                         kind="nts_literacy_training" if m == 9 else "workshop") for m in (2, 5, 7, 9)]
        transaction(con, lambda: record.store(con, acts, actor="test", source="entry"))
        crit = sites.criteria(con, F, ANALYST)
    finally:
        con.close()
    off = {**sites.PRESETS["greatest_need"], **{k: 0 for k in sites.COOPERATION_KEYS}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        switched_off = sites.rank(crit, off, method)
    # weight 0: exactly the ranking of the criteria before any activity was recorded
    pd.testing.assert_frame_equal(switched_off[["code", "rank", "score"]], need[["code", "rank", "score"]])
    on = {**sites.PRESETS["greatest_need"], "partnership_strength": 2, "months_since_activity": 1,
          "change_agents": 1}
    switched_on = sites.rank(crit, on, method).set_index("code")
    was = int(need.set_index("code").loc[code, "rank"])
    now = int(switched_on.loc[code, "rank"])
    assert now < was, (code, was, now)
    assert switched_on.loc[code, "contrib_partnership_strength"] > 0
    assert list(switched_on.index) != list(need["code"])
    # the preset that uses them moves it up too
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # before the activities: the record has no variation
        preset0 = sites.rank(crit0, "cooperation_record", method).set_index("code")
    preset = sites.rank(crit, "cooperation_record", method).set_index("code")
    assert preset.loc[code, "rank"] < preset0.loc[code, "rank"]


def test_a_sparse_criterion_is_capped_at_the_fence_of_the_districts_that_have_it():
    x = np.array([0.0] * 60 + [1, 2, 3, 4, 5, 6, 40.0])
    full, fence_all = sites.cap_values(x)
    assert fence_all == 0 and full.max() == 0                      # the plain fence would wipe it out
    capped, fence = sites.cap_values(x, sparse=True)
    q1, q3 = np.percentile(x[x > 0], [25, 75])
    assert fence == pytest.approx(q3 + sites.FENCE_IQR * (q3 - q1))
    assert capped[-1] == pytest.approx(fence) and fence < 40 and list(capped[:-1]) == list(x[:-1])
    assert set(sites.SPARSE) == {"partnership_strength", "change_agents"}
    assert set(sites.SPARSE) <= set(sites.CAPPED)
