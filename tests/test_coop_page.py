"""The Cooperation page's builders (issue 14, item 2): the period control's dates, the headline figures, the
timeline and the partnership map, on the real geography and activities stored by the record's own writer, in
both stores. The page itself is in tests/test_app_coop.py (AppTest) and tests/test_browser_coop.py (Chromium)."""
from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pytest

from ntswatch_geo import maps
from ntswatch_geo.cooperation import maps as cm
from ntswatch_geo.cooperation import page_charts as pc
from ntswatch_geo.cooperation import record, summary
from ntswatch_geo.db import connect, transaction
from ntswatch_geo.scope import Scope

TODAY = dt.date(2026, 10, 31)
ALL = Scope("planner", username="plan")
OFFICER = Scope("district_officer", district_code="2706", username="off2706")
GOV = Scope("governor", province_code="27", username="gov27")
# (type, start, district, facing, participants, change agents, budget, title)
ACTIVITIES = [
    ("workshop", "15/03/2568", "2706", "Paoy Paet", {"th_officials": 12, "kh_leaders": 8}, 0, "12,500",
     "เวทีเชื่อมโยงลุ่มน้ำโขง <b>ครั้งที่ 1</b>"),
    ("nts_literacy_training", "20/11/2568", "2706", None, {"th_citizens": 30}, 25, "48,500", "อบรมแกนนำ"),
    ("social_cultural", "1/6/2567", "2706", "Malai; Paoy Paet", {"th_youth": 40, "kh_youth": 25}, 0, None,
     "ฟุตบอลเยาวชนสองฝั่ง"),
    ("visit_across", "10/01/2569", "4301", "Hadxaifong", {"th_officials": 6, "la_officials": 6}, 0, "9,000",
     "ศึกษาดูงานฝั่งลาว"),
    ("security_dialogue", "5/8/2568", "2301", "Samlout", {"th_officials": 4, "kh_officials": 150}, 0, None,
     "หารือด่านชายแดน"),
]


def store_activities(con, rows=ACTIVITIES, actor: str = "test") -> list[int]:
    g = record.geo(con)
    checked = []
    for kind, start, district, facing, people, agents, budget, title in rows:
        c = record.check(con, {"activity_type": kind, "start_date": start, "district": district, "facing": facing,
                               "change_agents": agents, "budget_thb": budget, "title": title, **people},
                         today=TODAY, g=g)
        assert c.ok, c.issues
        checked.append(c.activity)
    return transaction(con, lambda: record.store(con, checked, actor=actor, source="entry"))


@pytest.fixture(scope="module")
def world(module_store_copy):
    """The geography with ACTIVITIES stored, in each store; read-only use."""
    path = module_store_copy("geo")
    con = connect(path)
    try:
        ids = store_activities(con)
        geom = maps.load_geometry(con)
    finally:
        con.close()
    return {"db": path, "ids": ids, "geom": geom}


@pytest.fixture
def con(world):
    c = connect(world["db"])
    yield c
    c.close()


# ---------------------------------------------------------------------------------------------- the period

def test_a_fiscal_year_runs_from_october_to_september_and_is_named_by_its_end():
    assert pc.fiscal_year(dt.date(2025, 9, 30)) == 2025 and pc.fiscal_year(dt.date(2025, 10, 1)) == 2026
    assert pc.period_bounds("fy2026", TODAY) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    assert pc.period_bounds("fy2027", TODAY) == (dt.date(2026, 10, 1), TODAY)        # the current one: to today
    assert pc.period_label("fy2026", "th") == "ปีงบประมาณ 2569" and pc.period_label("fy2026", "en") == "Fiscal year 2026"


def test_the_period_choices_cover_the_record_from_its_first_fiscal_year():
    opts = pc.period_options(dt.date(2023, 5, 1), TODAY)
    assert opts[:3] == ["all", "12m", "36m"] and opts[-1] == "custom"
    assert [o for o in opts if o.startswith("fy")] == ["fy2027", "fy2026", "fy2025", "fy2024", "fy2023"]
    assert [o for o in pc.period_options(None, TODAY) if o.startswith("fy")] == ["fy2027"]


def test_the_period_bounds_of_each_choice():
    assert pc.period_bounds("all", TODAY) == (None, TODAY)
    a, b = pc.period_bounds("12m", TODAY)
    assert b == TODAY and (b - a).days == 364
    a, b = pc.period_bounds("36m", TODAY)
    assert a == dt.date(2023, 11, 1) and b == TODAY
    assert pc.period_bounds("custom", TODAY, dt.date(2025, 5, 1), dt.date(2025, 1, 1)) == \
        (dt.date(2025, 1, 1), dt.date(2025, 5, 1))                                      # swapped, not refused
    assert pc.period_bounds("custom", TODAY, None, None) == (None, TODAY)
    with pytest.raises(ValueError, match="allowed"):
        pc.period_bounds("forever", TODAY)


def test_three_years_back_from_a_leap_day_is_a_real_day():
    a, b = pc.period_bounds("36m", dt.date(2028, 2, 29))
    assert a == dt.date(2025, 3, 1) and b == dt.date(2028, 2, 29)


# ---------------------------------------------------------------------------------------------- figures

def test_the_headline_figures_agree_with_the_per_district_record(con):
    acts = summary.activities(con, ALL)
    k = pc.kpis(acts)
    dsum = summary.district_summary(con, ALL, TODAY)
    assert k["activities"] == len(ACTIVITIES) == dsum["activities"].sum()
    assert k["joint_activities"] == dsum["joint_activities"].sum() == 4
    assert k["people_th"] == dsum["people_th"].sum() == 12 + 30 + 40 + 6 + 4
    assert k["people_across"] == dsum["people_across"].sum() == 8 + 25 + 6 + 150
    assert k["change_agents"] == 25 and k["budget_thb"] == pytest.approx(12_500 + 48_500 + 9_000)
    assert pc.kpis(acts.iloc[0:0]) == dict.fromkeys(pc.KPI_KEYS, 0)


def test_the_headline_figures_follow_the_scope_and_the_type_choice(con):
    mine = pc.kpis(summary.activities(con, OFFICER))
    assert mine["activities"] == 3 and mine["people_across"] == 8 + 25
    trainings = pc.kpis(summary.activities(con, ALL, types=["nts_literacy_training"]))
    assert trainings["activities"] == 1 and trainings["joint_activities"] == 0 and trainings["change_agents"] == 25


def test_the_timeline_draws_each_activity_by_date_and_district_coloured_by_type(con):
    acts = summary.activities(con, ALL)
    fig = pc.timeline(acts, "th")
    traces = {tr.name: tr for tr in fig.data}
    assert set(traces) == {pc.type_label(k, "th") for k in acts["activity_type"]}
    assert sum(len(tr.x) for tr in fig.data) == len(acts)
    work = traces[pc.type_label("workshop", "th")]
    assert work.marker.color == pc.TYPE_COLOURS["workshop"]
    assert list(work.y) == ["อรัญประเทศ"] and pd.Timestamp(work.x[0]).date() == dt.date(2025, 3, 15)
    assert work.customdata[0][0] == "15 มี.ค. 2568"                          # Buddhist-era date in the hover
    assert "&lt;b&gt;" in work.customdata[0][1] and "<b>ครั้งที่" not in work.customdata[0][1]  # typed tags are text
    assert any("2568" in x for x in fig.layout.xaxis.ticktext)              # month ticks in the Buddhist era
    assert "วันเริ่มกิจกรรม" == fig.layout.xaxis.title.text
    en = pc.timeline(acts, "en")
    assert {"Aranyaprathet", "Mueang Nong Khai", "Mueang Trat"} == {y for tr in en.data for y in tr.y}
    assert any("2025" in x for x in en.layout.xaxis.ticktext) and not any("2568" in x for x in en.layout.xaxis.ticktext)


def test_a_busy_timeline_draws_one_point_per_district_type_and_month(con):
    acts = summary.activities(con, ALL)
    workshop = acts[acts["activity_type"] == "workshop"].iloc[0]            # 15 March 2025, Aranyaprathet
    copies = pd.DataFrame([{**workshop.to_dict(), "id": 900 + d, "start_date": pd.Timestamp(2025, 3, d),
                            "end_date": pd.Timestamp(2025, 3, d)} for d in (2, 3, 4)])
    busy = pd.concat([acts, copies], ignore_index=True)
    fig = pc.timeline(busy, "th", max_points=4)
    assert fig.layout.title.text.startswith("กิจกรรมรายเดือนและอำเภอ")
    work = next(tr for tr in fig.data if tr.name == pc.type_label("workshop", "th"))
    assert len(work.x) == 1 and list(work.customdata[0][:2]) == ["มี.ค. 2568", "4"]   # four in March 2568
    assert sum(int(c[1]) for tr in fig.data for c in tr.customdata) == len(busy)
    assert sum(len(tr.x) for tr in pc.timeline(busy, "th").data) == len(busy)      # below the limit: each one


def test_an_empty_timeline_is_a_figure_without_traces():
    fig = pc.timeline(pd.DataFrame(), "th")
    assert len(fig.data) == 0 and fig.layout.title.text == "กิจกรรมตามวันที่และอำเภอ (สี: ประเภท ขนาด: จำนวนผู้เข้าร่วม)"


def test_markers_grow_with_participants_and_shrink_on_a_busy_timeline():
    few = pc.marker_size([0, 10, 100, 10_000], n=10)
    assert list(few) == sorted(few) and few[0] == 9 and few[-1] == 28
    busy = pc.marker_size([0, 10_000], n=1000)
    assert busy[0] < few[0] and busy[-1] < few[-1]


def test_activities_per_year_has_a_column_for_each_year_zero_where_none(con):
    wide, heads = pc.yearly_columns(summary.yearly(con, OFFICER), "th")
    assert [h for _, h in heads] == ["2567", "2568"]                 # 2024, 2025 in the Buddhist era
    row = wide[wide["district_code"] == "2706"].iloc[0]
    assert row["y2024"] == 1 and row["y2025"] == 2
    gap = pd.DataFrame({"district_code": ["x", "x"], "year": [2020, 2023], "activities": [1, 2]})
    wide, heads = pc.yearly_columns(gap, "en")
    assert [h for _, h in heads] == ["2020", "2021", "2022", "2023"] and list(wide.iloc[0, 1:]) == [1, 0, 0, 2]


def test_a_pairs_activities_are_those_naming_that_facing_district(con):
    acts = summary.activities(con, OFFICER)
    pairs = summary.partnerships(con, OFFICER)
    paoy = pairs.loc[pairs["neighbour_en"] == "Paoy Paet", "neighbour_id"].item()
    malai = pairs.loc[pairs["neighbour_en"] == "Malai", "neighbour_id"].item()
    assert set(pc.pair_activities(acts, "2706", paoy)["activity_type"]) == {"workshop", "social_cultural"}
    assert list(pc.pair_activities(acts, "2706", malai)["activity_type"]) == ["social_cultural"]


# ---------------------------------------------------------------------------------------------- the map

def layer(deck, layer_id):
    return next(lay for lay in deck.layers if lay.id == layer_id)


def test_the_map_draws_one_line_per_parallel_area_wider_where_more_happened(con, world):
    pairs = summary.partnerships(con, OFFICER)
    dsum = summary.district_summary(con, OFFICER, TODAY)
    deck, legend = cm.deck(world["geom"], pairs, dsum, "th")
    lines = layer(deck, cm.LAYER_PAIRS).data
    assert len(lines) == len(pairs) == 3
    by = {line["neighbour_id"]: line for line in lines}
    act = dict(zip(pairs["neighbour_id"], pairs["activities"]))
    busiest, idle = max(act, key=act.get), min(act, key=act.get)
    assert act[busiest] == 2 and act[idle] == 0
    assert by[busiest]["width"] == cm.MAX_W and by[idle]["width"] == cm.FAINT_W
    assert by[idle]["colour"][:3] == list(cm.FAINT) and by[idle]["colour"][3] < by[busiest]["colour"][3]
    row = pairs[pairs["neighbour_id"] == busiest].iloc[0]
    assert by[busiest]["from"] == [round(row["from_lon"], 5), round(row["from_lat"], 5)]
    assert by[busiest]["to"] == [round(row["to_lon"], 5), round(row["to_lat"], 5)]
    assert lines[-1]["neighbour_id"] == busiest                    # drawn last: on top of the faint ones
    outlines = layer(deck, cm.LAYER_DISTRICTS).data["features"]
    assert [f["properties"]["code"] for f in outlines] == ["2706"]
    # the legend counts every pair once
    en = cm.deck(world["geom"], pairs, dsum, "en")[1]
    assert sum(int(re.search(r"\(pairs: (\d+)\)", text).group(1)) for _, text in en[:-1]) == len(pairs)
    assert [text for _, text in legend][-1] == "นอกพื้นที่ศึกษา (ไม่ได้วิเคราะห์)"


def test_the_lines_are_coloured_by_the_people_from_across_the_border(con, world):
    pairs = summary.partnerships(con, ALL)
    deck, legend = cm.deck(world["geom"], pairs, summary.district_summary(con, ALL, TODAY), "en")
    lines = {(ln["district_code"], ln["neighbour_id"]): ln for ln in layer(deck, cm.LAYER_PAIRS).data}
    active = pairs[pairs["activities"] > 0].sort_values("people_across")
    colours = [lines[(r.district_code, r.neighbour_id)]["colour"][:3] for r in active.itertuples()]
    shades = [cm.ACROSS.index(tuple(c)) for c in colours]
    assert shades == sorted(shades) and shades[0] < shades[-1]      # more people across: a deeper shade
    assert [t for _, t in legend][-2:] == [f"No joint activity in the period, drawn faint (pairs: {len(pairs) - len(active)})",
                                           "Outside the study area (not analysed)"]


def test_the_tooltips_are_in_the_viewers_language(con, world):
    pairs = summary.partnerships(con, OFFICER)
    dsum = summary.district_summary(con, OFFICER, TODAY)
    th = {ln["neighbour_id"]: ln["tip"] for ln in layer(cm.deck(world["geom"], pairs, dsum, "th")[0], cm.LAYER_PAIRS).data}
    en = {ln["neighbour_id"]: ln["tip"] for ln in layer(cm.deck(world["geom"], pairs, dsum, "en")[0], cm.LAYER_PAIRS).data}
    paoy = pairs.loc[pairs["neighbour_en"] == "Paoy Paet", "neighbour_id"].item()
    assert th[paoy].splitlines()[0] == "อรัญประเทศ (สระแก้ว) ↔ Paoy Paet (กัมพูชา)"
    assert "กิจกรรมร่วม: 2" in th[paoy] and "กิจกรรมล่าสุด: 15 มี.ค. 2568" in th[paoy]
    assert en[paoy].splitlines()[0] == "Aranyaprathet (Sa Kaeo) ↔ Paoy Paet (Cambodia)"
    assert "Joint activities: 2" in en[paoy] and "Last activity: 15 Mar 2025" in en[paoy]
    assert "From across the border: 33" in en[paoy]
    outline = layer(cm.deck(world["geom"], pairs, dsum, "th")[0], cm.LAYER_DISTRICTS).data["features"][0]
    assert outline["properties"]["tip"].splitlines()[:2] == ["อรัญประเทศ (สระแก้ว)", "กิจกรรม: 3"]


def test_a_picked_pair_is_outlined_and_read_back_from_the_click(con, world):
    pairs = summary.partnerships(con, OFFICER)
    dsum = summary.district_summary(con, OFFICER, TODAY)
    nid = pairs["neighbour_id"].iloc[1]
    deck, _ = cm.deck(world["geom"], pairs, dsum, "th", picked=("2706", nid))
    pick = layer(deck, "coop_pick").data
    assert len(pick) == 1 and pick[0]["neighbour_id"] == nid and pick[0]["colour"][:3] == list(cm.PICKED)
    assert not layer(cm.deck(world["geom"], pairs, dsum, "th")[0], "coop_pick").data
    line = next(ln for ln in layer(deck, cm.LAYER_PAIRS).data if ln["neighbour_id"] == nid)
    assert cm.picked_pair({cm.LAYER_PAIRS: [line]}) == ("2706", nid)
    assert cm.picked_pair({"neighbours": [{"x": 1}]}) is None
    assert cm.picked_district({cm.LAYER_DISTRICTS: [{"properties": {"code": "2706"}}]}) == "2706"


def test_the_view_frames_the_district_and_the_facing_districts_across(con, world):
    pairs = summary.partnerships(con, OFFICER)
    view = cm.view(world["geom"], pairs, ["2706"])
    for r in pairs.itertuples():
        for lon, lat in ((r.from_lon, r.from_lat), (r.to_lon, r.to_lat)):
            x, y = maps.pixel_of(view, lon, lat, cm.COOP_SIZE)
            assert 0 < x < cm.COOP_SIZE.width and 0 < y < cm.COOP_SIZE.height
    whole = cm.view(world["geom"], summary.partnerships(con, ALL), list(summary.district_summary(con, ALL, TODAY)["code"]))
    assert whole.zoom < view.zoom - 2


def test_the_map_does_not_grow_with_the_number_of_activities(store_copy):
    """200 more activities on the same pairs: the same rows in every layer, about the same bytes."""
    con = connect(store_copy("geo"))
    try:
        store_activities(con, ACTIVITIES[:1])
        geom = maps.load_geometry(con)
        before = cm.deck(geom, summary.partnerships(con, ALL), summary.district_summary(con, ALL, TODAY), "th")[0]
        rng = np.random.default_rng(3)
        more = [("workshop", f"{d}/{m}/2568", "2706", "Paoy Paet", {"th_officials": int(n), "kh_leaders": int(n)},
                 0, None, f"เวที {i}") for i, (d, m, n) in enumerate(zip(rng.integers(1, 28, 200),
                                                                           rng.integers(1, 10, 200),
                                                                           rng.integers(1, 90, 200)))]
        store_activities(con, more)
        after = cm.deck(geom, summary.partnerships(con, ALL), summary.district_summary(con, ALL, TODAY), "th")[0]
        assert summary.activities(con, ALL).shape[0] > 150
        for a, b in zip(before.layers, after.layers):
            size = (lambda d: len(d["features"]) if isinstance(d, dict) else len(d))
            assert size(a.data) == size(b.data), a.id
        assert maps.deck_payload_bytes(after) < 1.02 * maps.deck_payload_bytes(before)
        assert json.loads(after.to_json())["layers"]
    finally:
        con.close()


def test_a_swot_note_names_an_activity_of_its_own_district_only(store_copy):
    from ntswatch_geo import sites
    from ntswatch_geo.errors import InputError

    con = connect(store_copy("geo"))
    try:
        ids = store_activities(con, ACTIVITIES[:1] + ACTIVITIES[3:4])          # one in 2706, one in 4301
        note = sites.add_note(con, "2706", "opportunities", "ตลาดนัดชายแดนร่วม", "plan", activity_id=ids[0])
        n = sites.notes(con, ["2706"])
        assert list(n["id"]) == [note] and n["activity_id"].item() == ids[0]
        assert n["activity_title"].item() == ACTIVITIES[0][7] and pd.Timestamp(n["activity_date"].item()).date() == \
            dt.date(2025, 3, 15)
        with pytest.raises(InputError, match="activity_id: .* is not a cooperation activity of district 2706"):
            sites.add_note(con, "2706", "threats", "x", "plan", activity_id=ids[1])
        with pytest.raises(InputError, match="activity_id"):
            sites.add_note(con, "2706", "threats", "x", "plan", activity_id=999_999)
        plain = sites.add_note(con, "2706", "threats", "ไม่มีกิจกรรม", "plan")
        assert pd.isna(sites.notes(con, ["2706"]).set_index("id").loc[plain, "activity_id"])
        assert len(sites.notes(con)) == 2
    finally:
        con.close()
