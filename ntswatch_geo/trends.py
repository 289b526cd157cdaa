"""Trends: series, change against earlier periods, trend tests, seasonality, alerts, verification, peers.

Every data function takes `(con, filters, scope, ...)`, counts in DuckDB through the `filtered_reports`
macro (queries/trends_*.sql) and returns a small pandas frame whose size depends on the number of periods and
keys, never on the number of reports. The statistics wrap pymannkendall, statsmodels and scipy.

One call per panel of a Trends page:

| panel | call |
|---|---|
| series by week / month / quarter, any mix of keys | `series(con, f, scope, by=("category",), freq="month")` |
| change table (previous period, same period last year) | `change_table(con, f, scope, by=("district",))` |
| trend tests per group | `trend_tests(con, f, scope, by=("category",))` |
| seasonality of the selected series | `stl_decompose(con, f, scope)` then `stl_figure(df, lang)` |
| alerts | `alerts(con, f, scope)` (latest complete month) or `alerts(con, f, scope, month="all")` |
| channels over time | `by_channel(con, f, scope, freq="month")` |
| verification funnel / days to verification | `verification_funnel(...)`, `verification_days(...)` |
| the province against its peers | `province_context(con, f, scope, province_code)` |

Rules (constants below; tests/test_trends*.py check the boundaries)

Change classes, in the spirit of ACLED's early-warning levels. change = (current − baseline) / baseline,
compared in exact integer arithmetic, so the boundaries are exact:
    large increase      change > +25 %
    moderate increase   +10 % < change ≤ +25 %       (exactly +25 % is moderate)
    little change       −10 % ≤ change ≤ +10 %       (exactly ±10 % is little change)
    moderate decrease   −25 % ≤ change < −10 %       (exactly −25 % is moderate)
    large decrease      change < −25 %
    too few             both counts below MIN_REPORTS (10): no class is given to noise
    new                 baseline 0 and current ≥ MIN_REPORTS (a zero baseline with current below the
                        minimum is "too few")
The baselines: the previous period of equal length (`Filters.previous_period`, or one given, e.g. the
previous calendar month) and the same dates one year earlier (29 February becomes 28 February).

Trend tests (monthly series, complete months only). The main result (`trend`, `p_value`, `sen_slope`,
`test`) is the seasonal Mann-Kendall test (`pymannkendall.seasonal_test`, period 12) from
MIN_MONTHS_SEASONAL (24) months: the yearly cycle of the border (dry-season peak) makes the plain test call
about one background series in nine "decreasing" or "increasing" over two years. From MIN_MONTHS (12) to 23
months the plain Mann-Kendall test (`pymannkendall.original_test`) is the main result, with the note that
seasonality is not accounted for; shorter series are "too_short". Both tests stay available (`mk_*` and
`seasonal_*` columns). Slopes are in reports per month (pymannkendall's seasonal slope is per cycle, so it is
divided by 12). Significance at ALPHA (0.05). A series averaging under SMALL_COUNT_MEAN (1) report a month is
flagged `small_count`: with that many zeros, ties dominate and the test says little.

Seasonality: STL (`statsmodels.tsa.seasonal.STL`, period 12, robust) of the selected monthly series from
MIN_MONTHS_STL (24) complete months; observed = trend + seasonal + remainder.

The test window (`test_window`): the trend tests and the seasonal decomposition need two years of months,
more than the dashboard's default dates (the last 365 days, 11-12 complete months). So on the Trends page
they run by default on the whole period of data — from the first month with reports in the viewer's scope
to the end of the selected dates, every other filter kept (`window="all"`); `window="filter"` uses the
selected dates only, and the page then says how many months there are, how many are needed, and offers to
widen.

Alerts (`alert_table`, `alerts`; engine `ntswatch_geo.surveillance`, defaults and measurements in
docs/alerts.md): per district × category and complete month, a Farrington-flexible baseline (Noufaily et al.
2013) — a quasi-Poisson GLM on up to 24 earlier months with a yearly harmonic (from 24 months), a linear trend
only when significant, past outliers down-weighted by their Anscombe residuals and earlier alert months left
out — gives the expected count, an upper limit and p = P(X ≥ observed) under a negative binomial predictive
distribution. Benjamini-Hochberg q-values over the cells judged in the month; an alert needs q < FDR_LEVEL
(0.05) and at least MIN_ALERT_REPORTS (5) reports. `ratio` = observed / expected, `surge` = ratio ≥ 2 (a
reading aid, not a rule on its own). A cell whose baseline averages under 1 report a month is `small_count`.
The judgement runs in time order from the data's first month (months before the data began are not zeros),
so a month is judged alike whatever the filter dates; a cell needs 12 months of history.
Complete months only: a month counts when it lies inside the filter dates and ends on or before the data's
as-of date (the latest `received_at` in scope), so the running, partial month is never judged.
Reporting effort (`adjust="effort"`, the default): the district's all-category reporting, channel by
channel (`surveillance.effort_index`), is an offset in every baseline, so the district offices' take-up in
January-April 2024 no longer reads as outbreaks (background-only data: 0.00-0.06 false alerts a month over
35 months, against 0.89-1.14 with `adjust="raw"`, nearly all of those in January-April 2024).

Province context: the province against the other provinces with border districts on the same border country
(Laos and/or Cambodia); reports in border districts per 100 km² of border districts and per km of border.
Peer totals are province-level aggregates counted outside the viewer's scope (see
queries/trends_province_context.sql); nothing finer about another province is returned.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pymannkendall as mk
from scipy import stats
from statsmodels.tsa.seasonal import STL

from . import surveillance as sv
from .db import run_query
from .errors import InputError
from .filters import Filters
from .i18n import fmt_float, fmt_int, fmt_month, fmt_p, label, t
from .scope import Scope

__all__ = [
    "FREQS", "KEYS", "CHANGE_CLASSES", "Extent", "extent", "series", "by_channel", "change_class", "change_table",
    "same_period_last_year", "mann_kendall", "trend_tests", "stl_components", "stl_decompose",
    "stl_figure", "stl_message",
    "alert_table", "alerts", "alert_months", "trend_notice", "verification_funnel", "verification_days",
    "province_context", "add_months", "WINDOWS", "test_window", "complete_months_in", "trend_label",
    "test_label",
]

FREQS = ("week", "month", "quarter")
KEYS = ("category", "province", "district", "channel")
KEY_COLUMNS = {
    "category": ["category"],
    "province": ["province_code", "province_th", "province_en"],
    "district": ["district_code", "district_th", "district_en", "province_code", "province_th", "province_en"],
    "channel": ["channel"],
}

MIN_REPORTS = 10
LARGE_CHANGE = (1, 4)      # 25 %, as a fraction (numerator, denominator)
MODERATE_CHANGE = (1, 10)  # 10 %
CHANGE_CLASSES = ("large_increase", "moderate_increase", "little_change", "moderate_decrease", "large_decrease",
                  "new", "too_few")

ALPHA = 0.05
MIN_MONTHS = 12
MIN_MONTHS_SEASONAL = 24
MIN_MONTHS_STL = 24
SEASON = 12

SMALL_COUNT_MEAN = sv.SMALL_COUNT_MEAN
BASELINE_MONTHS = sv.BASELINE_MONTHS
FDR_LEVEL = sv.FDR_LEVEL
MIN_ALERT_REPORTS = sv.MIN_ALERT_REPORTS
SURGE_RATIO = sv.SURGE_RATIO
MIN_ALERT_HISTORY = sv.MIN_BASELINE_MONTHS   # months of earlier data before a cell's months are judged


# ----------------------------------------------------------------------------------------------- helpers

def add_months(d: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after the month of `d`."""
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def month_end(d: dt.date) -> dt.date:
    return add_months(d, 1) - dt.timedelta(days=1)


def _one_year_earlier(d: dt.date) -> dt.date:
    return d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else dt.date(d.year - 1, 2, 28)


def same_period_last_year(d_from: dt.date, d_to: dt.date) -> tuple[dt.date, dt.date]:
    """The same dates one year earlier (29 February → 28 February)."""
    return _one_year_earlier(d_from), _one_year_earlier(d_to)


def _check_by(by) -> tuple[str, ...]:
    by = (by,) if isinstance(by, str) else tuple(by)
    bad = [k for k in by if k not in KEYS]
    if bad:
        raise ValueError(f"by: {bad[0]!r} is not a key; allowed: {', '.join(KEYS)} (any mix)")
    return by


def _key_columns(by: tuple[str, ...]) -> list[str]:
    cols: list[str] = []
    for k in KEYS:
        if k in by:
            cols += [c for c in KEY_COLUMNS[k] if c not in cols]
    return cols


def _by_params(by: tuple[str, ...]) -> dict:
    return {f"by_{k}": k in by for k in KEYS}


@dataclass(frozen=True)
class Extent:
    """The reports in a scope, in time: first and last occurrence, and the latest receipt (data as of)."""

    first_date: dt.date | None
    last_date: dt.date | None
    as_of: dt.datetime | None

    @property
    def as_of_date(self) -> dt.date:
        """The last day the data covers (today when there are no reports)."""
        return self.as_of.date() if self.as_of is not None else dt.date.today()

    @property
    def first_month(self) -> dt.date | None:
        return None if self.first_date is None else self.first_date.replace(day=1)

    @property
    def last_complete_month(self) -> dt.date:
        """The latest month that ended on or before the as-of date."""
        d = self.as_of_date
        return d.replace(day=1) if d == month_end(d) else add_months(d, -1)


def extent(con, scope: Scope) -> Extent:
    """First and last report date and the data-as-of time in the viewer's scope."""
    first, last, as_of = run_query(con, "trends_extent", scope.sql_params()).fetchone()
    return Extent(first, last, as_of)


def _params(f: Filters, scope: Scope, as_of: dt.date | None = None, **extra) -> dict:
    p = f.sql_params(scope)
    p["as_of"] = as_of
    p.update(extra)
    return p


# ------------------------------------------------------------------------------------------------ series

def series(con, f: Filters, scope: Scope, by=("category",), freq: str = "month",
           as_of: dt.date | None = None) -> pd.DataFrame:
    """Report counts per period for any mix of category, province, district and channel, zeros filled in.

    Columns: period (first day), period_end, complete, the key columns (category; province_code,
    province_th, province_en; district_code, district_th, district_en and its province; channel), reports.
    Every period of the filter dates × every key value the scope and filters allow is a row (a month without
    reports is 0). `complete` is false for a period cut by the filter dates or running past the data's as-of
    date (`as_of`, default the latest receipt in scope). Weeks start on Monday; quarters are calendar quarters.
    """
    by = _check_by(by)
    if freq not in FREQS:
        raise ValueError(f"freq: {freq!r} is not allowed; allowed: {', '.join(FREQS)}")
    as_of = as_of or extent(con, scope).as_of_date
    df = run_query(con, "trends_series", _params(f, scope, as_of, freq=freq, **_by_params(by))).df()
    df = df[["period", "period_end", "complete", *_key_columns(by), "reports"]]
    df["reports"] = df["reports"].astype("int64")
    return df.reset_index(drop=True)


def by_channel(con, f: Filters, scope: Scope, freq: str = "month") -> pd.DataFrame:
    """Reports by channel (online, mwcc_office, import) per period, zeros filled in."""
    return series(con, f, scope, by=("channel",), freq=freq)


# ------------------------------------------------------------------------------------------------ change

def change_class(current: int, baseline: int, min_reports: int = MIN_REPORTS) -> str:
    """The change class of `current` against `baseline` (rules in the module docstring; exact boundaries).

    >>> change_class(125, 100), change_class(110, 100), change_class(10, 0), change_class(9, 0)
    ('moderate_increase', 'little_change', 'new', 'too_few')
    """
    current, baseline = int(current), int(baseline)
    if current < min_reports and baseline < min_reports:
        return "too_few"
    if baseline == 0:
        return "new"
    d = current - baseline                     # change = d / baseline, compared without rounding
    (ln, ld), (mn, md) = LARGE_CHANGE, MODERATE_CHANGE
    if d * ld > ln * baseline:
        return "large_increase"
    if d * md > mn * baseline:
        return "moderate_increase"
    if d * md >= -mn * baseline:
        return "little_change"
    if d * ld >= -ln * baseline:
        return "moderate_decrease"
    return "large_decrease"


def _relative(current: pd.Series, baseline: pd.Series) -> pd.Series:
    base = baseline.astype(float)
    return ((current - baseline) / base.where(base > 0)).astype(float)


def change_table(con, f: Filters, scope: Scope, by=("category",), min_reports: int = MIN_REPORTS,
                 previous: tuple[dt.date, dt.date] | None = None,
                 last_year: tuple[dt.date, dt.date] | None = None) -> pd.DataFrame:
    """Counts in the filter period against the previous period and the same period last year, with classes.

    by: any mix of KEYS, or () for one row with the totals.
    previous: the previous period (default: `f.previous_period()`, equal length just before).
    last_year: the comparison a year back (default: the same dates one year earlier).
    Columns: the key columns, current, previous, last_year, change_previous, class_previous,
    change_last_year, class_last_year (change = relative change, NaN on a zero baseline). Every key value the
    scope and filters allow is listed, zeros included. The periods are in `df.attrs["periods"]`.
    """
    by = _check_by(by)
    prev = previous or f.previous_period()
    ly = last_year or same_period_last_year(f.date_from, f.date_to)
    params = _params(f, scope, prev_from=prev[0], prev_to=prev[1], ly_from=ly[0], ly_to=ly[1], **_by_params(by))
    df = run_query(con, "trends_change", params).df()
    df = df[[*_key_columns(by), "current", "previous", "last_year"]].copy()
    for c in ("current", "previous", "last_year"):
        df[c] = df[c].astype("int64")
    for base in ("previous", "last_year"):
        df[f"change_{base}"] = _relative(df["current"], df[base])
        df[f"class_{base}"] = [change_class(c, b, min_reports) for c, b in zip(df["current"], df[base])]
    df.attrs["periods"] = {"current": (f.date_from, f.date_to), "previous": tuple(prev), "last_year": tuple(ly)}
    return df.reset_index(drop=True)


# ------------------------------------------------------------------------------------------- trend tests

def mann_kendall(values, alpha: float = ALPHA) -> dict:
    """Trend of one monthly series: the seasonal Mann-Kendall test from MIN_MONTHS_SEASONAL months, the plain
    test (Sen's slope) from MIN_MONTHS; both kept (`mk_*`, `seasonal_*`). Slopes in reports per month.

    Keys: months, mean_per_month, small_count, test ('seasonal_mann_kendall' | 'mann_kendall' | 'too_short'),
    trend, p_value, sen_slope, intercept (of the main result's line: value at month index 0),
    change_per_year, note ('' | 'seasonality_not_accounted' | 'too_short'), mk_trend, mk_p_value, z, tau,
    mk_sen_slope, mk_intercept, seasonal_trend, seasonal_p_value, seasonal_sen_slope."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    mean = float(x.mean()) if n else np.nan
    out = {"months": n, "mean_per_month": mean, "small_count": bool(n) and mean < SMALL_COUNT_MEAN,
           "test": "too_short", "trend": "too_short", "p_value": np.nan, "sen_slope": np.nan,
           "intercept": np.nan, "change_per_year": np.nan, "note": "too_short",
           "mk_trend": "too_short", "mk_p_value": np.nan, "z": np.nan, "tau": np.nan, "mk_sen_slope": np.nan,
           "mk_intercept": np.nan, "seasonal_trend": "too_short", "seasonal_p_value": np.nan,
           "seasonal_sen_slope": np.nan}
    if n >= MIN_MONTHS:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = mk.original_test(x, alpha=alpha)
        out.update(mk_trend=r.trend, mk_p_value=float(r.p), z=float(r.z), tau=float(r.Tau),
                   mk_sen_slope=float(r.slope), mk_intercept=float(r.intercept),
                   test="mann_kendall", trend=r.trend, p_value=float(r.p), sen_slope=float(r.slope),
                   intercept=float(r.intercept), note="seasonality_not_accounted")
    if n >= MIN_MONTHS_SEASONAL:
        with np.errstate(divide="ignore", invalid="ignore"):
            s = mk.seasonal_test(x, period=SEASON, alpha=alpha)
        slope = float(s.slope) / SEASON
        out.update(seasonal_trend=s.trend, seasonal_p_value=float(s.p), seasonal_sen_slope=slope,
                   test="seasonal_mann_kendall", trend=s.trend, p_value=float(s.p), sen_slope=slope,
                   intercept=float(np.median(x) - slope * (n - 1) / 2), note="")
    if n >= MIN_MONTHS and mean > 0:
        out["change_per_year"] = 12 * out["sen_slope"] / mean
    return out


TREND_COLUMNS = ["months", "first_month", "last_month", "mean_per_month", "small_count", "test", "trend",
                 "p_value", "sen_slope", "intercept", "change_per_year", "note", "mk_trend", "mk_p_value", "z",
                 "tau", "mk_sen_slope", "mk_intercept", "seasonal_trend", "seasonal_p_value",
                 "seasonal_sen_slope"]


def trend_notice(tests: pd.DataFrame, lang: str, cli: bool = False) -> str | None:
    """One sentence for the page (or, cli=True, the command line) when the trend tests are limited by the
    window: too few complete months (naming how many there are and how many are needed), only the plain
    test, or small counts."""
    if tests is None or len(tests) == 0:
        return None
    months = int(tests["months"].max())
    if months < MIN_MONTHS:
        return t("trends.window_too_short_cli" if cli else "trends.window_too_short", lang, months=months,
                 needed=MIN_MONTHS, seasonal=MIN_MONTHS_SEASONAL)
    parts = []
    if months < MIN_MONTHS_SEASONAL:
        parts.append(t("trends.window_not_seasonal", lang, months=months, seasonal=MIN_MONTHS_SEASONAL))
    small = int(tests["small_count"].sum()) if "small_count" in tests else 0
    if small:
        parts.append(t("trends.small_count_note", lang, n=small, total=len(tests)))
    return " ".join(parts) or None


WINDOWS = ("all", "filter")


def test_window(con, f: Filters, scope: Scope, window: str = "all") -> Filters:
    """The filters the trend tests and the seasonal decomposition run on: `window="all"` = from the first
    month of data in the scope to the end of the selected dates (other filters kept), `"filter"` = the
    selected dates as they are. Without reports in scope, or dates already reaching back further, `f`."""
    if window not in WINDOWS:
        raise InputError(f"window: {window!r} is not allowed; allowed: {', '.join(WINDOWS)}")
    if window == "filter":
        return f
    first = extent(con, scope).first_month
    if first is None or first >= f.date_from or first > f.date_to:
        return f
    return replace(f, date_from=first)


def complete_months_in(con, f: Filters, scope: Scope) -> int:
    """How many complete months (see `series`) the filter dates hold."""
    df = series(con, replace(f, categories=(), channels=()), scope, by=(), freq="month")
    return int(df["complete"].sum())


def trend_label(value: str, lang: str) -> str:
    """A trend result ('increasing', 'decreasing', 'no trend', 'too_short') as words in `lang`."""
    return t(f"trends.trend_{str(value).replace(' ', '_')}", lang)


def test_label(value: str, lang: str) -> str:
    """The test that gave the main result ('seasonal_mann_kendall', 'mann_kendall', 'too_short') in words."""
    return t(f"trends.test_{value}", lang)


def _complete_months(con, f: Filters, scope: Scope, by) -> pd.DataFrame:
    df = series(con, f, scope, by=by, freq="month")
    return df[df["complete"]].drop(columns=["period_end", "complete"]).rename(columns={"period": "month"})


def trend_tests(con, f: Filters, scope: Scope, by=("category",), alpha: float = ALPHA) -> pd.DataFrame:
    """Trend tests per group of the monthly series (complete months in the filter dates): key columns then
    TREND_COLUMNS (see `mann_kendall`). `trend` is the seasonal Mann-Kendall result from 24 months, the plain
    test from 12 (note 'seasonality_not_accounted'), else 'too_short'; `small_count` marks groups averaging
    under 1 report a month. `df.attrs["complete_months"]` holds the number of complete months in the window.
    """
    by = _check_by(by)
    df = _complete_months(con, f, scope, by)
    keys = _key_columns(by)
    rows = []
    groups = df.groupby(keys, sort=False, dropna=False) if keys else [((), df)]
    for key, g in groups:
        g = g.sort_values("month")
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        row.update(first_month=g["month"].min() if len(g) else pd.NaT,
                   last_month=g["month"].max() if len(g) else pd.NaT)
        row.update(mann_kendall(g["reports"].to_numpy(), alpha))
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*keys, *TREND_COLUMNS])
    out.attrs["complete_months"] = int(df["month"].nunique()) if len(df) else 0
    return out


# ----------------------------------------------------------------------------------------------- seasonality

def stl_components(months, values, robust: bool = True) -> pd.DataFrame:
    """STL (period 12) of a monthly series: month, observed, trend, seasonal, remainder (they add up).
    Fewer than MIN_MONTHS_STL values give an empty frame with attrs["reason"] = "too_short"."""
    cols = ["month", "observed", "trend", "seasonal", "remainder"]
    x = np.asarray(values, dtype=float)
    if len(x) < MIN_MONTHS_STL:
        out = pd.DataFrame(columns=cols)
        out.attrs["reason"] = "too_short"
        return out
    res = STL(x, period=SEASON, robust=robust).fit()
    return pd.DataFrame({"month": pd.to_datetime(list(months)), "observed": x, "trend": np.asarray(res.trend),
                         "seasonal": np.asarray(res.seasonal), "remainder": np.asarray(res.resid)})


def stl_decompose(con, f: Filters, scope: Scope, category: str | None = None, district: str | None = None,
                  robust: bool = True) -> pd.DataFrame:
    """STL of the monthly total of the filtered reports (optionally narrowed to one category and/or district),
    complete months only. See `stl_components`."""
    if category:
        f = replace(f, categories=(category,))
    if district:
        f = replace(f, districts=(district,))
    df = _complete_months(con, f, scope, ()).sort_values("month")
    return stl_components(df["month"], df["reports"].to_numpy(), robust=robust)


def stl_figure(df: pd.DataFrame, lang: str) -> go.Figure:
    """Four stacked panels (observed, trend, seasonal, remainder) of an `stl_components` frame
    (`charts.stl_panels`); an empty frame raises ValueError — say what to do instead (`stl_message`)."""
    from .charts import stl_panels

    return stl_panels(df, lang)


def stl_message(con, f: Filters, scope: Scope, df: pd.DataFrame, lang: str,
                category: str | None = None) -> str | None:
    """Why `df` (from `stl_decompose(con, f, scope, category=category)`) is empty and what to do, in `lang`;
    None when it is not.
    No reports of the selection: choose another or widen; too few months: how many are needed and from
    which month the dates must start, or, when the data themselves are that short, to wait."""
    if len(df):
        return None
    if category:
        f = replace(f, categories=(category,))
    if series(con, f, scope, by=(), freq="month")["reports"].sum() == 0:
        return t("trends.stl_no_reports", lang)
    months = complete_months_in(con, f, scope)
    head = t("trends.stl_needs", lang, needed=MIN_MONTHS_STL, months=months)
    ext = extent(con, scope)
    last = _last_month_in(f, ext)
    start = add_months(last, -(MIN_MONTHS_STL - 1))
    if ext.first_month is not None and ext.first_month <= start:
        return head + " " + t("trends.stl_hint_widen", lang, start=fmt_month(start, lang))
    return head + " " + t("trends.stl_hint_wait", lang, needed=MIN_MONTHS_STL)


# ---------------------------------------------------------------------------------------------------- alerts

ALERT_COLUMNS = ["month", "observed", "expected", "limit", "ratio", "p_value", "q_value", "alert", "surge",
                 "small_count", "rule", "model", "dispersion", "baseline_months", "baseline_mean"]


def _last_month_in(f: Filters, ext: Extent) -> dt.date:
    last_in_filter = f.date_to.replace(day=1) if f.date_to == month_end(f.date_to) else add_months(f.date_to, -1)
    return min(ext.last_complete_month, last_in_filter)


def _empty_alerts(keys) -> pd.DataFrame:
    out = pd.DataFrame(columns=[*keys, *ALERT_COLUMNS])
    out.attrs["months"] = pd.DataFrame(columns=["month", "tested", "alerts", "expected_false_alerts"])
    return out


def alert_months(table: pd.DataFrame) -> pd.DataFrame:
    """Per judged month of an `alert_table`: cells tested, alerts, and the expected number of false alerts
    (cells tested × the largest p-value among the month's alerts; see ntswatch_geo.surveillance)."""
    rows = []
    for m, g in table.groupby("month", sort=True):
        rows.append({"month": m, "tested": int(g["p_value"].notna().sum()), "alerts": int(g["alert"].sum()),
                     "expected_false_alerts": sv.expected_false_alerts(g["p_value"].to_numpy(),
                                                                       g["alert"].to_numpy())})
    return pd.DataFrame(rows, columns=["month", "tested", "alerts", "expected_false_alerts"])


def _alert_effort(con, window: Filters, scope: Scope, ext, wide: pd.DataFrame, id_cols: list[str],
                  months: list) -> np.ndarray:
    """Reporting effort (surveillance.effort_index) for every row of `wide` and month: from the all-category
    counts per district (or province, or the whole view) × month × channel with the same other filters."""
    place = "district" if "district_code" in id_cols else "province" if "province_code" in id_cols else None
    key = {"district": "district_code", "province": "province_code"}.get(place, "_all")
    by = (place, "channel") if place else ("channel",)
    allcat = series(con, replace(window, categories=()), scope, by=by, freq="month", as_of=ext.as_of_date)
    if key == "_all":
        allcat[key] = 0
    chans = sorted(allcat["channel"].unique())
    cube = (allcat.assign(period=pd.to_datetime(allcat["period"]))
            .pivot_table(index=key, columns=["period", "channel"], values="reports", aggfunc="sum", fill_value=0)
            .reindex(columns=pd.MultiIndex.from_product([[pd.Timestamp(m) for m in months], chans]), fill_value=0))
    arr = cube.to_numpy(dtype=float).reshape(len(cube), len(months), len(chans))
    e = sv.effort_index(arr)
    if key == "_all":
        return np.repeat(e, len(wide), axis=0)
    rows = pd.Index(cube.index).get_indexer(wide.index.get_level_values(key) if isinstance(wide.index, pd.MultiIndex)
                                            else wide.index)
    return np.where(rows[:, None] >= 0, e[np.maximum(rows, 0)], 0.0)


def alert_table(con, f: Filters, scope: Scope, by=("district", "category"), fdr_level: float = FDR_LEVEL,
                min_reports: int = MIN_ALERT_REPORTS, adjust: str = "effort") -> pd.DataFrame:
    """Every complete month in the filter dates × every cell of `by`, judged against its robust baseline
    (module docstring; ntswatch_geo.surveillance). Columns: the key columns, month, observed, expected,
    limit (99 % point of the predictive distribution), ratio (observed / expected), p_value, q_value
    (Benjamini-Hochberg over the cells judged that month), alert (q < fdr_level and observed ≥
    min_reports), surge (ratio ≥ 2), small_count (baseline under 1 report a month), rule ('anomaly',
    'surge+anomaly' or '' when no alert), model (terms: 'trend+season', 'season', 'trend', 'mean'),
    dispersion, baseline_months, baseline_mean. Months before a cell has 12 months of history are left out.
    `df.attrs["months"]` is `alert_months(df)`."""
    by = _check_by(by)
    if adjust not in ("effort", "raw"):
        raise InputError(f"adjust: {adjust!r} is not allowed; allowed: effort, raw")
    ext = extent(con, scope)
    keys = _key_columns(by)
    if ext.first_date is None:
        return _empty_alerts(keys)
    last = _last_month_in(f, ext)
    first_shown = f.date_from if f.date_from.day == 1 else add_months(f.date_from, 1)
    if add_months(ext.first_month, sv.MIN_BASELINE_MONTHS) > last or first_shown > last:
        return _empty_alerts(keys)
    # the judgement is sequential (earlier alerts leave later baselines), so it always starts where the data do
    window = replace(f, date_from=ext.first_month, date_to=month_end(last))
    df = series(con, window, scope, by=by, freq="month", as_of=ext.as_of_date)
    id_cols = [c for c in keys if not c.endswith(("_th", "_en"))]
    wide = (df.pivot_table(index=id_cols, columns="period", values="reports", aggfunc="sum", fill_value=0)
            if id_cols else df.set_index("period")[["reports"]].T)
    months = [pd.Timestamp(m) for m in wide.columns]
    eff = _alert_effort(con, window, scope, ext, wide, id_cols, months) if adjust == "effort" else None
    judged = sv.judge(wide.to_numpy(dtype=float), np.array([m.month for m in months]), 0,
                      fdr_level=fdr_level, min_reports=min_reports, effort=eff)
    keep = [c for c, j in enumerate(judged.month_index) if months[j] >= pd.Timestamp(first_shown)]
    if not keep:
        return _empty_alerts(keys)
    cols_idx = np.array(keep)
    n_cells, n_months = wide.shape[0], len(cols_idx)
    obs = wide.to_numpy()[:, judged.month_index[cols_idx]]

    def flat(a):
        return a[:, cols_idx].ravel()

    idx = wide.index.to_frame(index=False) if id_cols else pd.DataFrame(index=[0])
    out = idx.loc[np.repeat(np.arange(n_cells), n_months)].reset_index(drop=True)
    out["month"] = np.tile(np.array([months[j] for j in judged.month_index[cols_idx]], dtype="datetime64[ns]"),
                           n_cells)
    out["observed"] = obs.ravel().astype("int64")
    out["expected"] = flat(judged.expected)
    out["limit"] = flat(judged.limit)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["observed"] / out["expected"]
    out["p_value"] = flat(judged.p_value)
    out["q_value"] = flat(judged.q_value)
    out["alert"] = flat(judged.alert)
    out["surge"] = out["ratio"] >= SURGE_RATIO
    out["small_count"] = flat(judged.baseline_mean) < SMALL_COUNT_MEAN
    out["rule"] = np.where(out["alert"], np.where(out["surge"], "surge+anomaly", "anomaly"), "")
    trend, season = flat(judged.trend), flat(judged.season)
    out["model"] = np.where(trend & season, "trend+season", np.where(season, "season",
                                                                     np.where(trend, "trend", "mean")))
    out["dispersion"] = flat(judged.dispersion)
    out["baseline_months"] = flat(judged.baseline_months)
    out["baseline_mean"] = flat(judged.baseline_mean)
    if len(keys) > len(id_cols):
        out = out.merge(df.drop_duplicates(id_cols)[keys], on=id_cols, how="left")
    out = out[[*keys, *ALERT_COLUMNS]].reset_index(drop=True)
    out.attrs["months"] = alert_months(out)
    return out


def evidence(row, lang: str) -> str:
    """One line of evidence for an alert row, e.g. '434 reports of drug trafficking in Mueang Nakhon Phanom
    (Nakhon Phanom), Nov 2026, against 43.2 expected (upper limit 71; …): p < 0.001, q = 0.002 — alert'."""
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    where = ""
    if get(f"district_{lang}") is not None:
        where = t("alerts.where_district", lang, district=get(f"district_{lang}"), province=get(f"province_{lang}"))
    elif get(f"province_{lang}") is not None:
        where = t("alerts.where_province", lang, province=get(f"province_{lang}"))
    cat = get("category")
    what = label("category", cat, lang) if cat is not None else t("alerts.all_categories", lang)
    if lang == "en":
        what = what[:1].lower() + what[1:]          # "reports of drug trafficking"
    text = t("alerts.evidence", lang, observed=fmt_int(get("observed")), category=what, where=where,
             month=fmt_month(pd.Timestamp(get("month")).date(), lang), expected=fmt_float(get("expected")),
             limit=fmt_int(get("limit")), p=fmt_p(get("p_value")), q=fmt_p(get("q_value")),
             verdict=t("alerts.verdict_alert" if get("alert") else "alerts.verdict_none", lang))
    if get("small_count"):
        text += " " + t("alerts.small_count", lang)
    return text


def alerts(con, f: Filters, scope: Scope, month: dt.date | str | None = None,
           by=("district", "category"), fdr_level: float = FDR_LEVEL,
           min_reports: int = MIN_ALERT_REPORTS, adjust: str = "effort") -> pd.DataFrame:
    """The alerts raised: rows of `alert_table` with `alert` true, newest month first, smallest p first, with
    an evidence line in each language (evidence_en, evidence_th).

    month: None = the latest complete month in the filter dates; "all" = every complete month; a date =
    that month. A month is judged the same way whichever is asked (the judgement always runs from the data's
    first month). `df.attrs["months"]` gives, per month judged, the cells tested, alerts and the expected
    number of false alerts."""
    if month != "all":
        if month is None:
            target = _last_month_in(f, extent(con, scope))
        else:
            target = dt.date(month.year, month.month, 1)
        if target < f.date_from.replace(day=1):
            target = f.date_from.replace(day=1)
        f = replace(f, date_from=max(f.date_from, target), date_to=min(f.date_to, month_end(target)))
    table = alert_table(con, f, scope, by=by, fdr_level=fdr_level, min_reports=min_reports, adjust=adjust)
    months = table.attrs.get("months")
    fired = table[table["alert"].astype(bool)]
    fired = fired.sort_values(["month", "p_value", "ratio"], ascending=[False, True, False]).reset_index(drop=True)
    recs = fired.to_dict("records")
    fired["evidence_en"] = [evidence(r, "en") for r in recs]
    fired["evidence_th"] = [evidence(r, "th") for r in recs]
    fired.attrs["months"] = months
    return fired


# ------------------------------------------------------------------------------------ channel, verification

FUNNEL_STAGES = ("received", "reviewed", "verified", "forwarded")


def verification_funnel(con, f: Filters, scope: Scope) -> pd.DataFrame:
    """How many filtered reports reached each stage: received (every report starts as new) ⊇ reviewed
    (decided) ⊇ verified (verified or forwarded) ⊇ forwarded to an agency. Columns: stage, reports,
    share_of_received, share_of_previous; attrs["closed"] = rejected or duplicate."""
    received, reviewed, verified, forwarded, closed = run_query(
        con, "trends_verification_funnel", f.sql_params(scope)).fetchone()
    counts = [int(received), int(reviewed), int(verified), int(forwarded)]
    prev = [counts[0], *counts[:-1]]
    df = pd.DataFrame({"stage": list(FUNNEL_STAGES), "reports": counts,
                       "share_of_received": [c / counts[0] if counts[0] else np.nan for c in counts],
                       "share_of_previous": [c / p if p else np.nan for c, p in zip(counts, prev)]})
    df.attrs["closed"] = int(closed)
    return df


def verification_days(con, f: Filters, scope: Scope) -> pd.DataFrame:
    """Per district: reports, waiting (status new), verified, median_days and p90_days from receipt to
    verification (verified or forwarded reports); slowest first, districts without verifications last."""
    return run_query(con, "trends_verification_days", f.sql_params(scope)).df()


# --------------------------------------------------------------------------------------------- province peers

def province_context(con, f: Filters, scope: Scope, province_code: str) -> pd.DataFrame:
    """The province against the other provinces on the same border (Laos and/or Cambodia): border districts,
    their area and border length, reports in them, per 100 km² and per km of border; is_home marks the
    province. The filters' dates, categories, channels, statuses and MWCC switch apply; their province and
    district choices do not (the province is the argument). A scope limited to another province is refused."""
    if scope.province_code and scope.province_code != province_code:
        raise InputError(f"province {province_code}: outside your scope (province {scope.province_code})")
    return run_query(con, "trends_province_context", _params(f, scope, province=province_code)).df()
