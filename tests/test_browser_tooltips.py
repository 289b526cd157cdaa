"""Map tooltips in Chromium are plain text with real line breaks: no literal <br/>, no &#x27; (issue 12)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from browser_support import (ACCOUNTS, RUN_TIMEOUT_MS, app_db, app_users, assert_no_exception,  # noqa: F401
                             launch_chromium, screenshot, sign_in, streamlit_server, wait_idle)

pytestmark = pytest.mark.browser
MAP = '[data-testid="stDeckGlJsonChart"]'


def hover_until_tooltip(page, want: str = ""):
    """Move over the map on a grid until deck.gl shows a tooltip (holding `want`: a border district's, not a
    district's across the border); returns its inner HTML and text."""
    canvas = page.locator(f"{MAP} canvas").first
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)                    # deck.gl draws its layers
    box = canvas.bounding_box()
    tip = page.locator(".deck-tooltip")
    for fy in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        for fx in (0.5, 0.6, 0.4, 0.7, 0.3, 0.8):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.wait_for_timeout(250)
            if tip.count() and tip.first.is_visible() and want in tip.first.inner_text() \
                    and tip.first.inner_text().strip():
                return tip.first.inner_html(), tip.first.inner_text()
    raise AssertionError("no tooltip appeared anywhere on the map")


@pytest.fixture(scope="module")
def base(app_db, app_users):  # noqa: F811
    with streamlit_server(app_db, app_users) as url:
        yield url


@pytest.mark.parametrize("lang", ["th", "en"])
def test_overview_map_tooltip_is_plain_text_with_line_breaks(base, lang):
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        context.set_default_timeout(RUN_TIMEOUT_MS)
        page = context.new_page()
        try:
            labels = None if lang == "th" else {"username": "Username", "password": "Password", "submit": "Sign in"}
            sign_in(page, base, ACCOUNTS["analyst"], labels, query=f"?lang={lang}")
            expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
            wait_idle(page)
            word = "รายงาน" if lang == "th" else "Reports"
            html, text = hover_until_tooltip(page, word)
            assert "&lt;br" not in html and "<br" in html, html          # real line breaks
            assert "&amp;" not in html and "&#x27;" not in text, html    # no escaped entities shown
            assert word in text and len(text.splitlines()) >= 2, text
            screenshot(page, f"overview_tooltip_{lang}.png")
            assert_no_exception(page, "overview tooltip")
        finally:
            context.close()
            browser.close()
