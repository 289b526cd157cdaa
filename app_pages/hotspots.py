"""Hotspots: Gi*, local Moran, emerging hot spots and density clusters on the analyst's filtered reports."""
import io

import plotly.graph_objects as go
import streamlit as st

from ntswatch_geo import hotspot_maps as hm, maps
from ntswatch_geo.errors import InputError
from ntswatch_geo.exports import csv_bytes
from ntswatch_geo.hotspots.ehsa import DEFAULTS as EHSA_DEFAULTS
from ntswatch_geo.i18n import fmt_int, fmt_month, in_lang, t
from ntswatch_geo.text import plain
from ntswatch_geo.ui import data, sidebar, tables, widgets

ctx = st.session_state["ctx"]
lang, scope = ctx.lang, ctx.user.scope()
f = st.session_state[sidebar.K_FILTERS]
con, version = data.con_and_version()
st.title(t("hotspots.title", lang))

METHODS = ["gi", "lisa", "ehsa", "hdbscan", "dbscan"]
c = st.columns([2, 1, 1, 1])
method = widgets.select(c[0], t("hotspots.method", lang), METHODS, "hs_method", lang,
                        format_func=lambda m: t(f"hotspots.method_{m}", lang))
density = method in ("hdbscan", "dbscan")
unit = widgets.select(c[1], t("hotspots.unit", lang), ["district", "h3"], "hs_unit", lang, disabled=density,
                      format_func=lambda u: t(f"hotspots.unit_{u}", lang))
res = widgets.select(c[2], t("hotspots.resolution", lang), ["auto", 5, 6, 7, 8], "hs_res", lang,
                     disabled=density or unit != "h3",
                     format_func=lambda r: t("hotspots.resolution_auto", lang) if r == "auto" else str(r))
adjust = widgets.select(c[3], t("hotspots.adjust", lang), ["effort", "raw"], "hs_adjust", lang, disabled=density,
                        format_func=lambda a: t(f"hotspots.adjust_{a}", lang), help=t("hotspots.adjust_help", lang))
c2 = st.columns([2, 1, 1])
# the functions' defaults: z-score p-values with FDR for Gi* and emerging hot spots (ArcGIS's Hot Spot and
# Optimized Hot Spot Analysis); conditional permutations without FDR for local Moran (Cluster and Outlier)
inference = c2[0].segmented_control(t("hotspots.inference", lang), ["normal", "permutation"], default="normal",
                                    key=f"hs_inf_{method}", disabled=method not in ("gi", "ehsa"),
                                    format_func=lambda i: t(f"hotspots.inference_{i}", lang),
                                    help=t("hotspots.inference_help", lang)) or "normal"
fdr = c2[1].toggle(t("hotspots.fdr", lang), value=method in ("gi", "ehsa"), key=f"hs_fdr_{method}", disabled=density)
uses_perms = method == "lisa" or (method in ("gi", "ehsa") and inference == "permutation")
perms = c2[2].selectbox(t("hotspots.permutations", lang), [99, 499, 999], index=2, key="hs_perm",
                        disabled=not uses_perms)
st.caption(t(f"hotspots.explain_{method}", lang))

density_box = st.container()    # the clustering settings, shown for the density methods only
if density:
    d1, d2 = density_box.columns(2)
    size = d1.number_input(t("hotspots.min_cluster", lang), 5, 5000, 50, step=5, key="hs_min")
    eps = d2.number_input(t("hotspots.eps", lang), 50, 20000, 1000, step=50, key="hs_eps", disabled=method == "hdbscan")
    params = {"min_cluster_size": int(size), "seed": 0}
    if method == "dbscan":
        params["eps_m"] = float(eps)
else:
    params = {"unit": unit, "permutations": int(perms), "seed": 0, "fdr": fdr, "adjust": adjust}
    if method in ("gi", "ehsa"):
        params["inference"] = inference
    if unit == "h3" and res != "auto":
        params["resolution"] = int(res)

try:
    with st.spinner(t("hotspots.computing", lang)):
        result = data.hotspot_result(con, method, tuple(sorted(params.items())), f, scope, version)
except InputError as exc:
    reason = in_lang(exc.args[0], lang) if exc.args else str(exc)   # the package's Thai where it has one
    st.warning(t("hotspots.cannot", lang, reason=plain(reason)), icon=":material/info:")
    st.stop()

frame, meta = result.frame, result.meta
# the notes above the map come and go with the method and filters; one container holds them, so the map keeps
# its place in the page and is updated, not rebuilt (a rebuilt map is a new WebGL context: seconds of drawing
# on a machine without a GPU, bench/bench_browser.py --gl)
notes = st.container()
if meta.get("resolution_reason"):
    notes.info(meta["resolution_reason"][lang], icon=":material/hexagon:")
if meta.get("adjust_note"):
    notes.caption(t("hotspots.adjust_note", lang, note=meta["adjust_note"][lang]) + " "
                  + t("hotspots.cold_rule", lang, min=fmt_int(meta.get("min_expected_cold", 5))))
if method == "ehsa":
    with notes.expander(t("hotspots.defaults_title", lang)):
        st.dataframe([{t("hotspots.defaults_param", lang): d[f"setting_{lang}"], t("hotspots.defaults_ours", lang): d[f"ours_{lang}"],
                       t("hotspots.defaults_arcgis", lang): d[f"arcgis_{lang}"], t("hotspots.defaults_why", lang): d[f"why_{lang}"]}
                      for d in EHSA_DEFAULTS], hide_index=True, width="stretch")
for w in meta.get("warnings", []):
    notes.caption(f"⚠ {plain(in_lang(w, lang))}")

lay = st.columns(4)
show_heat = lay[0].toggle(t("hotspots.layer_heat", lang), key="hs_heat", value=False)
show_cross = lay[1].toggle(t("hotspots.layer_crossings", lang), key="hs_cross", value=True)
show_par = lay[2].toggle(t("hotspots.layer_parallel", lang), key="hs_par", value=True)

geom = data.geometry(con, "geo")
in_view, in_provs = maps.focus(f, scope)   # the map frames the filter, else the viewer's scope, else all


def on_pick(objects: dict):
    objs = objects.get(hm.LAYER_RESULT)
    if objs:
        st.session_state["hs_selected"] = (objs[0].get("properties") or objs[0]).get("unit_id")


# the map, its month slider and the unit panel rerun on their own (a fragment): a month step or a click on the
# map does not rerun the page, its queries, table and downloads
@st.fragment
def map_and_panel():
    selected = st.session_state.get("hs_selected")
    left, right = st.columns([3, 2])
    with left:
        slice_bins, label = None, None
        months = st.container()      # the month slider, for emerging hot spots: the map below keeps its place
        if method == "ehsa" and result.detail is not None and len(result.detail):
            starts = sorted(result.detail["slice_start"].unique())
            choice = months.select_slider(t("hotspots.month", lang), options=["all", *starts], key="hs_slice",
                                      format_func=lambda s: t("hotspots.all_months", lang) if s == "all"
                                      else fmt_month(s, lang))
            play = months.toggle(t("hotspots.play", lang), key="hs_play")
            if choice != "all":
                slice_bins = hm.slice_bins(result.detail, choice)
        feats = hm.cluster_features(frame, lang, selected) if density else \
            hm.result_features(frame, method, lang, slice_bins, selected)
        deck = hm.deck(geom, feats, lang, heat=hm.heat_points(frame) if show_heat and not density else None,
                       show_crossings=show_cross, show_parallel=show_par, districts=in_view, provinces=in_provs,
                       study=density)
        widgets.map_chart(deck, "hs_map", on_pick, maps.HOTSPOT_SIZE.height)
        if density:
            st.caption(t("hotspots.density_summary", lang, n=meta["n_clusters"], pts=fmt_int(meta["sample_size"]),
                         out=f"{meta['outlier_share']:.0%}", total=fmt_int(meta["matching"])))
            widgets.legend(hm.cluster_legend(frame, meta, lang), t("hotspots.legend", lang))
        else:
            widgets.legend(hm.map_legend("gi" if slice_bins is not None else method,
                                         hm.class_counts(frame, method, slice_bins), lang), t("hotspots.legend", lang))
        if method == "ehsa" and st.session_state.get("hs_play"):
            @st.fragment(run_every=1.5)
            def _advance():
                starts_all = ["all", *sorted(result.detail["slice_start"].unique())]
                i = starts_all.index(st.session_state.get("hs_slice", "all"))
                st.session_state["hs_slice"] = starts_all[(i + 1) % len(starts_all)]
                st.rerun(scope="app")
            _advance()

    with right:
        st.subheader(t("hotspots.panel", lang))
        row = frame[frame[frame.columns[0]].astype(str) == str(selected)] if selected else frame.iloc[0:0]
        if row.empty:
            st.caption(t("hotspots.panel_help", lang))
        else:
            r = row.iloc[0]
            name = r.get(f"name_{lang}") or r[frame.columns[0]]
            st.markdown(f"**{plain(name)}**")
            if not density:
                st.markdown(f"{r[f'label_{lang}']} · {t('hotspots.tip_reports', lang)} {fmt_int(r['reports'])}")
                if f"evidence_{lang}" in r:
                    st.markdown(f"**{t('hotspots.evidence', lang)}:** {plain(r[f'evidence_{lang}'])}")
                elif "z" in r:
                    st.caption(f"z = {r['z']:.2f}, p = {r['p_value']:.3f}")
                if method == "ehsa":
                    d = result.detail[result.detail["unit_id"] == r["unit_id"]]
                    fig = go.Figure([go.Bar(x=[fmt_month(s, lang) for s in d["slice_start"]], y=d["reports"],
                                            name=t("hotspots.tip_reports", lang)),
                                     go.Scatter(x=[fmt_month(s, lang) for s in d["slice_start"]], y=d["z"], yaxis="y2",
                                                name="Gi* z", mode="lines+markers")])
                    fig.update_layout(height=260, margin={"l": 0, "r": 0, "t": 10, "b": 0}, showlegend=False,
                                      yaxis2={"overlaying": "y", "side": "right"}, font={"family": "Noto Sans Thai"})
                    st.plotly_chart(fig, width="stretch")
                    st.caption(t("hotspots.mk", lang, tau=f"{r['mk_tau']:.2f}", p=f"{r['mk_p']:.3f}",
                                 hot=int(r["hot_slices"]), n=int(r["n_slices"])))
                if unit == "district":
                    pa = con.execute("""SELECT n.name_en, n.country, coalesce(n.province_en, '') FROM parallel_areas p
                                        JOIN neighbour_districts n ON n.id = p.neighbour_id
                                        WHERE p.district_code = ? ORDER BY p.shared_km DESC""", [str(r["unit_id"])]).fetchall()
                    if pa:
                        st.caption(t("hotspots.parallel", lang, names=", ".join(
                            f"{n} ({t('country.' + c, lang)}{', ' + p if p else ''})" for n, c, p in pa)))


map_and_panel()

st.subheader(t("hotspots.results", lang))
table = frame.drop(columns="geometry")
first = [c for c in ("unit_id", f"name_{lang}", f"label_{lang}", f"evidence_{lang}", "category", "reports",
                     "expected") if c in table.columns]
table = table[first + [c for c in table.columns if c not in first]]
if not density and unit == "district":          # districts in the reader's order (Thai dictionary order in Thai)
    table = tables.sort_by_name(table, f"name_{lang}", lang)
tables.show(table, tables.hotspot_columns(method, unit, table.columns), lang, width="stretch", height=300)
dl = st.columns(3)
dl[0].download_button("GeoJSON", frame.to_json(drop_id=True).encode("utf-8"), file_name=f"hotspots_{method}.geojson",
                      mime="application/geo+json")
dl[1].download_button("CSV", csv_bytes(table), file_name=f"hotspots_{method}.csv",
                      mime="text/csv")
buf = io.BytesIO()
table.to_parquet(buf)
dl[2].download_button("Parquet", buf.getvalue(), file_name=f"hotspots_{method}.parquet")
