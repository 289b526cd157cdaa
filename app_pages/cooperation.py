"""Cross-border cooperation: the record of activities with the facing districts across the border — headline
figures, a timeline, the partnership map, per district and per parallel area, SWOT notes, the entry form, the
spreadsheet import and export, and what the activities change. Scoped like every page (user.scope())."""
import streamlit as st

from ntswatch_geo.cooperation import maps as coop_maps
from ntswatch_geo.cooperation import page_charts
from ntswatch_geo.i18n import fmt_int, t
from ntswatch_geo.ui import coop, data, widgets

ctx = st.session_state["ctx"]
lang, user = ctx.lang, ctx.user
scope = user.scope()
con, version = data.con_and_version()
cv = coop.version(con)
st.title(t("coop_page.title", lang))
st.caption(t("coop_page.intro", lang))

controls = st.columns([2, 3, 3])
date_from, date_to, shown = coop.period_control(controls[0], lang, coop.first_day(con, scope, cv))
types = coop.type_control(controls[1], lang)
everything = coop.page_data(con, scope, date_from, date_to, tuple(types), (), cv)
districts = coop.district_control(controls[2], lang, everything["districts"])
d = coop.page_data(con, scope, date_from, date_to, tuple(types), tuple(districts), cv) if districts else everything
acts, pairs, dsum = d["activities"], d["pairs"], d["districts"]
if districts:
    pairs, dsum = pairs[pairs["district_code"].isin(districts)], dsum[dsum["code"].isin(districts)]
st.caption(t("coop_page.showing", lang, period=shown))
if len(acts) and acts["is_synthetic"].any():
    st.warning(t("coop_page.synthetic", lang, n=fmt_int(acts["is_synthetic"].sum()), total=fmt_int(len(acts))),
               icon=":material/science:")

if user.role in coop.ENTRY_ROLES:
    with st.expander(t("coop_page.entry_title", lang), icon=":material/add_circle:"):
        coop.entry_form(con, lang, user, everything["districts"], everything["pairs"])
with st.expander(t("coop_page.files_title", lang), icon=":material/swap_vert:"):
    if user.role in coop.IMPORT_ROLES:
        st.markdown(f"**{t('coop_page.import_title', lang)}**")
        coop.import_section(con, lang, user)
    st.markdown(f"**{t('coop_page.export_title', lang)}**")
    coop.export_section(con, lang, user, date_from, date_to)

coop.kpi_row(page_charts.kpis(acts), lang)
if not len(acts):
    st.info(t("coop_page.empty", lang), icon=":material/search_off:")
else:
    st.plotly_chart(page_charts.timeline(acts, lang), width="stretch", key="cp_timeline")

st.subheader(t("coop_page.map_title", lang))
left, right = st.columns([3, 2])
with left:
    deck, legend_rows = coop_maps.deck(data.geometry(con, "geo"), pairs, dsum, lang, picked=coop.picked())
    widgets.map_chart(deck, "cp_map", coop.on_map_pick, coop_maps.COOP_SIZE.height)
    widgets.legend(legend_rows, t("coop_page.legend_title", lang), stacked=True)
    st.caption(t("coop_page.map_caption", lang))
with right:
    st.markdown(f"**{t('coop_page.pick_title', lang)}**")
    coop.pair_details(pairs, acts, dsum, lang)

st.subheader(t("coop_page.districts_title", lang))
st.caption(t("coop_page.districts_help", lang))
coop.district_table(dsum, d["yearly"], lang)
st.subheader(t("coop_page.areas_title", lang))
coop.area_table(pairs, lang)
st.subheader(t("coop_page.activities_title", lang))
if len(acts):
    coop.activity_table(acts, lang)
else:
    st.caption(t("coop_page.empty", lang))

st.subheader(t("coop_page.swot_title", lang))
notes = d["notes"]
if districts:
    notes = notes[notes["district_code"].isin(districts)]
if len(notes):
    coop.notes_table(notes, lang)
else:
    st.caption(t("coop_page.swot_none", lang))

st.subheader(t("coop_page.effects_title", lang))
coop.effects_section(con, lang, scope, version, cv)
