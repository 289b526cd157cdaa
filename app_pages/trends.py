"""Trends: monthly series by category and district, change classes, trend tests, seasonality, alerts."""
import pandas as pd
import streamlit as st

from ntswatch_geo import charts
from ntswatch_geo import trends as tr
from ntswatch_geo.i18n import fmt_date, fmt_float, fmt_int, fmt_month, fmt_pct, label, t
from ntswatch_geo.ui import sidebar, widgets
from ntswatch_geo.ui.data import con_and_version

ctx = st.session_state["ctx"]
lang, scope = ctx.lang, ctx.user.scope()
f = st.session_state[sidebar.K_FILTERS]
con, version = con_and_version()
K_WINDOW = "tr_window"          # "all" (whole period of data, the default) | "filter" (the sidebar dates)


@st.cache_data(show_spinner=False, max_entries=64)
def panels(_con, f, scope, freq, version):
    return {"series": tr.series(_con, f, scope, by=("category",), freq=freq),
            "districts": tr.series(_con, f, scope, by=("district",), freq=freq),
            "change": tr.change_table(_con, f, scope, by=("category",)),
            "alerts": tr.alerts(_con, f, scope, month="all"),
            "channels": tr.by_channel(_con, f, scope, freq=freq),
            "funnel": tr.verification_funnel(_con, f, scope),
            "days": tr.verification_days(_con, f, scope)}


@st.cache_data(show_spinner=False, max_entries=64)
def tested(_con, f, scope, window, version):
    """The trend tests on the chosen window, and the months the whole period would give."""
    tf = tr.test_window(_con, f, scope, window)
    whole = tr.test_window(_con, f, scope, "all")
    return {"window": tf, "tests": tr.trend_tests(_con, tf, scope, by=("category",)),
            "months": tr.complete_months_in(_con, tf, scope), "months_all": tr.complete_months_in(_con, whole, scope)}


@st.cache_data(show_spinner=False, max_entries=64)
def seasonal(_con, tf, scope, category, lang, version):
    df = tr.stl_decompose(_con, tf, scope, category=category)
    return df, tr.stl_message(_con, tf, scope, df, lang, category=category)


def widen() -> None:
    st.session_state[K_WINDOW] = "all"


def p_text(x) -> str:
    return "–" if pd.isna(x) else ("< 0.001" if x < 0.001 else f"{x:.3f}")


def num_text(x, digits: int = 1) -> str:
    return "–" if pd.isna(x) else fmt_float(float(x), lang, digits=digits)


st.title(t("trends.title", lang))
freq = st.segmented_control(t("trends.freq", lang), ["week", "month", "quarter"], default="month", key="tr_freq",
                            format_func=lambda x: t(f"trends.freq_{x}", lang)) or "month"
p = panels(con, f, scope, freq, version)
s = p["series"]
if s.empty or s["reports"].sum() == 0:
    widgets.empty_state(lang)
    st.stop()

st.plotly_chart(charts.category_area(s, lang, freq), width="stretch")

st.subheader(t("trends.change", lang))
ch = p["change"].copy()
per, ch.attrs = ch.attrs.get("periods", {}), {}
if per:
    st.caption(t("trends.change_periods", lang, **{k: f"{fmt_date(v[0], lang)} – {fmt_date(v[1], lang)}"
                                                   for k, v in per.items()}))
st.dataframe(pd.DataFrame({
    "category": ch["category"].map(lambda k: label("category", k, lang)),
    "current": ch["current"], "previous": ch["previous"],
    "change_previous": ch["change_previous"].map(lambda x: fmt_pct(x, lang, signed=True)),
    "class_previous": ch["class_previous"].map(lambda c: t(f"trends.class_{c}", lang)),
    "last_year": ch["last_year"],
    "change_last_year": ch["change_last_year"].map(lambda x: fmt_pct(x, lang, signed=True)),
    "class_last_year": ch["class_last_year"].map(lambda c: t(f"trends.class_{c}", lang))}),
    hide_index=True, width="stretch",
    column_config={c: st.column_config.Column(t(f"trends.col_{c}", lang), width="medium")
                   for c in ("category", "current", "previous", "change_previous", "class_previous", "last_year",
                             "change_last_year", "class_last_year")})

# ------------------------------------------------------------------------------------ trend tests (window)
st.subheader(t("trends.tests", lang))
if st.session_state.get(K_WINDOW) not in tr.WINDOWS:
    st.session_state[K_WINDOW] = "all"
window = st.segmented_control(t("trends.window", lang), list(tr.WINDOWS), key=K_WINDOW,
                              format_func=lambda w: t(f"trends.window_{w}", lang),
                              help=t("trends.window_help", lang)) or "all"
w = tested(con, f, scope, window, version)
tf, tt = w["window"], w["tests"]
months, months_all = w["months"], w["months_all"]
can_widen = window == "filter" and months_all > months
if months < tr.MIN_MONTHS:
    key = "trends.window_too_short" if can_widen else "trends.window_data_short"
    st.info(t(key, lang, months=months, needed=tr.MIN_MONTHS, seasonal=tr.MIN_MONTHS_SEASONAL),
            icon=":material/date_range:")
else:
    first, last = tt["first_month"].min(), tt["last_month"].max()
    st.caption(t("trends.window_caption", lang, months=fmt_int(months), first=fmt_month(first.date(), lang),
                 last=fmt_month(last.date(), lang)))
    notice = tr.trend_notice(tt, lang)
    if notice:
        st.info(notice)
if can_widen and months < tr.MIN_MONTHS_SEASONAL:
    st.button(t("trends.window_widen", lang), key="tr_widen", on_click=widen, icon=":material/unfold_more:")
if months >= tr.MIN_MONTHS:
    st.dataframe(pd.DataFrame({
        "category": tt["category"].map(lambda k: label("category", k, lang)),
        "months": tt["months"],
        "test": tt["test"].map(lambda v: tr.test_label(v, lang)),
        "trend": tt["trend"].map(lambda v: tr.trend_label(v, lang)),
        "sen_slope": tt["sen_slope"].map(lambda x: num_text(x, 2)),
        "change_per_year": tt["change_per_year"].map(lambda x: "–" if pd.isna(x) else fmt_pct(x, lang, signed=True)),
        "p_value": tt["p_value"].map(p_text),
        "small_count": tt["small_count"].map(lambda b: t("trends.yes", lang) if b else ""),
        "mk_trend": tt["mk_trend"].map(lambda v: tr.trend_label(v, lang)),
        "mk_p_value": tt["mk_p_value"].map(p_text),
        "seasonal_trend": tt["seasonal_trend"].map(lambda v: tr.trend_label(v, lang)),
        "seasonal_p_value": tt["seasonal_p_value"].map(p_text)}),
        hide_index=True, width="stretch", column_config={k: st.column_config.Column(v, width="medium") for k, v in {
            "category": t("trends.col_category", lang), "months": t("trends.col_months", lang),
            "test": t("trends.col_test", lang), "trend": t("trends.col_trend", lang),
            "sen_slope": t("trends.slope", lang), "change_per_year": t("trends.col_change_per_year", lang),
            "p_value": "p", "small_count": t("trends.col_small_count", lang),
            "mk_trend": t("trends.col_mk_trend", lang), "mk_p_value": t("trends.col_mk_p", lang),
            "seasonal_trend": t("trends.col_seasonal_trend", lang),
            "seasonal_p_value": t("trends.col_seasonal_p", lang)}.items()})
    st.caption(t("trends.tests_help_seasonal", lang))

# ------------------------------------------------------------------------------------------------- alerts
st.subheader(t("trends.alerts", lang))
al = p["alerts"]
st.caption(t("trends.alerts_method", lang, fdr=tr.FDR_LEVEL, min=tr.MIN_ALERT_REPORTS))
judged = al.attrs.get("months")
if judged is not None and len(judged):
    m = judged.iloc[-1]
    st.caption(t("trends.alerts_month_summary", lang, month=fmt_month(m["month"].date(), lang),
                 tested=fmt_int(m["tested"]), alerts=fmt_int(m["alerts"]),
                 expected_false=fmt_float(m["expected_false_alerts"], digits=2)))
if judged is None or not len(judged):
    st.info(t("trends.alerts_not_judged", lang, months=fmt_int(tr.MIN_ALERT_HISTORY)))
elif al.empty:
    st.success(t("trends.no_alerts", lang))
else:
    for r in al.head(30).itertuples():
        st.warning(getattr(r, f"evidence_{lang}"), icon=":material/notifications:")

# ------------------------------------------------------------------------------------------ small multiples
st.subheader(t("trends.small_multiples", lang))
sm = charts.district_small_multiples(p["districts"], lang)
if sm is None:
    st.info(t("trends.small_multiples_none", lang))
else:
    st.plotly_chart(sm, width="stretch")

# -------------------------------------------------------------------------------------------- seasonality
st.subheader(t("trends.stl", lang))
cats = [c for c in s["category"].unique() if s.loc[s["category"] == c, "reports"].sum() > 0]
cat = widgets.select(st, t("filters.categories", lang), [None, *cats], "tr_stl_cat", lang,
                     format_func=lambda k: t("filters.all", lang) if k is None else label("category", k, lang))
stl, stl_msg = seasonal(con, tf, scope, cat, lang, version)
if stl_msg:
    st.info(stl_msg, icon=":material/calendar_month:")
else:
    st.plotly_chart(charts.stl_panels(stl, lang), width="stretch")

# ---------------------------------------------------------------------------------- verification, channels
c1, c2 = st.columns(2)
with c1:
    st.subheader(t("trends.funnel", lang))
    fu = p["funnel"]
    if int(fu["reports"].iloc[0]) == 0:
        st.info(t("trends.funnel_none", lang))
    else:
        st.plotly_chart(charts.verification_funnel(fu, lang), width="stretch")
with c2:
    st.subheader(t("trends.channels", lang))
    st.plotly_chart(charts.channel_lines(p["channels"], lang, freq), width="stretch")
st.subheader(t("trends.days", lang))
dy = p["days"]
st.dataframe(pd.DataFrame({
    "district": dy[f"district_{lang}"], "province": dy[f"province_{lang}"], "reports": dy["reports"],
    "waiting": dy["waiting"], "verified": dy["verified"],
    "median_days": dy["median_days"].map(num_text), "p90_days": dy["p90_days"].map(num_text)}),
    hide_index=True, width="stretch", column_config={
        "district": t("table.district", lang), "province": t("table.province", lang),
        "reports": t("table.reports", lang), "waiting": t("trends.col_waiting", lang),
        "verified": t("trends.col_verified", lang), "median_days": t("trends.col_median_days", lang),
        "p90_days": t("trends.col_p90_days", lang)})
