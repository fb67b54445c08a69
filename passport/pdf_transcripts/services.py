"""Issuing a PDF transcript (recorded, with a verification code) and verifying one."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.errors import Forbidden, NotFound
from passport.pdf_transcripts import document as doc
from passport.pdf_transcripts.models import IssuedTranscript
from passport.pdf_transcripts.render import html_to_pdf, transcript_html
from passport.roster.models import Licensee
from passport.trail.services import record_event

# Crockford-style: no 0/O, 1/I/L to misread. 12 symbols of 32: 60 bits, unguessable.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed (any case, with dashes or spaces) as a stored code."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())[:CODE_LENGTH]


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class IssuedPdf:
    issued: IssuedTranscript
    pdf: bytes
    filename: str


def issue_transcript(
    session: Session,
    *,
    issued_by_user_id: int,
    holder_name: str,
    licensees: list[Licensee],
    self_reporting_user_ids: list[int],
    period: doc.Period,
    verify_url_for,  # code -> absolute URL of its verification page
    today: date,
) -> IssuedPdf:
    """Build, record and render a transcript. The caller commits."""
    document = doc.build_document(
        session,
        holder_name=holder_name,
        licensees=licensees,
        self_reporting_user_ids=self_reporting_user_ids,
        period=period,
        issued_on=today,
    )
    scope = doc.scope_of(document)
    issued = IssuedTranscript(
        code=new_code(),
        issued_by_user_id=issued_by_user_id,
        holder_name=holder_name,
        scope=scope,
        summary=doc.summary_of(document),
        fingerprint=doc.fingerprint(session, scope),
        row_count=document.row_count,
    )
    session.add(issued)
    session.flush()
    html = transcript_html(
        document, code=display_code(issued.code), verify_url=verify_url_for(issued.code)
    )
    numbers = "-".join(section.license_number for section in document.sections) or "none"
    return IssuedPdf(issued, html_to_pdf(html), f"transcript-{numbers}-{today:%Y%m%d}.pdf")


def holder_name_of(licensees: list[Licensee]) -> str:
    """The name a transcript is issued in: the roster's, never what an account typed
    about itself (several licenses under different names are all named)."""
    names = dict.fromkeys(f"{licensee.first_name} {licensee.last_name}" for licensee in licensees)
    return " / ".join(names)[:300]


def issued_by(session: Session, user_id: int, limit: int = 200) -> list[IssuedTranscript]:
    """The transcripts a physician issued, newest first (their page to withdraw them)."""
    return list(
        session.scalars(
            sa.select(IssuedTranscript)
            .where(IssuedTranscript.issued_by_user_id == user_id)
            .order_by(IssuedTranscript.issued_at.desc(), IssuedTranscript.id.desc())
            .limit(limit)
        )
    )


def withdraw_transcript(
    session: Session, *, user_id: int, code: str, ip_address: str | None = None
) -> IssuedTranscript:
    """The physician who issued a transcript withdraws it: /verify then says so, to anyone
    holding the PDF. It cannot be undone (issue a new transcript instead)."""
    issued = session.scalar(
        sa.select(IssuedTranscript).where(IssuedTranscript.code == normalise_code(code))
    )
    if issued is None:
        raise NotFound("No transcript was issued with this code.")
    if issued.issued_by_user_id != user_id:
        raise Forbidden("Only the physician who issued a transcript can withdraw it.")
    if issued.withdrawn_at is None:
        issued.withdrawn_at = utcnow()
        record_event(
            session,
            actor_user_id=user_id,
            action="transcript.withdrawn",
            object_type="issued_transcript",
            object_id=issued.id,
            ip_address=ip_address,
        )
        session.flush()
    return issued


@dataclass(frozen=True)
class Verification:
    issued: IssuedTranscript
    unchanged: bool

    @property
    def withdrawn(self) -> bool:
        return self.issued.withdrawn_at is not None

    @property
    def display_code(self) -> str:
        return display_code(self.issued.code)


def verify(session: Session, code: str) -> Verification:
    issued = session.scalar(
        sa.select(IssuedTranscript).where(IssuedTranscript.code == normalise_code(code))
    )
    if issued is None:
        raise NotFound("No transcript was issued with this code. Check the code on the PDF.")
    return Verification(issued, doc.fingerprint(session, issued.scope) == issued.fingerprint)
