"""Argon2id password hashing (argon2-cffi), with the parameters from the config."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

MAX_PASSWORD_LENGTH = 128
MIN_PASSWORD_LENGTH = 10

# A hash computed once so an unknown username costs as much time as a wrong password.
_DUMMY: dict[tuple, str] = {}


def _hasher() -> PasswordHasher:
    c = current_app.config
    return PasswordHasher(time_cost=c["ARGON2_TIME_COST"], memory_cost=c["ARGON2_MEMORY_COST"],
                          parallelism=c["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when the password matches. Overlong input is refused before hashing."""
    hasher = _hasher()
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    if not stored:
        params = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
        if params not in _DUMMY:
            _DUMMY[params] = hasher.hash("not-a-real-password")
        stored = _DUMMY[params]
        try:
            hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True
