"""Markdown is rendered and sanitised: no script, event handler or javascript: URL survives."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from portal.learning.markdown import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "[x](  JaVaScRiPt:alert(1))",
    "![img](https://evil.example/x.png)",
    "<svg onload=alert(1)>",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_dangerous_input_is_neutralised(payload):
    found = elements(str(render_markdown(f"Teks biasa.\n\n{payload}\n")))
    assert {tag for tag, _ in found} <= {"p", "a"}
    for tag, attrs in found:
        assert not any(name.startswith("on") or name in ("style", "src") for name in attrs), (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript", "data", "vbscript")), href


def test_no_attribute_can_run_script():
    html = str(render_markdown("<img src=x onerror=alert(1)> [a](javascript:alert(1))"))
    # The raw HTML stays visible as text (escaped); no element carries it.
    assert "&lt;img" in html
    assert "<a " not in html  # markdown-it refuses the javascript: link outright


def test_markdown_is_rendered():
    html = str(render_markdown("## Judul\n\n- **satu**\n- [dua](https://padang.go.id)\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<h2>Judul</h2>" in html and "<strong>satu</strong>" in html and "<table>" in html
    assert '<a href="https://padang.go.id" rel="noopener noreferrer">dua</a>' in html


def test_output_is_marked_safe_only_after_sanitising():
    from markupsafe import Markup

    out = render_markdown("<b>x</b>")
    assert isinstance(out, Markup)
    assert "&lt;b&gt;" in out
    assert render_markdown(None) == Markup("")
