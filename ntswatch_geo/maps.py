"""pydeck maps: pure builders (data in, Deck out) and the geometry they draw, read once from DuckDB.

The maps carry no basemap tiles: Thai provinces are drawn as the base layer, so a map reads the same
offline. Layer sizes depend on the number of districts, never on the number of reports.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from .db import run_query
from .i18n import fmt_float, fmt_int, t

# 5-class sequential palette (light yellow → dark red), and the colour of "no reports"
PALETTE = [(255, 237, 160), (254, 178, 76), (253, 141, 60), (240, 59, 32), (189, 0, 38)]
ZERO = (245, 245, 245)
COUNTRY_LINE = {"LA": (37, 99, 235), "KH": (22, 163, 74)}
LAYER_DISTRICTS = "districts"
# An offline map style (a plain background, no tiles, no fonts): without a style Streamlit falls back to a
# Carto basemap fetched from the internet; a data: URL keeps the map self-contained.
OFFLINE_STYLE = ("data:application/json," + json.dumps(
    {"version": 8, "sources": {}, "layers": [{"id": "bg", "type": "background",
                                              "paint": {"background-color": "#f8fafc"}}]}, separators=(",", ":")))
VIEW = pdk.ViewState(latitude=15.9, longitude=102.6, zoom=5.4, min_zoom=4, max_zoom=12)


class CompactDeck(pdk.Deck):
    """A Deck whose JSON (what Streamlit sends to the browser) has no indentation: about half the bytes."""

    def to_json(self):
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


@dataclass(frozen=True)
class MapGeometry:
    """Simplified geometry for the maps (GeoJSON dicts), independent of reports."""

    provinces: list[dict]
    districts: list[dict]
    neighbours: list[dict]
    crossings: pd.DataFrame


def _features(rows, props: list[str]) -> list[dict]:
    return [{"type": "Feature", "geometry": json.loads(r[-1]), "properties": dict(zip(props, r[:-1]))}
            for r in rows]


def load_geometry(con) -> MapGeometry:
    """Read the map geometry once (cache it: it changes only with `ntswatch init`)."""
    prov = _features(run_query(con, "map_provinces").fetchall(), ["code", "name_th", "name_en"])
    dist = _features(run_query(con, "map_border_districts").fetchall(),
                     ["code", "name_th", "name_en", "province_code"])
    nb = _features(run_query(con, "map_neighbours").fetchall(),
                   ["id", "country", "name_en", "province_en", "thai_codes"])
    return MapGeometry(prov, dist, nb, run_query(con, "map_crossings").df())


def class_breaks(values: np.ndarray, k: int = len(PALETTE)) -> np.ndarray:
    """Quantile class breaks of the non-zero values (at most k classes, increasing, unique)."""
    nz = np.asarray(values, dtype=float)
    nz = nz[nz > 0]
    if len(nz) == 0:
        return np.array([])
    return np.unique(np.quantile(nz, np.linspace(0, 1, k + 1)[1:-1]))


def colour_for(value: float, breaks: np.ndarray) -> tuple[int, int, int]:
    if value <= 0:
        return ZERO
    return PALETTE[int(np.searchsorted(breaks, value, side="left"))]  # class i holds (break[i-1], break[i]]


def legend(breaks: np.ndarray, values: np.ndarray, lang: str) -> list[tuple[tuple[int, int, int], str]]:
    """(colour, label) rows for the choropleth's legend."""
    rows = [(ZERO, t("map.legend_zero", lang))]
    if len(values) == 0 or np.max(values) <= 0:
        return rows
    # counts are whole numbers: class i holds values in (break[i-1], break[i]]
    edges = [0.0, *breaks.tolist(), float(np.max(values))]
    for i in range(len(edges) - 1):
        lo, hi = int(np.floor(edges[i])) + 1, int(np.floor(edges[i + 1]))
        if lo <= hi:
            rows.append((PALETTE[i], f"{fmt_int(lo)} – {fmt_int(hi)}" if lo < hi else fmt_int(lo)))
    return rows


# deck.gl's text tooltip: the browser sets it as text (a name is never HTML), "\n" breaks the lines; the
# html form would show Streamlit's escaped "<br/>" literally
TOOLTIP = {"text": "{tip}", "style": {"fontFamily": "Noto Sans Thai, sans-serif", "fontSize": "13px",
                                     "whiteSpace": "pre-line", "maxWidth": "320px"}}


def _tip(lines: list[str]) -> str:
    """A tooltip as plain text, one line each: the map's tooltip is a text tooltip (values are never HTML)."""
    return "\n".join(str(x) for x in lines)


def district_layer(geom: MapGeometry, counts: pd.DataFrame, lang: str, selected: tuple[str, ...] = (),
                   value: str = "reports") -> tuple[pdk.Layer, np.ndarray]:
    """Choropleth of `value` per border district in `counts` (districts not in it are drawn empty)."""
    by_code = counts.set_index("code") if len(counts) else pd.DataFrame()
    values = counts[value].to_numpy() if len(counts) else np.array([])
    breaks = class_breaks(values)
    feats = []
    for f in geom.districts:
        p = f["properties"]
        code = p["code"]
        if code not in by_code.index:
            continue  # outside the viewer's scope: not drawn
        row = by_code.loc[code]
        v = float(row[value])
        name = p[f"name_{lang}"]
        province = row[f"province_{lang}"]
        tip = _tip([f"{name} ({province})", f"{t('map.tip_reports', lang)}: {fmt_int(row['reports'])}",
                    f"{t('map.tip_per_100km2', lang)}: {fmt_float(row['per_100km2'])}",
                    t("map.tip_mwcc", lang) if row["mwcc"] else ""])
        props = {"code": code, "name": name, "tip": tip, "fill": [*colour_for(v, breaks), 200],
                 "line": [20, 20, 20, 255] if code in selected else [90, 90, 90, 160],
                 "width": 600 if code in selected else 50}
        feats.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    layer = pdk.Layer(
        "GeoJsonLayer", id=LAYER_DISTRICTS, data={"type": "FeatureCollection", "features": feats},
        pickable=True, stroked=True, filled=True, auto_highlight=True,
        get_fill_color="properties.fill", get_line_color="properties.line",
        get_line_width="properties.width", line_width_min_pixels=1, line_width_max_pixels=4,
    )  # widths in metres: pydeck turns any string argument, "pixels" included, into an accessor
    return layer, breaks


def base_layers(geom: MapGeometry, lang: str) -> list[pdk.Layer]:
    """Thai provinces (base) and the Lao and Cambodian districts across the border (outline)."""
    prov = [{"type": "Feature", "geometry": f["geometry"],
             "properties": {"tip": _tip([f["properties"][f"name_{lang}"]])}} for f in geom.provinces]
    nb = []
    for f in geom.neighbours:
        p = f["properties"]
        country = t(f"country.{p['country']}", lang)
        where = f"{p['province_en']}, {country}" if p["province_en"] else country
        nb.append({"type": "Feature", "geometry": f["geometry"],
                   "properties": {"tip": _tip([p["name_en"], where, t("map.tip_parallel", lang)]),
                                  "line": [*COUNTRY_LINE[p["country"]], 220]}})
    return [
        pdk.Layer("GeoJsonLayer", id="provinces", data={"type": "FeatureCollection", "features": prov},
                  stroked=True, filled=True, get_fill_color=[236, 239, 243, 255],
                  get_line_color=[160, 160, 160, 200], line_width_min_pixels=1, pickable=False),
        pdk.Layer("GeoJsonLayer", id="neighbours", data={"type": "FeatureCollection", "features": nb},
                  stroked=True, filled=True, get_fill_color=[255, 255, 255, 90],
                  get_line_color="properties.line", line_width_min_pixels=1, pickable=True),
    ]


def crossings_layer(geom: MapGeometry, lang: str) -> pdk.Layer:
    """Border crossings: filled circles, hollow where the position is approximate."""
    c = geom.crossings
    rows = []
    for r in c.itertuples():
        kind = t(f"crossing.{r.crossing_type}", lang)
        approx = t("map.tip_approximate", lang) if r.approximate else ""
        name = r.name_th if lang == "th" and r.name_th else r.name_en
        rows.append({"lon": r.lon, "lat": r.lat, "tip": _tip([name, kind, approx]),
                     "fill": [30, 30, 30, 60 if r.approximate else 230]})
    return pdk.Layer("ScatterplotLayer", id="crossings", data=rows, get_position=["lon", "lat"],
                     get_fill_color="fill", get_line_color=[0, 0, 0, 255], stroked=True,
                     get_radius=1500, radius_min_pixels=4, radius_max_pixels=9,
                     line_width_min_pixels=1.5, pickable=True)


def view_for(geom: MapGeometry, codes) -> pdk.ViewState:
    """A view framing the given border districts (all of them: the whole eastern border)."""
    codes = set(codes)
    pts = [c for f in geom.districts if f["properties"]["code"] in codes for c in _coords(f["geometry"])]
    if not pts or len(codes) >= len(geom.districts):
        return VIEW
    xs, ys = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    span = max(xs.max() - xs.min(), (ys.max() - ys.min()) * 1.4, 0.3)
    zoom = float(np.clip(np.log2(360 / span) - 0.6, 4, 11))
    return pdk.ViewState(latitude=float(ys.mean()), longitude=float(xs.mean()), zoom=zoom, min_zoom=4, max_zoom=12)


def _coords(geometry: dict):
    g = geometry["coordinates"]
    while g and isinstance(g[0][0], list):
        g = [c for part in g for c in part]
    return g


def overview_deck(geom: MapGeometry, counts: pd.DataFrame, lang: str,
                  selected: tuple[str, ...] = ()) -> tuple[pdk.Deck, np.ndarray]:
    """The Overview map: provinces, districts across the border, the border-district choropleth, crossings."""
    dl, breaks = district_layer(geom, counts, lang, selected)
    view = view_for(geom, counts["code"] if len(counts) else [])
    deck = CompactDeck(layers=[*base_layers(geom, lang), dl, crossings_layer(geom, lang)],
                    initial_view_state=view, map_provider=None, map_style=OFFLINE_STYLE,
                    tooltip=TOOLTIP)
    return deck, breaks


def picked_code(objects: list[dict] | None) -> str | None:
    """The district code of a map selection (GeoJSON features keep it under `properties`)."""
    if not objects:
        return None
    obj = objects[0]
    return (obj.get("properties") or obj).get("code")


def deck_payload_bytes(deck: pdk.Deck) -> int:
    """Size of the JSON the browser receives for this map."""
    return len(deck.to_json().encode("utf-8"))
