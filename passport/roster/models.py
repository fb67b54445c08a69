"""Boards, their rosters of licensees, and physicians' verified links to licences."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import DOB_CHECK, Base, UTCDateTime, utcnow


class Board(Base):
    """A licensing board; ``license_pattern`` is the regular expression its numbers obey.

    A board is never deleted: an administrator deactivates it (``active``), its staff can
    no longer sign in, and its roster, audits and trail stay as they were."""

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(2))
    license_pattern: Mapped[str] = mapped_column(sa.String(100))
    license_example: Mapped[str] = mapped_column(sa.String(20))
    # Which file of ``passport/requirements/sets`` holds its rules (its ``board`` key);
    # none means the file named by the board's own code.
    requirement_set: Mapped[str | None] = mapped_column(sa.String(20))
    # An administrator's correction of the set's ``reporting_began_on``; folded into the
    # set where it is looked up (``compliance.board_rules``), so standings follow it.
    reporting_began_on: Mapped[date | None] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def requirement_set_code(self) -> str:
        return self.requirement_set or self.code


class Licensee(Base):
    """One row of a board's roster, as the board supplies it. DOB is month and day only."""

    __tablename__ = "licensees"
    __table_args__ = (
        sa.UniqueConstraint("board_id", "license_number"),
        sa.CheckConstraint(DOB_CHECK, name="dob_is_calendar_day"),
        sa.CheckConstraint(
            "status IN ('active', 'inactive', 'expired', 'suspended', 'revoked', 'retired')",
            name="status_known",
        ),
        sa.Index("ix_licensees_board_expires", "board_id", "expires_on"),
        sa.Index("ix_licensees_npi", "npi"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="RESTRICT"))
    license_number: Mapped[str] = mapped_column(sa.String(20))
    npi: Mapped[str | None] = mapped_column(sa.String(10))
    # The licensee's address as the board has it (a roster column): linking the license
    # sends a one-time code there, and the holder is told there when it is linked.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    dob_month: Mapped[int] = mapped_column(sa.SmallInteger)
    dob_day: Mapped[int] = mapped_column(sa.SmallInteger)
    license_type: Mapped[str] = mapped_column(sa.String(40), default="Physician and Surgeon")
    first_issued_on: Mapped[date] = mapped_column(sa.Date)
    expires_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    specialty: Mapped[str | None] = mapped_column(sa.String(100))
    attests_geriatric_patients: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    cme_waiver_on_file: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    on_latest_roster: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    board = relationship(Board, lazy="joined")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class LicenseLink(Base):
    """A physician's verified claim on a licence. A licence has at most one claimant."""

    __tablename__ = "license_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    licensee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="RESTRICT"), unique=True
    )
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    licensee = relationship(Licensee, lazy="joined")
    user = relationship("User")


LINK_ATTEMPT_OUTCOMES = (
    "linked",
    "no_match",
    "claimed_by_other",
    "throttled",
    "code_sent",  # the details matched; the code went to the roster's address
    "bad_code",  # a wrong or expired code was typed
    "claim_resolved",  # a contested claim the board or an administrator settled
)


class LinkAttempt(Base):
    """Every try at linking a licence: what throttling counts, and what admins review
    (a licence claimed by a second account shows up here as ``claimed_by_other``)."""

    __tablename__ = "link_attempts"
    __table_args__ = (
        sa.CheckConstraint(
            "outcome IN (" + ", ".join(f"'{o}'" for o in LINK_ATTEMPT_OUTCOMES) + ")",
            name="outcome_known",
        ),
        sa.Index("ix_link_attempts_user_at", "user_id", "attempted_at"),
        sa.Index("ix_link_attempts_license_at", "board_id", "license_number", "attempted_at"),
        sa.Index("ix_link_attempts_outcome", "outcome"),
        sa.Index("ix_link_attempts_address_at", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="RESTRICT"))
    license_number: Mapped[str] = mapped_column(sa.String(20))
    outcome: Mapped[str] = mapped_column(sa.String(20))
    licensee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="RESTRICT"), index=True
    )
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
    board = relationship(Board)


class LicenseLinkCode(Base):
    """A one-time code sent to the roster's address for a licensee: the license links to
    the account only once the code is typed. Only a digest is kept."""

    __tablename__ = "license_link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    licensee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="CASCADE"), index=True
    )
    code_digest: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    failed_tries: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    licensee = relationship("Licensee")


class LicenseeNameKey(Base):
    """A licensee's names folded by ``identifiers.name_key`` (accents, hyphens, case and
    suffixes dropped), kept so a board can search its whole roster the way matching
    compares names. The names it was folded from are kept too: ``roster.search`` folds
    again any licensee whose roster names no longer agree, whatever wrote them."""

    __tablename__ = "licensee_name_keys"
    __table_args__ = (sa.Index("ix_licensee_name_keys_board", "board_id"),)

    licensee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="CASCADE"), primary_key=True
    )
    board_id: Mapped[int] = mapped_column(sa.Integer)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    first_last_key: Mapped[str] = mapped_column(sa.String(200))
    last_first_key: Mapped[str] = mapped_column(sa.String(200))


class RosterImport(Base):
    """One roster file a board sent: how its columns were read, what it would do before
    it did it (``waiting``: an unmapped column, or a full roster that marks licensees
    inactive, waits for the board's confirmation) and what it did (``counts``). The file is
    kept, under its SHA-256, like a provider's upload."""

    __tablename__ = "roster_imports"
    __table_args__ = (
        sa.CheckConstraint("status IN ('waiting', 'done', 'cancelled')", name="status_known"),
        sa.Index("ix_roster_imports_board_created", "board_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    original_filename: Mapped[str | None] = mapped_column(sa.String(255))
    method: Mapped[str] = mapped_column(sa.String(10))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    stored_path: Mapped[str] = mapped_column(sa.String(500))
    full_roster: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="waiting")
    columns: Mapped[list[dict]] = mapped_column(sa.JSON)
    """The file's header: each column's title and the field it is read as (None: ignored)."""
    would_deactivate: Mapped[int] = mapped_column(sa.Integer, default=0)
    counts: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
