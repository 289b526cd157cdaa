"""The maps frame the data and the filter, show the study area against the background, and their legends list
only what is drawn (issue 12, item 1). Pure builders on the real geometry; the browser proofs are in
tests/test_browser_maps.py."""
from __future__ import annotations

import datetime as dt
import itertools
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from ntswatch_geo import hotspot_maps as hm, maps, site_maps, sites
from ntswatch_geo import overview as ov
from ntswatch_geo.db import connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope

F = Filters(dt.date(2023, 1, 1), dt.date(2026, 10, 31))
BROWSER_OVERVIEW = maps.MapSize(482, 520)     # the Overview map's canvas in Chromium at 1440 x 900


@pytest.fixture(scope="module")
def geom(demo_store):
    con = connect(demo_store)  # same configuration as the app's cached connection in this process
    try:
        return maps.load_geometry(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def extremes(demo_store):
    """The northernmost point of Chiang Rai's border districts and the southernmost of Trat's (lon, lat)."""
    con = connect(demo_store)
    try:
        rows = con.execute("""SELECT p.name_en, ST_XMin(d.geom), ST_YMin(d.geom), ST_XMax(d.geom), ST_YMax(d.geom)
                              FROM districts d JOIN provinces p ON p.code = d.province_code
                              WHERE d.is_border AND p.name_en IN ('Chiang Rai', 'Trat')""").fetchall()
    finally:
        con.close()
    north = max((r for r in rows if r[0] == "Chiang Rai"), key=lambda r: r[4])
    south = min((r for r in rows if r[0] == "Trat"), key=lambda r: r[2])
    return {"north": [(north[1], north[4]), (north[3], north[4])],
            "south": [(south[1], south[2]), (south[3], south[2])]}


def inside(view, size, points, margin=0.0) -> bool:
    return all(margin <= x <= size.width - margin and margin <= y <= size.height - margin
               for x, y in (maps.pixel_of(view, lon, lat, size) for lon, lat in points))


# -- framing ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [maps.MapSize(460, 520), maps.MapSize(900, 300), maps.MapSize(300, 900)])
def test_fit_view_holds_the_bounds_with_padding_and_zooms_in_as_far_as_they_allow(size):
    box = (101.2, 12.5, 104.9, 18.3)
    view = maps.fit_view(box, size, padding=20)
    corners = [(box[0], box[1]), (box[2], box[3]), (box[0], box[3]), (box[2], box[1])]
    assert inside(view, size, corners, margin=19.5)
    tighter = type(view)(latitude=view.latitude, longitude=view.longitude, zoom=view.zoom + 0.1)
    assert not inside(tighter, size, corners, margin=19.5)        # one step closer cuts a side


def test_fit_view_of_a_point_or_a_tiny_box_stops_at_the_fitting_zoom_limit():
    view = maps.fit_view((102.0, 15.0, 102.0, 15.0), maps.OVERVIEW_SIZE)
    assert view.zoom == maps.FIT_MAX_ZOOM and view.longitude == pytest.approx(102.0)


def test_the_study_area_shows_chiang_rai_to_trat_whole_on_every_map_at_1440_by_900(geom, extremes):
    points = extremes["north"] + extremes["south"]
    for size in (maps.OVERVIEW_SIZE, BROWSER_OVERVIEW, maps.HOTSPOT_SIZE, maps.SITES_SIZE):
        view = maps.view_for(geom, size=size)
        assert inside(view, size, points, margin=10), (size, view)
    # and it is not a thumbnail: the study area fills most of the map's height
    view = maps.view_for(geom, size=maps.SITES_SIZE)
    top = maps.pixel_of(view, *extremes["north"][0], maps.SITES_SIZE)[1]
    bottom = maps.pixel_of(view, *extremes["south"][0], maps.SITES_SIZE)[1]
    assert bottom - top > 0.85 * maps.SITES_SIZE.height


def test_focus_is_the_district_filter_then_the_province_filter_then_the_viewers_scope():
    governor, officer = Scope("governor", province_code="27"), Scope("district_officer", "27", "2706")
    assert maps.focus(F, Scope("analyst")) == ((), ())
    assert maps.focus(F, governor) == ((), ("27",))
    assert maps.focus(F, officer) == (("2706",), ())
    assert maps.focus(Filters(F.date_from, F.date_to, provinces=("23",)), Scope("analyst")) == ((), ("23",))
    assert maps.focus(Filters(F.date_from, F.date_to, provinces=("27",), districts=("2701",)), governor) == \
        (("2701",), ())


def test_a_province_filter_frames_its_border_districts_instead_of_leaving_a_sliver(geom):
    size = maps.OVERVIEW_SIZE
    for code in ("23", "27", "57"):
        box = maps.union_bounds(maps.geometry_bounds(f["geometry"]) for f in geom.districts
                                if f["properties"]["province_code"] == code)
        view = maps.view_for(geom, provinces=(code,), size=size)
        x0, y1 = maps.pixel_of(view, box[0], box[1], size)
        x1, y0 = maps.pixel_of(view, box[2], box[3], size)
        assert inside(view, size, [(box[0], box[1]), (box[2], box[3])], margin=10)
        assert max((x1 - x0) / size.width, (y1 - y0) / size.height) > 0.8, (code, view.zoom)
        assert view.zoom > maps.view_for(geom, size=size).zoom + 1


def test_a_district_filter_frames_that_district(geom):
    view = maps.view_for(geom, districts=("2706",))
    feat = next(f for f in geom.districts if f["properties"]["code"] == "2706")
    box = maps.geometry_bounds(feat["geometry"])
    assert inside(view, maps.OVERVIEW_SIZE, [(box[0], box[1]), (box[2], box[3])], margin=10)
    assert view.zoom >= 8


def test_the_overview_deck_carries_the_view_of_its_focus(geo_db):
    con = connect(geo_db)
    counts = ov.by_district(con, F, Scope("governor", province_code="27"))
    deck, _ = maps.overview_deck(maps.load_geometry(con), counts, "th", provinces=("27",))
    view = json.loads(deck.to_json())["initialViewState"]
    assert view["zoom"] > 7 and 13 < view["latitude"] < 14.5 and 102 < view["longitude"] < 103.2


# -- the study area against the background ------------------------------------------------------------------

def distance(a, b) -> float:
    return float(np.linalg.norm(np.array(a[:3], dtype=float) - np.array(b[:3], dtype=float)))


def test_not_significant_and_no_report_units_differ_from_the_grey_outside_the_study_area():
    for colour in (maps.ZERO, hm.NOT_SIGNIFICANT, hm.NO_REPORTS_COLOUR, maps.NOT_IN_FILTER):
        assert distance(colour, maps.OUTSIDE) >= 15, colour
    assert distance(hm.NOT_SIGNIFICANT, hm.NO_REPORTS_COLOUR) >= 40
    assert distance(maps.STUDY_LINE, maps.OUTSIDE_LINE) >= 150          # the study area has a dark outline


def unit_frame(keys, column, method_labels, *, reports=None, status=None):
    polys = [shapely.box(100 + i, 15, 100.9 + i, 15.9) for i in range(len(keys))]
    df = pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(keys))], column: keys,
                       "label_en": [method_labels[k][0] for k in keys], "label_th": [method_labels[k][1] for k in keys],
                       "reports": reports or [5] * len(keys)})
    if status is not None:
        df["data_status"] = status
    return gpd.GeoDataFrame(df, geometry=polys, crs=4326)


def test_a_not_significant_unit_is_drawn_white_and_outlined_not_in_the_background_grey():
    from ntswatch_geo.hotspots import BIN_LABELS

    frame = unit_frame([3, 0, 0], "bin", BIN_LABELS, reports=[40, 3, 0], status=["ok", "ok", "no_reports"])
    feats = hm.result_features(frame, "gi", "en")
    fills = [f["properties"]["fill"] for f in feats]
    assert fills[1][:3] == list(hm.NOT_SIGNIFICANT) and fills[2][:3] == list(hm.NO_REPORTS_COLOUR)
    assert all(f["properties"]["line"][:3] == list(maps.STUDY_LINE) for f in feats)


def test_the_overview_legend_lists_only_present_classes_with_district_counts_and_the_outside(geom):
    counts = pd.DataFrame({"code": ["a", "b", "c", "d", "e"], "reports": [0, 0, 5, 5, 50]})
    breaks = maps.class_breaks(counts["reports"].to_numpy())
    rows = maps.legend(breaks, counts["reports"].to_numpy(), "en", not_in_filter=3)
    texts = [r[1] for r in rows]
    assert texts[0] == "No reports (2 districts)" and rows[0][0] == maps.ZERO
    assert sum("districts)" in x for x in texts) == len(texts) - 1        # every class says how many
    assert sum(int(x.rsplit("(", 1)[1].split()[0]) for x in texts[:-1]) == 5 + 3
    assert texts[-2] == "Border districts outside the filter (3 districts)"
    assert rows[-1] == (maps.OUTSIDE, "Outside the study area (not analysed)")
    th = [r[1] for r in maps.legend(breaks, counts["reports"].to_numpy(), "th")]
    assert th[0] == "ไม่มีรายงาน (2 อำเภอ)" and th[-1] == "นอกพื้นที่ศึกษา (ไม่ได้วิเคราะห์)"


def test_districts_outside_the_filter_are_pale_and_still_clickable(geo_db):
    con = connect(geo_db)
    counts = ov.by_district(con, F, Scope("analyst"))
    deck, rows = maps.overview_deck(maps.load_geometry(con), counts, "en", ("2706",), districts=("2706",))
    layer = next(x for x in json.loads(deck.to_json())["layers"] if x["id"] == maps.LAYER_DISTRICTS)
    feats = {f["properties"]["code"]: f["properties"] for f in layer["data"]["features"]}
    assert feats["2706"]["fill"][:3] == list(maps.ZERO)            # no reports in this empty database
    others = [p for c, p in feats.items() if c != "2706"]
    assert others and all(p["fill"][:3] == list(maps.NOT_IN_FILTER) for p in others)
    assert layer["pickable"]
    assert any(r[1].startswith("Border districts outside the filter") for r in rows)


# -- hotspot legends and colours ----------------------------------------------------------------------------

def test_the_hotspot_legend_lists_only_the_classes_on_the_map_with_their_counts():
    from ntswatch_geo.hotspots import BIN_LABELS

    frame = unit_frame([3, 3, 0, -1, 0], "bin", BIN_LABELS, reports=[9, 9, 2, 1, 0],
                       status=["ok", "ok", "ok", "ok", "no_reports"])
    counts = hm.class_counts(frame, "gi")
    assert counts == {3: 2, 0: 1, -1: 1, hm.NO_REPORTS: 1}
    rows = hm.map_legend("gi", counts, "en")
    assert [r[1] for r in rows] == [
        "Hot spot, 99% confidence · จุดร้อน ความเชื่อมั่น 99% (2)",
        f"{BIN_LABELS[0][0]} · {BIN_LABELS[0][1]} (1)",
        f"{BIN_LABELS[-1][0]} · {BIN_LABELS[-1][1]} (1)",
        "No reports (not a cold spot) · ไม่มีรายงาน (ไม่ใช่จุดเย็น) (1)",
        "Outside the study area (not analysed)"]
    assert hm.map_legend("gi", counts, "th")[0][1].startswith("จุดร้อน ความเชื่อมั่น 99% · Hot spot")


def test_a_time_slice_legend_counts_the_slices_bins():
    from ntswatch_geo.hotspots import BIN_LABELS

    frame = unit_frame([0, 0, 0], "bin", BIN_LABELS)
    bins = pd.Series([2, 2, 0], index=["u0", "u1", "u2"])
    assert hm.class_counts(frame, "ehsa", bins) == {2: 2, 0: 1}


def test_emerging_hot_spot_classes_are_distinguishable_and_absent_ones_are_not_listed():
    from ntswatch_geo.hotspots import CATEGORY_KEYS, CATEGORY_LABELS

    colours = [hm.EHSA_COLOURS[k] for k in CATEGORY_KEYS]
    assert len(set(colours)) == len(CATEGORY_KEYS) == 17
    worst = min(distance(a, b) for a, b in itertools.combinations(colours, 2))
    assert worst >= 40, worst
    frame = unit_frame(["persistent_hot_spot", "new_hot_spot", "no_pattern", "no_pattern"], "category", CATEGORY_LABELS)
    rows = hm.map_legend("ehsa", hm.class_counts(frame, "ehsa"), "en")
    assert [r[1].split(" · ")[0] for r in rows[:-1]] == ["Persistent hot spot", "New hot spot", "No pattern detected"]
    assert rows[0][1].endswith("(1)") and rows[2][1].endswith("(2)")
    assert distance(rows[0][0], rows[1][0]) >= 60                     # not two near-identical reds


def cluster_frame(n: int) -> gpd.GeoDataFrame:
    polys = [shapely.box(100 + 0.1 * i, 15, 100.05 + 0.1 * i, 15.05) for i in range(n)]
    pts = list(range(400, 400 - 5 * n, -5))
    return gpd.GeoDataFrame({"cluster_id": range(1, n + 1), "points": pts, "share": [p / 20_000 for p in pts],
                             "est_reports": [p * 2 for p in pts], "area_km2": [10.0] * n}, geometry=polys, crs=4326)


def test_density_clusters_get_distinct_colours_and_a_legend_naming_them():
    frame = cluster_frame(51)
    feats = hm.cluster_features(frame, "en")
    by_id = {int(f["properties"]["unit_id"]): tuple(f["properties"]["fill"][:3]) for f in feats}
    assert len(set(by_id.values())) == len(hm.CLUSTER_COLOURS)
    assert all(by_id[i] != by_id[i + 1] for i in range(1, 51))
    assert all(distance(c, hm.NOISE_COLOUR) > 40 for c in hm.CLUSTER_COLOURS)
    meta = {"sampled": False, "outlier_share": 0.25, "matching": 20_000}
    rows = hm.cluster_legend(frame, meta, "en")
    assert rows[0] == (hm.cluster_colour(1), "Cluster 1: 800 reports")
    assert rows[2][1] == "Cluster 3: 780 reports"
    assert len(rows) == hm.CLUSTER_LEGEND_MAX + 4
    rest = int(frame["est_reports"].iloc[12:].sum())
    assert rows[-4][1] == f"39 more clusters (the colours repeat): {rest:,} reports"
    assert rows[-3] == (hm.NOISE_COLOUR, "In no cluster (noise): 5,000 reports (25%)")
    assert rows[-2] == (maps.ZERO, "Study area (the border districts analysed)") and rows[-1][0] == maps.OUTSIDE
    th = hm.cluster_legend(frame.head(2), {**meta, "sampled": True}, "th")
    assert th[0][1] == "กลุ่มที่ 1: ≈ 800 รายงาน" and len(th) == 5


def test_crossings_lie_under_the_hotspot_result_and_can_be_hidden_on_the_overview(geom):
    deck = hm.deck(geom, [], "en")
    ids = [layer.id for layer in deck.layers]
    assert ids.index("crossings") < ids.index(hm.LAYER_RESULT) and "study_area" not in ids
    clusters = hm.deck(geom, [], "en", provinces=("23",), study=True)     # clusters: the study area under them
    ids = [layer.id for layer in clusters.layers]
    assert ids.index("study_area") < ids.index("crossings") < ids.index(hm.LAYER_RESULT)
    study = next(x for x in clusters.layers if x.id == "study_area").data["features"]
    assert len(study) == sum(f["properties"]["province_code"] == "23" for f in geom.districts) > 0
    counts = pd.DataFrame(columns=["code", "reports", "per_100km2", "mwcc", "province_th", "province_en"])
    shown, _ = maps.overview_deck(geom, counts, "en")
    hidden, _ = maps.overview_deck(geom, counts, "en", show_crossings=False)
    assert "crossings" in [x.id for x in shown.layers] and "crossings" not in [x.id for x in hidden.layers]


# -- the model-sites map ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ranked(demo_store):
    con = connect(demo_store)  # same configuration as the app's cached connection in this process
    try:
        crit = sites.criteria(con, F, Scope("planner"))
        return crit, sites.rank(crit, "balanced", "topsis").sort_values("rank"), maps.load_geometry(con)
    finally:
        con.close()


def test_the_sites_map_highlights_the_shortlist_with_its_ranks_and_lists_it(ranked):
    crit, table, geom = ranked
    short = list(table["code"].head(5))
    deck, rows = site_maps.deck(geom, table, short, "en", picked=short[2])
    layers = {x["id"]: x for x in json.loads(deck.to_json())["layers"]}
    feats = {f["properties"]["code"]: f["properties"] for f in layers[maps.LAYER_DISTRICTS]["data"]["features"]}
    assert {c for c, p in feats.items() if p["fill"][:3] == list(site_maps.SHORTLIST)} == set(short)
    assert all(p["fill"][:3] == list(maps.ZERO) for c, p in feats.items() if c not in short)
    assert feats[short[2]]["line"][:3] == [20, 20, 20]
    labels = layers["rank_labels"]["data"]
    assert sorted(x["text"] for x in labels) == ["1", "2", "3", "4", "5"]
    for x in labels:                                        # each rank sits inside its district
        feat = next(f for f in geom.districts if f["properties"]["code"] == short[int(x["text"]) - 1])
        assert shapely.geometry.shape(feat["geometry"]).buffer(1e-3).contains(shapely.Point(x["lon"], x["lat"]))
    first = table.iloc[0]
    assert rows[0] == (site_maps.SHORTLIST, f"1. {first['name_en']} ({first['province_en']}) · {first['score']:.3f}")
    assert len(rows) == 5 + 2 and rows[-1][0] == maps.OUTSIDE
    assert maps.deck_payload_bytes(deck) < 1_000_000


def test_a_districts_criteria_row_is_labelled_and_formatted(ranked):
    crit, table, _ = ranked
    code = table["code"].iloc[0]
    en, th = site_maps.criteria_table(crit, code, "en"), site_maps.criteria_table(crit, code, "th")
    assert list(en.columns) == ["criterion", "value"] and len(en) == len(sites.CRITERIA)
    values = dict(zip(en["criterion"], en["value"]))
    assert values["Share verified"].endswith("%")
    assert values["NTS-MWCC target district"] in ("Yes", "No")
    assert "." not in values["Border crossings"]
    assert dict(zip(th["criterion"], th["value"]))["อำเภอเป้าหมาย NTS-MWCC"] in ("ใช่", "ไม่ใช่")
    assert site_maps.criteria_table(crit, "nope", "en").empty
