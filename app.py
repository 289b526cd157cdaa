"""NTS-Mekong Watch Geo — Streamlit entry: pages, the shared sidebar, language and sign-in, once."""
import streamlit as st

from ntswatch_geo.files import private_files
from ntswatch_geo.i18n import t
from ntswatch_geo.ui import data, sidebar, widgets
from ntswatch_geo.ui.session import Context, cookie_element, current_user, daily_retention, language

FILTERED_PAGES = {"", "overview", "hotspots", "trends", "sites", "data"}
# every signed-in page's address; signed out, each shows the sign-in form (the link is kept: after signing in
# the visitor is on that page with the link's values; no redirect target is ever read from the URL)
SIGNED_IN_PAGES = ("overview", "hotspots", "trends", "briefing", "sites", "cooperation", "office", "queue", "data",
                   "admin", "audit")

st.set_page_config(page_title="NTS-Mekong Watch Geo", page_icon="static/favicon.png", layout="wide")
private_files()   # the database's WAL and anything the dashboard writes: owner-only

lang = language()
sidebar.language_switch()
user = current_user()
st.session_state["ctx"] = Context(lang=lang, user=user)

report = st.Page("app_pages/report.py", title=t("nav.report", lang), icon=":material/campaign:",
                 default=user is None)
status = st.Page("app_pages/status.py", title=t("nav.status", lang), icon=":material/search:", url_path="status")
if user is None:
    pages = [report, status, st.Page("app_pages/login.py", title=t("nav.sign_in", lang), icon=":material/login:")]
    pages += [st.Page("app_pages/login.py", title=t("nav.sign_in", lang), url_path=p, visibility="hidden")
              for p in SIGNED_IN_PAGES]
else:
    operate = [report, status]
    if user.role in ("district_officer", "admin"):
        operate += [st.Page("app_pages/office.py", title=t("nav.office", lang), icon=":material/edit_note:"),
                    st.Page("app_pages/queue.py", title=t("nav.queue", lang), icon=":material/fact_check:")]
    operate.append(st.Page("app_pages/data.py", title=t("nav.data", lang), icon=":material/swap_vert:"))
    pages = {
        t("nav.explore", lang): [
            st.Page("app_pages/overview.py", title=t("nav.overview", lang), icon=":material/map:", default=True),
            st.Page("app_pages/hotspots.py", title=t("nav.hotspots", lang), icon=":material/local_fire_department:"),
            st.Page("app_pages/trends.py", title=t("nav.trends", lang), icon=":material/trending_up:"),
            st.Page("app_pages/briefing.py", title=t("nav.briefing", lang), icon=":material/description:"),
        ],
        t("nav.plan", lang): [st.Page("app_pages/sites.py", title=t("nav.sites", lang), icon=":material/flag:"),
                              st.Page("app_pages/cooperation.py", title=t("coop_page.nav", lang),
                                      icon=":material/handshake:")],
        t("nav.operate", lang): operate,
    }
    if user.role == "admin":
        pages[t("nav.admin", lang)] = [st.Page("app_pages/admin.py", title=t("nav.admin_page", lang), icon=":material/settings:"),
                                       st.Page("app_pages/audit.py", title=t("audit.nav", lang), icon=":material/policy:")]

    # signed in at /login (just now, or a bookmark): the overview instead, with the link's values
    pages[t("nav.explore", lang)].append(st.Page(
        lambda: st.switch_page(pages[t("nav.explore", lang)][0], query_params=st.query_params.to_dict()),
        title=t("nav.sign_in", lang), url_path="login", visibility="hidden"))

nav = st.navigation(pages, expanded=True)   # every page listed (an admin has more than ten)
st.session_state["login_target"] = nav.url_path
cookie_element()   # the session cookie into the browser (or out of it after signing out)
if user is not None:
    daily_retention()
    con, version = data.con_and_version()
    if nav.url_path in FILTERED_PAGES:  # pages that show filtered reports share the sidebar filters
        f = sidebar.filters(con, user.scope(), lang, version)
        widgets.synthetic_banner(*data.synthetic_in_view(con, f, user.scope(), version), lang)
        sidebar.notices(lang)
    sidebar.user_box(user, lang)
nav.run()
