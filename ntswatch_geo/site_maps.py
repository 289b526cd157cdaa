"""The Model sites map: the ranked border districts, the shortlist highlighted with its ranks, and what a click
on a district shows (its criteria). Pure: frames in, deck and rows out."""
from __future__ import annotations

import pandas as pd
import pydeck as pdk

from .i18n import fmt_float, fmt_int, fmt_pct, t
from .maps import (LAYER_DISTRICTS, OFFLINE_STYLE, OUTSIDE, SITES_SIZE, STUDY_LINE, TOOLTIP, ZERO, CompactDeck,
                   Legend, MapGeometry, MapSize, _tip, base_layers, view_for)
from .sites import CRITERIA

SHORTLIST = (117, 40, 160)      # the model-site shortlist: one strong purple, ranks written on it


def label_point(feature: dict) -> tuple[float, float]:
    """A point inside a district (for its label): shapely's representative point, rounded."""
    import shapely.geometry

    p = shapely.geometry.shape(feature["geometry"]).representative_point()
    return round(p.x, 4), round(p.y, 4)


def deck(geom: MapGeometry, ranked: pd.DataFrame, shortlist: list[str], lang: str,
               picked: str | None = None, size: MapSize = SITES_SIZE) -> tuple[pdk.Deck, Legend]:
    """The Model sites map: every ranked border district (the study area, white), the shortlist in purple
    with its rank written on it, the picked district outlined. `ranked`: code, rank, score, name_th/_en,
    province_th/_en. Returns the deck and the legend: one row per shortlisted district, in rank order."""
    by_code = ranked.set_index("code")
    rank_of = {c: i + 1 for i, c in enumerate(shortlist)}
    feats, labels = [], []
    for f in geom.districts:
        code = f["properties"]["code"]
        if code not in by_code.index:
            continue
        r = by_code.loc[code]
        name, province = f["properties"][f"name_{lang}"], r[f"province_{lang}"]
        on = code in rank_of
        tip = _tip([f"{name} ({province})", f"{t('sites.rank', lang)}: {fmt_int(r['rank'])}",
                    f"{t('sites.score', lang)}: {fmt_float(r['score'], lang, 3)}",
                    t("sites.map_shortlisted", lang) if on else ""])
        feats.append({"type": "Feature", "geometry": f["geometry"], "properties": {
            "code": code, "tip": tip, "fill": [*SHORTLIST, 200] if on else [*ZERO, 210],
            "line": [20, 20, 20, 255] if code == picked else [*STUDY_LINE, 210],
            "width": 500 if code == picked else 60}})
        if on:
            lon, lat = label_point(f)
            labels.append({"lon": lon, "lat": lat, "text": str(rank_of[code]), "tip": tip})
    labels.sort(key=lambda x: -int(x["text"]))      # rank 1 drawn last, on top
    layers = [*base_layers(geom, lang),
              pdk.Layer("GeoJsonLayer", id=LAYER_DISTRICTS, data={"type": "FeatureCollection", "features": feats},
                        pickable=True, stroked=True, filled=True, auto_highlight=True,
                        get_fill_color="properties.fill", get_line_color="properties.line",
                        get_line_width="properties.width", line_width_min_pixels=1, line_width_max_pixels=4),
              pdk.Layer("ScatterplotLayer", id="rank_marks", data=labels, get_position=["lon", "lat"],
                        get_fill_color=[255, 255, 255, 240], get_line_color=[*SHORTLIST, 255], stroked=True,
                        get_radius=1, radius_min_pixels=11, radius_max_pixels=11, line_width_min_pixels=2,
                        pickable=False),
              pdk.Layer("TextLayer", id="rank_labels", data=labels, get_position=["lon", "lat"], get_text="text",
                        get_size=14, get_color=[40, 10, 60, 255], font_weight=700, pickable=False)]
    rows: Legend = []
    for code in shortlist:
        if code in by_code.index:
            r = by_code.loc[code]
            rows.append((SHORTLIST, f"{rank_of[code]}. {r[f'name_{lang}']} ({r[f'province_{lang}']}) · "
                                    f"{fmt_float(r['score'], lang, 3)}"))
    rest = len(feats) - len(rows)
    if rest:
        rows.append((ZERO, f"{t('sites.map_others', lang)} ({t('map.legend_districts', lang, n=fmt_int(rest))})"))
    rows.append((OUTSIDE, t("map.legend_outside", lang)))
    codes = list(by_code.index)
    deck = CompactDeck(layers=layers, initial_view_state=view_for(geom, codes, (), size), map_provider=None,
                       map_style=OFFLINE_STYLE, tooltip=TOOLTIP)
    return deck, rows



def criteria_table(crit: pd.DataFrame, code: str, lang: str) -> pd.DataFrame:
    """One district's criteria as the page shows them: label and formatted value, one row per criterion."""
    row = crit[crit["code"] == code]
    if row.empty:
        return pd.DataFrame(columns=["criterion", "value"])
    r = row.iloc[0]
    out = []
    for c in CRITERIA:
        if c.key not in r.index:
            continue
        v = r[c.key]
        if v is None or pd.isna(v):
            text = "–"
        elif c.unit == "0/1":
            text = t("sites.criteria_yes" if v else "sites.criteria_no", lang)
        elif c.unit == "count":
            text = fmt_int(v, lang)
        elif c.unit.startswith("share"):
            text = fmt_pct(float(v), lang)
        elif c.unit == "days":
            text = fmt_float(float(v), lang, 1)
        else:
            text = fmt_float(float(v), lang, 2)
        out.append({"criterion": c.label_th if lang == "th" else c.label_en, "value": text})
    return pd.DataFrame(out)
