"""The discrepancy lifecycle, from the physician's flag to the provider's answer.

A physician flags a reported completion (credits wrong, date wrong, not mine) or reports a
missing one. The provider replies in a thread, corrects the record through the reporting
pipeline (which writes a new version and resolves the discrepancy, linking that version),
or declines with a reason. The physician may reply, withdraw, or reopen a declined one.
Every step is a ``DiscrepancyMessage`` with its author and time; nothing is deleted.

Callers load the discrepancy through ``transcripts.queries`` (which checks who may see
it) and pass it in; these functions check what may happen next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.errors import Conflict, ValidationError
from passport.notifications import events
from passport.reporting.models import (
    Activity,
    Completion,
    CompletionVersion,
    ConsentBasis,
)
from passport.reporting.outcomes import iter_upload_rows
from passport.reporting.records import Field, RawRecord
from passport.reporting.services import report_single_record
from passport.roster.models import LicenseLink
from passport.trail.services import record_event
from passport.transcripts.models import OPEN_STATUSES, Discrepancy, DiscrepancyMessage
from passport.transcripts.rules import check_claimed_credits, check_completion_date

FLAG_KINDS = ("credits_wrong", "date_wrong", "not_mine")
MAX_NOTE = 4000


@dataclass(frozen=True)
class Claim:
    """What the physician says is right (each part only where the kind needs it)."""

    note: str = ""
    completed_on: date | None = None
    credits: Decimal | None = None


def _note(text: str | None, required: bool, field: str = "note") -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError("Please write a few words.", field)
    if len(text) > MAX_NOTE:
        raise ValidationError(f"Please keep it under {MAX_NOTE:,} characters.", field)
    return text


def _add_message(
    session: Session,
    discrepancy: Discrepancy,
    author_id: int,
    event: str,
    body: str,
    detail: dict | None = None,
    ip_address: str | None = None,
):
    """Every step of a discrepancy is a message in its thread and an entry in the audit
    trail (``discrepancy.raised``, ``.reply``, ``.declined``, ``.corrected`` ...)."""
    message = DiscrepancyMessage(
        discrepancy_id=discrepancy.id, author_user_id=author_id, event=event, body=body
    )
    session.add(message)
    discrepancy.messages.append(message)
    session.flush()
    events.discrepancy_step(session, discrepancy, message)  # tell the other side
    record_event(
        session,
        actor_user_id=author_id,
        action=f"discrepancy.{event}",
        object_type="discrepancy",
        object_id=discrepancy.id,
        detail={"kind": discrepancy.kind, **(detail or {})},
        ip_address=ip_address,
    )
    return message


def _refuse_duplicate(session: Session, **where) -> None:
    existing = session.scalar(
        sa.select(Discrepancy.id).where(
            Discrepancy.status.in_(OPEN_STATUSES),
            *(getattr(Discrepancy, name) == value for name, value in where.items()),
        )
    )
    if existing is not None:
        raise Conflict("You already have an open discrepancy on this; follow it up in its thread.")


def flag_completion(
    session: Session,
    *,
    user_id: int,
    completion: Completion,
    kind: str,
    claim: Claim,
    today: date,
) -> Discrepancy:
    """Flag a completion matched to one of the user's licences (the caller checked that)."""
    if kind not in FLAG_KINDS:
        raise ValidationError("Choose what is wrong.", "kind")
    _refuse_duplicate(session, completion_id=completion.id)
    claimed_credits = check_claimed_credits(claim.credits) if kind == "credits_wrong" else None
    claimed_on = check_completion_date(claim.completed_on, today) if kind == "date_wrong" else None
    note = _note(claim.note, required=kind == "not_mine")
    discrepancy = Discrepancy(
        licensee_id=completion.licensee_id,
        raised_by_user_id=user_id,
        completion_id=completion.id,
        activity_id=completion.activity_id,
        kind=kind,
        status="open",
        claimed_completed_on=claimed_on,
        claimed_credits=claimed_credits,
    )
    session.add(discrepancy)
    session.flush()
    _add_message(session, discrepancy, user_id, "raised", note)
    session.flush()
    return discrepancy


def report_missing(
    session: Session,
    *,
    user_id: int,
    link: LicenseLink,
    activity: Activity,
    claim: Claim,
    today: date,
) -> Discrepancy:
    """Tell a provider about an activity the user completed that it has not reported."""
    claimed_on = check_completion_date(claim.completed_on, today)
    credits = check_claimed_credits(claim.credits)
    if credits > activity.max_credits:
        raise ValidationError(
            f"This activity offers at most {activity.max_credits.normalize():f} credits.",
            "credits",
        )
    _refuse_duplicate(
        session, kind="missing", licensee_id=link.licensee_id, activity_id=activity.id
    )
    discrepancy = Discrepancy(
        licensee_id=link.licensee_id,
        raised_by_user_id=user_id,
        completion_id=None,
        activity_id=activity.id,
        kind="missing",
        status="open",
        claimed_completed_on=claimed_on,
        claimed_credits=credits,
    )
    session.add(discrepancy)
    session.flush()
    _add_message(session, discrepancy, user_id, "raised", _note(claim.note, required=False))
    session.flush()
    return discrepancy


def _require_open(discrepancy: Discrepancy) -> None:
    if discrepancy.status not in OPEN_STATUSES:
        raise Conflict("This discrepancy is closed.")


def reply(
    session: Session, *, discrepancy: Discrepancy, author_id: int, body: str, from_provider: bool
) -> None:
    """Add to the thread; a provider's reply marks it answered, the physician's reopens it."""
    _require_open(discrepancy)
    _add_message(session, discrepancy, author_id, "reply", _note(body, required=True, field="body"))
    discrepancy.status = "answered" if from_provider else "open"
    session.flush()


def withdraw(session: Session, *, discrepancy: Discrepancy, user_id: int, note: str) -> None:
    _require_open(discrepancy)
    _close(session, discrepancy, user_id, "withdrawn", _note(note, required=False, field="body"))


def decline(session: Session, *, discrepancy: Discrepancy, user_id: int, reason: str) -> None:
    """The provider keeps the record as reported and says why."""
    _require_open(discrepancy)
    _close(session, discrepancy, user_id, "declined", _note(reason, required=True, field="body"))


def reopen(session: Session, *, discrepancy: Discrepancy, user_id: int, note: str) -> None:
    """The physician disagrees with a decline: the thread goes back to the provider."""
    if discrepancy.status != "declined":
        raise Conflict("Only a declined discrepancy can be reopened.")
    _add_message(
        session, discrepancy, user_id, "reopened", _note(note, required=True, field="body")
    )
    discrepancy.status = "open"
    discrepancy.closed_at = None
    session.flush()


def _close(session, discrepancy, user_id, status, body, detail=None, ip_address=None) -> None:
    _add_message(session, discrepancy, user_id, status, body, detail, ip_address)
    discrepancy.status = status
    discrepancy.closed_at = utcnow()
    session.flush()


def _identity_values(discrepancy: Discrepancy) -> dict[Field, str]:
    """Who the record is about: the reported identity, or for a missing record the
    licence the physician proved (shared with this provider by raising the discrepancy)."""
    if discrepancy.completion is not None:
        source = discrepancy.completion
        license_or_npi = source.license_number or source.npi or ""
        state = source.license_state or ""
    else:
        source = discrepancy.licensee
        license_or_npi, state = source.license_number, source.board.state
    return {
        Field.FIRST_NAME: source.first_name,
        Field.LAST_NAME: source.last_name,
        Field.DOB: f"{source.dob_month:02d}/{source.dob_day:02d}",
        Field.LICENSING_STATE: state,
        Field.LICENSE_OR_NPI: license_or_npi,
    }


@dataclass(frozen=True)
class Correction:
    """The provider's corrected record: ``delete`` removes a record that is not the
    learner's; otherwise the date, credits and credit type to report."""

    delete: bool = False
    completed_on: date | None = None
    credits: Decimal | None = None
    credit_type_code: str | None = None
    note: str = ""


def correct(
    session: Session,
    *,
    discrepancy: Discrepancy,
    user_id: int,
    correction: Correction,
    today: date,
    ip_address: str | None = None,
) -> CompletionVersion:
    """Correct the record through the reporting pipeline (same validation, a new version),
    then close the discrepancy as corrected and link that version.

    Raises ``RecordRejected`` when the corrected record is invalid and ``ValidationError``
    when it would change nothing.
    """
    _require_open(discrepancy)
    activity = discrepancy.activity
    completion = discrepancy.completion
    if correction.delete and completion is None:
        raise ValidationError("There is no reported record to delete.")
    values = {
        Field.ACTION: "Delete" if correction.delete else "Add",
        Field.ACTIVITY_ID: activity.activity_code,
        Field.COMPLETION_DATE: correction.completed_on or (completion and completion.completed_on),
        Field.CREDITS: correction.credits
        if correction.credits is not None
        else (completion.credits if completion else None),
        Field.CREDIT_TYPE: correction.credit_type_code
        or (completion.credit_type_code if completion else None),
        **_identity_values(discrepancy),
    }
    consent = ConsentBasis(completion.consent_basis) if completion else ConsentBasis.ACTIVITY
    upload, outcome = report_single_record(
        session,
        provider_id=activity.provider_id,
        user_id=user_id,
        record=RawRecord(1, {k: v for k, v in values.items() if v is not None}),
        consent=consent,
        today=today,
        ip_address=ip_address,
    )
    if outcome == "unchanged":
        raise ValidationError(
            "The record already says this. Change the date or credits, or decline with a reason."
        )
    (row,) = iter_upload_rows(session, upload.id)  # the form's one record
    completion_id = row.completion_id
    version = session.scalar(
        sa.select(CompletionVersion)
        .where(CompletionVersion.completion_id == completion_id)
        .order_by(CompletionVersion.version.desc())
        .limit(1)
    )
    discrepancy.resolved_by_version_id = version.id
    _close(
        session,
        discrepancy,
        user_id,
        "corrected",
        _note(correction.note, required=False),
        detail={"completion_id": completion_id, "version": version.version, "outcome": outcome},
        ip_address=ip_address,
    )
    return version
