"""Getis-Ord Gi* hot spots (esda ``G_Local`` with ``star=True``) and the inference every statistic shares.

The statistic is esda's, called as ``G_Local(y, w, transform="B", star=True, permutations=P, seed=S,
n_jobs=1, keep_simulations=False)`` on the report counts ``y`` with binary weights ``w`` (esda puts a weight
of 1 on the unit itself for the star version) — the classic Gi* of ArcGIS's Hot Spot Analysis, whose
weights are binary too. Inference is esda's conditional permutation (P = 999 by default, the seed passed in
the call, so the same seed gives the same p-values; numpy's global random state, which esda reseeds, is
restored afterwards).

p-values. esda 2.9 reports ``p_sim`` as the *directed* pseudo p-value: (the number of permuted statistics
at least as extreme in the tail the observed value lies in + 1) / (P + 1) — one tail, the smaller one (esda's
own deprecation notice says a two-sided test "will generally double the p-value returned"). ArcGIS's
confidence levels are two-sided (99 % ⇔ |z| > 2.58), so the decisions use ``p_value = min(1, 2 · p_sim)``;
``p_sim`` is kept as esda gives it. The smallest possible ``p_value`` is 2 / (P + 1). On uniformly random
points (tests/test_hotspots.py) about 10 % of cells have p_value < 0.10 and 5 % < 0.05, as they should.

``inference="normal"`` uses instead the two-sided p-value of Gi*'s z-score under the normal
approximation (``p_norm`` = ``2 · esda p_norm``), which is what ArcGIS's Hot Spot Analysis reports. The
difference matters: conditional permutation holds a unit's own value fixed and permutes the others, so the
permutation p-value speaks only of the unit's *neighbours* — one busy district among ordinary neighbours gets
a large z-score but no small permutation p-value (its neighbours may become hot instead). The z-score itself,
as in ArcGIS, includes the unit. And the border districts form a chain (two neighbours each), so a district's
neighbourhood is small and the permutation test has little power there.

Confidence bins, as ArcGIS's ``Gi_Bin``: +3 / −3 hot / cold spot at 99 % (p_value < 0.01), ±2 at 95 %
(< 0.05), ±1 at 90 % (< 0.10), 0 not significant; the sign is the sign of the z-score. With the False
Discovery Rate correction (``fdr=True``, the default, as ArcGIS's Optimized Hot Spot Analysis always applies
it) each level uses its own Benjamini–Hochberg threshold from ``esda.fdr(p_value, level)`` instead of the
level.

Defaults (``gi_star``): ``inference="normal"`` (the z-score's p-value, as ArcGIS's Hot Spot Analysis),
``fdr=True``, ``adjust="effort"`` (the Pearson residuals against expected counts, ``effort``), and the cold
spot rule (no cold spot without reports or with fewer than 5 expected). Permutations run only with
``inference="permutation"``; with 999 of them and few units the FDR correction can reject nothing (67 districts: the first rejection needs p_value < 0.10 / 67 at the 90 % level, below the
smallest possible 0.002, unless several districts reach it together).
"""
from __future__ import annotations

import threading
import time
import warnings
from contextlib import contextmanager

import numpy as np

from ..errors import InputError
from ..fdr import q_values
from ..filters import Filters
from ..i18n import Bilingual
from ..scope import Scope
from . import effort
from .weights import (HotspotResult, Units, base_frame, check_choice, check_common, filters_meta, prepare,
                      require_reports, require_units)

LEVELS = ((1, 0.10), (2, 0.05), (3, 0.01))       # bin, two-sided significance level
BIN_LABELS: dict[int, tuple[str, str]] = {
    3: ("Hot spot, 99% confidence", "จุดร้อน ความเชื่อมั่น 99%"),
    2: ("Hot spot, 95% confidence", "จุดร้อน ความเชื่อมั่น 95%"),
    1: ("Hot spot, 90% confidence", "จุดร้อน ความเชื่อมั่น 90%"),
    0: ("Not significant", "ไม่มีนัยสำคัญทางสถิติ"),
    -1: ("Cold spot, 90% confidence", "จุดเย็น ความเชื่อมั่น 90%"),
    -2: ("Cold spot, 95% confidence", "จุดเย็น ความเชื่อมั่น 95%"),
    -3: ("Cold spot, 99% confidence", "จุดเย็น ความเชื่อมั่น 99%"),
}
INFERENCE = ("permutation", "normal")
P_VALUE_NOTE = ("p_sim: esda's directed permutation pseudo p-value (smaller tail); p_norm: two-sided p-value of "
                "the z-score under the normal approximation (2 * esda p_norm, as ArcGIS); p_value: the one the "
                "bins, classes and FDR use — min(1, 2 * p_sim) with inference 'permutation', p_norm with 'normal'")


_ESDA_LOCK = threading.Lock()


@contextmanager
def esda_call():
    """Run esda quietly and without side effects: its notice that the default `alternative` will change is
    silenced (we double the directed p-value ourselves), and numpy's global random state — which esda's
    permutation engine reseeds — is restored afterwards. One call at a time: esda seeds numpy's *global*
    generator, so two sessions of the dashboard permuting at once would disturb each other's seeded draws."""
    with _ESDA_LOCK, warnings.catch_warnings():
        state = np.random.get_state()
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*alternative.*")
        warnings.filterwarnings("ignore", message=".*not fully connected.*")   # reported in meta instead
        warnings.filterwarnings("ignore", message=".*islands.*")
        try:
            yield
        finally:
            np.random.set_state(state)


def two_sided(p_sim: np.ndarray) -> np.ndarray:
    """Two-sided permutation p-value from esda's directed one."""
    return np.minimum(1.0, 2.0 * np.asarray(p_sim, dtype=float))


def fdr_threshold(p_value: np.ndarray, alpha: float) -> float:
    """esda's Benjamini–Hochberg cut-off: p_value < threshold is significant at FDR level `alpha`."""
    import esda

    return float(esda.fdr(np.asarray(p_value, dtype=float), alpha))


def significant(p_value: np.ndarray, alpha: float, fdr: bool) -> tuple[np.ndarray, float]:
    """Which p-values are significant at `alpha` (FDR-corrected or not), and the threshold used."""
    thr = fdr_threshold(p_value, alpha) if fdr else alpha
    return np.asarray(p_value) < thr, thr


def confidence_bins(z: np.ndarray, p_value: np.ndarray, fdr: bool) -> tuple[np.ndarray, dict[str, float]]:
    """ArcGIS-style bins −3..+3 from the z-score's sign and the two-sided p-value; thresholds by level."""
    z = np.asarray(z, dtype=float)
    bins = np.zeros(len(z), dtype=np.int64)
    thresholds = {}
    for level, alpha in LEVELS:                   # 90 %, then 95 %, then 99 % overrides
        sig, thr = significant(p_value, alpha, fdr)
        thresholds[f"{round(100 * (1 - alpha))}%"] = thr
        bins[sig] = level * np.sign(z[sig]).astype(np.int64)
    return bins, thresholds


def gi_star_values(y: np.ndarray, w, permutations: int = 999, seed: int = 0) -> dict[str, np.ndarray]:
    """esda's local Gi* on counts `y` with binary libpysal weights `w` (a fresh W: esda modifies it).
    permutations=0: no permutation test (p_sim and p_value are NaN; the z-score p-value p_norm is there)."""
    import esda

    y = np.asarray(y, dtype=float)
    with esda_call():
        g = esda.G_Local(y, w, transform="B", star=True, permutations=permutations, seed=seed, n_jobs=1,
                         keep_simulations=False)
    p_sim = np.asarray(g.p_sim, float) if permutations else np.full(len(y), np.nan)
    return {"gi": np.asarray(g.Gs, float), "z": np.asarray(g.Zs, float), "p_sim": p_sim,
            "p_value": two_sided(p_sim), "p_norm": two_sided(g.p_norm)}


def _check_finite(values: dict[str, np.ndarray], statistic: str) -> None:
    bad = [k for k, v in values.items() if not np.all(np.isfinite(v))]
    if bad:
        raise InputError(f"{statistic}: the statistic is undefined for these counts ({', '.join(bad)} not "
                         f"finite); widen the filters")


def choose_p(values: dict[str, np.ndarray], inference: str) -> None:
    """Set values["p_value"] to the p-value the decisions use."""
    values["p_value"] = values["p_norm"] if inference == "normal" else two_sided(values["p_sim"])


def apply_cold_rule(bins: np.ndarray, observed: np.ndarray, expected: np.ndarray,
                    cold_rule: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(bins, data_status): with `cold_rule`, a negative bin becomes 0 where the unit has no reports or
    fewer than MIN_EXPECTED_COLD expected (effort.py); data_status says which applies to every unit."""
    status = effort.data_status(observed, expected)
    bins = np.asarray(bins).copy()
    if cold_rule:
        bins[(bins < 0) & (status != effort.STATUS_OK)] = 0
    return bins, status


def gi_star_units(units: Units, x: np.ndarray, *, permutations: int = 999, seed: int = 0,
                  fdr: bool = True, inference: str = "normal") -> tuple:
    """Gi* on prepared units: (frame columns as a dict, thresholds). x: the variable (counts, or residuals,
    which are shifted to be positive first: Gi*'s z-score is unchanged by a constant). Permutations run only
    with inference 'permutation'."""
    x = np.asarray(x, dtype=float)
    if x.min() < 0:
        x = effort.positive_shift(x)
    values = gi_star_values(x, units.graph(), permutations if inference == "permutation" else 0, seed)
    choose_p(values, inference)
    _check_finite({k: values[k] for k in ("gi", "z", "p_norm", "p_value")}, "Gi*")
    bins, thresholds = confidence_bins(values["z"], values["p_value"], fdr)
    values["bin"] = bins
    values["q_value"] = q_values(values["p_value"])
    return values, thresholds


ADJUST_NOTE = ("adjust 'effort': the statistic runs on the Pearson residuals (reports - expected) / "
               "sqrt(max(expected, 1)) against expected counts from each unit's share of each channel's reports in "
               "the reference period (hotspots/effort.py); 'raw': on the report counts")


def gi_star(con, filters: Filters, scope: Scope, *, unit: str = "district", resolution: int | None = None,
            k: int = 1, permutations: int = 999, seed: int = 0, fdr: bool = True,
            inference: str = "normal", adjust: str = "effort", cold_rule: bool = True) -> HotspotResult:
    """Getis-Ord Gi* hot and cold spots of report counts per border district or H3 cell.

    Defaults as ArcGIS's Hot Spot Analysis and Optimized Hot Spot Analysis: the z-score's two-sided p-value
    (inference 'normal') with the False Discovery Rate correction (fdr=True); inference 'permutation' uses
    999 conditional permutations instead (p_value = 2·p_sim; see the module text for why they cannot see a
    lone spike). adjust: 'effort' (default; expected counts from the reference period, hotspots/effort.py)
    or 'raw'. cold_rule: no cold spot where a unit has no reports or fewer than 5 expected (default).

    unit: 'district' or 'h3'. resolution: H3 resolution 5–8, None = the optimized choice (see
    `weights.choose_resolution`). k: H3 neighbour ring 1–3 (districts use fuzzy contiguity).
    permutations: 99–9999 (seeded by `seed`; used only with inference 'permutation').

    Returns HotspotResult(frame, meta): one row per unit with `reports`, `expected`, `ratio` (reports /
    expected), `x` (the variable Gi* ran on), `gi`, `z`, `p_sim` (esda, directed; NaN without permutations),
    `p_norm`, `p_value` (two-sided, the one used), `q_value` (Benjamini–Hochberg), `bin` (−3..3),
    `data_status` ('ok' | 'no_reports' | 'few_expected'), `label_en`, `label_th`, `evidence_en`,
    `evidence_th`, plus the parameters.
    """
    from .evidence import add_gi_evidence

    t0 = time.perf_counter()
    permutations, seed, resolution, k = check_common(permutations, seed, resolution, k)
    inference = check_choice("inference", inference, INFERENCE)
    adjust = check_choice("adjust", adjust, effort.ADJUSTMENTS)
    prep = prepare(con, filters, scope, unit, resolution, k, adjust=adjust)
    units = prep.units
    require_units(units.n, "border districts" if units.kind == "district" else "H3 cells", "Gi*", scope, filters,
                  "; use unit 'h3' or widen the area" if units.kind == "district" else "")
    require_reports(prep.y, "Gi*")
    values, thresholds = gi_star_units(units, prep.x, permutations=permutations, seed=seed, fdr=fdr,
                                       inference=inference)
    found = values["bin"]
    bins, status = apply_cold_rule(found, prep.y, prep.expected, cold_rule)
    values["bin"] = bins
    frame = base_frame(units)
    frame["reports"] = prep.y.astype(np.int64)
    frame["expected"] = prep.expected
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["ratio"] = np.where(prep.expected > 0, prep.y / prep.expected, np.nan)
    frame["x"] = prep.x
    for col in ("gi", "z", "p_sim", "p_norm", "p_value", "q_value", "bin"):
        frame[col] = values[col]
    frame["data_status"] = status
    frame["label_en"] = [_label(b, s, 0) for b, s in zip(bins, status)]
    frame["label_th"] = [_label(b, s, 1) for b, s in zip(bins, status)]
    add_gi_evidence(frame, filters, prep.adjust)
    used_perms = permutations if inference == "permutation" else 0
    frame["method"], frame["permutations"], frame["seed"], frame["fdr"] = "gi_star", used_perms, seed, fdr
    frame["inference"], frame["adjust"] = inference, prep.adjust
    no_rep = (bins == 0) & (status == effort.STATUS_NO_REPORTS)
    counts = {str(b): int(((bins == b) & ~no_rep).sum()) for b in sorted(BIN_LABELS)}
    counts[effort.STATUS_NO_REPORTS] = int(no_rep.sum())
    meta = {
        "method": "gi_star", "unit": units.kind, "resolution": units.resolution, "k": units.k,
        "resolution_reason": prep.resolution_reason, "median_reports_per_cell": prep.medians,
        "permutations": used_perms, "seed": seed, "fdr": fdr, "inference": inference, "thresholds": thresholds,
        "adjust": prep.adjust, "adjust_requested": adjust, "adjust_note": prep.adjust_note,
        "cold_rule": cold_rule, "min_expected_cold": effort.MIN_EXPECTED_COLD,
        "weights": units.description + "; binary, self-weight 1 (Gi*)", "p_values": P_VALUE_NOTE,
        "variable": ADJUST_NOTE,
        "n_units": units.n, "reports_total": prep.reports_total, "reports_used": prep.reports_used,
        "bins": counts, "hot": int((bins > 0).sum()), "cold": int((bins < 0).sum()),
        "no_reports": int((status == effort.STATUS_NO_REPORTS).sum()),
        "cold_withheld": int(((found < 0) & (bins == 0)).sum()),
        "filters": filters_meta(filters), "warnings": list(units.warnings),
        "seconds": round(time.perf_counter() - t0, 3),
    }
    if adjust == "effort" and prep.adjust == "raw":
        meta["warnings"].append(Bilingual(prep.adjust_note["en"], prep.adjust_note["th"]))
    return HotspotResult(frame, meta)


def _label(b: int, status: str, i: int) -> str:
    if b == 0 and status != effort.STATUS_OK:
        return effort.STATUS_LABELS[status][i] if status == effort.STATUS_NO_REPORTS else BIN_LABELS[0][i]
    return BIN_LABELS[int(b)][i]
