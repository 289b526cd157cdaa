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
# The study area against the background: districts in the analysis with nothing to show (no reports, not
# significant) are white with a dark outline; the Thai provinces outside it are a flat grey with light lines.
ZERO = (255, 255, 255)
STUDY_LINE = (70, 70, 70)
OUTSIDE = (226, 229, 234)
OUTSIDE_LINE = (178, 182, 190)
NOT_IN_FILTER = (241, 242, 245)    # border districts the district/province filter leaves out (still clickable)
COUNTRY_LINE = {"LA": (37, 99, 235), "KH": (22, 163, 74)}
LAYER_DISTRICTS = "districts"
# An offline map style (a plain background, no tiles, no fonts): without a style Streamlit falls back to a
# Carto basemap fetched from the internet; a data: URL keeps the map self-contained (no "#" in it: a URL's
# fragment starts there, and the style's JSON would end mid-string).
OFFLINE_STYLE = ("data:application/json," + json.dumps(
    {"version": 8, "sources": {}, "layers": [{"id": "bg", "type": "background",
                                              "paint": {"background-color": "rgb(248,250,252)"}}]},
    separators=(",", ":")))
MIN_ZOOM, MAX_ZOOM, FIT_MAX_ZOOM = 4, 12, 9.5
TILE = 512          # deck.gl's Web Mercator world is 512 pixels wide at zoom 0


@dataclass(frozen=True)
class MapSize:
    """The size a map is drawn at (pixels): the width is the narrowest the page's column gives at 1440 px
    (Streamlit stretches the map to the column), so a view fitted to it holds on wider screens too."""

    width: int
    height: int


OVERVIEW_SIZE = MapSize(460, 520)      # half of the main area (482 px wide at 1440 x 900)
HOTSPOT_SIZE = MapSize(560, 560)       # three fifths of it (580 px)
SITES_SIZE = MapSize(700, 600)         # the page's right column (727 px)


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
    """GeoJSON features, each with its `bbox` (GeoJSON's own member; kept here, not sent to the browser)."""
    feats = []
    for r in rows:
        geometry = json.loads(r[-1])
        feats.append({"type": "Feature", "geometry": geometry, "properties": dict(zip(props, r[:-1])),
                      "bbox": geometry_bounds(geometry)})
    return feats


def geometry_bounds(geometry: dict) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of a GeoJSON geometry, None when it has no coordinates."""
    xy = np.array(_coords(geometry), dtype=float).reshape(-1, 2)
    if not len(xy):
        return None
    return float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())


def union_bounds(boxes) -> tuple[float, float, float, float] | None:
    """The box holding every given box (None entries skipped); None for none."""
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    a = np.array(boxes, dtype=float)
    return float(a[:, 0].min()), float(a[:, 1].min()), float(a[:, 2].max()), float(a[:, 3].max())


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator position as a fraction of the world (0..1, y down), as deck.gl projects it."""
    lat = float(np.clip(lat, -85.05, 85.05))
    return (lon + 180) / 360, (1 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / np.pi) / 2


def fit_view(bounds, size: MapSize, padding: int = 24, max_zoom: float = FIT_MAX_ZOOM) -> pdk.ViewState:
    """The centre and zoom at which `bounds` (min lon, min lat, max lon, max lat) fit in a map of `size`
    with `padding` pixels on every side (deck.gl's fitBounds on the 512-pixel Web Mercator world)."""
    x0, y1 = _mercator(bounds[0], bounds[1])      # south-west corner: y grows southwards
    x1, y0 = _mercator(bounds[2], bounds[3])
    dx, dy = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    room_w, room_h = max(size.width - 2 * padding, 1), max(size.height - 2 * padding, 1)
    zoom = float(np.clip(np.log2(min(room_w / (TILE * dx), room_h / (TILE * dy))), MIN_ZOOM, max_zoom))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lat = float(np.degrees(2 * np.arctan(np.exp(np.pi * (1 - 2 * cy))) - np.pi / 2))
    return pdk.ViewState(latitude=round(lat, 5), longitude=round(cx * 360 - 180, 5), zoom=round(zoom, 3),
                         min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)


def pixel_of(view: pdk.ViewState, lon: float, lat: float, size: MapSize) -> tuple[float, float]:
    """Where (lon, lat) is drawn in a map of `size` showing `view`: pixels from its top-left corner."""
    scale = TILE * 2 ** view.zoom
    cx, cy = _mercator(view.longitude, view.latitude)
    x, y = _mercator(lon, lat)
    return size.width / 2 + (x - cx) * scale, size.height / 2 + (y - cy) * scale


def focus(filters, scope) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(districts, provinces) a map frames: the district filter, else the province filter, else the viewer's
    own district or province; ((), ()) for the whole study area."""
    if filters is not None and filters.districts:
        return tuple(filters.districts), ()
    if filters is not None and filters.provinces:
        return (), tuple(filters.provinces)
    if scope is not None and scope.district_code:
        return (scope.district_code,), ()
    if scope is not None and scope.province_code:
        return (), (scope.province_code,)
    return (), ()


def focus_bounds(geom: "MapGeometry", districts=(), provinces=()) -> tuple[float, float, float, float] | None:
    """Bounds of the data a map shows for a focus: the given border districts, else the border districts of
    the given provinces (the province itself when it has none), else all border districts."""
    districts, provinces = set(districts), set(provinces)
    if districts:
        box = union_bounds(_bbox(f) for f in geom.districts if f["properties"]["code"] in districts)
        if box:
            return box
    if provinces:
        box = union_bounds(_bbox(f) for f in geom.districts if f["properties"].get("province_code") in provinces) \
            or union_bounds(_bbox(f) for f in geom.provinces if f["properties"]["code"] in provinces)
        if box:
            return box
    return union_bounds(_bbox(f) for f in geom.districts)


def focus_codes(geom: "MapGeometry", districts=(), provinces=()) -> set[str]:
    """The border districts of a focus (maps.focus): as focus_bounds, all of them for none."""
    if districts:
        return set(districts)
    codes = [f["properties"]["code"] for f in geom.districts
             if not provinces or f["properties"].get("province_code") in provinces]
    return set(codes)


def study_layer(geom: "MapGeometry", codes) -> pdk.Layer:
    """The study area's districts, white with a dark outline (not clickable): under a result that does not
    cover it, such as density clusters."""
    codes = set(codes)
    feats = [{"type": "Feature", "geometry": f["geometry"], "properties": {}}
             for f in geom.districts if f["properties"]["code"] in codes]
    return pdk.Layer("GeoJsonLayer", id="study_area", data={"type": "FeatureCollection", "features": feats},
                     stroked=True, filled=True, get_fill_color=[*ZERO, 200], get_line_color=[*STUDY_LINE, 170],
                     line_width_min_pixels=1, pickable=False)


def _bbox(feature: dict):
    return feature.get("bbox") or geometry_bounds(feature["geometry"])


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


Legend = list[tuple[tuple[int, int, int], str]]


def legend(breaks: np.ndarray, values: np.ndarray, lang: str, not_in_filter: int = 0) -> Legend:
    """(colour, label) rows for the choropleth's legend: only the classes some district is in, each with its
    number of districts, then the districts the filter leaves out (if any) and the grey outside the study area.
    `values`: the counts of the districts in the filter."""
    values = np.asarray(values, dtype=float)
    rows: Legend = []
    # counts are whole numbers: class i holds values in (break[i-1], break[i]]
    if len(values) and np.max(values) > 0:
        edges = [0.0, *breaks.tolist(), float(np.max(values))]
        for i in range(len(edges) - 1):
            lo, hi = int(np.floor(edges[i])) + 1, int(np.floor(edges[i + 1]))
            n = int(((values > edges[i]) & (values <= edges[i + 1])).sum())
            if lo <= hi and n:
                text = f"{fmt_int(lo)} – {fmt_int(hi)}" if lo < hi else fmt_int(lo)
                rows.append((PALETTE[i], f"{text} ({t('map.legend_districts', lang, n=fmt_int(n))})"))
    zero = int((values <= 0).sum())
    if zero:
        rows.insert(0, (ZERO, f"{t('map.legend_zero', lang)} ({t('map.legend_districts', lang, n=fmt_int(zero))})"))
    if not_in_filter:
        rows.append((NOT_IN_FILTER, f"{t('map.legend_not_in_filter', lang)} "
                                    f"({t('map.legend_districts', lang, n=fmt_int(not_in_filter))})"))
    rows.append((OUTSIDE, t("map.legend_outside", lang)))
    return rows


# deck.gl's text tooltip: the browser sets it as text (a name is never HTML), "\n" breaks the lines; the
# html form would show Streamlit's escaped "<br/>" literally
TOOLTIP = {"text": "{tip}", "style": {"fontFamily": "Noto Sans Thai, sans-serif", "fontSize": "13px",
                                     "whiteSpace": "pre-line", "maxWidth": "320px"}}


def _tip(lines: list[str]) -> str:
    """A tooltip as plain text, one line each: the map's tooltip is a text tooltip (values are never HTML)."""
    return "\n".join(str(x) for x in lines)


def district_layer(geom: MapGeometry, counts: pd.DataFrame, lang: str, selected: tuple[str, ...] = (),
                   value: str = "reports", in_filter=None) -> tuple[pdk.Layer, np.ndarray]:
    """Choropleth of `value` per border district in `counts` (districts not in it are not drawn). Districts
    outside `in_filter` (a set of codes; None: all) are drawn pale, still clickable."""
    by_code = counts.set_index("code") if len(counts) else pd.DataFrame()
    shown = counts if in_filter is None or not len(counts) else counts[counts["code"].isin(in_filter)]
    breaks = class_breaks(shown[value].to_numpy() if len(shown) else np.array([]))
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
        inside = in_filter is None or code in in_filter
        fill = [*colour_for(v, breaks), 210] if inside else [*NOT_IN_FILTER, 230]
        props = {"code": code, "name": name, "tip": tip, "fill": fill,
                 "line": [20, 20, 20, 255] if code in selected else [*STUDY_LINE, 210 if inside else 110],
                 "width": 600 if code in selected else 60}
        feats.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    layer = pdk.Layer(
        "GeoJsonLayer", id=LAYER_DISTRICTS, data={"type": "FeatureCollection", "features": feats},
        pickable=True, stroked=True, filled=True, auto_highlight=True,
        get_fill_color="properties.fill", get_line_color="properties.line",
        get_line_width="properties.width", line_width_min_pixels=1, line_width_max_pixels=4,
    )  # widths in metres: pydeck turns any string argument, "pixels" included, into an accessor
    return layer, breaks


def in_filter_codes(counts: pd.DataFrame, districts=(), provinces=()) -> set | None:
    """The districts of `counts` the district or province filter keeps (None: no such filter)."""
    if districts:
        return set(districts) & set(counts["code"])
    if provinces and "province_code" in counts:
        return set(counts.loc[counts["province_code"].isin(provinces), "code"])
    return None


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
                  stroked=True, filled=True, get_fill_color=[*OUTSIDE, 255],
                  get_line_color=[*OUTSIDE_LINE, 255], line_width_min_pixels=1, pickable=False),
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


def view_for(geom: MapGeometry, districts=(), provinces=(), size: MapSize = OVERVIEW_SIZE) -> pdk.ViewState:
    """A view framing the given border districts, or the border districts of the given provinces (none: the
    whole study area, Chiang Rai to Trat) in a map of `size`."""
    box = focus_bounds(geom, districts, provinces)
    if box is None:
        return pdk.ViewState(latitude=15.9, longitude=102.6, zoom=5, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    return fit_view(box, size)


def _coords(geometry: dict) -> list:
    """Every [lon, lat] position of a GeoJSON geometry (Point to MultiPolygon)."""
    out, stack = [], [geometry.get("coordinates") or []]
    while stack:
        g = stack.pop()
        if g and not isinstance(g[0], list):
            out.append(g[:2])
        else:
            stack.extend(g)
    return out


def overview_deck(geom: MapGeometry, counts: pd.DataFrame, lang: str, selected: tuple[str, ...] = (), *,
                  districts=(), provinces=(), size: MapSize = OVERVIEW_SIZE,
                  show_crossings: bool = True) -> tuple[pdk.Deck, Legend]:
    """The Overview map: provinces, districts across the border, the border-district choropleth, crossings
    (small dots above the large districts; hideable), framed on `districts`/`provinces` (the filter or the
    viewer's scope: maps.focus) or the whole study area. Returns the deck and its legend rows."""
    keep = in_filter_codes(counts, districts, provinces) if len(counts) else None
    dl, breaks = district_layer(geom, counts, lang, selected, in_filter=keep)
    values = counts.loc[counts["code"].isin(keep) if keep is not None else slice(None), "reports"].to_numpy() \
        if len(counts) else np.array([])
    rows = legend(breaks, values, lang, not_in_filter=len(counts) - len(values) if len(counts) else 0)
    layers = [*base_layers(geom, lang), dl] + ([crossings_layer(geom, lang)] if show_crossings else [])
    deck = CompactDeck(layers=layers, initial_view_state=view_for(geom, districts, provinces, size),
                       map_provider=None, map_style=OFFLINE_STYLE, tooltip=TOOLTIP)
    return deck, rows


def picked_code(objects: list[dict] | None) -> str | None:
    """The district code of a map selection (GeoJSON features keep it under `properties`)."""
    if not objects:
        return None
    obj = objects[0]
    return (obj.get("properties") or obj).get("code")


def deck_payload_bytes(deck: pdk.Deck) -> int:
    """Size of the JSON the browser receives for this map."""
    return len(deck.to_json().encode("utf-8"))
