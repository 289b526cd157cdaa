"""Trends: change classes at their boundaries, zero-filled series, STL, verification, peers, scope."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest

from ntswatch_geo import trends as tr
from ntswatch_geo.db import connect
from ntswatch_geo.errors import InputError
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope

from conftest import DEMO_END  # noqa: E402

ANALYST = Scope("analyst")


# ------------------------------------------------------------------------------------------ change classes

@pytest.mark.parametrize("current, baseline, expected", [
    (126, 100, "large_increase"),      # +26 %
    (125, 100, "moderate_increase"),   # exactly +25 %: moderate
    (111, 100, "moderate_increase"),   # +11 %
    (110, 100, "little_change"),       # exactly +10 %: little change
    (100, 100, "little_change"),
    (90, 100, "little_change"),        # exactly -10 %: little change
    (89, 100, "moderate_decrease"),
    (75, 100, "moderate_decrease"),    # exactly -25 %: moderate
    (74, 100, "large_decrease"),
    (0, 12, "large_decrease"),         # -100 %
    (10, 0, "new"),                    # zero baseline, current at the minimum
    (9, 0, "too_few"),                 # zero baseline, current below the minimum
    (0, 0, "too_few"),
    (9, 9, "too_few"),                 # both below 10
    (9, 4, "too_few"),                 # +125 % but both below 10
    (10, 9, "moderate_increase"),      # one period reaches the minimum: +11 %
    (5, 10, "large_decrease"),
    (5, 4, "too_few"),
])
def test_change_classes_at_their_boundaries(current, baseline, expected):
    assert tr.change_class(current, baseline) == expected


def test_change_class_boundaries_are_exact_for_large_counts():
    # 25 % of 1,000,003 is not a whole number; the comparison is done in integers, never rounded
    assert tr.change_class(1_250_003, 1_000_002) == "large_increase"    # +25.0000999 %
    assert tr.change_class(1_250_002, 1_000_002) == "moderate_increase"  # +24.99999 %
    assert tr.change_class(1_100_001, 1_000_010) == "little_change"      # +9.999 %


def test_the_minimum_volume_is_a_parameter():
    assert tr.change_class(4, 2, min_reports=3) == "large_increase"
    assert tr.change_class(4, 0, min_reports=3) == "new"


# -------------------------------------------------------------------- series on hand-made reports

def add_reports(con, rows):
    """rows: (occurred_date, district_code, category, channel, status)."""
    start = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    for i, (day, district, category, channel, status) in enumerate(rows, start=start + 1):
        con.execute("""INSERT INTO reports (ref_no, occurred_date, occurred_precision, received_at, category,
                         channel, location_precision, district_code, province_code, status, verified_at, source)
                       VALUES (?, ?, 'day', ?, ?, ?, 'district', ?, ?, ?, ?, 'test')""",
                    [f"T-{i}", day, dt.datetime.combine(day, dt.time(9)), category, channel, district,
                     district[:2], status,
                     dt.datetime.combine(day, dt.time(9)) + dt.timedelta(days=3) if status != "new" else None])


@pytest.fixture
def small(geo_db):
    con = connect(geo_db)
    d = dt.date
    add_reports(con, [
        (d(2026, 1, 5), "2706", "smuggling", "online", "verified"),
        (d(2026, 1, 20), "2706", "smuggling", "mwcc_office", "forwarded"),
        (d(2026, 1, 21), "4801", "drug_trafficking", "online", "new"),
        (d(2026, 3, 3), "2706", "smuggling", "online", "rejected"),
        (d(2026, 3, 31), "4801", "smuggling", "online", "verified"),
        (d(2026, 4, 1), "2706", "online_fraud", "online", "new"),
    ])
    yield con
    con.close()


def test_a_month_without_reports_is_a_zero_row(small):
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31), districts=("2706",), categories=("smuggling",))
    s = tr.series(small, f, ANALYST, by=("district", "category"), freq="month")
    assert list(s["period"].astype(str)) == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert list(s["reports"]) == [2, 0, 1]
    assert list(s["district_en"].unique()) == ["Aranyaprathet"]


def test_every_border_district_in_scope_gets_its_zero_rows(small):
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    s = tr.series(small, f, ANALYST, by=("district",), freq="month")
    assert len(s) == 67 * 3 and s["reports"].sum() == 5
    assert s.loc[(s["district_code"] == "4801") & (s["period"] == "2026-02-01"), "reports"].item() == 0
    gov = tr.series(small, f, Scope("governor", province_code="48"), by=("district",), freq="month")
    assert set(gov["province_code"]) == {"48"} and gov["reports"].sum() == 2


@pytest.mark.parametrize("freq, periods, counts", [
    ("week", ["2025-12-29", "2026-01-05", "2026-01-12", "2026-01-19"], [0, 1, 0, 2]),
    ("month", ["2026-01-01"], [3]),
    ("quarter", ["2026-01-01"], [3]),
])
def test_weeks_months_and_quarters_bin_by_the_first_day(small, freq, periods, counts):
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 25))
    s = tr.series(small, f, ANALYST, by=(), freq=freq)
    assert list(s["period"].astype(str)) == periods and list(s["reports"]) == counts


def test_quarters_and_the_complete_flag(small):
    f = Filters(dt.date(2025, 12, 15), dt.date(2026, 4, 30))
    s = tr.series(small, f, ANALYST, by=("channel",), freq="quarter")
    q = s.groupby("period")["reports"].sum()
    assert list(q.index.astype(str)) == ["2025-10-01", "2026-01-01", "2026-04-01"] and list(q) == [0, 5, 1]
    assert set(s["channel"]) == {"online", "mwcc_office", "import"}
    # Q4 2025 starts before the filter, Q2 2026 runs past it and past the data (last receipt 1 April)
    assert s.groupby("period")["complete"].first().tolist() == [False, True, False]


def test_series_keys_can_be_mixed_and_bad_keys_are_named(small):
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31), provinces=("27",))
    s = tr.series(small, f, ANALYST, by=("province", "category", "channel"))
    assert len(s) == 1 * 6 * 3 and s["reports"].sum() == 2
    assert set(s.columns) == {"period", "period_end", "complete", "province_code", "province_th", "province_en",
                              "category", "channel", "reports"}
    with pytest.raises(ValueError, match="allowed: category, province, district, channel"):
        tr.series(small, f, ANALYST, by=("village",))
    with pytest.raises(ValueError, match="allowed: week, month, quarter"):
        tr.series(small, f, ANALYST, freq="day")


def test_change_table_counts_the_three_windows_and_classes_them(small):
    f = Filters(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    c = tr.change_table(small, f, ANALYST, by=("district",), min_reports=1)
    row = c.set_index("district_code").loc["2706"]
    assert (row["current"], row["previous"], row["last_year"]) == (2, 2, 0)
    assert row["class_previous"] == "little_change" and row["class_last_year"] == "new"
    assert c.attrs["periods"]["previous"] == (dt.date(2025, 12, 30), dt.date(2026, 2, 28))
    total = tr.change_table(small, f, ANALYST, by=())
    assert len(total) == 1 and total["current"].item() == 3 and total["class_previous"].item() == "too_few"


def test_same_period_last_year_turns_29_february_into_28():
    assert tr.same_period_last_year(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == (dt.date(2023, 2, 1),
                                                                                   dt.date(2023, 2, 28))


def test_the_funnel_counts_each_stage_reached(small):
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    fun = tr.verification_funnel(small, f, ANALYST)
    assert list(fun["stage"]) == ["received", "reviewed", "verified", "forwarded"]
    assert list(fun["reports"]) == [6, 4, 3, 1] and fun.attrs["closed"] == 1
    days = tr.verification_days(small, f, ANALYST).set_index("district_code")
    assert days.loc["2706", "median_days"] == pytest.approx(3.0) and days.loc["2706", "waiting"] == 1
    assert len(days) == 67


# --------------------------------------------------------------------------------------- statistics

def test_a_flat_series_is_not_significant_and_matches_pymannkendall():
    x = np.random.default_rng(42).poisson(30, 36)
    got = tr.mann_kendall(x)
    want, want_s = mk.original_test(x), mk.seasonal_test(x, period=12)
    # 36 months: the main result is the seasonal test; the plain one is kept in the mk_ columns
    assert got["test"] == "seasonal_mann_kendall" and got["note"] == ""
    assert got["trend"] == "no trend" and got["p_value"] == want_s.p
    assert got["sen_slope"] == pytest.approx(want_s.slope / 12)
    assert got["mk_trend"] == "no trend" and got["mk_p_value"] == want.p and got["mk_sen_slope"] == want.slope
    assert got["p_value"] > 0.05 and got["seasonal_trend"] == "no trend" and not got["small_count"]


def test_series_shorter_than_the_minimum_are_too_short():
    assert tr.mann_kendall(np.arange(11))["trend"] == "too_short"
    r = tr.mann_kendall(np.arange(12) * 3.0)
    assert r["trend"] == "increasing" and r["sen_slope"] == pytest.approx(3.0)
    assert r["test"] == "mann_kendall" and r["note"] == "seasonality_not_accounted"  # 12-23 months: plain test
    assert r["seasonal_trend"] == "too_short"       # seasonal needs 24 months
    z = tr.mann_kendall(np.zeros(24))
    assert z["trend"] == "no trend" and z["test"] == "seasonal_mann_kendall" and z["small_count"]


def test_small_counts_are_flagged():
    x = np.random.default_rng(3).poisson(0.6, 24)
    assert tr.mann_kendall(x)["small_count"] and not tr.mann_kendall(x + 1)["small_count"]


def test_the_page_says_how_many_months_there_are_and_how_many_are_needed():
    short = pd.DataFrame({"months": [11, 11], "small_count": [False, False]})
    assert "11" in tr.trend_notice(short, "en") and "12" in tr.trend_notice(short, "en")
    assert "whole period" in tr.trend_notice(short, "en") and "ขยายช่วงวันที่" in tr.trend_notice(short, "th")
    plain = pd.DataFrame({"months": [18], "small_count": [True]})
    assert "seasonality" in tr.trend_notice(plain, "en") and "Few reports" in tr.trend_notice(plain, "en")
    assert "small_count" not in tr.trend_notice(plain, "en") + tr.trend_notice(plain, "th")    # words, not codes
    assert tr.trend_notice(pd.DataFrame({"months": [30], "small_count": [False]}), "en") is None


def test_every_trend_result_and_test_has_a_label_in_both_languages():
    for lang in ("th", "en"):
        for value in ("increasing", "decreasing", "no trend", "too_short"):
            text = tr.trend_label(value, lang)
            assert text and "_" not in text and "trends." not in text and text != value, (lang, value)
        for value in ("seasonal_mann_kendall", "mann_kendall", "too_short"):
            text = tr.test_label(value, lang)
            assert text and "trends." not in text and "_" not in text, (lang, value)
    assert tr.trend_label("increasing", "th") == "เพิ่มขึ้น" and tr.trend_label("no trend", "en") == "No trend"


def test_stl_components_add_up_to_the_series():
    rng = np.random.default_rng(7)
    months = pd.date_range("2023-01-01", periods=40, freq="MS")
    x = 100 + 2 * np.arange(40) + 20 * np.cos(2 * np.pi * np.arange(40) / 12) + rng.normal(0, 5, 40)
    df = tr.stl_components(months, x)
    assert len(df) == 40
    np.testing.assert_allclose(df["trend"] + df["seasonal"] + df["remainder"], x, rtol=0, atol=1e-9)
    assert df["seasonal"].abs().max() > 10        # it found the yearly cycle
    assert tr.stl_components(months[:23], x[:23]).attrs["reason"] == "too_short"
    fig = tr.stl_figure(df, "th")
    assert len(fig.data) == 4


@pytest.fixture(scope="module")
def demo(demo_store):
    c = connect(demo_store)
    yield c
    c.close()


def test_stl_of_the_selected_series_adds_up(demo):
    f = Filters(dt.date(2023, 1, 1), dt.date(2026, 10, 31), categories=("drug_trafficking",))
    df = tr.stl_decompose(demo, f, ANALYST)
    assert len(df) == 46
    np.testing.assert_allclose(df["trend"] + df["seasonal"] + df["remainder"], df["observed"], atol=1e-9)
    empty = tr.stl_decompose(demo, Filters(dt.date(2026, 1, 1), dt.date(2026, 10, 31)), ANALYST)
    assert len(empty) == 0
    with pytest.raises(ValueError, match="too few months"):      # no empty four-panel frame
        tr.stl_figure(empty, "en")


def test_too_short_a_seasonal_series_says_how_many_months_and_from_when_instead_of_an_empty_chart(demo):
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    msg = tr.stl_message(demo, f, ANALYST, tr.stl_decompose(demo, f, ANALYST), "en")
    assert "24" in msg and "10" in msg and "Nov 2024" in msg and "whole period" in msg
    th = tr.stl_message(demo, f, ANALYST, tr.stl_decompose(demo, f, ANALYST), "th")
    assert "24" in th and "พ.ย. 2567" in th                       # Thai month, Buddhist-era year
    whole = tr.test_window(demo, f, ANALYST)
    assert tr.stl_message(demo, whole, ANALYST, tr.stl_decompose(demo, whole, ANALYST), "en") is None
    # dates that already start with the data cannot be widened: the page says to wait
    early = Filters(dt.date(2023, 1, 1), dt.date(2024, 6, 30))
    msg = tr.stl_message(demo, early, ANALYST, tr.stl_decompose(demo, early, ANALYST), "en")
    assert "24" in msg and "come in" in msg
    none = Filters(dt.date(2026, 1, 1), dt.date(2026, 10, 31), districts=("1001",))   # Bangkok: no reports
    assert "No reports" in tr.stl_message(demo, none, ANALYST, tr.stl_decompose(demo, none, ANALYST), "en")


def test_trend_tests_on_the_default_dates_run_on_the_whole_period_and_are_not_too_short(demo):
    default = Filters(DEMO_END - dt.timedelta(days=364), DEMO_END)       # the dashboard's default: 365 days
    assert tr.trend_tests(demo, default, ANALYST)["months"].max() < tr.MIN_MONTHS_SEASONAL
    window = tr.test_window(demo, default, ANALYST)                       # "all" is the default
    assert window.date_from == dt.date(2023, 1, 1) and window.date_to == default.date_to
    res = tr.trend_tests(demo, window, ANALYST)
    assert (res["months"] == 46).all() and (res["test"] == "seasonal_mann_kendall").all()
    assert not (res["trend"] == "too_short").any()
    assert tr.complete_months_in(demo, window, ANALYST) == 46
    assert tr.test_window(demo, default, ANALYST, "filter") == default
    narrowed = Filters(default.date_from, default.date_to, categories=("smuggling",), provinces=("27",))
    kept = tr.test_window(demo, narrowed, ANALYST)
    assert kept.categories == ("smuggling",) and kept.provinces == ("27",)    # only the dates widen
    with pytest.raises(InputError, match="window"):
        tr.test_window(demo, default, ANALYST, "last_year")


def test_the_test_window_of_a_scope_without_reports_is_the_filter_itself(geo_db):
    con = connect(geo_db)
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    assert tr.test_window(con, f, ANALYST) == f
    con.close()


def test_small_multiples_name_their_months_in_thai_in_thai_mode_and_in_english_in_english(demo):
    from ntswatch_geo import charts
    from ntswatch_geo.i18n import TH_MONTHS

    dd = tr.series(demo, Filters(dt.date(2025, 11, 1), DEMO_END), ANALYST, by=("district",))
    th, en = charts.district_small_multiples(dd, "th"), charts.district_small_multiples(dd, "en")
    assert len(th.data) == 12 and len(th.layout.annotations) == 12          # one titled panel per district
    ticks_th, ticks_en = list(th.layout.xaxis.ticktext), list(en.layout.xaxis.ticktext)
    assert ticks_th and all(any(m in x for m in TH_MONTHS) and "25" in x for x in ticks_th), ticks_th   # BE
    assert ticks_en and all(x.split()[0] in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                             "Nov", "Dec") and x.split()[1] in ("2025", "2026") for x in ticks_en), ticks_en
    assert "2568" in th.data[0].customdata[0] or "2569" in th.data[0].customdata[0]
    names_th = {a.text for a in th.layout.annotations}
    assert "อรัญประเทศ" in names_th or any("\u0e00" <= ch <= "\u0e7f" for n in names_th for ch in n)
    quiet = dd.assign(reports=0)
    assert charts.district_small_multiples(quiet, "th") is None             # the page says so instead


def test_monthly_series_match_plain_sql(demo):
    f = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31), provinces=("27",))
    s = tr.series(demo, f, ANALYST, by=("category",))
    want = demo.execute("""SELECT count(*) FROM reports WHERE province_code = '27' AND category = 'smuggling'
                           AND occurred_date BETWEEN '2025-05-01' AND '2025-05-31'
                           AND status NOT IN ('duplicate', 'suspected_spam', 'spam')""").fetchone()[0]
    got = s[(s["category"] == "smuggling") & (s["period"] == "2025-05-01")]["reports"].item()
    assert got == want and len(s) == 12 * 6


def test_the_trend_panel_gives_one_row_per_category(demo):
    res = tr.trend_tests(demo, Filters(dt.date(2024, 1, 1), dt.date(2026, 10, 31)), ANALYST)
    assert list(res["category"]) == ["drug_trafficking", "human_trafficking", "illegal_migration", "smuggling",
                                     "online_fraud", "other"]
    assert (res["months"] == 34).all()


def test_a_province_is_compared_with_the_provinces_on_the_same_border(demo):
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    ctx = tr.province_context(demo, f, ANALYST, "27")   # Sa Kaeo, Cambodian border
    assert set(ctx["province_code"]) == {"22", "23", "27", "31", "32", "33", "34"}   # 34: Nam Yuen faces Cambodia
    home = ctx.set_index("province_code").loc["27"]
    want = demo.execute("""SELECT count(*) FROM reports r JOIN districts d ON d.code = r.district_code
                           WHERE d.is_border AND r.province_code = '27'
                             AND occurred_date BETWEEN '2026-01-01' AND '2026-06-30'
                             AND status NOT IN ('duplicate', 'suspected_spam', 'spam')""").fetchone()[0]
    assert home["is_home"] and home["reports"] == want
    assert home["per_100km2"] == pytest.approx(want * 100 / home["border_area_km2"])
    assert home["per_km"] == pytest.approx(want / home["border_km"])
    lao = tr.province_context(demo, f, ANALYST, "48")
    assert "27" not in set(lao["province_code"]) and "57" in set(lao["province_code"])


def test_a_governor_sees_peer_totals_but_not_another_province_as_home(demo):
    f = Filters(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    gov = Scope("governor", province_code="27")
    mine = tr.province_context(demo, f, gov, "27").set_index("province_code")
    assert mine.loc["23", "reports"] == tr.province_context(demo, f, ANALYST, "27").set_index(
        "province_code").loc["23", "reports"]
    with pytest.raises(InputError, match="outside your scope"):
        tr.province_context(demo, f, gov, "23")


def test_a_governor_gets_only_their_province_in_every_panel(demo):
    f = Filters(dt.date(2025, 1, 1), dt.date(2026, 10, 31), provinces=("23",))
    gov = Scope("governor", province_code="27")
    assert tr.series(demo, f, gov, by=())["reports"].sum() == 0
    assert tr.change_table(demo, f, gov, by=())["current"].item() == 0
    table = tr.alert_table(demo, Filters(dt.date(2025, 1, 1), dt.date(2026, 10, 31)), gov)
    assert set(table["province_code"]) == {"27"}


# --------------------------------------------------------------------------------------- the Trends page

def _trends_page(demo_store, users_file, monkeypatch, lang: str):
    from streamlit.testing.v1 import AppTest

    from ntswatch_geo.config import PROJECT_ROOT

    monkeypatch.setenv("NTSWATCH_DB", str(demo_store))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.session_state["auth_user"] = "ana"
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("app_pages/trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _tests_frame(at):
    return next(d.value for d in at.dataframe if "seasonal_p_value" in d.value.columns)


def test_the_trends_page_tests_the_whole_period_by_default_with_labels_not_codes(demo_store, users_file, monkeypatch):
    at = _trends_page(demo_store, users_file, monkeypatch, "th")
    frame = _tests_frame(at)
    assert (frame["months"] == 46).all()
    assert set(frame["trend"]) <= {"เพิ่มขึ้น", "ลดลง", "ไม่มีแนวโน้ม"}             # a result, never too_short
    assert set(frame["test"]) == {"Mann-Kendall ตามฤดูกาล"}
    text = frame.astype(str).to_numpy().ravel().tolist()
    assert not {"too_short", "no trend", "increasing", "nan", "None"} & set(text)
    assert any("46 เดือน" in c.value and "ม.ค. 2566" in c.value for c in at.caption)
    charts = at.get("plotly_chart")
    assert len(charts) == 5                 # categories, small multiples, seasonality, funnel, channels


def test_on_the_sidebar_dates_the_page_says_how_many_months_are_needed_and_offers_to_widen(
        demo_store, users_file, monkeypatch):
    at = _trends_page(demo_store, users_file, monkeypatch, "en")
    at.button_group(key="tr_window").set_value("filter").run()
    assert not at.exception, [e.value for e in at.exception]
    infos = [i.value for i in at.info]
    # the default dates hold 12 complete months: the plain test, and no seasonal decomposition yet
    assert any("12 complete months" in i and "seasonal test needs 24" in i for i in infos), infos
    stl = next(i for i in infos if i.startswith("Seasonality needs at least 24"))
    assert "has 12" in stl and "Nov 2024" in stl
    assert len(at.get("plotly_chart")) == 4                             # no empty four-panel frame
    widen = next(b for b in at.button if b.key == "tr_widen")
    assert widen.label == "Use the whole period of data"
    widen.click().run()
    assert at.session_state["tr_window"] == "all" and (_tests_frame(at)["months"] == 46).all()
    assert len(at.get("plotly_chart")) == 5
