"""Small pieces every page uses: the synthetic-data banner, the empty state, a colour legend."""
from __future__ import annotations

import datetime as dt
import html

import streamlit as st

from ..i18n import fmt_date, fmt_date_long, fmt_int, fmt_period, t
from ..text import plain


def synthetic_banner(synthetic: int, total: int, lang: str) -> None:
    """A visible banner whenever synthetic reports are in view."""
    if synthetic > 0:
        st.warning(t("banner.synthetic", lang, n=fmt_int(synthetic), total=fmt_int(total)), icon=":material/science:")


def empty_state(lang: str) -> None:
    st.info(t("empty.no_reports", lang), icon=":material/search_off:")


def legend(rows: list[tuple[tuple[int, int, int], str]], title: str, stacked: bool = False) -> None:
    """Colour boxes with their labels (labels escaped), side by side or one a line (`stacked`). The boxes are
    outlined dark, as the map outlines the study area, so a white class reads as a box."""
    display = "flex" if stacked else "inline-flex"
    items = "".join(
        f'<span style="display:{display};align-items:center;margin-right:12px">'
        f'<span style="width:14px;height:14px;background:rgb{tuple(c)};border:1px solid #464646;'
        f'display:inline-block;margin-right:4px;flex:none"></span>{html.escape(text)}</span>'
        for c, text in rows)
    st.markdown(f'<div style="font-size:0.85rem"><b>{html.escape(title)}</b><br/>{items}</div>',
                unsafe_allow_html=True)


def map_chart(deck, key: str, on_pick, height: int) -> None:
    """A pydeck map whose click is handed to `on_pick(objects by layer id)` and then let go of.

    Streamlit paints every layer of a map with a selection in two colours (the selected object in the theme
    colour, all else faded grey), which hides the map's classes; so after each pick the chart gets a fresh
    key (no selection) and the page outlines the picked unit itself."""
    n = st.session_state.get(f"{key}__n", 0)

    def picked():
        state = st.session_state.get(f"{key}__{n}")
        on_pick(dict(state.selection.objects) if state and state.selection else {})
        st.session_state[f"{key}__n"] = n + 1

    st.pydeck_chart(deck, on_select=picked, selection_mode="single-object", key=f"{key}__{n}", height=height)


def select(container, label: str, options: list, name: str, lang: str, format_func=str, **kwargs):
    """A selectbox whose labels follow the language: Streamlit keeps a selectbox's rendered labels when only
    `format_func` changes, so the widget is keyed by language and the choice kept under `name`."""
    current = st.session_state.get(name, options[0])
    index = options.index(current) if current in options else 0
    value = container.selectbox(label, options, index=index, key=f"{name}__{lang}", format_func=format_func,
                                **kwargs)
    st.session_state[name] = value
    return value


def typed_date(container, label: str, key: str, lang: str) -> dt.date | None:
    """A date typed as Thais write it (15/11/2569, ๑๕/๑๑/๒๕๖๙, 15 พ.ย. 69, or a CE year), read by the intake's
    parser (reports.normalise.parse_date, as the public form does) and said back under the field ("อ่านได้ว่า:
    15 พฤศจิกายน 2569"), or why it cannot be read, in the current language. Streamlit's date picker shows only
    Christian-era years, so where a person types a date this field is used instead. None when empty or unread."""
    from ..reports import normalise as nz

    text = container.text_input(label, key=key, placeholder=t("form.date_placeholder", lang),
                                help=t("form.date_help", lang), max_chars=60)
    if not (text or "").strip():
        return None
    try:
        parsed = nz.parse_date(text)
    except nz.Problem as p:
        container.caption(f"⚠ {plain(p.message_th if lang == 'th' else p.message_en)}")
        return None
    container.caption(t("form.date_read_as", lang, date=fmt_date_long(parsed.date, lang)))
    return parsed.date


def be_range_caption(container, value, lang: str) -> None:
    """The dates chosen in a date-range picker, written in the current language (Buddhist era in Thai) under
    it: Streamlit's picker itself can show only Christian-era years."""
    days = [d for d in (value if isinstance(value, (tuple, list)) else (value,)) if d is not None]
    if days:
        shown = fmt_date(days[0], lang) if len(days) == 1 else fmt_period(days[0], days[-1], lang)
        container.caption(t("filters.chosen", lang, dates=shown))
