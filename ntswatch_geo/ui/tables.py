"""Tables a person reads, built one way: headers in the current language, labels instead of codes, numbers and
dates written with the i18n helpers (thousands separators, one decimal for days, percentages, Buddhist-era
dates in Thai), "–" for a missing value (never "None", "nan" or "NaT"), Thai names in Thai order.

`show(df, columns, lang)` takes a column → `Col` map: only those columns are shown, in that order. The values
stay what they are (numbers sort as numbers when a column header is clicked); what is drawn comes from a pandas
Styler, which Streamlit's dataframe displays as the cells' text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import streamlit as st

from ..i18n import fmt_date, fmt_float, fmt_int, fmt_pct, label, sort_key, t

MISSING = "–"
STYLER_MAX_ROWS = 1500   # above this the cells are written as text (they then sort as text)


@dataclass(frozen=True)
class Col:
    """How one column is shown. `header` is a locale key (formatted with `header_args`); `kind`:
    text, code (a coded value shown as label(`code_kind`, value)), int, float (`digits` decimals), pct (a share
    0–1 as a percentage), signed (a number with its sign), p (a p- or q-value to 3 decimals), date, datetime,
    check (a tick box), bar (a share 0–1 drawn as a bar with its percentage)."""

    header: str
    kind: str = "text"
    digits: int | None = None         # decimals: float 1, signed 2, pct 0 unless given
    code_kind: str | None = None
    help: str | None = None
    header_args: tuple = ()
    width: str | None = None           # Streamlit's column width: small, medium, large


def _missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _date(v, lang: str) -> str:
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    return fmt_date(v.date() if isinstance(v, dt.datetime) else v, lang)


def _datetime(v, lang: str) -> str:
    v = pd.Timestamp(v)
    if v.tzinfo is not None:
        v = v.tz_convert("Asia/Bangkok")
    return f"{fmt_date(v.date(), lang)} {v:%H:%M}"


def formatter(col: Col, lang: str) -> Callable:
    """The function that writes one cell of `col` (missing values are written as MISSING)."""
    k = col.kind
    fn: Callable = {
        "text": lambda v: str(v),
        "code": lambda v: label(col.code_kind or "", str(v), lang) if str(v) else MISSING,
        "int": lambda v: fmt_int(v, lang),
        "float": lambda v: fmt_float(v, lang, 1 if col.digits is None else col.digits),
        "signed": lambda v: f"{v:+,.{2 if col.digits is None else col.digits}f}",
        "pct": lambda v: fmt_pct(v, lang, col.digits or 0),
        "bar": lambda v: fmt_pct(v, lang),
        "p": lambda v: "< 0.001" if v < 0.001 else f"{v:.3f}",
        "date": lambda v: _date(v, lang),
        "datetime": lambda v: _datetime(v, lang),
        "check": lambda v: t("col.yes", lang) if v else t("col.no", lang),
    }[k]
    return lambda v: MISSING if _missing(v) else fn(v)


def column_config(col: Col, lang: str):
    """Streamlit's column config for `col`: the header and help; bars and tick boxes keep their look."""
    header = t(col.header, lang, **dict(col.header_args)) if col.header_args else t(col.header, lang)
    help_ = t(col.help, lang) if col.help else None
    if col.kind == "bar":
        return st.column_config.ProgressColumn(header, help=help_, min_value=0.0, max_value=1.0, format="percent")
    if col.kind == "check":
        return st.column_config.CheckboxColumn(header, help=help_)
    return st.column_config.Column(header, help=help_, width=col.width)


def styled(df: pd.DataFrame, columns: dict[str, Col], lang: str):
    """The frame cut to `columns` (a name with "{lang}" is that language's column), as a Styler writing each
    cell (a frame of written cells above STYLER_MAX_ROWS rows); and the column config. Code columns are replaced
    by their labels (so a sort is by label)."""
    names = {c.format(lang=lang): c for c in columns}
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise KeyError(f"columns {missing} not in the table (it has {list(df.columns)})")
    out = df[list(names)].copy()
    for n, key in names.items():
        col = columns[key]
        if col.kind == "code":
            out[n] = out[n].map(formatter(col, lang))
        elif col.kind == "text":
            out[n] = out[n].map(formatter(col, lang)).astype(object)
    fmt = {n: formatter(columns[key], lang) for n, key in names.items()
           if columns[key].kind not in ("text", "code", "bar", "check")}
    config = {n: column_config(columns[key], lang) for n, key in names.items()}
    if len(out) > STYLER_MAX_ROWS:      # Streamlit reads a Styler cell by cell (~0.3 s per 1,000 rows): text instead
        for n, fn in fmt.items():
            out[n] = out[n].map(fn).astype(object)
        return out, config
    return (out.style.format(fmt, na_rep=MISSING) if fmt else out.style), config


def show(df: pd.DataFrame, columns: dict[str, Col], lang: str, **kwargs):
    """st.dataframe of `df` as `styled` writes it (no index; kwargs go to st.dataframe)."""
    styler, config = styled(df, columns, lang)
    kwargs.setdefault("hide_index", True)
    return st.dataframe(styler, column_config=config, **kwargs)


def sort_by_name(df: pd.DataFrame, column: str, lang: str) -> pd.DataFrame:
    """Rows in the reader's order of `column` (Thai dictionary order in Thai, see i18n.sort_key)."""
    return df.iloc[sorted(range(len(df)), key=lambda i: sort_key(str(df[column].iloc[i]), lang))]


# -- the tables of each page ------------------------------------------------------------------------------

def hotspot_columns(method: str, unit: str, frame_columns) -> dict[str, Col]:
    """The Hotspots page's results table for `method` on `unit` (districts or H3 cells); columns the result
    lacks (no q-value without FDR) are left out."""
    if method in ("hdbscan", "dbscan"):
        cols = {"cluster_id": Col("col.cluster", "int"), "points": Col("col.points", "int"),
                "share": Col("col.share", "pct", 1), "est_reports": Col("col.est_reports", "int"),
                "area_km2": Col("col.area_km2", "float"), "centroid_lat": Col("col.lat", "float", 2),
                "centroid_lon": Col("col.lon", "float", 2)}
    else:
        cols = ({"unit_id": Col("col.cell"), "name_{lang}": Col("col.district")} if unit == "h3" else
                {"unit_id": Col("col.code"), "name_{lang}": Col("col.district"), "province_{lang}": Col("col.province")})
        cols["label_{lang}"] = Col("col.class")
        cols["reports"] = Col("col.reports", "int")
        if method == "ehsa":
            cols |= {"hot_slices": Col("col.hot_slices", "int"), "cold_slices": Col("col.cold_slices", "int"),
                     "n_slices": Col("col.n_slices", "int"), "mk_tau": Col("col.mk_tau", "signed", 2),
                     "mk_p": Col("col.mk_p", "p")}
        else:
            cols["expected"] = Col("col.expected", "float")
            if method == "gi":
                cols |= {"ratio": Col("col.ratio", "float", 2), "z": Col("col.z", "signed", 2)}
            else:
                cols["I"] = Col("col.local_i", "signed", 2)
            cols |= {"p_value": Col("col.p", "p"), "q_value": Col("col.q", "p")}
        cols["evidence_{lang}"] = Col("col.evidence")
    present = set(frame_columns)
    return {k: c for k, c in cols.items() if k.format(lang="th") in present}


USER_COLUMNS = {
    "username": Col("admin.col_username"), "display_name": Col("admin.col_name"),
    "role": Col("admin.col_role", "code", code_kind="role"), "province_code": Col("admin.col_province"),
    "district_code": Col("admin.col_district"), "email": Col("admin.col_email"), "oidc_subject": Col("col.oidc"),
    "created_at": Col("admin.col_created", "datetime"), "two_step": Col("admin.col_two_step", "check"),
}


QUEUE_COLUMNS = {
    "ref_no": Col("queue.ref", width="medium"), "received_at": Col("queue.received", "datetime"),
    "category": Col("form.category", "code", code_kind="category"), "district_{lang}": Col("table.district"),
    "place_text": Col("form.place"), "description": Col("form.description"),
}

AUDIT_COLUMNS = {
    "logged_at": Col("audit.col_logged_at", "datetime"), "actor": Col("audit.col_actor"),
    "role": Col("audit.col_role", "code", code_kind="role"), "action_label": Col("audit.col_action_label"),
    "object_type": Col("audit.col_object_type", "code", code_kind="audit_object"),
    "object_id": Col("audit.col_object_id"), "detail": Col("audit.col_detail"), "client": Col("audit.col_client"),
    "source": Col("audit.col_source"),
}

REJECT_COLUMNS = {
    "sheet": Col("data.col_sheet"), "row_no": Col("data.col_row", "int"),
    "field": Col("data.col_field", "code", code_kind="field"), "value": Col("data.col_value"),
    "message_{lang}": Col("data.col_message"),
}
