"""NTS-MWCC office form: district officers log walk-in, phone, LINE, headman and patrol reports."""
import streamlit as st

from ntswatch_geo.i18n import t
from ntswatch_geo.reports.submit import submit_report
from ntswatch_geo.ui import report_form
from ntswatch_geo.ui.session import connection

ctx = st.session_state["ctx"]
lang, user = ctx.lang, ctx.user
con = connection()
st.title(t("form.office_title", lang))
st.caption(t("form.office_intro", lang))
# the officer's scope goes down to the package: a report located outside the district is refused there
report_form.render(con, lang, lambda fields: submit_report(con, fields, channel="mwcc_office", actor=user.username,
                                                           scope=user.scope()),
                   office=True, office_district=user.district_code, officer=user.display_name or user.username,
                   scope=user.scope())
