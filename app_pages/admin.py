"""Admin: what the database holds and who may sign in."""
import pandas as pd
import streamlit as st

from ntswatch_geo.dbinfo import database_info
from ntswatch_geo.i18n import fmt_date, fmt_int, t
from ntswatch_geo.text import plain
from ntswatch_geo.ui.session import connection, retention_status, user_store

lang = st.session_state["ctx"].lang
st.title(t("admin.title", lang))
info = database_info(connection())
st.subheader(t("admin.database", lang))
st.dataframe(pd.DataFrame([{"what": k.replace("_", " "), "count": fmt_int(v)} for k, v in info["counts"].items()]),
             hide_index=True, column_config={"what": t("admin.col_what", lang), "count": t("admin.col_count", lang)})
m = info["mwcc"]
st.caption(t("admin.mwcc", lang, total=m["programme_districts"], named=m["named"], hidden=m["not_public"]))
ran, failed = retention_status()
st.caption(t("admin.retention_ran", lang, date=fmt_date(ran, lang)) if ran else t("admin.retention_not_yet", lang))
if failed:
    st.warning(t("admin.retention_failed", lang, error=plain(failed)), icon=":material/warning:")
st.subheader(t("admin.users", lang))
users = pd.DataFrame([u.public_dict() for u in user_store().list()])
if len(users):
    users["role"] = users["role"].map(lambda r: t(f"role.{r}", lang))
st.dataframe(users, hide_index=True, column_config={
    "username": t("admin.col_username", lang), "display_name": t("admin.col_name", lang),
    "role": t("admin.col_role", lang), "province_code": t("admin.col_province", lang),
    "district_code": t("admin.col_district", lang), "email": t("admin.col_email", lang),
    "created_at": t("admin.col_created", lang),
    "two_step": st.column_config.CheckboxColumn(t("admin.col_two_step", lang))})
st.caption(t("admin.users_help", lang))
