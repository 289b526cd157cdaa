"""Admin: what the database holds and who may sign in."""
import pandas as pd
import streamlit as st

from ntswatch_geo.dbinfo import database_info
from ntswatch_geo.i18n import fmt_int, t
from ntswatch_geo.ui.session import connection, user_store

lang = st.session_state["ctx"].lang
st.title(t("admin.title", lang))
info = database_info(connection())
st.subheader(t("admin.database", lang))
st.dataframe(pd.DataFrame([{"what": k, "count": fmt_int(v)} for k, v in info["counts"].items()]),
             hide_index=True)
m = info["mwcc"]
st.caption(t("admin.mwcc", lang, total=m["programme_districts"], named=m["named"], hidden=m["not_public"]))
st.subheader(t("admin.users", lang))
st.dataframe(pd.DataFrame([u.public_dict() for u in user_store().list()]), hide_index=True)
st.caption(t("admin.users_help", lang))
