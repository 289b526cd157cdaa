"""Benjamini–Hochberg q-values, the one False Discovery Rate helper of the hot spots and the alerts."""
from __future__ import annotations

import numpy as np


def q_values(p_value) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (scipy `false_discovery_control`): q < alpha ⇔ significant at FDR
    level alpha. NaN p-values (units not tested) stay NaN and are not counted among the tests."""
    from scipy.stats import false_discovery_control

    p = np.asarray(p_value, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = false_discovery_control(p[ok], method="bh")
    return out


__all__ = ["q_values"]
