"""NTS-Mekong Watch Geo — the public app: the report form and the status page only, no sign-in.

Meant to run apart from the internal dashboard (its own process, another host if wanted) with the public intake's
database role: NTSWATCH_DB=postgresql://ntswatch_public@<host>/<db> and its password in PGPASSWORD or a pgpass
file (`ntswatch pg-password ntswatch_public` prints it for the operator). That role adds online reports and reads
nothing of the reports but what the form's checks need (pg/migrations/013), so a fault here cannot leak them.
`make server` starts it on port 8503 beside two dashboards (docs/deploy.md).
"""
import streamlit as st

from ntswatch_geo.files import private_files
from ntswatch_geo.i18n import t
from ntswatch_geo.ui import sidebar
from ntswatch_geo.ui.session import K_PUBLIC_APP, Context, language

st.set_page_config(page_title="NTS-Mekong Watch", page_icon="static/favicon.png", layout="centered")
private_files()
st.session_state[K_PUBLIC_APP] = True          # session.connection(): the store as configured, no derived role
lang = language()
sidebar.language_switch()
st.session_state["ctx"] = Context(lang=lang, user=None)
pages = [st.Page("app_pages/report.py", title=t("nav.report", lang), icon=":material/campaign:", default=True),
         st.Page("app_pages/status.py", title=t("nav.status", lang), icon=":material/search:", url_path="status")]
st.navigation(pages).run()
