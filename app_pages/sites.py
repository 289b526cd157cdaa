"""Model sites: rank the border districts on evidence, show why, how robust, and the planners' SWOT notes."""

import plotly.graph_objects as go
import streamlit as st

from ntswatch_geo import dossier, exports, maps, site_maps, site_sheet, sites
from ntswatch_geo.charts import FONT
from ntswatch_geo.errors import InputError
from ntswatch_geo.i18n import fmt_date, in_lang, t
from ntswatch_geo.text import plain
from ntswatch_geo.ui import data, sidebar, widgets
from ntswatch_geo.ui.session import client_address, connection

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


def _pick_from_map(objects: dict, codes: list[str]) -> None:
    """Map callback: a click on a district shows it in "why this district" and its criteria."""
    code = maps.picked_code(objects.get(maps.LAYER_DISTRICTS))
    if code in codes:
        st.session_state["st_pick"] = code
        for lg in ("th", "en"):                       # the box (widgets.select, one per language) shows it too
            st.session_state[f"st_pick__{lg}"] = code


crit = criteria(con, f, scope, version)
left, right = st.columns([1, 3])
with left:
    preset = widgets.select(st, t("sites.preset", lang), [*sites.PRESETS, "custom"], "st_preset", lang,
                            format_func=lambda p: t(f"sites.preset_{p}", lang))
    method = st.radio(t("sites.method", lang), ["topsis", "wsm"], key="st_method", horizontal=True,
                      format_func=lambda m: t(f"sites.method_{m}", lang))
    top_k = st.number_input(t("sites.shortlist", lang), 1, 20, 5, key="st_k")
    base = sites.PRESETS.get(preset, sites.PRESETS["balanced"])
    weights = {}

    def criterion_box(c, default_on: bool) -> None:
        name = c.label_th if lang == "th" else c.label_en
        label = name + (" ↓" if c.direction == "cost" else "")
        on = st.checkbox(label, value=default_on, key=f"st_on_{c.key}_{preset}",
                         help=t("sites.unit_help", lang, unit=c.unit_in(lang)))
        if on:
            weights[c.key] = st.slider(t("sites.weight", lang, criterion=name), 0.0, 5.0, float(base.get(c.key, 1.0) or 1.0), 0.5,
                                       key=f"st_w_{c.key}_{preset}", label_visibility="collapsed")

    for c in sites.CRITERIA:
        if c.group != "cooperation":
            criterion_box(c, base.get(c.key, 0) > 0)
    # the cooperation record's criteria: one switch; off, the ranking is exactly as without them
    st.markdown(f"**{t('coopsites.group', lang)}**")
    coop_preset = any(base.get(k, 0) > 0 for k in sites.COOPERATION_KEYS)
    coop_on = st.toggle(t("coopsites.switch", lang), value=coop_preset, key=f"st_coop_{preset}",
                        help=t("coopsites.switch_help", lang))
    if coop_on:
        for c in sites.CRITERIA:
            if c.group == "cooperation":
                criterion_box(c, base.get(c.key, 0) > 0 or not coop_preset)
    else:
        st.caption(t("coopsites.off", lang))
    # the preset's name only while its weights are untouched (the files and the PDF record it)
    used_preset = preset if preset in sites.PRESETS and weights == {
        k: float(v) for k, v in sites.PRESETS[preset].items() if v > 0} else None
with right:
    try:
        ranked = sites.rank(crit, weights, method)
        sens = sensitivity(crit, tuple(sorted(weights.items())), "both", int(top_k))
    except InputError as exc:
        st.warning(plain(exc))
        st.stop()
    for w in ranked.attrs.get("warnings", []):
        st.caption(f"⚠ {plain(in_lang(w, lang))}")
    table = ranked.merge(sens[["code", "acceptability", "rank_p05", "rank_p95"]], on="code")
    table = table.sort_values("rank").assign(name=lambda d: d[f"name_{lang}"], province=lambda d: d[f"province_{lang}"])
    table["acceptability"] = table["acceptability"] * 100
    table["rank_range"] = table["rank_p05"].astype(int).astype(str) + "–" + table["rank_p95"].astype(int).astype(str)
    coop_cols = [k for k in sites.COOPERATION_KEYS if k in weights] if coop_on else []
    if coop_cols:                      # the cooperation record beside the rank while its criteria are on
        table = table.merge(crit[["code", *coop_cols]], on="code", how="left")
    st.dataframe(table[["rank", "name", "province", "score", "acceptability", "rank_range", *coop_cols]],
                 hide_index=True, width="stretch", height=380, column_config={
                     "rank": t("sites.rank", lang), "name": t("table.district", lang), "province": t("table.province", lang),
                     "score": st.column_config.NumberColumn(t("sites.score", lang), format="%.3f"),
                     "acceptability": st.column_config.ProgressColumn(t("sites.acceptability", lang, k=int(top_k)),
                                                                      min_value=0, max_value=100, format="%.0f%%"),
                     "rank_range": t("sites.rank_range", lang),
                     "partnership_strength": st.column_config.NumberColumn(t("coopsites.col_partnership", lang),
                                                                           format="%.2f"),
                     "months_since_activity": st.column_config.NumberColumn(t("coopsites.col_months", lang),
                                                                            format="%d"),
                     "change_agents": st.column_config.NumberColumn(t("coopsites.col_agents", lang), format="%d")})
    if coop_on:
        active = int((crit["months_since_activity"] < sites.CONTINUITY_CAP_MONTHS).sum())
        if active == 0 and not (crit["change_agents"] > 0).any():
            st.info(t("coopsites.none_recorded", lang, date=fmt_date(f.date_to, lang)))
        else:
            st.caption(t("coopsites.in_view", lang, active=active, n=len(crit), date=fmt_date(f.date_to, lang),
                         joint=int((crit["partnership_strength"] > 0).sum())))
    st.caption(t("sites.robust_help", lang, k=int(top_k), method=t(f"sites.normalisation_{method}", lang)))
    st.caption(t("sites.need_note", lang))
    capped = sites.capped_districts(crit, ranked)
    if capped:
        names = dict(zip(crit["code"], crit[f"name_{lang}"]))
        st.caption(t("sites.capped_now", lang, items="; ".join(
            f"{sites.CRITERIA_BY_KEY[k].label(lang)}: {', '.join(names[c] for c in codes)}"
            for k, codes in capped.items())))
    shortlist = table.head(int(top_k))
    geom = data.geometry(con, "geo")
    deck, map_rows = site_maps.deck(geom, table, list(shortlist["code"]), lang, st.session_state.get("st_pick"))
    widgets.map_chart(deck, "st_map", lambda objects: _pick_from_map(objects, list(table["code"])),
                      maps.SITES_SIZE.height)
    widgets.legend(map_rows, t("sites.map_legend", lang), stacked=True)
    st.caption(t("sites.map_caption", lang))
    pick = widgets.select(st, t("sites.explain", lang), list(table["code"]), "st_pick", lang,
                          format_func=dict(zip(table["code"], table["name"])).get)
    st.markdown(f"**{plain(t('sites.criteria_of', lang, name=dict(zip(table['code'], table['name']))[pick]))}**")
    crit_rows = site_maps.criteria_table(crit, pick, lang)
    st.dataframe(crit_rows, hide_index=True, width="stretch", height=35 * (len(crit_rows) + 1) + 3, column_config={
        "criterion": t("sites.criteria", lang), "value": t("sites.criteria_value", lang)})
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
    # files are made when downloaded (a callable per button), never on a slider move; each is recorded
    file_con, who, client = connection(), user.username, client_address()
    shortlist_codes = list(shortlist["code"])
    st.markdown(f"**{t('sites.downloads', lang)}**")
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("sites.download_csv", lang), lambda: exports.sites_csv(
        file_con, f, scope, lang, ranked, sens, crit, preset=used_preset, actor=who, client=client),
        file_name="model_sites.csv", mime="text/csv", key="st_dl_csv", on_click="ignore")
    d2.download_button(t("sites.download_xlsx", lang), lambda: exports.sites_workbook(
        file_con, f, scope, lang, ranked, sens, crit, sites.notes(file_con, shortlist_codes), preset=used_preset,
        actor=who, client=client), file_name="model_sites.xlsx", mime=exports.FORMATS["xlsx"], key="st_dl_xlsx",
        on_click="ignore", help=t("sites.download_xlsx_help", lang))
    sheet_lang = d3.segmented_control(t("briefing.pdf_lang", lang), ["th", "en"], default=lang, key="st_pdf_lang",
                                      format_func=lambda x: {"th": "ไทย", "en": "English"}[x]) or lang

    def site_pdf(code=pick, pdf_lang=sheet_lang) -> bytes:
        synthetic = bool(file_con.execute("SELECT count(*) FROM reports WHERE is_synthetic AND district_code = ?",
                                          [code]).fetchone()[0])
        pdf = site_sheet.district_sheet(file_con, code, ranked, sens, crit, pdf_lang, synthetic, preset=used_preset,
                                        filters=f)
        exports.record_file(file_con, scope, "pdf", "site_sheet", 1, f, actor=who, client=client, district=code,
                            preset=used_preset or "custom", method=method, lang=pdf_lang)
        return pdf

    d3.download_button(t("sites.sheet_pdf", lang), site_pdf, file_name=f"model_site_{pick}_{sheet_lang}.pdf",
                       mime="application/pdf", key="st_dl_pdf", on_click="ignore")

    def dossier_file(code=pick, pdf_lang=sheet_lang, w=dict(weights), m=method, k=int(top_k)) -> bytes:
        pdf = dossier.dossier_pdf(file_con, code, scope=scope, weights=w, method=m, filters=f, lang=pdf_lang,
                                  preset=used_preset, top_k=k)
        exports.record_file(file_con, scope, "pdf", "model_site_dossier", 1, f, actor=who, client=client,
                            district=code, preset=used_preset or "custom", method=m, lang=pdf_lang)
        return pdf

    d3.download_button(t("coopsites.dossier_pdf", lang), dossier_file,
                       file_name=f"model_site_dossier_{pick}_{sheet_lang}.pdf", mime="application/pdf",
                       key="st_dl_dossier", on_click="ignore", help=t("coopsites.dossier_help", lang))
