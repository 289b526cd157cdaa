"""What a user waits for in Chromium at 1,000,000 reports, next to AppTest's figure for the same action.

    NTSWATCH_BOUNDARIES_DIR=../shared/boundaries .venv/bin/python bench/bench_browser.py [--reports 1000000]
        [--seed 11] [--activities 5000] [--lang en|th] [--repeat 3] [--app-root DIR] [--build-only] [--rebuild]
        [--gl] [--trace]

1. The database: geography + N synthetic reports and A synthetic cooperation activities with the default
   scenario's planted effect (synth.generate, seed 11, up to 2026-10-31), built once and reused from
   artifacts/bench/browser_<N>_<seed>_a<A>.duckdb (git-ignored; the build time is printed when built).
2. AppTest (streamlit.testing) runs every action in a fresh process (its own cold caches): the figure a
   script-level bench reports.
3. Chromium (Debian's /usr/bin/chromium through Playwright) against `streamlit run app.py` on 127.0.0.1, a fresh
   server (cold caches), 1440x900: sign in, each page cold then warm, sidebar filter changes, Hotspots Gi* and
   emerging hot spots on H3, month-slider steps, the Cooperation page's effect estimate (What changes: NTS
   literacy training, difference-in-differences with its event study). An action's time runs from the click (or key press) until the
   page is drawn, measured in the page on every animation frame (_PAINT_JS): the last script run has ended
   (stApp's script state, watched by a MutationObserver), the title and the page's concrete element (a map
   canvas, a chart, a metric) are visible, and no later frame came after a blocked gap (a map is drawn on
   deck.gl's own frames, after its element appears). The action is over when no new run has started for
   QUIET_MS; that wait is not part of the figure. An action that starts no run is an error. The websocket
   bytes received per action are counted.
4. --gl: a Chromium trace per action; the page's wait for the GPU process is printed beside each figure
   (without a GPU that is SwiftShader drawing WebGL in software), and the rest checked against the target.

The baseline, named in the same run: the AppTest figure for the same action (ratio browser / AppTest). With
--app-root another checkout (e.g. `git archive HEAD | tar -x -C /tmp/before`) is served instead, to compare
before/after on the same machine and database.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

END = dt.date(2026, 10, 31)
BENCH_DIR = ROOT / "artifacts" / "bench"
QUIET_MS = 1500          # no new script run for this long after the last one ended: the action is done
                         # (under load a rerun, st.rerun or switch_page, can start >0.4 s after the first)
TIMEOUT_MS = 240_000
LONG_FRAME_MS = 100      # a gap between animation frames this long: the page was blocked (drawing)
SMOOTH_MS = 1000         # the paint is read once the frames have run without a long gap for this long
NO_RUN_MS = 10_000       # an action that started no script run within this is an error, not a fast figure
TARGETS = {"cold": 5.0, "warm": 1.0, "filter": 1.0, "hotspot": 5.0, "slider": 1.0, "estimate": 5.0}
ACTIVITIES = 5000
EFFECT_TYPE = "nts_literacy_training"


# -- the database ----------------------------------------------------------------------------------------

def db_path(n: int, seed: int, activities: int) -> Path:
    return BENCH_DIR / f"browser_{n}_{seed}_a{activities}.duckdb"


def database(n: int, seed: int, rebuild: bool = False, activities: int = ACTIVITIES) -> tuple[Path, Path]:
    """artifacts/bench/browser_<n>_<seed>_a<activities>.duckdb and its users file, built when missing (or
    --rebuild)."""
    from browser_support import write_users

    from ntswatch_geo.db import connect
    from ntswatch_geo.config import REFERENCE_DIR
    from ntswatch_geo.geography import build_geography, write_geography
    from ntswatch_geo.synth import generate

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    db = db_path(n, seed, activities)
    done = db.with_suffix(".done")
    users = BENCH_DIR / "browser_users.toml"
    if not users.exists():
        write_users(users)
    if db.exists() and done.exists() and not rebuild:
        print(f"database       {n:,} reports, {activities:,} activities (seed {seed}) reused from {db.relative_to(ROOT)} "
              f"(built in {done.read_text().strip()})")
        return db, users
    for p in (db, Path(f"{db}.wal"), done):
        p.unlink(missing_ok=True)
    bdir = Path(os.environ.get("NTSWATCH_BOUNDARIES_DIR", ROOT.parent / "shared" / "boundaries"))
    t = time.perf_counter()
    con = connect(db)
    write_geography(con, build_geography(bdir, REFERENCE_DIR))
    t_geo = time.perf_counter() - t
    generate(con, n, seed=seed, end_date=END, n_activities=activities)
    con.execute("CHECKPOINT")
    con.close()
    took = time.perf_counter() - t
    done.write_text(f"{took:.1f} s (geography {t_geo:.1f} s, reports {took - t_geo:.1f} s)\n")
    print(f"database       {n:,} reports, {activities:,} activities (seed {seed}) built in {took:.1f} s "
          f"(geography {t_geo:.1f} s, reports {took - t_geo:.1f} s) -> {db.relative_to(ROOT)}")
    return db, users


if __name__ == "__main__" and "--build-only" in sys.argv:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--activities", type=int, default=ACTIVITIES)
    a = ap.parse_args()
    database(a.reports, a.seed, a.rebuild, a.activities)
    sys.exit(0)


# -- the actions -----------------------------------------------------------------------------------------

PAGES = ["overview", "hotspots", "trends", "sites", "briefing", "cooperation"]   # nav.<key>, app_pages/<key>.py
NAV = {"cooperation": "coop_page.nav"}                                   # nav labels not under nav.<key>
READY = {   # what must be visible for a page to count as painted (besides its title)
    "overview": ['[data-testid="stMetric"]', '[data-testid="stDeckGlJsonChart"] canvas'],
    "hotspots": ['[data-testid="stDeckGlJsonChart"] canvas'],
    "trends": ['[data-testid="stPlotlyChart"] .main-svg'],
    "sites": ['[data-testid="stDataFrame"]', '[data-testid="stDeckGlJsonChart"] canvas'],
    "briefing": [],
    "cooperation": ['[data-testid="stMetric"]', '[data-testid="stDeckGlJsonChart"] canvas',
                    '[data-testid="stPlotlyChart"] .main-svg'],
}
TITLES = {"overview": "overview.title", "hotspots": "hotspots.title", "trends": "trends.title",
          "sites": "sites.title", "briefing": "briefing.title", "cooperation": "coop_page.title"}
FILTER_PAGES = ["overview", "trends", "sites", "hotspots"]


def plan() -> list[tuple[str, str, str]]:
    """(action, kind of target, what it does), in the order both drivers run them."""
    steps = [("sign-in -> overview", "cold", "submit the sign-in form; the Overview's map and numbers")]
    steps += [(f"{p} cold", "cold", f"first visit of {p} on a fresh server") for p in PAGES[1:]]
    steps += [(f"{p} warm", "warm", f"second visit of {p}") for p in PAGES]
    for p in FILTER_PAGES:
        steps += [(f"{p}: filter on", "filter", "toggle 'MWCC districts only' on (new filter)"),
                  (f"{p}: filter off", "filter", "toggle it off again (filter seen before: warm)")]
    steps += [("hotspots: Gi* on H3", "hotspot", "unit -> H3 hexagons (Gi*)"),
              ("hotspots: EHSA on H3", "hotspot", "method -> emerging hot spots (H3)"),
              ("hotspots: month step", "slider", "month slider one step right (median of --repeat)"),
              ("hotspots: Gi* H3 again", "warm", "method back to Gi* (computed before)"),
              ("cooperation: what changes", "estimate", "What changes: NTS literacy training (DiD + event study)")]
    return steps


# -- AppTest (runs in its own process: its own cold caches, and the database lock is released after) -----

def apptest(db: Path, users: Path, lang: str, repeat: int, app_root: Path) -> dict[str, float]:
    sys.path.insert(0, str(app_root))           # the package of the checkout served, not this file's
    from streamlit.testing.v1 import AppTest

    from browser_support import ACCOUNTS
    from ntswatch_geo.i18n import t

    os.environ.update(NTSWATCH_DB=str(db), NTSWATCH_USERS=str(users))
    os.environ.pop("NTSWATCH_DEMO_AUTOLOGIN", None)
    out: dict[str, float] = {}
    at = AppTest.from_file(str(app_root / "app.py"), default_timeout=TIMEOUT_MS / 1000)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("app_pages/login.py").run()
    a = ACCOUNTS["analyst"]
    at.text_input(key="login_username").input(a.username)
    at.text_input(key="login_password").input(a.password)
    submit = next(b for b in at.button if b.label == t("login.submit", lang))

    def timed(name, fn):
        s = time.perf_counter()
        fn()
        out[name] = time.perf_counter() - s
        if at.exception:
            raise SystemExit(f"AppTest: exception after {name!r}: {at.exception[0].value}")

    timed("sign-in -> overview", lambda: submit.click().run())
    assert at.title and at.title[0].value == t("overview.title", lang), [x.value for x in at.title]
    for kind in ("cold", "warm"):
        for p in PAGES[1:] if kind == "cold" else PAGES:
            timed(f"{p} {kind}", lambda: at.switch_page(f"app_pages/{p}.py").run())
    for p in FILTER_PAGES:
        at.switch_page(f"app_pages/{p}.py").run()
        for on in (True, False):
            timed(f"{p}: filter {'on' if on else 'off'}",
                  lambda: next(w for w in at.sidebar if getattr(w, "key", None) == "f_mwcc").set_value(on).run())
    timed("hotspots: Gi* on H3", lambda: at.selectbox(key=f"hs_unit__{lang}").set_value("h3").run())
    timed("hotspots: EHSA on H3", lambda: at.selectbox(key=f"hs_method__{lang}").set_value("ehsa").run())
    slider = at.select_slider(key="hs_slice")
    months = _slider_values(slider)
    steps = []
    for i in range(min(repeat, len(months))):
        s = time.perf_counter()
        at.select_slider(key="hs_slice").set_value(months[i]).run()
        steps.append(time.perf_counter() - s)
    out["hotspots: month step"] = statistics.median(steps)
    timed("hotspots: Gi* H3 again", lambda: at.selectbox(key=f"hs_method__{lang}").set_value("gi").run())
    at.switch_page("app_pages/cooperation.py").run()
    timed("cooperation: what changes", lambda: at.selectbox(key=f"cp_eff_type__{lang}").set_value(EFFECT_TYPE).run())
    return out


def _slider_values(slider) -> list:
    """The EHSA slider's month starts (raw values), found by formatting candidate months like the page does."""
    fmt = slider.format_func
    shown = {o: i for i, o in enumerate(slider.options)}
    found = {}
    for y in range(2015, 2031):
        for m in range(1, 13):
            d = dt.date(y, m, 1)
            with contextlib.suppress(Exception):
                if fmt(d) in shown:
                    found[shown[fmt(d)]] = d
    return [found[i] for i in sorted(found)]


# -- Chromium --------------------------------------------------------------------------------------------

_OBSERVE_JS = """() => {
  if (window.__bench) return;
  window.__bench = {changes: []};
  const rec = (el) => window.__bench.changes.push([performance.now(), el.getAttribute('data-test-script-state')]);
  new MutationObserver((ms) => ms.forEach((m) => rec(m.target))).observe(document.body,
      {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
}"""
# done: a run started after the mark, the script is not running, nothing changed for QUIET_MS, no status widget.
# Every action measured starts a run; one that shows no run within NO_RUN_MS is reported (-1), not timed.
_DONE_JS = """([mark, quiet, t0, noRun]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') === 'running') return null;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return null;
  const ch = window.__bench.changes.slice(mark);
  if (!ch.some((c) => c[1] === 'running')) return performance.now() - t0 > noRun ? -1 : null;
  const last = ch[ch.length - 1][0];
  return performance.now() - last >= quiet ? last : null;
}"""
# the paint: on every animation frame from the action on, whether the last run has ended and the page shows its
# title and concrete elements (and no status widget); the frame after the first one where that holds is the
# first paint. A map is drawn later than its element appears (deck.gl draws on its own frames, and reading a
# drawn WebGL canvas back blocks the page until the GPU has finished), so any frame after that which follows
# a long gap (the page was blocked, > LONG_FRAME_MS) moves the paint to its time. A new run resets it.
# Measured in the page, so the quiet wait above adds nothing.
_PAINT_JS = """([title, sels, longMs]) => {
  const w = window.__bench;
  w.paint = null; w.cond = null; w.watch = true; w.last = performance.now(); w.lastLong = w.last;
  const vis = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const ok = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return false;
    if (title && ![...main.querySelectorAll('h1')].some((h) => vis(h) && h.textContent.includes(title))) return false;
    return sels.every((s) => vis(main.querySelector(s)));
  };
  const tick = () => {
    if (!w.watch) return;
    const now = performance.now();
    const long = now - w.last > longMs;
    w.last = now;
    if (long) w.lastLong = now;
    const running = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'running';
    if (running) { w.cond = null; w.paint = null; }
    else if (w.cond === null) { if (ok()) w.cond = now; }
    else if (w.paint === null || long) w.paint = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
# two animation frames after the run: the browser has applied the deltas and drawn (a busy main thread, e.g.
# parsing a large map, delays these frames)
_FRAMES_JS = """() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(performance.now()))))"""


class Driver:
    def __init__(self, page, lang: str):
        from ntswatch_geo.i18n import t

        self.page, self.lang, self.t = page, lang, t
        self.ws_bytes = 0
        self.trace = False
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        self.ws_bytes += len(payload)

    def timed(self, action, title: str | None = None, ready: list[str] = ()) -> tuple[float, int]:
        """(seconds from the action to the painted result, websocket bytes received meanwhile)."""
        page = self.page
        page.evaluate(_OBSERVE_JS)
        mark = page.evaluate("() => window.__bench.changes.length")
        t0 = page.evaluate("() => performance.now()")
        bytes0 = self.ws_bytes
        page.evaluate(_PAINT_JS, [title or "", list(ready), LONG_FRAME_MS])
        action()
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            end = page.evaluate(f"(a) => ({_DONE_JS})(a)", [mark, QUIET_MS, t0, NO_RUN_MS])
            if end is not None:
                break
            if time.monotonic() > deadline:
                raise TimeoutError("the app did not finish its run in time")
            page.wait_for_timeout(50)
        if end == -1:
            raise RuntimeError(f"no script run started within {NO_RUN_MS / 1000:g} s of the action")
        if title:
            page.locator("h1", has_text=title).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        for sel in ready:
            page.locator(f'[data-testid="stMain"] {sel}').first.wait_for(state="visible", timeout=TIMEOUT_MS)
        try:
            page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden", timeout=TIMEOUT_MS)
        except Exception:
            page.screenshot(path=str(BENCH_DIR / "stuck.png"))
            print(page.locator('[data-testid="stStatusWidget"]').inner_text(), page.evaluate(
                "() => [document.querySelector('[data-testid=stApp]').outerHTML.slice(0, 400), window.__bench.changes.slice(-6)]"))
            raise
        page.evaluate(_FRAMES_JS)             # the watcher has seen at least two frames since
        while page.evaluate("() => performance.now() - window.__bench.lastLong") < SMOOTH_MS:
            if time.monotonic() > deadline:
                raise TimeoutError("the page did not stop drawing in time")
            page.wait_for_timeout(50)
        paint = page.evaluate("() => { const w = window.__bench; w.watch = false; return w.paint; }")
        if paint is None:
            raise RuntimeError("the page never showed its title and elements after the last run")
        if self.trace:
            ch = page.evaluate("(m) => window.__bench.changes.slice(m)", mark)
            runs = " ".join(f"{s}@{(t - t0) / 1000:.2f}" for t, s in ch)
            print(f"      trace: {runs} | painted {(paint - t0) / 1000:.2f}", flush=True)
        exc = page.locator('[data-testid="stException"]')
        if exc.count():
            raise RuntimeError(f"the app shows an exception: {exc.first.inner_text()[:2000]}")
        return (max(end, paint) - t0) / 1000, self.ws_bytes - bytes0

    def nav(self, page_key: str):
        link = self.page.locator('[data-testid="stSidebarNav"] a',
                                 has_text=self.t(NAV.get(page_key, f"nav.{page_key}"), self.lang))
        return lambda: link.first.click()

    def toggle_mwcc(self, on: bool):
        """Click the sidebar's 'MWCC districts only' toggle (its label text, where a user clicks)."""
        label = self.t("filters.mwcc_only", self.lang)
        box = self.page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]', has_text=label).first

        def act():
            if box.locator("input").is_checked() == on:
                raise RuntimeError(f"the toggle is already {'on' if on else 'off'}")
            box.get_by_text(label, exact=True).click()
        return act

    def choose(self, label: str, option: str):
        """Pick `option` in the selectbox labelled `label` (checked before the clock starts and after)."""
        box = self.page.get_by_label(label, exact=True)

        def act():
            box.click()
            self.page.get_by_role("option", name=option, exact=True).click()
        return act

    def check_shown(self, text: str, what: str) -> None:
        """Say so (the figure is then not what it claims) when the page does not show `text` after `what`."""
        if not self.page.locator('[data-testid="stMain"]').get_by_text(text).count():
            print(f"  warning: {text!r} not on the page after {what}", flush=True)


def gl_wait_ms(trace: bytes) -> float:
    """Milliseconds the page's main thread waited for the GPU process in a Chromium trace (category "gpu"):
    with no GPU, WebGL runs in SwiftShader (software) there, and reading back a drawn map (ReadPixels) or linking
    a shader program (GetProgramiv) blocks the page until the software renderer has finished."""
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    return sum(e.get("dur", 0) for e in events if e.get("ph") == "X" and e.get("name") == "ImplementationBase::WaitForCmd"
               and (e["pid"], e["tid"]) in mains) / 1000


def browser_run(db: Path, users: Path, lang: str, repeat: int, app_root: Path, shots: bool,
                trace: bool = False, gl: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    from browser_support import ACCOUNTS, CHROMIUM, launch_chromium
    from ntswatch_geo.i18n import t

    out: dict[str, tuple[float, int]] = {}
    gl_waits: dict[str, float] = {}
    with server(db, users, app_root) as base, sync_playwright() as p:
        if not CHROMIUM.exists():
            raise SystemExit(f"{CHROMIUM} not found")
        browser = launch_chromium(p)
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="th-TH" if lang == "th" else "en-GB",
                                  timezone_id="Asia/Bangkok")
        ctx.set_default_timeout(TIMEOUT_MS)
        page = ctx.new_page()
        d = Driver(page, lang)
        d.trace = trace
        a = ACCOUNTS["analyst"]
        page.goto(f"{base}/login?lang={lang}", wait_until="domcontentloaded")
        page.get_by_label(t("login.username", lang), exact=True).wait_for(timeout=TIMEOUT_MS)
        page.get_by_label(t("login.username", lang), exact=True).fill(a.username)
        page.get_by_label(t("login.password", lang), exact=True).fill(a.password)
        submit = page.locator('[data-testid="stFormSubmitButton"] button', has_text=t("login.submit", lang))
        title = {k: t(v, lang) for k, v in TITLES.items()}
        title["hotspots"] = title["hotspots"].split(" (")[0]

        def measured(*args, **kw):
            """d.timed, and with --gl the main thread's wait for WebGL meanwhile (ms, else None)."""
            if gl:
                browser.start_tracing(page=page, categories=["gpu"])
            r = d.timed(*args, **kw)
            return r, gl_wait_ms(browser.stop_tracing()) if gl else None

        def rec(name, *args, **kw):
            out[name], gl_waits[name] = measured(*args, **kw)
            print(f"  {name:<28} {out[name][0]:6.2f} s  {out[name][1] / 1024:8.0f} KiB"
                  + (f"  (waiting for WebGL {gl_waits[name] / 1000:.2f} s)" if gl else ""), flush=True)
            if shots:
                from browser_support import screenshot, slug
                screenshot(page, f"bench_{slug(name)}.png")

        rec("sign-in -> overview", lambda: submit.click(), title["overview"], READY["overview"])
        for kind in ("cold", "warm"):
            for pk in PAGES[1:] if kind == "cold" else PAGES:
                rec(f"{pk} {kind}", d.nav(pk), title[pk], READY[pk])
        for pk in FILTER_PAGES:
            d.timed(d.nav(pk), title[pk], READY[pk])
            for on in (True, False):
                rec(f"{pk}: filter {'on' if on else 'off'}", d.toggle_mwcc(on), title[pk], READY[pk])
        # what shows that the choice took: the H3 resolution note (it names the resolution), the month slider
        for name, label, option, shown in (
                ("hotspots: Gi* on H3", "hotspots.unit", "hotspots.unit_h3", "H3"),
                ("hotspots: EHSA on H3", "hotspots.method", "hotspots.method_ehsa", t("hotspots.month", lang))):
            rec(name, d.choose(t(label, lang), t(option, lang)), title["hotspots"], READY["hotspots"])
            d.check_shown(shown, name)
        thumb = page.locator('[data-testid="stSlider"] input').first      # the thumb's range input (react-aria)
        steps = []
        for i in range(repeat):
            thumb.focus()
            before = thumb.input_value()
            steps.append(measured(lambda: page.keyboard.press("ArrowRight"), title["hotspots"], READY["hotspots"]))
            if thumb.input_value() == before:
                raise RuntimeError("the month slider did not move")
        mid = sorted(steps, key=lambda r: r[0][0])[len(steps) // 2]          # the median step, with its GL wait
        out["hotspots: month step"], gl_waits["hotspots: month step"] = mid
        print(f"  {'hotspots: month step':<28} {mid[0][0]:6.2f} s (median of {len(steps)}: "
              + ", ".join(f"{r[0][0]:.2f}" for r in steps) + ")", flush=True)
        rec("hotspots: Gi* H3 again", d.choose(t("hotspots.method", lang), t("hotspots.method_gi", lang)),
            title["hotspots"], READY["hotspots"])
        from ntswatch_geo.cooperation.taxonomy import type_label
        d.timed(d.nav("cooperation"), title["cooperation"], READY["cooperation"])
        rec("cooperation: what changes", d.choose(t("coop_page.effects_type", lang), type_label(EFFECT_TYPE, lang)),
            title["cooperation"], READY["cooperation"] + [".st-key-cp_event_study .main-svg"])
        d.check_shown(t("coop_page.effects_ratio", lang), "cooperation: what changes")
        browser.close()
    return out, gl_waits


@contextlib.contextmanager
def server(db: Path, users: Path, app_root: Path):
    """`streamlit run app.py` from app_root on a free 127.0.0.1 port (as browser_support.streamlit_server, with
    the checkout chosen and errors raised, not pytest failures)."""
    from browser_support import _health, free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "NTSWATCH_DEMO_AUTOLOGIN"}
    env.update(NTSWATCH_DB=str(db), NTSWATCH_USERS=str(users), PYTHONUNBUFFERED="1", PYTHONPATH=str(app_root))
    cmd = [str(ROOT / ".venv" / "bin" / "streamlit"), "run", "app.py", "--server.port", str(port),
           "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]  # other edits in the tree must not prompt "File change. Rerun"
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=app_root, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while _health(base) != "ok":
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise SystemExit(f"streamlit did not start:\n{log.read().decode()[-4000:]}")
            time.sleep(0.25)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


# -- main ------------------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--activities", type=int, default=ACTIVITIES, help="synthetic cooperation activities")
    ap.add_argument("--lang", choices=["en", "th"], default="en")
    ap.add_argument("--repeat", type=int, default=3, help="month-slider steps measured (median)")
    ap.add_argument("--app-root", type=Path, default=ROOT, help="the checkout whose app.py is served")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--screenshots", action="store_true", help="a screenshot after each action")
    ap.add_argument("--skip-apptest", action="store_true")
    ap.add_argument("--trace", action="store_true", help="each action's script runs and paint times")
    ap.add_argument("--gl", action="store_true", help="how long each action waited for WebGL (a Chromium trace)")
    ap.add_argument("--apptest-json", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    db, users = database(a.reports, a.seed, a.rebuild, a.activities) if not a.apptest_json else \
        (db_path(a.reports, a.seed, a.activities), BENCH_DIR / "browser_users.toml")
    app_root = a.app_root.resolve()
    if a.apptest_json:
        print("BENCH_JSON " + json.dumps(apptest(db, users, a.lang, a.repeat, app_root)))
        return
    load = os.getloadavg()
    print(f"machine        {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          f"(shared machines: figures vary)")
    print(f"app            {app_root}")
    at: dict[str, float] = {}
    if not a.skip_apptest:
        print("AppTest        running every action in a fresh process ...", flush=True)
        s = time.perf_counter()
        r = subprocess.run([sys.executable, __file__, "--apptest-json", "--reports", str(a.reports), "--seed",
                            str(a.seed), "--activities", str(a.activities), "--lang", a.lang, "--repeat", str(a.repeat), "--app-root", str(app_root)],
                           capture_output=True, text=True, cwd=app_root, env={**os.environ, "PYTHONPATH": str(app_root)})
        line = next((x for x in r.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
        if line is None:
            raise SystemExit(f"AppTest run failed:\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}")
        at = json.loads(line.split(" ", 1)[1])
        print(f"               done in {time.perf_counter() - s:.0f} s")
    print("Chromium       1440x900, fresh server (cold caches) ...", flush=True)
    br, gl = browser_run(db, users, a.lang, a.repeat, app_root, a.screenshots, a.trace, a.gl)
    print()
    print(f"{'action':<28} {'Chromium':>9} {'AppTest':>8} {'ratio':>6} {'target':>7}  {'':4} {'ws KiB':>7}"
          + (f" {'WebGL':>7} {'rest':>7}  {'':4}" if a.gl else ""))
    fails = fails_rest = 0
    for name, kind, _ in plan():
        b, nbytes = br.get(name, (float("nan"), 0))
        ap_s = at.get(name)
        target = TARGETS[kind]
        ok = b < target
        fails += not ok
        line = (f"{name:<28} {b:8.2f}s {(f'{ap_s:7.2f}s' if ap_s is not None else '      -'):>8} "
                f"{(f'{b / ap_s:5.1f}x' if ap_s else '    -'):>6} {f'< {target:g} s':>7}  {'pass' if ok else 'FAIL':4} "
                f"{nbytes / 1024:7.0f}")
        if a.gl:
            w = (gl.get(name) or 0) / 1000
            rest = b - w
            fails_rest += not rest < target
            line += f" {w:6.2f}s {rest:6.2f}s  {'pass' if rest < target else 'FAIL':4}"
        print(line)
    print(f"\nbaseline: AppTest (streamlit.testing, the same action in-process, no browser); ratio = Chromium / AppTest."
          f"\n{fails} of {len(plan())} actions miss their target.")
    if a.gl:
        print("WebGL: how long the page's main thread waited for the GPU process (Chromium trace, category gpu); "
              "without a GPU\nit is SwiftShader, software. rest = Chromium - WebGL: the server, the transfer and the "
              f"page's own work.\n{fails_rest} of {len(plan())} actions miss their target without the WebGL wait.")


if __name__ == "__main__":
    main()
