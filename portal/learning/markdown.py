"""Markdown for lessons, explanations and sources: the one place where text becomes HTML.

Two independent layers, so one bug is not enough for script to reach a page: markdown-it-py
with raw HTML disabled (a `<script>` typed into a lesson stays text), then nh3 (ammonia)
with a small allowlist of tags and attributes. Only the result of render_markdown() is
marked safe; templates never use `|safe` on content.
"""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=512)
def _render(text: str) -> str:
    html = _md.render(text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def render_markdown(text: str | None) -> Markup:
    return Markup(_render(text or ""))
