"""Per-session context: the database connection, the language, the signed-in user and their scope.

A browser session (one tab's connection) holds the signed-in username and its server-side session's token
hash in st.session_state. A new browser session (a reload, a new tab, a shared link) finds the sign-in
through the session cookie (ntswatch_geo/sessions.py), which Streamlit sends with the page's websocket
(st.context.cookies). Every run checks the session on the server: idle timeout, absolute lifetime, revocation
(sign-out, sign-out everywhere, a removed user). The cookie is written and cleared by a small script in the
page (`cookie_element`), since Streamlit offers no response headers to set it with.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import streamlit as st

from .. import audit, auth, sessions
from ..config import settings
from ..db import connect
from ..errors import InputError
from ..i18n import DEFAULT_LANG, LANGS
from ..lockout import client_address as _client_address
from ..scope import Scope

K_USER, K_LANG, K_GUARD = "auth_user", "lang", "login_guard"
K_SESSION = "auth_session"          # the server-side session's token hash
K_COOKIE = "auth_cookie"            # the signed cookie value this browser should hold
K_CLEAR = "auth_cookie_clear"       # a cookie value to delete from the browser (after sign-out / expiry)
K_SEEN = "auth_cookie_seen"         # the cookie value of the first request, already checked
K_ENDED = "auth_ended"              # why the last session ended: idle | revoked | expired | user_removed
K_PENDING = "auth_pending_code"     # {"username", "at"}: password right, waiting for the two-step code
K_PUBLIC_APP = "public_app"          # set by public_app.py: the store's URL is the intake login, used as it is
KEEP_ON_SIGN_OUT = (K_LANG, K_SEEN, K_CLEAR, K_ENDED)


@st.cache_resource(show_spinner=False, max_entries=64)
def _connection(path: str):
    """One connection per store URL: the DuckDB file's, or on PostgreSQL one per login role in use (a scope's);
    the least recently used of more than 64 scopes is dropped."""
    return connect(path)


def connection():
    """A cursor (one per script run: thread-safe) on the store, for the page's reads and writes.

    The DuckDB file: the app's one connection. PostgreSQL (NTSWATCH_DB=postgresql://...): DuckDB with the
    database attached as the login role of the signed-in viewer's scope (pg/roles.py), so row-level security
    holds their province or district whatever the page asks; before sign-in, the public intake's role (the
    report form and the status page), which reads no report."""
    s = settings()
    if not s.db_url or st.session_state.get(K_PUBLIC_APP):
        return _connection(s.db_url or str(s.db_path)).cursor()
    from ..pg import roles
    name = st.session_state.get(K_USER)
    user = user_store().get(name) if name else None
    return _connection(roles.url_as(s.db_url, roles.scope_role(user.scope() if user else None))).cursor()


def base_connection():
    """The connection for sign-in, sessions and lock-out: on PostgreSQL the dashboard's own role, which reads
    no report (pg/roles.py APP); on DuckDB the one connection."""
    s = settings()
    if not s.db_url:
        return _connection(str(s.db_path)).cursor()
    from ..pg import roles
    return _connection(roles.url_as(s.db_url, roles.APP)).cursor()


def system_connection():
    """The connection for the dashboard's own jobs over every report (the daily retention rule)."""
    s = settings()
    if not s.db_url:
        return _connection(str(s.db_path)).cursor()
    from ..pg import roles
    return _connection(roles.url_as(s.db_url, roles.SCOPE_ALL)).cursor()


@st.cache_resource(show_spinner=False)
def login_guard() -> auth.LoginGuard:
    """The sign-in checker; its lock-out counters live in the database, so every process shares them."""
    return auth.LoginGuard(base_connection)


def user_store() -> auth.UserStore:
    return auth.UserStore(auth.users_path())


def language() -> str:
    """The viewer's language: session state, else the URL's `lang`, else Thai."""
    if K_LANG not in st.session_state:
        q = st.query_params.get("lang")
        st.session_state[K_LANG] = q if q in LANGS else DEFAULT_LANG
    return st.session_state[K_LANG]


def server_address() -> str | None:
    """The address Streamlit listens on (`server.address`; None = every interface)."""
    try:
        return st.get_option("server.address")
    except Exception:       # no Streamlit runtime (tests of the package)
        return None


def client_address() -> str:
    """The viewer's address for lock-out and the audit trail: Streamlit's view of the connection (this
    machine: 127.0.0.1), or, when that is a proxy listed in $NTSWATCH_TRUSTED_PROXIES, the address it
    forwarded (X-Forwarded-For)."""
    trusted = [p.strip() for p in os.environ.get("NTSWATCH_TRUSTED_PROXIES", "").split(",") if p.strip()]
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For") if trusted else None
    except Exception:       # no browser connection
        peer, forwarded = None, None
    return _client_address(peer if isinstance(peer, str) else None,      # AppTest gives a mock
                           forwarded if isinstance(forwarded, str) else None, trusted)


def demo_refusal() -> str | None:
    """Why the demo auto-login is ignored on this server, or None (shown on the sign-in page)."""
    return auth.demo_autologin_refusal(user_store(), server_address())


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(sessions.COOKIE_NAME)
    except Exception:       # no browser connection
        return None
    return value if isinstance(value, str) else None     # AppTest gives a mock


def _end_here(reason: str | None) -> None:
    """Forget the sign-in in this browser session (the server side is already revoked or expired)."""
    cookie = st.session_state.get(K_COOKIE) or st.session_state.get(K_SEEN)
    for key in list(st.session_state.keys()):
        if key not in KEEP_ON_SIGN_OUT:
            del st.session_state[key]
    st.session_state["signed_out"] = True
    if cookie:
        st.session_state[K_CLEAR] = cookie
    if reason:
        st.session_state[K_ENDED] = reason


def _from_cookie(store: auth.UserStore) -> auth.User | None:
    """A new browser session (reload, new tab, link): the user of the session cookie, when it is valid."""
    cookie = _cookie()
    if not cookie or st.session_state.get(K_SEEN) == cookie:
        return None
    st.session_state[K_SEEN] = cookie
    con = base_connection()
    check = sessions.check_cookie(con, cookie)
    if not check.ok:
        if check.reason in ("idle", "expired"):
            st.session_state[K_ENDED] = check.reason
        st.session_state[K_CLEAR] = cookie       # forged, revoked or ended: of no use to the browser
        return None
    user = store.get(check.username)
    if user is None:
        sessions.revoke(con, check.token_hash, "user_removed")
        st.session_state[K_CLEAR] = cookie
        return None
    st.session_state.update({K_USER: user.username, K_SESSION: check.token_hash, K_COOKIE: cookie,
                             "auth_expires": check.expires_at})
    st.session_state.pop("signed_out", None)
    st.session_state.pop(K_ENDED, None)
    st.session_state.pop(K_CLEAR, None)
    return user


def _setting_error(exc: InputError) -> None:
    """A bad operator setting (NTSWATCH_IDLE_MINUTES, NTSWATCH_SECRET_KEY ...): say which, and stop."""
    st.error(str(exc), icon=":material/settings:")
    st.stop()


def current_user() -> auth.User | None:
    """The signed-in user, re-read from the users file on every run (a removed user loses access at once),
    with the server-side session checked (idle timeout, lifetime, revocation)."""
    try:
        return _current_user()
    except InputError as exc:
        _setting_error(exc)


def _current_user() -> auth.User | None:
    store = user_store()
    name = st.session_state.get(K_USER)
    if name is None:
        user = _from_cookie(store)
        if user is not None:
            return user
        demo = auth.demo_autologin_user(store, server_address())
        if demo is not None and not st.session_state.get("signed_out"):
            st.session_state[K_USER] = demo.username
            return demo
        return None
    th = st.session_state.get(K_SESSION)
    if th is not None:
        check = sessions.check(base_connection(), th)
        if not check.ok:
            _end_here(check.reason)
            return None
    user = store.get(name)
    if user is None:
        if th is not None:
            sessions.revoke(base_connection(), th, "user_removed")
        _end_here("user_removed")
    return user


def sign_in(user: auth.User) -> None:
    """The password (and code) were right: start a server-side session and remember it in the browser."""
    try:
        new = sessions.start(base_connection(), user.username, user.role, client_address())
    except InputError as exc:
        _setting_error(exc)
    st.session_state.update({K_USER: user.username, K_SESSION: new.token_hash, K_COOKIE: new.cookie,
                             "auth_expires": new.expires_at})
    for key in ("signed_out", K_ENDED, K_CLEAR, K_PENDING):
        st.session_state.pop(key, None)


def sign_out(everywhere: bool = False) -> None:
    """Sign out of this session (or, `everywhere`, of all the user's sessions) and clear the cookie."""
    name, th = st.session_state.get(K_USER), st.session_state.get(K_SESSION)
    if name:
        user = user_store().get(name)
        role = user.role if user else None
        con = base_connection()
        if everywhere:
            sessions.end_everywhere(con, name, role, client_address())
        elif th:
            sessions.end(con, th, name, role, client_address())
        else:   # the demo auto-login: no session row
            from .. import audit

            audit.record(con, "sign_out", actor=name, role=role, client=client_address())
    _end_here(None)
    st.session_state.pop(K_ENDED, None)


def cookie_element() -> None:
    """Write the session cookie into the browser while signed in; delete it once after a sign-out.

    Drawn on every run in a hidden container; the script runs when its content changes (Streamlit's st.html
    runs scripts on mount), so repeating the same cookie costs nothing.
    """
    cookie = st.session_state.get(K_COOKIE)
    if cookie:
        import datetime as dt

        from ..audit import now_local

        expires = st.session_state.get("auth_expires")
        max_age = int((expires - now_local()).total_seconds()) if isinstance(expires, dt.datetime) else 0
        script = sessions.set_cookie_script(cookie, max(max_age, 1))
    elif st.session_state.get(K_CLEAR):
        script = sessions.clear_cookie_script(st.session_state.pop(K_CLEAR))
    else:
        return
    st.html("<style>.st-key-auth_cookie_box{display:none}</style>")
    with st.container(key="auth_cookie_box"):
        st.html(script, unsafe_allow_javascript=True)


@dataclass(frozen=True)
class Context:
    lang: str
    user: auth.User | None

    @property
    def scope(self) -> Scope:
        return self.user.scope() if self.user else Scope(role="public")


@st.cache_resource(show_spinner=False)
def _retention_book() -> dict:
    return {"day": None, "error": None, "lock": threading.Lock()}


def retention_status() -> tuple:
    """(the day the dashboard last applied retention or None, the last failure's text or None)."""
    book = _retention_book()
    return book["day"], book["error"]


def daily_retention() -> None:
    """The retention rule (privacy.purge) runs inside the dashboard too, once a day per server process (the
    first page view of the day), so a 24/7 dashboard needs no cron job that would have to stop it. A failure
    (a conflicting write) is retried on a later page view; it never breaks the page."""
    book = _retention_book()
    today = audit.now_local().date()
    if book["day"] == today or not book["lock"].acquire(blocking=False):
        return
    try:
        from .. import privacy
        privacy.purge(system_connection(), actor="system:retention")
        book["day"], book["error"] = today, None
    except Exception as exc:      # noqa: BLE001 - retried on the next page view, shown on the admin page
        book["error"] = str(exc).splitlines()[0][:300]
    finally:
        book["lock"].release()
