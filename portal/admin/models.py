"""Approvals: what one administrator may not do alone (the second person of "four eyes")."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db


class ApprovalKind(LabelledEnum):
    PASSWORD_RESET = "password_reset", _l("Temporary password")
    MFA_RESET = "mfa_reset", _l("Reset of two-step verification")
    ROLE_GRANT = "role_grant", _l("Privileged role")


class ApprovalState(LabelledEnum):
    PENDING = "pending", _l("Waiting for a second administrator")
    APPROVED = "approved", _l("Approved; the temporary password can be issued")
    DONE = "done", _l("Done")
    REJECTED = "rejected", _l("Rejected")
    WITHDRAWN = "withdrawn", _l("Withdrawn")
    EXPIRED = "expired", _l("Expired")  # never stored: an open request past VALID_FOR reads as this


class Approval(db.Model):
    """A change to a privileged account (admin, WBS team, Inspectorate) asked for by one
    administrator and decided by another; neither is the account's owner."""

    __tablename__ = "admin_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ApprovalKind]
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"), index=True)
    roles: Mapped[list] = mapped_column(sa.JSON, default=list)  # role values, for a role grant
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[ApprovalState] = mapped_column(default=ApprovalState.PENDING, index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    done_at: Mapped[datetime | None]

    target = relationship("User", foreign_keys=[target_id])

    # A request nobody decided, or an approved password nobody issued, lapses after this long.
    VALID_FOR = timedelta(hours=48)

    @property
    def effective_state(self) -> ApprovalState:
        if self.state in (ApprovalState.PENDING, ApprovalState.APPROVED) and \
                self.requested_at < utcnow() - self.VALID_FOR:
            return ApprovalState.EXPIRED
        return self.state
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
