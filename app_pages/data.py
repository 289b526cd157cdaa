"""Data import/export: district spreadsheets in (every visible sheet, or the ones chosen), filtered reports out
(what each role's export holds is decided in ntswatch_geo.exports, not here)."""
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from ntswatch_geo import exports
from ntswatch_geo.errors import InputError
from ntswatch_geo.exports import csv_bytes
from ntswatch_geo.i18n import fmt_date, fmt_int, t
from ntswatch_geo.reports.importer import import_file
from ntswatch_geo.reports.tables import workbook_sheets
from ntswatch_geo.text import plain
from ntswatch_geo.ui import sidebar, tables
from ntswatch_geo.ui.session import client_address, connection

ctx = st.session_state["ctx"]
lang, user = ctx.lang, ctx.user
scope = user.scope()
con = connection()
st.title(t("data.title", lang))

COUNTS = ("rows_in", "imported", "quarantined", "duplicates", "skipped")


def _sheets_of(up) -> list | None:
    """The sheets of an uploaded workbook (None for other files or an unreadable workbook)."""
    if not up.name.lower().endswith((".xlsx", ".xlsm")):
        return None
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "workbook.xlsx"
        path.write_bytes(up.getvalue())
        try:
            return workbook_sheets(path)
        except InputError:
            return None


def _already(a) -> str:
    """A sheet imported before, as text: its name, batch, when (Thai date in Thai) and by whom."""
    return t("data.already_sheet", lang, sheet=plain(a.sheet), batch=a.batch_id,
             when=f"{fmt_date(a.imported_at.date(), lang)} {a.imported_at:%H:%M}", who=plain(a.imported_by or "–"))


if user.role in ("district_officer", "admin"):
    st.subheader(t("data.import_title", lang))
    st.caption(t("data.import_help", lang))
    up = st.file_uploader(t("data.file", lang), type=["csv", "xlsx", "geojson", "json"], key="imp_file")
    chosen = None
    if up is not None:
        sheets = _sheets_of(up)
        if sheets:
            visible = [s.name for s in sheets if s.visible]
            hidden = {s.name for s in sheets if not s.visible}
            picked = st.multiselect(
                t("data.sheets", lang), [s.name for s in sheets], default=visible, key="imp_sheets",
                format_func=lambda n: t("data.sheet_hidden_label", lang, sheet=n) if n in hidden else n,
                help=t("data.sheets_help", lang), placeholder=t("form.choose", lang))
            # the default (every visible sheet) lets a summary sheet without the needed columns be left out
            chosen = None if set(picked) == set(visible) else picked
    if up is not None and st.button(t("data.import_button", lang), type="primary",
                                    disabled=chosen is not None and not chosen):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / Path(up.name).name
            path.write_bytes(up.getvalue())
            try:
                res = import_file(con, path, actor=user.username, scope=user.scope(), sheets=chosen,
                                  client=client_address())
            except InputError as exc:
                st.error(plain(exc))
                res = None
        if res is not None:
            if res.already_sheets:      # sheets imported before: not again; which, when, by whom
                st.info(t("data.already_sheets_all" if res.already_imported else "data.already_sheets", lang,
                          sheets="; ".join(_already(a) for a in res.already_sheets)))
            elif res.already_imported:
                st.info(t("data.already", lang, batch=res.batch_id))
            c = st.columns(len(COUNTS))
            for col, k in zip(c, COUNTS):
                col.metric(t(f"data.{k}", lang), fmt_int(getattr(res, k)))
            if any(s.sheet is not None for s in res.sheets):
                tables.show(pd.DataFrame([{"sheet": s.sheet, **{k: getattr(s, k) for k in COUNTS}}
                                          for s in res.sheets]),
                            {"sheet": tables.Col("data.col_sheet"), **{k: tables.Col(f"data.{k}", "int") for k in COUNTS}},
                            lang, width="stretch")
            for ig in res.ignored_sheets:
                st.info(t(f"data.sheet_left_{ig.reason}", lang, sheet=plain(ig.sheet), detail=plain(ig.detail)))
            if len(res.rejects):
                cols = dict(tables.REJECT_COLUMNS)
                if res.rejects["sheet"].isna().all():
                    del cols["sheet"]
                tables.show(res.rejects, cols, lang, width="stretch")
                st.download_button(t("data.rejects_download", lang), csv_bytes(res.rejects),
                                   file_name=f"rejects_{res.batch_id}.csv", mime="text/csv")

st.subheader(t("data.export_title", lang))
st.caption(t("data.export_help", lang))
pol = exports.policy(scope)
st.info(t("data.export_policy_planner" if pol.coarse else
          ("data.export_policy_contacts" if pol.contacts_allowed else "data.export_policy_full"), lang))
f = st.session_state[sidebar.K_FILTERS]
kind = st.radio(t("data.kind", lang), list(exports.KINDS), key="exp_kind", horizontal=True,
                format_func=lambda k: t(f"data.kind_{k}", lang))
c1, c2 = st.columns(2)
formats = [x for x in exports.FORMATS if kind == "rows" or x not in ("geojson", "gpkg")]
fmt = c1.selectbox(t("data.format", lang), formats, key="exp_fmt", format_func=str.upper)
hide = with_contacts = False
if kind == "rows":
    if pol.coarse:
        hide = c2.checkbox(t("data.hide_location", lang), value=True, disabled=True, key="exp_hide_fixed")
    else:
        hide = c2.checkbox(t("data.hide_location", lang), key="exp_hide",
                           value=scope.role not in ("district_officer", "admin"))
    if pol.contacts_allowed:
        with_contacts = c2.checkbox(t("data.with_contacts", lang), value=False, key="exp_contacts",
                                    disabled=hide, help=t("data.with_contacts_help", lang)) and not hide
# the file is made on request, for these settings; a changed filter or choice asks for it again
wanted = (fmt, kind, f, hide, with_contacts, lang)
if st.button(t("data.prepare", lang)):
    try:
        st.session_state["exp_bytes"] = (fmt, exports.export_bytes(
            con, f, scope, fmt, hide_location=hide, kind=kind, with_contacts=with_contacts, actor=user.username,
            client=client_address(), lang=lang), wanted)
    except InputError as exc:
        st.error(plain(exc))
ready = st.session_state.get("exp_bytes")
if ready and ready[2:] == (wanted,):
    st.download_button(t("data.download", lang, fmt=ready[0].upper(), size=fmt_int(len(ready[1]) / 1024)),
                       ready[1], file_name=f"ntswatch_reports.{ready[0]}", mime=exports.FORMATS[ready[0]],
                       key="exp_download")
    if ready[0] == "csv":
        st.caption(t("data.csv_about", lang))
