"""Switch to Thai and find no raw key or "None" on any page (issue 12, item 4), in Debian's Chromium.

Each role that sees different pages (admin: all of them; governor, district officer, planner) signs in and opens
every page it can reach in Thai (the admin in English too), as do visitors on the public report and status pages;
the Hotspots page is read once per method (as the admin in Thai; Gi* and emerging hot spots as the admin in English, Gi*
for the other roles), the queue once per status tab, the data page after an import with rejected rows. The text read is what a person sees: the main area and the sidebar (expanders opened),
and the header and cells of every dataframe. Streamlit draws dataframes on a canvas (glide-data-grid), which
`inner_text` cannot read; glide-data-grid keeps an accessible copy of the rendered part of the grid inside the
canvas element (`<table role="grid">` with `th role=columnheader` and `td role=gridcell`, for screen readers),
and that table is read instead, with the grid made tall and wide enough that every row and column is drawn.

Every page's text goes through tests/page_text_scan.scan: snake_case tokens, taxonomy codes, "None"/"nan"/"NaT",
locale keys, numbers with more than two decimals or without thousands separators, and in Thai mode English
words outside an allow list of proper nouns, methods and units. A failure lists every finding with its context.
"""
from __future__ import annotations

import os
import re
import shutil

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, app_db, app_users, browser,  # noqa: F401
                             assert_no_exception, choose, screenshot, sign_in, streamlit_server, wait_idle)
from page_text_scan import dedupe, scan

if not CHROMIUM.exists():
    if not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from ntswatch_geo.i18n import label, t  # noqa: E402

pytestmark = pytest.mark.browser

LANGS = ("th", "en")
EN_LABELS = {"username": "Username", "password": "Password", "submit": "Sign in"}
# what each role reaches (app.py): every role the explore and plan pages and the data page; officers and admins
# the office form and the queue; admins the admin and audit pages
PAGES = {
    "admin": ("overview", "hotspots", "trends", "briefing", "sites", "cooperation", "office", "queue", "data", "admin",
              "audit"),
    "governor": ("overview", "hotspots", "trends", "briefing", "sites", "cooperation", "data"),
    "district_officer": ("overview", "hotspots", "trends", "briefing", "sites", "cooperation", "office", "queue", "data"),
    "planner": ("overview", "hotspots", "trends", "briefing", "sites", "cooperation", "data"),
}
PUBLIC = ("", "status")           # the report form (the signed-out home page) and the status page
HOTSPOT_METHODS = {("admin", "th"): ("gi", "lisa", "ehsa", "hdbscan", "dbscan"), ("admin", "en"): ("gi", "ehsa")}
QUEUE_TABS = ("new", "verified", "forwarded", "rejected", "suspected_spam")
# findings on parts being rewritten elsewhere: xfail with the reason while they are (empty: every page passes).
# (page prefix of the view, a pattern of the finding, the reason)
KNOWN: list[tuple[str, re.Pattern, str]] = []
# not English-only, so not a finding: the hotspot map legend names each class in both languages, the page's
# first ("จุดร้อน ความเชื่อมั่น 99% · Hot spot, 99% confidence (2)", hotspot_maps.legend_rows, by design and
# tested in tests/test_hotspots_effort.py)
BILINGUAL = re.compile(r"English in Thai mode: .*«[^»]*[\u0e00-\u0e7f] · [A-Z][^»]*»")

# a CSV whose rows are all refused: a Buddhist-era year in the future, a day that does not exist, no category
# (one file per language: the same file twice is not imported again)
REJECTS_CSV = ("occurred_date,category,province,district,description\n"
               "15/11/2570,drug_trafficking,สระแก้ว,อรัญประเทศ,ทดสอบวันที่อนาคต {lang}\n"
               "31/02/2568,smuggling,สระแก้ว,อรัญประเทศ,ทดสอบวันที่ไม่มีจริง {lang}\n"
               "01/03/2568,,สระแก้ว,อรัญประเทศ,ทดสอบไม่มีประเภท {lang}\n")

# glide-data-grid draws every cell and header with the 2D canvas's fillText: record what is drawn, as drawn
RECORD_DRAWN_JS = """(() => { const fill = CanvasRenderingContext2D.prototype.fillText; window.__drawn = [];
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        if (window.__drawn.length < 100000) window.__drawn.push(String(text));
        return fill.call(this, text, ...rest); }; })()"""
# scroll each dataframe through (down to MAX_GRID_PX, and across) so each cell is drawn once at least
GRIDS_JS = """async (maxPx) => { const sleep = ms => new Promise(r => setTimeout(r, ms)); const out = [];
    for (const s of document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')) {
        window.__drawn = [];
        for (let y = 0; y <= Math.min(s.scrollHeight, maxPx); y += Math.max(100, s.clientHeight * 0.8))
            for (let x = 0; x <= s.scrollWidth; x += Math.max(100, s.clientWidth * 0.8)) {
                s.scrollTo(x, y); await sleep(150); }
        s.scrollTo(0, 0); await sleep(100);
        out.push(window.__drawn.filter((t, i, a) => t.trim() && t !== a[i - 1]).join(' | '));
    }
    return out; }"""
# the text a person reads: icons (Material Symbols ligatures such as "local_fire_department", drawn as a
# glyph) are left out, so is code (a command such as `ntswatch users add`, literal by design), and so is text
# for screen readers only, drawn in a 1-pixel box (Streamlit's own "add icon" of the file uploader)
TEXT_JS = """(selector) => { const root = document.querySelector(selector); if (!root) return '';
    const unseen = e => { const r = e.getBoundingClientRect(); return r.width <= 1 && r.height <= 1; };
    const hidden = [...root.querySelectorAll('[aria-hidden="true"], [data-testid="stIconMaterial"], code'),
                    ...[...root.querySelectorAll('span')].filter(e => e.textContent.trim() && unseen(e))];
    hidden.forEach(e => { e.dataset.scanDisplay = e.style.display; e.style.display = 'none'; });
    const text = root.innerText;
    hidden.forEach(e => { e.style.display = e.dataset.scanDisplay; delete e.dataset.scanDisplay; });
    return text; }"""
MAX_GRID_PX = 4000
PAGE_TIMEOUT_MS = 4 * RUN_TIMEOUT_MS     # one script run; the machine is shared, pages are slow under load


@pytest.fixture(scope="module")
def proper_nouns(app_db):  # noqa: F811
    """Text that is not the interface's and may show in Thai mode: the Lao and Cambodian districts' names
    (English only in the boundary data), the test accounts' names, and what reporters wrote (the synthetic
    reports' descriptions and places, some bilingual)."""
    from ntswatch_geo.db import connect

    con = connect(app_db, read_only=True)
    try:
        names = [n for (n,) in con.execute(
            "SELECT name_en FROM neighbour_districts UNION SELECT province_en FROM neighbour_districts "
            "WHERE province_en IS NOT NULL UNION SELECT description FROM reports WHERE description IS NOT NULL "
            "UNION SELECT place_text FROM reports WHERE place_text IS NOT NULL").fetchall()]
    finally:
        con.close()
    users = [x for a in ACCOUNTS.values() for x in (a.username, f"Test {a.role}")] + ["rejects.csv"]  # a file name
    return tuple(names + users)


@pytest.fixture(scope="module")
def db(app_db, tmp_path_factory):  # noqa: F811
    """This module's own copy (it imports a file and reads the audit log)."""
    path = tmp_path_factory.mktemp("every_page") / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    return path


@pytest.fixture(scope="module")
def base(db, app_users, proper_nouns):  # noqa: F811
    with streamlit_server(db, app_users) as url:
        yield url


@pytest.fixture(scope="module")
def signed_in(browser, base):  # noqa: F811
    """One signed-in browser context per role (the session cookie carries the sign-in to every page)."""
    contexts = {}

    def get(role: str):
        if role not in contexts:
            context = new_context(browser)
            page = context.new_page()
            sign_in(page, base, ACCOUNTS[role])
            page.locator('[data-testid="stMetric"]').first.wait_for()
            wait_idle(page, PAGE_TIMEOUT_MS)
            contexts[role] = (context, page)
        return contexts[role][1]

    yield get
    for context, _ in contexts.values():
        context.close()


def open_page(page, base: str, path: str, lang: str) -> None:
    """Open a page by its address (the overview is the signed-in home page, "/")."""
    page.goto(f"{base}/{'' if path == 'overview' else path}?lang={lang}", wait_until="domcontentloaded")
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    wait_idle(page, PAGE_TIMEOUT_MS)


def new_context(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="th-TH")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.add_init_script(RECORD_DRAWN_JS)
    return context


def visible_text(page) -> str:
    """The main area, the sidebar (expanders opened) and what every dataframe draws."""
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    for _ in range(50):               # one at a time: opening one changes which are closed (nested ones appear)
        if not closed.count():
            break
        closed.first.click()
    parts = [page.evaluate(TEXT_JS, s) for s in ('[data-testid="stMain"]', '[data-testid="stSidebar"]', '[role="dialog"]')]
    parts += page.evaluate(GRIDS_JS, MAX_GRID_PX)
    return "\n".join(parts)


def check(page, where: str, lang: str, nouns: tuple, shot: str | None = None) -> list[str]:
    assert_no_exception(page, where)
    if shot:
        screenshot(page, shot)
    text = visible_text(page)
    return [f"{where}: {f}" for f in dedupe(scan(text, lang, nouns))]


def views(page, base: str, path: str, lang: str, role: str):
    """Open `path` and yield (name, screenshot name) for each state of it to read."""
    open_page(page, base, path, lang)
    if path == "hotspots":
        # every method once (as the admin, in Thai), the emerging hot spots' texts in English too: each run of a
        # statistic takes a while on a loaded machine. A governor's or officer's scope may be too small for a
        # statistic: the page then says so, and that text is read.
        for m in HOTSPOT_METHODS[role, lang] if (role, lang) in HOTSPOT_METHODS else ("gi",):
            if m != "gi":
                choose(page, t("hotspots.method", lang), t(f"hotspots.method_{m}", lang), 2 * PAGE_TIMEOUT_MS)
            yield f"hotspots/{m}", f"every_page_{role}_hotspots_{m}_{lang}.png" if m in ("gi", "ehsa") else None
    elif path == "queue":
        for s in QUEUE_TABS if role == "admin" else ("new",):
            if s != "new":
                page.locator('[data-testid="stButtonGroup"]').get_by_text(label("status", s, lang), exact=True).first.click()
                wait_idle(page, PAGE_TIMEOUT_MS)
            yield f"queue/{s}", f"every_page_{role}_queue_{s}_{lang}.png" if s == "new" else None
    elif path == "data" and role == "admin":
        yield "data", None
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            files=[{"name": "rejects.csv", "mimeType": "text/csv", "buffer": REJECTS_CSV.format(lang=lang).encode("utf-8")}])
        wait_idle(page, PAGE_TIMEOUT_MS)
        page.get_by_role("button", name=t("data.import_button", lang), exact=True).click()
        wait_idle(page, PAGE_TIMEOUT_MS)
        page.locator('[data-testid="stDataFrame"]').first.wait_for()
        yield "data/import rejects", f"every_page_{role}_data_rejects_{lang}.png"
    else:
        yield path, f"every_page_{role}_{path}_{lang}.png"


# every role in Thai (where English-only labels are looked for too); in English the admin, who sees every page
# (the other roles' pages are subsets of the admin's, and a raw key or "None" shows in either language)
WALKS = [(role, "th") for role in PAGES] + [("admin", "en")]


@pytest.mark.parametrize("role,lang", WALKS, ids=[f"{r}-{lang}" for r, lang in WALKS])
def test_signed_in_pages_show_labels_not_keys(signed_in, base, proper_nouns, role, lang):
    page = signed_in(role)
    findings, known, reasons = [], [], {}
    for path in PAGES[role]:
        for where, shot in views(page, base, path, lang, role):
            for f in check(page, f"{role}/{lang}/{where}", lang, proper_nouns, shot):
                if where.startswith("hotspots") and BILINGUAL.search(f):
                    continue
                reason = next((r for p, rx, r in KNOWN if where.startswith(p) and rx.search(f)), None)
                (known if reason else findings).append(f)
                if reason:
                    reasons[reason] = reasons.get(reason, 0) + 1
    assert not findings, (f"{len(findings)} raw keys, codes or unformatted values:\n" + "\n".join(findings)
                          + (f"\n(and {len(known)} known: {reasons})" if known else ""))
    if known:
        pytest.xfail("; ".join(f"{r} ({n} findings)" for r, n in reasons.items()) + ":\n" + "\n".join(known))


@pytest.mark.parametrize("lang", LANGS)
def test_public_pages_show_labels_not_keys(browser, base, proper_nouns, lang):  # noqa: F811
    context = new_context(browser)
    page = context.new_page()
    try:
        findings = []
        for path in PUBLIC:
            open_page(page, base, path, lang)
            findings += check(page, f"public/{lang}/{path or 'report'}", lang, proper_nouns,
                              f"every_page_public_{path or 'report'}_{lang}.png")
        assert not findings, f"{len(findings)} raw keys, codes or unformatted values:\n" + "\n".join(findings)
    finally:
        context.close()
