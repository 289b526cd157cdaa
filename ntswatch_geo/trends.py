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

Trend tests (monthly series, complete months only): Mann-Kendall with Sen's slope
(`pymannkendall.original_test`) from MIN_MONTHS (12) months, seasonal Mann-Kendall
(`pymannkendall.seasonal_test`, period 12) from MIN_MONTHS_SEASONAL (24) months; shorter series are "too
short". Slopes are in reports per month; pymannkendall's seasonal slope is per cycle (per year), so it is
divided by 12. Significance at ALPHA (0.05).

Seasonality: STL (`statsmodels.tsa.seasonal.STL`, period 12, robust) of the selected monthly series from
MIN_MONTHS_STL (24) complete months; observed = trend + seasonal + remainder.

Alerts, per district × category and complete month, against the trailing BASELINE_MONTHS (12) complete
months before it (all of them on or after the first month with data in scope; months before the data
began are not zeros, so a cell needs 12 months of history before it is judged):
    surge     observed ≥ SURGE_RATIO (2) × trailing mean, and observed ≥ SURGE_MIN_REPORTS (15)
    anomaly   observed above the ANOMALY_QUANTILE (99.9 %) quantile of a Poisson with the trailing mean; when
              the trailing months are overdispersed (index of dispersion above its chi-square 95 % point,
              which seasonality usually causes) a negative binomial with the trailing mean and variance
              (method of moments) replaces the Poisson; and observed ≥ ANOMALY_MIN_REPORTS (5)
Complete months only: a month counts when it lies inside the filter dates and ends on or before the data's
as-of date (the latest `received_at` in scope), so the running, partial month is never judged.
Known limitation: while a channel is being taken up (2024 for the district offices) the trailing mean lags
the level, and surges are over-reported.

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
from plotly.subplots import make_subplots
from scipy import stats
from statsmodels.tsa.seasonal import STL

from .db import run_query
from .errors import InputError
from .filters import Filters
from .i18n import fmt_month, t
from .scope import Scope

__all__ = [
    "FREQS", "KEYS", "CHANGE_CLASSES", "Extent", "extent", "series", "by_channel", "change_class", "change_table",
    "same_period_last_year", "mann_kendall", "trend_tests", "stl_components", "stl_decompose", "stl_figure",
    "alert_table", "alerts", "verification_funnel", "verification_days", "province_context", "add_months",
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

BASELINE_MONTHS = 12
SURGE_RATIO = 2.0
SURGE_MIN_REPORTS = 15
ANOMALY_QUANTILE = 0.999
ANOMALY_MIN_REPORTS = 5
DISPERSION_LEVEL = 0.95


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
    """Mann-Kendall and Sen's slope of one monthly series (pymannkendall), plus the seasonal test when long
    enough. Slopes in reports per month. Fewer than MIN_MONTHS values: trend "too_short"."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    out = {"months": n, "mean_per_month": float(x.mean()) if n else np.nan, "trend": "too_short",
           "p_value": np.nan, "z": np.nan, "tau": np.nan, "sen_slope": np.nan, "intercept": np.nan,
           "change_per_year": np.nan, "seasonal_trend": "too_short", "seasonal_p_value": np.nan,
           "seasonal_sen_slope": np.nan}
    if n >= MIN_MONTHS:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = mk.original_test(x, alpha=alpha)
        out.update(trend=r.trend, p_value=float(r.p), z=float(r.z), tau=float(r.Tau), sen_slope=float(r.slope),
                   intercept=float(r.intercept))
        if out["mean_per_month"] > 0:
            out["change_per_year"] = 12 * out["sen_slope"] / out["mean_per_month"]
    if n >= MIN_MONTHS_SEASONAL:
        with np.errstate(divide="ignore", invalid="ignore"):
            s = mk.seasonal_test(x, period=SEASON, alpha=alpha)
        out.update(seasonal_trend=s.trend, seasonal_p_value=float(s.p), seasonal_sen_slope=float(s.slope) / SEASON)
    return out


def _complete_months(con, f: Filters, scope: Scope, by) -> pd.DataFrame:
    df = series(con, f, scope, by=by, freq="month")
    return df[df["complete"]].drop(columns=["period_end", "complete"]).rename(columns={"period": "month"})


def trend_tests(con, f: Filters, scope: Scope, by=("category",), alpha: float = ALPHA) -> pd.DataFrame:
    """Mann-Kendall, Sen's slope and seasonal Mann-Kendall per group of the monthly series (complete months
    in the filter dates). Columns: key columns, months, first_month, last_month, mean_per_month, trend
    ('increasing' | 'decreasing' | 'no trend' | 'too_short'), p_value, z, tau, sen_slope (reports per month),
    intercept, change_per_year (Sen's slope × 12 / mean), seasonal_trend, seasonal_p_value, seasonal_sen_slope.
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
    cols = [*keys, "months", "first_month", "last_month", "mean_per_month", "trend", "p_value", "z", "tau",
            "sen_slope", "intercept", "change_per_year", "seasonal_trend", "seasonal_p_value", "seasonal_sen_slope"]
    return pd.DataFrame(rows, columns=cols)


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
    """Four stacked panels (observed, trend, seasonal, remainder) of an `stl_components` frame."""
    names = [t("brief.stl_observed", lang), t("brief.stl_trend", lang), t("brief.stl_seasonal", lang),
             t("brief.stl_remainder", lang)]
    fig = make_subplots(rows=4, cols=1, shared_xaxes=True, subplot_titles=names, vertical_spacing=0.06)
    if len(df) == 0:
        fig.add_annotation(text=t("brief.stl_too_short", lang, months=MIN_MONTHS_STL), showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5)
    else:
        x = [fmt_month(pd.Timestamp(m).date(), lang) for m in df["month"]]
        for i, col in enumerate(("observed", "trend", "seasonal", "remainder"), start=1):
            trace = (go.Bar(x=x, y=df[col], name=names[i - 1], marker_color="#94a3b8") if col == "remainder"
                     else go.Scatter(x=x, y=df[col], name=names[i - 1], mode="lines",
                                     line={"color": "#1d4ed8" if col != "seasonal" else "#0f766e"}))
            fig.add_trace(trace, row=i, col=1)
        fig.update_xaxes(type="category")
    fig.update_layout(title=t("brief.stl_title", lang), font={"family": "Noto Sans Thai, sans-serif"},
                      showlegend=False, height=640, plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 60, "b": 10})
    fig.update_yaxes(gridcolor="#e5e7eb")
    return fig


# ---------------------------------------------------------------------------------------------------- alerts

def _limits(mean: np.ndarray, var: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper control limit, model name and upper-tail p-function parameters for each cell."""
    with np.errstate(divide="ignore", invalid="ignore"):
        dispersion = np.where(mean > 0, var * (n - 1) / mean, 0.0)
    over = (dispersion > stats.chi2.ppf(DISPERSION_LEVEL, n - 1)) & (var > mean)
    limit = stats.poisson.ppf(ANOMALY_QUANTILE, mean)
    r = np.where(over, mean ** 2 / np.where(over, var - mean, 1.0), np.nan)
    p = np.where(over, r / (r + mean), np.nan)
    nb_limit = stats.nbinom.ppf(ANOMALY_QUANTILE, np.where(over, r, 1.0), np.where(over, p, 0.5))
    limit = np.where(over, nb_limit, limit)
    return np.nan_to_num(limit, nan=0.0), over, (r, p)


def alert_table(con, f: Filters, scope: Scope, by=("district", "category")) -> pd.DataFrame:
    """Every complete month in the filter dates × every cell of `by`, judged against its trailing
    BASELINE_MONTHS: observed, expected (trailing mean), trailing_var, ratio, limit, model ('poisson' |
    'negative_binomial'), p_value (P(X ≥ observed) under the model), surge, anomaly, rule. Cells without 12
    months of history since the data began are left out."""
    by = _check_by(by)
    ext = extent(con, scope)
    keys = _key_columns(by)
    cols = [*keys, "month", "observed", "expected", "trailing_var", "ratio", "limit", "model", "p_value",
            "surge", "anomaly", "rule"]
    if ext.first_date is None:
        return pd.DataFrame(columns=cols)
    last_in_filter = f.date_to.replace(day=1) if f.date_to == month_end(f.date_to) else add_months(f.date_to, -1)
    last = min(ext.last_complete_month, last_in_filter)
    first_eval = max(f.date_from if f.date_from.day == 1 else add_months(f.date_from, 1),
                     add_months(ext.first_month, BASELINE_MONTHS))
    if first_eval > last:
        return pd.DataFrame(columns=cols)
    window = replace(f, date_from=add_months(first_eval, -BASELINE_MONTHS), date_to=month_end(last))
    df = series(con, window, scope, by=by, freq="month", as_of=ext.as_of_date)
    id_cols = [c for c in keys if not c.endswith(("_th", "_en"))]
    wide = df.pivot_table(index=id_cols, columns="period", values="reports", aggfunc="sum", fill_value=0)
    counts = wide.to_numpy(dtype=float)
    months = [pd.Timestamp(m).date() for m in wide.columns]
    k = BASELINE_MONTHS
    if counts.shape[1] <= k:
        return pd.DataFrame(columns=cols)
    windows = np.lib.stride_tricks.sliding_window_view(counts, k, axis=1)[:, :-1, :]  # months before each target
    obs = counts[:, k:]
    mean = windows.mean(axis=2)
    var = windows.var(axis=2, ddof=1)
    limit, over, (r, p) = _limits(mean, var, k)
    p_pois = stats.poisson.sf(obs - 1, mean)
    p_nb = stats.nbinom.sf(obs - 1, np.where(over, r, 1.0), np.where(over, p, 0.5))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mean > 0, obs / mean, np.where(obs > 0, np.inf, np.nan))
    surge = (obs >= SURGE_RATIO * mean) & (obs >= SURGE_MIN_REPORTS)
    anomaly = (obs > limit) & (obs >= ANOMALY_MIN_REPORTS)
    n_cells, n_months = obs.shape
    idx = wide.index.to_frame(index=False)
    out = idx.loc[np.repeat(np.arange(n_cells), n_months)].reset_index(drop=True)
    out["month"] = np.tile(np.array(months[k:], dtype="datetime64[D]"), n_cells)
    out["observed"] = obs.ravel().astype("int64")
    out["expected"] = mean.ravel()
    out["trailing_var"] = var.ravel()
    out["ratio"] = ratio.ravel()
    out["limit"] = limit.ravel()
    out["model"] = np.where(over.ravel(), "negative_binomial", "poisson")
    out["p_value"] = np.where(over, p_nb, p_pois).ravel()
    out["surge"] = surge.ravel()
    out["anomaly"] = anomaly.ravel()
    out["rule"] = [("surge+anomaly" if s and a else "surge" if s else "anomaly" if a else "")
                   for s, a in zip(out["surge"], out["anomaly"])]
    names = df.drop_duplicates(id_cols)[keys]
    out = out.merge(names, on=id_cols, how="left") if len(keys) > len(id_cols) else out
    out = out[out["month"] >= pd.Timestamp(first_eval)]
    return out[cols].reset_index(drop=True)


def alerts(con, f: Filters, scope: Scope, month: dt.date | str | None = None,
           by=("district", "category")) -> pd.DataFrame:
    """The alerts raised: rows of `alert_table` where a rule fired, strongest first.

    month: None = the latest complete month in the filter dates; "all" = every complete month; a date =
    that month. Each row names the cell (district and category by default), the month, observed and
    expected counts and the rule that fired ('surge', 'anomaly' or 'surge+anomaly')."""
    if month != "all":   # judge one month only: read just it and its trailing year
        if month is None:
            last_in_filter = (f.date_to.replace(day=1) if f.date_to == month_end(f.date_to)
                              else add_months(f.date_to, -1))
            target = min(extent(con, scope).last_complete_month, last_in_filter)
        else:
            target = dt.date(month.year, month.month, 1)
        if target < f.date_from.replace(day=1):
            target = f.date_from.replace(day=1)
        f = replace(f, date_from=max(f.date_from, target), date_to=min(f.date_to, month_end(target)))
    table = alert_table(con, f, scope, by=by)
    fired = table[table["surge"] | table["anomaly"]]
    return fired.sort_values(["month", "p_value", "ratio"], ascending=[False, True, False]).reset_index(drop=True)


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
