"""plotly figures: pure builders, data in, figure out, labels in the viewer's language."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .i18n import fmt_month, label, t
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
