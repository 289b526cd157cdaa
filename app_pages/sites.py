"""Model sites: rank the border districts on evidence, show why, how robust, and the planners' SWOT notes."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ntswatch_geo import maps, site_sheet, sites
from ntswatch_geo.charts import FONT
from ntswatch_geo.errors import InputError
from ntswatch_geo.exports import csv_bytes, xlsx_bytes
from ntswatch_geo.i18n import fmt_date, t
from ntswatch_geo.text import plain
from ntswatch_geo.ui import data, sidebar

ctx = st.session_state["ctx"]
lang, user = ctx.lang, ctx.user
scope = user.scope()
f = st.session_state[sidebar.K_FILTERS]
con, version = data.con_and_version()
st.title(t("sites.title", lang))
st.caption(t("sites.intro", lang))


@st.cache_data(show_spinner=False, max_entries=32)
def criteria(_con, f, scope, version):
    return sites.criteria(_con, f, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def sensitivity(crit, weights: tuple, method, top_k):
    return sites.sensitivity(crit, dict(weights), method, n=500, top_k=top_k, seed=0)


crit = criteria(con, f, scope, version)
left, right = st.columns([1, 3])
with left:
    preset = st.selectbox(t("sites.preset", lang), [*sites.PRESETS, "custom"], key="st_preset",
                          format_func=lambda p: t(f"sites.preset_{p}", lang))
    method = st.radio(t("sites.method", lang), ["topsis", "wsm"], key="st_method", horizontal=True,
                      format_func=lambda m: t(f"sites.method_{m}", lang))
    top_k = st.number_input(t("sites.shortlist", lang), 1, 20, 5, key="st_k")
    base = sites.PRESETS.get(preset, sites.PRESETS["balanced"])
    weights = {}
    for c in sites.CRITERIA:
        label = (c.label_th if lang == "th" else c.label_en) + (" ↓" if c.direction == "cost" else "")
        on = st.checkbox(label, value=base.get(c.key, 0) > 0, key=f"st_on_{c.key}_{preset}", help=c.unit)
        if on:
            weights[c.key] = st.slider(t("sites.weight", lang), 0.0, 5.0, float(base.get(c.key, 1.0) or 1.0), 0.5,
                                       key=f"st_w_{c.key}_{preset}", label_visibility="collapsed")
with right:
    try:
        ranked = sites.rank(crit, weights, method)
        sens = sensitivity(crit, tuple(sorted(weights.items())), "both", int(top_k))
    except InputError as exc:
        st.warning(plain(exc))
        st.stop()
    for w in ranked.attrs.get("warnings", []):
        st.caption(f"⚠ {plain(w)}")
    table = ranked.merge(sens[["code", "acceptability", "rank_p05", "rank_p95"]], on="code")
    table = table.sort_values("rank").assign(name=lambda d: d[f"name_{lang}"], province=lambda d: d[f"province_{lang}"])
    table["acceptability"] = table["acceptability"] * 100
    table["rank_range"] = table["rank_p05"].astype(int).astype(str) + "–" + table["rank_p95"].astype(int).astype(str)
    st.dataframe(table[["rank", "name", "province", "score", "acceptability", "rank_range"]], hide_index=True,
                 width="stretch", height=380, column_config={
                     "rank": t("sites.rank", lang), "name": t("table.district", lang), "province": t("table.province", lang),
                     "score": st.column_config.NumberColumn(t("sites.score", lang), format="%.3f"),
                     "acceptability": st.column_config.ProgressColumn(t("sites.acceptability", lang, k=int(top_k)),
                                                                      min_value=0, max_value=100, format="%.0f%%"),
                     "rank_range": t("sites.rank_range", lang)})
    st.caption(t("sites.robust_help", lang, k=int(top_k), method=ranked.attrs.get("normalisation", "")))
    shortlist = table.head(int(top_k))
    geom = data.geometry(con, "geo")
    short = crit[crit["code"].isin(shortlist["code"])]
    counts = pd.DataFrame({"code": short["code"], "reports": short["reports"],
                           "per_100km2": short["reports_per_100km2"], "mwcc": short["mwcc_target"] > 0,
                           "province_th": short["province_th"], "province_en": short["province_en"]})
    deck, _ = maps.overview_deck(geom, counts, lang)
    st.pydeck_chart(deck, height=420, key="st_map")
    pick = st.selectbox(t("sites.explain", lang), list(table["code"]), key="st_pick",
                        format_func=dict(zip(table["code"], table["name"])).get)
    row = ranked[ranked["code"] == pick].iloc[0]
    contrib = {c.label_th if lang == "th" else c.label_en: row.get(f"contrib_{c.key}", 0.0) for c in sites.CRITERIA
               if f"contrib_{c.key}" in ranked.columns}
    fig = go.Figure(go.Bar(x=list(contrib.values()), y=list(contrib.keys()), orientation="h"))
    fig.update_layout(height=320, font={"family": FONT}, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    st.plotly_chart(fig, width="stretch")
    pa = con.execute("""SELECT n.name_en, n.country, coalesce(n.province_en, ''), p.shared_km, p.neighbour_id
                        FROM parallel_areas p JOIN neighbour_districts n ON n.id = p.neighbour_id
                        WHERE p.district_code = ? ORDER BY p.shared_km DESC""", [pick]).fetchall()
    st.caption(t("hotspots.parallel", lang, names=", ".join(
        f"{n} ({t('country.' + c, lang)}{', ' + pr if pr else ''}, {km:.0f} km)" for n, c, pr, km, _ in pa)))
    st.subheader(t("sites.swot", lang))
    notes = sites.notes(con, [pick])
    if len(notes):
        st.dataframe(notes, hide_index=True, width="stretch")
    with st.form("swot"):
        kind = st.selectbox(t("sites.swot_kind", lang), ["strengths", "weaknesses", "opportunities", "threats"],
                            format_func=lambda k: t(f"sites.swot_{k}", lang))
        pair = st.selectbox(t("sites.swot_pair", lang), [None, *[r[4] for r in pa]],
                            format_func=lambda x: t("sites.swot_district_only", lang) if x is None
                            else next(r[0] for r in pa if r[4] == x))
        text = st.text_area(t("sites.swot_text", lang), max_chars=4000)
        if st.form_submit_button(t("sites.swot_add", lang)):
            try:
                sites.add_note(con, pick, kind, text, user.username, neighbour_id=pair, scope=user.scope())
                st.rerun()
            except InputError as exc:
                st.error(plain(exc))
    out = table.drop(columns=[c for c in table.columns if c.startswith("geometry")], errors="ignore")
    all_notes = sites.notes(con, list(shortlist["code"]))
    d1, d2, d3 = st.columns(3)
    d1.download_button("CSV", csv_bytes(out), file_name="model_sites.csv", mime="text/csv")
    d2.download_button("XLSX", xlsx_bytes({"ranking": out, "swot": all_notes}), file_name="model_sites.xlsx")
    sheet_lang = d3.segmented_control(t("briefing.pdf_lang", lang), ["th", "en"], default=lang, key="st_pdf_lang",
                                      format_func=lambda x: {"th": "ไทย", "en": "English"}[x]) or lang
    synthetic = bool(con.execute("SELECT count(*) FROM reports WHERE is_synthetic AND district_code = ?",
                                 [pick]).fetchone()[0])
    d3.download_button(t("sites.sheet_pdf", lang), site_sheet.district_sheet(con, pick, ranked, sens, crit, sheet_lang,
                                                                              synthetic),
                       file_name=f"model_site_{pick}_{sheet_lang}.pdf", mime="application/pdf")
