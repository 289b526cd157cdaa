"""Evidence lines: one sentence per unit, in Thai and English, saying why it is (not) a hot or cold spot.

    "434 reports of drug trafficking in Nov 2026 against 43 expected: hot spot, 99% confidence
     (Gi* z = 4.29, p < 0.001, FDR q = 0.004)"

The numbers are the result's own columns (reports, expected, z, p_value, q_value, bin, data_status); the
period and category come from the filters; dates, months and numbers go through the project's i18n helpers
(Buddhist-era years and Thai month names in Thai).
"""
from __future__ import annotations

import calendar
import datetime as dt

import numpy as np

from ..i18n import LANGS, fmt_int, fmt_month, fmt_period, label, t


def period_text(date_from: dt.date, date_to: dt.date, lang: str) -> str:
    """'Nov 2026' for one whole calendar month, else '1 Nov 2025 – 30 Nov 2026' (Thai: BE years)."""
    last = calendar.monthrange(date_from.year, date_from.month)[1]
    if date_from.day == 1 and date_to == dt.date(date_from.year, date_from.month, last):
        return fmt_month(date_from, lang)
    return fmt_period(date_from, date_to, lang)


def what_text(categories, lang: str) -> str:
    """'reports of drug trafficking' / 'reports' (all or several categories)."""
    if len(categories) == 1:
        name = label("category", categories[0], lang)
        return t("hotspots.ev_what_one", lang, category=name.lower() if lang == "en" else name)
    if categories:
        return t("hotspots.ev_what_some", lang, n=len(categories))
    return t("hotspots.ev_what_all", lang)


def p_text(p: float) -> str:
    if not np.isfinite(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def gi_lines(frame, filters, adjust: str, lang: str, statistic: str = "Gi*") -> list[str]:
    """The evidence line of every row of a Gi* result frame, in `lang`."""
    what = what_text(tuple(filters.categories), lang)
    period = period_text(filters.date_from, filters.date_to, lang)
    basis_key = "hotspots.ev_expected" if adjust == "effort" else "hotspots.ev_mean"
    out = []
    for n, e, z, p, q, b, status in zip(frame["reports"], frame["expected"], frame["z"], frame["p_value"],
                                        frame["q_value"], frame["bin"], frame["data_status"]):
        head = t("hotspots.ev_head", lang, n=fmt_int(n, lang), what=what, period=period,
                 basis=t(basis_key, lang, e=f"{e:,.1f}" if e < 10 else fmt_int(e, lang)))
        stats = t("hotspots.ev_stats", lang, stat=statistic, z=f"{z:.2f}", p=p_text(p), q=p_text(q))
        if b > 0:
            verdict = t("hotspots.ev_hot", lang, conf={3: 99, 2: 95, 1: 90}[int(b)])
        elif b < 0:
            verdict = t("hotspots.ev_cold", lang, conf={-3: 99, -2: 95, -1: 90}[int(b)])
        elif status == "no_reports":
            verdict = t("hotspots.ev_no_reports", lang)
        elif status == "few_expected" and z < 0:
            verdict = t("hotspots.ev_few_expected", lang)
        else:
            verdict = t("hotspots.ev_ns", lang)
        out.append(f"{head}: {verdict} ({stats})")
    return out


def add_gi_evidence(frame, filters, adjust: str, statistic: str = "Gi*") -> None:
    """Add `evidence_en` and `evidence_th` columns to a Gi* result frame (in place)."""
    for lang in LANGS:
        frame[f"evidence_{lang}"] = gi_lines(frame, filters, adjust, lang, statistic)


def ehsa_lines(frame, detail, interval: str, lang: str) -> list[str]:
    """The evidence line of every location of an emerging hot spot result, in `lang`."""
    last = detail.groupby("unit_id", sort=False).tail(1).set_index("unit_id")
    unit_word = t(f"hotspots.ev_{interval}s", lang)
    out = []
    for row in frame.itertuples(index=False):
        f = last.loc[row.unit_id]
        month = fmt_month(f["slice_start"], lang) if interval == "month" else str(f["slice"])
        trend = t(f"hotspots.ev_trend_{'up' if row.mk_p < 0.05 and row.mk_tau > 0 else 'down' if row.mk_p < 0.05 else 'none'}",
                  lang)
        out.append(t("hotspots.ev_ehsa", lang, label=getattr(row, f"label_{lang}"), hot=row.hot_slices,
                     cold=row.cold_slices, n=row.n_slices, unit=unit_word, month=month,
                     reports=fmt_int(f["reports"], lang), z=f"{f['z']:.2f}", p=p_text(f["p_value"]),
                     q=p_text(f["q_value"]), trend=trend, tau=f"{row.mk_tau:.2f}", mk_p=p_text(row.mk_p)))
    return out


def add_ehsa_evidence(frame, detail, interval: str) -> None:
    for lang in LANGS:
        frame[f"evidence_{lang}"] = ehsa_lines(frame, detail, interval, lang)


__all__ = ["add_ehsa_evidence", "add_gi_evidence", "ehsa_lines", "gi_lines", "p_text", "period_text", "what_text"]
