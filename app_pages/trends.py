"""Trends: monthly series by category and district, change classes, trend tests, seasonality, alerts."""
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from ntswatch_geo import trends as tr
from ntswatch_geo.charts import CATEGORY_COLOURS, FONT
from ntswatch_geo.i18n import fmt_date, fmt_float, fmt_int, fmt_month, fmt_pct, label, t
from ntswatch_geo.text import plain
from ntswatch_geo.ui import sidebar, widgets
from ntswatch_geo.ui.data import con_and_version

ctx = st.session_state["ctx"]
lang, scope = ctx.lang, ctx.user.scope()
f = st.session_state[sidebar.K_FILTERS]
con, version = con_and_version()


@st.cache_data(show_spinner=False, max_entries=64)
def panels(_con, f, scope, freq, version):
    return {"series": tr.series(_con, f, scope, by=("category",), freq=freq),
            "districts": tr.series(_con, f, scope, by=("district",), freq=freq),
            "change": tr.change_table(_con, f, scope, by=("category",)),
            "change_d": tr.change_table(_con, f, scope, by=("district",)),
            "tests": tr.trend_tests(_con, f, scope, by=("category",)),
            "alerts": tr.alerts(_con, f, scope, month="all"),
            "channels": tr.by_channel(_con, f, scope, freq=freq),
            "funnel": tr.verification_funnel(_con, f, scope),
            "days": tr.verification_days(_con, f, scope)}


st.title(t("trends.title", lang))
freq = st.segmented_control(t("trends.freq", lang), ["week", "month", "quarter"], default="month", key="tr_freq",
                            format_func=lambda x: t(f"trends.freq_{x}", lang)) or "month"
p = panels(con, f, scope, freq, version)
s = p["series"]
if s.empty or s["reports"].sum() == 0:
    widgets.empty_state(lang)
    st.stop()


def xlabels(df):
    return [fmt_month(d.date(), lang) if freq != "week" else fmt_date(d.date(), lang) for d in df["period"]]


fig = go.Figure()
for cat in s["category"].unique():
    d = s[s["category"] == cat]
    fig.add_trace(go.Scatter(x=xlabels(d), y=d["reports"], name=label("category", cat, lang), stackgroup="one",
                             line={"color": CATEGORY_COLOURS.get(cat)}))
fig.update_layout(title=t("trends.by_category", lang), height=360, font={"family": FONT},
                  margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"orientation": "h", "y": -0.25})
st.plotly_chart(fig, width="stretch")

st.subheader(t("trends.change", lang))
ch = p["change"].copy()
per, ch.attrs = ch.attrs.get("periods", {}), {}
if per:
    st.caption(t("trends.change_periods", lang, **{k: f"{fmt_date(v[0], lang)} – {fmt_date(v[1], lang)}"
                                                   for k, v in per.items()}))
st.dataframe(ch.assign(category=ch["category"].map(lambda k: label("category", k, lang)),
                       class_previous=ch["class_previous"].map(lambda c: t(f"trends.class_{c}", lang)),
                       class_last_year=ch["class_last_year"].map(lambda c: t(f"trends.class_{c}", lang)),
                       change_previous=ch["change_previous"].map(lambda x: fmt_pct(x, lang, signed=True)),
                       change_last_year=ch["change_last_year"].map(lambda x: fmt_pct(x, lang, signed=True))),
             hide_index=True, width="stretch")

st.subheader(t("trends.tests", lang))
tt = p["tests"]
notice = tr.trend_notice(tt, lang)
if notice:
    st.info(notice)
st.dataframe(tt.assign(category=tt["category"].map(lambda k: label("category", k, lang)))[
    ["category", "months", "test", "trend", "sen_slope", "p_value", "small_count", "mk_trend", "mk_p_value",
     "seasonal_trend", "seasonal_p_value"]],
    hide_index=True, width="stretch", column_config={
        "sen_slope": st.column_config.NumberColumn(t("trends.slope", lang), format="%.2f"),
        "p_value": st.column_config.NumberColumn("p", format="%.3f"),
        "mk_p_value": st.column_config.NumberColumn("p (Mann-Kendall)", format="%.3f"),
        "seasonal_p_value": st.column_config.NumberColumn("p (seasonal)", format="%.3f")})
st.caption(t("trends.tests_help_seasonal", lang))

st.subheader(t("trends.alerts", lang))
al = p["alerts"]
st.caption(t("trends.alerts_method", lang, fdr=tr.FDR_LEVEL, min=tr.MIN_ALERT_REPORTS))
months = al.attrs.get("months")
if months is not None and len(months):
    m = months.iloc[-1]
    st.caption(t("trends.alerts_month_summary", lang, month=fmt_month(m["month"].date(), lang),
                 tested=fmt_int(m["tested"]), alerts=fmt_int(m["alerts"]),
                 expected_false=fmt_float(m["expected_false_alerts"], digits=2)))
if al.empty:
    st.success(t("trends.no_alerts", lang))
else:
    for r in al.head(30).itertuples():
        st.warning(getattr(r, f"evidence_{lang}"), icon=":material/notifications:")

st.subheader(t("trends.small_multiples", lang))
dd = p["districts"]
top = dd.groupby("district_code")["reports"].sum().sort_values(ascending=False).head(12).index.tolist()
if top:
    cols = 4
    rows = (len(top) + cols - 1) // cols
    names = dict(zip(dd["district_code"], dd[f"district_{lang}"] if f"district_{lang}" in dd else dd["district_code"]))
    sm = make_subplots(rows=rows, cols=cols, subplot_titles=[names.get(c, c) for c in top], shared_xaxes=True)
    for i, code in enumerate(top):
        d = dd[dd["district_code"] == code]
        sm.add_trace(go.Scatter(x=d["period"], y=d["reports"], mode="lines", showlegend=False,
                                line={"color": "#1f5f8b"}), row=i // cols + 1, col=i % cols + 1)
    sm.update_layout(height=170 * rows, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(sm, width="stretch")

st.subheader(t("trends.stl", lang))
cat = st.selectbox(t("filters.categories", lang), [None, *s["category"].unique()], key="tr_stl_cat",
                   format_func=lambda k: t("filters.all", lang) if k is None else label("category", k, lang))
try:
    st.plotly_chart(tr.stl_figure(tr.stl_decompose(con, f, scope, category=cat), lang), width="stretch")
except Exception as exc:  # too short a series: say so, no traceback
    st.info(t("trends.stl_short", lang, reason=plain(exc)))

c1, c2 = st.columns(2)
with c1:
    st.subheader(t("trends.funnel", lang))
    fu = p["funnel"]
    st.plotly_chart(go.Figure(go.Funnel(y=[t(f"trends.stage_{x}", lang) for x in fu["stage"]], x=fu["reports"]))
                    .update_layout(height=300, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 10, "b": 10}),
                    width="stretch")
with c2:
    st.subheader(t("trends.channels", lang))
    chn = p["channels"]
    figc = go.Figure()
    for key in chn["channel"].unique():
        d = chn[chn["channel"] == key]
        figc.add_trace(go.Scatter(x=xlabels(d), y=d["reports"], name=label("channel", key, lang), mode="lines"))
    figc.update_layout(height=300, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                       legend={"orientation": "h"})
    st.plotly_chart(figc, width="stretch")
st.subheader(t("trends.days", lang))
dy = p["days"]
st.dataframe(dy.assign(district=dy[f"district_{lang}"], province=dy[f"province_{lang}"])[
    ["district", "province", "reports", "waiting", "verified", "median_days", "p90_days"]], hide_index=True, width="stretch")
