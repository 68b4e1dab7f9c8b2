"""Codes people read, type or scan: Crockford's base32 (no I, L, O, U), 5 random bits a
character, forgiving the usual misreadings (O for 0, I or L for 1), case, dashes and spaces.

Used for WBS receipt codes, case numbers and certificate codes; READABLE for temporary
passwords and MFA recovery codes.
"""
from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MISREAD = str.maketrans("OIL", "011")
# Lower case without look-alikes (no i, l, o, 0, 1): passwords read out over the phone, recovery codes.
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


def random_code(length: int, alphabet: str = ALPHABET) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def grouped(code: str, size: int = 4) -> str:
    """ABCD-EFGH-...: how a code is printed and read out."""
    return "-".join(code[i:i + size] for i in range(0, len(code), size))


def normalise(raw: str | None, length: int) -> str | None:
    """The code as stored, or None when what was typed cannot be a code of this length."""
    text = "".join(ch for ch in (raw or "")[:4 * length] if ch.isalnum()).upper().translate(_MISREAD)
    if len(text) != length or any(ch not in ALPHABET for ch in text):
        return None
    return text
