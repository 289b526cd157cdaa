"""The provincial briefing: an A4 PDF in Thai or English for a governor, from `build_briefing(...)`.

    pdf: bytes = build_briefing(con, "48", "2026-Q3", "th", scope)

What it holds: the period covered and the data-as-of time; a visible "synthetic data" notice (box on page 1
and a line in every page's footer) when synthetic reports are in view; headline figures (this period against
the previous period and the same period last year, with the change classes of `trends.change_class`,
verified share, median days to verification); the change by category; reports per month by category and the
monthly total with its Mann-Kendall / Sen's slope trend (charts drawn with matplotlib); a map of the
province's districts (matplotlib from the district geometries in DuckDB, no tiles); the district ranking;
the alerts of the period's complete months (`trends.alerts`); trends by category; the province against the
other provinces on the same border.

Periods (`parse_period`): "2026-09" a month; "2026-Q3" a calendar quarter (Jul-Sep); "FY2569" or "FY2026" the
Thai government fiscal year, 1 October to 30 September, named by the year in which it ends: a year of 2400
or more is Buddhist era, so FY2569 = FY2026 = 1 Oct 2025 - 30 Sep 2026 (ปีงบประมาณ 2569); "FY2569-Q1" its
first quarter, Oct-Dec 2025. Buddhist-era years and Thai digits are accepted everywhere ("2569-09"). The
comparisons are the period of the same kind just before (previous month, quarter, fiscal year) and the same
period a year earlier. A period that has begun but not ended is cut at the data-as-of date and compared with
the same number of days of the earlier periods; a period that starts after today is refused.

Thai text: the PDF embeds Noto Sans Thai (static/fonts, SIL OFL 1.1) and fpdf2 shapes it with HarfBuzz
(`set_text_shaping`), so tone marks and vowels sit where they should. Shaped Thai places marks with their own
text positioning, which makes text extractors (pdftotext, copy and paste) break words apart; every shaped
run is therefore wrapped in an /ActualText span carrying its Unicode text (PDF 32000-1, 14.9.4), so extracted
text is exactly what was written. fpdf2 has no option for this; `_install_actual_text` wraps its renderer.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import overview, trends
from .config import PROJECT_ROOT
from .db import run_query
from .errors import InputError
from .filters import EARLIEST, Filters
from .i18n import LANGS, fmt_date, fmt_float, fmt_int, fmt_month, fmt_pct, label, t, year
from .maps import class_breaks, colour_for, legend
from .scope import Scope
from .taxonomy import CATEGORY_KEYS

__all__ = ["Period", "parse_period", "resolve_province", "build_briefing", "FONT_DIR"]

FONT_DIR = PROJECT_ROOT / "static" / "fonts"
FONT_FILES = {"": "NotoSansThai-Regular.ttf", "B": "NotoSansThai-Bold.ttf"}
FAMILY = "NotoSansThai"
CHART_DPI = 200
ALERT_EVIDENCE_LINES = 8    # evidence lines under the alerts table (the strongest, newest first)
TREND_MONTHS = 36          # the trend chart and the trend tests look back this many months from the period end
CHART_MONTHS = 24          # the monthly chart by category
MAP_SIZE_IN = (3.6, 4.3)   # the map image, inches (width, height)
INK = (17, 24, 39)
MUTED = (100, 116, 139)
ALERT_RED = (185, 28, 28)
CLASS_COLOURS = {"large_increase": (185, 28, 28), "moderate_increase": (217, 119, 6), "little_change": (71, 85, 105),
                 "moderate_decrease": (37, 99, 235), "large_decrease": (29, 78, 216), "new": (185, 28, 28),
                 "too_few": (148, 163, 184)}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


# ------------------------------------------------------------------------------------------------ periods

@dataclass(frozen=True)
class Period:
    """A briefing period: kind 'month' | 'quarter' | 'fiscal_year' | 'fiscal_quarter', first and last day."""

    kind: str
    start: dt.date
    end: dt.date
    number: int = 0          # the month (1-12) or the quarter (1-4); 0 for a fiscal year
    fiscal_year: int = 0     # CE year in which the fiscal year ends

    def shifted(self, months: int) -> "Period":
        """The period of the same kind `months` months later (negative: earlier)."""
        start = trends.add_months(self.start, months)
        end = trends.month_end(trends.add_months(self.end.replace(day=1), months))
        fy = self.fiscal_year + (months // 12 if self.kind == "fiscal_year" else 0)
        if self.kind == "fiscal_quarter":
            fy = start.year + 1 if start.month >= 10 else start.year
        number = {"month": start.month, "quarter": (start.month - 1) // 3 + 1,
                  "fiscal_quarter": ((start.month - 10) % 12) // 3 + 1}.get(self.kind, 0)
        return Period(self.kind, start, end, number, fy)

    def previous(self) -> "Period":
        return self.shifted(-{"month": 1, "quarter": 3, "fiscal_quarter": 3, "fiscal_year": 12}[self.kind])

    def last_year(self) -> "Period":
        return self.shifted(-12)

    def label(self, lang: str) -> str:
        if self.kind == "month":
            return fmt_month(self.start, lang)
        if self.kind == "quarter":
            return t("brief.period_quarter", lang, q=self.number, year=year(self.start.year, lang))
        if self.kind == "fiscal_year":
            return t("brief.period_fiscal_year", lang, year=year(self.fiscal_year, lang))
        return t("brief.period_fiscal_quarter", lang, q=self.number, year=year(self.fiscal_year, lang))


_PERIOD_FORMS = ('"2026-09" (month), "2026-Q3" (calendar quarter), "FY2569" or "FY2026" (fiscal year Oct-Sep, '
                 'named by the year it ends), "FY2569-Q1" (fiscal quarter); Buddhist-era years accepted')


def _ce(y: int, text: str) -> int:
    ce = y - 543 if y >= 2400 else y
    if not EARLIEST.year <= ce <= 2100:
        raise InputError(f"period {text!r}: year {y} is out of range; allowed: {EARLIEST.year}-2100 "
                         f"(or {EARLIEST.year + 543}-{2100 + 543} in the Buddhist era)")
    return ce


def parse_period(text: str, today: dt.date | None = None) -> Period:
    """A period from "2026-09", "2026-Q3", "FY2569", "FY2026-Q1" (see the module docstring). InputError on
    anything else, and on a period that starts after `today`."""
    today = today or dt.date.today()
    raw = str(text).strip().translate(_THAI_DIGITS).upper().replace(" ", "")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", raw):
        y, mo = _ce(int(m.group(1)), text), int(m.group(2))
        if not 1 <= mo <= 12:
            raise InputError(f"period {text!r}: month {mo} is not a month; allowed: {_PERIOD_FORMS}")
        start = dt.date(y, mo, 1)
        p = Period("month", start, trends.month_end(start), mo)
    elif m := re.fullmatch(r"(\d{4})-Q([1-4])", raw):
        y, q = _ce(int(m.group(1)), text), int(m.group(2))
        start = dt.date(y, 3 * q - 2, 1)
        p = Period("quarter", start, trends.month_end(trends.add_months(start, 2)), q)
    elif m := re.fullmatch(r"FY(\d{4})(?:-Q([1-4]))?", raw):
        fy = _ce(int(m.group(1)), text)
        fy_start = dt.date(fy - 1, 10, 1)
        if m.group(2):
            q = int(m.group(2))
            start = trends.add_months(fy_start, 3 * (q - 1))
            p = Period("fiscal_quarter", start, trends.month_end(trends.add_months(start, 2)), q, fy)
        else:
            p = Period("fiscal_year", fy_start, dt.date(fy, 9, 30), 0, fy)
    else:
        raise InputError(f"period {text!r} is not a period; allowed: {_PERIOD_FORMS}")
    if p.start > today:
        raise InputError(f"period {text!r} starts on {p.start}, in the future; allowed: periods that have begun "
                         f"(today is {today})")
    return p


# ----------------------------------------------------------------------------------------------- provinces

def resolve_province(con, text: str) -> str:
    """A province's DOPA code from its code, Thai name (with or without จังหวัด / จ.) or English name."""
    rows = run_query(con, "trends_provinces").fetchall()
    raw = str(text).strip().translate(_THAI_DIGITS)
    norm = re.sub(r"^(จังหวัด|จ\.)\s*", "", raw).casefold().replace(" ", "").replace("-", "")
    for code, name_th, name_en, _ in rows:
        if norm in (code, name_th.casefold(), name_en.casefold().replace(" ", "").replace("-", "")):
            return code
    border = [f"{r[2]} ({r[1]}, {r[0]})" for r in rows if r[3] > 0]
    raise InputError(f"province {text!r} is not a province name or code; allowed: a DOPA code or Thai or English "
                     f"name, e.g. one of the border provinces: {', '.join(border)}")


# ------------------------------------------------------------------------------------------------- fonts, PDF

def _font_paths() -> dict[str, str]:
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise RuntimeError(f"the PDF font is missing: {', '.join(missing)} (Noto Sans Thai TTF, see "
                           f"static/fonts/NotoSansThai-TTF-SOURCE.txt)")
    return {s: str(p) for s, p in paths.items()}


def _install_actual_text() -> None:
    """Wrap fpdf2's shaped-text output in /ActualText spans so text extraction gives the text as written."""
    from fpdf import line_break

    frag = line_break.Fragment
    if getattr(frag.render_with_text_shaping, "_ntswatch_actual_text", False):
        return
    original = frag.render_with_text_shaping

    def render_with_text_shaping(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        text = self.string
        if not out or not text or isinstance(self, line_break.TotalPagesSubstitutionFragment):
            return out
        utf16 = "FEFF" + text.encode("utf-16-be").hex().upper()
        return f"/Span <</ActualText <{utf16}>>> BDC {out} EMC"

    render_with_text_shaping._ntswatch_actual_text = True
    frag.render_with_text_shaping = render_with_text_shaping


def _pdf_class():
    from fpdf import FPDF

    class BriefingPDF(FPDF):
        footer_left = ""
        footer_right = ""
        footer_alert = ""

        def footer(self):
            self.set_y(-12)
            self.set_font(FAMILY, "", 7.5)
            self.set_text_color(*MUTED)
            self.cell(0, 4, self.footer_left, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, self.footer_right.replace("{page}", str(self.page_no())), align="R")
            if self.footer_alert:
                self.set_y(-8)
                self.set_x(self.l_margin)
                self.set_text_color(*ALERT_RED)
                self.set_font(FAMILY, "B", 7.5)
                self.cell(0, 4, self.footer_alert, align="C")
            self.set_text_color(*INK)

    return BriefingPDF


# ------------------------------------------------------------------------------------------------- charts

def _mpl():
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fonts = _font_paths()
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in fonts.values():
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
            sub = df[df["category"] == cat].set_index(df[df["category"] == cat]["month"].map(
                lambda m: pd.Timestamp(m).date())).reindex(months)["reports"].fillna(0).to_numpy()
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


def map_image(con, province_code: str, counts: pd.DataFrame, lang: str) -> bytes:
    """A static map of the province: districts coloured by reports (border districts; others plain), the Thai
    provinces around, the Lao (blue) and Cambodian (green) districts across the border in outline, crossings."""
    import shapely
    from matplotlib.patches import Patch

    geo = run_query(con, "trends_brief_map", {"province": province_code}).df()
    geo["geometry"] = shapely.from_wkb([bytes(b) for b in geo["wkb"]])
    mpl, Figure, Canvas, rc = _mpl()
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
            face = "#%02x%02x%02x" % (colour_for(v, breaks) if r["is_border"] else (236, 239, 243))
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
        fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=5.5, frameon=False,
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


# ---------------------------------------------------------------------------------------------- the data

@dataclass
class BriefingData:
    """Everything the PDF shows, computed in DuckDB (small frames); useful on its own for a page preview."""

    province_code: str
    province_th: str
    province_en: str
    period: Period
    covered: tuple[dt.date, dt.date]
    previous: tuple[dt.date, dt.date]
    last_year: tuple[dt.date, dt.date]
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
    synthetic: int
    total_in_view: int


def briefing_data(con, province_code: str, period: str | Period, scope: Scope,
                  today: dt.date | None = None) -> BriefingData:
    """Compute the briefing's figures (see `build_briefing`)."""
    names = {r[0]: r for r in run_query(con, "trends_provinces").fetchall()}
    if province_code not in names:
        raise InputError(f"province {province_code!r} is not a DOPA province code")
    if scope.province_code and scope.province_code != province_code:
        raise InputError(f"province {province_code}: outside your scope (province {scope.province_code})")
    p = period if isinstance(period, Period) else parse_period(period, today)
    ext = trends.extent(con, scope)
    as_of = ext.as_of_date
    if as_of < p.start:
        raise InputError(f"period {p.label('en')}: starts after the data's last day ({as_of}); allowed: periods "
                         "that the data reaches")
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
    districts = districts.merge(dchange[["district_code", "last_year", "class_last_year"]],
                                left_on="code", right_on="district_code", how="left")
    alerts = trends.alerts(con, f, scope, month="all")
    peers = trends.province_context(con, replace(f, provinces=()), scope, province_code)
    window = replace(f, date_from=min(trend_from, last_year[0], chart_from))
    synthetic, total_in_view = overview.synthetic_in_view(con, window, scope)
    return BriefingData(
        province_code=province_code, province_th=names[province_code][1], province_en=names[province_code][2],
        period=p, covered=(p.start, end), previous=previous, last_year=last_year, partial=partial, as_of=ext.as_of,
        headline=headline, kpis=overview.kpis(con, f, scope), by_category=by_cat, monthly=monthly,
        trend_months=trend_months, trend_values=trend_values, trend_total=trend_total,
        trend_by_category=trend_by_cat, districts=districts, alerts=alerts, peers=peers,
        synthetic=synthetic, total_in_view=total_in_view)


# ------------------------------------------------------------------------------------------------ the PDF

def build_briefing(con, province_code: str, period: str | Period, lang: str, scope: Scope,
                   today: dt.date | None = None, generated_at: dt.datetime | None = None) -> bytes:
    """The A4 briefing PDF for one province and period, in Thai ('th') or English ('en').

    province_code: 2-digit DOPA code (`resolve_province` turns a typed name into one).
    period: "2026-09", "2026-Q3", "FY2569", "FY2026-Q1" … (`parse_period`).
    scope: the viewer's; a scope limited to another province is refused (InputError).
    """
    if lang not in LANGS:
        raise InputError(f"language {lang!r} is not available; allowed: {', '.join(LANGS)}")
    data = briefing_data(con, province_code, period, scope, today)
    return render_pdf(con, data, lang, generated_at or dt.datetime.now())


def _class_text(cls: str, lang: str) -> str:
    return t(f"brief.class_{cls}", lang)


def _change_text(change: float, cls: str, lang: str) -> str:
    pct = "" if not np.isfinite(change) else fmt_pct(change, lang, signed=True) + " · "
    return pct + _class_text(cls, lang)


def _date_range(d: tuple[dt.date, dt.date], lang: str) -> str:
    return f"{fmt_date(d[0], lang)} – {fmt_date(d[1], lang)}"


def render_pdf(con, d: BriefingData, lang: str, generated_at: dt.datetime) -> bytes:
    """Lay out a `BriefingData` as the A4 PDF."""
    from fpdf.fonts import FontFace

    _install_actual_text()
    fonts = _font_paths()
    pdf = _pdf_class()(orientation="portrait", unit="mm", format="A4")
    for style, path in fonts.items():
        pdf.add_font(FAMILY, style, path)
    pdf.set_text_shaping(True)
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=16)
    province = d.province_th if lang == "th" else d.province_en
    title = t("brief.title", lang, province=province)
    pdf.set_title(title)
    pdf.set_author("NTS-Mekong Watch Geo")
    pdf.set_lang(lang)
    pdf.set_creation_date(generated_at.astimezone())
    period_text = d.period.label(lang)
    as_of_text = fmt_date(d.as_of.date(), lang) + d.as_of.strftime(" %H:%M") if d.as_of else "–"
    pdf.footer_left = f"{title} · {period_text}"
    pdf.footer_right = t("brief.page", lang, page="{page}", pages="{nb}")
    if d.synthetic:
        pdf.footer_alert = t("brief.synthetic_footer", lang)
    W = pdf.epw

    def heading(text: str, size: float = 11.5, gap: float = 2.5, keep: float = 28) -> None:
        if pdf.get_y() + keep > pdf.h - pdf.b_margin:   # never leave a heading alone at the foot of a page
            pdf.add_page()
            gap = 0
        pdf.ln(gap)
        pdf.set_font(FAMILY, "B", size)
        pdf.set_text_color(*INK)
        pdf.multi_cell(W, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.5)

    def note(text: str, size: float = 7.5) -> None:
        pdf.set_font(FAMILY, "", size)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(W, 3.8, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)

    def table(rows: list[list[str]], widths: tuple, aligns: tuple, colours: dict | None = None,
              size: float = 8) -> None:
        pdf.set_font(FAMILY, "", size)
        head = FontFace(emphasis="BOLD", fill_color=(241, 245, 249))
        with pdf.table(col_widths=widths, text_align=aligns, headings_style=head, line_height=4.6,
                       borders_layout="HORIZONTAL_LINES", width=W, padding=(0.8, 1.2)) as tab:
            for i, r in enumerate(rows):
                row = tab.row()
                for j, cell in enumerate(r):
                    colour = (colours or {}).get((i, j))
                    row.cell(cell, style=FontFace(color=colour) if colour else None)

    # --- page 1: title, notice, headline figures, change by category, monthly chart
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 17)
    pdf.set_text_color(*INK)
    pdf.multi_cell(W, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9.5)
    pdf.set_text_color(*MUTED)
    covered = _date_range(d.covered, lang)
    line = t("brief.period_line", lang, period=period_text, dates=covered)
    if d.partial:
        line += " " + t("brief.period_partial", lang)
    pdf.multi_cell(W, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(W, 5, t("brief.as_of_line", lang, as_of=as_of_text,
                           generated=fmt_date(generated_at.date(), lang) + generated_at.strftime(" %H:%M")),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    if d.synthetic:
        pdf.ln(2)
        pdf.set_draw_color(*ALERT_RED)
        pdf.set_fill_color(254, 242, 242)
        pdf.set_text_color(*ALERT_RED)
        pdf.set_font(FAMILY, "B", 9.5)
        pdf.set_line_width(0.5)
        pdf.multi_cell(W, 5.2, t("brief.synthetic", lang, n=fmt_int(d.synthetic), total=fmt_int(d.total_in_view)),
                       border=1, fill=True, padding=2, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_line_width(0.2)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_text_color(*INK)

    heading(t("brief.kpi_title", lang))
    h, k = d.headline, d.kpis
    cards = [
        (t("brief.kpi_reports", lang), fmt_int(h["current"]), covered, INK),
        (t("brief.kpi_vs_previous", lang), _change_text(h["change_previous"], h["class_previous"], lang),
         t("brief.kpi_was", lang, n=fmt_int(h["previous"]), dates=_date_range(d.previous, lang)),
         CLASS_COLOURS[h["class_previous"]]),
        (t("brief.kpi_vs_last_year", lang), _change_text(h["change_last_year"], h["class_last_year"], lang),
         t("brief.kpi_was", lang, n=fmt_int(h["last_year"]), dates=_date_range(d.last_year, lang)),
         CLASS_COLOURS[h["class_last_year"]]),
        (t("brief.kpi_verified", lang), fmt_pct(k.verified_share, lang),
         t("brief.kpi_median_days", lang, days=fmt_float(k.median_days_to_verification)), INK),
    ]
    gap = 3
    cw = (W - gap * (len(cards) - 1)) / len(cards)
    y0 = pdf.get_y() + 1
    for i, (name, value, sub, colour) in enumerate(cards):
        x = pdf.l_margin + i * (cw + gap)
        pdf.set_fill_color(248, 250, 252)
        pdf.set_draw_color(203, 213, 225)
        pdf.rect(x, y0, cw, 27, style="DF")
        pdf.set_xy(x + 2, y0 + 1.5)                # the label: up to two lines
        pdf.set_font(FAMILY, "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(cw - 4, 3.5, name, align="L", max_line_height=3.5)
        pdf.set_xy(x + 2, y0 + 9)
        pdf.set_font(FAMILY, "B", 12 if len(value) < 14 else 9.5)
        pdf.set_text_color(*colour)
        pdf.multi_cell(cw - 4, 6, value, align="L")
        pdf.set_xy(x + 2, y0 + 16.5)
        pdf.set_font(FAMILY, "", 6.8)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(cw - 4, 3.3, sub, align="L")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(*INK)
    pdf.set_y(y0 + 29)
    note(t("brief.class_note", lang, min=trends.MIN_REPORTS))

    heading(t("brief.by_category_title", lang))
    rows = [[t("brief.col_category", lang), t("brief.col_reports", lang), t("brief.col_previous", lang),
             t("brief.col_vs_previous", lang), t("brief.col_last_year", lang), t("brief.col_vs_last_year", lang)]]
    colours = {}
    for _, r in d.by_category.iterrows():
        i = len(rows)
        rows.append([label("category", r["category"], lang), fmt_int(r["current"]), fmt_int(r["previous"]),
                     _change_text(r["change_previous"], r["class_previous"], lang), fmt_int(r["last_year"]),
                     _change_text(r["change_last_year"], r["class_last_year"], lang)])
        colours[(i, 3)] = CLASS_COLOURS[r["class_previous"]]
        colours[(i, 5)] = CLASS_COLOURS[r["class_last_year"]]
    table(rows, (52, 17, 17, 38, 17, 38), ("LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "LEFT"), colours)

    heading(t("brief.chart_monthly", lang))
    png = chart_monthly_by_category(d.monthly, lang, d.covered)
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=W)
    note(t("brief.chart_monthly_note", lang))

    # --- page 2: trend, map and district ranking
    pdf.add_page()
    heading(t("brief.trend_title", lang), gap=0)
    png = chart_trend(d.trend_months, d.trend_values, d.trend_total, lang, d.covered)
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=W)
    mkr = d.trend_total
    if mkr["trend"] == "too_short":
        note(t("brief.trend_short_note", lang, months=trends.MIN_MONTHS))
    else:
        note(t("brief.trend_note", lang, trend=t(f"brief.trend_{mkr['trend'].replace(' ', '_')}", lang),
               p=f"{mkr['p_value']:.3f}", slope=f"{mkr['sen_slope']:+.1f}", months=mkr["months"],
               first=fmt_month(d.trend_months[0], lang), last=fmt_month(d.trend_months[-1], lang)))

    heading(t("brief.trend_by_category_title", lang))
    rows = [[t("brief.col_category", lang), t("brief.col_months", lang), t("brief.col_trend", lang),
             t("brief.col_slope", lang), t("brief.col_p", lang), t("brief.col_seasonal", lang)]]
    for _, r in d.trend_by_category.iterrows():
        rows.append([label("category", r["category"], lang), str(r["months"]),
                     t(f"brief.trend_{r['trend'].replace(' ', '_')}", lang),
                     "–" if not np.isfinite(r["sen_slope"]) else f"{r['sen_slope']:+.1f}",
                     "–" if not np.isfinite(r["p_value"]) else f"{r['p_value']:.3f}",
                     t(f"brief.trend_{r['seasonal_trend'].replace(' ', '_')}", lang)])
    table(rows, (58, 16, 30, 26, 18, 32), ("LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT", "LEFT"))

    map_w = 78
    map_h = map_w * MAP_SIZE_IN[1] / MAP_SIZE_IN[0]
    if pdf.get_y() + map_h + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    heading(t("brief.map_title", lang))
    y_top = pdf.get_y()
    counts = d.districts[["code", "reports"]]
    png = map_image(con, d.province_code, counts, lang)
    pdf.image(io.BytesIO(png), x=pdf.l_margin, y=y_top, w=map_w, h=map_h)
    y_map_end = y_top + map_h
    pdf.set_xy(pdf.l_margin + map_w + 4, y_top)
    rank_w = W - map_w - 4
    old_margin = pdf.l_margin
    pdf.set_left_margin(old_margin + map_w + 4)
    pdf.set_font(FAMILY, "B", 9)
    pdf.cell(rank_w, 5, t("brief.ranking_title", lang), new_x="LMARGIN", new_y="NEXT")
    rows = [["#", t("brief.col_district", lang), t("brief.col_reports", lang), t("brief.col_per_100km2", lang),
             t("brief.col_vs_last_year", lang)]]
    colours = {}
    for i, (_, r) in enumerate(d.districts.sort_values(["reports", "code"], ascending=[False, True]).iterrows(), 1):
        name = r[f"name_{lang}"] + (" *" if r["mwcc"] else "")
        rows.append([str(i), name, fmt_int(r["reports"]), fmt_float(r["per_100km2"]),
                     _class_text(r["class_last_year"], lang) if isinstance(r["class_last_year"], str) else "–"])
        if isinstance(r["class_last_year"], str):
            colours[(i, 4)] = CLASS_COLOURS[r["class_last_year"]]
    pdf.set_font(FAMILY, "", 7.5)
    head = FontFace(emphasis="BOLD", fill_color=(241, 245, 249))
    with pdf.table(col_widths=(6, 34, 15, 17, 26), text_align=("RIGHT", "LEFT", "RIGHT", "RIGHT", "LEFT"),
                   headings_style=head, line_height=4.2, borders_layout="HORIZONTAL_LINES", width=rank_w,
                   align="LEFT", padding=(0.6, 1)) as tab:
        for i, r in enumerate(rows):
            row = tab.row()
            for j, cell in enumerate(r):
                c = colours.get((i, j))
                row.cell(cell, style=FontFace(color=c) if c else None)
    pdf.set_font(FAMILY, "", 6.8)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(rank_w, 3.4, t("brief.ranking_note", lang), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_left_margin(old_margin)
    pdf.set_xy(old_margin, max(pdf.get_y(), y_map_end) + 1)

    # --- alerts, peers, method
    heading(t("brief.alerts_title", lang))
    if len(d.alerts) == 0:
        note(t("brief.alerts_none", lang), size=8.5)
    else:
        rows = [[t("brief.col_month", lang), t("brief.col_district", lang), t("brief.col_category", lang),
                 t("brief.col_observed", lang), t("brief.col_expected", lang), t("brief.col_rule", lang)]]
        for _, r in d.alerts.iterrows():
            rows.append([fmt_month(pd.Timestamp(r["month"]).date(), lang), r[f"district_{lang}"],
                         label("category", r["category"], lang), fmt_int(r["observed"]),
                         fmt_float(r["expected"]), t(f"brief.rule_{r['rule'].replace('+', '_')}", lang)])
        table(rows, (22, 34, 52, 18, 18, 36), ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT"))
        for text in d.alerts[f"evidence_{lang}"].head(ALERT_EVIDENCE_LINES):
            note("• " + text, size=7.5)
    note(t("alerts.note", lang, fdr=trends.FDR_LEVEL, min=trends.MIN_ALERT_REPORTS))

    heading(t("brief.peers_title", lang))
    rows = [[t("brief.col_province", lang), t("brief.col_border_districts", lang), t("brief.col_reports", lang),
             t("brief.col_per_100km2", lang), t("brief.col_per_km", lang)]]
    bold = {}
    for _, r in d.peers.iterrows():
        if r["is_home"]:
            bold[len(rows)] = True
        rows.append([r[f"province_{lang}"] + (" (" + t("brief.home", lang) + ")" if r["is_home"] else ""),
                     fmt_int(r["border_districts"]), fmt_int(r["reports"]), fmt_float(r["per_100km2"]),
                     fmt_float(r["per_km"], digits=2)])
    pdf.set_font(FAMILY, "", 8)
    head = FontFace(emphasis="BOLD", fill_color=(241, 245, 249))
    with pdf.table(col_widths=(60, 30, 30, 30, 30), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                   headings_style=head, line_height=4.6, borders_layout="HORIZONTAL_LINES", width=W,
                   padding=(0.8, 1.2)) as tab:
        for i, r in enumerate(rows):
            row = tab.row()
            style = FontFace(emphasis="BOLD", fill_color=(254, 249, 195)) if bold.get(i) else None
            for cell in r:
                row.cell(cell, style=style)
    note(t("brief.peers_note", lang))

    heading(t("brief.method_title", lang), size=9.5)
    note(t("brief.method", lang, min=trends.MIN_REPORTS, months=trends.MIN_MONTHS))
    return bytes(pdf.output())
