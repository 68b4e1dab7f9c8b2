"""Single-use submission nonces: a form sent twice is recorded once.

A double click, a reload of the page a POST produced, the back button or two requests at the
same moment all send the same form again. Each such form carries a nonce issued when it was
rendered; the first POST that uses it records, every later one records nothing and is shown
what the first one recorded.

- The token in the form is `<nonce>.<issued>.<mac>`: 128 random bits, the issue time (Unix
  seconds) and an HMAC binding both to the form's scope and subject (an account, a
  declaration) under a key derived from SECRET_KEY. A forged, altered, expired or foreign
  token (another form's, another account's) is refused before the database is touched, and
  the form is shown again with what the user typed and a fresh token.
- The first POST inserts SHA-256(scope, nonce) into `submission_nonce` with INSERT ... ON
  CONFLICT DO NOTHING, in the transaction that makes the record. A repeat inserts nothing:
  on PostgreSQL its INSERT waits for the first transaction's outcome, and SQLite serialises
  writers. If the first transaction rolls back, the nonce is free again.
- The first request leaves its result for the repeat: a reference the user may see anyway
  (a declaration id), or a result sealed with AES-GCM under a key derived from the nonce
  itself (HKDF, salted with a server key). The server stores only the nonce's hash, so only
  the browser that holds the form can open the seal; it is wiped after
  SUBMISSION_RESULT_SECONDS (five minutes) by the worker's periodic task.
- A row lives until its token could no longer be accepted (issue time + max age), rounded up
  to the next UTC midnight: the table then holds no time of day (the WBS's rule), and a
  token replayed after its row is deleted is refused as expired, never recorded twice.

Functions take plain values (the token string, a scope, a subject) and flush at most; the
caller commits. Nothing here touches the login: the anonymous WBS uses it too.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField, ValidationError

from portal.core import crypto
from portal.core.errors import PortalError
from portal.core.rows import dialect_insert
from portal.extensions import db

NONCE_BYTES = 16  # 128 bits (ASVS V11.5.1 asks at least that for values that must not be guessed)
CLOCK_SKEW = 300  # seconds a token may seem to come from the future (several servers' clocks)
_TOKEN = re.compile(r"([A-Za-z0-9_-]{22})\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})")


class SubmissionNonce(db.Model):
    """A used nonce. Only its hash is kept; see the module docstring for the columns' life."""

    __tablename__ = "submission_nonce"

    nonce_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(32))
    # A UTC midnight: the row may be deleted from then on, when its token is expired anyway.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # What the repeat is shown: a reference the user may see anyway, and/or a sealed result.
    result_ref: Mapped[str | None] = mapped_column(sa.String(64))
    sealed_result: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    sealed_until: Mapped[datetime | None]


class NonceError(PortalError):
    pass


MISSING = _l("This form could not be accepted: its single-use code is missing or not valid. "
             "Nothing was recorded. What you typed is kept below: check it and send it again.")
EXPIRED = _l("This form was opened too long ago and has expired. Nothing was recorded. "
             "What you typed is kept below: check it and send it again.")


@dataclass
class Claim:
    """The outcome of claiming a nonce in the current transaction."""

    scope: str
    nonce_hash: str
    nonce: bytes  # the secret itself: seals and opens the result; never stored
    fresh: bool  # True: this request records; False: an earlier one did (and has committed)
    result_ref: str | None = None
    sealed_result: bytes | None = None
    sealed_until: datetime | None = None


# --- tokens ---------------------------------------------------------------------------------

def _server_key(purpose: bytes) -> bytes:
    return hashlib.sha256(b"submission-nonce:" + purpose + b":" + current_app.config["SECRET_KEY"].encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(scope: str, subject: str, nonce_text: str, issued: int) -> str:
    message = "\x00".join((scope, subject, nonce_text, str(issued))).encode()
    return _b64(hmac.new(_server_key(b"mac"), message, hashlib.sha256).digest()[:16])


def _now() -> float:
    """The clock, in one place (tests move it)."""
    return time.time()


def _utcnow() -> datetime:
    return datetime.fromtimestamp(_now(), UTC)


def max_age() -> int:
    return int(current_app.config["SUBMISSION_NONCE_MAX_AGE"])


def issue(scope: str, subject: str = "", *, now: float | None = None) -> str:
    """A new token for a form of `scope` (and `subject`) rendered now."""
    nonce_text = _b64(secrets.token_bytes(NONCE_BYTES))
    issued = int(now if now is not None else _now())
    return f"{nonce_text}.{issued}.{_mac(scope, subject, nonce_text, issued)}"


def verify(token: str | None, scope: str, subject: str = "", *, now: float | None = None) -> tuple[bytes, int]:
    """The nonce and its issue time, if `token` is genuine, fresh and of this scope and subject."""
    match = _TOKEN.fullmatch((token or "")[:100])
    if match is None:
        raise NonceError(MISSING)
    nonce_text, issued_text, mac = match.groups()
    issued = int(issued_text)
    if not hmac.compare_digest(_mac(scope, subject, nonce_text, issued), mac):
        raise NonceError(MISSING)
    now = now if now is not None else _now()
    if issued > now + CLOCK_SKEW:
        raise NonceError(MISSING)
    if now - issued > max_age():
        raise NonceError(EXPIRED)
    return _unb64(nonce_text), issued


def _hash(scope: str, nonce: bytes) -> str:
    return hashlib.sha256(b"submission-nonce-hash\x00" + scope.encode() + b"\x00" + nonce).hexdigest()


def _row_expiry(issued: int) -> datetime:
    """The UTC midnight after the token's own expiry: a date, no time of day."""
    end = datetime.fromtimestamp(issued + max_age(), UTC)
    return datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)


# --- claiming and results -------------------------------------------------------------------

def claim(token: str | None, scope: str, subject: str = "", *, now: float | None = None) -> Claim:
    """Take the nonce for the current transaction (the caller commits); NonceError if refused.

    `fresh` is False when another request used it: that request has committed by the time
    this returns (PostgreSQL makes this INSERT wait for it), so its result can be read."""
    nonce, issued = verify(token, scope, subject, now=now)
    nonce_hash = _hash(scope, nonce)
    stmt = (dialect_insert(SubmissionNonce)
            .values(nonce_hash=nonce_hash, scope=scope, expires_at=_row_expiry(issued))
            .on_conflict_do_nothing(index_elements=["nonce_hash"])
            .returning(SubmissionNonce.nonce_hash))
    if db.session.execute(stmt).scalar() is not None:
        return Claim(scope, nonce_hash, nonce, fresh=True)
    row = db.session.execute(sa.select(SubmissionNonce.result_ref, SubmissionNonce.sealed_result,
                                       SubmissionNonce.sealed_until)
                             .where(SubmissionNonce.nonce_hash == nonce_hash)).first()
    if row is None:  # purged in between: only possible with a clock far off; still not recorded twice
        return Claim(scope, nonce_hash, nonce, fresh=False)
    return Claim(scope, nonce_hash, nonce, fresh=False, result_ref=row.result_ref, sealed_result=row.sealed_result,
                 sealed_until=row.sealed_until)


def _seal_key(c: Claim) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_server_key(b"seal"),
                info=b"submission-result\x00" + c.scope.encode()).derive(c.nonce)


def record(c: Claim, *, ref: str | None = None, sealed: dict | None = None, now: datetime | None = None) -> None:
    """Leave the result of a fresh claim for a repeat: `ref` in the clear, `sealed` readable
    only with the nonce, and only for SUBMISSION_RESULT_SECONDS."""
    if not c.fresh:
        raise ValueError("only the request that claimed the nonce records its result")
    values: dict = {"result_ref": ref}
    if sealed is not None:
        plain = json.dumps(sealed, ensure_ascii=False).encode()
        values["sealed_result"] = crypto.encrypt(_seal_key(c), plain, c.nonce_hash.encode())
        values["sealed_until"] = (now or _utcnow()) + timedelta(seconds=current_app.config["SUBMISSION_RESULT_SECONDS"])
    db.session.execute(sa.update(SubmissionNonce).where(SubmissionNonce.nonce_hash == c.nonce_hash).values(**values))
    c.result_ref, c.sealed_result, c.sealed_until = ref, values.get("sealed_result"), values.get("sealed_until")


def opened_result(c: Claim, *, now: datetime | None = None) -> dict | None:
    """The sealed result of the request that used this nonce, while it is kept; else None."""
    if c.sealed_result is None or c.sealed_until is None or c.sealed_until <= (now or _utcnow()):
        return None
    try:
        return json.loads(crypto.decrypt(_seal_key(c), c.sealed_result, c.nonce_hash.encode()))
    except (InvalidTag, ValueError):
        return None


def purge(now: datetime | None = None) -> tuple[int, int]:
    """Delete rows whose tokens are expired anyway and wipe results kept long enough.
    Returns (rows deleted, results wiped); the caller commits."""
    now = now or _utcnow()
    deleted = db.session.execute(sa.delete(SubmissionNonce).where(SubmissionNonce.expires_at <= now)).rowcount
    wiped = db.session.execute(sa.update(SubmissionNonce).where(SubmissionNonce.sealed_until <= now)
                               .values(sealed_result=None, sealed_until=None)).rowcount
    return deleted, wiped


def purge_task() -> tuple[int, int]:
    """The worker's periodic task (portal.core.jobs): every half minute, in its own transaction."""
    done = purge()
    db.session.commit()
    return done


# --- the form field -------------------------------------------------------------------------

class NonceField(HiddenField):
    """The hidden token. Its scope is fixed by the form class; a view that binds the form to
    someone or something calls `bind(subject)` before validating or rendering it.

    Render it with `templates/_macros/nonce.html`, which also shows its error: a refused
    token re-renders the form with a fresh one, so correcting and sending again works."""

    def __init__(self, label=None, validators=None, *, scope: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.scope = scope
        self.subject = ""

    def bind(self, subject: str) -> None:
        self.subject = subject

    def _value(self):
        if not self.data:
            self.data = issue(self.scope, self.subject)
        return self.data

    def pre_validate(self, form):
        try:
            verify(self.data, self.scope, self.subject)
        except NonceError as exc:
            self.data = issue(self.scope, self.subject)
            raise ValidationError(exc.message) from None

    def refuse(self, message) -> None:
        """A claim refused after validation (the token expired in between): same as above."""
        self.errors = [*self.errors, message]
        self.data = issue(self.scope, self.subject)
