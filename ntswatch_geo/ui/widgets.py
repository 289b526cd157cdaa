"""Small pieces every page uses: the synthetic-data banner, the empty state, a colour legend."""
from __future__ import annotations

import html

import streamlit as st

from ..i18n import fmt_int, t


def synthetic_banner(synthetic: int, total: int, lang: str) -> None:
    """A visible banner whenever synthetic reports are in view."""
    if synthetic > 0:
        st.warning(t("banner.synthetic", lang, n=fmt_int(synthetic), total=fmt_int(total)), icon=":material/science:")


def empty_state(lang: str) -> None:
    st.info(t("empty.no_reports", lang), icon=":material/search_off:")


def legend(rows: list[tuple[tuple[int, int, int], str]], title: str) -> None:
    """Colour boxes with their labels (labels escaped)."""
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:12px">'
        f'<span style="width:14px;height:14px;background:rgb{c};border:1px solid #999;'
        f'display:inline-block;margin-right:4px"></span>{html.escape(text)}</span>'
        for c, text in rows)
    st.markdown(f'<div style="font-size:0.85rem"><b>{html.escape(title)}</b><br/>{items}</div>',
                unsafe_allow_html=True)


def select(container, label: str, options: list, name: str, lang: str, format_func=str, **kwargs):
    """A selectbox whose labels follow the language: Streamlit keeps a selectbox's rendered labels when only
    `format_func` changes, so the widget is keyed by language and the choice kept under `name`."""
    current = st.session_state.get(name, options[0])
    index = options.index(current) if current in options else 0
    value = container.selectbox(label, options, index=index, key=f"{name}__{lang}", format_func=format_func,
                                **kwargs)
    st.session_state[name] = value
    return value
