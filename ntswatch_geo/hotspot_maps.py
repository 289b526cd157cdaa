"""Colours, legends and pydeck layers for the Hotspots page (pure: result frames in, layers out).

Units in the analysis with nothing to report (not significant, no pattern) are white with a dark outline, so
the study area stands out from the grey provinces outside it; units without reports are sand. Legends list
only the classes some unit on the map is in, with their counts, the page's language first.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pydeck as pdk

from . import hotspots as hs
from .i18n import fmt_float, fmt_int, t
from .maps import (HOTSPOT_SIZE, OFFLINE_STYLE, OUTSIDE, STUDY_LINE, TOOLTIP, ZERO, CompactDeck, Legend, MapGeometry,
                   MapSize, base_layers, crossings_layer, focus_codes, study_layer, view_for)

NOT_SIGNIFICANT = ZERO                  # white: in the analysis, nothing found
GI_COLOURS = {3: (178, 24, 43), 2: (239, 138, 98), 1: (253, 219, 199), 0: NOT_SIGNIFICANT,
              -1: (209, 229, 240), -2: (103, 169, 207), -3: (33, 102, 172)}
LISA_COLOURS = {"HH": (215, 25, 28), "LL": (44, 123, 182), "HL": (253, 174, 97), "LH": (171, 217, 233),
                "ns": NOT_SIGNIFICANT}
# Emerging hot spots: one hue per pattern (warm for hot, cool for cold), so that the few present classes read
# apart; the order of the patterns is ArcGIS Pro's.
EHSA_COLOURS = {
    "intensifying_hot_spot": (127, 0, 0), "persistent_hot_spot": (215, 48, 39),
    "consecutive_hot_spot": (244, 109, 67), "new_hot_spot": (197, 27, 125),
    "oscillating_hot_spot": (153, 112, 171), "sporadic_hot_spot": (254, 196, 79),
    "diminishing_hot_spot": (241, 182, 218), "historical_hot_spot": (140, 81, 10),
    "intensifying_cold_spot": (8, 48, 107), "persistent_cold_spot": (33, 102, 172),
    "consecutive_cold_spot": (67, 147, 195), "new_cold_spot": (0, 109, 44),
    "oscillating_cold_spot": (53, 151, 143), "sporadic_cold_spot": (146, 197, 222),
    "diminishing_cold_spot": (199, 234, 229), "historical_cold_spot": (84, 39, 136),
    "no_pattern": NOT_SIGNIFICANT,
}
NO_REPORTS = "no_reports"
NO_REPORTS_COLOUR = (232, 218, 182)     # sand: no data, distinct from the white of "not significant" and the grey
QUIET = (NOT_SIGNIFICANT, NO_REPORTS_COLOUR)   # drawn translucent: crossings under them still show
# Density clusters: a categorical palette (Tableau 10 without its grey) cycled over the cluster ids
CLUSTER_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                   (140, 86, 75), (227, 119, 194), (188, 189, 34), (23, 190, 207)]
NOISE_COLOUR = (150, 150, 150)
CLUSTER_LEGEND_MAX = 12                 # clusters named in the legend (largest first); the rest summed
LAYER_RESULT = "result"


def classes(method: str) -> list[tuple[object, tuple[int, int, int], str, str]]:
    """(key, colour, English, Thai) for every class a method can give, in legend order."""
    no_data = (NO_REPORTS, NO_REPORTS_COLOUR, *hs.STATUS_LABELS[NO_REPORTS])
    if method == "gi":
        return [(k, GI_COLOURS[k], *hs.BIN_LABELS[k]) for k in (3, 2, 1, 0, -1, -2, -3)] + [no_data]
    if method == "lisa":
        return [(k, LISA_COLOURS[k], *hs.CLASS_LABELS[k]) for k in ("HH", "HL", "LH", "LL", "ns")] + [no_data]
    return [(k, EHSA_COLOURS[k], *hs.CATEGORY_LABELS[k]) for k in EHSA_COLOURS]   # hot, cold, no pattern


def class_column(method: str) -> str:
    return {"gi": "bin", "lisa": "cluster", "ehsa": "category"}[method]


def _tip(lines) -> str:
    """A tooltip as plain text, one line each (a text tooltip: values are never HTML)."""
    return "\n".join(str(x) for x in lines if x)


def unit_key(row, method: str, slice_bins: pd.Series | None = None):
    """The class a unit is drawn in: its Gi* bin in the time slice, else its method's class, with "no
    reports" for a unit without reports that is not significant."""
    if slice_bins is not None:
        return int(slice_bins.get(row.unit_id, 0))
    key = getattr(row, class_column(method))
    if getattr(row, "data_status", None) == NO_REPORTS and key in (0, "ns"):
        return NO_REPORTS
    return key


def class_counts(frame, method: str, slice_bins: pd.Series | None = None) -> dict:
    """Number of units drawn in each class (only classes some unit is in)."""
    counts: dict = {}
    for row in frame.itertuples(index=False):
        key = unit_key(row, method, slice_bins)
        counts[key] = counts.get(key, 0) + 1
    return counts


def result_features(frame, method: str, lang: str, slice_bins: pd.Series | None = None,
                    selected: str | None = None) -> list[dict]:
    """GeoJSON features of a unit result, coloured by class (or by the Gi* bin of one time slice)."""
    colours = {k: c for k, c, _, _ in classes(method)}
    feats = []
    # H3 cells go without outlines (geometry None): deck.gl's H3HexagonLayer draws them from their ids, so the
    # browser receives kilobytes, not megabytes of polygons (see `deck`)
    cells = "unit" in frame.columns and len(frame) and bool((frame["unit"] == "h3").all())
    outlines = [{"geometry": None}] * len(frame) if cells else frame.geometry.__geo_interface__["features"]
    for row, geom in zip(frame.itertuples(index=False), outlines):
        key = unit_key(row, method, slice_bins)
        if slice_bins is not None:
            colour, label = GI_COLOURS[key], hs.BIN_LABELS[key][0 if lang == "en" else 1]
        else:
            colour, label = colours[key], getattr(row, f"label_{lang}")
        name = getattr(row, f"name_{lang}", None) or row.unit_id
        tip = _tip([name, label, f"{t('hotspots.tip_reports', lang)}: {fmt_int(row.reports)}",
                    f"z = {fmt_float(getattr(row, 'z', None), lang, 2)}" if hasattr(row, "z") else None])
        alpha = 150 if colour in QUIET else 215
        feats.append({"type": "Feature", "geometry": geom["geometry"],
                      "properties": {"unit_id": str(row.unit_id), "tip": tip, "fill": [*colour, alpha],
                                     "line": [20, 20, 20, 255] if str(row.unit_id) == selected else [*STUDY_LINE, 170],
                                     "width": 600 if str(row.unit_id) == selected else 30}})
    return feats


def cluster_colour(cluster_id: int) -> tuple[int, int, int]:
    """A cluster's colour: the categorical palette cycled over the ids (1 = the largest); -1 (noise) grey."""
    if cluster_id < 0:
        return NOISE_COLOUR
    return CLUSTER_COLOURS[(int(cluster_id) - 1) % len(CLUSTER_COLOURS)]


def cluster_features(frame, lang: str, selected: str | None = None) -> list[dict]:
    """Density-cluster outlines, one colour per cluster; the largest drawn last (on top)."""
    feats = []
    for row, geom in zip(frame.itertuples(index=False), frame.geometry.__geo_interface__["features"]):
        tip = _tip([f"{t('hotspots.cluster', lang)} {row.cluster_id}",
                    f"{t('hotspots.points', lang)}: {fmt_int(row.points)} ({row.share:.1%})",
                    f"{t('hotspots.tip_reports', lang)}: ≈ {fmt_int(row.est_reports)}",
                    f"{fmt_float(row.area_km2, lang)} km²"])
        colour = cluster_colour(row.cluster_id)
        picked = str(row.cluster_id) == selected
        feats.append({"type": "Feature", "geometry": geom["geometry"],
                      "properties": {"unit_id": str(row.cluster_id), "tip": tip, "fill": [*colour, 110],
                                     "line": [20, 20, 20, 255] if picked else [*colour, 255],
                                     "width": 300 if picked else 80}})
    return feats[::-1]


def cluster_legend(frame, meta: dict, lang: str) -> Legend:
    """One row per cluster ("Cluster 3: 412 reports"), the largest CLUSTER_LEGEND_MAX, then the rest summed,
    the points no cluster takes (noise, grey), the study area (white) and the grey outside it."""
    rows: Legend = []
    est = "≈ " if meta.get("sampled") else ""
    for r in frame.head(CLUSTER_LEGEND_MAX).itertuples(index=False):
        rows.append((cluster_colour(r.cluster_id), t("hotspots.legend_cluster", lang, id=r.cluster_id,
                                                     n=est + fmt_int(r.est_reports))))
    rest = frame.iloc[CLUSTER_LEGEND_MAX:]
    if len(rest):
        more = t("hotspots.legend_more_clusters", lang, k=fmt_int(len(rest)),
                 n=est + fmt_int(rest["est_reports"].sum()))
        rows.append((cluster_colour(int(rest["cluster_id"].iloc[0])), more))
    share = float(meta.get("outlier_share") or 0.0)
    noise = round(share * float(meta.get("matching") or 0))
    rows.append((NOISE_COLOUR, t("hotspots.legend_noise", lang, n=est + fmt_int(noise), share=f"{share:.0%}")))
    rows.append((ZERO, t("map.legend_study_area", lang)))
    rows.append((OUTSIDE, t("map.legend_outside", lang)))
    return rows


def deck(geom: MapGeometry, features: list[dict], lang: str, *, heat: pd.DataFrame | None = None,
         show_crossings: bool = True, show_parallel: bool = True, districts=(), provinces=(),
         size: MapSize = HOTSPOT_SIZE, study: bool = False) -> CompactDeck:
    """The Hotspots map: base provinces, optional parallel areas, the study area's districts (`study`: for
    results that do not cover it, e.g. clusters), crossings under the result layer (a hot cell is never hidden
    by a marker), the result, the heatmap; framed on `districts`/`provinces` (maps.focus)."""
    base = base_layers(geom, lang)
    layers = [base[0]] + ([base[1]] if show_parallel else [])
    if study:
        layers.append(study_layer(geom, focus_codes(geom, districts, provinces)))
    if show_crossings:
        layers.append(crossings_layer(geom, lang))
    if features and features[0]["geometry"] is None:     # H3 cells (result_features): drawn from their ids
        layers.append(pdk.Layer("H3HexagonLayer", id=LAYER_RESULT, data=[f["properties"] for f in features],
                                get_hexagon="unit_id", pickable=True, stroked=True, filled=True, extruded=False,
                                auto_highlight=True, get_fill_color="fill", get_line_color="line",
                                get_line_width="width", line_width_min_pixels=1, line_width_max_pixels=4))
    else:
        layers.append(pdk.Layer("GeoJsonLayer", id=LAYER_RESULT, data={"type": "FeatureCollection", "features": features},
                                pickable=True, stroked=True, filled=True, auto_highlight=True,
                                get_fill_color="properties.fill", get_line_color="properties.line",
                                get_line_width="properties.width", line_width_min_pixels=1, line_width_max_pixels=4))
    if heat is not None and len(heat):
        layers.append(pdk.Layer("HeatmapLayer", id="heat", data=heat[["lon", "lat", "weight"]].to_dict("records"),
                                get_position=["lon", "lat"], get_weight="weight", radius_pixels=40, opacity=0.6))
    return CompactDeck(layers=layers, initial_view_state=view_for(geom, districts, provinces, size),
                       map_provider=None, map_style=OFFLINE_STYLE, tooltip=TOOLTIP)


def heat_points(frame) -> pd.DataFrame:
    """Weighted points for the heatmap: each unit's representative point weighted by its reports."""
    pts = frame.geometry.representative_point()
    return pd.DataFrame({"lon": pts.x.round(4), "lat": pts.y.round(4), "weight": frame["reports"].astype(float)})


def legend_rows(method: str, counts: dict | None = None, lang: str = "th") -> Legend:
    """Legend rows in both languages, the page's language first: 'Thai · English (n)' or 'English · Thai (n)'.
    counts: units per class key (as text or as the key, e.g. class_counts): only classes with a count above
    zero are listed; None lists every class the method can give, without counts."""
    rows = []
    for key, colour, en, th in classes(method):
        n = None if counts is None else counts.get(str(key), counts.get(key))
        if counts is not None and not n:
            continue
        text = f"{th} · {en}" if lang == "th" else f"{en} · {th}"
        rows.append((colour, text + (f" ({fmt_int(n)})" if n is not None else "")))
    return rows


def map_legend(method: str, counts: dict, lang: str) -> Legend:
    """The result layer's legend (present classes with counts) and the grey outside the study area."""
    return [*legend_rows(method, counts, lang), (OUTSIDE, t("map.legend_outside", lang))]


def slice_bins(detail: pd.DataFrame, slice_start) -> pd.Series:
    """Gi* bin (-3..3, at 90/95/99%) per unit in one time slice of an emerging-hot-spot run."""
    d = detail[detail["slice_start"] == slice_start]
    p, z = d["p_value"].to_numpy(), d["z"].to_numpy()
    level = np.select([p < 0.01, p < 0.05, p < 0.10], [3, 2, 1], 0) * np.sign(z)
    return pd.Series(level.astype(int), index=d["unit_id"].values)
