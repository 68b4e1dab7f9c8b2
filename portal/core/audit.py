"""Append-only, hash-chained audit log.

Each event's hash covers the previous event's hash, so deleting or editing a row breaks
the chain that `verify_chain()` walks. The single `audit_head` row is updated first in
`record()`: that row lock (PostgreSQL) or write lock (SQLite) serialises writers across
processes, so two transactions can never chain onto the same predecessor.

Events carry who (a user id), what and which object, never request metadata: the WBS's
events in particular hold no address, user agent or referrer.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.extensions import db

GENESIS = "0" * 64


class AuditHead(db.Model):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS)


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    # An object's own events (a declaration's history) without reading the whole log.
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    actor = relationship("User", lazy="joined")


def _digest(prev_hash: str, seq: int, created_at: datetime, actor_id, action, object_type, object_id, data) -> str:
    payload = json.dumps(
        [prev_hash, seq, created_at.isoformat(), actor_id, action, object_type, object_id, data],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(action: str, obj=None, *, actor=None, object_type: str | None = None,
           object_id=None, data: dict | None = None) -> AuditEvent:
    """Add an event to the current transaction (the caller commits)."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    object_id = None if object_id is None else str(object_id)
    actor_id = actor.id if actor is not None else None
    # Dates and other values become their JSON form now, so the stored row and its hash agree.
    data = json.loads(json.dumps(data or {}, default=str))

    head = db.session.execute(
        sa.update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.last_hash)
    ).first()
    if head is None:
        db.session.add(AuditHead(id=1, seq=1, last_hash=GENESIS))
        db.session.flush()
        seq, prev_hash = 1, GENESIS
    else:
        seq, prev_hash = head
    created_at = utcnow().replace(microsecond=0)
    digest = _digest(prev_hash, seq, created_at, actor_id, action, object_type, object_id, data)
    event = AuditEvent(seq=seq, created_at=created_at, actor_id=actor_id, action=action,
                       object_type=object_type or "", object_id=object_id, data=data,
                       prev_hash=prev_hash, hash=digest)
    db.session.add(event)
    db.session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(last_hash=digest))
    db.session.flush()
    return event


def verify_chain() -> tuple[bool, int | None]:
    """Walk the log in order; return (ok, seq of the first broken event)."""
    prev = GENESIS
    last_seq = 0
    while True:  # in pages, so a long log never sits in memory at once
        page = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.seq > last_seq)
                                  .order_by(AuditEvent.seq).limit(1000)).all()
        if not page:
            break
        for event in page:
            expected = _digest(prev, event.seq, event.created_at, event.actor_id, event.action,
                               event.object_type, event.object_id, event.data)
            if event.prev_hash != prev or event.hash != expected:
                return False, event.seq
            prev = event.hash
        last_seq = page[-1].seq
    head = db.session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return False, None
    return True, None


sa.event.listen(
    AuditHead.__table__,
    "after_create",
    sa.DDL(f"INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '{GENESIS}')"),
)
