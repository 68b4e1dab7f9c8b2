"""TOTP multi-factor authentication: enrolment, verification, recovery codes, policy.

Rules only: plain values in, the caller commits. The secret is stored sealed under the newest
master key (portal/crypto.py's wrap, bound to the account id), never in clear; recovery codes
only as salted Argon2 hashes. A code is accepted for the current time step or one either side,
and never twice: the last accepted step is kept per account and moved forward with one
conditional UPDATE, so two concurrent requests cannot both use the same code.
"""
from __future__ import annotations

import hmac
import re
import time

import pyotp
import sqlalchemy as sa

from portal.auth.models import RecoveryCode, User
from portal.auth.passwords import hash_password, verify_password
from portal.core import audit, codes, crypto
from portal.core.clock import utcnow
from portal.extensions import db

STEP = 30
DIGITS = 6
RECOVERY_CODES = 10
# 10 characters of Crockford-like base32 without look-alikes: 50 bits each, typed as xxxxx-xxxxx.
RECOVERY_LENGTH = 10


class MfaError(Exception):
    pass


def now() -> float:
    return time.time()


# --- policy ---------------------------------------------------------------------------------

def is_required(user: User, required_roles) -> bool:
    """Whether the account's roles oblige it to use MFA (required_roles: role values)."""
    return bool({r.value for r in user.role_set} & set(required_roles or ()))


def needs_enrolment(user: User, required_roles) -> bool:
    return is_required(user, required_roles) and not user.mfa_enabled


# --- secrets --------------------------------------------------------------------------------

def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, RFC 4226's recommended length


def _aad(user_id: int) -> bytes:
    return f"auth-mfa:{user_id}".encode()


def seal(user_id: int, secret: str) -> bytes:
    return crypto.wrap(secret.encode("ascii"), _aad(user_id))


def unseal(user_id: int, blob: bytes) -> str:
    return crypto.unwrap(blob, _aad(user_id)).decode("ascii")


def provisioning_uri(secret: str, account_name: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=issuer)


def normalize_code(text: str | None) -> str:
    return re.sub(r"[\s-]", "", text or "").lower()[:32]


def _matching_step(secret: str, code: str, after: int | None, at: float) -> int | None:
    """The time step (current or one either side) whose code this is, if later than `after`."""
    if not re.fullmatch(rf"[0-9]{{{DIGITS}}}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(at // STEP)
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Move the account's last accepted step forward to `step`; False if another request got there first."""
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, sa.or_(User.mfa_last_step.is_(None), User.mfa_last_step < step))
        .values(mfa_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    user.mfa_last_step = step
    return True


def check_totp(user: User, code: str, *, at: float | None = None) -> bool:
    """A current, not yet used code of the account's own secret."""
    if not user.mfa_enabled or user.mfa_secret is None:
        return False
    code = normalize_code(code)
    step = _matching_step(unseal(user.id, user.mfa_secret), code, user.mfa_last_step, now() if at is None else at)
    return step is not None and _claim_step(user, step)


# --- recovery codes -------------------------------------------------------------------------

def _new_recovery_code() -> str:
    return codes.random_code(RECOVERY_LENGTH, codes.READABLE)


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(c)) for c in codes)
    db.session.flush()
    return [format_recovery_code(c) for c in codes]


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id)) or 0


def use_recovery_code(user: User, code: str) -> bool:
    code = normalize_code(code)
    if not user.mfa_enabled or len(code) != RECOVERY_LENGTH or set(code) - set(codes.READABLE):
        return False
    for row in db.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        if verify_password(row.code_hash, code):
            # Deleted by id with a row count: a concurrent use of the same code finds nothing.
            gone = db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.id == row.id)
                                      .execution_options(synchronize_session=False)).rowcount
            if gone != 1:
                return False
            db.session.expunge(row)
            audit.record("auth.mfa_recovery_code_used", user, actor=user,
                         data={"left": recovery_codes_left(user)})
            return True
    return False


def check_second_factor(user: User, code: str, *, at: float | None = None) -> str | None:
    """'totp' or 'recovery' when the code is accepted (a recovery code is used up), else None."""
    if check_totp(user, code, at=at):
        return "totp"
    if use_recovery_code(user, code):
        return "recovery"
    return None


# --- state changes --------------------------------------------------------------------------

def enable(user: User, secret: str, code: str, *, at: float | None = None) -> list[str]:
    """Turn MFA on with a secret the user has just set up, proven by a current code.

    Returns the recovery codes in clear: shown once, stored only hashed.
    """
    if user.mfa_enabled:
        raise MfaError("already enabled")
    step = _matching_step(secret, normalize_code(code), None, now() if at is None else at)
    if step is None:
        raise MfaError("wrong code")
    user.mfa_secret = seal(user.id, secret)
    user.mfa_enabled_at = utcnow()
    user.mfa_last_step = step
    db.session.flush()
    codes = _replace_recovery_codes(user)
    audit.record("auth.mfa_enabled", user, actor=user)
    return codes


def disable(user: User, password: str, code: str, *, at: float | None = None) -> bool:
    """Turn MFA off: needs the password and a current code (re-authentication, ASVS V7.5.1)."""
    if not user.mfa_enabled or not verify_password(user.password_hash, password):
        return False
    if not check_totp(user, code, at=at):
        return False
    _clear(user)
    audit.record("auth.mfa_disabled", user, actor=user)
    return True


def regenerate_recovery_codes(user: User, code: str, *, at: float | None = None) -> list[str] | None:
    if not check_totp(user, code, at=at):
        return None
    codes = _replace_recovery_codes(user)
    audit.record("auth.mfa_recovery_codes_regenerated", user, actor=user)
    return codes


def reset(user: User, *, actor: User, approved_by: User | None = None) -> None:
    """An administrator turns another account's MFA off (a lost phone); their sessions end."""
    if actor.id == user.id:
        raise MfaError("an administrator cannot reset their own MFA")
    if not user.mfa_enabled:
        return
    _clear(user)
    user.session_version += 1
    db.session.flush()
    audit.record("auth.mfa_reset", user, actor=actor,
                 data={"approved_by": approved_by.id} if approved_by else {})


def _clear(user: User) -> None:
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.mfa_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def rotate_keys() -> int:
    """Re-seal every TOTP secret under the newest master key (part of `flask rotate-keys`)."""
    count = 0
    for user in db.session.scalars(sa.select(User).where(User.mfa_secret.is_not(None))):
        if crypto.needs_rewrap(user.mfa_secret):
            user.mfa_secret = seal(user.id, unseal(user.id, user.mfa_secret))
            count += 1
    db.session.flush()
    return count
