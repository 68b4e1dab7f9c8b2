"""Admin-editable settings stored in the database (shared by every worker).

Each area declares its settings with a default; the value in the table, when present, wins.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.extensions import db


class Setting(db.Model):
    __tablename__ = "settings_value"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int | str | bool | float] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))


def get(key: str, default):
    row = db.session.get(Setting, key)
    return default if row is None else row.value


def get_many(defaults: dict) -> dict:
    rows = db.session.scalars(sa.select(Setting).where(Setting.key.in_(list(defaults))))
    values = dict(defaults)
    values.update({r.key: r.value for r in rows})
    return values


def save(values: dict, *, actor, action: str) -> dict:
    """Store several settings from one form; one audit event (`action`) names what changed.
    Returns the changed keys and their new values."""
    from portal.core import audit

    changed = {key: value for key, value in values.items() if put(key, value, actor=actor)}
    if changed:
        audit.record(action, object_type="settings", actor=actor, data=changed)
    return changed


def put(key: str, value, *, actor=None) -> bool:
    """Store a value; returns True when it changed."""
    row = db.session.get(Setting, key)
    if row is not None and row.value == value:
        return False
    if row is None:
        row = Setting(key=key, value=value)
        db.session.add(row)
    row.value = value
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    return True


# --- the government's own values --------------------------------------------------------------

PLACE = "gov.place"
GOVERNMENT = "gov.name"
INSPECTORATE = "gov.inspectorate_name"
HEAD_OFFICE = "gov.head_office"


def government_name() -> str:
    """The government's name as pages and documents write it: the admin's setting (another Pemda
    sets itself up in the browser), else GOVERNMENT_NAME from the configuration."""
    return _named(GOVERNMENT, "GOVERNMENT_NAME")


def inspectorate_name() -> str:
    return _named(INSPECTORATE, "INSPECTORATE_NAME")


def _named(key: str, config_key: str) -> str:
    from flask import current_app
    from sqlalchemy.exc import SQLAlchemyError

    try:
        value = get(key, "")
    except SQLAlchemyError:  # the 503 page, drawn while the database is away, still names the government
        value = ""
    return str(value or current_app.config[config_key])


def head_office() -> str:
    """The head of region's office (Wali Kota X, Bupati Y): the addressee of the
    Inspectorate's reports."""
    return str(get(HEAD_OFFICE, ""))


def place() -> str:
    """The place the government's documents are made in ("<place>, 9 Agustus 2026" above a
    signature): the admin's setting, else the city named in the government's name, else nothing."""
    return str(get(PLACE, city_of(government_name())))


def city_of(government_name: str) -> str:
    """"Pemerintah Kota Makassar" -> "Makassar". A regency's or a province's name does not say
    where its offices are (the seat of a kabupaten often has another name), so: empty."""
    words = (government_name or "").split()
    lowered = [w.lower() for w in words]
    if "kota" in lowered[:-1]:
        return " ".join(words[lowered.index("kota") + 1:])
    return ""
