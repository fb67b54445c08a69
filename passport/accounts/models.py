"""User accounts. One role per account; staff accounts belong to one provider or board."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.accounts.permissions import Permission, Role, user_has
from passport.db import Base, UTCDateTime, utcnow


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('physician', 'provider', 'board', 'admin')", name="role_known"
        ),
        sa.CheckConstraint(
            "(role = 'provider') = (provider_id IS NOT NULL)", name="provider_staff_has_provider"
        ),
        sa.CheckConstraint(
            "(role = 'board') = (board_id IS NOT NULL)", name="board_staff_has_board"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20))
    provider_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("providers.id", ondelete="RESTRICT"), index=True
    )
    board_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="RESTRICT"), index=True
    )
    # False once the account is disabled (someone left): it cannot sign in, every session
    # ended when it was disabled, and everything it did stays in the trail.
    is_active_account: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # A board's or provider's staff administrator: invites and manages colleagues of the
    # same board or provider, never anyone else's (``Permission.STAFF_MANAGE``).
    is_staff_admin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Bumped on every password change: sessions carrying an older value end at once.
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the owner proved the address (the link e-mailed at sign-up); a physician links
    # no license before it.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in: the TOTP secret, encrypted (passport.accounts.two_factor), and
    # the last time step accepted, so one code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    provider = relationship("Provider", lazy="joined")
    board = relationship("Board", lazy="joined")

    @property
    def is_active(self) -> bool:
        """The account may sign in: not disabled, and its board or provider (if any) not
        deactivated. Flask-Login and sign-in ask this."""
        tenant = self.provider if self.role == "provider" else self.board
        return self.is_active_account and (tenant is None or tenant.active)

    def get_id(self) -> str:
        """Flask-Login's session id: the user id and the session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def can(self, permission: Permission) -> bool:
        return user_has(self.role, permission, staff_admin=self.is_staff_admin)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app when it is lost. Only a
    SHA-256 digest is kept: the codes are random (50 bits), so a plain digest suffices."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_digest: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(Base):
    """One signed-in browser. The Flask session carries a random token; only its SHA-256
    is kept here. Signing out deletes the row, so a copy of the cookie stops working; a
    password change or reset deletes every row of the account."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # SHA-256 of the token
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignInFailure(Base):
    """Failed sign-ins in a row for one e-mail address from one client address, known
    account or not, so that the growing delay falls on whoever is guessing, never on the
    owner signing in from elsewhere. Keyed by an HMAC of the pair: neither is stored."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Invitation(Base):
    """An e-mailed invitation to join as staff of a board or a provider (or as an
    administrator). The link carries a random token; only its SHA-256 is kept. It works
    until ``expires_at``, once (``accepted_at``), and not after it is withdrawn; sending
    it again issues a new token, so the earlier link stops working."""

    __tablename__ = "invitations"
    __table_args__ = (
        sa.CheckConstraint("role IN ('provider', 'board', 'admin')", name="role_is_staff"),
        sa.CheckConstraint(
            "(role = 'provider') = (provider_id IS NOT NULL)", name="provider_staff_has_provider"
        ),
        sa.CheckConstraint(
            "(role = 'board') = (board_id IS NOT NULL)", name="board_staff_has_board"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(20))
    provider_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("providers.id", ondelete="RESTRICT"), index=True
    )
    board_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="RESTRICT"), index=True
    )
    staff_admin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider = relationship("Provider", lazy="joined")
    board = relationship("Board", lazy="joined")
    invited_by = relationship("User", foreign_keys=[invited_by_user_id], lazy="joined")

    def status(self, now: datetime) -> str:
        """``accepted``, ``withdrawn``, ``expired`` or ``pending``: where it stands."""
        if self.accepted_at is not None:
            return "accepted"
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "expired" if self.expires_at <= now else "pending"
