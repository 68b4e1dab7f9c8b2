"""Accounts in tests: the one password, NIPs nobody has yet, logging a test client in."""
from __future__ import annotations

import itertools

PASSWORD = "kata-sandi-uji-123"

# One counter per test process: this module is imported once, by its name, from everywhere.
_NIP_SEQ = itertools.count(1)


def new_nip(gender: str = "1", pppk: bool = False) -> str:
    n = next(_NIP_SEQ)
    birth = f"19{70 + n % 15:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
    seq = f"{1 + n % 999:03d}"
    if pppk:
        return f"{birth}202321{gender}{seq}"
    return f"{birth}{2005 + n % 15}{1 + n % 12:02d}{gender}{seq}"


def login(client, login_name: str, password: str = PASSWORD):
    response = client.post("/login", data={"login": login_name, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response


class World:
    """A small city: three OPDs and an account for every role. Ids only, so tests can use
    them outside the app context."""
