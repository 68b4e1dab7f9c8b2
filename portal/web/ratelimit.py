"""Rate-limit keys that never hold a client's address.

The limiter's storage (memory or Redis) would otherwise keep raw IP addresses, which the
WBS must never store. The key is an HMAC of the address under a key that changes daily.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import date

from flask import current_app, request
from flask_limiter import Limiter
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


def _day_key() -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"ratelimit:{date.today().isoformat()}".encode(), hashlib.sha256).digest()


def hashed(value: str) -> str:
    return hmac.new(_day_key(), value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    return "c:" + hashed(request.remote_addr or "unknown")


limiter = Limiter(key_func=client_key, default_limits=[])


# This process's own counters, used only while the shared storage (Redis) cannot be reached:
# a limit per worker is weaker than one for all, but a throttle that fails open would invite
# guessing, and one that fails with a 500 would lock everyone out.
_fallback = MovingWindowRateLimiter(MemoryStorage())


def hit(limit: str, *identifiers: str) -> bool:
    """Count one try against `limit` (e.g. "10 per hour"); False when it is used up."""
    try:
        return limiter.limiter.hit(parse(limit), *identifiers)
    except Exception as exc:  # the storage's own errors (redis.ConnectionError, timeouts...)
        log.warning("rate-limit storage unreachable (%s); counting in this process", type(exc).__name__)
        return _fallback.hit(parse(limit), *identifiers)
