"""Province briefing: a governor's own province (analysts choose), a period picked from month / calendar quarter /
fiscal year / fiscal quarter, and the figures of one computation (briefing.briefing_data), shown here and in
the PDF alike."""
import datetime as dt

import streamlit as st

from ntswatch_geo import briefing as br
from ntswatch_geo.charts import briefing_monthly
from ntswatch_geo.errors import InputError
from ntswatch_geo.i18n import sort_key, t
from ntswatch_geo.text import plain
from ntswatch_geo.trends import FDR_LEVEL, MIN_ALERT_REPORTS, MIN_REPORTS
from ntswatch_geo.ui import data, widgets

ARROW = {"up": "up", "down": "down", "flat": "off"}
COLOUR = {"up": "red", "down": "blue", "flat": "gray"}   # more reports red, fewer blue, as in the PDF

ctx = st.session_state["ctx"]
lang, user = ctx.lang, ctx.user
scope = user.scope()
con, version = data.con_and_version()
st.title(t("briefing.title", lang))

opts = data.options(con, scope, version)
names = br.province_names(con, lang)
if scope.province_code:
    province = scope.province_code
    st.caption(t("briefing.own_province", lang, province=names[province]))
else:
    provinces = sorted(opts.provinces, key=lambda c: sort_key(names.get(c, c), lang))
    province = st.selectbox(t("filters.provinces", lang), provinces, key="br_prov", format_func=names.get)

kind = st.segmented_control(t("briefing.kind", lang), br.KINDS, default="fiscal_quarter", key="br_kind",
                              format_func=lambda k: t(f"briefing.kind_{k}", lang)) or "fiscal_quarter"
choices = br.period_choices(kind, opts.first_date, opts.last_date)
default = br.default_period(kind, opts.first_date, opts.last_date)
period = st.selectbox(t("briefing.period", lang), choices, index=choices.index(default), key=f"br_period_{kind}",
                         format_func=lambda p: p.long_label(lang), help=t("briefing.period_help", lang), width=520)
try:
    with st.spinner(t("brief.kpi_title", lang) + "…"):
        d = data.briefing(con, province, period.key, scope, version, lang)
except InputError as exc:
    st.error(plain(exc))
    st.stop()

widgets.synthetic_banner(d.synthetic, d.total_in_view, lang)
st.markdown(f"**{plain(d.period.long_label(lang))}** · {plain(br.compared_text(d, lang))}")
if d.partial:
    st.caption(t("brief.period_partial", lang))

st.subheader(t("brief.kpi_title", lang))
cols = st.columns(4)
for col, card in zip(cols, br.headline_cards(d, lang)):
    with col.container(key=f"br_card_{card.key}"):
        st.metric(card.label, card.value, card.delta, delta_color=COLOUR.get(card.direction, "gray"),
                  delta_arrow=ARROW.get(card.direction, "off"))
        st.caption(card.sub)
st.caption(t("brief.class_note", lang, min=MIN_REPORTS))


def table(tab: br.Table, key: str) -> None:
    cfg = {h: st.column_config.TextColumn(h, alignment="right" if a == "RIGHT" else "left")
           for h, a in zip(tab.header, tab.aligns)}
    st.dataframe(tab.frame(), hide_index=True, width="stretch", column_config=cfg, key=key)


st.subheader(t("brief.by_category_title", lang))
table(br.category_table(d, lang), "br_categories")
st.plotly_chart(briefing_monthly(d.monthly, lang, d.covered), width="stretch", key="br_chart")
st.caption(t("brief.chart_monthly_note", lang))

map_col, rank_col = st.columns([1, 2])
with map_col:
    st.subheader(t("brief.map_title", lang))
    st.image(data.briefing_map(d, province, period.key, scope, version, lang), width="stretch")
with rank_col:
    st.subheader(t("brief.ranking_title", lang))
    table(br.district_table(d, lang), "br_districts")
    st.caption(plain(t("brief.ranking_note", lang)))

st.subheader(t("brief.peers_title", lang))
table(br.peer_table(d, lang), "br_peers")
st.caption(t("brief.peers_note", lang))

st.subheader(t("brief.alerts_title", lang))
if d.alerts.empty:
    st.success(t("brief.alerts_none", lang))
else:
    table(br.alert_table(d, lang), "br_alerts")
    for text in d.alerts[f"evidence_{lang}"].head(br.ALERT_EVIDENCE_LINES):
        st.warning(plain(text))
st.caption(t("alerts.note", lang, fdr=FDR_LEVEL, min=MIN_ALERT_REPORTS))

st.divider()
pdf_lang = st.segmented_control(t("briefing.pdf_lang", lang), ["th", "en"], default=lang, key="br_lang",
                                format_func=lambda x: {"th": "ไทย", "en": "English"}[x]) or lang
st.download_button(t("briefing.download", lang), lambda: br.render_pdf(d, pdf_lang, dt.datetime.now()),
                   file_name=f"briefing_{province}_{period.key}_{pdf_lang}.pdf", mime="application/pdf",
                   type="primary", on_click="ignore", icon=":material/picture_as_pdf:")
st.caption(t("briefing.pdf_note", lang))
