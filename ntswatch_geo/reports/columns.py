"""Reading raw columns for `validate`: each distinct value is parsed once, the result spread to every row.

A million imported rows hold a few thousand distinct dates, names or coordinates; parsing per distinct value
(`per_unique`) keeps `prepare` vectorised.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import normalise as nz


def column(frame: pd.DataFrame, name: str) -> pd.Series | None:
    """The column, or None when absent or entirely empty."""
    if name not in frame.columns:
        return None
    s = frame[name]
    if s.dtype == object or isinstance(s.dtype, pd.StringDtype) or s.dtype == "str":
        if s.isna().all():
            return None
    return s


def per_unique(series: pd.Series, fn):
    """(codes, results): fn applied once per distinct non-missing value; code -1 = missing."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, [fn(u) for u in uniques]


def parse_unique(series: pd.Series, parse, *args):
    """(codes, values, problems): `parse(value, *args)` once per distinct value. values and problems are
    object arrays per distinct value with a trailing None, so `values[codes]` gives None for missing rows."""
    codes, res = per_unique(series, lambda v: safe(parse, v, *args))
    values = np.empty(len(res) + 1, dtype=object)
    problems = np.empty(len(res) + 1, dtype=object)
    for i, (v, pr) in enumerate(res):
        values[i], problems[i] = v, pr
    return codes, values, problems


def trimmed(series: pd.Series, n: int) -> pd.Series:
    """Trimmed text with None for empty, as a pyarrow-backed string Series."""
    if series.dtype == object:
        codes, vals = per_unique(series, nz.clean_text)
        arr = np.array(vals + [None], dtype=object)[codes]
        return pd.Series(arr, dtype="str", index=range(n))
    s = series.astype("str").reset_index(drop=True)
    if s.str.contains("[\x00\u200b\u200c\u200d\ufeff\u00ad]", regex=True).any():
        s = s.str.replace("[\x00\u200b\u200c\u200d\ufeff\u00ad]", "", regex=True)
    s = s.str.strip()
    return s.mask(s == "")


def safe(fn, *args):
    """(fn(*args), None), or (None, the Problem raised). The Problem is kept without its traceback, which
    would hold `prepare`'s frames and every column in them alive until the garbage collector ran."""
    try:
        return fn(*args), None
    except nz.Problem as p:
        return None, p.with_traceback(None)


def is_str(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) or str(s.dtype) in ("str", "string")


def secs(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def flags(col, n) -> np.ndarray:
    """1 true, 0 false, -1 empty/unclear."""
    if col is None:
        return np.full(n, -1, dtype=np.int8)
    codes, res = per_unique(col, nz.parse_flag)
    u = np.array([(-1 if r is None else int(r)) for r in res] + [-1], dtype=np.int8)
    return u[codes]
