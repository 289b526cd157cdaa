"""One-page A4 PDF "site sheet" for a shortlisted border district (Thai or English), made with `pdfkit`.

`district_sheet(con, code, ranked, sens, crit, lang, synthetic, preset=..., filters=...)` lays out: the district
and province names, its rank and score (from `sites.rank`), rank acceptability and rank range (from
`sites.sensitivity`), its criteria values with units and contributions, its parallel areas across the border,
its SWOT notes grouped by kind, and a Method block recording how the ranking was made: the weights (preset
name and each criterion's share of the score), the scoring method and normalisation, the robustness runs and
the filters the reports were counted with. The kit's footer gives the generated time and, when `synthetic`,
the synthetic-data line; a notice box says so under the title too.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import pdfkit, sites
from .errors import InputError
from .filters import Filters
from .i18n import LANGS, fmt_float, t
from .pdfkit import MUTED

NOTE_MAX_CHARS = 220       # a note longer than this is cut with "…"
NOTES_PER_KIND = 4         # at most this many notes per SWOT kind
MAX_PARALLEL_ROWS = 6


def _num(x) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)) or pd.isna(x):
        return "–"
    x = float(x)
    if x == int(x) and abs(x) < 1e9:
        return f"{int(x):,}"
    return f"{x:,.2f}" if abs(x) >= 1 else f"{x:.3f}"


def _cut(text: str, n: int = NOTE_MAX_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _row(df: pd.DataFrame, code: str, what: str) -> pd.Series:
    hit = df[df["code"] == code]
    if hit.empty:
        raise InputError(f"code: {code!r} is not in the {what} table")
    return hit.iloc[0]


def _criterion_label(key: str, lang: str) -> str:
    c = sites.CRITERIA_BY_KEY.get(key)
    return key if c is None else (c.label_th if lang == "th" else c.label_en)


def method_lines(ranked: pd.DataFrame, sens: pd.DataFrame, crit: pd.DataFrame, lang: str,
                 preset: str | None = None, filters: Filters | None = None) -> list[str]:
    """The Method block: weights (preset, shares), method and normalisation, robustness runs, filters."""
    method = str(ranked.attrs.get("method", ""))
    shares = {k: w for k, w in (ranked.attrs.get("weights") or {}).items() if w > 0}
    preset_name = t(f"sites.preset_{preset}", lang) if preset else t("sites.preset_custom", lang)
    out = [t("sheet.method_weights", lang, preset=preset_name),
           t("sheet.method_share", lang, weights="; ".join(
               f"{_criterion_label(k, lang)} {w * 100:.0f}%" for k, w in sorted(shares.items(), key=lambda x: -x[1]))
             or "–"),
           t("sheet.method_method", lang, method=t(f"sites.method_{method}", lang) if method else "–",
             normalisation=t(f"sheet.norm_{method}", lang) if method else "–")]
    if sens.attrs.get("n"):
        out.append(t("sheet.method_robust", lang, runs=f"{sens.attrs['n'] * len(sens.attrs.get('methods', [1])):,}",
                     spread=fmt_float(100 * float(sens.attrs.get("spread", 0)), digits=0),
                     seed=sens.attrs.get("seed", 0), k=sens.attrs.get("top_k", "?")))
    if filters is not None:
        provinces = dict(zip(crit["province_code"], crit[f"province_{lang}"]))
        districts = dict(zip(crit["code"], crit[f"name_{lang}"]))
        out.append(t("sheet.method_filters", lang) + " " + " · ".join(
            pdfkit.filter_lines(filters, lang, provinces, districts)))
    return out


def district_sheet(con, code: str, ranked: pd.DataFrame, sens: pd.DataFrame, crit: pd.DataFrame, lang: str,
                   synthetic: bool, generated_at: dt.datetime | None = None, *, preset: str | None = None,
                   filters: Filters | None = None) -> bytes:
    """A one-page A4 PDF about the shortlisted district `code` in `lang` ('th' | 'en').

    preset: the weights preset the ranking used (None: custom weights); filters: the filters the criteria were
    counted with. Both go into the Method block."""
    if lang not in LANGS:
        raise InputError(f"lang: {lang!r} is not allowed; allowed: {', '.join(LANGS)}")
    r_rank, r_sens, r_crit = _row(ranked, code, "ranking"), _row(sens, code, "sensitivity"), _row(crit, code, "criteria")
    generated_at = generated_at or dt.datetime.now()
    district, province = r_crit[f"name_{lang}"], r_crit[f"province_{lang}"]
    title = t("sheet.title", lang, district=district, province=province)

    parallel = con.execute(
        "SELECT n.name_en, p.country, n.province_en, p.shared_km FROM parallel_areas p "
        "JOIN neighbour_districts n ON n.id = p.neighbour_id WHERE p.district_code = ? "
        "ORDER BY p.shared_km DESC, n.name_en", [code]).df()
    swot = sites.notes(con, [code])
    method = method_lines(ranked, sens, crit, lang, preset, filters)

    # one page: content is cut to fit, never spills onto a second page
    pdf = pdfkit.Document(title, lang, generated_at, synthetic=synthetic, footer_label=title,
                          margins=(14, 12, 14), auto_break=False)
    pdf.add_page()
    W = pdf.epw
    bottom = pdf.h - 17

    # --- title, rank, robustness, notice
    pdf.title_block(title, [t("pdf.generated", lang, at=pdfkit.fmt_generated(generated_at, lang))], size=15)
    pdf.ln(1)
    method_key = str(ranked.attrs.get("method", ""))
    pdf.line(t("sheet.rank", lang, rank=int(r_rank["rank"]), n=len(ranked), score=f"{float(r_rank['score']):.3f}",
               method=t(f"sites.method_{method_key}", lang) if method_key else "–"), size=10, bold=True, h=5.5)
    runs = sens.attrs.get("n", 0) * len(sens.attrs.get("methods", [1]))
    pdf.line(t("sheet.accept", lang, k=sens.attrs.get("top_k", "?"), share=f"{float(r_sens['acceptability']):.0%}",
               runs=f"{runs:,}" if runs else "?", lo=_num(r_sens["rank_p05"]), hi=_num(r_sens["rank_p95"])), size=9)
    if synthetic:
        pdf.alert_box(t("pdf.synthetic_footer", lang), size=9)

    # --- criteria
    pdf.heading(t("sheet.criteria", lang), size=10.5, gap=2)
    rows = [[t("sheet.col_criterion", lang), t("sheet.col_value", lang), t("sheet.col_unit", lang),
             t("sheet.col_contrib", lang)]]
    for c in sites.CRITERIA:
        contrib = r_rank.get(f"contrib_{c.key}")
        rows.append([c.label_th if lang == "th" else c.label_en, _num(r_crit.get(c.key)), c.unit,
                     "–" if contrib is None or pd.isna(contrib) else f"{float(contrib):.3f}"])
    pdf.grid(rows, (80, 25, 45, 32), ("LEFT", "RIGHT", "LEFT", "RIGHT"), size=7.5, line_height=3.8,
             padding=(0.5, 1))

    # --- parallel areas
    pdf.heading(t("sheet.parallel", lang), size=10.5, gap=2)
    if parallel.empty:
        pdf.line(t("sheet.none", lang), size=8, colour=MUTED)
    else:
        rows = [[t("sheet.col_name", lang), t("sheet.col_country", lang), t("sheet.col_lao_province", lang),
                 t("sheet.col_km", lang)]]
        for _, p in parallel.head(MAX_PARALLEL_ROWS).iterrows():
            rows.append([p["name_en"], t(f"country.{p['country']}", lang),
                         p["province_en"] if isinstance(p["province_en"], str) else "–", f"{p['shared_km']:.1f}"])
        pdf.grid(rows, (62, 35, 50, 35), ("LEFT", "LEFT", "LEFT", "RIGHT"), size=7.5, line_height=3.8,
                 padding=(0.5, 1))
        if len(parallel) > MAX_PARALLEL_ROWS:
            pdf.line(t("sheet.more", lang, n=len(parallel) - MAX_PARALLEL_ROWS), size=7, colour=MUTED)

    # --- method: how the ranking was made (always on the page: it says what the numbers mean)
    pdf.heading(t("sheet.method_title", lang), size=10.5, gap=2)
    for text in method:
        pdf.line(text, size=7.3, h=3.6)

    # --- SWOT notes, grouped by kind; stop before the footer
    pdf.heading(t("sheet.swot", lang), size=10.5, gap=2)
    for kind in sites.SWOT_KINDS:
        if pdf.get_y() + 9 > bottom:
            break
        group = swot[swot["kind"] == kind] if not swot.empty else swot
        pdf.line(t(f"sites.swot_{kind}", lang), size=8.5, bold=True, h=4.4)
        if group.empty:
            pdf.line("  " + t("sheet.none", lang), size=7.5, colour=MUTED, h=3.7)
            continue
        for i, (_, n) in enumerate(group.iterrows()):
            if i >= NOTES_PER_KIND or pdf.get_y() + 8 > bottom:
                pdf.line("  " + t("sheet.more", lang, n=len(group) - i), size=7, colour=MUTED, h=3.5)
                break
            when = pd.Timestamp(n["created_at"]).strftime("%Y-%m-%d")
            pdf.line(f"• {_cut(n['text'])} — {n['author']}, {when}", size=7.5, h=3.7)
    return pdf.to_bytes()
