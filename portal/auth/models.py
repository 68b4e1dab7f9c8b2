"""Accounts: credentials, roles, language and the session version."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.roles import Role
from portal.extensions import db


class User(db.Model):
    __tablename__ = "auth_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Staff log in with a username or with their employee's NIP.
    username: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Bumped on logout and password change: every cookie issued before stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    employee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_employee.id"), unique=True)
    # TOTP (portal/auth/mfa.py): the secret sealed under the master key, when MFA was turned on,
    # and the last time step accepted (a code is never accepted twice).
    mfa_secret: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    mfa_enabled_at: Mapped[datetime | None]
    mfa_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    employee = relationship("Employee", back_populates="user", lazy="joined")
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login protocol
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    @property
    def role_set(self) -> set[Role]:
        return {r.role for r in self.roles}

    @property
    def display_name(self) -> str:
        return self.employee.name if self.employee else (self.username or "")

    @property
    def login_name(self) -> str:
        return self.username or (self.employee.nip if self.employee else "")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.login_name}>"


class UserRole(db.Model):
    __tablename__ = "auth_user_role"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")


class RecoveryCode(db.Model):
    """A single-use MFA recovery code, stored only as a salted slow hash; used ones are deleted."""
    __tablename__ = "auth_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
