"""Issuing a PDF transcript (recorded, with a verification code) and verifying one."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.errors import NotFound
from passport.pdf_transcripts import document as doc
from passport.pdf_transcripts.models import IssuedTranscript
from passport.pdf_transcripts.render import html_to_pdf, transcript_html
from passport.roster.models import Licensee

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


@dataclass(frozen=True)
class Verification:
    issued: IssuedTranscript
    unchanged: bool

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
