"""Sign-in page (everything but the public report form needs it).

Also drawn at the address of every signed-in page for a signed-out visitor (app.py): whoever opens a shared
link such as /hotspots?cat=drug_trafficking signs in here and then sees that page with the link's values,
since the address never changes. Accounts with two-step sign-in are asked for the code in a second step.
"""
import time

import streamlit as st

from ntswatch_geo import sessions
from ntswatch_geo.i18n import t
from ntswatch_geo.ui.session import (K_ENDED, K_PENDING, client_address, demo_refusal, login_guard, sign_in,
                                     user_store)

PENDING_S = 300   # the code must follow the password within 5 minutes

lang = st.session_state["ctx"].lang
st.title(t("app.title", lang))
st.caption(t("app.subtitle", lang))
ended = st.session_state.pop(K_ENDED, None)
if ended:
    minutes = sessions.idle_timeout().total_seconds() / 60
    st.warning(t(f"login.ended_{ended}", lang, minutes=f"{minutes:g}"), icon=":material/timer_off:")
if st.session_state.get("login_target", "login") != "login":
    st.info(t("login.then_back", lang), icon=":material/link:")


def _outcome(result) -> None:
    if result.ok:
        sign_in(result.user)
        st.rerun()
    elif result.message_key == "locked":
        st.error(t("login.locked", lang, seconds=result.retry_after_s))
    elif result.message_key == "code_invalid":
        st.error(t("login.code_invalid", lang))
    else:
        st.error(t("login.invalid", lang))


pending = st.session_state.get(K_PENDING)
if pending and time.time() - pending["at"] > PENDING_S:
    st.session_state.pop(K_PENDING, None)
    pending = None
if pending:
    with st.form("sign_in_code"):
        st.subheader(t("login.code_title", lang))
        st.caption(t("login.code_help", lang))
        code = st.text_input(t("login.code", lang), key="login_code", max_chars=8)
        submitted = st.form_submit_button(t("login.code_submit", lang), type="primary")
    if st.button(t("login.code_cancel", lang)):
        st.session_state.pop(K_PENDING, None)
        st.rerun()
    if submitted:
        _outcome(login_guard().attempt_code(user_store(), pending["username"], code, client=client_address()))
else:
    with st.form("sign_in"):
        st.subheader(t("login.title", lang))
        username = st.text_input(t("login.username", lang), key="login_username")
        password = st.text_input(t("login.password", lang), type="password", key="login_password")
        submitted = st.form_submit_button(t("login.submit", lang), type="primary")
    if submitted:
        result = login_guard().attempt(user_store(), username, password, client=client_address())
        if result.message_key == "code_needed":
            st.session_state[K_PENDING] = {"username": username.strip().lower(), "at": time.time()}
            st.rerun()
        _outcome(result)
st.caption(t("login.help", lang))
refusal = demo_refusal()
if refusal:    # an operator's setting, refused: say so (in English, as the setting is)
    st.warning(t("login.demo_refused", lang, reason=refusal), icon=":material/lock:")
