"""Sign-in page (everything but the public report form needs it)."""
import streamlit as st

from ntswatch_geo.i18n import t
from ntswatch_geo.ui.session import demo_refusal, login_guard, sign_in, user_store

lang = st.session_state["ctx"].lang
st.title(t("app.title", lang))
st.caption(t("app.subtitle", lang))
with st.form("sign_in"):
    st.subheader(t("login.title", lang))
    username = st.text_input(t("login.username", lang), key="login_username")
    password = st.text_input(t("login.password", lang), type="password", key="login_password")
    submitted = st.form_submit_button(t("login.submit", lang), type="primary")
if submitted:
    result = login_guard().attempt(user_store(), username, password)
    if result.ok:
        sign_in(result.user.username)
        st.rerun()
    elif result.message_key == "locked":
        st.error(t("login.locked", lang, seconds=result.retry_after_s))
    else:
        st.error(t("login.invalid", lang))
st.caption(t("login.help", lang))
refusal = demo_refusal()
if refusal:    # an operator's setting, refused: say so (in English, as the setting is)
    st.warning(t("login.demo_refused", lang, reason=refusal), icon=":material/lock:")
