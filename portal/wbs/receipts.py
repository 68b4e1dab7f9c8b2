"""Receipt codes: 100 random bits, typed by a person, stored only as a keyed slow hash.

20 characters of Crockford's base32 (no I, L, O, U) in five groups of four. Reading mistakes
(O for 0, I or L for 1) are forgiven. The code is shown once and never stored, logged,
mailed or put in a URL.
"""
from __future__ import annotations

import hashlib

from flask import current_app

from portal.core import codes

LENGTH = 20  # 20 x 5 bits = 100 bits


def new_code() -> str:
    return codes.grouped(codes.random_code(LENGTH))


def normalize(code: str) -> str | None:
    return codes.normalise(code, LENGTH)


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
    return "WBS-" + codes.grouped(codes.random_code(8))
