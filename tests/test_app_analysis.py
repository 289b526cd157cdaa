"""The Hotspots, Trends and Province briefing pages through AppTest, for each role that sees them."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ntswatch_geo.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def env(demo_store, users_file, monkeypatch):
    use_store(demo_store, users_file, monkeypatch)


def use_store(db, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(db))
    monkeypatch.setenv("NTSWATCH_USERS", str(users_file))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)


def page(user: str, path: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["auth_user"] = user
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("method", ["gi", "lisa", "ehsa", "hdbscan"])
def test_hotspots_page_runs_every_method_without_exception(env, method):
    at = page("ana", "app_pages/hotspots.py", {"from": "2023-07-01", "to": "2026-10-31"})
    at.selectbox(key="hs_method__th").set_value(method).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("deck_gl_json_chart")
    assert at.dataframe


def test_hotspots_page_opens_on_the_functions_defaults_and_says_how_reports_are_compared(env):
    at = page("ana", "app_pages/hotspots.py")
    assert at.toggle(key="hs_fdr_gi").value is True                      # FDR on for Gi*
    assert at.selectbox(key="hs_adjust__th").value == "effort"
    captions = " ".join(c.value for c in at.caption)
    assert "ระดับการรายงาน" in captions and "ไม่ใช่จุดเย็น" in captions
    frame = at.dataframe[0].value
    assert {"evidence_th", "expected", "q_value"} <= set(frame.columns)
    # the shown columns only, labelled (ui/tables.hotspot_columns): no p_sim, method or other internals
    assert list(frame.columns[:4]) == ["unit_id", "name_th", "province_th", "label_th"]
    assert frame.columns[-1] == "evidence_th" and not {"p_sim", "method", "name_en"} & set(frame.columns)
    at.selectbox(key="hs_method__th").set_value("lisa").run()
    assert at.toggle(key="hs_fdr_lisa").value is False                   # local Moran: permutations, FDR off
    at.selectbox(key="hs_method__th").set_value("ehsa").run()
    assert at.toggle(key="hs_fdr_ehsa").value is True
    assert any("ArcGIS Pro" in e.label for e in at.expander)


def test_hotspots_page_says_what_is_missing_instead_of_a_nan_map(env):
    # one district cannot make a Gi* study area
    at = page("off2706", "app_pages/hotspots.py")
    assert not at.get("deck_gl_json_chart")
    assert any("30" in w.value or "units" in w.value.lower() or "หน่วย" in w.value for w in at.warning)


@pytest.mark.parametrize("user", ["ana", "gov27", "plan"])
def test_trends_page_renders_charts_tables_and_alerts(env, user):
    at = page(user, "app_pages/trends.py")
    assert at.title[0].value == "แนวโน้ม"
    assert len(at.dataframe) >= 3


def test_a_governor_briefing_is_fixed_to_their_province(env):
    at = page("gov27", "app_pages/briefing.py")
    assert any("สระแก้ว" in c.value for c in at.caption)
    assert not any(w.key == "br_prov" for w in at.selectbox)


def test_briefing_period_is_picked_from_labelled_fiscal_quarters_with_the_compared_dates(env):
    at = page("ana", "app_pages/briefing.py")
    box = at.selectbox(key="br_period_fiscal_quarter")
    assert box.value.key == "FY2026-Q4"                        # the newest complete fiscal quarter of the data
    assert "ไตรมาส 4 ปีงบประมาณ 2569 (ก.ค.–ก.ย. 2569)" in box.options
    assert len(at.metric) == 4 and not at.error
    box.select_index(box.options.index("ไตรมาส 3 ปีงบประมาณ 2569 (เม.ย.–มิ.ย. 2569)")).run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown).replace("\\", "")    # Markdown escapes removed
    assert "ช่วงนี้ 1 เม.ย. 2569 – 30 มิ.ย. 2569" in text and "ช่วงก่อนหน้า 1 ม.ค. 2569 – 31 มี.ค. 2569" in text


def test_model_sites_page_ranks_with_acceptability_and_takes_a_swot_note(store_copy, users_file, monkeypatch):
    path = store_copy("demo")
    use_store(path, users_file, monkeypatch)
    at = page("plan", "app_pages/sites.py", {"from": "2024-01-01", "to": "2026-10-31"})
    ranked = at.dataframe[0].value
    assert len(ranked) == 67 and list(ranked["rank"])[:3] == sorted(list(ranked["rank"])[:3])
    assert ranked["acceptability"].between(0, 100).all() and ranked["score"].notna().all()
    at.text_area[0].input("ผู้ใหญ่บ้านทั้งสองฝั่งประชุมร่วมกันทุกเดือน")
    next(iter(at.get("form_submit_button"))).click().run()
    assert not at.exception, [e.value for e in at.exception]
    from ntswatch_geo.db import connect

    con = connect(path)
    assert con.execute("SELECT count(*) FROM swot_notes WHERE author = 'plan'").fetchone()[0] == 1
    con.close()


def test_all_criteria_switched_off_gives_a_message_not_an_error(env):
    at = page("plan", "app_pages/sites.py")
    for box in at.checkbox:
        if box.key and box.key.startswith("st_on_"):
            box.uncheck()
    at.run()
    assert not at.exception and any("weight" in w.value.lower() for w in at.warning)


def test_trends_page_says_how_many_months_the_default_window_has_and_how_many_are_needed(env):
    at = page("ana", "app_pages/trends.py")
    # the trend tests run on the whole period by default; on the sidebar's 365 days (11 or 12 complete
    # months, not the 24 of the seasonal test) the page says so and offers to widen
    assert not any("ขยายช่วงวันที่" in i.value for i in at.info)
    at.button_group(key="tr_window").set_value("filter").run()
    notes = [i.value for i in at.info]
    assert any(("24" in n) and ("ขยายช่วงวันที่" in n) for n in notes), notes
    assert any(b.key == "tr_widen" for b in at.button)
    assert not at.exception
