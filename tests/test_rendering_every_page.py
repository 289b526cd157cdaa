"""Every page, through AppTest, with Markdown and HTML in every value a person can type: nothing renders.

Reports (place, description, contact name and phone, officer), a verification note, a redaction reason, a
SWOT note, users' display names, an audit entry, URL query values, a typed sign-in name and a typed
coordinate all hold link, image, HTML, emphasis and formula payloads. Each page is visited by a role that sees
them (admin; the district officer for the queue), and every Markdown-rendering body in the element tree
(markdown, captions, alerts, headings, labels, help) is rendered with markdown-it: no <a>/<img> to the evil
host, no raw HTML, no bold from the payload, no bare link a GFM renderer would turn into one. The values
must still be shown, as text, where the page shows them (the checks below would otherwise pass vacuously).
"""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from conftest import DEMO_END, PASSWORD
from ntswatch_geo.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
LINK = "[Sign in again](https://evil.example/x)"
PAYLOADS = [LINK, "![](https://evil.example/p.png)", "<img src=x onerror=alert(1)>", "**bold**",
            '=HYPERLINK("http://evil.example/h")']
ALL = " ".join(PAYLOADS)
NOW = dt.datetime.combine(DEMO_END, dt.time(12, 0))
# elements whose text Streamlit shows as it is (no Markdown): not checked
LITERAL = {"text", "code", "json", "html", "dataframe", "arrow_data_frame", "table", "exception"}
MD = MarkdownIt("commonmark")   # raw HTML passes through, as it would if a page allowed it
COOP_TITLE = f"กิจกรรม {ALL}"   # a cooperation activity's title (the Cooperation page's map details list it)


@pytest.fixture(scope="module")
def world(module_store_copy, tmp_path_factory):
    """A small database (1,500 synthetic reports) plus payload-laden reports, notes, audit entries and users, in
    each store."""
    from ntswatch_geo import audit, auth, privacy, sites
    from ntswatch_geo import verification as vq
    from ntswatch_geo.db import connect
    from ntswatch_geo.reports.submit import submit_report
    from ntswatch_geo.scope import Scope
    from ntswatch_geo.synth import generate

    tmp = tmp_path_factory.mktemp("rendering")
    path = module_store_copy("geo")
    con = connect(path)
    generate(con, 1500, seed=5, scenario=None, end_date=DEMO_END)
    lat, lon = con.execute("SELECT centroid_lat, centroid_lon FROM districts WHERE code = '2706'").fetchone()
    admin = Scope(role="admin", username="root")
    refs = []
    for i, text in enumerate([*PAYLOADS, ALL]):
        res = submit_report(con, {
            "category": "drug_trafficking", "occurred_date": DEMO_END - dt.timedelta(days=i),
            "lat": lat + 0.001 * i, "lon": lon, "place_text": text, "description": text, "contact_name": text,
            "contact_phone": text, "contact_consent": True, "officer": text}, channel="mwcc_office",
            actor="off2706", now=NOW)
        assert res.ok and res.duplicate_of is None, res
        refs.append((res.report_id, res.ref_no))
    rid, _ = refs[0]
    assert vq.act(con, admin, refs[1][0], "forward", 1, note=ALL, agency=next(iter(vq.AGENCIES))).ok
    assert privacy.redact(con, refs[2][0], version=1, reason=ALL, scope=admin, fields=("contact_phone",)).ok
    sites.add_note(con, "2706", "threats", ALL, "root", scope=admin)
    from ntswatch_geo.cooperation import record
    act = record.add(con, {"activity_type": "workshop", "start_date": "15/03/2568", "district": "2706",
                           "facing": "Paoy Paet", "title": COOP_TITLE, "outcome": ALL, "th_officials": 3},
                     actor="root", scope=admin, today=DEMO_END)
    sites.add_note(con, "2706", "strengths", ALL, "root", scope=admin, activity_id=act)
    audit.record(con, "view_contact", actor="root", role="admin", client=ALL, object_type="report",
                 object_id=rid, detail={"note": ALL})
    con.close()

    users = tmp / "users.toml"
    old, auth.BCRYPT_ROUNDS = auth.BCRYPT_ROUNDS, 4
    try:
        store = auth.UserStore(users)
        store.add("root", PASSWORD, "admin", display_name=ALL)
        store.add("off2706", PASSWORD, "district_officer", display_name=LINK, district_code="2706")
    finally:
        auth.BCRYPT_ROUNDS = old
    return {"db": path, "users": users, "refs": refs}


@pytest.fixture
def env(world, monkeypatch):
    monkeypatch.setenv("NTSWATCH_DB", str(world["db"]))
    monkeypatch.setenv("NTSWATCH_USERS", str(world["users"]))
    monkeypatch.delenv("NTSWATCH_DEMO_AUTOLOGIN", raising=False)
    return world


def sources(at: AppTest) -> list[tuple[str, str, str]]:
    """(element type, proto field, text) of every Markdown-rendering string in the element tree."""
    out = []
    for node in at._tree:
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if kind in LITERAL or proto is None:
            continue
        for name in ("body", "label", "help"):
            value = getattr(proto, name, None)
            if isinstance(value, str) and value:
                out.append((kind, name, value))
    return out


def unsafe(source: str) -> list[str]:
    """What a Markdown renderer would make of `source` that it must not: links or images to the evil host,
    raw HTML from the payload, bold from it, a bare URL that GFM autolinks."""
    rendered = MD.render(source)
    found = [tag for tag in re.findall(r"<[^>]+>", rendered)
             if tag.lower().startswith("<img") or "onerror" in tag.lower()
             or (tag.lower().startswith("<a ") and "evil" in tag.lower())]
    if "<strong>bold</strong>" in rendered:
        found.append("**bold** rendered as bold")
    if re.search(r"(?i)(https?://|www\.)evil", source):
        found.append("a bare link to the evil host (GFM autolinks it)")
    return found


def visible(source: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", MD.render(source)))


def check(at: AppTest, *, shown: tuple[str, ...] = ()) -> None:
    assert not at.exception, [e.value for e in at.exception]
    found = sources(at)
    bad = [f"{kind}.{name}: {problem} in {text[:60]!r}…" for kind, name, text in found for problem in unsafe(text)]
    assert not bad, "\n".join(bad)
    seen = " ".join(visible(text) for _, _, text in found)
    for text in shown:
        assert text in seen, f"{text!r} is not shown as text on this page"


def app(user: str | None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if user:
        at.session_state["auth_user"] = user
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


ADMIN_PAGES = ["overview", "hotspots", "trends", "briefing", "sites", "cooperation", "office", "queue", "data",
               "admin", "audit", "report", "status"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_every_page_shows_user_values_as_text_for_an_admin(env, page):
    at = app("root", {"cat": LINK, "ch": PAYLOADS[1]})
    check(at, shown=(LINK, PAYLOADS[1]))            # the link's values in the notice, as typed
    at.switch_page(f"app_pages/{page}.py").run()
    check(at, shown=(ALL,))                         # the admin's display name in the sidebar


def test_a_cooperation_activitys_title_is_shown_as_text_where_the_map_pick_lists_it(env):
    from ntswatch_geo.db import connect

    con = connect(env["db"])
    try:
        nid = con.execute("SELECT neighbour_id FROM coop_activity_areas").fetchone()[0]
    finally:
        con.close()
    at = app("root")
    at.switch_page("app_pages/cooperation.py").run()
    at.session_state["cp_pick"] = ("pair", "2706", nid)       # what a click on the partnership line stores
    at.run()
    check(at, shown=(COOP_TITLE,))


def test_the_queue_shows_contacts_and_the_redaction_reason_as_text(env):
    at = app("off2706")
    at.switch_page("app_pages/queue.py").run()
    check(at, shown=(LINK,))                        # the officer's display name
    refs = [ref for _, ref in env["refs"]]
    for i in (0, 3, 5):                             # (1 was forwarded: not in the queue of new reports)
        at.selectbox(key="q_pick").set_value(refs[i]).run()
        check(at, shown=([*PAYLOADS, ALL][i],))     # the contact line (consented) and the district line
    at.selectbox(key="q_pick").set_value(refs[2]).run()
    check(at, shown=(ALL, PAYLOADS[2]))             # the redaction's reason; the phone is gone, the name kept


def test_a_typed_coordinate_is_quoted_as_text_in_the_form_error(env):
    at = app(None)
    at.selectbox(key="rf_cat").set_value("drug_trafficking")
    at.text_input(key="rf_date").input(DEMO_END.strftime("%d/%m/%Y"))
    at.text_input(key="rf_lat").input(LINK)
    at.text_input(key="rf_lon").input("102.5")
    at.button(key="rf_submit").click().run()
    assert at.error
    check(at, shown=(LINK,))


def test_a_typed_reference_is_quoted_as_text_on_the_status_page(env):
    at = app(None)
    at.switch_page("app_pages/status.py").run()
    at.text_input(key="st_ref").input(LINK)
    next(b for b in at.button if b.label == "ตรวจสอบสถานะ").click().run()
    assert at.error
    check(at, shown=(LINK,))


def test_a_typed_sign_in_name_is_not_echoed_as_markdown(env):
    at = app(None)
    at.switch_page("app_pages/login.py").run()
    at.text_input(key="login_username").input(ALL)
    at.text_input(key="login_password").input("not-the-password")
    next(b for b in at.button if b.label == "เข้าสู่ระบบ").click().run()
    assert at.error
    check(at)
