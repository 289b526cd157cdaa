"""The Cooperation page's parts (app_pages/cooperation.py draws them in order): the cached reads, the period
control, the headline figures, the tables, the partnership details, the entry form, the import and export,
and "what changes". Every read and write takes the viewer's scope; the rules live in ntswatch_geo.cooperation
(record.add for the form, importer.import_file for a spreadsheet), never here.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from .. import sites
from ..config import settings
from ..cooperation import effects, export, page_charts, record, summary
from ..cooperation.charts import effect_chart
from ..cooperation.export import rejects_csv
from ..cooperation.importer import import_file
from ..cooperation.taxonomy import (ACTIVITY_TYPE_KEYS, KINDS, SIDE_COUNTRY, SIDES, participant_label,
                                    type_label)
from ..errors import InputError
from ..i18n import fmt_date, fmt_float, fmt_int, sort_key, t
from ..reports.validate import bangkok_now
from ..scope import Scope
from ..text import plain
from . import tables, widgets

K_ERR, K_DONE, K_PICK, K_IMPORT = "coop_form_errors", "coop_form_done", "cp_pick", "ci_result"
ENTRY_ROLES = ("district_officer", "planner", "admin")       # the entry form (a district officer: own district)
IMPORT_ROLES = ("district_officer", "planner", "admin")
SWOT_KINDS = sites.SWOT_KINDS

_VERSION_SQL = ("SELECT (SELECT count(*) FROM coop_activities) AS n, "
                "(SELECT coalesce(max(id), 0) FROM coop_activities) AS max_id, "
                "(SELECT count(*) FROM swot_notes) AS notes, (SELECT coalesce(max(id), 0) FROM swot_notes) AS max_note")


def today() -> dt.date:
    return bangkok_now().date()


def version(con) -> tuple:
    """Changes whenever an activity or a SWOT note is added (one aggregate; on PostgreSQL on the server, under
    the login's row security); with the store's name, so two stores never share a cached result."""
    from ..pg.gateway import is_pg, on_server
    row = (on_server(con, _VERSION_SQL) if is_pg(con) else con.execute(_VERSION_SQL)).fetchone()
    s = settings()
    return (s.db_url or str(s.db_path), *(int(v) for v in row))


@st.cache_data(show_spinner=False, max_entries=64)
def page_data(_con, scope: Scope, date_from, date_to, types: tuple, districts: tuple, version: tuple) -> dict:
    """Everything the page draws for one choice of period, types and districts, in one cached bundle.
    district_summary, yearly and the pairs cover every district in scope (the form and the map need them), the
    summary and the pairs counting the chosen types only; the activities are those of the chosen districts."""
    asof = date_to or today()
    dsum = summary.district_summary(_con, scope, asof, date_from, types=types or None)
    codes = list(dsum["code"])
    return {
        "activities": summary.activities(_con, scope, date_from, date_to, types or None, districts or None),
        "pairs": summary.partnerships(_con, scope, date_from, date_to, types or None),
        "districts": dsum,
        "yearly": summary.yearly(_con, scope, types=types or None),
        "notes": sites.notes(_con, codes or ["-"]),     # (an empty list would mean every district)
    }


@st.cache_data(show_spinner=False, max_entries=16)
def first_day(_con, scope: Scope, version: tuple) -> dt.date | None:
    """The first activity's day in scope (for the fiscal years offered), None when there is none."""
    y = summary.yearly(_con, scope)
    if not len(y):
        return None
    return dt.date(int(y["year"].min()), 1, 1)


def select(container, label: str, options: list, name: str, lang: str, format_func=str, placeholder=None,
           **kwargs):
    """A selectbox keyed by language (its labels follow the language, as widgets.select) that may start empty
    (`placeholder`): the choice is kept under `name`."""
    current = st.session_state.get(name)
    index = options.index(current) if current in options else (None if placeholder else 0)
    value = container.selectbox(label, options, index=index, key=f"{name}__{lang}", format_func=format_func,
                                placeholder=placeholder, **kwargs)
    st.session_state[name] = value
    return value


# -------------------------------------------------------------------------------------------- controls

def period_control(container, lang: str, first: dt.date | None) -> tuple[dt.date | None, dt.date, str]:
    """The period picker (all, last 12 months, last 3 years, a fiscal year, typed dates): (from, to, label)."""
    now = today()
    options = page_charts.period_options(first, now)
    choice = select(container, t("coop_page.period", lang), options, "cp_period", lang,
                    format_func=lambda c: page_charts.period_label(c, lang))
    a = b = None
    if choice == "custom":
        c1, c2 = container.columns(2)
        a = widgets.typed_date(c1, t("coop_page.period_from", lang), "cp_from", lang)
        b = widgets.typed_date(c2, t("coop_page.period_to", lang), "cp_to", lang)
    date_from, date_to = page_charts.period_bounds(choice, now, a, b)
    shown = (t("coop_page.period_until", lang, date=fmt_date(date_to, lang)) if date_from is None
             else f"{fmt_date(date_from, lang)} – {fmt_date(date_to, lang)}")
    return date_from, date_to, shown


def type_control(container, lang: str) -> list[str]:
    return container.multiselect(t("coop_page.types", lang), list(ACTIVITY_TYPE_KEYS), key="cp_types",
                                 format_func=lambda k: type_label(k, lang), placeholder=t("coop_page.all_types", lang))


def district_control(container, lang: str, dsum: pd.DataFrame) -> list[str]:
    """The districts to show (empty: every district in scope); none to choose for a single district."""
    if len(dsum) <= 1:
        return []
    names = dict(zip(dsum["code"], dsum[f"name_{lang}"]))
    options = sorted(names, key=lambda c: sort_key(names[c], lang))
    st.session_state["cp_dists"] = [c for c in st.session_state.get("cp_dists", []) if c in names]
    return container.multiselect(t("coop_page.districts", lang), options, key="cp_dists", format_func=names.get,
                                 placeholder=t("coop_page.all_districts", lang))


# -------------------------------------------------------------------------------------------- figures and tables

def show(df: pd.DataFrame, columns: dict, lang: str, **kwargs) -> None:
    """tables.show, with each number or date column that has a missing value written as text first: Streamlit
    draws a missing cell as "None" whatever the Styler says, so "–" (tables.MISSING) is written instead."""
    from dataclasses import replace
    df, columns = df.copy(), dict(columns)
    for name, col in list(columns.items()):
        c = name.format(lang=lang)
        if col.kind not in ("text", "code", "bar", "check") and c in df and df[c].isna().any():
            df[c] = df[c].map(tables.formatter(col, lang)).astype(object)
            columns[name] = replace(col, kind="text")
    tables.show(df, columns, lang, **kwargs)


def kpi_row(k: dict, lang: str) -> None:
    c = st.columns(6)
    c[0].metric(t("coop_page.kpi_activities", lang), fmt_int(k["activities"]))
    c[1].metric(t("coop_page.kpi_joint", lang), fmt_int(k["joint_activities"]), help=t("coop_page.kpi_joint_help", lang))
    c[2].metric(t("coop_page.kpi_people_th", lang), fmt_int(k["people_th"]), help=t("coop_page.kpi_people_th_help", lang))
    c[3].metric(t("coop_page.kpi_people_across", lang), fmt_int(k["people_across"]),
                help=t("coop_page.kpi_people_across_help", lang))
    c[4].metric(t("coop_page.kpi_change_agents", lang), fmt_int(k["change_agents"]),
                help=t("coop_page.kpi_change_agents_help", lang))
    budget = k["budget_thb"]
    millions = budget >= 1e6                       # in millions then: a metric's box holds about 7 digits
    c[5].metric(t("coop_page.kpi_budget_million" if millions else "coop_page.kpi_budget", lang),
                fmt_float(budget / 1e6, lang, 2) if millions else fmt_int(budget),
                help=t("coop_page.kpi_budget_exact", lang, amount=fmt_int(budget)))


def district_table(dsum: pd.DataFrame, yearly: pd.DataFrame, lang: str) -> None:
    """Per district: activities per year, people on each side, change agents, budget, continuity."""
    wide, years = page_charts.yearly_columns(yearly[yearly["district_code"].isin(dsum["code"])], lang)
    df = dsum.merge(wide, left_on="code", right_on="district_code", how="left")
    for col, _ in years:
        df[col] = df[col].fillna(0).astype(int)
    df = df.sort_values(["activities", "people_across"], ascending=False, kind="stable")
    cols = {"name_{lang}": tables.Col("table.district"), "province_{lang}": tables.Col("table.province"),
            "activities": tables.Col("coop_page.col_activities", "int"),
            **{c: tables.Col("coop_page.col_year", "int", header_args=(("year", y),)) for c, y in years},
            "joint_activities": tables.Col("coop_page.col_joint", "int"),
            "people_th": tables.Col("coop_page.col_people_th", "int"),
            "people_across": tables.Col("coop_page.col_people_across", "int"),
            "change_agents": tables.Col("coop_page.col_change_agents", "int"),
            "budget_thb": tables.Col("coop_page.col_budget", "int"),
            "last_activity": tables.Col("coop_page.col_last", "date"),
            "months_since_last": tables.Col("coop_page.col_months_since", "int", help="coop_page.col_months_since_help"),
            "partnership_points": tables.Col("coop_page.col_strength", "float", help="coop_page.col_strength_help")}
    show(df, cols, lang, width="stretch", key="cp_district_table")


def area_table(pairs: pd.DataFrame, lang: str) -> None:
    """Per parallel area (Thai district × facing district): joint activities, people each side, last one."""
    df = summary.area_summary(pairs).assign(country_name=lambda d: d["country"].map(lambda c: t(f"country.{c}", lang)))
    cols = {"district_{lang}": tables.Col("table.district"), "neighbour_en": tables.Col("coop_page.col_facing"),
            "country_name": tables.Col("coop_page.col_country"),
            "shared_km": tables.Col("coop_page.col_shared_km", "float"),
            "activities": tables.Col("coop_page.col_joint", "int"),
            "people_th": tables.Col("coop_page.col_people_th", "int"),
            "people_across": tables.Col("coop_page.col_people_across", "int"),
            "last_activity": tables.Col("coop_page.col_last", "date")}
    show(df, cols, lang, width="stretch", key="cp_area_table")


def activity_frame(acts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The activities as the page lists them: labels instead of codes, people across summed."""
    return acts.assign(type_name=acts["activity_type"].map(lambda k: type_label(k, lang)),
                       people_across=acts["people_la"] + acts["people_kh"],
                       facing=acts["facing_names"].replace("", None))


ACTIVITY_COLUMNS = {
    "start_date": tables.Col("coop_page.col_date", "date"), "district_{lang}": tables.Col("table.district"),
    "type_name": tables.Col("coop_page.col_type"), "title": tables.Col("coop_page.col_title"),
    "facing": tables.Col("coop_page.col_facing"), "people_th": tables.Col("coop_page.col_people_th", "int"),
    "people_across": tables.Col("coop_page.col_people_across", "int"),
    "change_agents": tables.Col("coop_page.col_change_agents", "int"),
    "budget_thb": tables.Col("coop_page.col_budget", "int"), "outcome": tables.Col("coop_page.col_outcome"),
}


ACTIVITY_ROWS = 500      # the list shows the newest; the export holds them all


def activity_table(acts: pd.DataFrame, lang: str, key: str = "cp_activity_table") -> None:
    """The activities in view, newest first (at most ACTIVITY_ROWS, saying so)."""
    show(activity_frame(acts.head(ACTIVITY_ROWS), lang), ACTIVITY_COLUMNS, lang, width="stretch", key=key)
    if len(acts) > ACTIVITY_ROWS:
        st.caption(t("coop_page.activities_newest", lang, n=fmt_int(ACTIVITY_ROWS), total=fmt_int(len(acts))))


def notes_table(notes: pd.DataFrame, lang: str) -> None:
    """The SWOT notes of the districts in view, with the activity each came from."""
    df = notes.assign(kind_name=notes["kind"].map(lambda k: t(f"sites.swot_{k}", lang)),
                      activity=[None if pd.isna(i) else (f"{title} ({fmt_date(pd.Timestamp(d).date(), lang)})"
                                                         if isinstance(title, str) and title
                                                         else f"#{int(i)} ({fmt_date(pd.Timestamp(d).date(), lang)})")
                                for i, title, d in zip(notes["activity_id"], notes["activity_title"],
                                                       notes["activity_date"])])
    cols = {"district_{lang}": tables.Col("table.district"), "kind_name": tables.Col("coop_page.col_swot_kind"),
            "text": tables.Col("coop_page.col_swot_text"), "neighbour_en": tables.Col("coop_page.col_facing"),
            "activity": tables.Col("coop_page.col_swot_activity"), "author": tables.Col("coop_page.col_author"),
            "created_at": tables.Col("coop_page.col_written", "datetime")}
    show(df, cols, lang, width="stretch", key="cp_notes_table")


def pair_details(pairs: pd.DataFrame, acts: pd.DataFrame, dsum: pd.DataFrame, lang: str) -> None:
    """What a click on the map picked: a partnership (its figures and activities) or a district."""
    pick = st.session_state.get(K_PICK)
    if not pick:
        st.info(t("coop_page.pick_hint", lang), icon=":material/touch_app:")
        return
    if pick[0] == "pair":
        hit = pairs[(pairs["district_code"] == pick[1]) & (pairs["neighbour_id"] == pick[2])]
        if not len(hit):
            st.info(t("coop_page.pick_hint", lang), icon=":material/touch_app:")
            return
        r = hit.iloc[0]
        st.markdown(f"**{plain(r[f'district_{lang}'])} ({plain(r[f'province_{lang}'])}) ↔ {plain(r['neighbour_en'])} "
                    f"({t('country.' + r['country'], lang)})**")
        st.caption(t("coop_page.tip_shared_km", lang, km=fmt_float(r["shared_km"], lang)))
        c = st.columns(3)
        c[0].metric(t("coop_page.col_joint", lang), fmt_int(r["activities"]))
        c[1].metric(t("coop_page.col_people_th", lang), fmt_int(r["people_th"]))
        c[2].metric(t("coop_page.col_people_across", lang), fmt_int(r["people_across"]))
        these = page_charts.pair_activities(acts, r["district_code"], r["neighbour_id"])
    else:
        hit = dsum[dsum["code"] == pick[1]]
        if not len(hit):
            st.info(t("coop_page.pick_hint", lang), icon=":material/touch_app:")
            return
        r = hit.iloc[0]
        st.markdown(f"**{plain(r[f'name_{lang}'])} ({plain(r[f'province_{lang}'])})**")
        c = st.columns(3)
        c[0].metric(t("coop_page.col_activities", lang), fmt_int(r["activities"]))
        c[1].metric(t("coop_page.col_people_th", lang), fmt_int(r["people_th"]))
        c[2].metric(t("coop_page.col_people_across", lang), fmt_int(r["people_across"]))
        these = acts[acts["district_code"] == pick[1]]
    if len(these):
        for a in these.head(8).itertuples():
            title = plain(a.title) if isinstance(a.title, str) and a.title else "–"
            st.markdown(f"- {fmt_date(pd.Timestamp(a.start_date).date(), lang)} · {plain(type_label(a.activity_type, lang))}"
                        f" · {title}")
        if len(these) > 8:
            st.caption(t("coop_page.pick_more", lang, n=fmt_int(len(these) - 8)))
    else:
        st.caption(t("coop_page.pick_none", lang))


def picked() -> tuple[str, str] | None:
    """(district code, neighbour id) of the partnership picked on the map, None when none is."""
    pick = st.session_state.get(K_PICK)
    return (pick[1], pick[2]) if pick and pick[0] == "pair" else None


def on_map_pick(objects: dict) -> None:
    """Map callback: a line picks its partnership, a district outline its district; elsewhere clears."""
    from ..cooperation import maps as coop_maps
    pair = coop_maps.picked_pair(objects)
    if pair:
        st.session_state[K_PICK] = ("pair", *pair)
        return
    code = coop_maps.picked_district(objects)
    st.session_state[K_PICK] = ("district", code) if code else None


# -------------------------------------------------------------------------------------------- the entry form

FORM_FIELDS = ("activity_type", "start_date", "end_date", "district", "facing", "title", "change_agents",
               "budget_thb", "outcome")


def field_label(fld: str, lang: str) -> str:
    if "_" in fld and fld.split("_", 1)[0] in {s.key for s in SIDES} and fld.split("_", 1)[1] in {k.key for k in KINDS}:
        return participant_label(fld, lang)
    if fld.startswith("swot_") and fld[5:] in SWOT_KINDS:
        return t(f"sites.{fld}", lang)
    return t(f"coop_page.f_{fld}", lang) if fld in (*FORM_FIELDS, "province", "row") else fld


def readable(message: str, lang: str) -> str:
    """A package message as the form shows it: participant columns and type keys by their labels."""
    for col in record.PARTICIPANT_COLUMNS:
        message = re.sub(rf"^{col}:\s*", "", message)          # the field is named where the message is shown
        message = re.sub(rf"\b{col}\b", participant_label(col, lang), message)
    for key in ACTIVITY_TYPE_KEYS:
        message = message.replace(f"{key} ({type_label(key, lang)})", type_label(key, lang))
    return re.sub(r"\s*\(\d+B\d+\)", "", message)       # the facing districts' geoBoundaries ids: names suffice


def parse_errors(exc: InputError, lang: str) -> dict[str, list[str]]:
    """record.add's InputError ("field: message" a line) as {field: [messages]}."""
    out: dict[str, list[str]] = {}
    for line in str(exc).splitlines():
        fld, sep, msg = line.partition(": ")
        if not sep:
            fld, msg = "form", line
        out.setdefault(fld.strip(), []).append(readable(msg.strip(), lang))
    return out


def _err(container, fld: str, lang: str) -> None:
    for m in st.session_state.get(K_ERR, {}).get(fld, []):
        container.error(f"{field_label(fld, lang)}: {plain(m)}", icon=":material/error:")


def _district_name(dsum: pd.DataFrame, code: str, lang: str) -> str:
    r = dsum[dsum["code"] == code]
    if not len(r):
        return code
    r = r.iloc[0]
    return f"{r[f'name_{lang}']} ({r[f'province_{lang}']})"


def entry_form(con, lang: str, user, dsum: pd.DataFrame, pairs: pd.DataFrame) -> None:
    """The entry form: a district officer's own district (fixed), any border district for planners and admins.
    Dates typed as Thais write them (15/03/2568), read back under the field; the facing districts from the
    district's parallel areas; participants by side (only the sides the district faces) and kind; errors from
    record.add under their fields, in the viewer's language."""
    ss = st.session_state
    done = ss.get(K_DONE)
    if done:
        st.success(t("coop_page.saved", lang, id=fmt_int(done["id"]), title=plain(done["title"] or "–"),
                     date=fmt_date(done["date"], lang), notes=fmt_int(done["notes"])), icon=":material/check_circle:")
    elif done is not None:
        st.info(t("coop_page.already", lang), icon=":material/info:")
    for fld, msgs in ss.get(K_ERR, {}).items():
        if fld not in (*FORM_FIELDS, *record.PARTICIPANT_COLUMNS):
            for m in msgs:
                st.error(f"{field_label(fld, lang)}: {plain(m)}", icon=":material/error:")

    fixed = user.role == "district_officer"
    codes = [user.district_code] if fixed else list(dsum["code"])
    if fixed:
        ss["cf_district"] = user.district_code
    c1, c2 = st.columns(2)
    code = select(c1, t("coop_page.f_district", lang), codes, "cf_district", lang,
                  format_func=lambda c: _district_name(dsum, c, lang), placeholder=t("form.choose", lang),
                  disabled=fixed, help=t("coop_page.f_district_fixed", lang) if fixed else None)
    _err(c1, "district", lang)
    select(c2, t("coop_page.f_activity_type", lang), list(ACTIVITY_TYPE_KEYS), "cf_type", lang,
           format_func=lambda k: type_label(k, lang), placeholder=t("form.choose", lang))
    _err(c2, "activity_type", lang)
    c1, c2 = st.columns(2)
    widgets.typed_date(c1, t("coop_page.f_start_date", lang), "cf_start", lang)
    _err(c1, "start_date", lang)
    widgets.typed_date(c2, t("coop_page.f_end_date", lang), "cf_end", lang)
    c2.caption(t("coop_page.f_end_date_help", lang))
    _err(c2, "end_date", lang)

    mine = pairs[pairs["district_code"] == code] if code else pairs.iloc[0:0]
    facing_names = {r.neighbour_id: f"{r.neighbour_en} ({t('country.' + r.country, lang)})" for r in mine.itertuples()}
    st.multiselect(t("coop_page.f_facing", lang), list(facing_names), key=f"cf_facing_{code}",
                   format_func=facing_names.get, placeholder=t("coop_page.f_facing_none", lang),
                   help=t("coop_page.f_facing_help", lang), disabled=not facing_names)
    _err(st, "facing", lang)
    countries = set(mine["country"])
    sides = [s for s in SIDES if s.key == "th" or SIDE_COUNTRY.get(s.key) in countries]
    st.markdown(f"**{t('coop_page.f_participants', lang)}**")
    people = []                       # the participant fields shown (the sides this district faces)
    for s in sides:
        for col, k in zip(st.columns(len(KINDS)), KINDS):
            name = f"{s.key}_{k.key}"
            people.append(name)
            col.number_input(participant_label(name, lang), min_value=0, max_value=100_000, step=1, key=f"cf_{name}")
            _err(col, name, lang)
    c1, c2 = st.columns(2)
    c1.number_input(t("coop_page.f_change_agents", lang), min_value=0, max_value=100_000, step=1, key="cf_agents",
                    help=t("coop_page.f_change_agents_help", lang))
    _err(c1, "change_agents", lang)
    c2.number_input(t("coop_page.f_budget_thb", lang), min_value=0.0, max_value=1e9, step=500.0, key="cf_budget",
                    value=None, placeholder=t("form.optional", lang), format="%.2f")
    _err(c2, "budget_thb", lang)
    st.text_input(t("coop_page.f_title", lang), key="cf_title", max_chars=300)
    _err(st, "title", lang)
    st.text_area(t("coop_page.f_outcome", lang), key="cf_outcome", max_chars=2000, height=90)
    _err(st, "outcome", lang)
    with st.expander(t("coop_page.f_swot", lang)):
        st.caption(t("coop_page.f_swot_help", lang))
        for k in SWOT_KINDS:
            st.text_area(t(f"sites.swot_{k}", lang), key=f"cf_swot_{k}", max_chars=sites.MAX_NOTE_CHARS, height=68)
            _err(st, f"swot_{k}", lang)
    st.button(t("coop_page.f_submit", lang), type="primary", key="cf_submit", icon=":material/save:",
              on_click=_submit, args=(con, lang, user, code, people))
    if ss.pop("coop_form_summary", False):
        st.warning(t("coop_page.fix_errors", lang), icon=":material/warning:")


def _submit(con, lang: str, user, code: str | None, people: list[str]) -> None:
    """The entry form's button (a callback, run before the page: the form can then be emptied): record.add with
    the fields as typed, then the SWOT notes naming the new activity; errors kept per field for the page."""
    ss = st.session_state
    scope = user.scope()
    facing = list(ss.get(f"cf_facing_{code}") or [])
    swot = {k: ss.get(f"cf_swot_{k}") or "" for k in SWOT_KINDS}
    raw = {"activity_type": ss.get(f"cf_type__{lang}"), "start_date": ss.get("cf_start") or None,
           "end_date": ss.get("cf_end") or None, "district": code, "facing": facing,
           "title": ss.get("cf_title") or None, "outcome": ss.get("cf_outcome") or None,
           "change_agents": ss.get("cf_agents", 0), "budget_thb": ss.get("cf_budget"),
           **{c: ss.get(f"cf_{c}", 0) for c in people}}
    try:
        new_id = record.add(con, raw, actor=user.username, scope=scope, lang=lang, swot=swot,
                            swot_neighbour=facing[0] if len(facing) == 1 else None)
    except InputError as exc:
        ss[K_ERR] = parse_errors(exc, lang)
        ss.pop(K_DONE, None)
        ss["coop_form_summary"] = True
        return
    notes = sum(1 for text in swot.values() if text.strip()) if new_id is not None else 0
    errs: dict = {}
    ss[K_ERR] = errs
    ss[K_DONE] = {"id": new_id, "title": raw["title"], "date": _typed_day(raw["start_date"]), "notes": notes} \
        if new_id is not None else {}
    # an empty form for the next activity (the district stays)
    for key in ("cf_start", "cf_end", "cf_title", "cf_outcome", *(f"cf_swot_{k}" for k in SWOT_KINDS)):
        ss[key] = ""
    for c in people:
        ss[f"cf_{c}"] = 0
    ss["cf_agents"], ss["cf_budget"], ss[f"cf_facing_{code}"] = 0, None, []
    ss["cf_type"] = None
    for other in [k for k in ss if str(k).startswith("cf_type__")]:
        ss[other] = None


def _typed_day(text) -> dt.date | None:
    from ..reports import normalise as nz
    try:
        return nz.parse_date(text).date if text else None
    except nz.Problem:
        return None


# -------------------------------------------------------------------------------------------- import and export

IMPORT_COUNTS = ("rows_in", "imported", "quarantined", "duplicates", "skipped")
REJECT_COLUMNS = {"sheet": tables.Col("coop_page.col_sheet"), "row_no": tables.Col("coop_page.col_row", "int"),
                  "field_name": tables.Col("coop_page.col_field"), "value": tables.Col("coop_page.col_value"),
                  "reason": tables.Col("coop_page.col_reason")}


def rejects_view(rejects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rejects as the page lists them: the field by its label, the reason in the viewer's language."""
    if not len(rejects):
        return rejects.assign(field_name=[], reason=[])
    msg = rejects["message_th"] if lang == "th" else rejects["message"]
    return rejects.assign(field_name=rejects["field"].map(lambda f: field_label(str(f), lang) if isinstance(f, str) else None),
                          reason=[readable(str(m), lang) for m in msg.fillna("")])


def import_section(con, lang: str, user) -> None:
    """A spreadsheet of activities in: the counts (rows in = imported + quarantined + duplicates + skipped),
    the rejected rows and a download of them."""
    st.caption(t("coop_page.import_help", lang))
    up = st.file_uploader(t("coop_page.import_file", lang), type=["xlsx", "csv"], key="ci_file")
    if up is not None and st.button(t("coop_page.import_button", lang), type="primary", key="ci_go",
                                    icon=":material/upload_file:"):
        from .session import client_address
        try:
            res = import_file(con, up.getvalue(), up.name, actor=user.username, scope=user.scope(), lang=lang,
                              client=client_address())
            st.session_state[K_IMPORT] = {"file": up.name, "res": res}
        except InputError as exc:
            st.session_state[K_IMPORT] = {"file": up.name, "error": str(exc)}
        st.rerun()                   # the page's figures, read before the import, include its rows
    done = st.session_state.get(K_IMPORT)
    if not done:
        return
    if "error" in done:
        st.error(plain(done["error"]), icon=":material/error:")
        return
    res = done["res"]
    if res.already_imported:
        st.info(plain(res.message) or t("coop_page.import_already", lang), icon=":material/info:")
    c = st.columns(len(IMPORT_COUNTS))
    for col, k in zip(c, IMPORT_COUNTS):
        col.metric(t(f"coop_page.import_{k}", lang), fmt_int(getattr(res, k)))
    total = res.imported + res.quarantined + res.duplicates + res.skipped
    st.caption(t("coop_page.import_balance" if total == res.rows_in else "coop_page.import_unbalanced", lang,
                 rows=fmt_int(res.rows_in), imported=fmt_int(res.imported), quarantined=fmt_int(res.quarantined),
                 duplicates=fmt_int(res.duplicates), skipped=fmt_int(res.skipped)))
    for s in getattr(res, "ignored_sheets", []) or []:
        st.info(t("coop_page.import_sheet_left", lang, sheet=plain(s.sheet), detail=plain(s.detail)))
    if getattr(res, "unused_columns", None):
        st.caption(t("coop_page.import_unused", lang, columns=plain(", ".join(res.unused_columns))))
    if len(res.rejects):
        view = rejects_view(res.rejects, lang)
        cols = dict(REJECT_COLUMNS)
        if view["sheet"].isna().all():
            del cols["sheet"]
        show(view, cols, lang, width="stretch", key="ci_rejects")
        st.download_button(t("coop_page.import_rejects_download", lang), rejects_csv(res.rejects),
                           file_name=f"coop_rejects_{res.batch_id or 'file'}.csv", mime="text/csv",
                           key="ci_rejects_dl", on_click="ignore", icon=":material/download:")


def export_section(con, lang: str, user, date_from, date_to) -> None:
    """The activities in scope for the page's period as a workbook (cooperation.export), made when downloaded
    and recorded in the audit trail there."""
    from .session import client_address, connection
    file_con, scope, who, client = connection(), user.scope(), user.username, client_address()

    def make() -> bytes:
        return export.export_bytes(file_con, scope, "xlsx", lang, date_from, date_to, actor=who, client=client)

    st.download_button(t("coop_page.export_button", lang), make, file_name="cooperation_activities.xlsx",
                       mime=export.FORMATS["xlsx"], key="ce_xlsx", on_click="ignore", icon=":material/download:",
                       help=t("coop_page.export_help", lang))


# -------------------------------------------------------------------------------------------- what changes

@st.cache_data(show_spinner=False, max_entries=32)
def _estimate(_con, activity_type: str, scope: Scope, channel, category, version: tuple, coop_version: tuple):
    return effects.estimate(_con, activity_type, scope=scope, channel=channel, category=category)


def effects_section(con, lang: str, scope: Scope, version: tuple, coop_version: tuple) -> None:
    """Before and after a chosen activity type against comparable districts without it (difference in
    differences, event study), when the estimate is available; honest about what it cannot say."""
    st.caption(t("coop_page.effects_help", lang))
    kind = select(st, t("coop_page.effects_type", lang), list(ACTIVITY_TYPE_KEYS), "cp_eff_type", lang,
                  format_func=lambda k: type_label(k, lang), placeholder=t("form.choose", lang))
    if not kind:
        return
    try:
        est = _estimate(con, kind, scope, None, None, version, coop_version)
    except InputError as exc:
        st.warning(plain(exc))
        return
    if not est.estimable:
        st.info(plain(est.reason(lang)) or t("coop_page.effects_not_estimable", lang), icon=":material/info:")
        return
    c = st.columns(4)
    c[0].metric(t("coop_page.effects_ratio", lang), fmt_float(est.rate_ratio, lang, 2),
                help=t("coop_page.effects_ratio_help", lang))
    c[1].metric(t("coop_page.effects_ci", lang), f"{fmt_float(est.ci_low, lang, 2)} – {fmt_float(est.ci_high, lang, 2)}")
    c[2].metric(t("coop_page.effects_p", lang), _p(est.p_value))
    c[3].metric(t("coop_page.effects_n", lang), f"{fmt_int(est.n_treated)} / {fmt_int(est.n_control)}",
                help=t("coop_page.effects_n_help", lang))
    if est.pre_trend_p is not None:
        st.caption(t("coop_page.effects_pre_trend", lang, p=_p(est.pre_trend_p)))
    if len(est.event_study):
        st.plotly_chart(effect_chart(est, lang), width="stretch", key="cp_event_study")
    st.warning(plain(est.caveat(lang)) or t("coop_page.effects_caveat", lang), icon=":material/psychology_alt:")
    if est.method(lang):
        with st.expander(t("coop_page.effects_method", lang), icon=":material/functions:"):
            st.caption(plain(est.method(lang)))


def _p(x) -> str:
    from ..i18n import fmt_p
    return fmt_p(x).replace("= ", "")
