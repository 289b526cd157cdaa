"""Data import/export: district spreadsheets in, filtered reports out."""
import tempfile
from pathlib import Path

import streamlit as st

from ntswatch_geo import exports
from ntswatch_geo.errors import InputError
from ntswatch_geo.exports import csv_bytes
from ntswatch_geo.i18n import fmt_int, t
from ntswatch_geo.reports.importer import import_file
from ntswatch_geo.ui import sidebar
from ntswatch_geo.ui.session import connection

ctx = st.session_state["ctx"]
lang, user = ctx.lang, ctx.user
scope = user.scope()
con = connection()
st.title(t("data.title", lang))

if user.role in ("district_officer", "admin"):
    st.subheader(t("data.import_title", lang))
    st.caption(t("data.import_help", lang))
    up = st.file_uploader(t("data.file", lang), type=["csv", "xlsx", "geojson", "json"], key="imp_file")
    if up is not None and st.button(t("data.import_button", lang), type="primary"):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / Path(up.name).name
            path.write_bytes(up.getvalue())
            try:
                res = import_file(con, path, actor=user.username, scope=user.scope())
            except InputError as exc:
                st.error(str(exc))
                res = None
        if res is not None:
            if res.already_imported:
                st.info(t("data.already", lang, batch=res.batch_id))
            c = st.columns(4)
            c[0].metric(t("data.rows_in", lang), fmt_int(res.rows_in))
            c[1].metric(t("data.imported", lang), fmt_int(res.imported))
            c[2].metric(t("data.quarantined", lang), fmt_int(res.quarantined))
            c[3].metric(t("data.duplicates", lang), fmt_int(res.duplicates))
            if len(res.rejects):
                rej = res.rejects.assign(message=res.rejects[f"message_{lang}"])[["row_no", "field", "value", "message"]]
                st.dataframe(rej, hide_index=True, width="stretch", column_config={
                    "row_no": t("data.col_row", lang), "field": t("data.col_field", lang),
                    "value": t("data.col_value", lang), "message": t("data.col_message", lang)})
                st.download_button(t("data.rejects_download", lang), csv_bytes(res.rejects),
                                   file_name=f"rejects_{res.batch_id}.csv", mime="text/csv")

st.subheader(t("data.export_title", lang))
st.caption(t("data.export_help", lang))
f = st.session_state[sidebar.K_FILTERS]
c1, c2 = st.columns(2)
fmt = c1.selectbox(t("data.format", lang), list(exports.FORMATS), key="exp_fmt", format_func=str.upper)
hide = c2.checkbox(t("data.hide_location", lang), key="exp_hide", value=scope.role not in ("district_officer", "admin"))
if st.button(t("data.prepare", lang)):
    try:
        st.session_state["exp_bytes"] = (fmt, exports.export_bytes(con, f, scope, fmt, hide_location=hide))
    except InputError as exc:
        st.error(str(exc))
ready = st.session_state.get("exp_bytes")
if ready:
    st.download_button(t("data.download", lang, fmt=ready[0].upper(), size=fmt_int(len(ready[1]) / 1024)),
                       ready[1], file_name=f"ntswatch_reports.{ready[0]}", mime=exports.FORMATS[ready[0]])
