"""Audit trail (admins): the audit log and every report's trail as one table; reading it is recorded."""
import datetime as dt

import streamlit as st

from ntswatch_geo import audit
from ntswatch_geo.exports import csv_bytes
from ntswatch_geo.i18n import fmt_int, t
from ntswatch_geo.ui import tables, widgets
from ntswatch_geo.ui.session import client_address, connection

ctx = st.session_state["ctx"]
lang, scope = ctx.lang, ctx.user.scope()
st.title(t("audit.title", lang))
if scope.role != "admin":
    st.error(t("audit.only_admins", lang))
    st.stop()
con = connection()
st.caption(t("audit.caption", lang))
today = audit.now_local().date()
c1, c2, c3 = st.columns([2, 2, 2])
days = c1.date_input(t("audit.dates", lang), value=(today - dt.timedelta(days=30), today), key="au_days",
                     format="DD/MM/YYYY")
widgets.be_range_caption(c1, days, lang)   # Streamlit's picker shows Christian-era years only
actor = c2.text_input(t("audit.actor", lang), key="au_actor").strip() or None
actions = [None, *audit.all_actions()]
action = c3.selectbox(t("audit.action", lang), actions, key="au_action",
                      format_func=lambda a: t("audit.all_actions", lang) if a is None else audit.label(a, lang))
d_from, d_to = (days[0], days[-1]) if isinstance(days, (tuple, list)) and days else (None, None)
df = audit.events(con, date_from=d_from, date_to=d_to, actor=actor, action=action, lang=lang)
# one view_audit entry per distinct view in a session (changing a filter is a new view; a rerun is not)
view = (str(d_from), str(d_to), actor, action)
seen = st.session_state.setdefault("au_seen", set())
if view not in seen:
    audit.record(con, "view_audit", actor=scope.username or scope.role, role=scope.role, client=client_address(),
                 object_type="audit", detail={"from": d_from, "to": d_to, "actor": actor, "action": action,
                                              "rows": len(df)})
    seen.add(view)
if df.empty:
    st.info(t("audit.empty", lang), icon=":material/search_off:")
    st.stop()
st.caption(t("audit.count", lang, n=fmt_int(len(df))))
shown = df.assign(source=df["source"].map(lambda s: audit.SOURCES[s][1 if lang == "th" else 0]),
                  actor=df["actor"].map(lambda a: t(f"audit_actor.{a[7:]}", lang)
                                        if isinstance(a, str) and a.startswith("system:") else a))
tables.show(shown, tables.AUDIT_COLUMNS, lang, width="stretch", height=520)
st.download_button(t("audit.download", lang), csv_bytes(df), file_name=f"audit_{d_from}_{d_to}.csv",
                   mime="text/csv", key="au_csv", icon=":material/download:")
