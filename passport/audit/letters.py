"""The deficiency letter a failed audit case produces, as a PDF.

Like the transcript (``pdf_transcripts.render``), the template receives plain values only,
its stylesheet is fixed text that no account-supplied value enters, and WeasyPrint's URL
fetcher refuses every protocol, so nothing is read from disk or the network. Names come
from the board's roster, never from an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from sqlalchemy.orm import Session

from passport.audit.documentation import (
    UnmetRequirement,
    accepted_labels,
    requests_for_case,
    unmet_requirements,
)
from passport.audit.models import AuditCase, AuditSample
from passport.audit.sample_cases import case_rows
from passport.errors import Conflict
from passport.formatting import format_date
from passport.pdf_transcripts.render import html_to_pdf
from passport.trail.services import record_event


@dataclass(frozen=True)
class DeficiencyLetter:
    board_name: str
    issued_on: str
    licensee_name: str
    license_number: str
    expires_on: str
    audit_title: str
    window: str
    unmet: list[UnmetRequirement]


def deficiency_letter(
    session: Session, *, sample: AuditSample, case: AuditCase, today: date
) -> DeficiencyLetter:
    """The letter's values for a failed case: the requirements its documentation did not
    establish, then any other rule its reported credit is short on."""
    if case.status != "failed":
        raise Conflict("A deficiency letter is produced only for a failed case.")
    requests = requests_for_case(session, case.id)
    unmet = unmet_requirements(requests)
    # A requirement the documentation established, or one already listed, is not
    # repeated for the reported credit.
    named = {requirement.label for requirement in unmet} | accepted_labels(requests)
    row = next(row for row in case_rows(session, sample) if row.case.id == case.id)
    unmet += [
        UnmetRequirement(label, "The credit reported to the board does not meet it.")
        for label in row.short_rules
        if label not in named
    ]
    licensee = case.licensee
    return DeficiencyLetter(
        board_name=licensee.board.name,
        issued_on=format_date(today),
        licensee_name=licensee.full_name,
        license_number=licensee.license_number,
        expires_on=format_date(licensee.expires_on),
        audit_title=sample.title,
        window=f"{format_date(sample.window_starts_on)} – {format_date(sample.window_ends_on)}",
        unmet=unmet,
    )


def deficiency_letter_pdf(
    session: Session,
    *,
    sample: AuditSample,
    case: AuditCase,
    user_id: int,
    today: date,
    ip_address: str | None = None,
) -> bytes:
    """Render the letter and note in the audit trail that it was issued."""
    letter = deficiency_letter(session, sample=sample, case=case, today=today)
    pdf = html_to_pdf(render_template("pdf/deficiency_letter.html", letter=letter))
    record_event(
        session,
        actor_user_id=user_id,
        action="deficiency_letter.issued",
        object_type="audit_case",
        object_id=case.id,
        detail={"requirements": len(letter.unmet)},
        ip_address=ip_address,
    )
    session.flush()
    return pdf
