"""Admin: what the database holds and who may sign in."""
import pandas as pd
import streamlit as st

from ntswatch_geo.dbinfo import database_info
from ntswatch_geo.i18n import fmt_date, t
from ntswatch_geo.text import plain
from ntswatch_geo.ui import tables
from ntswatch_geo.ui.session import connection, retention_status, user_store

lang = st.session_state["ctx"].lang
st.title(t("admin.title", lang))
info = database_info(connection())
st.subheader(t("admin.database", lang))
tables.show(pd.DataFrame([{"what": t(f"dbinfo.{k}", lang), "count": v} for k, v in info["counts"].items()]),
            {"what": tables.Col("admin.col_what"), "count": tables.Col("admin.col_count", "int")}, lang)
m = info["mwcc"]
st.caption(t("admin.mwcc", lang, total=m["programme_districts"], named=m["named"], hidden=m["not_public"]))
ran, failed = retention_status()
st.caption(t("admin.retention_ran", lang, date=fmt_date(ran, lang)) if ran else t("admin.retention_not_yet", lang))
if failed:
    st.warning(t("admin.retention_failed", lang, error=plain(failed)), icon=":material/warning:")
st.subheader(t("admin.users", lang))
users = pd.DataFrame([u.public_dict() for u in user_store().list()])
if len(users):
    users["created_at"] = pd.to_datetime(users["created_at"], utc=True, errors="coerce")
    tables.show(users, tables.USER_COLUMNS, lang)
st.caption(t("admin.users_help", lang))
