"""The Mann-Kendall trend test on many series at once (the emerging hot spot's trend of each location's z-scores).

The same test, statistics and decisions as pymannkendall's ``original_test`` (ArcGIS's Emerging Hot Spot
Analysis uses the same test): S = sum of sign(x_j - x_i) over i < j, its variance with the tie correction,
the continuity-corrected z, the two-sided normal p-value, Kendall's tau = S / (n(n-1)/2) and Sen's slope (the
median of the pairwise slopes). pymannkendall tests one series per call and builds a new namedtuple class each
time; at H3 resolution an EHSA run has a few thousand locations, so the pairs are formed once for all rows
with numpy. A row holding NaN (which pymannkendall skips value by value) is handed to pymannkendall itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True)
class Trend:
    """One series' result, with pymannkendall's field names."""

    trend: str          # 'increasing' | 'decreasing' | 'no trend'
    h: bool
    p: float
    z: float
    Tau: float
    s: float
    var_s: float
    slope: float
    intercept: float


def _tie_term(row: np.ndarray) -> float:
    _, counts = np.unique(row, return_counts=True)
    t = counts[counts > 1].astype(float)
    return float((t * (t - 1) * (2 * t + 5)).sum())


def original_tests(x, alpha: float = 0.05) -> list[Trend]:
    """The Mann-Kendall test of every row of `x` (locations x time slices, time in column order)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError("x must be 2-d: one row per series")
    m, n = x.shape
    out: list[Trend | None] = [None] * m
    nan_rows = np.isnan(x).any(axis=1)
    if nan_rows.any():                          # pymannkendall's own handling of missing values
        import pymannkendall as mk
    for i in np.flatnonzero(nan_rows):
        r = mk.original_test(x[i], alpha=alpha)
        out[i] = Trend(r.trend, bool(r.h), float(r.p), float(r.z), float(r.Tau), float(r.s), float(r.var_s),
                       float(r.slope), float(r.intercept))
    rows = np.flatnonzero(~nan_rows)
    if len(rows):
        v = x[rows]
        i, j = np.triu_indices(n, k=1)
        diff = v[:, j] - v[:, i]
        s = np.sign(diff).sum(axis=1)
        base = n * (n - 1) * (2 * n + 5)
        srt = np.sort(v, axis=1)
        tied = (srt[:, 1:] == srt[:, :-1]).any(axis=1)
        ties = np.zeros(len(rows))
        for k in np.flatnonzero(tied):
            ties[k] = _tie_term(v[k])
        var_s = (base - ties) / 18.0
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(s > 0, (s - 1) / np.sqrt(var_s), np.where(s < 0, (s + 1) / np.sqrt(var_s), 0.0))
        p = 2 * (1 - norm.cdf(np.abs(z)))
        h = np.abs(z) > norm.ppf(1 - alpha / 2)
        tau = s / (0.5 * n * (n - 1))
        slope = np.median(diff / (j - i), axis=1)
        intercept = np.median(v, axis=1) - np.median(np.arange(n)) * slope
        for k, r in enumerate(rows):
            trend = "decreasing" if z[k] < 0 and h[k] else "increasing" if z[k] > 0 and h[k] else "no trend"
            out[r] = Trend(trend, bool(h[k]), float(p[k]), float(z[k]), float(tau[k]), float(s[k]), float(var_s[k]),
                           float(slope[k]), float(intercept[k]))
    return out  # type: ignore[return-value]
