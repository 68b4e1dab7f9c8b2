"""Receipt codes: 100 random bits, typed by a person, stored only as a keyed slow hash.

20 characters of Crockford's base32 (no I, L, O, U) in five groups of four. Reading mistakes
(O for 0, I or L for 1) are forgiven. The code is shown once and never stored, logged,
mailed or put in a URL.
"""
from __future__ import annotations

import hashlib
import re
import secrets

from flask import current_app

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20  # 20 x 5 bits = 100 bits
_CLEAN = re.compile(r"[\s\-_.]")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalize(code: str) -> str | None:
    text = _CLEAN.sub("", (code or "")[:64]).upper().translate(str.maketrans("OIL", "011"))
    if len(text) != LENGTH or any(c not in ALPHABET for c in text):
        return None
    return text


def lookup_key(code: str) -> str | None:
    """The stored form of a code: scrypt keyed with the server-side pepper."""
    text = normalize(code)
    if text is None:
        return None
    pepper = current_app.config["WBS_RECEIPT_PEPPER"]
    n = current_app.config["WBS_RECEIPT_SCRYPT_N"]
    digest = hashlib.scrypt(text.encode(), salt=b"wbs-receipt:" + str(pepper).encode(), n=n, r=8, p=1,
                            maxmem=128 * 1024 * 1024, dklen=32)
    return digest.hex()


def new_public_id() -> str:
    """What handlers and the printed receipt call a case: random, not a sequence."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"WBS-{raw[:4]}-{raw[4:]}"
