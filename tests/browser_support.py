"""Helpers for the browser tests: a demo database, a users file, a Streamlit server, Chromium and page waits.

The browser tests (tests/test_browser.py) drive Debian's chromium (/usr/bin/chromium) through Playwright;
Playwright's own browser download does not work offline, so the executable is named explicitly.
Screenshots go to artifacts/screenshots/ under the project root (git-ignored).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from ntswatch_geo.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
STREAMLIT = PROJECT_ROOT / ".venv" / "bin" / "streamlit"

N_REPORTS, SEED, END_DATE = 20_000, 1, dt.date(2026, 10, 31)
SERVER_START_S = 60      # the server must answer /_stcore/health within this
RUN_TIMEOUT_MS = 45_000  # one script run (the first on a cold server builds caches, ~10 s)


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str
    province_code: str | None = None
    district_code: str | None = None


# Known passwords (test-only accounts in a temporary users file; each >= 10 characters).
ACCOUNTS = {
    "analyst": Account("t-analyst", "analyst-pass-1", "analyst"),
    "governor": Account("t-governor", "governor-pass-1", "governor", province_code="27"),
    "district_officer": Account("t-officer", "officer-pass-1", "district_officer", district_code="2706"),
    "planner": Account("t-planner", "planner-pass-1", "planner"),
    "admin": Account("t-admin", "admin-pass-1", "admin"),
}


# -- data ------------------------------------------------------------------------------------------------

def build_app_db(template: Path, dest: Path) -> Path:
    """Copy the geography template to `dest` and add 20,000 synthetic reports (seed 1, up to 2026-10-31)."""
    from ntswatch_geo.db import connect
    from ntswatch_geo.synth import generate

    shutil.copy(template, dest)
    con = connect(dest)
    try:
        generate(con, N_REPORTS, seed=SEED, scenario=None, end_date=END_DATE)
    finally:
        con.close()
    return dest


def write_users(path: Path) -> dict[str, Account]:
    """A users file with the five test accounts (cheap bcrypt cost: the hash carries it, so sign-in is fast)."""
    from ntswatch_geo import auth

    store = auth.UserStore(path)
    rounds, auth.BCRYPT_ROUNDS = auth.BCRYPT_ROUNDS, 4
    try:
        for a in ACCOUNTS.values():
            store.add(a.username, a.password, a.role, display_name=f"Test {a.role}",
                      province_code=a.province_code, district_code=a.district_code)
    finally:
        auth.BCRYPT_ROUNDS = rounds
    return ACCOUNTS


@pytest.fixture(scope="session")
def app_db(geo_db_template, tmp_path_factory) -> Path:
    """A DuckDB file with the real geography and 20,000 synthetic reports, built once per session."""
    return build_app_db(geo_db_template, tmp_path_factory.mktemp("browser_db") / "ntswatch.duckdb")


@pytest.fixture(scope="session")
def app_users(tmp_path_factory) -> Path:
    """A users file with the accounts in ACCOUNTS."""
    path = tmp_path_factory.mktemp("browser_users") / "users.toml"
    write_users(path)
    return path


# -- the server ------------------------------------------------------------------------------------------

def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def outside_address() -> str | None:
    """This machine's address on a non-loopback interface (so the server sees a real client address, as it
    does for visitors), or None when there is none."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))          # no packet is sent: this only picks the outgoing interface
        address = s.getsockname()[0]
        if not address.startswith("127."):
            return address
    with contextlib.suppress(OSError):
        for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if not sockaddr[0].startswith("127."):
                return sockaddr[0]
    return None


def _health(base: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
            return r.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


@contextlib.contextmanager
def streamlit_server(db: Path, users: Path, timeout_s: float = SERVER_START_S, address: str = "127.0.0.1",
                     app: str = "app.py", extra_env: dict | None = None):
    """Run `streamlit run app.py` on a free local port; yields the base URL; kills the process group after.

    NTSWATCH_DB and NTSWATCH_USERS point at the given files; NTSWATCH_DEMO_AUTOLOGIN is removed.
    Fails with the server's output if it exits or does not answer /_stcore/health in time.
    """
    port = free_port(address)
    base = f"http://{address}:{port}"
    env = {k: v for k, v in os.environ.items() if k != "NTSWATCH_DEMO_AUTOLOGIN"}
    env.update(NTSWATCH_DB=str(db), NTSWATCH_USERS=str(users), PYTHONUNBUFFERED="1", **(extra_env or {}))
    cmd = [str(STREAMLIT), "run", app, "--server.port", str(port), "--server.headless", "true",
           "--server.address", address, "--browser.gatherUsageStats", "false",
           "--client.showErrorDetails", "full"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)

        def output() -> str:
            texts = []
            for name, f in (("stdout", out), ("stderr", err)):
                f.seek(0)
                texts.append(f"--- {name} ---\n" + f.read().decode("utf-8", "replace")[-6000:])
            return "\n".join(texts)

        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited with code {proc.returncode} before answering:\n{output()}")
                if _health(base) == "ok":
                    break
                if time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not answer {base}/_stcore/health within {timeout_s} s:\n"
                                f"{output()}")
                time.sleep(0.25)
            yield base
        finally:
            _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# -- the browser -----------------------------------------------------------------------------------------

def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (import it into the module like app_db)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def wait_idle(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the app is connected, its script is not running and no status widget shows."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
                           '[data-test-script-state="notRunning"]', state="attached", timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="hidden", timeout=timeout_ms)
    page.wait_for_timeout(300)  # let the last deltas paint
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached",
                           timeout=timeout_ms)


def assert_no_exception(page, where: str = "") -> None:
    """No Streamlit exception element and no traceback text anywhere on the page."""
    exc = page.locator('[data-testid="stException"]')
    if exc.count():
        pytest.fail(f"Streamlit shows an exception{' on ' + where if where else ''}:\n"
                    f"{exc.first.inner_text()[:3000]}")
    body = page.locator("body").inner_text()
    assert "Traceback" not in body, f"traceback text{' on ' + where if where else ''}:\n{body[:3000]}"


def choose(page, label: str, option: str, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label`."""
    box = page.get_by_label(label, exact=True)
    box.click()
    page.keyboard.type(option)  # long lists are virtualised: filter so the option is drawn
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page, timeout_ms)


def sign_in(page, base: str, account: Account, lang_labels: dict | None = None, query: str = "") -> None:
    """Open the app and sign in through the form (labels in Thai, the default language)."""
    labels = lang_labels or {"username": "ชื่อผู้ใช้", "password": "รหัสผ่าน", "submit": "เข้าสู่ระบบ"}
    page.goto(f"{base}/login{query}", wait_until="domcontentloaded")  # signed out, "/" is the public report form
    page.get_by_label(labels["username"], exact=True).wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_label(labels["username"], exact=True).fill(account.username)
    page.get_by_label(labels["password"], exact=True).fill(account.password)
    page.locator('[data-testid="stFormSubmitButton"] button', has_text=labels["submit"]).click()


_CONTENT_HEIGHT_JS = """() => Math.max(...['stMain', 'stSidebarContent', 'stAppViewContainer'].map(id => {
    const e = document.querySelector(`[data-testid="${id}"]`); return e ? e.scrollHeight : 0; }))"""


def screenshot(page, name: str) -> Path:
    """A screenshot of the whole page into artifacts/screenshots/<name>.

    Streamlit scrolls inside its main container, so Playwright's full_page sees only the viewport: the
    viewport is stretched to the content's height for the shot, then put back.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    size = page.viewport_size
    height = int(page.evaluate(_CONTENT_HEIGHT_JS) or 0)
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height + 40, 6000)})
        page.wait_for_timeout(800)  # charts and the map redraw at the new size
        wait_idle(page)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if size and page.viewport_size != size:
            page.set_viewport_size(size)
    return path


def slug(text: str) -> str:
    """A file-name slug; keeps Thai letters (Python's \\w matches them)."""
    return re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-") or "page"


# -- what the map shows ----------------------------------------------------------------------------------

def map_colour_shares(png: bytes) -> dict[str, float]:
    """Shares of an Overview map screenshot's pixels by colour family.

    warm: the choropleth's yellow-to-red classes (maps.PALETTE over the light province fill);
    blue / green: Lao and Cambodian district outlines; dark: near-black (crossing dots are small, so a large
    dark share means something covers the map); grey: mid greys (outlines are thin, so a large grey share
    means over-wide lines).
    """
    import io

    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    n = r.size
    return {
        "warm": float(((r > 150) & (r - b > 60)).sum() / n),
        "blue": float(((b - r > 60) & (b - g > 30)).sum() / n),
        "green": float(((g - r > 50) & (g - b > 20)).sum() / n),
        "dark": float((rgb.max(axis=-1) < 80).sum() / n),
        "grey": float(((rgb.max(axis=-1) - rgb.min(axis=-1) < 12) & (rgb.max(axis=-1) >= 60)
                       & (rgb.max(axis=-1) < 170)).sum() / n),
    }


# -- clicking a map ----------------------------------------------------------------------------------------

def map_pixel(page, view, lon: float, lat: float, index: int = 0) -> tuple[float, float]:
    """Page coordinates of (lon, lat) on the `index`-th map drawn with `view` (the pdk.ViewState the page
    computed, e.g. maps.view_for): the canvas's box and maps.pixel_of, so a test clicks a known place."""
    from ntswatch_geo.maps import MapSize, pixel_of

    box = page.locator('[data-testid="stDeckGlJsonChart"] canvas').nth(index).bounding_box()
    x, y = pixel_of(view, lon, lat, MapSize(box["width"], box["height"]))
    return box["x"] + float(x), box["y"] + float(y)


def click_map(page, x: float, y: float, tries: int = 3) -> None:
    """Click the map at (x, y) and wait for the run it starts to finish. deck.gl may still be loading its
    layers on a busy machine and then ignores the click: click again (up to `tries`) until a run starts."""
    for _ in range(tries):
        page.mouse.move(x, y)                 # as a hand does: deck.gl picks what is under the pointer
        page.wait_for_timeout(500)
        page.mouse.click(x, y)
        try:
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', state="attached",
                                   timeout=15_000)       # a loaded machine is slow to start the run
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: no run started, click again
            page.wait_for_timeout(1000)
    else:
        pytest.fail(f"{tries} clicks on the map at ({x:.0f}, {y:.0f}) started no run")
    wait_idle(page)
