"""Report an incident — the public form (no sign-in)."""
import streamlit as st

from ntswatch_geo.i18n import t
from ntswatch_geo.reports.submit import submit_report
from ntswatch_geo.ui import report_form
from ntswatch_geo.ui.session import client_address, connection

lang = st.session_state["ctx"].lang
con = connection()
st.title(t("form.public_title", lang))
st.caption(t("form.public_intro", lang))
st.info(t("form.emergency", lang), icon=":material/emergency:")
report_form.render(con, lang, lambda fields: submit_report(con, fields, channel="online", actor="public",
                                                         client=client_address()))
