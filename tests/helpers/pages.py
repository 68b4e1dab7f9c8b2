"""What the HTTP tests of several areas read off a response: the page's text, a field's
error, the flashed messages, a PDF's text. Plain values only, usable outside the app context."""
from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest


def english(client):
    """Switch a client to English: the choice is remembered in its profile or cookie."""
    client.get("/?lang=en")
    return client


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(page: str, field_id: str) -> str:
    """The error shown under a form field, as text ('' when there is none)."""
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def flashed(client) -> str:
    with client.session_transaction() as cookie:
        return " ".join(str(m) for _, m in cookie.get("_flashes", []))


def poppler(tool: str) -> None:
    if not shutil.which(tool):
        pytest.skip(f"{tool} (poppler-utils) is not installed; `make test` installs it")


def pdf_text(data: bytes, raw: bool = False) -> str:
    """The text of a PDF, whitespace collapsed; `raw`: in the order it was drawn (rotated text
    comes out whole, not spread over the lines it crosses)."""
    assert data.startswith(b"%PDF"), data[:40]
    poppler("pdftotext")
    out = subprocess.run(["pdftotext", *(["-raw"] if raw else []), "-", "-"], input=data, capture_output=True,
                         check=True, timeout=60)
    return " ".join(out.stdout.decode("utf-8").split())
