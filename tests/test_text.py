"""text.plain: user-derived values shown as literal text in Markdown-rendering Streamlit elements."""
from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from ntswatch_geo.text import plain

ATTACKS = [
    "[Sign in again](https://evil.example/login)", "![](https://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>", "**bold** _it_ `code`", "# heading", "line\n- item\n> quote",
    "https://evil.example", "a | table | row", "$x^2$", ":material/warning:", "นายสมชาย [ลิงก์](http://x)",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_plain_text_renders_as_itself_without_links_images_or_html(text):
    html = MarkdownIt("commonmark").render(plain(text))
    assert "<a " not in html and "<img" not in html and "<h1" not in html and "<li" not in html
    assert "<strong" not in html and "<em" not in html and "<code" not in html
    # what the reader sees is the value, unchanged but for line breaks
    import html as h
    import re

    visible = h.unescape(re.sub(r"<[^>]+>", "", html)).strip()
    assert visible == " ".join(text.split("\n")).replace("\n", " ") or visible == text.replace("\n", " ")


def test_plain_of_none_is_empty():
    assert plain(None) == ""
