"""Helpers shared by the conflict-of-interest HTTP tests."""
from __future__ import annotations

import html
import re

BASE = "/benturan-kepentingan"
OVERSIGHT = f"{BASE}/pengawasan"


def english(client):
    client.get("/?lang=en")
    return client


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


