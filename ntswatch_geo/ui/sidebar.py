"""The shared sidebar, written once: language, filters (kept in session state and the URL), the user box."""
from __future__ import annotations

import streamlit as st

from ..filters import QUERY_KEYS, FilterOptions, Filters, default_filters, from_query
from ..i18n import LANGS, fmt_date, label, sort_key, t
from ..scope import Scope
from ..text import plain
from . import data, widgets
from .session import K_LANG, sign_out

K_FILTERS, K_NOTICES = "filters", "filter_notices"
W = {"dates": "f_dates", "cats": "f_cats", "provs": "f_provs", "dists": "f_dists", "mwcc": "f_mwcc",
     "chans": "f_chans", "stats": "f_stats"}


def language_switch() -> str:
    """ไทย / English, kept in the URL as `lang`."""
    lang = st.session_state[K_LANG]
    choice = st.sidebar.segmented_control(
        "ภาษา / Language", options=list(LANGS), default=lang, key="lang_switch",
        format_func=lambda x: {"th": "ไทย", "en": "English"}[x])
    if choice and choice != lang:
        st.session_state[K_LANG] = choice
        st.rerun()
    return lang


def _seed_widgets(f: Filters) -> None:
    st.session_state[W["dates"]] = (f.date_from, f.date_to)
    st.session_state[W["cats"]] = list(f.categories)
    st.session_state[W["provs"]] = list(f.provinces)
    st.session_state[W["dists"]] = list(f.districts)
    st.session_state[W["mwcc"]] = f.mwcc_only
    st.session_state[W["chans"]] = list(f.channels)
    st.session_state[W["stats"]] = list(f.statuses)


def _initial(opts: FilterOptions) -> None:
    """First run of a session: filters from the URL (bad values dropped, with notices)."""
    query = {k: st.query_params.get(k) for k in QUERY_KEYS if st.query_params.get(k) is not None}
    f, notices = from_query(query, opts)
    st.session_state[K_FILTERS] = f
    st.session_state[K_NOTICES] = notices
    _seed_widgets(f)


def _from_widgets(opts: FilterOptions) -> Filters:
    dates = st.session_state.get(W["dates"]) or ()
    base = default_filters(opts)
    d_from, d_to = (dates + (None, None))[:2] if isinstance(dates, tuple) else (None, None)
    allowed = set(opts.districts)
    return Filters(
        date_from=d_from or base.date_from, date_to=d_to or d_from or base.date_to,
        categories=tuple(st.session_state.get(W["cats"], [])),
        provinces=tuple(p for p in st.session_state.get(W["provs"], []) if p in opts.provinces),
        districts=tuple(d for d in st.session_state.get(W["dists"], []) if d in allowed),
        mwcc_only=bool(st.session_state.get(W["mwcc"], False)),
        channels=tuple(st.session_state.get(W["chans"], [])),
        statuses=tuple(st.session_state.get(W["stats"], [])),
    )


def select_from_map(objects: dict) -> None:
    """Map callback (widgets.map_chart): a click on a district of the map narrows the district filter to it."""
    from ..maps import LAYER_DISTRICTS, picked_code

    code = picked_code((objects or {}).get(LAYER_DISTRICTS))
    if code:
        st.session_state[W["dists"]] = [code]


def reset() -> None:
    st.session_state.pop(K_FILTERS, None)
    st.session_state[K_NOTICES] = []
    for k in QUERY_KEYS:
        st.query_params.pop(k, None)
    for w in W.values():
        st.session_state.pop(w, None)


def filters(con, scope: Scope, lang: str, version: tuple) -> Filters:
    """Draw the filters and return what they select; mirrors them into the URL."""
    opts = data.options(con, scope, version)
    if K_FILTERS not in st.session_state or W["dates"] not in st.session_state:
        _initial(opts)
    names = _names(con, opts)
    sb = st.sidebar
    sb.subheader(t("filters.title", lang))
    sb.date_input(t("filters.dates", lang), key=W["dates"], min_value=opts.min_date, max_value=opts.max_date,
                  format="DD/MM/YYYY")
    widgets.be_range_caption(sb, st.session_state.get(W["dates"]), lang)   # the picker shows CE years only
    sb.caption(t("filters.data_range", lang, first=fmt_date(opts.first_date, lang),
                 last=fmt_date(opts.last_date, lang)))
    sb.multiselect(t("filters.categories", lang), opts.categories, key=W["cats"],
                   format_func=lambda k: label("category", k, lang), placeholder=t("filters.all", lang))
    fixed_province = scope.province_code is not None
    if fixed_province:  # show the one province the account covers, not "all"
        st.session_state[W["provs"]] = [scope.province_code]
    prov_opts = sorted(opts.provinces, key=lambda c: sort_key(names["prov"][c][lang], lang))   # by name, as read
    sb.multiselect(t("filters.provinces", lang), prov_opts, key=W["provs"], disabled=fixed_province,
                   format_func=lambda c: names["prov"][c][lang], placeholder=t("filters.all", lang),
                   help=t("filters.scope_fixed", lang) if fixed_province else None)
    chosen_provs = st.session_state.get(W["provs"]) or []
    dist_opts = sorted((d for d in opts.districts if not chosen_provs or opts.district_province[d] in chosen_provs),
                       key=lambda c: sort_key(names["dist"][c][lang], lang))
    st.session_state[W["dists"]] = [d for d in st.session_state.get(W["dists"], []) if d in dist_opts]
    if scope.district_code:  # a district officer's one district, shown rather than "all"
        st.session_state[W["dists"]] = [scope.district_code]
    sb.multiselect(t("filters.districts", lang), dist_opts, key=W["dists"],
                   format_func=lambda c: names["dist"][c][lang], placeholder=t("filters.all", lang),
                   disabled=scope.district_code is not None)
    sb.toggle(t("filters.mwcc_only", lang), key=W["mwcc"])
    sb.multiselect(t("filters.channels", lang), opts.channels, key=W["chans"],
                   format_func=lambda k: label("channel", k, lang), placeholder=t("filters.all", lang))
    sb.multiselect(t("filters.statuses", lang), opts.statuses, key=W["stats"],
                   format_func=lambda k: label("status", k, lang), placeholder=t("filters.all", lang))
    sb.button(t("filters.reset", lang), on_click=reset, width="stretch")
    f = _from_widgets(opts)
    st.session_state[K_FILTERS] = f
    _sync_url(f, lang)
    return f


@st.cache_data(show_spinner=False)
def _names_cached(_con, provinces: tuple, districts: tuple) -> dict:
    rows = _con.execute("SELECT code, name_th, name_en FROM provinces").fetchall()
    prov = {c: {"th": th, "en": en} for c, th, en in rows if c in provinces}
    rows = _con.execute("SELECT code, name_th, name_en FROM districts").fetchall()
    dist = {c: {"th": th, "en": en} for c, th, en in rows if c in districts}
    return {"prov": prov, "dist": dist}


def _names(con, opts: FilterOptions) -> dict:
    return _names_cached(con, opts.provinces, opts.districts)


def _sync_url(f: Filters, lang: str) -> None:
    want = {**f.to_query(), "lang": lang}
    current = {k: st.query_params.get(k) for k in (*QUERY_KEYS, "lang")}
    if {k: v for k, v in current.items() if v is not None} != want:
        for k in (*QUERY_KEYS, "lang"):
            if k in want:
                st.query_params[k] = want[k]
            else:
                st.query_params.pop(k, None)


def notices(lang: str) -> None:
    """Say which URL values were ignored (once)."""
    for n in st.session_state.get(K_NOTICES, []):
        st.warning(t(f"notice.{n.reason}", lang, param=plain(n.param), value=plain(n.value)))
    st.session_state[K_NOTICES] = []


def user_box(user, lang: str) -> None:
    sb = st.sidebar
    sb.divider()
    sb.caption(t("user.signed_in_as", lang, name=plain(user.display_name or user.username),
                 role=t(f"role.{user.role}", lang)))
    if sb.button(t("user.sign_out", lang), width="stretch"):
        sign_out()
        st.rerun()
    if sb.button(t("user.sign_out_everywhere", lang), width="stretch", type="tertiary",
                 help=t("user.sign_out_everywhere_help", lang)):
        sign_out(everywhere=True)
        st.rerun()
