"""Overview: headline figures, the border-district map, the monthly chart and the top districts."""
import streamlit as st

from ntswatch_geo import charts, maps
from ntswatch_geo.i18n import fmt_float, fmt_int, fmt_pct, fmt_period, label, t
from ntswatch_geo.ui import data, sidebar, widgets

ctx = st.session_state["ctx"]
lang, scope = ctx.lang, ctx.user.scope()
f = st.session_state[sidebar.K_FILTERS]
con, version = data.con_and_version()
d = data.overview_data(con, f, scope, version)
k = d["kpis"]

st.title(t("overview.title", lang))
st.caption(t("overview.period", lang, period=fmt_period(f.date_from, f.date_to, lang), days=fmt_int(f.days)))
if k.reports == 0:
    widgets.empty_state(lang)

c = st.columns(4)
c[0].metric(t("kpi.reports", lang), fmt_int(k.reports),
            delta=fmt_pct(k.change, lang, signed=True) if k.change is not None else None,
            help=t("kpi.reports_help", lang, prev=fmt_int(k.prev_reports)))
c[1].metric(t("kpi.verified_share", lang), fmt_pct(k.verified_share, lang), help=t("kpi.verified_help", lang))
c[2].metric(t("kpi.median_days", lang), fmt_float(k.median_days_to_verification, lang),
            help=t("kpi.median_days_help", lang))
with c[3]:
    st.markdown(f"**{t('kpi.by_channel', lang)}**")
    for r in d["channels"].itertuples():
        st.markdown(f"{label('channel', r.channel, lang)}: **{fmt_int(r.reports)}**")

left, right = st.columns([1, 1])
with left:
    st.subheader(t("overview.map_title", lang))
    show_cross = st.toggle(t("hotspots.layer_crossings", lang), key="ov_cross", value=True)
    in_view, in_provs = maps.focus(f, scope)
    deck, legend_rows = maps.overview_deck(data.geometry(con, "geo"), d["districts"], lang, f.districts,
                                           districts=in_view, provinces=in_provs, show_crossings=show_cross)
    widgets.map_chart(deck, "overview_map", sidebar.select_from_map, maps.OVERVIEW_SIZE.height)
    widgets.legend(legend_rows, t("map.legend_title", lang))
    st.caption(t("map.caption", lang))
with right:
    st.plotly_chart(charts.monthly_by_category(d["monthly"], lang), width="stretch")

st.subheader(t("overview.top_title", lang))
top = d["districts"][d["districts"]["reports"] > 0].head(10)
if len(top):
    st.dataframe(
        top.assign(name=top[f"name_{lang}"], province=top[f"province_{lang}"],
                   verified=(top["verified"] / top["reports"]).round(3) * 100)[
            ["name", "province", "reports", "per_100km2", "verified", "mwcc"]],
        hide_index=True, width="stretch",
        column_config={
            "name": t("table.district", lang), "province": t("table.province", lang),
            "reports": st.column_config.NumberColumn(t("table.reports", lang), format="localized"),
            "per_100km2": st.column_config.NumberColumn(t("table.per_100km2", lang), format="%.1f"),
            "verified": st.column_config.ProgressColumn(t("table.verified_share", lang), min_value=0,
                                                        max_value=100, format="%.0f%%"),
            "mwcc": st.column_config.CheckboxColumn(t("table.mwcc", lang)),
        })
else:
    widgets.empty_state(lang)
