"""Overview figures from DuckDB, checked against plain SQL, and the viewer's scope enforced in the package."""
from __future__ import annotations

import datetime as dt

import pytest

from ntswatch_geo import overview as ov
from ntswatch_geo.db import connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope

ANALYST = Scope("analyst")
F = Filters(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


@pytest.fixture(scope="module")
def con(demo_store):
    c = connect(demo_store)  # same configuration as the app's cached connection in this process
    yield c
    c.close()


def count(con, where: str, params=()):
    # counted reports only: duplicates and held ones are in no statistic (taxonomy.HELD_STATUSES)
    return con.execute(f"SELECT count(*) FROM reports WHERE ({where}) AND status NOT IN "
                       "('duplicate', 'suspected_spam', 'spam')", list(params)).fetchone()[0]


def test_kpis_count_the_period_and_the_previous_period_of_equal_length(con):
    k = ov.kpis(con, F, ANALYST)
    assert k.reports == count(con, "occurred_date BETWEEN ? AND ?", F.previous_period() and (F.date_from, F.date_to))
    assert k.prev_reports == count(con, "occurred_date BETWEEN ? AND ?", F.previous_period())
    assert k.change == pytest.approx((k.reports - k.prev_reports) / k.prev_reports)
    assert k.verified == count(con, "occurred_date BETWEEN ? AND ? AND status IN ('verified', 'forwarded')",
                               (F.date_from, F.date_to))


def test_median_days_to_verification_matches_sql(con):
    want = con.execute("""SELECT median(date_diff('hour', received_at, verified_at) / 24.0) FROM reports
                          WHERE occurred_date BETWEEN ? AND ? AND verified_at IS NOT NULL
                            AND status NOT IN ('duplicate', 'suspected_spam', 'spam')""",
                       [F.date_from, F.date_to]).fetchone()[0]
    assert ov.kpis(con, F, ANALYST).median_days_to_verification == pytest.approx(want)


def test_by_district_lists_every_border_district_with_zeros_and_adds_up(con):
    d = ov.by_district(con, F, ANALYST)
    assert len(d) == 67 and d["reports"].sum() == ov.kpis(con, F, ANALYST).reports
    assert (d["per_100km2"] >= 0).all() and d["per_100km2"].notna().all()


def test_monthly_by_category_fills_empty_months_with_zero(con):
    f = Filters(dt.date(2022, 11, 1), dt.date(2023, 2, 28), categories=("human_trafficking",))
    m = ov.monthly_by_category(con, f, ANALYST)
    assert list(m["month"].astype(str)) == ["2022-11-01", "2022-12-01", "2023-01-01", "2023-02-01"]
    assert list(m["reports"][:2]) == [0, 0]


def test_by_channel_lists_every_channel(con):
    ch = ov.by_channel(con, F, ANALYST)
    assert set(ch["channel"]) == {"online", "mwcc_office", "import"}
    assert ch["reports"].sum() == ov.kpis(con, F, ANALYST).reports


def test_a_governor_gets_only_their_province_even_when_the_filters_ask_for_another(con):
    gov = Scope("governor", province_code="27")
    mine = ov.kpis(con, F, gov).reports
    assert mine == count(con, "occurred_date BETWEEN ? AND ? AND province_code = '27'", (F.date_from, F.date_to))
    other = Filters(F.date_from, F.date_to, provinces=("23",), districts=("2302",))
    assert ov.kpis(con, other, gov).reports == 0
    assert set(ov.by_district(con, other, gov)["province_code"]) == {"27"}


def test_a_district_officer_gets_only_their_district(con):
    off = Scope("district_officer", province_code="27", district_code="2706")
    d = ov.by_district(con, F, off)
    assert list(d["code"]) == ["2706"]
    assert ov.kpis(con, F, off).reports == count(con, "occurred_date BETWEEN ? AND ? AND district_code = '2706'",
                                                  (F.date_from, F.date_to))


def test_mwcc_only_keeps_the_named_target_districts(con):
    f = Filters(F.date_from, F.date_to, mwcc_only=True)
    d = ov.by_district(con, f, ANALYST)
    assert d.loc[~d["mwcc"], "reports"].sum() == 0 and d.loc[d["mwcc"], "reports"].sum() > 0


def test_filters_given_as_values_never_reach_sql_as_text(con):
    evil = Filters(F.date_from, F.date_to, categories=("x'); DROP TABLE reports; --",))
    assert ov.kpis(con, evil, ANALYST).reports == 0
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] > 0


def test_synthetic_in_view_counts_the_synthetic_reports_shown(con):
    s, n = ov.synthetic_in_view(con, F, ANALYST)
    assert s == n == ov.kpis(con, F, ANALYST).reports
