"""Per-session context: the database connection, the language, the signed-in user and their scope."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from .. import auth
from ..config import settings
from ..db import connect
from ..i18n import DEFAULT_LANG, LANGS
from ..scope import Scope

K_USER, K_LANG, K_GUARD = "auth_user", "lang", "login_guard"


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    return connect(path)


def connection():
    """A cursor on the app's one DuckDB connection (a cursor per script run is thread-safe)."""
    return _connection(str(settings().db_path)).cursor()


@st.cache_resource(show_spinner=False)
def login_guard() -> auth.LoginGuard:
    """One lock-out book for the whole server process."""
    return auth.LoginGuard()


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


def demo_refusal() -> str | None:
    """Why the demo auto-login is ignored on this server, or None (shown on the sign-in page)."""
    return auth.demo_autologin_refusal(user_store(), server_address())


def current_user() -> auth.User | None:
    """The signed-in user, re-read from the users file on every run (a removed user loses access at once)."""
    store = user_store()
    name = st.session_state.get(K_USER)
    if name is None:
        demo = auth.demo_autologin_user(store, server_address())
        if demo is not None and not st.session_state.get("signed_out"):
            st.session_state[K_USER] = demo.username
            return demo
        return None
    user = store.get(name)
    if user is None:
        st.session_state.pop(K_USER, None)
    return user


def sign_in(username: str) -> None:
    st.session_state[K_USER] = username
    st.session_state.pop("signed_out", None)


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        if key not in (K_LANG,):
            del st.session_state[key]
    st.session_state["signed_out"] = True


@dataclass(frozen=True)
class Context:
    lang: str
    user: auth.User | None

    @property
    def scope(self) -> Scope:
        return self.user.scope() if self.user else Scope(role="public")
