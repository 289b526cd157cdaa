"""User-derived text shown in Streamlit elements that render Markdown (st.warning, st.caption, st.markdown...).

`plain(value)` returns the value as literal text for those elements: every Markdown control character is
backslash-escaped (so `[Sign in again](https://…)` is not a link and `![](…)` fetches no image), `<` and `>`
become entities (no HTML), and line breaks become spaces (no headings or lists from a new line). Use it for
every value that came from a person — a URL parameter, a report's fields, a contact, a note — whenever it
goes through Markdown; `st.text`, `st.dataframe` and `st.code` show text as it is and need nothing.
"""
from __future__ import annotations

import re

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")


def plain(value) -> str:
    """`value` as literal text for a Markdown-rendering Streamlit element."""
    text = "" if value is None else str(value)
    text = re.sub(r"[\r\n\t]+", " ", text)
    text = _MD.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["plain"]
