"""The partnership map: a line from each Thai border district to each facing district across the border (its
parallel areas), as wide as the pair's joint activities and coloured by the people who came from across the
border; pairs without activity drawn faint. Over the Thai border districts' outlines and the base layers of
ntswatch_geo/maps.py. Pure: frames in, deck and legend rows out.

Layer sizes follow the parallel-area pairs (127 along the whole border) and the border districts (44), never
the number of activities or reports.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pydeck as pdk

from ..i18n import fmt_date, fmt_float, fmt_int, t
from ..maps import (OFFLINE_STYLE, OUTSIDE, STUDY_LINE, TOOLTIP, CompactDeck, Legend, MapGeometry, MapSize, _tip,
                    base_layers, class_breaks, fit_view, focus_bounds, union_bounds)

LAYER_PAIRS = "coop_pairs"
LAYER_DISTRICTS = "coop_districts"
COOP_SIZE = MapSize(580, 560)          # three fifths of the main area at 1440 x 900 (the details beside it)
# people from across the border on a pair's joint activities: light teal to deep indigo (apart from the
# reports' yellow-to-red and the Lao blue / Cambodian green outlines)
ACROSS = [(127, 205, 187), (65, 182, 196), (29, 145, 192), (34, 94, 168), (37, 52, 148)]
NO_ACROSS = (190, 160, 220)            # joint activities, no one from across recorded: pale violet
FAINT = (120, 124, 135)                # no joint activity in the period
PICKED = (15, 15, 15)
MIN_W, MAX_W, FAINT_W = 3.0, 12.0, 1.5  # line widths, pixels


def pair_width(activities: np.ndarray | pd.Series) -> np.ndarray:
    """Line width (pixels) by joint activities: FAINT_W for none; MIN_W for one, growing with the square root
    of the count relative to the busiest pair's, MAX_W for it."""
    a = np.asarray(activities, dtype=float)
    top = a.max() if len(a) else 0.0
    if top <= 0:
        return np.full(len(a), FAINT_W)
    w = MIN_W + (MAX_W - MIN_W) * np.sqrt(np.clip(a - 1, 0, None) / max(top - 1, 1))
    return np.where(a > 0, np.round(w, 2), FAINT_W)


def across_colour(people: float, breaks: np.ndarray) -> tuple[int, int, int]:
    if people <= 0:
        return NO_ACROSS
    return ACROSS[int(np.searchsorted(breaks, people, side="left"))]


def _where(lang: str, country: str) -> str:
    return t(f"country.{country}", lang)


def pair_tip(r, lang: str) -> str:
    """The tooltip of one pair (a row of summary.partnerships)."""
    head = f"{r[f'district_{lang}']} ({r[f'province_{lang}']}) ↔ {r['neighbour_en']} ({_where(lang, r['country'])})"
    if not r["activities"]:
        return _tip([head, t("coop_page.tip_no_joint", lang),
                     t("coop_page.tip_shared_km", lang, km=fmt_float(r["shared_km"], lang))])
    last = r["last_activity"]
    return _tip([head, f"{t('coop_page.tip_joint', lang)}: {fmt_int(r['activities'])}",
                 f"{t('coop_page.tip_people_th', lang)}: {fmt_int(r['people_th'])}",
                 f"{t('coop_page.tip_people_across', lang)}: {fmt_int(r['people_across'])}",
                 f"{t('coop_page.tip_last', lang)}: {fmt_date(pd.Timestamp(last).date(), lang)}",
                 t("coop_page.tip_shared_km", lang, km=fmt_float(r["shared_km"], lang))])


def district_tip(r, lang: str) -> str:
    """The tooltip of one Thai border district (a row of summary.district_summary)."""
    lines = [f"{r[f'name_{lang}']} ({r[f'province_{lang}']})",
             f"{t('coop_page.tip_activities', lang)}: {fmt_int(r['activities'])}"]
    if r["activities"]:
        lines += [f"{t('coop_page.tip_people_th', lang)}: {fmt_int(r['people_th'])}",
                  f"{t('coop_page.tip_people_across', lang)}: {fmt_int(r['people_across'])}",
                  f"{t('coop_page.tip_last', lang)}: {fmt_date(pd.Timestamp(r['last_activity']).date(), lang)}"]
    return _tip(lines)


def view(geom: MapGeometry, pairs: pd.DataFrame, codes, size: MapSize = COOP_SIZE) -> pdk.ViewState:
    """The view framing the districts `codes` and both ends of their pairs (the facing districts across)."""
    ends = None
    if len(pairs):
        ends = (float(min(pairs["from_lon"].min(), pairs["to_lon"].min())),
                float(min(pairs["from_lat"].min(), pairs["to_lat"].min())),
                float(max(pairs["from_lon"].max(), pairs["to_lon"].max())),
                float(max(pairs["from_lat"].max(), pairs["to_lat"].max())))
    box = union_bounds([focus_bounds(geom, tuple(codes)) if len(codes) else None, ends]) \
        or focus_bounds(geom)
    if box is None:
        return pdk.ViewState(latitude=15.9, longitude=102.6, zoom=5)
    return fit_view(box, size)


def legend_rows(pairs: pd.DataFrame, breaks: np.ndarray, lang: str) -> Legend:
    """The classes of people from across the border some pair is in (with its number of pairs), the pairs with
    joint activities but no one from across, the faint pairs without activity, the area outside."""
    rows: Legend = []
    active = pairs[pairs["activities"] > 0] if len(pairs) else pairs
    across = active["people_across"].to_numpy(dtype=float) if len(active) else np.array([])
    if len(across) and across.max() > 0:
        edges = [0.0, *breaks.tolist(), float(across.max())]
        for i in range(len(edges) - 1):
            lo, hi = int(np.floor(edges[i])) + 1, int(np.floor(edges[i + 1]))
            n = int(((across > edges[i]) & (across <= edges[i + 1])).sum())
            if lo <= hi and n:
                text = f"{fmt_int(lo)} – {fmt_int(hi)}" if lo < hi else fmt_int(lo)
                rows.append((ACROSS[i], t("coop_page.legend_across", lang, people=text, n=fmt_int(n))))
    none_across = int((across <= 0).sum())
    if none_across:
        rows.append((NO_ACROSS, t("coop_page.legend_no_across", lang, n=fmt_int(none_across))))
    idle = int((pairs["activities"] <= 0).sum()) if len(pairs) else 0
    if idle:
        rows.append((FAINT, t("coop_page.legend_idle", lang, n=fmt_int(idle))))
    rows.append((OUTSIDE, t("map.legend_outside", lang)))
    return rows


def deck(geom: MapGeometry, pairs: pd.DataFrame, districts: pd.DataFrame, lang: str,
         picked: tuple[str, str] | None = None, size: MapSize = COOP_SIZE) -> tuple[pdk.Deck, Legend]:
    """The partnership map. `pairs`: rows of summary.partnerships (the lines); `districts`: rows of
    summary.district_summary (the outlines, with their tooltips); `picked`: (district code, neighbour id) of a
    clicked pair, outlined dark. Returns the deck and its legend rows."""
    by_code = districts.set_index("code") if len(districts) else pd.DataFrame()
    outlines = []
    for f in geom.districts:
        code = f["properties"]["code"]
        if code not in by_code.index:
            continue
        r = by_code.loc[code]
        outlines.append({"type": "Feature", "geometry": f["geometry"], "properties": {
            "code": code, "tip": district_tip({**r.to_dict(), "code": code}, lang),
            "fill": [255, 255, 255, 235 if r["activities"] else 200]}})
    active = pairs["activities"] > 0 if len(pairs) else pd.Series([], dtype=bool)
    breaks = class_breaks(pairs.loc[active, "people_across"].to_numpy()) if len(pairs) else np.array([])
    widths = pair_width(pairs["activities"]) if len(pairs) else np.array([])
    lines, ends, pick = [], {}, []
    # the faint pairs first, the busiest last (drawn on top)
    for i in (np.argsort(pairs["activities"].to_numpy(), kind="stable") if len(pairs) else []):
        r = pairs.iloc[i]
        on = r["activities"] > 0
        colour = [*across_colour(r["people_across"], breaks), 235] if on else [*FAINT, 110]
        row = {"from": [round(float(r["from_lon"]), 5), round(float(r["from_lat"]), 5)],
               "to": [round(float(r["to_lon"]), 5), round(float(r["to_lat"]), 5)],
               "width": float(widths[i]), "colour": colour, "tip": pair_tip(r, lang),
               "district_code": r["district_code"], "neighbour_id": r["neighbour_id"]}
        lines.append(row)
        if picked is not None and (r["district_code"], r["neighbour_id"]) == tuple(picked):
            pick.append({**row, "width": float(widths[i]) + 5, "colour": [*PICKED, 255]})
        for key, lon, lat in (("th", r["from_lon"], r["from_lat"]), ("x", r["to_lon"], r["to_lat"])):
            ends[(key, round(float(lon), 5), round(float(lat), 5))] = on or ends.get(
                (key, round(float(lon), 5), round(float(lat), 5)), False)
    dots = [{"lon": lon, "lat": lat, "fill": [40, 40, 40, 220] if on else [120, 124, 135, 140]}
            for (_k, lon, lat), on in ends.items()]
    layers = [
        *base_layers(geom, lang),
        pdk.Layer("GeoJsonLayer", id=LAYER_DISTRICTS, data={"type": "FeatureCollection", "features": outlines},
                  pickable=True, stroked=True, filled=True, get_fill_color="properties.fill",
                  get_line_color=[*STUDY_LINE, 230], line_width_min_pixels=1.5, auto_highlight=True),
        pdk.Layer("LineLayer", id="coop_pick", data=pick, get_source_position="from", get_target_position="to",
                  get_color="colour", get_width="width", pickable=False),
        pdk.Layer("LineLayer", id=LAYER_PAIRS, data=lines, get_source_position="from", get_target_position="to",
                  get_color="colour", get_width="width", pickable=True, auto_highlight=True,
                  highlight_color=[250, 204, 21, 255]),
        pdk.Layer("ScatterplotLayer", id="coop_ends", data=dots, get_position=["lon", "lat"], get_fill_color="fill",
                  get_radius=1, radius_min_pixels=3, radius_max_pixels=3, pickable=False),
    ]
    codes = list(by_code.index)
    d = CompactDeck(layers=layers, initial_view_state=view(geom, pairs, codes, size), map_provider=None,
                    map_style=OFFLINE_STYLE, tooltip=TOOLTIP)
    return d, legend_rows(pairs, breaks, lang)


def picked_pair(objects: dict) -> tuple[str, str] | None:
    """(district code, neighbour id) of a click on a partnership line, None for anything else."""
    hit = (objects or {}).get(LAYER_PAIRS) or []
    if not hit:
        return None
    obj = hit[0]
    code, nid = obj.get("district_code"), obj.get("neighbour_id")
    return (code, nid) if code and nid else None


def picked_district(objects: dict) -> str | None:
    """The district code of a click on a Thai border district's outline (not on a line)."""
    hit = (objects or {}).get(LAYER_DISTRICTS) or []
    if not hit:
        return None
    return (hit[0].get("properties") or hit[0]).get("code")
