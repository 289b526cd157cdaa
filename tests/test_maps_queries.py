"""Map payloads stay bounded, tooltips are escaped, and every named query is used."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from ntswatch_geo import maps, overview as ov
from ntswatch_geo.config import PROJECT_ROOT
from ntswatch_geo.db import QUERIES_DIR, connect
from ntswatch_geo.filters import Filters
from ntswatch_geo.scope import Scope
from ntswatch_geo.synth import generate

F = Filters(dt.date(2023, 1, 1), dt.date(2026, 10, 31))


def payload(con, lang="th") -> int:
    deck, _ = maps.overview_deck(maps.load_geometry(con), ov.by_district(con, F, Scope("analyst")), lang)
    return maps.deck_payload_bytes(deck)


def test_map_payload_is_under_1_mb_and_does_not_grow_with_reports(geo_db):
    con = connect(geo_db)
    generate(con, 1_000, seed=2, end_date=dt.date(2026, 10, 31))
    small = payload(con)
    generate(con, 100_000, seed=3, end_date=dt.date(2026, 10, 31))
    big = payload(con)
    assert small < 1_000_000 and big < 1_000_000
    assert abs(big - small) < 0.02 * small  # only the numbers in the tooltips change


def test_tooltips_are_plain_text_never_html():
    """The maps use deck.gl's text tooltip (set as text in the browser): a name is shown as typed, never
    interpreted, and the lines are real line breaks, not a literal <br/> (issue 12)."""
    geom = maps.MapGeometry(provinces=[], neighbours=[], crossings=pd.DataFrame(
        columns=["name_en", "name_th", "crossing_type", "lon", "lat", "approximate"]),
        districts=[{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]},
                    "properties": {"code": "0001", "name_th": "<script>x</script>", "name_en": "<b>"}}])
    counts = pd.DataFrame([{"code": "0001", "reports": 3, "per_100km2": 1.0, "mwcc": False,
                            "province_th": "<i>", "province_en": "<i>"}])
    layer, _ = maps.district_layer(geom, counts, "th")
    tip = layer.data["features"][0]["properties"]["tip"]
    assert tip.split("\n")[0].startswith("<script>x</script>") and "<br" not in tip and "&lt;" not in tip
    assert "text" in maps.TOOLTIP and "html" not in maps.TOOLTIP


def test_class_breaks_split_nonzero_values_and_zero_gets_its_own_colour():
    b = maps.class_breaks(np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    assert len(b) == 4 and np.all(np.diff(b) > 0)
    assert maps.colour_for(0, b) == maps.ZERO and maps.colour_for(10, b) == maps.PALETTE[-1]


def test_a_map_click_yields_the_district_code():
    assert maps.picked_code([{"properties": {"code": "2706"}}]) == "2706"
    assert maps.picked_code([]) is None and maps.picked_code(None) is None


def test_every_query_file_is_used_by_the_code():
    names = {p.stem for p in QUERIES_DIR.glob("*.sql")}
    code = "\n".join(p.read_text(encoding="utf-8") for p in [*PROJECT_ROOT.glob("ntswatch_geo/**/*.py"),
                                                              *PROJECT_ROOT.glob("app_pages/*.py")])
    used = set(re.findall(r"""run_query\(\s*[a-z_]+,\s*["']([a-z0-9_]+)["']""", code))
    assert names == used, {"unused": names - used, "missing": used - names}


def test_only_accessor_arguments_become_deck_expressions(geo_db):
    # pydeck turns every string argument into an "@@=" expression; a unit such as "pixels" would break the layer
    import json

    con = connect(geo_db)
    deck, _ = maps.overview_deck(maps.load_geometry(con), ov.by_district(con, F, Scope("analyst")), "en")
    for layer in json.loads(deck.to_json())["layers"]:
        for key, value in layer.items():
            if isinstance(value, str) and value.startswith("@@="):
                assert key.startswith("get"), (layer["id"], key, value)
