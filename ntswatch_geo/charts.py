"""plotly figures: pure builders, data in, figure out, labels in the viewer's language."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .i18n import fmt_date, fmt_month, label, t
from .taxonomy import CATEGORY_KEYS

CATEGORY_COLOURS = dict(zip(CATEGORY_KEYS, ["#b91c1c", "#7c3aed", "#2563eb", "#d97706", "#0f766e", "#6b7280"]))
FONT = "Noto Sans Thai, sans-serif"


def _layout(fig: go.Figure, title: str, lang: str) -> go.Figure:
    fig.update_layout(title=title, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={"orientation": "h", "y": -0.2}, hovermode="x unified",
                      plot_bgcolor="white", height=380)
    fig.update_yaxes(gridcolor="#e5e7eb", rangemode="tozero")
    return fig


def monthly_by_category(df: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked monthly bars by category (df: month, category, reports), months labelled in the language."""
    fig = go.Figure()
    months = sorted(df["month"].unique()) if len(df) else []
    x = [fmt_month(pd.Timestamp(m).date(), lang) for m in months]
    for cat in CATEGORY_KEYS:
        sub = df[df["category"] == cat].set_index("month").reindex(months)
        if sub["reports"].isna().all():
            continue
        fig.add_trace(go.Bar(x=x, y=sub["reports"].fillna(0).astype(int), name=label("category", cat, lang),
                             marker_color=CATEGORY_COLOURS[cat]))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    return _layout(fig, t("overview.chart_monthly", lang), lang)


def briefing_monthly(df: pd.DataFrame, lang: str, highlight) -> go.Figure:
    """The briefing's monthly bars by category with the briefing's months shaded (highlight: first, last day),
    as in its PDF."""
    fig = monthly_by_category(df, lang)
    months = sorted(pd.Timestamp(m).date() for m in df["month"].unique()) if len(df) else []
    inside = [i for i, m in enumerate(months) if highlight[0] <= m <= highlight[1]]
    if inside:   # category axis: positions are the months' indices
        fig.add_vrect(x0=min(inside) - 0.5, x1=max(inside) + 0.5, fillcolor="#fde68a", opacity=0.45,
                      layer="below", line_width=0)
    fig.update_layout(title=t("brief.chart_monthly", lang), hovermode="x unified")
    return fig


# ------------------------------------------------------------------------------------------- trend figures

def period_label(d, freq: str, lang: str) -> str:
    """A period's label: weeks by their Monday's date, months and quarters by their first month (Thai month
    names and Buddhist-era years in Thai)."""
    d = pd.Timestamp(d).date()
    return fmt_date(d, lang) if freq == "week" else fmt_month(d, lang)


def month_ticks(periods, lang: str, max_ticks: int = 8) -> tuple[list, list[str]]:
    """Tick positions (month starts, evenly spaced, at most `max_ticks`) and their labels in `lang`."""
    months = sorted({pd.Timestamp(p).normalize().replace(day=1) for p in periods})
    if not months:
        return [], []
    step = max(1, -(-len(months) // max_ticks))
    picked = months[::step]
    return picked, [fmt_month(m.date(), lang) for m in picked]


def category_area(s: pd.DataFrame, lang: str, freq: str = "month") -> go.Figure:
    """Stacked areas of reports per period by category (s: period, category, reports)."""
    fig = go.Figure()
    for cat in [c for c in CATEGORY_KEYS if c in set(s["category"])]:
        d = s[s["category"] == cat].sort_values("period")
        fig.add_trace(go.Scatter(x=[period_label(p, freq, lang) for p in d["period"]], y=d["reports"],
                                 name=label("category", cat, lang), stackgroup="one",
                                 line={"color": CATEGORY_COLOURS.get(cat)}))
    fig.update_xaxes(type="category")
    fig.update_layout(title=t("trends.by_category", lang), height=360, font={"family": FONT},
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"orientation": "h", "y": -0.25},
                      hovermode="x unified")
    return fig


def district_small_multiples(dd: pd.DataFrame, lang: str, n: int = 12, cols: int = 4) -> go.Figure | None:
    """One small line chart per district for the `n` busiest districts of `dd` (period, district_code,
    district_th/en, reports), months on the axes in `lang`; None when no district has reports."""
    from plotly.subplots import make_subplots

    totals = dd.groupby("district_code")["reports"].sum()
    top = totals[totals > 0].sort_values(ascending=False).head(n).index.tolist()
    if not top:
        return None
    rows = (len(top) + cols - 1) // cols
    name_col = f"district_{lang}" if f"district_{lang}" in dd else "district_code"
    names = dict(zip(dd["district_code"], dd[name_col]))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[names.get(c, c) for c in top], shared_xaxes=True,
                        vertical_spacing=0.12 if rows > 1 else 0.2)
    for i, code in enumerate(top):
        d = dd[dd["district_code"] == code].sort_values("period")
        fig.add_trace(go.Scatter(x=d["period"], y=d["reports"], mode="lines", showlegend=False,
                                 customdata=[fmt_month(pd.Timestamp(p).date(), lang) for p in d["period"]],
                                 hovertemplate="%{customdata}: %{y:,}<extra>" + str(names.get(code, code))
                                 + "</extra>", line={"color": "#1f5f8b"}),
                      row=i // cols + 1, col=i % cols + 1)
    vals, text = month_ticks(dd["period"], lang, max_ticks=4)
    fig.update_xaxes(tickvals=vals, ticktext=text, tickfont={"size": 10})
    fig.update_yaxes(rangemode="tozero", gridcolor="#e5e7eb")
    fig.update_layout(height=170 * rows + 40, font={"family": FONT}, plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def stl_panels(df: pd.DataFrame, lang: str) -> go.Figure:
    """Four stacked panels (observed, trend, seasonal, remainder) of a `trends.stl_components` frame.
    An empty frame is refused: the page says what to do instead of drawing empty panels."""
    if len(df) == 0:
        raise ValueError("stl_panels: no decomposition to draw (too few months); say so instead")
    from plotly.subplots import make_subplots

    names = [t("brief.stl_observed", lang), t("brief.stl_trend", lang), t("brief.stl_seasonal", lang),
             t("brief.stl_remainder", lang)]
    fig = make_subplots(rows=4, cols=1, shared_xaxes=True, subplot_titles=names, vertical_spacing=0.06)
    x = pd.to_datetime(df["month"])
    hover = [fmt_month(m.date(), lang) for m in x]
    for i, col in enumerate(("observed", "trend", "seasonal", "remainder"), start=1):
        common = {"x": x, "y": df[col], "name": names[i - 1], "customdata": hover,
                  "hovertemplate": "%{customdata}: %{y:,.1f}<extra>" + names[i - 1] + "</extra>"}
        trace = (go.Bar(**common, marker_color="#94a3b8") if col == "remainder"
                 else go.Scatter(**common, mode="lines",
                                 line={"color": "#1d4ed8" if col != "seasonal" else "#0f766e"}))
        fig.add_trace(trace, row=i, col=1)
    vals, text = month_ticks(x, lang, max_ticks=12)
    fig.update_xaxes(tickvals=vals, ticktext=text)
    fig.update_layout(font={"family": FONT}, showlegend=False, height=640, plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_yaxes(gridcolor="#e5e7eb")
    return fig


def verification_funnel(fu: pd.DataFrame, lang: str) -> go.Figure:
    """The verification funnel (fu: stage, reports) with the stages named in `lang`."""
    fig = go.Figure(go.Funnel(y=[t(f"trends.stage_{x}", lang) for x in fu["stage"]], x=fu["reports"]))
    return fig.update_layout(height=300, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 10, "b": 10})


def channel_lines(chn: pd.DataFrame, lang: str, freq: str = "month") -> go.Figure:
    """Reports per period by channel (chn: period, channel, reports)."""
    fig = go.Figure()
    for key in chn["channel"].unique():
        d = chn[chn["channel"] == key].sort_values("period")
        fig.add_trace(go.Scatter(x=[period_label(p, freq, lang) for p in d["period"]], y=d["reports"],
                                 name=label("channel", key, lang), mode="lines"))
    fig.update_xaxes(type="category")
    fig.update_layout(height=300, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      legend={"orientation": "h"})
    return fig
