"""A planner on Model sites switches the cooperation criteria on and sees the ranking change, then downloads the
model-site dossier of that district in Thai and in English and reads it back (Debian's Chromium through
Playwright; pdftotext). The store has the demo reports and a known cooperation record: one district that ranks
low on need gets a strong, recent partnership. Screenshots and the dossier's pages (pdftoppm) go to
artifacts/screenshots/dossier_*."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess

import pytest

from browser_support import (ACCOUNTS, CHROMIUM, RUN_TIMEOUT_MS, SCREENSHOTS, app_db, app_users,  # noqa: F401
                             assert_no_exception, browser, choose, screenshot, sign_in, streamlit_server, wait_idle)
from ntswatch_geo.i18n import t

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not found (`make chromium`); in CI this fails instead", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser
expect.set_options(timeout=RUN_TIMEOUT_MS)
PLANNER = ACCOUNTS["planner"]
SHOWN = 5                           # rows of the ranking read from the grid (always drawn)


def page_weights() -> dict:
    """The weights the page uses with "greatest need" and the cooperation switch on (each at its default 1)."""
    from ntswatch_geo import sites

    return {**{k: float(v) for k, v in sites.PRESETS["greatest_need"].items()},
            **{k: 1.0 for k in sites.COOPERATION_KEYS}}


@pytest.fixture(scope="module")
def known(app_db, tmp_path_factory):  # noqa: F811
    """A copy of the browser database with a strong partnership for a district in the lower ranks on need, and
    the ranks the page should show before and after the switch (computed before the server holds the file)."""
    from ntswatch_geo import dossier, sites
    from ntswatch_geo.cooperation import record
    from ntswatch_geo.db import connect, transaction
    from ntswatch_geo.scope import Scope

    from test_coop_sites import activity, seed_activities

    path = tmp_path_factory.mktemp("dossier_browser") / "ntswatch.duckdb"
    shutil.copy(app_db, path)
    con = connect(path)
    try:
        scope = Scope("planner")
        f = dossier.default_filters(con, scope)          # the sidebar's default dates
        seed_activities(con)
        crit = sites.criteria(con, f, scope)
        need = sites.rank(crit, "greatest_need", "topsis").set_index("code")
        target = None
        for code in need.index[12:30]:                   # below the first dozen on need
            if not con.execute("SELECT count(*) FROM parallel_areas WHERE district_code = ?", [code]).fetchone()[0]:
                continue
            acts = [activity(con, code, dt.date(2026, m, 3), across=60, agents=30 if m == 8 else 0,
                             kind="nts_literacy_training" if m == 8 else "workshop") for m in (1, 4, 6, 8, 10)]
            ids = transaction(con, lambda: record.store(con, acts, actor="test", source="entry"))
            trial = sites.criteria(con, f, scope)
            on = sites.rank(trial, page_weights(), "topsis").set_index("code")
            if on.loc[code, "rank"] <= 3:
                target = code
                crit = trial
                break
            con.execute("DELETE FROM coop_activity_areas WHERE activity_id IN (SELECT unnest(?::BIGINT[]))", [ids])
            con.execute("DELETE FROM coop_activities WHERE id IN (SELECT unnest(?::BIGINT[]))", [ids])
        assert target is not None, "no district below the first dozen reaches the top 3 with the record"
        on = sites.rank(crit, page_weights(), "topsis").set_index("code")
        row = crit.set_index("code").loc[target]
    finally:
        con.close()
    return {"path": path, "code": target, "th": row["name_th"], "en": row["name_en"],
            "province_th": row["province_th"], "province_en": row["province_en"],
            "rank_need": int(need.loc[target, "rank"]), "rank_on": int(on.loc[target, "rank"]), "n": len(crit),
            "partnership": float(row["partnership_strength"]), "agents": int(row["change_agents"]),
            "active": int((crit["months_since_activity"] < sites.CONTINUITY_CAP_MONTHS).sum()),
            "joint": int((crit["partnership_strength"] > 0).sum())}


def ranking(page) -> tuple[list[str], list[list[str]]]:
    """Header and the first rows of the ranking table (the accessible table glide-data-grid keeps in the DOM)."""
    g = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
    g.scroll_into_view_if_needed()
    expect(g.locator("tbody tr").first).to_be_attached()
    header = [h.strip() for h in g.locator("thead th").all_inner_texts()]
    rows = [[c.strip() for c in r.locator("td").all_inner_texts()] for r in g.locator("tbody tr").all()[:SHOWN]]
    return header, rows


def pdf_text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def download_dossiers(browser, server, known, pdfs: dict, tmp_path) -> None:  # noqa: F811
    """Sign in as the planner, switch the cooperation criteria on, check the ranking, download both dossiers."""
    from ntswatch_geo import sites

    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="th-TH",
                                  timezone_id="Asia/Bangkok", accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, server, PLANNER)
        expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
        wait_idle(page)
        page.locator('[data-testid="stSidebarNav"] a', has_text=t("nav.sites", "th")).first.click()
        expect(page.locator("h1", has_text=t("sites.title", "th"))).to_be_visible()
        wait_idle(page)
        assert_no_exception(page, "Model sites")
        main = page.locator('[data-testid="stMain"]')

        header, before = ranking(page)
        name = header.index(t("table.district", "th"))
        assert known["th"] not in [r[name] for r in before], (known, before)      # low on need
        expect(main.get_by_text(t("coopsites.off", "th"))).to_be_visible()
        screenshot(page, "dossier_sites_before_th.png")

        # the switch: the three cooperation criteria come in, the ranking changes
        main.get_by_text(t("coopsites.switch", "th"), exact=True).click()
        wait_idle(page)
        assert_no_exception(page, "after the cooperation switch")
        for c in sites.CRITERIA:
            if c.group == "cooperation":
                expect(main.locator('[data-testid="stCheckbox"]', has_text=c.label_th)).to_be_visible()
        header, after = ranking(page)
        names = [r[name] for r in after]
        assert known["th"] in names, (known, after)
        row = after[names.index(known["th"])]
        assert int(row[header.index(t("sites.rank", "th"))]) == known["rank_on"] < known["rank_need"], row
        # the record beside the rank (the grid draws the columns in view: partnership strength is the first)
        shown = float(row[header.index(t("coopsites.col_partnership", "th"))])
        assert shown == pytest.approx(known["partnership"], abs=0.01), (header, row)
        expect(main.get_by_text(t("coopsites.in_view", "th", active=known["active"], n=known["n"],
                                  date="31 ต.ค. 2569", joint=known["joint"]), exact=True)).to_be_visible()
        screenshot(page, "dossier_sites_after_th.png")

        # the district's dossier, in Thai (the page's language) and in English
        choose(page, t("sites.explain", "th"), known["th"])
        for lang in ("th", "en"):
            if lang == "en":
                main.locator('[data-testid="stButtonGroup"]').get_by_text("English", exact=True).first.click()
                wait_idle(page)
            with page.expect_download(timeout=120_000) as dl:
                main.get_by_role("button", name=t("coopsites.dossier_pdf", "th")).click()
            pdfs[lang] = tmp_path / f"dossier_{lang}.pdf"
            shutil.copy(dl.value.path(), pdfs[lang])
            assert pdfs[lang].read_bytes()[:5] == b"%PDF-"
            wait_idle(page)
            assert_no_exception(page, f"after the {lang} dossier download")
        page.wait_for_timeout(1000)                   # the audit entries are written as the files are served
    finally:
        context.close()


def test_a_planner_switches_the_cooperation_criteria_on_and_downloads_the_dossier(browser, app_users, known,  # noqa: F811
                                                                                 tmp_path):
    from ntswatch_geo import sites

    pdfs = {}
    with streamlit_server(known["path"], app_users) as server:    # stopped before the audit trail is read
        download_dossiers(browser, server, known, pdfs, tmp_path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang, path in pdfs.items():
        info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
        assert "Pages:           1" in info and "A4" in info, info
        text = pdf_text(path)
        assert known["th"] in text and known["en"] in text                       # both names on both
        rank_line = t("dossier.rank", lang, rank=known["rank_on"], n=known["n"], score="§", method="", preset="")
        assert rank_line.split("§")[0] in text                                   # "Rank 2 of 67 districts · score"
        assert t("dossier.title", lang, district=known["th" if lang == "th" else "en"]) in text
        assert f"{known['partnership']:.2f}" in text
        for c in sites.CRITERIA:
            if c.group == "cooperation":
                assert c.label(lang) in text, (lang, c.key)
        assert t("sites.preset_custom", lang) in text                           # greatest need, changed
        assert t("dossier.effects", lang) in text and t("sheet.swot", lang) in text
        assert ("ข้อมูลจำลอง" if lang == "th" else "SYNTHETIC DATA") in text
        subprocess.run(["pdftoppm", "-r", "110", "-png", str(path), str(SCREENSHOTS / f"dossier_pdf_{lang}")],
                       check=True)
        assert (SCREENSHOTS / f"dossier_pdf_{lang}-1.png").exists()

    from ntswatch_geo.db import connect

    con = connect(known["path"])
    try:
        made = [json.loads(d) for (d,) in con.execute(
            "SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id").fetchall()]
    finally:
        con.close()
    dossiers = [(m["kind"], m["district"], m["lang"]) for m in made if m["kind"] == "model_site_dossier"]
    assert dossiers == [("model_site_dossier", known["code"], "th"), ("model_site_dossier", known["code"], "en")]
