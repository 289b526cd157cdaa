"""Local Moran's I clusters and outliers (esda ``Moran_Local``).

Called as ``Moran_Local(y, w, transformation="r", permutations=P, seed=S, n_jobs=1, keep_simulations=False)``
on the report counts with row-standardised contiguity / k-ring weights. esda's quadrant numbering (its
default, ``geoda_quads=False``) is kept in the ``q`` column:

    q = 1  HH  high count, high neighbours (a cluster of high values)
    q = 2  LH  low count among high neighbours (a low outlier)
    q = 3  LL  low count, low neighbours (a cluster of low values)
    q = 4  HL  high count among low neighbours (a high outlier)

A unit gets its quadrant's class when the two-sided permutation p-value (``min(1, 2·p_sim)``, see
``gistar``) is below ``alpha`` (0.05 by default) — or below esda's FDR threshold at ``alpha`` with the
optional ``fdr=True`` — and "ns" (not significant) otherwise. As for Gi*, conditional permutation holds the
unit's own value fixed, so significance comes from how unusual its neighbours are given its value.
"""
from __future__ import annotations

import time

import numpy as np

from ..filters import Filters
from ..scope import Scope
from . import effort
from ..fdr import q_values
from .gistar import P_VALUE_NOTE, _check_finite, esda_call, significant, two_sided
from .weights import (HotspotResult, Units, base_frame, check_choice, check_common, check_range, filters_meta, prepare,
                      require_reports, require_units)

QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}      # esda's numbering (geoda_quads=False)
CLASS_LABELS: dict[str, tuple[str, str]] = {
    "HH": ("High-High cluster", "กลุ่มสูง-สูง"),
    "LL": ("Low-Low cluster", "กลุ่มต่ำ-ต่ำ"),
    "HL": ("High-Low outlier", "ค่าผิดปกติ สูง-ต่ำ"),
    "LH": ("Low-High outlier", "ค่าผิดปกติ ต่ำ-สูง"),
    "ns": ("Not significant", "ไม่มีนัยสำคัญทางสถิติ"),
}


def local_moran_values(y: np.ndarray, w, permutations: int = 999, seed: int = 0) -> dict[str, np.ndarray]:
    """esda's local Moran's I on `y` with libpysal weights `w` (row-standardised by esda)."""
    import esda

    y = np.asarray(y, dtype=float)
    with esda_call():
        m = esda.Moran_Local(y, w, transformation="r", permutations=permutations, seed=seed, n_jobs=1,
                             keep_simulations=False)
    return {"I": np.asarray(m.Is, float), "q": np.asarray(m.q, np.int64), "p_sim": np.asarray(m.p_sim, float),
            "p_value": two_sided(m.p_sim)}


def lisa_classes(q: np.ndarray, p_value: np.ndarray, alpha: float, fdr: bool) -> tuple[np.ndarray, float]:
    """'HH', 'LL', 'HL', 'LH' where significant, else 'ns'; and the p threshold used."""
    sig, thr = significant(p_value, alpha, fdr)
    cls = np.array([QUADRANTS.get(int(v), "ns") for v in q], dtype=object)
    cls[~sig] = "ns"
    return cls, thr


def local_moran_units(units: Units, y: np.ndarray, *, permutations: int = 999, seed: int = 0, fdr: bool = False,
                      alpha: float = 0.05) -> tuple[dict, float]:
    values = local_moran_values(y, units.weights(), permutations, seed)
    _check_finite({k: values[k] for k in ("I", "p_sim")}, "Local Moran's I")
    values["cluster"], thr = lisa_classes(values["q"], values["p_value"], alpha, fdr)
    return values, thr


def local_moran(con, filters: Filters, scope: Scope, *, unit: str = "district", resolution: int | None = None,
                k: int = 1, permutations: int = 999, seed: int = 0, fdr: bool = False,
                alpha: float = 0.05, adjust: str = "effort", cold_rule: bool = True) -> HotspotResult:
    """Local Moran's I (LISA) clusters and outliers of report counts per border district or H3 cell.

    Inference by conditional permutations (999, seeded), as ArcGIS's Cluster and Outlier Analysis; FDR
    available (off by default, as there). adjust: 'effort' (default: the Pearson residuals against the
    expected counts of hotspots/effort.py) or 'raw' (the counts). cold_rule: a unit with no reports, or fewer
    than 5 expected, is never a Low-Low cluster or a Low-High outlier (it is 'ns' with its data_status).
    Other parameters as `gi_star`, plus alpha (0.001–0.2): the significance level of the classes.
    Returns HotspotResult(frame, meta): per unit `reports`, `I`, `q` (esda: 1 HH, 2 LH, 3 LL, 4 HL), `p_sim`,
    `p_value`, `cluster` ('HH', 'LL', 'HL', 'LH', 'ns'), `label_en`, `label_th`, plus the parameters used.
    """
    t0 = time.perf_counter()
    permutations, seed, resolution, k = check_common(permutations, seed, resolution, k)
    alpha = check_range("alpha", alpha, 0.001, 0.2, integer=False)
    adjust = check_choice("adjust", adjust, effort.ADJUSTMENTS)
    prep = prepare(con, filters, scope, unit, resolution, k, adjust=adjust)
    units = prep.units
    require_units(units.n, "border districts" if units.kind == "district" else "H3 cells", "Local Moran's I",
                  scope, filters, "; use unit 'h3' or widen the area" if units.kind == "district" else "")
    require_reports(prep.y, "Local Moran's I")
    values, thr = local_moran_units(units, prep.x, permutations=permutations, seed=seed, fdr=fdr, alpha=alpha)
    status = effort.data_status(prep.y, prep.expected)
    if cold_rule:   # low here with nothing to be low against: not a cluster of low values
        low = np.isin(values["cluster"], ("LL", "LH")) & (status != effort.STATUS_OK)
        values["cluster"] = np.where(low, "ns", values["cluster"]).astype(object)
    frame = base_frame(units)
    frame["reports"] = prep.y.astype(np.int64)
    frame["expected"] = prep.expected
    frame["x"] = prep.x
    for col in ("I", "q", "p_sim", "p_value", "cluster"):
        frame[col] = values[col]
    frame["q_value"] = q_values(values["p_value"])
    frame["data_status"] = status
    frame["label_en"] = [CLASS_LABELS[c][0] for c in values["cluster"]]
    frame["label_th"] = [CLASS_LABELS[c][1] for c in values["cluster"]]
    frame["method"], frame["permutations"], frame["seed"], frame["fdr"] = "local_moran", permutations, seed, fdr
    frame["adjust"] = prep.adjust
    meta = {
        "method": "local_moran", "unit": units.kind, "resolution": units.resolution, "k": units.k,
        "resolution_reason": prep.resolution_reason, "median_reports_per_cell": prep.medians,
        "permutations": permutations, "seed": seed, "fdr": fdr, "alpha": alpha, "threshold": thr,
        "adjust": prep.adjust, "adjust_requested": adjust, "adjust_note": prep.adjust_note, "cold_rule": cold_rule,
        "weights": units.description + "; row-standardised", "p_values": P_VALUE_NOTE,
        "quadrants": "esda q: 1 HH, 2 LH, 3 LL, 4 HL",
        "n_units": units.n, "reports_total": prep.reports_total, "reports_used": prep.reports_used,
        "classes": {**{c: int(((values["cluster"] == c) & ~((c == "ns") & (status == effort.STATUS_NO_REPORTS))).sum())
                       for c in CLASS_LABELS},
                    effort.STATUS_NO_REPORTS: int(((values["cluster"] == "ns")
                                                   & (status == effort.STATUS_NO_REPORTS)).sum())},
        "filters": filters_meta(filters), "warnings": list(units.warnings),
        "seconds": round(time.perf_counter() - t0, 3),
    }
    return HotspotResult(frame, meta)
