"""The provincial briefing for a governor: one computation (`briefing_data`), shown on the page and laid out as
an A4 PDF in Thai or English (`render_pdf`), so both carry the same numbers.

    data = briefing_data(con, "48", "FY2569-Q4", scope)       # every figure, map geometry included
    pdf: bytes = render_pdf(data, "th", generated_at)         # no database access while rendering
    pdf = build_briefing(con, "48", "ไตรมาส 4/2569", "th", scope)   # both in one call (the CLI)

What it holds: the period and the compared dates, stated in full (this period, the previous period of the same
kind, the same period a year earlier); the data-as-of time; a visible "synthetic data" notice when synthetic
reports are in view (box on page 1, a line in every page's footer); headline figures with the change classes
of `trends.change_class` and arrows that follow the sign of the change (▲ more reports, ▼ fewer, none when
equal); verified share and median days to verification; the change by category; reports per month by
category and the monthly total with its Mann-Kendall / Sen's slope trend (matplotlib); a map of the
province's districts by reports (matplotlib, from geometry read with the data; no tiles); the district
ranking; the alerts of the period's complete months (`trends.alerts`); trends by category; the province
against the other provinces on the same border; the cross-border cooperation of the province's districts
(`CoopBrief`, issue 14): activities begun in the period, joint ones, people reached on each side, change agents,
budget and months since the last activity per district, and the effect estimate of each activity type the
province has had (`cooperation.effects`, with its caveat) where estimable — or a plain statement that nothing is
recorded. The tables (`category_table`, `district_table`,
`peer_table`, `alert_table`, `trend_table`) are built once, with labelled headers in the language and names
and formatted numbers in the cells, for the page and the PDF alike.

Periods: a month, a calendar quarter, the Thai government fiscal year (1 October - 30 September, named by the
Buddhist-era year in which it ends: ปีงบประมาณ 2569 = 1 Oct 2568 - 30 Sep 2569 BE = 1 Oct 2025 - 30 Sep 2026)
or a fiscal quarter (Q1 = Oct-Dec). `parse_period` reads what people type (see `PERIOD_FORMS`); a Thai
"ไตรมาส 1/2570" is read as the fiscal quarter, as officials use it; a calendar quarter is "2026-Q3" or
"ไตรมาส 3 ปีปฏิทิน 2569". `period_choices` lists the periods of one kind that the data reaches, for the page's
picker. A period that has begun but not ended is cut at the data-as-of date and compared with the same number
of days of the earlier periods; a period that starts after today is refused.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import overview, pdfkit, thai, trends
from .db import run_query
from .errors import InputError
from .filters import EARLIEST, Filters
from .i18n import (EN_MONTHS, LANGS, TH_MONTHS, fmt_date, fmt_float, fmt_int, fmt_month, fmt_pct, fmt_period,
                   label, t, year)
from .maps import OUTSIDE, class_breaks, colour_for, legend
from .scope import Scope
from .taxonomy import CATEGORY_KEYS

__all__ = ["Period", "KINDS", "parse_period", "period_choices", "default_period", "resolve_province", "province_names",
           "BriefingData", "briefing_data", "render_pdf", "build_briefing", "Card", "headline_cards",
           "compared_text", "Table", "category_table", "district_table", "peer_table", "alert_table",
           "trend_table", "chart_monthly_by_category", "chart_trend", "map_image", "direction", "ARROWS", "CoopBrief",
           "cooperation_brief", "cooperation_table", "cooperation_lines", "cooperation_effect_lines"]

KINDS = ("month", "quarter", "fiscal_year", "fiscal_quarter")
CHART_DPI = 200
ALERT_EVIDENCE_LINES = 8    # evidence lines under the alerts table (the strongest, newest first)
TREND_MONTHS = 36          # the trend chart and the trend tests look back this many months from the period end
CHART_MONTHS = 24          # the monthly chart by category
MAP_SIZE_IN = (3.6, 4.3)   # the map image, inches (width, height)
MAX_YEAR = 2100
INK, MUTED, ALERT_RED = pdfkit.INK, pdfkit.MUTED, pdfkit.ALERT_RED
CLASS_COLOURS = {"large_increase": (185, 28, 28), "moderate_increase": (217, 119, 6), "little_change": (71, 85, 105),
                 "moderate_decrease": (37, 99, 235), "large_decrease": (29, 78, 216), "new": (185, 28, 28),
                 "too_few": (148, 163, 184)}
ARROWS = {"up": "▲", "down": "▼", "flat": ""}


# ------------------------------------------------------------------------------------------------ periods

def _fy_of(day: dt.date) -> int:
    """The fiscal year (CE year in which it ends) that `day` falls in."""
    return day.year + 1 if day.month >= 10 else day.year


@dataclass(frozen=True)
class Period:
    """A briefing period: kind 'month' | 'quarter' | 'fiscal_year' | 'fiscal_quarter', first and last day."""

    kind: str
    start: dt.date
    end: dt.date
    number: int = 0          # the month (1-12) or the quarter (1-4); 0 for a fiscal year
    fiscal_year: int = 0     # CE year in which the fiscal year ends (fiscal kinds)

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> "Period":
        """The period of `kind` that contains `day`."""
        if kind == "month":
            start = day.replace(day=1)
            return cls(kind, start, trends.month_end(start), start.month)
        if kind == "quarter":
            q = (day.month - 1) // 3 + 1
            start = dt.date(day.year, 3 * q - 2, 1)
            return cls(kind, start, trends.month_end(trends.add_months(start, 2)), q)
        fy = _fy_of(day)
        if kind == "fiscal_year":
            return cls(kind, dt.date(fy - 1, 10, 1), dt.date(fy, 9, 30), 0, fy)
        if kind == "fiscal_quarter":
            q = ((day.month - 10) % 12) // 3 + 1
            start = trends.add_months(dt.date(fy - 1, 10, 1), 3 * (q - 1))
            return cls(kind, start, trends.month_end(trends.add_months(start, 2)), q, fy)
        raise ValueError(f"kind: {kind!r}; allowed: {', '.join(KINDS)}")

    def shifted(self, months: int) -> "Period":
        """The period of the same kind `months` months later (negative: earlier)."""
        return Period.containing(self.kind, trends.add_months(self.start, months))

    def previous(self) -> "Period":
        return self.shifted(-{"month": 1, "quarter": 3, "fiscal_quarter": 3, "fiscal_year": 12}[self.kind])

    def last_year(self) -> "Period":
        return self.shifted(-12)

    @property
    def key(self) -> str:
        """The canonical text of the period ("2026-09", "2026-Q3", "FY2026", "FY2026-Q4"); `parse_period` reads it."""
        return {"month": f"{self.start:%Y-%m}", "quarter": f"{self.start.year}-Q{self.number}",
                "fiscal_year": f"FY{self.fiscal_year}",
                "fiscal_quarter": f"FY{self.fiscal_year}-Q{self.number}"}[self.kind]

    def label(self, lang: str) -> str:
        """ไตรมาส 4 ปีงบประมาณ 2569 · ไตรมาสที่ 3 ปีปฏิทิน 2569 · ปีงบประมาณ 2569 · ก.ย. 2569 (and English)."""
        if self.kind == "month":
            return fmt_month(self.start, lang)
        if self.kind == "quarter":
            return t("brief.period_quarter", lang, q=self.number, year=year(self.start.year, lang))
        if self.kind == "fiscal_year":
            return t("brief.period_fiscal_year", lang, year=year(self.fiscal_year, lang))
        return t("brief.period_fiscal_quarter", lang, q=self.number, year=year(self.fiscal_year, lang))

    def months_text(self, lang: str) -> str:
        """The months covered: "ก.ค.–ก.ย. 2569", "ต.ค. 2568–ก.ย. 2569", "Jul–Sep 2026"."""
        names = TH_MONTHS if lang == "th" else EN_MONTHS
        first, last = names[self.start.month - 1], names[self.end.month - 1]
        if self.kind == "month":
            return fmt_month(self.start, lang)
        if self.start.year == self.end.year:
            return f"{first}–{last} {year(self.end.year, lang)}"
        return f"{first} {year(self.start.year, lang)}–{last} {year(self.end.year, lang)}"

    def long_label(self, lang: str) -> str:
        """The label with its months: "ไตรมาส 4 ปีงบประมาณ 2569 (ก.ค.–ก.ย. 2569)"."""
        if self.kind == "month":
            return self.label(lang)
        return f"{self.label(lang)} ({self.months_text(lang)})"


def period_forms(lang: str) -> str:
    return t("brief.period_forms", lang)


def _err(lang: str, key: str, **kw) -> InputError:
    return InputError(t(f"brief.err_{key}", lang, **kw))


def _ce(y: int, text: str, lang: str) -> int:
    ce = thai.ce_year(y)
    if not EARLIEST.year <= ce <= MAX_YEAR:
        raise _err(lang, "year", value=text, year=y, lo=EARLIEST.year, hi=MAX_YEAR,
                   lo_be=thai.be_year(EARLIEST.year), hi_be=thai.be_year(MAX_YEAR))
    return ce


_MONTH_NAMES = sorted(
    [(n.upper(), i + 1) for names in (thai.MONTHS_FULL, thai.MONTHS_ABBR, thai.EN_MONTHS_FULL, thai.EN_MONTHS_ABBR,
                                      tuple(m.replace(".", "") for m in thai.MONTHS_ABBR))
     for i, n in enumerate(names)], key=lambda x: -len(x[0]))
_BE = r"(?:พ\.ศ\.)?"
_FISCAL_TH = r"(?:ปีงบประมาณ|ปีงบ)"
_QUARTER_TH = r"ไตรมาส(?:ที่)?"
_CALENDAR_TH = r"(?:ปี)?ปฏิทิน(?:ปี)?"


def parse_period(text: str, today: dt.date | None = None, lang: str = "en") -> Period:
    """A period from what people type (module docstring; forms in `brief.period_forms`). InputError, in `lang`,
    naming the value and the accepted forms; also for a period that starts after `today`."""
    today = today or dt.date.today()
    raw = thai.ascii_digits(str(text)).strip()
    s = re.sub(r"\s+", "", raw).upper()
    p: Period | None = None

    def month(y: int, mo: int) -> Period:
        if not 1 <= mo <= 12:
            raise _err(lang, "month", value=text, month=mo, forms=period_forms(lang))
        return Period.containing("month", dt.date(_ce(y, text, lang), mo, 1))

    def fiscal(fy_text: str, q: str | None) -> Period:
        fy = _ce(int(fy_text), text, lang)
        if q is None:
            return Period.containing("fiscal_year", dt.date(fy - 1, 10, 1))
        return Period.containing("fiscal_quarter", trends.add_months(dt.date(fy - 1, 10, 1), 3 * (int(q) - 1)))

    def calendar_quarter(y: str, q: str) -> Period:
        return Period.containing("quarter", dt.date(_ce(int(y), text, lang), 3 * int(q) - 2, 1))

    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
        p = month(int(m.group(1)), int(m.group(2)))
    elif m := re.fullmatch(r"(\d{4})-Q([1-4])", s):
        p = calendar_quarter(m.group(1), m.group(2))
    elif m := re.fullmatch(r"FY(\d{4})(?:[-/]?Q([1-4]))?", s):
        p = fiscal(m.group(1), m.group(2))
    elif m := re.fullmatch(r"Q([1-4])[-/]?FY(\d{4})", s):
        p = fiscal(m.group(2), m.group(1))
    elif m := re.fullmatch(_FISCAL_TH + _BE + r"(\d{4})", s):
        p = fiscal(m.group(1), None)
    elif m := re.fullmatch(_QUARTER_TH + r"([1-4])" + _CALENDAR_TH + r"(?:พ\.ศ\.|ค\.ศ\.)?(\d{4})", s):
        p = calendar_quarter(m.group(2), m.group(1))
    elif m := re.fullmatch(_QUARTER_TH + r"([1-4])(?:/|" + _FISCAL_TH + r")" + _BE + r"(\d{4})", s):
        p = fiscal(m.group(2), m.group(1))      # "ไตรมาส 1/2570": the fiscal quarter, as officials read it
    else:
        for name, mo in _MONTH_NAMES:
            if s.startswith(name) and (m := re.fullmatch(_BE + r"(\d{4})", s[len(name):])):
                p = month(int(m.group(1)), mo)
                break
    if p is None:
        raise _err(lang, "period", value=text, forms=period_forms(lang))
    if p.start > today:
        raise _err(lang, "future", value=text, start=fmt_date(p.start, lang), today=fmt_date(today, lang))
    return p


def period_choices(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    """The periods of `kind` that overlap `first`..`last` (the data's dates), newest first."""
    if kind not in KINDS:
        raise InputError(f"kind: {kind!r}; allowed: {', '.join(KINDS)}")
    out, p = [], Period.containing(kind, last)
    while p.end >= first and len(out) < 400:
        out.append(p)
        p = p.previous()
    return out


def default_period(kind: str, first: dt.date, last: dt.date) -> Period:
    """The newest period of `kind` that the data covers to its end; the running one if none has ended."""
    choices = period_choices(kind, first, last)
    return next((p for p in choices if p.end <= last), choices[0])


# ----------------------------------------------------------------------------------------------- provinces

def province_names(con, lang: str) -> dict[str, str]:
    """DOPA code -> the province's name in `lang`."""
    return {code: (th if lang == "th" else en) for code, th, en, _ in run_query(con, "trends_provinces").fetchall()}


def resolve_province(con, text: str, lang: str = "en") -> str:
    """A province's DOPA code from its code, Thai name (with or without จังหวัด / จ.) or English name."""
    rows = run_query(con, "trends_provinces").fetchall()
    raw = thai.ascii_digits(str(text).strip())
    norm = re.sub(r"^(จังหวัด|จ\.)\s*", "", raw).casefold().replace(" ", "").replace("-", "")
    for code, name_th, name_en, _ in rows:
        if norm in (code, name_th.casefold(), name_en.casefold().replace(" ", "").replace("-", "")):
            return code
    border = [f"{r[2]} ({r[1]}, {r[0]})" for r in rows if r[3] > 0]
    raise _err(lang, "province", value=text, examples=", ".join(border))


# ----------------------------------------------------------------------------------------------- the data

@dataclass
class BriefingData:
    """Everything the page and the PDF show, computed in DuckDB once (small frames, the map's geometry too)."""

    province_code: str
    province_th: str
    province_en: str
    period: Period
    covered: tuple[dt.date, dt.date]
    previous: tuple[dt.date, dt.date]
    last_year: tuple[dt.date, dt.date]
    previous_period: Period
    last_year_period: Period
    partial: bool
    as_of: dt.datetime | None
    headline: dict
    kpis: overview.Kpis
    by_category: pd.DataFrame
    monthly: pd.DataFrame
    trend_months: list
    trend_values: np.ndarray
    trend_total: dict
    trend_by_category: pd.DataFrame
    districts: pd.DataFrame
    alerts: pd.DataFrame
    peers: pd.DataFrame
    map_layers: pd.DataFrame     # layer, code, name_th, name_en, country, is_border, wkb (trends_brief_map)
    synthetic: int
    total_in_view: int
    cooperation: "CoopBrief | None" = None

    def province(self, lang: str) -> str:
        return self.province_th if lang == "th" else self.province_en


def briefing_data(con, province_code: str, period: str | Period, scope: Scope,
                  today: dt.date | None = None, lang: str = "en") -> BriefingData:
    """Compute the briefing's figures (module docstring); errors in `lang`."""
    names = {r[0]: r for r in run_query(con, "trends_provinces").fetchall()}
    if province_code not in names:
        raise _err(lang, "province_code", value=province_code)
    if scope.province_code and scope.province_code != province_code:
        raise _err(lang, "scope", province=province_code, own=scope.province_code)
    p = period if isinstance(period, Period) else parse_period(period, today, lang)
    ext = trends.extent(con, scope)
    as_of = ext.as_of_date
    if as_of < p.start:
        raise _err(lang, "after_data", period=p.long_label(lang), last=fmt_date(as_of, lang))
    end = min(p.end, as_of)
    partial = end < p.end
    days = (end - p.start).days
    prev_p, ly_p = p.previous(), p.last_year()
    previous = (prev_p.start, min(prev_p.end, prev_p.start + dt.timedelta(days=days)))
    last_year = (ly_p.start, min(ly_p.end, ly_p.start + dt.timedelta(days=days)))
    f = Filters(p.start, end, provinces=(province_code,))

    headline = trends.change_table(con, f, scope, by=(), previous=previous, last_year=last_year).iloc[0].to_dict()
    by_cat = trends.change_table(con, f, scope, by=("category",), previous=previous, last_year=last_year)
    chart_from = trends.add_months(p.end.replace(day=1), -(CHART_MONTHS - 1))
    monthly = trends.series(con, replace(f, date_from=chart_from, date_to=trends.month_end(p.end.replace(day=1))),
                            scope, by=("category",), freq="month", as_of=as_of)
    monthly = monthly[monthly["period"] <= pd.Timestamp(as_of)].rename(columns={"period": "month"})
    monthly = monthly[["month", "category", "reports"]].reset_index(drop=True)
    trend_from = trends.add_months(p.end.replace(day=1), -(TREND_MONTHS - 1))
    if ext.first_month and trend_from < ext.first_month:
        trend_from = ext.first_month
    tf = replace(f, date_from=trend_from, date_to=end)
    total = trends.series(con, tf, scope, by=(), freq="month", as_of=as_of)
    total = total[total["complete"]]
    trend_months = [pd.Timestamp(m).date() for m in total["period"]]
    trend_values = total["reports"].to_numpy()
    trend_total = trends.mann_kendall(trend_values)
    trend_by_cat = trends.trend_tests(con, tf, scope, by=("category",))

    districts = overview.by_district(con, f, scope)
    districts = districts[districts["province_code"] == province_code]
    dchange = trends.change_table(con, f, scope, by=("district",), previous=previous, last_year=last_year)
    districts = districts.merge(dchange[["district_code", "last_year", "change_last_year", "class_last_year"]],
                                left_on="code", right_on="district_code", how="left")
    districts = districts.sort_values(["reports", "code"], ascending=[False, True]).reset_index(drop=True)
    alerts = trends.alerts(con, f, scope, month="all")
    peers = trends.province_context(con, replace(f, provinces=()), scope, province_code)
    geo = run_query(con, "trends_brief_map", {"province": province_code}).df()
    geo["wkb"] = [bytes(b) for b in geo["wkb"]]
    window = replace(f, date_from=min(trend_from, last_year[0], chart_from))
    synthetic, total_in_view = overview.synthetic_in_view(con, window, scope)
    return BriefingData(
        province_code=province_code, province_th=names[province_code][1], province_en=names[province_code][2],
        period=p, covered=(p.start, end), previous=previous, last_year=last_year, previous_period=prev_p,
        last_year_period=ly_p, partial=partial, as_of=ext.as_of, headline=headline, kpis=overview.kpis(con, f, scope),
        by_category=by_cat, monthly=monthly, trend_months=trend_months, trend_values=trend_values,
        trend_total=trend_total, trend_by_category=trend_by_cat, districts=districts, alerts=alerts, peers=peers,
        map_layers=geo, synthetic=synthetic, total_in_view=total_in_view,
        cooperation=cooperation_brief(con, province_code, p.start, end, scope))


# --------------------------------------------------------------------------------- cross-border cooperation

@dataclass
class CoopBrief:
    """The province's cooperation record for the briefing: per border district (code, name_th/en; activities,
    joint_activities, people_th, people_across, change_agents, budget_thb begun in the period; months_since_last
    as of its end, from any date, NULL when never), the record's totals up to the end, and the effect estimates
    of the activity types the province has had (None: the effects module is not installed)."""

    start: dt.date
    end: dt.date
    districts: pd.DataFrame
    activities_to_date: int
    last_activity: dt.date | None
    types: list
    effects: list
    effect_errors: dict
    synthetic: int = 0           # synthetic activities in view up to the end
    activities_in_view: int = 0

    @property
    def activities(self) -> int:
        return int(self.districts["activities"].sum()) if len(self.districts) else 0


def cooperation_brief(con, province_code: str, start: dt.date, end: dt.date, scope: Scope) -> CoopBrief:
    """The cooperation figures of `province_code` for the period start..end, within `scope` (`CoopBrief`)."""
    from .cooperation import summary
    from .dossier import estimate_effects

    period = summary.district_summary(con, scope, end, date_from=start, provinces=[province_code])
    whole = summary.district_summary(con, scope, end, date_from=None, provinces=[province_code])
    cols = ["code", "name_th", "name_en", "activities", "joint_activities", "people_th", "people_across",
            "change_agents", "budget_thb"]
    districts = period[cols].merge(whole[["code", "months_since_last"]], on="code", how="left")
    districts = districts.sort_values(["activities", "code"], ascending=[False, True]).reset_index(drop=True)
    last = whole["last_activity"].dropna().max() if len(whole) else None
    types = [r[0] for r in run_query(con, "briefing_coop_types", {"province": province_code, "date_to": end,
                                                                   **scope.sql_params()}).fetchall()]
    effects, errors = estimate_effects(con, types, scope, end)
    syn, n_act = run_query(con, "dossier_synthetic_activities", {"date_to": end, **scope.sql_params()}).fetchone()
    return CoopBrief(start=start, end=end, districts=districts, activities_to_date=int(whole["activities"].sum()),
                     last_activity=None if last is None or pd.isna(last) else pd.Timestamp(last).date(),
                     types=types, effects=effects, effect_errors=errors, synthetic=int(syn or 0),
                     activities_in_view=int(n_act or 0))


def cooperation_table(d: BriefingData, lang: str) -> Table:
    """Per border district: activities and joint ones begun in the period, people (Thai / across), change agents,
    budget, months since the last activity (of any date) as of the period's end."""
    c = d.cooperation
    header = [t(f"briefcoop.col_{k}", lang) for k in ("district", "activities", "joint", "people_th",
                                                      "people_across", "agents", "budget", "months")]
    rows = []
    for r in (c.districts.itertuples() if c is not None else []):
        months = "–" if pd.isna(r.months_since_last) else fmt_int(r.months_since_last)
        rows.append([getattr(r, f"name_{lang}"), fmt_int(r.activities), fmt_int(r.joint_activities),
                     fmt_int(r.people_th), fmt_int(r.people_across), fmt_int(r.change_agents),
                     fmt_int(r.budget_thb), months if months != "–" else t("briefcoop.never", lang)])
    return Table(header, rows, ("LEFT", *["RIGHT"] * 7), {})


def cooperation_lines(d: BriefingData, lang: str) -> list[str]:
    """What the section says above its table: the period's totals, or that nothing is recorded (and since when)."""
    c = d.cooperation
    dates = fmt_period(*d.covered, lang)
    if c is None or c.activities_to_date == 0:
        return [t("briefcoop.none", lang, province=d.province(lang), end=fmt_date(d.covered[1], lang))]
    if c.activities == 0:
        return [t("briefcoop.none_period", lang, dates=dates, last=fmt_date(c.last_activity, lang))]
    k = c.districts
    return [t("briefcoop.summary", lang, activities=fmt_int(c.activities), dates=dates,
              districts=fmt_int((k["activities"] > 0).sum()), joint=fmt_int(k["joint_activities"].sum()),
              th=fmt_int(k["people_th"].sum()), across=fmt_int(k["people_across"].sum()),
              agents=fmt_int(k["change_agents"].sum()), budget=fmt_int(k["budget_thb"].sum()))]


def cooperation_effect_lines(d: BriefingData, lang: str) -> tuple[list[str], list[str]]:
    """(one line per activity type the province has had: the rate ratio with its 95% CI, or why it cannot be
    estimated; the caveats, each once). Empty when the province has no activity."""
    from .cooperation.taxonomy import type_label

    c = d.cooperation
    if c is None or not c.types:
        return [], []
    lines, caveats = [], []
    for e in c.effects:
        name = type_label(e.activity_type, lang)
        if e.estimable:
            p = e.p_value
            lines.append(t("briefcoop.effect_line", lang, type=name, rr=f"{e.rate_ratio:.2f}", lo=f"{e.ci_low:.2f}",
                           hi=f"{e.ci_high:.2f}", p="< 0.001" if p < 0.001 else f"{p:.3f}",
                           treated=fmt_int(e.n_treated), control=fmt_int(e.n_control)))
        else:
            lines.append(t("briefcoop.effect_not", lang, type=name,
                           reason=getattr(e, f"reason_{lang}", None) or getattr(e, "reason_en", "")))
        caveat = getattr(e, f"caveat_{lang}", None)
        if caveat and caveat not in caveats:
            caveats.append(caveat)
    for kind, msg in c.effect_errors.items():
        lines.append(t("briefcoop.effect_not", lang, type=type_label(kind, lang), reason=msg.get(lang) or msg["en"]))
    return lines, caveats


# ----------------------------------------------------------------------------------- what page and PDF show

def direction(current: int, baseline: int) -> str:
    """'up' when there are more reports than in the baseline, 'down' when fewer, 'flat' when as many."""
    return "up" if current > baseline else "down" if current < baseline else "flat"


def change_text(current: int, baseline: int, change: float, cls: str, lang: str, arrow: bool = True) -> str:
    """"▲ +12% · เพิ่มขึ้นปานกลาง": the arrow from the sign, the relative change (none on a zero baseline),
    the change class."""
    parts = []
    mark = ARROWS[direction(current, baseline)] if arrow else ""
    if np.isfinite(change):
        parts.append(f"{mark} {fmt_pct(change, lang, signed=True)}".strip())
    elif mark:
        parts.append(mark)
    parts.append(t(f"brief.class_{cls}", lang))
    return " · ".join(parts) if len(parts) > 1 else parts[0]


def compared_text(d: BriefingData, lang: str) -> str:
    """"ช่วงนี้ 1 ก.ค. 2569 – 30 ก.ย. 2569 · ช่วงก่อนหน้า … · ช่วงเดียวกันของปีก่อน …": the three sets of dates."""
    return t("brief.compared", lang, current=fmt_period(*d.covered, lang), previous=fmt_period(*d.previous, lang),
             last_year=fmt_period(*d.last_year, lang))


@dataclass(frozen=True)
class Card:
    """One headline figure: label, value, change (text, 'up'/'down'/'flat'; None for no change), the line under."""

    key: str
    label: str
    value: str
    delta: str | None
    direction: str | None
    sub: str
    cls: str | None = None


def headline_cards(d: BriefingData, lang: str) -> list[Card]:
    """Reports in the period; against the previous period; against the same period last year; verified share."""
    h, k = d.headline, d.kpis
    cards = [Card("reports", t("brief.kpi_reports", lang), fmt_int(h["current"]), None, None,
                  fmt_period(*d.covered, lang))]
    for base, dates in (("previous", d.previous), ("last_year", d.last_year)):
        cur, was, change, cls = h["current"], h[base], h[f"change_{base}"], h[f"class_{base}"]
        value = fmt_pct(change, lang, signed=True) if np.isfinite(change) else "–"
        cards.append(Card(base, t(f"brief.kpi_vs_{base}", lang), value, t(f"brief.class_{cls}", lang),
                          direction(cur, was), t("brief.kpi_was", lang, n=fmt_int(was), dates=fmt_period(*dates, lang)),
                          cls))
    cards.append(Card("verified", t("brief.kpi_verified", lang), fmt_pct(k.verified_share, lang), None, None,
                      t("brief.kpi_median_days", lang, days=fmt_float(k.median_days_to_verification))))
    return cards


@dataclass(frozen=True)
class Table:
    """A table as read: labelled headers, text cells, per-cell change classes (for colour), highlighted rows."""

    header: list[str]
    rows: list[list[str]]
    aligns: tuple[str, ...]
    classes: dict = None          # {(row, col): change class}, rows counted from 0 (without the header)
    highlight: frozenset = frozenset()

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=self.header)


def category_table(d: BriefingData, lang: str) -> Table:
    header = [t(f"brief.col_{c}", lang) for c in ("category", "reports", "previous", "vs_previous", "last_year",
                                                  "vs_last_year")]
    rows, classes = [], {}
    for i, r in enumerate(d.by_category.itertuples()):
        rows.append([label("category", r.category, lang), fmt_int(r.current), fmt_int(r.previous),
                     change_text(r.current, r.previous, r.change_previous, r.class_previous, lang),
                     fmt_int(r.last_year),
                     change_text(r.current, r.last_year, r.change_last_year, r.class_last_year, lang)])
        classes[(i, 3)], classes[(i, 5)] = r.class_previous, r.class_last_year
    return Table(header, rows, ("LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "LEFT"), classes)


def district_table(d: BriefingData, lang: str) -> Table:
    """Border districts by reports: rank, name (* NTS-MWCC target), reports, per 100 km², last year, change."""
    header = ["#", t("brief.col_district", lang), t("brief.col_reports", lang), t("brief.col_per_100km2", lang),
              t("brief.col_last_year", lang), t("brief.col_vs_last_year", lang)]
    rows, classes = [], {}
    for i, r in enumerate(d.districts.itertuples()):
        cls = r.class_last_year if isinstance(r.class_last_year, str) else None
        ly = int(r.last_year) if pd.notna(r.last_year) else None
        rows.append([str(i + 1), getattr(r, f"name_{lang}") + (" *" if r.mwcc else ""), fmt_int(r.reports),
                     fmt_float(r.per_100km2), fmt_int(ly),
                     change_text(int(r.reports), ly, r.change_last_year, cls, lang) if cls else "–"])
        if cls:
            classes[(i, 5)] = cls
    return Table(header, rows, ("RIGHT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"), classes)


def countries_text(codes: str | None, lang: str) -> str:
    """"LA,LA,KH" → "Lao PDR, Cambodia" (each country once, Laos first)."""
    seen = {c.strip() for c in str(codes or "").split(",") if c.strip()}
    return ", ".join(t(f"country.{c}", lang) for c in ("LA", "KH") if c in seen) or "–"


def peer_table(d: BriefingData, lang: str) -> Table:
    """The province among the provinces on the same border (its row highlighted)."""
    header = [t(f"brief.col_{c}", lang) for c in ("province", "border_with", "border_districts", "reports",
                                                  "per_100km2", "per_km")]
    rows, home = [], set()
    for i, r in enumerate(d.peers.itertuples()):
        name = getattr(r, f"province_{lang}")
        if r.is_home:
            home.add(i)
            name += f" ({t('brief.home', lang)})"
        rows.append([name, countries_text(r.border_country, lang), fmt_int(r.border_districts), fmt_int(r.reports),
                     fmt_float(r.per_100km2), fmt_float(r.per_km, digits=2)])
    return Table(header, rows, ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), {}, frozenset(home))


def alert_table(d: BriefingData, lang: str) -> Table:
    header = [t(f"brief.col_{c}", lang) for c in ("month", "district", "category", "observed", "expected", "rule")]
    rows = [[fmt_month(pd.Timestamp(r["month"]).date(), lang), r[f"district_{lang}"],
             label("category", r["category"], lang), fmt_int(r["observed"]), fmt_float(r["expected"]),
             t(f"brief.rule_{r['rule'].replace('+', '_')}", lang)] for _, r in d.alerts.iterrows()]
    return Table(header, rows, ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT"), {})


def _trend_word(value: str, lang: str) -> str:
    return t(f"brief.trend_{str(value).replace(' ', '_')}", lang)


def trend_table(d: BriefingData, lang: str) -> Table:
    header = [t(f"brief.col_{c}", lang) for c in ("category", "months", "trend", "slope", "p", "seasonal")]
    rows = []
    for _, r in d.trend_by_category.iterrows():
        rows.append([label("category", r["category"], lang), fmt_int(r["months"]), _trend_word(r["trend"], lang),
                     "–" if not np.isfinite(r["sen_slope"]) else f"{r['sen_slope']:+.1f}",
                     "–" if not np.isfinite(r["p_value"]) else f"{r['p_value']:.3f}",
                     _trend_word(r["seasonal_trend"], lang)])
    return Table(header, rows, ("LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT", "LEFT"), {})


def trend_note(d: BriefingData, lang: str) -> str:
    mkr = d.trend_total
    if mkr["trend"] == "too_short":
        return t("brief.trend_short_note", lang, months=trends.MIN_MONTHS)
    return t("brief.trend_note", lang, trend=_trend_word(mkr["trend"], lang), p=f"{mkr['p_value']:.3f}",
             slope=f"{mkr['sen_slope']:+.1f}", months=mkr["months"], first=fmt_month(d.trend_months[0], lang),
             last=fmt_month(d.trend_months[-1], lang))


# ------------------------------------------------------------------------------------------------- charts

def _mpl():
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in pdfkit.font_paths().values():
        if path not in known:
            font_manager.fontManager.addfont(path)
    rc = {"font.family": ["Noto Sans Thai", "DejaVu Sans"], "font.size": 8, "axes.spines.top": False,
          "axes.spines.right": False, "axes.edgecolor": "#94a3b8", "axes.titlesize": 9}
    return matplotlib, Figure, FigureCanvasAgg, rc


def _png(fig, canvas_cls) -> bytes:
    buf = io.BytesIO()
    canvas_cls(fig).print_png(buf)
    return buf.getvalue()


def _month_labels(months: list[dt.date], lang: str) -> list[str]:
    return [fmt_month(m, lang) if m.month in (1, 4, 7, 10) or i == 0 else "" for i, m in enumerate(months)]


def chart_monthly_by_category(df: pd.DataFrame, lang: str, highlight: tuple[dt.date, dt.date]) -> bytes:
    """Stacked monthly bars by category (df: month, category, reports), the briefing period shaded."""
    from .charts import CATEGORY_COLOURS

    mpl, Figure, Canvas, rc = _mpl()
    with mpl.rc_context(rc):
        fig = Figure(figsize=(7.1, 2.55), dpi=CHART_DPI, layout="constrained")
        ax = fig.add_subplot()
        months = sorted({pd.Timestamp(m).date() for m in df["month"]})
        x = np.arange(len(months))
        bottom = np.zeros(len(months))
        for cat in CATEGORY_KEYS:
            part = df[df["category"] == cat]
            sub = part.set_index(part["month"].map(lambda m: pd.Timestamp(m).date())).reindex(months)["reports"]
            sub = sub.fillna(0).to_numpy()
            if sub.sum() == 0:
                continue
            ax.bar(x, sub, bottom=bottom, color=CATEGORY_COLOURS[cat], width=0.8, label=label("category", cat, lang))
            bottom += sub
        inside = [i for i, m in enumerate(months) if highlight[0] <= m <= highlight[1]]
        if inside:
            ax.axvspan(min(inside) - 0.5, max(inside) + 0.5, color="#fde68a", alpha=0.45, zorder=0, lw=0)
        ax.set_xticks(x, _month_labels(months, lang))
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="y", color="#e5e7eb")
        ax.set_axisbelow(True)
        ax.set_ylabel(t("brief.axis_reports", lang))
        if len(months):
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=6.5, frameon=False)
        return _png(fig, Canvas)


def chart_trend(months: list[dt.date], values: np.ndarray, mk_row: dict, lang: str,
                highlight: tuple[dt.date, dt.date]) -> bytes:
    """The monthly total with the Sen's slope line of the Mann-Kendall test."""
    mpl, Figure, Canvas, rc = _mpl()
    with mpl.rc_context(rc):
        fig = Figure(figsize=(7.1, 2.3), dpi=CHART_DPI, layout="constrained")
        ax = fig.add_subplot()
        x = np.arange(len(months))
        ax.plot(x, values, color="#1d4ed8", marker="o", markersize=2.2, lw=1.2, label=t("brief.legend_monthly", lang))
        if np.isfinite(mk_row.get("sen_slope", np.nan)):
            ax.plot(x, mk_row["intercept"] + mk_row["sen_slope"] * x, color="#b91c1c", lw=1.2, ls="--",
                    label=t("brief.legend_sen", lang))
        inside = [i for i, m in enumerate(months) if highlight[0] <= m <= highlight[1]]
        if inside:
            ax.axvspan(min(inside) - 0.5, max(inside) + 0.5, color="#fde68a", alpha=0.45, zorder=0, lw=0)
        ax.set_xticks(x, _month_labels(months, lang))
        ax.tick_params(axis="x", labelsize=7)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#e5e7eb")
        ax.set_ylabel(t("brief.axis_reports", lang))
        ax.legend(loc="upper left", fontsize=7, frameon=False)
        return _png(fig, Canvas)


def map_image(d: BriefingData, lang: str) -> bytes:
    """A static map of the province: districts coloured by reports (border districts; others plain), the Thai
    provinces around, the Lao (blue) and Cambodian (green) districts across the border in outline, crossings.
    Drawn from `d.map_layers` and `d.districts` (no database access)."""
    import shapely
    from matplotlib.patches import Patch

    geo = d.map_layers.copy()
    geo["geometry"] = shapely.from_wkb(list(geo["wkb"]))
    mpl, Figure, Canvas, rc = _mpl()
    counts = d.districts[["code", "reports"]]
    by_code = counts.set_index("code")["reports"] if len(counts) else pd.Series(dtype=float)
    values = by_code.to_numpy(dtype=float)
    breaks = class_breaks(values)
    with mpl.rc_context(rc):
        fig = Figure(figsize=MAP_SIZE_IN, dpi=CHART_DPI, layout="constrained")
        ax = fig.add_subplot()
        home = geo[geo["layer"] == "district"]
        minx, miny, maxx, maxy = shapely.total_bounds(home["geometry"].to_numpy())
        pad = 0.08 * max(maxx - minx, maxy - miny)
        ax.set_facecolor("#f8fafc")
        for _, r in geo[geo["layer"] == "province"].iterrows():
            _draw(ax, r["geometry"], face="#eef1f5", edge="#b6bec9", lw=0.4)
        for _, r in geo[geo["layer"] == "neighbour"].iterrows():
            _draw(ax, r["geometry"], face="#ffffff", edge={"LA": "#2563eb", "KH": "#16a34a"}.get(r["country"], "#888"),
                  lw=0.5)
        for _, r in home.iterrows():
            v = float(by_code.get(r["code"], 0.0))
            face = "#%02x%02x%02x" % (colour_for(v, breaks) if r["is_border"] else OUTSIDE)
            _draw(ax, r["geometry"], face=face, edge="#475569", lw=0.5)
        _draw(ax, shapely.union_all(home["geometry"].to_numpy()), face="none", edge="#111827", lw=1.1)
        for _, r in home.iterrows():
            if r["is_border"]:
                pt = r["geometry"].representative_point()
                ax.annotate(r[f"name_{lang}"], (pt.x, pt.y), fontsize=5.2, ha="center", va="center", color="#111827")
        xs = geo[geo["layer"] == "crossing"]
        if len(xs):
            ax.scatter([g.x for g in xs["geometry"]], [g.y for g in xs["geometry"]], s=9, c="#111827",
                       marker="D", zorder=5, label=t("brief.map_crossing", lang))
        # a square view (in km) around the province: degrees of longitude are shorter than degrees of latitude
        coslat = np.cos(np.radians((miny + maxy) / 2))
        half = max((maxx - minx) * coslat, maxy - miny) / 2 + pad
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        ax.set_xlim(cx - half / coslat, cx + half / coslat)
        ax.set_ylim(cy - half, cy + half)
        ax.set_aspect(1 / coslat)
        ax.set_xticks([])
        ax.set_yticks([])
        for s in ax.spines.values():
            s.set_visible(True)
            s.set_color("#cbd5e1")
        handles = [Patch(facecolor="#%02x%02x%02x" % c, edgecolor="#475569", label=txt)
                   for c, txt in legend(breaks, values, lang)]
        if len(xs):
            handles.append(ax.get_legend_handles_labels()[0][0])
        fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=5.5, frameon=False,
                   title=t("brief.map_legend", lang), title_fontsize=6, handlelength=1.2, columnspacing=0.8)
        return _png(fig, Canvas)


def _draw(ax, geom, face: str, edge: str, lw: float) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    if geom is None or geom.is_empty:
        return
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.geom_type != "Polygon":
            continue
        verts, codes = [], []
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            verts.append(xy)
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
        ax.add_patch(PathPatch(MplPath(np.concatenate(verts), codes), facecolor=face, edgecolor=edge, lw=lw))


# ------------------------------------------------------------------------------------------------ the PDF

def build_briefing(con, province_code: str, period: str | Period, lang: str, scope: Scope,
                   today: dt.date | None = None, generated_at: dt.datetime | None = None) -> bytes:
    """The A4 briefing PDF for one province and period, in Thai ('th') or English ('en').

    province_code: 2-digit DOPA code (`resolve_province` turns a typed name into one).
    period: "2026-09", "2026-Q3", "FY2569", "FY2026-Q1", "ไตรมาส 1/2570" … (`parse_period`).
    scope: the viewer's; a scope limited to another province is refused (InputError).
    """
    if lang not in LANGS:
        raise InputError(f"language {lang!r} is not available; allowed: {', '.join(LANGS)} "
                         f"(ภาษา {lang!r} ไม่มีให้เลือก เลือกได้: {', '.join(LANGS)})")
    data = briefing_data(con, province_code, period, scope, today, lang)
    return render_pdf(data, lang, generated_at or dt.datetime.now())


def _cards(pdf, cards: list[Card], lang: str) -> None:
    W = pdf.epw
    gap = 3
    cw = (W - gap * (len(cards) - 1)) / len(cards)
    y0 = pdf.get_y() + 1
    for i, c in enumerate(cards):
        x = pdf.l_margin + i * (cw + gap)
        colour = CLASS_COLOURS.get(c.cls, INK) if c.cls else INK
        pdf.set_fill_color(248, 250, 252)
        pdf.set_draw_color(203, 213, 225)
        pdf.rect(x, y0, cw, 29, style="DF")
        pdf.set_xy(x + 2, y0 + 1.5)                # the label: up to two lines
        pdf.set_font(pdfkit.FAMILY, "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(cw - 4, 3.5, c.label, align="L", max_line_height=3.5)
        pdf.set_xy(x + 2, y0 + 9)
        pdf.set_font(pdfkit.FAMILY, "B", 12.5)
        pdf.set_text_color(*colour)
        arrow = ARROWS.get(c.direction or "flat", "")
        pdf.multi_cell(cw - 4, 6, f"{arrow} {c.value}".strip(), align="L")
        if c.delta:
            pdf.set_xy(x + 2, y0 + 15)
            pdf.set_font(pdfkit.FAMILY, "B", 7.5)
            pdf.multi_cell(cw - 4, 3.6, c.delta, align="L")
        pdf.set_xy(x + 2, y0 + 19.5)
        pdf.set_font(pdfkit.FAMILY, "", 6.8)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(cw - 4, 3.2, c.sub, align="L")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(*INK)
    pdf.set_y(y0 + 31)


def _grid(pdf, tab: Table, widths: tuple, **kw) -> None:
    colours = {(i + 1, j): CLASS_COLOURS[c] for (i, j), c in (tab.classes or {}).items()}
    pdf.grid([tab.header, *tab.rows], widths, tab.aligns, colours=colours,
             highlight=frozenset(i + 1 for i in tab.highlight), **kw)


def render_pdf(d: BriefingData, lang: str, generated_at: dt.datetime) -> bytes:
    """Lay out a `BriefingData` as the A4 PDF. Draws only what `d` holds: no database access."""
    title = t("brief.title", lang, province=d.province(lang))
    period_text = d.period.long_label(lang)
    synthetic = bool(d.synthetic or (d.cooperation is not None and d.cooperation.synthetic))
    pdf = pdfkit.Document(title, lang, generated_at, synthetic=synthetic, footer_label=f"{title} · {period_text}")
    W = pdf.epw
    as_of_text = fmt_date(d.as_of.date(), lang) + d.as_of.strftime(" %H:%M") if d.as_of else "–"

    # --- page 1: title, compared dates, notice, headline figures, change by category, monthly chart
    pdf.add_page()
    line = t("brief.period_line", lang, period=d.period.label(lang), dates=fmt_period(*d.covered, lang))
    if d.partial:
        line += " " + t("brief.period_partial", lang)
    pdf.title_block(title, [line, compared_text(d, lang),
                            t("brief.as_of_line", lang, as_of=as_of_text, generated=pdfkit.fmt_generated(generated_at,
                                                                                                          lang))])
    if d.synthetic:
        pdf.alert_box(t("brief.synthetic", lang, n=fmt_int(d.synthetic), total=fmt_int(d.total_in_view)))

    pdf.heading(t("brief.kpi_title", lang))
    _cards(pdf, headline_cards(d, lang), lang)
    pdf.note(t("brief.class_note", lang, min=trends.MIN_REPORTS))

    pdf.heading(t("brief.by_category_title", lang))
    _grid(pdf, category_table(d, lang), (50, 16, 16, 41, 16, 41))

    pdf.heading(t("brief.chart_monthly", lang))
    pdf.png(chart_monthly_by_category(d.monthly, lang, d.covered), w=W)
    pdf.note(t("brief.chart_monthly_note", lang))

    # --- page 2: trend, map and district ranking
    pdf.add_page()
    pdf.heading(t("brief.trend_title", lang), gap=0)
    pdf.png(chart_trend(d.trend_months, d.trend_values, d.trend_total, lang, d.covered), w=W)
    pdf.note(trend_note(d, lang))

    pdf.heading(t("brief.trend_by_category_title", lang))
    _grid(pdf, trend_table(d, lang), (58, 16, 30, 26, 18, 32))

    map_w = 64
    map_h = map_w * MAP_SIZE_IN[1] / MAP_SIZE_IN[0]
    if pdf.get_y() + map_h + 12 > pdf.foot:
        pdf.add_page()
    pdf.heading(t("brief.map_title", lang))
    y_top = pdf.get_y()
    pdf.png(map_image(d, lang), w=map_w, h=map_h, y=y_top)
    y_map_end = y_top + map_h
    rank_w = W - map_w - 4
    old_margin = pdf.l_margin
    pdf.set_left_margin(old_margin + map_w + 4)
    pdf.set_xy(pdf.l_margin, y_top)
    pdf.line(t("brief.ranking_title", lang), size=9, bold=True, h=5, w=rank_w)
    _grid(pdf, district_table(d, lang), (5, 37, 13, 14, 13, 30), size=7, line_height=4.0, width=rank_w,
          align="LEFT", padding=(0.6, 0.8))
    pdf.note(t("brief.ranking_note", lang), size=6.8, w=rank_w)
    pdf.set_left_margin(old_margin)
    pdf.set_xy(old_margin, max(pdf.get_y(), y_map_end) + 1)

    # --- alerts, peers, method
    pdf.heading(t("brief.alerts_title", lang))
    if len(d.alerts) == 0:
        pdf.note(t("brief.alerts_none", lang), size=8.5)
    else:
        _grid(pdf, alert_table(d, lang), (22, 34, 52, 18, 18, 36))
        for text in d.alerts[f"evidence_{lang}"].head(ALERT_EVIDENCE_LINES):
            pdf.note("• " + text, size=7.5)
    pdf.note(t("alerts.note", lang, fdr=trends.FDR_LEVEL, min=trends.MIN_ALERT_REPORTS))

    pdf.heading(t("brief.peers_title", lang))
    _grid(pdf, peer_table(d, lang), (52, 34, 24, 24, 24, 22))
    pdf.note(t("brief.peers_note", lang))

    pdf.heading(t("briefcoop.title", lang), keep=12 if not (d.cooperation and d.cooperation.activities_to_date)
                else 28)
    for text in cooperation_lines(d, lang):
        pdf.line(text, size=8.5)
    if d.cooperation is not None and d.cooperation.activities_to_date:
        _grid(pdf, cooperation_table(d, lang), (44, 18, 17, 20, 22, 22, 20, 17), size=7.5, line_height=4.2)
        pdf.note(t("briefcoop.note", lang, end=fmt_date(d.covered[1], lang)))
        lines, caveats = cooperation_effect_lines(d, lang)
        if lines:
            pdf.ln(1.5)
            pdf.line(t("briefcoop.effects_title", lang), size=8.5, bold=True)
            for text in lines:
                pdf.line("• " + text, size=8)
            for text in caveats:
                pdf.note(text)
        if d.cooperation.synthetic:
            pdf.line(t("briefcoop.synthetic", lang, n=fmt_int(d.cooperation.synthetic),
                       total=fmt_int(d.cooperation.activities_in_view)), size=7.5, colour=ALERT_RED, bold=True)

    pdf.heading(t("brief.method_title", lang), size=9.5)
    pdf.note(t("brief.method", lang, min=trends.MIN_REPORTS, months=trends.MIN_MONTHS))
    return pdf.to_bytes()
