"""Sharing a transcript by link: create (for one linked license and a period, until an
expiry date), revoke, open (each view logged), list for the physician.

The token is 32 random bytes (``secrets.token_urlsafe``), shown once; only its SHA-256 is
stored, so the table cannot be turned back into working links. Each share issues a
verification record (``IssuedTranscript``): the shared page shows its code, and
``/verify/<code>`` tells whether the credit reported in the period changed since; revoking
the share withdraws it too.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.errors import Forbidden, NotFound, ValidationError
from passport.pdf_transcripts import document as doc
from passport.pdf_transcripts.models import IssuedTranscript
from passport.pdf_transcripts.services import holder_name_of, new_code
from passport.roster.models import LicenseLink
from passport.shares.models import TranscriptShare, TranscriptShareView
from passport.trail.services import record_event

LONGEST_SHARE = timedelta(days=365)


class ShareClosed(Exception):
    """The link was revoked or has expired."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewShare:
    share: TranscriptShare
    token: str  # for the page that shows the link once; never stored


def _period(share: TranscriptShare) -> doc.Period:
    return doc.Period("all", share.starts_on, share.ends_on)


def create_share(
    session: Session,
    *,
    user_id: int,
    link: LicenseLink,
    recipient: str,
    starts_on: date,
    ends_on: date,
    expires_on: date,
    today: date,
    ip_address: str | None = None,
) -> NewShare:
    """Share ``link``'s license (the caller checked it is the user's) for a period."""
    recipient = (recipient or "").strip()
    if not recipient:
        raise ValidationError(
            "Say who it is for, e.g. a hospital's credentialing office.", "recipient"
        )
    if starts_on > ends_on:
        raise ValidationError("The period must start before it ends.", "ends_on")
    if expires_on < today:
        raise ValidationError("The link must expire today or later.", "expires_on")
    if expires_on > today + LONGEST_SHARE:
        raise ValidationError("A link may last at most a year.", "expires_on")
    licensee = link.licensee
    period = doc.Period("all", starts_on, ends_on)
    document = doc.build_document(
        session,
        holder_name=holder_name_of([licensee]),
        licensees=[licensee],
        self_reporting_user_ids=[],
        period=period,
        issued_on=today,
    )
    scope = doc.scope_of(document)
    issued = IssuedTranscript(
        code=new_code(),
        issued_by_user_id=user_id,
        holder_name=document.holder_name,
        scope=scope,
        summary=doc.summary_of(document),
        fingerprint=doc.fingerprint(session, scope),
        row_count=document.row_count,
    )
    session.add(issued)
    session.flush()
    token = secrets.token_urlsafe(32)
    share = TranscriptShare(
        user_id=user_id,
        licensee_id=licensee.id,
        issued_transcript_id=issued.id,
        token_digest=token_digest(token),
        recipient=recipient[:120],
        starts_on=starts_on,
        ends_on=ends_on,
        expires_on=expires_on,
    )
    session.add(share)
    session.flush()
    record_event(
        session,
        actor_user_id=user_id,
        action="transcript_share.created",
        object_type="transcript_share",
        object_id=share.id,
        detail={"licensee_id": licensee.id, "expires_on": expires_on.isoformat()},
        ip_address=ip_address,
    )
    return NewShare(share, token)


def share_of(session: Session, user_id: int, share_id: int) -> TranscriptShare:
    share = session.get(TranscriptShare, share_id)
    if share is None:
        raise NotFound("No such share.")
    if share.user_id != user_id:
        raise Forbidden("This share is someone else's.")
    return share


def shares_of(session: Session, user_id: int) -> list[TranscriptShare]:
    return list(
        session.scalars(
            sa.select(TranscriptShare)
            .where(TranscriptShare.user_id == user_id)
            .order_by(TranscriptShare.created_at.desc(), TranscriptShare.id.desc())
        )
    )


def revoke_share(
    session: Session, *, user_id: int, share_id: int, ip_address: str | None = None
) -> TranscriptShare:
    share = share_of(session, user_id, share_id)
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        if share.issued.withdrawn_at is None:
            share.issued.withdrawn_at = share.revoked_at
        record_event(
            session,
            actor_user_id=user_id,
            action="transcript_share.revoked",
            object_type="transcript_share",
            object_id=share.id,
            ip_address=ip_address,
        )
        session.flush()
    return share


def open_share(
    session: Session, token: str, *, today: date, ip_address: str | None = None
) -> tuple[TranscriptShare, doc.Document]:
    """The share a token opens, with its transcript as of now; logs the view. Raises
    ``NotFound`` for a token nobody issued, ``ShareClosed`` once revoked or expired."""
    share = session.scalar(
        sa.select(TranscriptShare).where(TranscriptShare.token_digest == token_digest(token))
    )
    if share is None:
        raise NotFound("This link is not valid.")
    if not share.is_open_on(today):
        raise ShareClosed()
    session.add(TranscriptShareView(share_id=share.id, ip_address=ip_address))
    session.flush()
    document = doc.build_document(
        session,
        holder_name=share.issued.holder_name,
        licensees=[share.licensee],
        self_reporting_user_ids=[],
        period=_period(share),
        issued_on=today,
    )
    return share, document
