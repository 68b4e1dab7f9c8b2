"""Rate-limit keys that never hold a client's address.

The limiter's storage (memory or Redis) would otherwise keep raw IP addresses, which the
WBS must never store. The key is an HMAC of the address under a key that changes daily.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import date

from flask import current_app, request


def _day_key() -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"ratelimit:{date.today().isoformat()}".encode(), hashlib.sha256).digest()


def hashed(value: str) -> str:
    return hmac.new(_day_key(), value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    return "c:" + hashed(request.remote_addr or "unknown")
