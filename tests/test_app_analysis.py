"""The Hotspots, Trends and Province briefing pages through AppTest, for each role that sees them."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ntswatch_geo.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def env(demo_db, users_file, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(demo_db))
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
    at.selectbox(key="hs_method").set_value(method).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("deck_gl_json_chart")
    assert at.dataframe


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


def test_briefing_with_a_malformed_period_says_so(env):
    at = page("ana", "app_pages/briefing.py")
    at.text_input(key="br_period").input("last summer").run()
    assert not at.exception and at.error
