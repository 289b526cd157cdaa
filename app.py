"""NTS-Mekong Watch Geo — Streamlit entry: pages, the shared sidebar, language and sign-in, once."""
import streamlit as st

from ntswatch_geo.i18n import t
from ntswatch_geo.ui import data, sidebar, widgets
from ntswatch_geo.ui.session import Context, current_user, language

st.set_page_config(page_title="NTS-Mekong Watch Geo", page_icon="static/favicon.png", layout="wide")

lang = language()
sidebar.language_switch()
user = current_user()
st.session_state["ctx"] = Context(lang=lang, user=user)

if user is None:
    pages = [st.Page("app_pages/login.py", title=t("nav.sign_in", lang), icon=":material/login:", default=True)]
else:
    pages = {
        t("nav.explore", lang): [st.Page("app_pages/overview.py", title=t("nav.overview", lang), icon=":material/map:", default=True)],
    }
    if user.role == "admin":
        pages[t("nav.admin", lang)] = [st.Page("app_pages/admin.py", title=t("nav.admin_page", lang), icon=":material/settings:")]

nav = st.navigation(pages)
if user is not None:
    con, version = data.con_and_version()
    if nav.url_path != "admin":  # the report pages share the filters; the admin page has none
        f = sidebar.filters(con, user.scope(), lang, version)
        widgets.synthetic_banner(*data.synthetic_in_view(con, f, user.scope(), version), lang)
        sidebar.notices(lang)
    sidebar.user_box(user, lang)
nav.run()
