"""Forms that carry a single-use nonce (portal/nonces.py): take it from the form's page, as a
browser does, before posting. No tests here."""
from __future__ import annotations

import re

_NONCE = re.compile(r'<input type="hidden" name="nonce" value="([^"]+)">')


def form_nonce(client, path: str) -> str:
    """The nonce of the form rendered at `path` (GET)."""
    response = client.get(path)
    match = _NONCE.search(response.get_data(as_text=True))
    assert match, f"no nonce on {path} ({response.status_code})"
    return match.group(1)


def with_nonce(client, path: str, data: dict) -> dict:
    """`data` plus a fresh nonce from the form at `path`, unless it already has one."""
    return data if "nonce" in data else dict(data, nonce=form_nonce(client, path))
