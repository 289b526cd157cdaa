"""Status of a report — public (no sign-in): a reference number in, the received date and the stage out."""
import streamlit as st

from ntswatch_geo import status
from ntswatch_geo.i18n import fmt_date_long, t
from ntswatch_geo.text import plain
from ntswatch_geo.ui.session import client_address, connection

ICONS = {"received": ":material/inbox:", "verified": ":material/fact_check:",
         "forwarded": ":material/forward_to_inbox:", "closed": ":material/task_alt:"}

lang = st.session_state["ctx"].lang
st.title(t("status_page.title", lang))
st.caption(t("status_page.intro", lang))
st.info(t("form.emergency", lang), icon=":material/emergency:")
with st.form("st_form", border=False):
    typed = st.text_input(t("status_page.ref", lang), key="st_ref", placeholder=status.EXAMPLE, max_chars=40)
    asked = st.form_submit_button(t("status_page.check", lang), type="primary")
if asked:
    if not (typed or "").strip():
        st.warning(t("status_page.empty", lang), icon=":material/warning:")
    else:
        answer = status.lookup(connection(), typed, client=client_address())
        if answer.problem == "rate_limited":
            st.error(t("status_page.rate_limited", lang, minutes=max(1, -(-answer.retry_after_s // 60))),
                     icon=":material/hourglass_top:")
        elif answer.problem == "malformed":
            st.error(t("status_page.malformed", lang, value=plain(typed.strip()[:40])), icon=":material/error:")
        elif answer.problem == "unknown":
            st.error(t("status_page.unknown", lang, ref=answer.ref_no), icon=":material/search_off:")
        else:
            st.subheader(answer.ref_no)
            st.success(f"**{t(f'status_page.state_{answer.state}', lang)}**  \n"
                       f"{t('status_page.received_on', lang, date=fmt_date_long(answer.received_on, lang))}",
                       icon=ICONS[answer.state])
            st.caption(t(f"status_page.explain_{answer.state}", lang))
