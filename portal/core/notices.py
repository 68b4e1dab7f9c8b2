"""Notices in the portal: a small inbox every account has, shown on the home page.

Something that must reach a person reaches them here even when they have no e-mail address
(many employees have none): an announcement that their account was reset, a reminder of what
is still due. A notice stores its kind and plain parameters, never rendered text, so it reads in
the language the person uses when they open it. Each kind's wording is defined once, with
`define()`, by the area that sends it, its msgids marked with `N_` (Babel extracts N_ by default).
A kind whose parameters are themselves to be worded (a list of items, a title in two languages,
a date) gives `define()` a function that turns the stored parameters into the placeholders'
text; it is called at reading time, in the reader's language.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.extensions import db

MAX_SHOWN = 20


class Notice(db.Model):
    __tablename__ = "notice"
    __table_args__ = (sa.Index("ix_notice_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Where the notice leads (a path inside the portal), if anywhere.
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name for "translate later")
    """Marks a msgid for extraction; it is translated when the notice is shown."""
    return message


@dataclass(frozen=True)
class Wording:
    subject: str  # msgids with %(name)s placeholders filled from the notice's params
    body: str
    words: Callable[[dict], dict] | None = None  # stored params -> placeholder text, in the current language


_WORDINGS: dict[str, Wording] = {}


def define(kind: str, subject: str, body: str, *, words: Callable[[dict], dict] | None = None) -> str:
    """Declare a kind of notice and its wording (msgids marked with N_); returns the kind.
    `words`, if given, turns the stored params into the placeholders' values when shown."""
    _WORDINGS[kind] = Wording(subject, body, words)
    return kind


def send(user_id: int, kind: str, *, link: str = "", **params) -> Notice:
    """Add a notice to the current transaction (the caller commits)."""
    if kind not in _WORDINGS:
        raise KeyError(f"notice kind {kind!r} has no wording (notices.define)")
    notice = Notice(user_id=user_id, kind=kind, params=params, link=link)
    db.session.add(notice)
    db.session.flush()
    return notice


def text(notice: Notice) -> tuple[str, str]:
    """(subject, body) in the current language."""
    wording = _WORDINGS.get(notice.kind)
    if wording is None:  # a kind retired since: say little rather than fail the home page
        return notice.kind, ""
    params = notice.params or {}
    if wording.words is not None:
        params = wording.words(params)
    return gettext(wording.subject, **params), gettext(wording.body, **params)


def recent(user_id: int, *, unread_only: bool = False, limit: int = MAX_SHOWN) -> list[Notice]:
    stmt = sa.select(Notice).where(Notice.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    return list(db.session.scalars(stmt.order_by(Notice.id.desc()).limit(limit)))


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
        Notice.user_id == user_id, Notice.read_at.is_(None))) or 0


def mark_read(user_id: int, notice_id: int | None = None) -> int:
    """Mark one notice (or all of the person's) read; only their own."""
    stmt = sa.update(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None))
    if notice_id is not None:
        stmt = stmt.where(Notice.id == notice_id)
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount
