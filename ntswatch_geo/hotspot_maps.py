"""Colours, legends and pydeck layers for the Hotspots page (pure: result frames in, layers out)."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pydeck as pdk

from . import hotspots as hs
from .i18n import fmt_float, fmt_int, t
from .maps import OFFLINE_STYLE, TOOLTIP, CompactDeck, MapGeometry, base_layers, crossings_layer, view_for

GI_COLOURS = {3: (178, 24, 43), 2: (239, 138, 98), 1: (253, 219, 199), 0: (236, 236, 236),
              -1: (209, 229, 240), -2: (103, 169, 207), -3: (33, 102, 172)}
LISA_COLOURS = {"HH": (215, 25, 28), "LL": (44, 123, 182), "HL": (253, 174, 97), "LH": (171, 217, 233),
                "ns": (236, 236, 236)}
_HOT = [(103, 0, 13), (165, 15, 21), (203, 24, 29), (239, 59, 44), (251, 106, 74), (252, 146, 114),
        (252, 187, 161), (254, 224, 210)]
_COLD = [(8, 48, 107), (8, 81, 156), (33, 113, 181), (66, 146, 198), (107, 174, 214), (158, 202, 225),
         (198, 219, 239), (222, 235, 247)]
_ORDER = ["intensifying", "persistent", "consecutive", "new", "oscillating", "sporadic", "diminishing", "historical"]
EHSA_COLOURS = {f"{kind}_{side}_spot": (_HOT if side == "hot" else _COLD)[i]
                for i, kind in enumerate(_ORDER) for side in ("hot", "cold")}
EHSA_COLOURS["no_pattern"] = (236, 236, 236)
NO_REPORTS = "no_reports"
NO_REPORTS_COLOUR = (250, 246, 232)     # paper white: no data, distinct from the grey of "not significant"
LAYER_RESULT = "result"


def classes(method: str) -> list[tuple[object, tuple[int, int, int], str, str]]:
    """(key, colour, English, Thai) for every class a method can give, in legend order."""
    no_data = (NO_REPORTS, NO_REPORTS_COLOUR, *hs.STATUS_LABELS[NO_REPORTS])
    if method == "gi":
        return [(k, GI_COLOURS[k], *hs.BIN_LABELS[k]) for k in (3, 2, 1, 0, -1, -2, -3)] + [no_data]
    if method == "lisa":
        return [(k, LISA_COLOURS[k], *hs.CLASS_LABELS[k]) for k in ("HH", "HL", "LH", "LL", "ns")] + [no_data]
    return [(k, EHSA_COLOURS[k], *hs.CATEGORY_LABELS[k]) for k in hs.CATEGORY_KEYS]


def class_column(method: str) -> str:
    return {"gi": "bin", "lisa": "cluster", "ehsa": "category"}[method]


def _tip(lines) -> str:
    """A tooltip as plain text, one line each (a text tooltip: values are never HTML)."""
    return "\n".join(str(x) for x in lines if x)


def result_features(frame, method: str, lang: str, slice_bins: pd.Series | None = None,
                    selected: str | None = None) -> list[dict]:
    """GeoJSON features of a unit result, coloured by class (or by the Gi* bin of one time slice)."""
    colours = {k: c for k, c, _, _ in classes(method)}
    feats = []
    for row, geom in zip(frame.itertuples(index=False), frame.geometry.__geo_interface__["features"]):
        if slice_bins is not None:
            key = int(slice_bins.get(row.unit_id, 0))
            colour, label = GI_COLOURS[key], hs.BIN_LABELS[key][0 if lang == "en" else 1]
        else:
            key = getattr(row, class_column(method))
            if getattr(row, "data_status", None) == NO_REPORTS and key in (0, "ns"):
                key = NO_REPORTS
            colour, label = colours[key], getattr(row, f"label_{lang}")
        name = getattr(row, f"name_{lang}", None) or row.unit_id
        tip = _tip([name, label, f"{t('hotspots.tip_reports', lang)}: {fmt_int(row.reports)}",
                    f"z = {fmt_float(getattr(row, 'z', None), lang, 2)}" if hasattr(row, "z") else None])
        alpha = 60 if colour in ((236, 236, 236), NO_REPORTS_COLOUR) else 210
        feats.append({"type": "Feature", "geometry": geom["geometry"],
                      "properties": {"unit_id": str(row.unit_id), "tip": tip, "fill": [*colour, alpha],
                                     "line": [20, 20, 20, 255] if str(row.unit_id) == selected else [120, 120, 120, 120],
                                     "width": 600 if str(row.unit_id) == selected else 30}})
    return feats


def cluster_features(frame, lang: str) -> list[dict]:
    """Density-cluster outlines."""
    feats = []
    for row, geom in zip(frame.itertuples(index=False), frame.geometry.__geo_interface__["features"]):
        tip = _tip([f"{t('hotspots.cluster', lang)} {row.cluster_id}",
                    f"{t('hotspots.points', lang)}: {fmt_int(row.points)} ({row.share:.1%})",
                    f"{fmt_float(row.area_km2, lang)} km²"])
        feats.append({"type": "Feature", "geometry": geom["geometry"],
                      "properties": {"unit_id": str(row.cluster_id), "tip": tip, "fill": [217, 95, 2, 90],
                                     "line": [166, 54, 3, 255], "width": 60}})
    return feats


def deck(geom: MapGeometry, features: list[dict], lang: str, *, heat: pd.DataFrame | None = None,
         show_crossings: bool = True, show_parallel: bool = True, codes=()) -> CompactDeck:
    """The Hotspots map: base provinces, optional parallel areas, the result layer, heatmap, crossings."""
    base = base_layers(geom, lang)
    layers = [base[0]] + ([base[1]] if show_parallel else [])
    layers.append(pdk.Layer("GeoJsonLayer", id=LAYER_RESULT, data={"type": "FeatureCollection", "features": features},
                            pickable=True, stroked=True, filled=True, auto_highlight=True,
                            get_fill_color="properties.fill", get_line_color="properties.line",
                            get_line_width="properties.width", line_width_min_pixels=1, line_width_max_pixels=4))
    if heat is not None and len(heat):
        layers.append(pdk.Layer("HeatmapLayer", id="heat", data=heat[["lon", "lat", "weight"]].to_dict("records"),
                                get_position=["lon", "lat"], get_weight="weight", radius_pixels=40, opacity=0.6))
    if show_crossings:
        layers.append(crossings_layer(geom, lang))
    return CompactDeck(layers=layers, initial_view_state=view_for(geom, codes), map_provider=None,
                       map_style=OFFLINE_STYLE, tooltip=TOOLTIP)


def heat_points(frame) -> pd.DataFrame:
    """Weighted points for the heatmap: each unit's representative point weighted by its reports."""
    pts = frame.geometry.representative_point()
    return pd.DataFrame({"lon": pts.x.round(4), "lat": pts.y.round(4), "weight": frame["reports"].astype(float)})


def legend_rows(method: str, counts: dict | None = None, lang: str = "th") -> list[tuple[tuple[int, int, int], str]]:
    """Legend rows in both languages, the page's language first: 'Thai · English (n)' or 'English · Thai (n)'.
    counts: per class key (as text or as the key); classes without a count in `counts` show none."""
    rows = []
    for key, colour, en, th in classes(method):
        n = (counts or {}).get(str(key), (counts or {}).get(key))
        text = f"{th} · {en}" if lang == "th" else f"{en} · {th}"
        rows.append((colour, text + (f" ({fmt_int(n)})" if n is not None else "")))
    return rows


def slice_bins(detail: pd.DataFrame, slice_start) -> pd.Series:
    """Gi* bin (-3..3, at 90/95/99%) per unit in one time slice of an emerging-hot-spot run."""
    d = detail[detail["slice_start"] == slice_start]
    p, z = d["p_value"].to_numpy(), d["z"].to_numpy()
    level = np.select([p < 0.01, p < 0.05, p < 0.10], [3, 2, 1], 0) * np.sign(z)
    return pd.Series(level.astype(int), index=d["unit_id"].values)
