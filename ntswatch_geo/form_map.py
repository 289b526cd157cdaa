"""The report form's pick map: every district of the border provinces, clickable (a click sets the form's
province and district), the picked district outlined and the point (typed or from the device) marked.

Pure builders like `maps`: geometry in (read once), Deck out. No basemap tiles (`maps.OFFLINE_STYLE`).
Streamlit's map selection returns the clicked objects only, never the clicked coordinate (issue
streamlit/streamlit#10742 asks for point selection), so a click picks a district; a point comes from the
coordinates fields or "use my location".
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pydeck as pdk

from .db import run_query
from .i18n import t
from .maps import OFFLINE_STYLE, TOOLTIP, CompactDeck

LAYER_PICK = "pick_districts"
BORDER_FILL = (253, 186, 116, 170)       # border districts (the study area): orange
INLAND_FILL = (226, 232, 240, 200)       # other districts of the border provinces: light slate
PICKED_FILL = (37, 99, 235, 190)         # the picked district: blue
POINT_FILL = (220, 38, 38, 255)          # the point: red


@dataclass(frozen=True)
class PickGeometry:
    """District polygons of the border provinces (GeoJSON features with code, names, province) and the
    provinces beneath them, independent of reports."""

    districts: list[dict]
    provinces: list[dict]


def load_pick_geometry(con) -> PickGeometry:
    """Read the pick map's geometry once (cache it: it changes only with `ntswatch init`)."""
    props = ["code", "name_th", "name_en", "province_code", "province_th", "province_en", "is_border"]
    dist = [{"type": "Feature", "geometry": json.loads(r[-1]), "properties": dict(zip(props, r[:-1]))}
            for r in run_query(con, "form_pick_districts").fetchall()]
    prov = [{"type": "Feature", "geometry": json.loads(r[-1]), "properties": {"code": r[0]}}
            for r in run_query(con, "map_provinces").fetchall()]
    return PickGeometry(dist, prov)


def pick_deck(geom: PickGeometry, lang: str, district: str | None = None,
              point: tuple[float, float] | None = None) -> pdk.Deck:
    """The pick map in `lang`: districts of the border provinces (border districts orange), `district`
    (code) blue and framed, `point` (lat, lon) as a red dot."""
    feats = []
    hint = t("pick.map_tip_click", lang)
    for f in geom.districts:
        p = f["properties"]
        picked = p["code"] == district
        fill = PICKED_FILL if picked else BORDER_FILL if p["is_border"] else INLAND_FILL
        tip = "\n".join(x for x in (p[f"name_{lang}"], t("pick.map_tip_province", lang, province=p[f"province_{lang}"]),
                                     t("pick.map_tip_border", lang) if p["is_border"] else "", hint) if x)
        feats.append({"type": "Feature", "geometry": f["geometry"],
                      "properties": {"code": p["code"], "province_code": p["province_code"], "tip": tip,
                                     "fill": list(fill), "line": [30, 64, 175, 255] if picked else [100, 116, 139, 200],
                                     "width": 500 if picked else 60}})
    layers = [
        pdk.Layer("GeoJsonLayer", id="pick_provinces",
                  data={"type": "FeatureCollection", "features": geom.provinces}, stroked=True, filled=True,
                  get_fill_color=[241, 245, 249, 255], get_line_color=[148, 163, 184, 220],
                  line_width_min_pixels=1, pickable=False),
        pdk.Layer("GeoJsonLayer", id=LAYER_PICK, data={"type": "FeatureCollection", "features": feats},
                  pickable=True, stroked=True, filled=True, auto_highlight=True,
                  highlight_color=[37, 99, 235, 110], get_fill_color="properties.fill",
                  get_line_color="properties.line", get_line_width="properties.width",
                  line_width_min_pixels=1, line_width_max_pixels=4),
    ]
    if point is not None:
        layers.append(pdk.Layer("ScatterplotLayer", id="pick_point", data=[{"lon": point[1], "lat": point[0]}],
                                get_position=["lon", "lat"], get_fill_color=list(POINT_FILL),
                                get_line_color=[255, 255, 255, 255], stroked=True, get_radius=300,
                                radius_min_pixels=6, radius_max_pixels=12, line_width_min_pixels=2,
                                pickable=False))
    return CompactDeck(layers=layers, initial_view_state=view_of(geom, district, point), map_provider=None,
                       map_style=OFFLINE_STYLE, tooltip=TOOLTIP)


MAP_HEIGHT = 520                          # the form draws the map this tall (pixels)
FRAME_WIDTH = 800                         # the narrowest width the form's map is framed for (pixels)


def view_of(geom: PickGeometry, district: str | None = None, point: tuple[float, float] | None = None,
            width: int = FRAME_WIDTH, height: int = MAP_HEIGHT, padding: int = 24) -> pdk.ViewState:
    """Frame the picked district and the point (or the point alone, or every district of the border
    provinces) in a width x height map: the largest Web Mercator zoom at which the box fits (one level less
    for a district, so that its neighbours show around it)."""
    chosen = [f for f in geom.districts if f["properties"]["code"] == district]
    pts = [c for f in chosen for c in _ring_points(f["geometry"])]
    if point is not None:
        pts.append([point[1], point[0]])
    if not pts:
        pts = [c for f in geom.districts for c in _ring_points(f["geometry"])] or [[102.6, 15.9]]
    xy = np.array([_mercator(x, y) for x, y in pts])
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    span_x, span_y = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    zoom = np.log2(min((width - 2 * padding) / (512 * span_x), (height - 2 * padding) / (512 * span_y)))
    if chosen:
        zoom -= 1.0                       # the picked district with its neighbours around it
    zoom = float(np.clip(zoom, 4.5, 10 if chosen else 9))
    lon = float((x0 + x1) / 2 * 360 - 180)
    lat = float(np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (y0 + y1) / 2)))))
    return pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom, min_zoom=4, max_zoom=13)


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator in world units (0..1 across, 0 at the top)."""
    return (lon + 180) / 360, (1 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / np.pi) / 2


def picked(objects: list[dict] | None) -> tuple[str, str] | None:
    """(province code, district code) of a click on the pick map, or None."""
    if not objects:
        return None
    p = objects[0].get("properties") or objects[0]
    code = p.get("code")
    return (p.get("province_code") or code[:2], code) if code else None


def _ring_points(geometry: dict) -> list:
    g = geometry["coordinates"]
    while g and isinstance(g[0][0], list):
        g = [c for part in g for c in part]
    return g
