"""Evidence-based ranking of the Thai border districts for "Building Strong Cross-Border Communities".

- `criteria(con, filters, scope)`: one row per border district in scope with the criteria of `CRITERIA`,
  computed in DuckDB (`ntswatch_geo/queries/sites_criteria.sql`; momentum from the monthly series of `trends.series`).
- `rank(crit_df, weights, method)`: weighted sum or TOPSIS (pymcdm), score, rank and per-criterion
  contributions.
- `sensitivity(crit_df, weights, method)`: Monte Carlo over the weights (and over both methods), rank
  acceptability and rank ranges.
- SWOT notes (`add_note`, `notes`) in the `swot_notes` table (migration 005).

Need is measured against the border, and no district can dominate a criterion (docs/sites.md):

- The need criteria are reports per km of international border (the programme works along the border:
  its crossings, river banks and border villages) and, with less weight, reports per 100 km² of the
  district. Density alone misleads: a district's area is mostly hinterland, so a tiny district along the
  border (Khlong Yai, Trat: 76 km², 65 km of border) shows five times the density of any other with an
  ordinary number of reports per km of border. The "greatest need" preset weighs reports per km of border 4
  and reports per 100 km² 1 (it weighed both 3, and Khlong Yai ranked first at 0.84 against 0.39).
- Rate criteria are capped (`CAPPED`: reports per km of border, per 100 km², momentum, office and online
  reports per month): before normalisation each is winsorised at the upper Tukey fence of the districts
  being ranked, Q3 + 1.5 × (Q3 − Q1) (`cap_values`; `rank(..., cap=False)` switches it off). One extreme
  district then cannot squeeze every other district's normalised value towards zero, and a lead beyond the
  fence adds nothing: the capped districts share the top value of that criterion and the other criteria
  decide between them. The tables keep the uncapped values; `rank(...).attrs["caps"]` names the fences.

Methods and normalisation:

- weighted sum ("wsm"): pymcdm `WSM` with min-max normalisation per criterion (benefit: (x-min)/(max-min),
  cost: (max-x)/(max-min)); a criterion without variation normalises to 0 for everyone (pymcdm's own
  min-max gives 1, which we replace so that such a criterion contributes nothing). Weights are divided by their
  sum. Contribution of a criterion = weight × normalised value; the contributions add up to the score.
- TOPSIS ("topsis"): pymcdm `TOPSIS` with vector normalisation (x / ‖x‖; a cost criterion 1 − x / ‖x‖, which
  gives the same distances as the classical Hwang & Yoon form with the minimum as ideal). Criteria with zero
  weight or without variation are left out before calling pymcdm (they add nothing to either distance, and an
  all-zero column would divide by zero). Contributions are an approximation — closeness is not additive: the
  score is split in proportion to each criterion's share of the squared distance from the negative ideal,
  c_ij = C_i × (v_ij − v_j⁻)² / Σ_k (v_ik − v_k⁻)² (non-negative, they add up to the score, 0 for a
  switched-off or constant criterion).

Planners switch a criterion off with weight 0 or by listing it in `exclude`.

The cooperation record (group "cooperation", issue 14; docs/sites.md), from `coop_activities` in the filter period
and scope:

- partnership strength per year: Σ over the joint activities (with at least one facing district) that began in
  the filter dates of 1 + log10(1 + participants from across the border), divided by the period's years (days /
  365.25) — the Cooperation page's partnership strength (cooperation/summary.py), as a rate; benefit, capped.
- continuity: months since the last activity (any type) as of the filter's end date (calendar months, as the
  Cooperation page counts them); cost. Capped at CONTINUITY_CAP_MONTHS (36): a district without any activity
  gets 36, the worst value, and so does one whose last activity is older — three years without a meeting is a
  lapsed partnership, and a cost criterion needs a finite worst value (an open-ended "never" would stretch the
  min-max scale and squeeze every active district together).
- change agents trained: NTS-literacy change agents, cumulative over every activity up to the filter's end date
  (not only the filter dates: trained people stay); benefit, capped.

They are sparse while the record is young (most districts have no activity), so their cap (`SPARSE`) is the fence
of the districts with a value above 0: the fence of all districts would be 0 and wipe the criterion out. The
existing presets give them weight 0 ("balanced" is every criterion but these), so their rankings do not move;
the "cooperation_record" preset weighs them with need, channels and ties.
"""
from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pymcdm.methods import TOPSIS, WSM
from pymcdm.normalizations import vector_normalization

from .db import next_ids, run_query
from .errors import InputError
from .i18n import Bilingual
from .filters import Filters
from .scope import Scope
from .trends import MIN_MONTHS, mann_kendall, series


@dataclass(frozen=True)
class Criterion:
    key: str
    label_th: str
    label_en: str
    unit: str       # English unit (unit_th: the Thai one)
    direction: str  # 'benefit' | 'cost'
    group: str      # need | momentum | engagement | connectivity | programme | cooperation
    unit_th: str = ""
    capped: bool = False   # a rate: winsorised at the upper Tukey fence before normalisation
    sparse: bool = False   # capped at the fence of the districts with a value above 0 (module docstring)

    def label(self, lang: str) -> str:
        return self.label_th if lang == "th" else self.label_en

    def unit_in(self, lang: str) -> str:
        return (self.unit_th or self.unit) if lang == "th" else self.unit


CRITERIA: tuple[Criterion, ...] = (
    Criterion("reports_per_border_km", "รายงานต่อกิโลเมตรแนวชายแดน", "Reports per km of international border",
              "reports per km of border", "benefit", "need", "รายงานต่อ กม. ของแนวชายแดน", capped=True),
    Criterion("reports_per_100km2", "รายงานต่อ 100 ตร.กม.", "Reports per 100 km²", "reports per 100 km²",
              "benefit", "need", "รายงานต่อ 100 ตร.กม.", capped=True),
    Criterion("momentum", "แนวโน้มรายงานรายเดือน (Sen's slope)", "Momentum: Sen's slope of monthly reports",
              "reports a month, change per month", "benefit", "momentum", "รายงานต่อเดือน เปลี่ยนแปลงต่อเดือน",
              capped=True),
    Criterion("mwcc_office_per_month", "รายงานผ่านศูนย์ NTS-MWCC ต่อเดือน", "Reports through the MWCC office per month",
              "reports a month", "benefit", "engagement", "รายงานต่อเดือน", capped=True),
    Criterion("online_per_month", "รายงานออนไลน์ต่อเดือน", "Online reports per month", "reports a month",
              "benefit", "engagement", "รายงานต่อเดือน", capped=True),
    Criterion("verified_share", "สัดส่วนที่ตรวจสอบแล้ว", "Share verified", "share 0–1", "benefit", "engagement",
              "สัดส่วน 0–1"),
    Criterion("median_days_to_verification", "มัธยฐานวันจนตรวจสอบ", "Median days to verification", "days",
              "cost", "engagement", "วัน"),
    Criterion("parallel_areas", "จำนวนพื้นที่คู่ขนาน", "Parallel areas", "count", "benefit", "connectivity",
              "จำนวน"),
    Criterion("shared_border_km", "ความยาวแนวชายแดนร่วม", "Shared border length", "km", "benefit", "connectivity",
              "กม."),
    Criterion("crossings", "จุดผ่านแดน", "Border crossings", "count", "benefit", "connectivity", "จำนวน"),
    Criterion("permanent_crossings", "จุดผ่านแดนถาวร", "Permanent border crossings", "count", "benefit",
              "connectivity", "จำนวน"),
    Criterion("mwcc_target", "อำเภอเป้าหมาย NTS-MWCC", "NTS-MWCC target district", "0/1", "benefit", "programme",
              "0/1"),
    # the cooperation record (issue 14): weight 0 in the older presets
    Criterion("partnership_strength", "ความเข้มแข็งของความร่วมมือกับพื้นที่คู่ขนาน (ต่อปี)",
              "Partnership strength with the facing districts, per year",
              "points a year", "benefit", "cooperation", "คะแนนต่อปี", capped=True, sparse=True),
    Criterion("months_since_activity", "ความต่อเนื่อง: จำนวนเดือนนับจากกิจกรรมล่าสุด",
              "Continuity: months since the last activity", "months (at most 36)", "cost", "cooperation",
              "เดือน (สูงสุด 36)"),
    Criterion("change_agents", "ผู้นำการเปลี่ยนแปลงที่ผ่านการอบรม (สะสม)", "Change agents trained (to date)",
              "people", "benefit", "cooperation", "คน", capped=True, sparse=True),
)
CRITERIA_BY_KEY = {c.key: c for c in CRITERIA}
CRITERION_KEYS = tuple(CRITERIA_BY_KEY)
CAPPED = tuple(c.key for c in CRITERIA if c.capped)
SPARSE = tuple(c.key for c in CRITERIA if c.sparse)
COOPERATION_KEYS = tuple(c.key for c in CRITERIA if c.group == "cooperation")
CONTINUITY_CAP_MONTHS = 36   # months_since_activity of a district without any activity (module docstring)
FENCE_IQR = 3.0            # Tukey's outer fence ("far out"): Q3 + 3 × (Q3 − Q1)
ID_COLUMNS = ("code", "name_th", "name_en", "province_code", "province_th", "province_en")
METHODS = ("wsm", "topsis")

PRESETS: dict[str, dict[str, float]] = {
    # where reports are densest along the border and rising (density per area only a little: see above)
    "greatest_need": {"reports_per_border_km": 4, "reports_per_100km2": 1, "momentum": 2,
                      "median_days_to_verification": 1, "mwcc_target": 1},
    # where the cross-border ties and the channels already work
    "strongest_partnership": {"mwcc_office_per_month": 2, "online_per_month": 1, "verified_share": 2,
                              "median_days_to_verification": 1, "parallel_areas": 2, "shared_border_km": 1,
                              "crossings": 1, "permanent_crossings": 1, "mwcc_target": 1},
    # every criterion equally, the cooperation record aside (as before it was recorded)
    "balanced": {k: 1.0 for k in CRITERION_KEYS if k not in COOPERATION_KEYS},
    # where the cooperation record shows working partnerships, with the need and the channels beside it
    "cooperation_record": {"reports_per_border_km": 2, "momentum": 1, "mwcc_office_per_month": 1,
                           "verified_share": 1, "parallel_areas": 1, "crossings": 1, "mwcc_target": 1,
                           "partnership_strength": 3, "months_since_activity": 2, "change_agents": 2},
}


# ------------------------------------------------------------------------------------------------ criteria

def criteria(con, filters: Filters, scope: Scope, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per border district in scope (and in the district/province/MWCC filters): ID_COLUMNS, reports,
    border_km, area_km2, the CRITERIA columns, momentum_months and momentum_trend.

    Momentum is Sen's slope (reports per month per month) of the district's complete monthly series in the
    filter dates (trends.mann_kendall); with fewer than trends.MIN_MONTHS complete months it is 0 and
    momentum_trend says "too_short". Districts without reports get 0 everywhere (median days to verification
    too — note that 0 days then looks best on that cost criterion). No NaN. The cooperation criteria (module
    docstring): 0 partnership strength and change agents, and CONTINUITY_CAP_MONTHS months since the last
    activity, for a district without any activity.
    """
    df = run_query(con, "sites_criteria", {**filters.sql_params(scope),
                                           "continuity_cap": CONTINUITY_CAP_MONTHS}).df()
    monthly = series(con, filters, scope, by=("district",), freq="month", as_of=as_of)
    monthly = monthly[monthly["complete"]]
    slopes, months, trend = {}, {}, {}
    for code, g in monthly.groupby("district_code", sort=False):
        r = mann_kendall(g.sort_values("period")["reports"].to_numpy())
        ok = r["months"] >= MIN_MONTHS and np.isfinite(r["sen_slope"])
        slopes[code] = float(r["sen_slope"]) if ok else 0.0
        months[code] = int(r["months"])
        trend[code] = r["trend"]
    df["momentum"] = df["code"].map(slopes).fillna(0.0).astype(float)
    df["momentum_months"] = df["code"].map(months).fillna(0).astype("int64")
    df["momentum_trend"] = df["code"].map(trend).fillna("too_short")
    cols = [*ID_COLUMNS, "reports", "border_km", "area_km2", *CRITERION_KEYS, "momentum_months", "momentum_trend"]
    df = df[cols].reset_index(drop=True)
    df[list(CRITERION_KEYS)] = df[list(CRITERION_KEYS)].astype(float).fillna(0.0)
    df.attrs["momentum_note"] = (f"Sen's slope of complete months; 0 when fewer than {MIN_MONTHS} complete "
                                 "months (momentum_trend = too_short)")
    return df


# ------------------------------------------------------------------------------------------------- weights

def resolve_weights(weights: dict | str, exclude=(), directions: dict[str, str] | None = None) -> dict[str, float]:
    """Weights as {criterion: weight ≥ 0} (a preset name or a dict; missing criteria weigh 0), excluded criteria
    set to 0, divided by their sum. Raises InputError for unknown names, negative or non-finite weights, or
    when every weight is zero."""
    known = {**{c.key: c.direction for c in CRITERIA}, **(directions or {})}
    if isinstance(weights, str):
        if weights not in PRESETS:
            raise InputError(f"weights: unknown preset {weights!r}; allowed: {', '.join(PRESETS)}")
        weights = PRESETS[weights]
    if not isinstance(weights, dict):
        raise InputError("weights: give a preset name or a {criterion: weight} dict")
    unknown = sorted(set(weights) - known.keys()) + sorted(set(exclude) - known.keys())
    if unknown:
        raise InputError(f"weights: unknown criteria {unknown}; allowed: {', '.join(known)}")
    out: dict[str, float] = {}
    for key, w in weights.items():
        try:
            w = float(w)
        except (TypeError, ValueError):
            raise InputError(f"weights: {key} = {w!r} is not a number") from None
        if not np.isfinite(w) or w < 0:
            raise InputError(f"weights: {key} = {w!r}; a weight must be a finite number ≥ 0")
        out[key] = 0.0 if key in exclude else w
    total = sum(out.values())
    if total <= 0:
        raise InputError("weights: all criterion weights are zero (or excluded) — give at least one criterion "
                         "a weight above 0")
    return {k: w / total for k, w in out.items()}


def _minmax0(x, cost=False):
    """Min-max normalisation; a column without variation gives 0 (not pymcdm's 1)."""
    x = np.asarray(x, dtype=float)
    lo, hi = x.min(), x.max()
    if hi == lo:
        return np.zeros_like(x)
    return (hi - x) / (hi - lo) if cost else (x - lo) / (hi - lo)


def _scores(matrix: np.ndarray, w: np.ndarray, types: np.ndarray, method: str,
            varies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, contributions) for one method; w sums to 1; `varies` marks columns with variation."""
    n, m = matrix.shape
    contrib = np.zeros((n, m))
    if method == "wsm":
        nmat = np.column_stack([_minmax0(matrix[:, j], types[j] < 0) for j in range(m)]) if m else contrib
        contrib = nmat * w
        # pymcdm's WSM with our normalisation; validation off because a weight may be 0
        scores = WSM(normalization_function=_minmax0)(matrix, w, types, validation=False)
        return np.asarray(scores, dtype=float), contrib
    use = varies & (w > 0)
    if not use.any():
        return np.zeros(n), contrib
    sub_w = w[use] / w[use].sum()
    scores = np.asarray(TOPSIS(vector_normalization)(matrix[:, use], sub_w, types[use], validation=False),
                        dtype=float)
    nmat = np.column_stack([vector_normalization(matrix[:, j], types[j] < 0) for j in np.flatnonzero(use)])
    v = nmat * sub_w
    sq = (v - v.min(axis=0)) ** 2
    tot = sq.sum(axis=1, keepdims=True)
    share = np.divide(sq, tot, out=np.zeros_like(sq), where=tot > 0)
    contrib[:, use] = share * scores[:, None]
    return scores, contrib


def cap_values(x, iqr: float = FENCE_IQR, sparse: bool = False) -> tuple[np.ndarray, float]:
    """`x` winsorised at its upper Tukey fence Q3 + iqr × (Q3 − Q1), and the fence (module docstring).
    sparse: the quartiles of the values above 0 only (a criterion most districts do not have yet)."""
    x = np.asarray(x, dtype=float)
    base = x[x > 0] if sparse else x
    if len(base) == 0:
        return x, float("nan") if len(x) == 0 else float(np.max(x))
    q1, q3 = np.percentile(base, [25, 75])
    fence = float(q3 + iqr * (q3 - q1))
    return np.minimum(x, fence), fence


def _prepare(crit_df: pd.DataFrame, weights, method: str, exclude, directions, cap: bool = True):
    if method not in METHODS:
        raise InputError(f"method: {method!r} is not allowed; allowed: {', '.join(METHODS)}")
    w = resolve_weights(weights, exclude, directions)
    dirs = {**{c.key: c.direction for c in CRITERIA}, **(directions or {})}
    keys = [k for k in w if k in crit_df.columns] if directions else [k for k in CRITERION_KEYS if k in w]
    missing = [k for k in w if w[k] > 0 and k not in crit_df.columns]
    if missing:
        raise InputError(f"weights: criteria {missing} are not columns of the criteria table")
    keys = [k for k in keys if k in crit_df.columns]      # a switched-off criterion the table lacks
    if len(crit_df) == 0:
        raise InputError("no districts to rank: the criteria table is empty")
    matrix = np.nan_to_num(crit_df[keys].to_numpy(dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    caps = {}
    if cap:
        for j, k in enumerate(keys):
            if k in CAPPED and (directions or {}).get(k, CRITERIA_BY_KEY[k].direction) == CRITERIA_BY_KEY[k].direction:
                matrix[:, j], fence = cap_values(matrix[:, j], sparse=k in SPARSE)
                caps[k] = fence
    wv = np.array([w[k] for k in keys], dtype=float)
    wv = wv / wv.sum()
    types = np.array([1 if dirs[k] == "benefit" else -1 for k in keys])
    varies = matrix.max(axis=0) > matrix.min(axis=0) if len(matrix) else np.zeros(len(keys), bool)
    return keys, matrix, wv, types, varies, caps


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1 = best; ties share the best rank (scores rounded to 12 digits so float noise does not split ties)."""
    from scipy.stats import rankdata

    return rankdata(-np.round(np.asarray(scores, dtype=float), 12), method="min").astype(int)


def rank(crit_df: pd.DataFrame, weights: dict | str = "balanced", method: str = "topsis", exclude=(),
         directions: dict[str, str] | None = None, cap: bool = True) -> pd.DataFrame:
    """Score and rank the districts of `crit_df` (from `criteria`).

    weights: a preset name (PRESETS) or {criterion: weight ≥ 0}; missing criteria and `exclude` weigh 0; the
    weights are divided by their sum. method: "wsm" (weighted sum, min-max) or "topsis" (vector
    normalisation); see the module docstring. `directions` adds or overrides criteria ({column: 'benefit' |
    'cost'}) for tables that are not from `criteria`.

    cap: winsorise the CAPPED rate criteria at their upper Tukey fence first (module docstring).

    Returns the ID columns present, score, rank (1 = best, ties share the best rank) and contrib_<criterion>
    for every criterion used, best first. attrs: method, normalisation, weights, caps ({criterion: fence}),
    preset (the preset's name when `weights` is one), warnings (e.g. a criterion without variation, which
    contributes 0 for everyone).
    """
    keys, matrix, wv, types, varies, caps = _prepare(crit_df, weights, method, exclude, directions, cap)
    scores, contrib = _scores(matrix, wv, types, method, varies)
    scores = np.nan_to_num(scores, nan=0.0)
    out = crit_df[[c for c in ID_COLUMNS if c in crit_df.columns]].copy()
    out["score"] = scores
    out["rank"] = _ranks(scores)
    for j, k in enumerate(keys):
        out[f"contrib_{k}"] = np.nan_to_num(contrib[:, j], nan=0.0)
    def name(k: str, lang: str) -> str:
        return CRITERIA_BY_KEY[k].label(lang) if k in CRITERIA_BY_KEY else k

    notes = [Bilingual(f"{name(k, 'en')}: no variation between districts — contributes 0 for everyone",
                       f"{name(k, 'th')}: ทุกอำเภอมีค่าเท่ากัน จึงไม่มีผลต่อคะแนนของอำเภอใด")
             for j, k in enumerate(keys) if wv[j] > 0 and not varies[j]]
    if not (varies & (wv > 0)).any():
        notes.append(Bilingual("no weighted criterion varies between districts: every score is 0",
                               "ไม่มีเกณฑ์ที่มีน้ำหนักใดต่างกันระหว่างอำเภอ คะแนนทุกอำเภอจึงเป็น 0"))
    for n in notes:
        warnings.warn(n, stacklevel=2)
    out = out.sort_values(["rank", *(["code"] if "code" in out.columns else [])], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(method=method,
                     normalisation="min-max (constant criterion → 0)" if method == "wsm"
                     else "vector (x/‖x‖; cost 1 − x/‖x‖)",
                     weights=dict(zip(keys, wv.tolist())), caps=caps, warnings=notes,
                     preset=weights if isinstance(weights, str) else None)
    return out


# --------------------------------------------------------------------------------------------- sensitivity

def sensitivity(crit_df: pd.DataFrame, weights: dict | str = "balanced", method_or_both: str = "both",
                n: int = 1000, spread: float = 0.2, top_k: int = 5, seed: int = 0, exclude=(),
                directions: dict[str, str] | None = None, cap: bool = True) -> pd.DataFrame:
    """Monte Carlo robustness of the ranking.

    Each of `n` runs multiplies every chosen weight by an independent factor U(1 − spread, 1 + spread) and
    divides by the sum (switched-off criteria stay at 0). With method_or_both="both" each draw is ranked by the
    weighted sum and by TOPSIS (2n rankings); otherwise by the one method. Reproducible: numpy
    default_rng(seed).

    Returns per district: ID columns, base_rank (the chosen weights; for "both" the TOPSIS rank),
    acceptability (share of rankings with rank ≤ top_k), rank_min, rank_p05, rank_median, rank_p95, rank_max;
    best acceptability first.
    """
    methods = METHODS if method_or_both == "both" else (method_or_both,)
    if any(m not in METHODS for m in methods):
        raise InputError(f"method: {method_or_both!r} is not allowed; allowed: {', '.join(METHODS)}, both")
    if not (isinstance(n, int) and n >= 1):
        raise InputError(f"n: {n!r}; give a whole number of runs ≥ 1")
    if not (0 <= spread < 1):
        raise InputError(f"spread: {spread!r}; give a fraction in [0, 1)")
    if not (isinstance(top_k, int) and top_k >= 1):
        raise InputError(f"top_k: {top_k!r}; give a whole number ≥ 1")
    keys, matrix, wv, types, varies, _ = _prepare(crit_df, weights, methods[-1], exclude, directions, cap)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(n, len(keys)))
    ranks = np.empty((n * len(methods), len(matrix)), dtype=int)
    i = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in factors:
            w = wv * f
            w = w / w.sum()
            for m in methods:
                ranks[i] = _ranks(_scores(matrix, w, types, m, varies)[0])
                i += 1
    base = _ranks(_scores(matrix, wv, types, methods[-1], varies)[0])
    out = crit_df[[c for c in ID_COLUMNS if c in crit_df.columns]].copy()
    out["base_rank"] = base
    out["acceptability"] = (ranks <= top_k).mean(axis=0)
    out["rank_min"] = ranks.min(axis=0)
    out["rank_p05"] = np.percentile(ranks, 5, axis=0)
    out["rank_median"] = np.median(ranks, axis=0)
    out["rank_p95"] = np.percentile(ranks, 95, axis=0)
    out["rank_max"] = ranks.max(axis=0)
    out = out.sort_values(["acceptability", "base_rank"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(methods=list(methods), n=n, spread=spread, top_k=top_k, seed=seed,
                     noise="multiplicative U(1-spread, 1+spread) per weight, renormalised",
                     weights=dict(zip(keys, wv.tolist())))
    return out


# ---------------------------------------------------------------------------------------------- SWOT notes

SWOT_KINDS = ("strengths", "weaknesses", "opportunities", "threats")
MAX_NOTE_CHARS = 4000


def add_note(con, district_code: str, kind: str, text: str, author: str, neighbour_id: str | None = None,
             scope: Scope | None = None, activity_id: int | None = None) -> int:
    """Store one SWOT note about a border district (or, with neighbour_id, about its parallel-area pair with
    that Lao/Cambodian district). Returns the note id; InputError names the field and what is allowed.
    scope: the writer's; a governor or district officer may write about their own province or district only.
    activity_id: the cooperation activity (of this district) the note came from, e.g. a SWOT session."""
    if kind not in SWOT_KINDS:
        raise InputError(f"kind: {kind!r} is not allowed; allowed: {', '.join(SWOT_KINDS)}")
    text = (text or "").strip() if isinstance(text, str) or text is None else None
    if text is None or not text:
        raise InputError("text: the note is empty; write what you observed")
    if len(text) > MAX_NOTE_CHARS:
        raise InputError(f"text: {len(text)} characters; at most {MAX_NOTE_CHARS}")
    author = author.strip() if isinstance(author, str) else ""
    if not author:
        raise InputError("author: required (the username writing the note)")
    if not isinstance(district_code, str) or not district_code:
        raise InputError("district_code: required (a 4-digit DOPA code of a border district)")
    if neighbour_id is not None and (not isinstance(neighbour_id, str) or not neighbour_id.strip()):
        raise InputError("neighbour_id: give a neighbour district id, or None for a note about the district")
    if scope is not None and scope.restricted and not (
            district_code == scope.district_code if scope.district_code
            else district_code[:2] == scope.province_code):
        where = scope.district_code or scope.province_code
        raise InputError(f"district_code: {district_code!r} is outside your "
                         f"{'district' if scope.district_code else 'province'}; you can write notes about {where} only")
    params = {"district_code": district_code, "neighbour_id": neighbour_id}
    district_ok, pair_ok = run_query(con, "sites_note_target", params).fetchone()
    if not district_ok:
        raise InputError(f"district_code: {district_code!r} is not a border district")
    if not pair_ok:
        raise InputError(f"neighbour_id: {neighbour_id!r} is not a parallel area of district {district_code}")
    if activity_id is not None and con.execute("SELECT count(*) FROM coop_activities WHERE id = ? AND district_code = ?",
                                               [int(activity_id), district_code]).fetchone()[0] == 0:
        raise InputError(f"activity_id: {activity_id!r} is not a cooperation activity of district {district_code}")
    new_id = int(next_ids(con, "swot_note_id_seq", 1)[0])
    run_query(con, "sites_insert_note", {**params, "id": new_id, "kind": kind, "text": text, "author": author,
                                         "activity_id": None if activity_id is None else int(activity_id)})
    return new_id


def notes(con, district_codes=()) -> pd.DataFrame:
    """SWOT notes of the given districts (all when empty), in SWOT order, oldest first."""
    if isinstance(district_codes, str):
        district_codes = [district_codes]
    return run_query(con, "sites_notes", {"district_codes": list(district_codes)}).df()


# ------------------------------------------------------------------------------------- files and their method

def ranking_table(ranked: pd.DataFrame, sens: pd.DataFrame, crit: pd.DataFrame) -> pd.DataFrame:
    """The ranking as a file holds it: rank, the district, score, the robustness (acceptability as a share,
    rank range P5-P95), every criterion's value as measured (uncapped) and each criterion's contribution."""
    used = [k for k in CRITERION_KEYS if f"contrib_{k}" in ranked.columns]
    out = ranked[[c for c in ("rank", *ID_COLUMNS, "score") if c in ranked.columns]].merge(
        sens[["code", "acceptability", "rank_p05", "rank_p95"]], on="code", how="left").merge(
        crit[["code", "reports", "border_km", "area_km2", *used]], on="code", how="left")
    contrib = ranked[["code", *[f"contrib_{k}" for k in used]]]
    return out.merge(contrib, on="code", how="left").sort_values(["rank", "code"], kind="stable").reset_index(drop=True)


def capped_districts(crit: pd.DataFrame, ranked: pd.DataFrame) -> dict[str, list[str]]:
    """{criterion: codes of the districts above its fence} for the caps `rank` applied to weighted criteria."""
    weights = ranked.attrs.get("weights") or {}
    return {k: list(crit.loc[crit[k] > fence, "code"]) for k, fence in (ranked.attrs.get("caps") or {}).items()
            if weights.get(k, 0) > 0 and k in crit.columns and (crit[k] > fence).any()}


def method_rows(ranked: pd.DataFrame, sens: pd.DataFrame, lang: str, preset: str | None = None,
                crit: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """How the ranking was made, as (item, value) rows in `lang` for a file's About sheet: method, preset,
    each criterion's weight (share of the total) with its unit, the normalisation, the capped criteria
    (fence, and the districts above it when `crit` is given) and the robustness runs."""
    from .i18n import fmt_float, fmt_pct, t

    method = ranked.attrs.get("method", "topsis")
    preset = preset if preset is not None else ranked.attrs.get("preset")
    rows = [(t("export.method", lang), t(f"sites.method_{method}", lang)),
            (t("export.preset", lang), t(f"sites.preset_{preset or 'custom'}", lang))]
    for k, w in (ranked.attrs.get("weights") or {}).items():
        if w > 0 and k in CRITERIA_BY_KEY:
            c = CRITERIA_BY_KEY[k]
            rows.append((t("export.weight", lang, criterion=c.label(lang), unit=c.unit_in(lang)),
                         t("export.weight_value", lang, share=fmt_pct(w, lang, digits=1), weight=k)))
    rows.append((t("export.normalisation", lang), t(f"sites.normalisation_{method}", lang)))
    above = capped_districts(crit, ranked) if crit is not None else {}
    names = dict(zip(crit["code"], crit[f"name_{lang}"])) if crit is not None else {}
    caps = [f"{CRITERIA_BY_KEY[k].label(lang)} ≤ {fmt_float(v, lang, 2)}"
            + (f" ({', '.join(names.get(c, c) for c in above[k])})" if above.get(k) else "")
            for k, v in (ranked.attrs.get("caps") or {}).items() if (ranked.attrs.get("weights") or {}).get(k, 0) > 0]
    rows.append((t("export.caps", lang), "; ".join(caps) or t("export.caps_none", lang)))
    if sens is not None and sens.attrs:
        a = sens.attrs
        rows.append((t("export.robustness", lang), t(
            "export.robustness_value", lang, runs=a.get("n"), spread=fmt_pct(a.get("spread", 0), lang),
            methods=", ".join(t(f"sites.method_{m}", lang) for m in a.get("methods", [])), k=a.get("top_k"),
            seed=a.get("seed"))))
    return rows
