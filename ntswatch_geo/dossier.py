"""The model-site dossier: one A4 page per border district, in Thai or English (issue 14).

    d = dossier_data(con, "2706", scope=scope, weights="cooperation_record", method="topsis", filters=f)
    pdf: bytes = render_dossier(d, "th")                 # no database access while rendering
    pdf = dossier_pdf(con, "2706", scope=scope, lang="en")   # both in one call (the Sites page, the CLI)

What the page holds, top to bottom (content is cut to fit, never spilling onto a second page):
- the district and province in Thai and in English, the dates the reports were counted in and the end of the
  cooperation record; a red notice when synthetic reports or synthetic activities are in view (the kit's footer
  says so too);
- the district's rank and score among the districts ranked (`sites.rank` with the chosen weights and method, on
  `sites.criteria` of the viewer's scope and filters), the share of `sites.sensitivity`'s simulated rankings that
  keep it in the top k and its rank range (P5-P95);
- every criterion: value as measured, unit, weight share and contribution to the score, the cooperation record's
  criteria highlighted (weighted or not, so a planner sees what they would add);
- the partnership: activities in the filter dates, joint ones, people reached on each side, change agents (in the
  dates and to date), budget, the last activity and months since it; the facing districts (parallel areas) with
  their joint activities (`cooperation.summary`);
- effect estimates (`cooperation.effects.estimate`, difference-in-differences) for each activity type the district
  has had up to the end of the filter dates, pooled over the districts in view: rate ratio, 95% CI, p, districts
  treated / control, pre-trend p, the reason when not estimable and each estimate's caveat (more reports after
  NTS-literacy training may mean more awareness, not more crime);
- the method: weights (preset, shares), scoring method and normalisation, robustness runs, filters
  (`site_sheet.method_lines`) and how the cooperation criteria are measured;
- the SWOT notes (`sites.notes`), grouped by kind, cut to the space left.

Scope: everything is read within the viewer's scope; a district outside it is refused (InputError), as is one that
the filters leave out of the ranking. Errors name the value and what is allowed, in the dossier's language.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import overview, pdfkit, sites
from .cooperation import summary
from .cooperation.taxonomy import type_label
from .db import run_query
from .errors import InputError
from .filters import DEFAULT_DAYS, Filters
from .i18n import LANGS, fmt_date, fmt_float, fmt_int, fmt_pct, fmt_period, t
from .pdfkit import MUTED
from .scope import Scope
from .site_sheet import _cut, _num, method_lines

__all__ = ["Dossier", "dossier_data", "render_dossier", "dossier_pdf", "resolve_district", "default_filters",
           "estimate_effects", "SENSITIVITY_RUNS"]

SENSITIVITY_RUNS = 500         # as the Sites page: 500 weightings, both methods, seed 0
MAX_FACING_ROWS = 5
NOTES_PER_KIND = 3
NOTE_CHARS = 170


@dataclass
class Dossier:
    """Everything the page shows, computed once (`dossier_data`); `render_dossier` draws it without the database."""

    code: str
    name_th: str
    name_en: str
    province_code: str
    province_th: str
    province_en: str
    filters: Filters
    method: str
    preset: str | None
    rank: int
    n_ranked: int
    score: float
    acceptability: float
    rank_p05: float
    rank_p95: float
    top_k: int
    runs: int
    criteria: pd.DataFrame          # key, value, weight (share), contrib, cooperation (bool)
    method_text: dict               # {lang: [lines]} (site_sheet.method_lines), made with the data
    record: dict                    # the filter dates: activities, joint_activities, people_th/la/kh, change_agents, budget_thb
    to_date: dict                   # up to the end: activities, change_agents, last_activity, months_since_last
    facing: pd.DataFrame            # the parallel areas with their joint activities in the filter dates
    types: list[str]                # activity types the district has had up to the end
    effects: list                   # EffectEstimate per activity type of the district
    effect_errors: dict = field(default_factory=dict)   # type -> {"en", "th"} when estimate() refused
    notes: pd.DataFrame = field(default_factory=pd.DataFrame)
    synthetic_reports: int = 0
    total_reports: int = 0
    synthetic_activities: int = 0
    total_activities: int = 0

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en

    def province(self, lang: str) -> str:
        return self.province_th if lang == "th" else self.province_en

    @property
    def synthetic(self) -> bool:
        return bool(self.synthetic_reports or self.synthetic_activities)


# ------------------------------------------------------------------------------------------------ inputs

def resolve_district(con, text: str, scope: Scope, lang: str = "en") -> dict:
    """The border district named by `text` (DOPA code, Thai or English name) within `scope`: a dict of code,
    name_th/en, province_code, province_th/en. InputError (in `lang`) naming the value and what is allowed."""
    raw = str(text or "").strip()
    rows = run_query(con, "dossier_district", {"text": raw}).df() if raw else pd.DataFrame()
    example = "2706 / อรัญประเทศ / Aranyaprathet"
    if rows.empty:
        raise InputError(f"district: {raw!r} is not a district; give a border district's 4-digit DOPA code or its "
                         f"Thai or English name, e.g. {example}" if lang == "en" else
                         f"อำเภอ: {raw!r} ไม่ใช่อำเภอที่รู้จัก ระบุรหัส 4 หลักของกรมการปกครองหรือชื่อภาษาไทย/อังกฤษของ"
                         f"อำเภอชายแดน เช่น {example}")
    if len(rows) > 1:
        codes = ", ".join(f"{r.code} ({r.name_en}, {r.province_en})" for r in rows.itertuples())
        raise InputError(f"district: {raw!r} names {len(rows)} districts ({codes}); give the DOPA code"
                         if lang == "en" else f"อำเภอ: {raw!r} ตรงกับ {len(rows)} อำเภอ ({codes}) ระบุรหัสอำเภอ")
    r = rows.iloc[0]
    if not bool(r["is_border"]):
        raise InputError(f"district: {r['name_en']} ({r['code']}) is not a border district; a dossier is made for "
                         "the districts along the Lao and Cambodian borders" if lang == "en" else
                         f"อำเภอ: {r['name_th']} ({r['code']}) ไม่ใช่อำเภอชายแดน ทำเอกสารได้เฉพาะอำเภอชายแดนติด "
                         "สปป.ลาว และกัมพูชา")
    if scope.restricted and not (r["code"] == scope.district_code if scope.district_code
                                 else r["province_code"] == scope.province_code):
        where = scope.district_code or scope.province_code
        raise InputError(f"district: {r['name_en']} ({r['code']}) is outside your "
                         f"{'district' if scope.district_code else 'province'}; you can see {where} only"
                         if lang == "en" else
                         f"อำเภอ: {r['name_th']} ({r['code']}) อยู่นอกพื้นที่ของคุณ ดูได้เฉพาะ {where}")
    return {k: r[k] for k in ("code", "name_th", "name_en", "province_code", "province_th", "province_en")}


def default_filters(con, scope: Scope) -> Filters:
    """The Sites page's default dates: the last DEFAULT_DAYS days of the reports in scope."""
    first, last, n, _ = run_query(con, "data_extent", scope.sql_params()).fetchone()
    if not n:
        raise InputError("no reports in the store (or in your area): run `ntswatch demo` or import reports first")
    return Filters(date_from=max(first, last - dt.timedelta(days=DEFAULT_DAYS - 1)), date_to=last)


def estimate_effects(con, types, scope: Scope, end_date: dt.date) -> tuple[list | None, dict]:
    """(EffectEstimate per activity type, {type: {"en", "th"} message} where estimate() refused the input); the
    pooled rate ratios only (no event study: the PDFs print no chart)."""
    from .cooperation import effects
    out, errors = [], {}
    for kind in types:
        try:
            out.append(effects.estimate(con, kind, scope=scope, end_date=end_date, event_study=False))
        except InputError as exc:
            errors[kind] = {"en": str(exc), "th": getattr(exc, "th", None) or str(exc)}
    return out, errors


# ------------------------------------------------------------------------------------------------ the data

def dossier_data(con, district_code: str, *, scope: Scope, weights: dict | str = "cooperation_record",
                 method: str = "topsis", filters: Filters | None = None, preset: str | None = None, top_k: int = 5,
                 runs: int = SENSITIVITY_RUNS, lang: str = "en") -> Dossier:
    """Compute the dossier of one border district (module docstring). weights: a preset name or {criterion:
    weight}; preset: the preset's name when `weights` is a dict equal to it (None: custom); filters: the Sites
    page's (default: its default dates). Errors in `lang`."""
    if method not in sites.METHODS:
        raise InputError(f"method: {method!r} is not allowed; allowed: {', '.join(sites.METHODS)}")
    place = resolve_district(con, district_code, scope, lang)
    code = place["code"]
    f = filters or default_filters(con, scope)
    if isinstance(weights, str):
        preset = weights
    crit = sites.criteria(con, f, scope)
    if code not in set(crit["code"]):
        raise InputError(f"district: {code} is not among the districts ranked with these filters (district, "
                         "province or NTS-MWCC choice); widen the filters" if lang == "en" else
                         f"อำเภอ: {code} ไม่อยู่ในอำเภอที่จัดอันดับตามตัวกรองนี้ ขยายตัวกรอง")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")       # a criterion without variation: stated by the page, 0 here
        ranked = sites.rank(crit, weights, method)
        sens = sites.sensitivity(crit, weights, "both", n=runs, top_k=top_k, seed=0)
    r_rank = ranked[ranked["code"] == code].iloc[0]
    r_sens = sens[sens["code"] == code].iloc[0]
    r_crit = crit[crit["code"] == code].iloc[0]
    shares = ranked.attrs.get("weights") or {}
    rows = [{"key": c.key, "value": float(r_crit[c.key]), "weight": float(shares.get(c.key, 0.0)),
             "contrib": float(r_rank.get(f"contrib_{c.key}", 0.0) or 0.0), "cooperation": c.group == "cooperation"}
            for c in sites.CRITERIA]

    end = f.date_to
    period = summary.district_summary(con, scope, end, date_from=f.date_from, districts=[code])
    whole = summary.district_summary(con, scope, end, date_from=None, districts=[code])
    acts = summary.activities(con, scope, None, end, districts=[code])
    acts = acts[pd.to_datetime(acts["start_date"]).dt.date <= end] if len(acts) else acts
    in_dates = acts[pd.to_datetime(acts["start_date"]).dt.date >= f.date_from] if len(acts) else acts
    p = period.iloc[0] if len(period) else None
    w = whole.iloc[0] if len(whole) else None
    record = {"activities": int(p["activities"]) if p is not None else 0,
              "joint_activities": int(p["joint_activities"]) if p is not None else 0,
              "people_th": int(in_dates["people_th"].sum()) if len(in_dates) else 0,
              "people_la": int(in_dates["people_la"].sum()) if len(in_dates) else 0,
              "people_kh": int(in_dates["people_kh"].sum()) if len(in_dates) else 0,
              "change_agents": int(p["change_agents"]) if p is not None else 0,
              "budget_thb": float(p["budget_thb"]) if p is not None else 0.0}
    last = w["last_activity"] if w is not None else None
    to_date = {"activities": int(w["activities"]) if w is not None else 0,
               "change_agents": int(w["change_agents"]) if w is not None else 0,
               "last_activity": None if last is None or pd.isna(last) else pd.Timestamp(last).date(),
               "months_since_last": None if w is None or pd.isna(w["months_since_last"])
               else int(w["months_since_last"])}
    facing = summary.partnerships(con, scope, f.date_from, end, districts=[code])
    types = sorted(set(acts["activity_type"])) if len(acts) else []
    effects, errors = estimate_effects(con, types, scope, end)
    s_rep, n_rep = overview.synthetic_in_view(con, f, scope)
    s_act, n_act = run_query(con, "dossier_synthetic_activities", {"date_to": end, **scope.sql_params()}).fetchone()
    method_text = {lg: method_lines(ranked, sens, crit, lg, preset, f) for lg in LANGS}
    return Dossier(
        code=code, name_th=place["name_th"], name_en=place["name_en"], province_code=place["province_code"],
        province_th=place["province_th"], province_en=place["province_en"], filters=f, method=method, preset=preset,
        rank=int(r_rank["rank"]), n_ranked=len(ranked), score=float(r_rank["score"]),
        acceptability=float(r_sens["acceptability"]), rank_p05=float(r_sens["rank_p05"]),
        rank_p95=float(r_sens["rank_p95"]), top_k=int(top_k), runs=int(runs) * 2, criteria=pd.DataFrame(rows),
        method_text=method_text, record=record, to_date=to_date, facing=facing, types=types, effects=effects,
        effect_errors=errors, notes=sites.notes(con, [code]), synthetic_reports=int(s_rep), total_reports=int(n_rep),
        synthetic_activities=int(s_act or 0), total_activities=int(n_act or 0))


# ------------------------------------------------------------------------------------------------ the page

def _value(key: str, v: float, lang: str) -> str:
    c = sites.CRITERIA_BY_KEY[key]
    if c.unit == "0/1":
        return t("sites.criteria_yes" if v else "sites.criteria_no", lang)
    if c.unit.startswith("share"):
        return fmt_pct(v, lang)
    if key in ("months_since_activity", "change_agents"):
        return fmt_int(v, lang)
    return _num(v)


def _ratio(x) -> str:
    return "–" if x is None or not np.isfinite(float(x)) else f"{float(x):.2f}"


def _p(x) -> str:
    if x is None or not np.isfinite(float(x)):
        return "–"
    return "< 0.001" if float(x) < 0.001 else f"{float(x):.3f}"


def _short_reason(e, lang: str) -> str:
    """Why an estimate was not made, in a table cell: the number of districts short of the minimum where that is the
    reason (the estimate's own sentence says the same at length), else its sentence cut."""
    from .cooperation import effects

    if e.n_treated < effects.MIN_TREATED:
        return t("dossier.few_treated", lang, n=e.n_treated, min=effects.MIN_TREATED)
    if e.n_control < effects.MIN_CONTROL:
        return t("dossier.few_control", lang, n=e.n_control, min=effects.MIN_CONTROL)
    reason = getattr(e, f"reason_{lang}", None) or getattr(e, "reason_en", "") or ""
    head, sep, rest = reason.partition(": ")
    if sep and len(head) <= 20:            # "Not estimable: …" — the line is under that heading already
        reason = rest
    return t("dossier.not_estimable", lang, reason=reason)


def effect_rows(d: Dossier, lang: str) -> tuple[list[list[str]], list[str], list[str]]:
    """The effect estimates as the page shows them: (table rows of the estimable types: type, rate ratio, 95% CI,
    p, districts treated / control, pre-trend p; one line per type not estimated: type, districts, why; the
    caveats, each once). A type name ends in " *" where this district is among the estimate's treated."""
    rows, lines, caveats = [], [], []
    for e in d.effects or []:
        name = type_label(e.activity_type, lang) + (" *" if d.code in (e.treated_districts or ()) else "")
        n = f"{fmt_int(e.n_treated)} / {fmt_int(e.n_control)}"
        if e.estimable:
            rows.append([name, _ratio(e.rate_ratio), f"{_ratio(e.ci_low)}–{_ratio(e.ci_high)}", _p(e.p_value), n,
                         _p(getattr(e, "pre_trend_p", None))])
        else:
            lines.append(f"{name} ({n}): {_short_reason(e, lang)}")
        caveat = getattr(e, f"caveat_{lang}", None) or ""
        if caveat and caveat not in caveats:
            caveats.append(caveat)
    for kind, msg in d.effect_errors.items():
        lines.append(f"{type_label(kind, lang)}: {_cut(msg.get(lang) or msg['en'], 120)}")
    return rows, lines, caveats


METHOD_SIZE, METHOD_H = 6.6, 3.2
ROW_H = 4.0          # one table row: line height 3.3 + padding
SWOT_MIN = 14        # room kept for the SWOT heading and a line
LINE_CHARS = 150     # a line about a type not estimated is cut to this


def _height(pdf, lines: list[str], size: float, h: float) -> float:
    """The height `pdf.line` would take for `lines` at `size` (mm), measured without drawing."""
    pdf.set_font(pdfkit.FAMILY, "", size)
    return sum(h * len(pdf.multi_cell(pdf.epw, h, text, dry_run=True, output="LINES")) for text in lines)


def render_dossier(d: Dossier, lang: str, generated_at: dt.datetime | None = None) -> bytes:
    """Lay out a `Dossier` as one A4 page in `lang` ('th' | 'en'). Draws only what `d` holds."""
    if lang not in LANGS:
        raise InputError(f"lang: {lang!r} is not allowed; allowed: {', '.join(LANGS)}")
    generated_at = generated_at or dt.datetime.now()
    title = t("dossier.title", lang, district=d.name(lang), province=d.province(lang))
    pdf = pdfkit.Document(title, lang, generated_at, synthetic=d.synthetic, footer_label=title,
                          margins=(14, 11, 14), auto_break=False)
    pdf.add_page()
    bottom = pdf.h - 17
    end = d.filters.date_to

    # --- who, when, synthetic
    both = " · ".join(t("dossier.place", lg, district=d.name(lg), province=d.province(lg)) for lg in ("th", "en"))
    pdf.title_block(title, [both, t("dossier.period", lang, dates=fmt_period(d.filters.date_from, end, lang),
                                    end=fmt_date(end, lang))], size=14)
    if d.synthetic:
        pdf.alert_box(t("dossier.synthetic", lang, reports=fmt_int(d.synthetic_reports),
                        total=fmt_int(d.total_reports), activities=fmt_int(d.synthetic_activities),
                        total_activities=fmt_int(d.total_activities)), size=7.5)

    # --- rank and robustness
    pdf.ln(1)
    preset = t(f"sites.preset_{d.preset}", lang) if d.preset else t("sites.preset_custom", lang)
    pdf.line(t("dossier.rank", lang, rank=d.rank, n=d.n_ranked, score=f"{d.score:.3f}",
               method=t(f"sites.method_{d.method}", lang), preset=preset), size=10, bold=True, h=5.2)
    pdf.line(t("sheet.accept", lang, k=d.top_k, share=f"{d.acceptability:.0%}", runs=f"{d.runs:,}",
               lo=fmt_int(d.rank_p05), hi=fmt_int(d.rank_p95)), size=8, h=4)

    # --- criteria
    pdf.heading(t("dossier.criteria", lang), size=10, gap=1.5)
    rows = [[t("sheet.col_criterion", lang), t("sheet.col_value", lang), t("sheet.col_unit", lang),
             t("dossier.col_weight", lang), t("sheet.col_contrib", lang)]]
    coop_rows = set()
    for i, r in enumerate(d.criteria.itertuples(), start=1):
        c = sites.CRITERIA_BY_KEY[r.key]
        rows.append([c.label(lang) + (" ↓" if c.direction == "cost" else ""), _value(r.key, r.value, lang),
                     c.unit_in(lang), f"{r.weight * 100:.0f}%" if r.weight > 0 else "–",
                     f"{r.contrib:.3f}" if r.weight > 0 else "–"])
        if r.cooperation:
            coop_rows.add(i)
    pdf.grid(rows, (70, 17, 61, 14, 20), ("LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"), size=6.8, line_height=3.3,
             padding=(0.35, 0.8), highlight=frozenset(coop_rows))

    # --- the partnership
    pdf.heading(t("dossier.partnership", lang), size=10, gap=1.5)
    rec, td = d.record, d.to_date
    pdf.line(t("dossier.record_period", lang, activities=fmt_int(rec["activities"]),
               joint=fmt_int(rec["joint_activities"]), th=fmt_int(rec["people_th"]), la=fmt_int(rec["people_la"]),
               kh=fmt_int(rec["people_kh"]), agents=fmt_int(rec["change_agents"]),
               budget=fmt_int(rec["budget_thb"])), size=7.5, h=3.6)
    if td["last_activity"] is None:
        pdf.line(t("dossier.record_never", lang, end=fmt_date(end, lang), cap=sites.CONTINUITY_CAP_MONTHS),
                 size=7.5, h=3.6)
    else:
        pdf.line(t("dossier.record_to_date", lang, end=fmt_date(end, lang), activities=fmt_int(td["activities"]),
                   agents=fmt_int(td["change_agents"]), last=fmt_date(td["last_activity"], lang),
                   months=fmt_int(td["months_since_last"])), size=7.5, h=3.6)
    if d.facing.empty:
        pdf.line(t("dossier.no_facing", lang), size=7.5, colour=MUTED, h=3.6)
    else:
        pdf.ln(0.8)
        rows = [[t(f"dossier.col_{c}", lang) for c in ("facing", "country", "km", "joint", "people_th",
                                                         "people_across", "last")]]
        fac = d.facing.sort_values(["activities", "shared_km"], ascending=False)
        for r in fac.head(MAX_FACING_ROWS).itertuples():
            last = None if r.last_activity is None or pd.isna(r.last_activity) else pd.Timestamp(r.last_activity).date()
            rows.append([r.neighbour_en, t(f"country.{r.country}", lang), fmt_float(r.shared_km, lang, 1),
                         fmt_int(r.activities), fmt_int(r.people_th), fmt_int(r.people_across),
                         fmt_date(last, lang) if last else t("dossier.never", lang)])
        pdf.grid(rows, (46, 22, 24, 22, 22, 24, 22), ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
                 size=6.8, line_height=3.3, padding=(0.35, 0.8))
        if len(fac) > MAX_FACING_ROWS:
            pdf.line(t("sheet.more", lang, n=len(fac) - MAX_FACING_ROWS), size=6.5, colour=MUTED, h=3)

    # --- effect estimates, within the space that leaves room for the method block and some SWOT notes
    method = [*d.method_text[lang], t("dossier.method_coop", lang, end=fmt_date(end, lang))]
    limit = bottom - (_height(pdf, method, METHOD_SIZE, METHOD_H) + 9)
    pdf.heading(t("dossier.effects", lang), size=10, gap=1.5)
    if not d.types:
        pdf.line(t("dossier.effects_none", lang, end=fmt_date(end, lang)), size=7.5, colour=MUTED, h=3.6)
    else:
        erows, elines, caveats = effect_rows(d, lang)
        treated_here = any(d.code in (e.treated_districts or ()) for e in d.effects)
        notes = [t("dossier.effects_note", lang), *([t("dossier.in_treated", lang)] if treated_here else []),
                 *("• " + c for c in caveats)]
        room = limit - SWOT_MIN - pdf.get_y() - _height(pdf, notes, 6.6, 3.3) - 4
        shown_rows, shown_lines = list(erows), [_cut(x, LINE_CHARS) for x in elines]

        def need() -> float:
            return (ROW_H * (len(shown_rows) + 1) if shown_rows else 0) + 3.3 * len(shown_lines)

        while need() > room and (shown_lines or shown_rows):
            (shown_lines if shown_lines else shown_rows).pop()
        if shown_rows:
            head = [t(f"dossier.col_{c}", lang) for c in ("type", "rr", "ci", "p", "n", "pre")]
            pdf.grid([head, *shown_rows], (66, 18, 26, 16, 30, 26), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT",
                                                                     "RIGHT"),
                     size=6.8, line_height=3.3, padding=(0.35, 0.8))
        if shown_lines:
            pdf.line(t("dossier.not_estimated", lang), size=7, bold=True, h=3.4)
            for text in shown_lines:
                pdf.line("• " + text, size=6.8, h=3.3)
        hidden = len(erows) + len(elines) - len(shown_rows) - len(shown_lines)
        if hidden:
            pdf.line(t("dossier.more_types", lang, n=hidden), size=6.5, colour=MUTED, h=3)
        pdf.ln(0.6)
        for text in notes:
            pdf.line(text, size=6.6, colour=MUTED, h=3.3)

    # --- SWOT notes, cut to the space left above the method block
    pdf.heading(t("sheet.swot", lang), size=10, gap=1.5)
    notes = d.notes
    empty = []
    for kind in sites.SWOT_KINDS:
        group = notes[notes["kind"] == kind] if len(notes) else notes
        head = t(f"sites.swot_{kind}", lang)
        if group.empty:
            empty.append(head)
            continue
        if pdf.get_y() + 7 > limit:
            pdf.line(t("sheet.more", lang, n=len(group)) + f" ({head})", size=6.5, colour=MUTED, h=3.2)
            continue
        pdf.line(head, size=7.5, bold=True, h=3.6)
        for i, (_, n) in enumerate(group.iterrows()):
            if i >= NOTES_PER_KIND or pdf.get_y() + 7 > limit:
                pdf.line("  " + t("sheet.more", lang, n=len(group) - i), size=6.5, colour=MUTED, h=3.2)
                break
            when = pd.Timestamp(n["created_at"]).strftime("%Y-%m-%d")
            pdf.line(f"• {_cut(n['text'], NOTE_CHARS)} — {n['author']}, {when}", size=7, h=3.4)
    if empty:
        pdf.line(" · ".join(f"{h}: {t('sheet.none', lang)}" for h in empty), size=7, colour=MUTED, h=3.4)

    # --- how the ranking was made (always on the page: it says what the numbers mean)
    pdf.heading(t("sheet.method_title", lang), size=10, gap=1.5)
    for text in method:
        pdf.line(text, size=METHOD_SIZE, h=METHOD_H)
    return pdf.to_bytes()


def dossier_pdf(con, district_code: str, *, scope: Scope, weights: dict | str = "cooperation_record",
                method: str = "topsis", filters: Filters | None = None, lang: str = "th", preset: str | None = None,
                top_k: int = 5, generated_at: dt.datetime | None = None) -> bytes:
    """The one-page A4 dossier of `district_code` (a DOPA code or a district's name) in `lang`; see `dossier_data`."""
    if lang not in LANGS:
        raise InputError(f"lang: {lang!r} is not allowed; allowed: {', '.join(LANGS)}")
    d = dossier_data(con, district_code, scope=scope, weights=weights, method=method, filters=filters, preset=preset,
                     top_k=top_k, lang=lang)
    return render_dossier(d, lang, generated_at)
