"""Province briefing: a governor's own province (analysts choose), headline figures, peers, alerts, PDF."""
import datetime as dt

import streamlit as st

from ntswatch_geo import briefing, trends as tr
from ntswatch_geo.errors import InputError
from ntswatch_geo.filters import Filters
from ntswatch_geo.i18n import fmt_date, fmt_int, t
from ntswatch_geo.text import plain
from ntswatch_geo.ui.data import con_and_version, options

ctx = st.session_state["ctx"]
lang, user = ctx.lang, ctx.user
scope = user.scope()
con, version = con_and_version()
st.title(t("briefing.title", lang))

opts = options(con, scope, version)
names = {c: n for c, n in con.execute(f"SELECT code, name_{'th' if lang == 'th' else 'en'} FROM provinces").fetchall()}
if scope.province_code:
    province = scope.province_code
    st.caption(t("briefing.own_province", lang, province=names[province]))
else:
    province = st.selectbox(t("filters.provinces", lang), list(opts.provinces), key="br_prov",
                            format_func=names.get)
last = opts.last_date
q = (last.month - 1) // 3 + 1
default = f"{last.year}-Q{q}"
period = st.text_input(t("briefing.period", lang), value=default, key="br_period", help=t("briefing.period_help", lang))
try:
    per = briefing.parse_period(period)
except InputError as exc:
    st.error(plain(exc))
    st.stop()
f = Filters(per.start, min(per.end, last), provinces=(province,))
k = tr.change_table(con, f, scope, by=())
if not k.empty:
    r = k.iloc[0]
    c = st.columns(3)
    c[0].metric(t("kpi.reports", lang), fmt_int(r["current"]))
    c[1].metric(t("briefing.vs_previous", lang), fmt_int(r["previous"]), t(f"trends.class_{r['class_previous']}", lang),
                delta_color="off")
    c[2].metric(t("briefing.vs_last_year", lang), fmt_int(r["last_year"]), t(f"trends.class_{r['class_last_year']}", lang),
                delta_color="off")
left, right = st.columns(2)
with left:
    st.subheader(t("briefing.ranking", lang))
    d = tr.change_table(con, f, scope, by=("district",))
    d.attrs = {}
    st.dataframe(d.sort_values("current", ascending=False), hide_index=True, width="stretch")
with right:
    st.subheader(t("briefing.peers", lang))
    st.dataframe(tr.province_context(con, f, scope, province), hide_index=True, width="stretch")
st.subheader(t("trends.alerts", lang))
al = tr.alerts(con, f, scope, month="all")
if al.empty:
    st.success(t("trends.no_alerts", lang))
for r in al.itertuples():
    st.warning(getattr(r, f"evidence_{lang}"))
st.caption(t("alerts.note", lang, fdr=tr.FDR_LEVEL, min=tr.MIN_ALERT_REPORTS))
pdf_lang = st.segmented_control(t("briefing.pdf_lang", lang), ["th", "en"], default=lang, key="br_lang",
                                format_func=lambda x: {"th": "ไทย", "en": "English"}[x]) or lang
if st.button(t("briefing.make_pdf", lang), type="primary"):
    try:
        with st.spinner("PDF…"):
            st.session_state["br_pdf"] = briefing.build_briefing(con, province, period, pdf_lang, scope)
    except InputError as exc:
        st.error(plain(exc))
if st.session_state.get("br_pdf"):
    st.download_button(t("briefing.download", lang), st.session_state["br_pdf"],
                       file_name=f"briefing_{province}_{period}_{pdf_lang}.pdf", mime="application/pdf")
