"""What the Hotspots page sends to the browser for H3 cells, and the cell outlines the statistics use."""
from __future__ import annotations

import json

import geopandas as gpd
import h3.api.basic_int as h3i
import numpy as np
import pandas as pd

from ntswatch_geo import hotspot_maps as hm
from ntswatch_geo.hotspots import BIN_LABELS
from ntswatch_geo.hotspots.weights import cell_polygon, cell_polygons


def cells_around(lat: float, lng: float, res: int, rings: int) -> np.ndarray:
    return np.array(sorted(h3i.grid_disk(h3i.latlng_to_cell(lat, lng, res), rings)), dtype=np.int64)


def test_cell_outlines_made_together_are_byte_identical_to_those_made_one_by_one():
    # Mukdahan at resolution 8, and a Class III resolution (7) whose cells can carry extra vertices
    cells = np.concatenate([cells_around(16.54, 104.72, 8, 12), cells_around(14.35, 105.1, 7, 10)])
    together = cell_polygons(cells)
    assert len(together) == len(cells)
    assert all(a.wkb == cell_polygon(c).wkb for a, c in zip(together, cells.tolist()))
    assert len(cell_polygons(np.array([], dtype=np.int64))) == 0


def h3_frame(n_rings: int = 8) -> gpd.GeoDataFrame:
    cells = cells_around(16.54, 104.72, 7, n_rings)
    rng = np.random.default_rng(3)
    bins = rng.choice([3, 2, 0, 0, 0, -1], len(cells))
    return gpd.GeoDataFrame({
        "unit_id": [h3i.int_to_str(int(c)) for c in cells], "unit": "h3", "resolution": 7,
        "name_en": "Mueang Mukdahan", "name_th": "เมืองมุกดาหาร", "bin": bins,
        "label_en": [BIN_LABELS[b][0] for b in bins], "label_th": [BIN_LABELS[b][1] for b in bins],
        "reports": rng.integers(0, 40, len(cells)), "z": rng.normal(size=len(cells)),
        "data_status": "ok"}, geometry=list(cell_polygons(cells)), crs=4326)


def test_an_h3_result_is_sent_as_cell_ids_for_deck_gl_to_draw_not_as_polygons():
    from ntswatch_geo.maps import MapGeometry

    frame = h3_frame()
    feats = hm.result_features(frame, "gi", "en", selected=frame["unit_id"].iloc[0])
    assert all(f["geometry"] is None for f in feats)
    assert [f["properties"]["unit_id"] for f in feats] == frame["unit_id"].tolist()
    geom = MapGeometry(provinces=[], districts=[], neighbours=[],
                       crossings=pd.DataFrame(columns=["name_en", "name_th", "lon", "lat", "crossing_type",
                                                       "approximate"]))
    deck = json.loads(hm.deck(geom, feats, "en", show_crossings=False, show_parallel=False).to_json())
    layer = next(x for x in deck["layers"] if x["id"] == hm.LAYER_RESULT)
    assert layer["@@type"] == "H3HexagonLayer" and layer["getHexagon"] == "@@=unit_id"
    assert layer["data"][0]["tip"].startswith("Mueang Mukdahan\n") and layer["data"][0]["line"][:3] == [20, 20, 20]
    # the same map with the outlines as GeoJSON: several times the bytes
    outlines = frame.geometry.__geo_interface__["features"]
    as_geojson = len(json.dumps([{**f, "geometry": o["geometry"]} for f, o in zip(feats, outlines)]))
    assert len(json.dumps(layer["data"])) * 3 < as_geojson


def test_a_district_result_keeps_its_outlines():
    frame = h3_frame(2).assign(unit="district")
    feats = hm.result_features(frame, "gi", "th")
    assert all(f["geometry"]["type"] == "Polygon" for f in feats)
