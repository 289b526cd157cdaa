"""What changes after a cooperation activity: a difference-in-differences estimate with an event study.

`estimate(con, activity_type, scope=...)` compares the monthly reports of the border districts that had a
first activity of that type with comparable border districts that had none, before and after it.

Data. Monthly report counts per district × month × intake channel, aggregated in DuckDB
(queries/coop_effect_counts.sql through `filtered_reports`: the viewer's scope, the category and channel
asked for; duplicates and spam never count), and per district its first activity of the type
(queries/coop_effect_districts.sql). No report row leaves the database; the model sees at most
districts × months × channels numbers (67 × 46 × 2 today).

Who is compared. Treated: border districts in scope whose first activity of the type falls in the data
window with at least MIN_PRE_MONTHS months of reports before it (a district first treated earlier than that
has no "before" and is left out). Event month 0 is the calendar month of that first activity. Controls:
the border districts in scope with no activity of the type up to the end of the window ("never treated"),
on the same border as a treated district — a district is on the Lao or the Cambodian border by its longer
border stretch, and months are compared within a border, because the seasons differ (the Mekong's low
water). Districts not-yet-treated also serve as comparison through their months before the activity, as in
any two-way fixed-effects design; the treated months are all indicated, so an already-treated district is
never a control.

Model. A Poisson regression (statsmodels GLM, log link) of the count y[d,m,c] with fixed effects for each
district × channel and each border × channel × month:

    log E y[d,m,c] = α[d,c] + γ[border(d),c,m] + β · D[d,m]

D = 1 in the first `post_months` months from event month 0; later months of treated districts are left
out of this pooled fit (a second activity may follow; the event study shows them). exp(β) is the rate
ratio: reports in those months relative to what the district's own level and its border's month would
predict. Why Poisson with fixed effects: counts, many small (a district's office takes a handful a month),
where least squares on logs fails at zeros; the Poisson fixed-effects estimator is consistent whatever the
true variance (overdispersion included) as long as the mean is right, and has no incidental-parameter bias
(Wooldridge 1999). Reporting effort, as in the hot spot work (hotspots/effort.py: each channel compared with
itself): without β the model's expected count is π[d,c] · V[m,c] within a border — the district's share of
the channel times the channel's volume that month — exactly the effort adjustment's E; so the website's
uptake, the MWCC offices from December 2023 (at a lower rate where a district hosts no office), the season
and a district's habit of reporting are absorbed and do not read as an effect. A district × channel with no
report at all, and a border × channel × month with none, carry no information and are dropped (their
fixed effect would be −∞).

Uncertainty. The rate ratio's variance is the larger of two: clustered by district (the sandwich with
statsmodels' small-sample factor G/(G−1)·(N−1)/(N−K)), robust to months of one district being correlated and
to any overdispersion; and the model's own, quasi-Poisson (the Poisson variance times the Pearson dispersion,
never below 1). The clustered variance alone is estimated from the few treated districts' residuals, noisy
when they are few, and too small as often as too large: on placebo activities it gave p < 0.05 in 8.8 % of
600 true nulls, the larger of the two in 5.0 % (the rule of thumb of Angrist & Pischke, Mostly Harmless
Econometrics, 2009, §8.2: take the larger of the robust and the conventional standard error). The 95 %
interval and the p-value come from a t distribution with G − 1 degrees of freedom (G = districts in the fit).
Cluster-robust errors need clusters: below MIN_TREATED treated or MIN_CONTROL comparison districts no estimate
is made and the reason says so.

Event study. The same model with one indicator per event month from −`leads` to `lags` (months before −leads
binned into −leads, after `lags` into `lags`), month −1 the reference; the chart shows exp(coefficient) with
95 % intervals, and `pre_trend_p` is the joint F test (leads − 1, G − 1 degrees of freedom) that every lead
coefficient is 0: a small value warns that the districts were already diverging before the activity. Each
event month rests on one month of each treated district — a few, skewed counts — and a cluster-robust
covariance estimated from them is too noisy for a joint test (measured on placebo activities: the joint
test of five leads rejected 23–40 % of true nulls). So the event study uses the quasi-Poisson covariance
multiplied by the design effect of clustering measured on the pooled estimate, max(1, its clustered variance /
its quasi-Poisson variance) — the same "larger of the two" as the rate ratio: within-district correlation
still widens every interval, in the proportion the pooled estimate shows.

Measured on synthetic data (docs/cooperation.md, tests/test_coop_effects.py): the planted ×1.3 lies inside
the 95 % interval on the tested seeds; placebo activities on data with no effect give p < 0.05 for the rate
ratio at about the nominal 5 % and for the pre-trend test at or below it.

Caveat (always shown): more reports after an NTS literacy training may mean more awareness, not more crime;
the parallel-trends assumption is checked by the leads, never proven; activities are not assigned at random.
"""
from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..db import run_query
from ..errors import InputError
from ..i18n import t
from ..scope import Scope
from ..taxonomy import CATEGORY_KEYS, CHANNEL_KEYS
from .taxonomy import ACTIVITY_TYPE_KEYS, type_label

MIN_TREATED = 5
MIN_CONTROL = 5
MIN_PRE_MONTHS = 3
MAX_MONTHS = 36
DATA_FROM = dt.date(2000, 1, 1)
EVENT_COLUMNS = ["event_month", "rate_ratio", "ci_low", "ci_high"]


@dataclass
class EffectEstimate:
    """The estimate for one activity type, channel (None = all, each compared with itself) and category."""

    activity_type: str
    channel: str | None
    category: str | None
    n_treated: int
    n_control: int
    n_months: int
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    event_study: pd.DataFrame
    pre_trend_p: float | None
    estimable: bool
    reason_en: str
    reason_th: str
    caveat_en: str
    caveat_th: str
    method_en: str
    method_th: str
    treated_districts: tuple[str, ...] = ()
    control_districts: tuple[str, ...] = ()
    post_months: int = 6
    extra: dict = field(default_factory=dict)   # the fit: rows, parameters, clusters, iterations, design effect, SEs

    def reason(self, lang: str) -> str:
        return self.reason_th if lang == "th" else self.reason_en

    def caveat(self, lang: str) -> str:
        return self.caveat_th if lang == "th" else self.caveat_en

    def method(self, lang: str) -> str:
        return self.method_th if lang == "th" else self.method_en


# ---------------------------------------------------------------------------------------------- public

def estimate(con, activity_type: str, *, scope: Scope, channel: str | None = None, category: str | None = None,
             post_months: int = 6, leads: int = 6, lags: int = 12, end_date: dt.date | None = None,
             event_study: bool = True) -> EffectEstimate:
    """The difference-in-differences estimate of reports after a first activity of `activity_type` (see the
    module text). `end_date`: the last day of data used (default: today, i.e. all); `event_study=False`: the
    pooled rate ratio only (half the time: the briefing and the dossier print no chart). InputError on bad
    arguments; a result with `estimable=False` and a reason when the data cannot support an estimate."""
    _check(activity_type, channel, category, post_months, leads, lags)
    counts, districts = read_panel(con, activity_type, scope=scope, channel=channel, category=category,
                                   end_date=end_date)
    return fit_panel(counts, districts, activity_type=activity_type, channel=channel, category=category,
                     post_months=post_months, leads=leads, lags=lags, event_study=event_study)


def read_panel(con, activity_type: str, *, scope: Scope, channel: str | None = None, category: str | None = None,
               end_date: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the estimate reads, aggregated in the database: the non-zero counts (district_code, month_no,
    channel, reports) and the districts in scope (district_code, province_code, border, first_date,
    activities, first_month_no)."""
    date_to = end_date or dt.date.today()
    params = {"activity_type": activity_type, "date_to": date_to, **scope.sql_params()}
    districts = run_query(con, "coop_effect_districts", params).df()
    counts = run_query(con, "coop_effect_counts", {
        **params, "date_from": DATA_FROM, "cats": [category] if category else [],
        "chans": [channel] if channel else [], "dists": districts["district_code"].tolist() or [""]}).df()
    first = pd.to_datetime(districts["first_date"])
    districts["first_month_no"] = (first.dt.year * 12 + first.dt.month - 1).astype("Int64")
    return counts, districts


def estimate_by_channel(con, activity_type: str, *, scope: Scope, category: str | None = None,
                        post_months: int = 6, leads: int = 6, lags: int = 12,
                        end_date: dt.date | None = None) -> list[EffectEstimate]:
    """`estimate` for all channels together, then for each channel with reports in scope alone (in the order of
    taxonomy.CHANNEL_KEYS): the page's table. One read of the counts serves them all."""
    _check(activity_type, None, category, post_months, leads, lags)
    counts, districts = read_panel(con, activity_type, scope=scope, category=category, end_date=end_date)
    kw = {"activity_type": activity_type, "category": category, "post_months": post_months, "leads": leads,
          "lags": lags}
    present = [c for c in CHANNEL_KEYS if (counts["channel"] == c).any()]
    return [fit_panel(counts, districts, channel=c, **kw) for c in (None, *present)]


def fit_panel(counts: pd.DataFrame, districts: pd.DataFrame, *, activity_type: str, channel: str | None = None,
              category: str | None = None, post_months: int = 6, leads: int = 6, lags: int = 12,
              event_study: bool = True) -> EffectEstimate:
    """The estimate from the aggregated counts (district_code, month_no, channel, reports: non-zero cells) and
    the districts (district_code, border, first_month_no: the month of the first activity or NA). `estimate`
    reads both from the store; the placebo test calls this with made-up first months. With a `channel`, only that
    channel's counts are used."""
    _check(activity_type, channel, category, post_months, leads, lags)
    texts = _Texts(activity_type, channel, category, post_months, leads, lags)
    counts = counts[(counts["reports"] > 0) & ((counts["channel"] == channel) if channel else True)]
    if counts.empty:
        return texts.not_estimable("reason_no_reports", 0, 0, 0)
    panel, treated, control = _panel(counts, districts)
    n_months = int(panel["month_no"].nunique()) if len(panel) else 0
    if len(treated) < MIN_TREATED:
        return texts.not_estimable("reason_few_treated", len(treated), len(control), n_months, treated, control)
    if len(control) < MIN_CONTROL:
        return texts.not_estimable("reason_few_control", len(treated), len(control), n_months, treated, control)
    e = panel["event"]
    pooled = panel[~(e >= post_months)]                      # treated months after the post window: left out
    d = ((pooled["event"] >= 0) & (pooled["event"] < post_months)).to_numpy(float)
    if pooled.loc[d == 1, "reports"].sum() == 0:
        return texts.not_estimable("reason_no_post_reports", len(treated), len(control), n_months, treated, control)
    fit = _fit(pooled, d[:, None])
    if fit is None:
        return texts.not_estimable("reason_not_converged", len(treated), len(control), n_months, treated, control)
    b, df_t = fit["params"][0], fit["df"]
    deff = max(1.0, float(fit["cov"][0, 0] / fit["model_cov"][0, 0]))    # clustered / model variance, at least 1
    se = math.sqrt(fit["model_cov"][0, 0] * deff)                        # the larger of the two
    q = _t_quantile(df_t)
    p_value = _two_sided_p(b / se, df_t)
    es, pre_p = (_event_study(panel, leads, lags, deff) if event_study
                 else (pd.DataFrame(columns=EVENT_COLUMNS), None))
    return EffectEstimate(
        activity_type=activity_type, channel=channel, category=category, n_treated=len(treated),
        n_control=len(control), n_months=n_months, rate_ratio=math.exp(b), ci_low=math.exp(b - q * se),
        ci_high=math.exp(b + q * se), p_value=p_value, event_study=es, pre_trend_p=pre_p,
        estimable=True, reason_en="", reason_th="", **texts.always(len(treated), len(control)),
        treated_districts=tuple(treated), control_districts=tuple(control), post_months=post_months,
        extra={"rows": fit["rows"], "parameters": fit["k"], "clusters": fit["clusters"],
               "iterations": fit["iterations"], "design_effect": deff, "se_clustered": float(fit["bse"][0]),
               "se_model": math.sqrt(fit["model_cov"][0, 0])})


# ---------------------------------------------------------------------------------------------- the panel

def _check(activity_type, channel, category, post_months, leads, lags) -> None:
    if activity_type not in ACTIVITY_TYPE_KEYS:
        raise InputError(f"activity type: {activity_type!r} is not allowed; allowed: {', '.join(ACTIVITY_TYPE_KEYS)}")
    if channel is not None and channel not in CHANNEL_KEYS:
        raise InputError(f"channel: {channel!r} is not allowed; allowed: {', '.join(CHANNEL_KEYS)} or none (all)")
    if category is not None and category not in CATEGORY_KEYS:
        raise InputError(f"category: {category!r} is not allowed; allowed: {', '.join(CATEGORY_KEYS)} or none (all)")
    for name, v, lo in (("post_months", post_months, 1), ("leads", leads, 2), ("lags", lags, 0)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= MAX_MONTHS:
            raise InputError(f"{name}: {v!r} is not allowed; allowed: a whole number from {lo} to {MAX_MONTHS}")


def _panel(counts: pd.DataFrame, districts: pd.DataFrame):
    """The full district × channel × month grid (zeros filled from each channel's first month with reports to
    the last month), the treated and control districts, event months; groups without information dropped."""
    first_c = counts.groupby("channel")["month_no"].min()
    last = int(counts["month_no"].max())
    start = int(first_c.min())
    dist = districts.copy()
    fm = dist["first_month_no"]
    is_t = fm.notna() & (fm >= start + MIN_PRE_MONTHS) & (fm <= last)
    is_c = fm.isna()
    borders = set(dist.loc[is_t, "border"])
    is_c &= dist["border"].isin(borders)
    is_t &= dist["border"].isin(set(dist.loc[is_c, "border"]))
    keep = dist[is_t | is_c].copy()
    keep["first"] = keep["first_month_no"].where(is_t[is_t | is_c]).astype("Float64")
    grid = pd.concat([pd.DataFrame({"channel": c, "month_no": np.arange(int(m0), last + 1)})
                      for c, m0 in first_c.items()], ignore_index=True)
    panel = keep[["district_code", "border", "first"]].merge(grid, how="cross")
    panel = panel.merge(counts[["district_code", "month_no", "channel", "reports"]],
                        on=["district_code", "month_no", "channel"], how="left")
    panel["reports"] = panel["reports"].fillna(0).astype(float)
    panel = panel[_informative(panel)].reset_index(drop=True)
    panel["event"] = (panel["month_no"] - panel["first"]).astype(float)   # NaN for controls
    present = set(panel["district_code"])
    treated = sorted(c for c in keep.loc[keep["first"].notna(), "district_code"] if c in present)
    control = sorted(c for c in keep.loc[keep["first"].isna(), "district_code"] if c in present)
    return panel, treated, control


def _informative(panel: pd.DataFrame) -> np.ndarray:
    """Rows of groups that carry information: a district × channel, or a border × channel × month, whose
    reports add up to 0 has a fixed effect of −∞ (the fit cannot converge) and tells nothing about the effect;
    dropping one can empty another, so repeated until none is left."""
    keep = np.ones(len(panel), dtype=bool)
    while True:
        sub = panel[keep]
        dc = sub.groupby(["district_code", "channel"])["reports"].transform("sum").to_numpy() > 0
        bm = sub.groupby(["border", "channel", "month_no"])["reports"].transform("sum").to_numpy() > 0
        if (dc & bm).all():
            return keep
        idx = np.flatnonzero(keep)
        keep[idx[~(dc & bm)]] = False


def _fixed_effects(panel: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Indicator columns: every district × channel; every border × channel × month but the first of each
    border × channel (full rank together). Also start values for them: the model without an effect is, within
    a border × channel, the independence model of the district × month table, whose fit is closed-form,
    E[d,m] = y[d,·] · y[·,m] / y[·,·] (the hot spots' effort E); its logs start the iterations (fewer of them)."""
    y = panel["reports"]
    dc_key = panel["district_code"] + "|" + panel["channel"]
    grp = panel["border"] + "|" + panel["channel"]
    bm_key = grp + "|" + panel["month_no"].astype(str)
    dc = pd.factorize(dc_key)[0]
    first_month = panel.groupby(grp)["month_no"].transform("min")
    rest = (panel["month_no"] != first_month).to_numpy()
    bm_codes = pd.factorize(bm_key[rest])[0]
    n_dc, n_bm = dc.max() + 1, (bm_codes.max() + 1 if len(bm_codes) else 0)
    X = np.zeros((len(panel), n_dc + n_bm))
    X[np.arange(len(panel)), dc] = 1.0
    rows = np.flatnonzero(rest)
    X[rows, n_dc + bm_codes] = 1.0
    log_d = np.log(y.groupby(dc_key).transform("sum").to_numpy())
    log_m = np.log(y.groupby(bm_key).transform("sum").to_numpy())
    log_g = np.log(y.groupby(grp).transform("sum").to_numpy())
    ref = pd.Series(log_m).where(~rest).groupby(grp.to_numpy()).transform("max").to_numpy()   # the first month's
    start = np.zeros(n_dc + n_bm)
    start[dc] = log_d + ref - log_g
    start[n_dc + bm_codes] = (log_m - ref)[rest]
    return X, start


def _fit(panel: pd.DataFrame, effects: np.ndarray) -> dict | None:
    """Poisson GLM of reports on the effect columns and the fixed effects, district-clustered errors, t(G−1).
    IRLS from statsmodels' own start (about 8 iterations here), else from the closed-form no-effect fit; a fit
    that does not converge or ends with a non-finite coefficient is not used (measured: Newton's method from the
    closed-form start could overshoot into overflow and "converge" to NaN, and IRLS from it took 41 iterations
    where its own start took 8, because the pooled fit leaves out months and the closed form is then only
    approximate); None if both fail."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    rows = _informative(panel)          # a subset (the pooled fit leaves out later months) may empty a group
    panel, effects = panel[rows].reset_index(drop=True), effects[rows]
    keep_cols = effects.sum(axis=0) > 0
    if not keep_cols.all():             # an effect column left without rows: not identifiable here
        return None
    fe, start = _fixed_effects(panel)
    X = np.hstack([effects, fe])
    y = panel["reports"].to_numpy(float)
    groups = pd.factorize(panel["district_code"])[0]
    res = None
    for how in ({"method": "IRLS"},
                {"method": "IRLS", "start_params": np.concatenate([np.zeros(effects.shape[1]), start])}):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("ignore", PerfectSeparationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                res = sm.GLM(y, X, family=sm.families.Poisson()).fit(
                    cov_type="cluster", cov_kwds={"groups": groups}, use_t=True, maxiter=100, **how)
            except (ConvergenceWarning, np.linalg.LinAlgError, ValueError):
                res = None
        if res is not None and res.converged and np.all(np.isfinite(np.asarray(res.params)[:effects.shape[1]])):
            break
        res = None
    if res is None:
        return None
    k = effects.shape[1]
    params, bse = np.asarray(res.params)[:k], np.asarray(res.bse)[:k]
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(bse))):
        return None
    cov = np.asarray(res.cov_params())[:k, :k]
    dispersion = max(1.0, float(res.pearson_chi2) / float(res.df_resid)) if res.df_resid > 0 else 1.0
    model_cov = np.asarray(res.normalized_cov_params)[:k, :k] * dispersion       # quasi-Poisson, never below Poisson
    return {"params": params, "bse": bse, "cov": cov, "model_cov": model_cov,
            "df": int(groups.max()), "rows": len(y), "k": X.shape[1], "clusters": int(groups.max() + 1),
            "iterations": int(res.fit_history.get("iteration", 0))}


def _t_quantile(df: int) -> float:
    from scipy.stats import t as t_dist
    return float(t_dist.ppf(0.975, df))


def _two_sided_p(t_value: float, df: int) -> float:
    from scipy.stats import t as t_dist
    return float(2 * t_dist.sf(abs(t_value), df))


def _event_study(panel: pd.DataFrame, leads: int, lags: int, deff: float) -> tuple[pd.DataFrame, float | None]:
    """exp(coefficient) per event month −leads..lags (ends binned, −1 the reference) and the leads' joint test,
    on the quasi-Poisson covariance times the pooled fit's design effect `deff` (see the module text)."""
    from scipy.stats import f as f_dist

    e = panel["event"].to_numpy()
    binned = np.clip(e, -leads, lags)
    months = [m for m in range(-leads, lags + 1) if m != -1]
    cols = np.column_stack([(binned == m).astype(float) for m in months])
    has = cols.sum(axis=0) > 0
    fit = _fit(panel, cols[:, has])
    rows = {m: (np.nan, np.nan, np.nan) for m in months}
    rows[-1] = (1.0, 1.0, 1.0)
    pre_p = None
    if fit is not None:
        q = _t_quantile(fit["df"])
        cov = fit["model_cov"] * deff
        used = [m for m, h in zip(months, has) if h]
        for i, m in enumerate(used):
            b, se = fit["params"][i], math.sqrt(cov[i, i])
            rows[m] = (math.exp(b), math.exp(b - q * se), math.exp(b + q * se))
        lead_idx = [i for i, m in enumerate(used) if m < -1]
        if lead_idx:
            b = fit["params"][lead_idx]
            v = cov[np.ix_(lead_idx, lead_idx)]
            try:
                stat = float(b @ np.linalg.solve(v, b)) / len(lead_idx)
                pre_p = float(f_dist.sf(stat, len(lead_idx), fit["df"]))
            except np.linalg.LinAlgError:
                pre_p = None
    es = pd.DataFrame([(m, *rows[m]) for m in range(-leads, lags + 1)], columns=EVENT_COLUMNS)
    return es, pre_p


# ---------------------------------------------------------------------------------------------- texts

class _Texts:
    """The reason, caveat and method paragraphs in both languages."""

    def __init__(self, activity_type, channel, category, post_months, leads, lags):
        self.activity_type, self.channel, self.category = activity_type, channel, category
        self.post_months, self.leads, self.lags = post_months, leads, lags

    def _args(self, lang: str, n_treated: int, n_control: int) -> dict:
        from ..i18n import label
        return {"activity": type_label(self.activity_type, lang), "n_treated": n_treated, "n_control": n_control,
                "min_treated": MIN_TREATED, "min_control": MIN_CONTROL, "min_pre": MIN_PRE_MONTHS,
                "post_months": self.post_months, "leads": self.leads, "lags": self.lags,
                "channel": label("channel", self.channel, lang) if self.channel else t("coop_effect.all_channels", lang)}

    def always(self, n_treated: int, n_control: int) -> dict:
        return {f"{kind}_{lang}": t(f"coop_effect.{kind}", lang, **self._args(lang, n_treated, n_control))
                for kind in ("caveat", "method") for lang in ("en", "th")}

    def not_estimable(self, key: str, n_treated: int, n_control: int, n_months: int,
                      treated=(), control=()) -> EffectEstimate:
        reason = {lang: t(f"coop_effect.{key}", lang, **self._args(lang, n_treated, n_control)) for lang in ("en", "th")}
        return EffectEstimate(
            activity_type=self.activity_type, channel=self.channel, category=self.category, n_treated=n_treated,
            n_control=n_control, n_months=n_months, rate_ratio=None, ci_low=None, ci_high=None, p_value=None,
            event_study=pd.DataFrame(columns=EVENT_COLUMNS), pre_trend_p=None, estimable=False,
            reason_en=reason["en"], reason_th=reason["th"], **self.always(n_treated, n_control),
            treated_districts=tuple(treated), control_districts=tuple(control), post_months=self.post_months)


__all__ = ["EffectEstimate", "MIN_CONTROL", "MIN_PRE_MONTHS", "MIN_TREATED", "estimate", "estimate_by_channel",
           "fit_panel", "read_panel"]
