"""plotly figures of the cooperation record's effect estimate: pure builders, data in, figure out, labels in the
viewer's language (locales/*.coop_effects.toml)."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..charts import FONT
from ..i18n import t
from .taxonomy import type_label

ESTIMATE_COLOUR = "#1d4ed8"
WINDOW_COLOUR = "#fde68a"


def event_study(df: pd.DataFrame, lang: str, *, activity_type: str | None = None, post_months: int | None = None,
                title: str | None = None) -> go.Figure:
    """The event-study chart: the rate ratio per month from the first activity (df: event_month, rate_ratio,
    ci_low, ci_high, as `EffectEstimate.event_study`) with 95 % intervals on a log axis, a line at 1 (no
    change), month −1 marked as the reference and the months of the pooled estimate shaded (post_months)."""
    fig = go.Figure()
    name = type_label(activity_type, lang) if activity_type else ""
    fig.update_layout(title=title if title is not None else t("coop_effect.chart_title", lang, activity=name),
                      font={"family": FONT}, margin={"l": 10, "r": 10, "t": 50, "b": 10}, plot_bgcolor="white",
                      height=380, legend={"orientation": "h", "y": -0.25}, hovermode="closest")
    fig.update_xaxes(title=t("coop_effect.chart_x", lang), dtick=1, gridcolor="#f3f4f6", zeroline=False)
    fig.update_yaxes(title=t("coop_effect.chart_y", lang), type="log", gridcolor="#e5e7eb")
    rows = df.dropna(subset=["rate_ratio"]) if len(df) else df
    if not len(rows):
        return fig
    ref = rows[rows["event_month"] == -1]
    est = rows[rows["event_month"] != -1]
    lo, hi = int(df["event_month"].min()), int(df["event_month"].max())
    if post_months:
        fig.add_vrect(x0=-0.5, x1=min(post_months, hi + 1) - 0.5, fillcolor=WINDOW_COLOUR, opacity=0.45,
                      layer="below", line_width=0)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t("coop_effect.chart_window", lang),
                                 marker={"symbol": "square", "size": 12, "color": WINDOW_COLOUR}))
    fig.add_trace(go.Scatter(x=[lo - 0.5, hi + 0.5], y=[1, 1], mode="lines", name=t("coop_effect.chart_no_effect", lang),
                             line={"color": "#6b7280", "dash": "dash", "width": 1}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=est["event_month"], y=est["rate_ratio"], mode="markers", name=t("coop_effect.chart_estimate", lang),
        marker={"color": ESTIMATE_COLOUR, "size": 8},
        error_y={"type": "data", "symmetric": False, "array": (est["ci_high"] - est["rate_ratio"]).tolist(),
                 "arrayminus": (est["rate_ratio"] - est["ci_low"]).tolist(), "color": ESTIMATE_COLOUR, "width": 3},
        customdata=est[["ci_low", "ci_high"]].to_numpy(),
        hovertemplate="%{x}: %{y:.2f} (%{customdata[0]:.2f}–%{customdata[1]:.2f})<extra></extra>"))
    fig.add_trace(go.Scatter(x=ref["event_month"], y=ref["rate_ratio"], mode="markers",
                             name=t("coop_effect.chart_reference", lang),
                             marker={"color": "white", "size": 9, "line": {"color": ESTIMATE_COLOUR, "width": 2}},
                             hoverinfo="skip"))
    finite = pd.concat([est["ci_low"], est["ci_high"], pd.Series([1.0])]).astype(float)
    finite = finite[(finite > 0) & finite.map(math.isfinite)]
    fig.update_yaxes(range=[math.log10(finite.min()) - 0.05, math.log10(finite.max()) + 0.05])
    return fig


def effect_chart(est, lang: str) -> go.Figure:
    """`event_study` of an EffectEstimate; when it was not estimable, an empty chart that gives the reason."""
    if not est.estimable:
        import textwrap
        fig = event_study(est.event_study, lang, activity_type=est.activity_type)
        text = "<br>".join(textwrap.wrap(t("coop_effect.chart_empty", lang, reason=est.reason(lang)), 70))
        fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                           font={"size": 13, "color": "#374151"})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig
    return event_study(est.event_study, lang, activity_type=est.activity_type, post_months=est.post_months)


__all__ = ["effect_chart", "event_study"]
