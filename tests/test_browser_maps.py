"""Every map in Chromium (issue 12, item 1): where to click is computed from the view the page draws
(maps.view_for and the canvas box, browser_support.map_pixel), never guessed.

- Overview: a click on a district changes the district filter box, the headline number and the URL together;
  the reset button undoes all three; a governor's map opens on the province.
- Hotspots: a click on a hot H3 cell fills the unit panel as soon as the run ends; the legends list what is
  drawn (Gi*, emerging hot spots, HDBSCAN clusters named with their reports).
- Model sites: the shortlist map fills the column; a click on a district shows it in "why this district" and
  its criteria.
Screenshots in Thai and English go to artifacts/screenshots/maps_*.png.
"""
from __future__ import annotations

import dataclasses
import os

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, SCREENSHOTS, app_db, app_users,  # noqa: F401
                             assert_no_exception, browser, choose, click_map, map_colour_shares, map_pixel,
                             screenshot, sign_in, streamlit_server, wait_idle)

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
MAP = '[data-testid="stDeckGlJsonChart"]'
EN = {"username": "Username", "password": "Password", "submit": "Sign in"}
H3_PROVINCE, H3_RES = "57", 6      # Chiang Rai at resolution 6: the demo data has hot cells there


@pytest.fixture(scope="module")
def known(app_db):  # noqa: F811
    """What the pages will show, computed here before the server opens the database: the largest border
    district and a point inside it, the Overview numbers with and without it, and the hot H3 cell."""
    import shapely

    from ntswatch_geo import hotspots, maps, overview
    from ntswatch_geo.db import connect
    from ntswatch_geo.filters import default_filters, load_options
    from ntswatch_geo.scope import Scope

    con = connect(app_db, read_only=True)
    try:
        scope = Scope("analyst")
        f = default_filters(load_options(con, scope))
        code, th, en, wkb = con.execute("SELECT code, name_th, name_en, ST_AsWKB(geom) FROM districts "
                                        "WHERE is_border ORDER BY area_km2 DESC LIMIT 1").fetchone()
        point = shapely.from_wkb(bytes(wkb)).representative_point()
        prov_th = con.execute("SELECT name_th FROM provinces WHERE code = ?", [H3_PROVINCE]).fetchone()[0]
        fh = dataclasses.replace(f, provinces=(H3_PROVINCE,))
        gi = hotspots.run("gi", con, fh, scope, unit="h3", resolution=H3_RES, permutations=999, seed=0, fdr=True,
                          adjust="effort", inference="normal").frame
        hot = gi[(gi["bin"] > 0) & gi["name_th"].notna()].sort_values(["bin", "reports"], ascending=False).iloc[0]
        cell = hot.geometry.representative_point()
        return {
            "geom": maps.load_geometry(con), "code": code, "th": th, "en": en, "lonlat": (point.x, point.y),
            "total": overview.kpis(con, f, scope).reports,
            "one": overview.kpis(con, dataclasses.replace(f, districts=(code,)), scope).reports,
            "h3_prov_th": prov_th, "cell": {"name_th": hot["name_th"], "name_en": hot["name_en"],
                                            "label_th": hot["label_th"],
                                            "label_en": hot["label_en"], "reports": int(hot["reports"]),
                                            "lonlat": (cell.x, cell.y)},
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def server(known, app_db, app_users):  # noqa: F811
    with streamlit_server(app_db, app_users) as base:
        yield base


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="th-TH", timezone_id="Asia/Bangkok")
    context.set_default_timeout(RUN_TIMEOUT_MS)
    p = context.new_page()
    yield p
    context.close()


def wait_map(page, index: int = 0) -> None:
    """Wait until the map's canvas has its size and deck.gl has drawn the grey provinces (its first layer):
    before that a click on the map is lost."""
    import io

    import numpy as np
    from PIL import Image

    from ntswatch_geo.maps import OUTSIDE

    page.wait_for_function(f"""() => {{ const c = document.querySelectorAll('{MAP} canvas')[{index}];
        return c && c.clientWidth > 300 && c.clientHeight >= 400; }}""", timeout=RUN_TIMEOUT_MS)
    page.locator(f"{MAP} canvas").nth(index).scroll_into_view_if_needed()
    for _ in range(60):
        rgb = np.asarray(Image.open(io.BytesIO(map_png(page, index))).convert("RGB")).astype(int)
        if (np.abs(rgb - np.array(OUTSIDE)).max(axis=-1) <= 3).mean() > 0.05:
            break
        page.wait_for_timeout(500)
    page.wait_for_timeout(500)


def mark_map(page) -> None:
    """Tag the page's map canvas, to tell afterwards whether the map was updated in place or rebuilt."""
    page.evaluate(f"() => {{ document.querySelector('[data-testid=\"stMain\"] {MAP} canvas').__kept = true; }}")


def map_kept(page) -> bool:
    """Whether the map canvas tagged by mark_map is still the one on the page (a rebuilt map has a new canvas
    and a new WebGL context: seconds of drawing without a GPU)."""
    return page.evaluate(f"() => !!document.querySelector('[data-testid=\"stMain\"] {MAP} canvas')?.__kept")


def map_png(page, index: int = 0) -> bytes:
    return page.locator(MAP).nth(index).screenshot()


def kpi(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def district_box(page):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text("อำเภอ", exact=True))


def go(page, nav_text: str, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=nav_text).first.click()
    expect(page.locator("h1", has_text=title)).to_be_visible()
    wait_idle(page)


def english(page) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Reset filters")).to_be_visible()
    wait_idle(page)


def test_a_click_on_an_overview_district_filters_and_the_reset_undoes_it(server, page, known):
    from ntswatch_geo.i18n import fmt_int
    from ntswatch_geo.maps import OVERVIEW_SIZE, view_for

    sign_in(page, server, ACCOUNTS["analyst"])
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_idle(page)
    wait_map(page)
    study = map_colour_shares(map_png(page))
    (SCREENSHOTS / "maps_overview_study_area_th.png").write_bytes(map_png(page))
    assert kpi(page) == fmt_int(known["total"]) and "dist=" not in page.url
    expect(district_box(page)).not_to_contain_text(known["th"])

    click_map(page, *map_pixel(page, view_for(known["geom"], size=OVERVIEW_SIZE), *known["lonlat"]))
    # the filter box, the headline number and the URL, right after the run the click started
    expect(district_box(page)).to_contain_text(known["th"], timeout=2000)
    assert kpi(page) == fmt_int(known["one"]), (kpi(page), known)
    assert f"dist={known['code']}" in page.url, page.url
    legend = page.locator('[data-testid="stMain"]').inner_text()
    assert "อำเภอชายแดนที่อยู่นอกตัวกรอง" in legend and "นอกพื้นที่ศึกษา (ไม่ได้วิเคราะห์)" in legend
    assert_no_exception(page, "after the Overview map click")
    wait_map(page)
    png = map_png(page)
    (SCREENSHOTS / "maps_overview_click_map_th.png").write_bytes(png)
    screenshot(page, "maps_overview_click_th.png")
    zoomed = map_colour_shares(png)
    assert zoomed["warm"] > 3 * study["warm"], (study, zoomed)      # the map zoomed in on the district

    page.locator('[data-testid="stSidebar"] button', has_text="ล้างตัวกรอง").click()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', state="attached",
                           timeout=15_000)
    wait_idle(page)
    expect(district_box(page)).not_to_contain_text(known["th"], timeout=2000)
    assert kpi(page) == fmt_int(known["total"]) and "dist=" not in page.url, page.url

    english(page)
    wait_map(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Reports in the period" in text and "Outside the study area (not analysed)" in text
    assert "districts)" in text
    screenshot(page, "maps_overview_en.png")


def test_a_governors_map_opens_on_the_province(server, page):
    sign_in(page, server, ACCOUNTS["governor"])
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_idle(page)
    wait_map(page)
    shares = map_colour_shares(map_png(page))
    (SCREENSHOTS / "maps_overview_governor_th.png").write_bytes(map_png(page))
    assert shares["warm"] > 0.08, shares           # Sa Kaeo's border districts fill the map, not a sliver
    screenshot(page, "maps_overview_governor_page_th.png")


def test_a_click_on_a_hot_h3_cell_fills_the_unit_panel_at_once(server, page, known):
    from ntswatch_geo.i18n import fmt_int
    from ntswatch_geo.maps import HOTSPOT_SIZE, view_for

    sign_in(page, server, ACCOUNTS["analyst"])
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_idle(page)
    choose(page, "จังหวัด", known["h3_prov_th"])
    go(page, "จุดร้อน", "จุดร้อน")
    choose(page, "หน่วยวิเคราะห์", "หกเหลี่ยม H3")
    choose(page, "ความละเอียด H3", str(H3_RES))
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("คลิกหน่วยบนแผนที่").first).to_be_visible()
    legend = main.inner_text()
    assert "จุดร้อน ความเชื่อมั่น" in legend and "นอกพื้นที่ศึกษา (ไม่ได้วิเคราะห์)" in legend
    wait_map(page)
    (SCREENSHOTS / "maps_hotspots_h3_th.png").write_bytes(map_png(page))

    cell = known["cell"]
    view = view_for(known["geom"], provinces=(H3_PROVINCE,), size=HOTSPOT_SIZE)
    click_map(page, *map_pixel(page, view, *cell["lonlat"]))
    panel = main.locator('[data-testid="stMarkdownContainer"]', has_text=f"{cell['label_th']} · รายงาน")
    expect(panel.first).to_be_visible(timeout=2000)                      # filled by the run the click started
    expect(main.get_by_text("คลิกหน่วยบนแผนที่")).to_have_count(0, timeout=2000)
    screenshot(page, "maps_hotspots_h3_click_th.png")
    assert f"รายงาน {fmt_int(cell['reports'])}" in panel.first.inner_text()     # this cell's count
    expect(main.get_by_text(cell["name_th"], exact=True).first).to_be_visible()    # the district it lies in
    assert_no_exception(page, "after the H3 cell click")

    english(page)
    wait_map(page)
    expect(main.locator('[data-testid="stMarkdownContainer"]', has_text=f"{cell['label_en']} · Reports").first) \
        .to_be_visible()
    expect(main.get_by_text(cell["name_en"], exact=True).first).to_be_visible()
    assert "Hot spot" in main.inner_text() and "Outside the study area (not analysed)" in main.inner_text()
    screenshot(page, "maps_hotspots_h3_click_en.png")


def test_emerging_hot_spot_and_cluster_legends_list_what_is_drawn(server, page):
    from ntswatch_geo.hotspot_maps import EHSA_COLOURS
    from ntswatch_geo.hotspots import CATEGORY_LABELS

    labels = [CATEGORY_LABELS[k][1] for k in EHSA_COLOURS]
    sign_in(page, server, ACCOUNTS["analyst"])
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_idle(page)
    go(page, "จุดร้อน", "จุดร้อน")
    main = page.locator('[data-testid="stMain"]')
    wait_map(page)
    mark_map(page)
    choose(page, "วิธี", "จุดร้อนที่กำลังเกิด (Gi* ตามเวลา + Mann-Kendall)")
    expect(main.get_by_text("เดือน (Gi* ของเดือนนั้น)").first).to_be_visible()   # the emerging hot spot result
    wait_idle(page)
    assert map_kept(page), "the map was rebuilt when the method changed (the month slider moved it)"
    legend = main.locator('[data-testid="stMarkdownContainer"]', has_text="คำอธิบายสัญลักษณ์").first
    text = legend.inner_text()
    listed = [x for x in labels if f"{x} · " in text]
    assert 1 <= len(listed) < len(labels), text                         # present classes only, not all 17
    assert " (0)" not in text
    wait_map(page)
    screenshot(page, "maps_hotspots_ehsa_th.png")

    mark_map(page)
    choose(page, "วิธี", "กลุ่มความหนาแน่น (HDBSCAN)")
    expect(main.get_by_text("กลุ่มที่ 1:").first).to_be_visible()                 # the clusters are drawn
    wait_idle(page)
    assert map_kept(page), "the map was rebuilt when the method changed (the clustering settings moved it)"
    legend = main.locator('[data-testid="stMarkdownContainer"]', has_text="คำอธิบายสัญลักษณ์").first
    text = legend.inner_text()
    assert "กลุ่มที่ 1:" in text and "รายงาน" in text and "ไม่อยู่ในกลุ่มใด" in text, text
    wait_map(page)
    png = map_png(page)
    (SCREENSHOTS / "maps_hotspots_hdbscan_th.png").write_bytes(png)
    screenshot(page, "maps_hotspots_hdbscan_page_th.png")
    english(page)
    legend = main.locator('[data-testid="stMarkdownContainer"]', has_text="Legend").first
    assert "Cluster 1:" in legend.inner_text()
    wait_map(page)
    screenshot(page, "maps_hotspots_hdbscan_en.png")


def test_a_click_on_the_model_sites_map_shows_that_districts_criteria(server, page, known):
    from ntswatch_geo.maps import SITES_SIZE, view_for

    sign_in(page, server, ACCOUNTS["planner"])
    page.locator('[data-testid="stSidebarNav"] a', has_text="พื้นที่ต้นแบบ").first.wait_for()
    wait_idle(page)
    go(page, "พื้นที่ต้นแบบ", "พื้นที่ต้นแบบ")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("รายชื่อสั้น", exact=True).first).to_be_visible()
    wait_map(page)
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    assert box["width"] >= 600 and box["height"] >= 580, box                # a real map, not a thumbnail
    (SCREENSHOTS / "maps_sites_th.png").write_bytes(map_png(page))

    geom = known["geom"]
    codes = [f["properties"]["code"] for f in geom.districts]
    click_map(page, *map_pixel(page, view_for(geom, codes, (), SITES_SIZE), *known["lonlat"]))
    expect(main.get_by_text(f"ค่าเกณฑ์ของ{known['th']}").first).to_be_visible(timeout=2000)
    shown = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stSelectbox"]')]
        .filter(e => e.innerText.includes('เหตุผลของอำเภอนี้')).map(e => e.innerText + ' ' +
        [...e.querySelectorAll('input')].map(i => i.value).join(' ')).join(' | ')""")
    assert known["th"] in shown, shown                                 # "why this district" shows it too
    assert_no_exception(page, "after the Model sites map click")
    screenshot(page, "maps_sites_click_th.png")

    english(page)
    expect(main.get_by_text(f"Criteria of {known['en']}").first).to_be_visible()
    wait_map(page)
    screenshot(page, "maps_sites_click_en.png")
