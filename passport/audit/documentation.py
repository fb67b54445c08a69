"""Documentation requests: an audit case asks its licensee for certificates behind named
requirements of the board's requirement set; the physician linked to the licensee
uploads documents for each, and the board accepts or rejects each one with a reason.

Every step is an entry in the audit trail. Where an e-mail will go once notifications
exist, a ``notify_*`` function is called; for now it only logs, so that issue can hook it.
Access is checked where objects are loaded: a physician reaches only requests to a
licensee linked to their account, board staff only their own board's cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.audit.models import (
    AuditCase,
    AuditSample,
    DocumentationDocument,
    DocumentationItem,
    DocumentationRequest,
)
from passport.audit.samples import case_in
from passport.db import utcnow
from passport.errors import Conflict, Forbidden, NotFound, ValidationError
from passport.notifications import events as notifications
from passport.roster.models import LicenseLink
from passport.roster.requirement_sets import requirement_set_of_board
from passport.trail.services import record_event
from passport.transcripts.certificates import StoredCertificate

MAX_MESSAGE = 4000
DECISIONS = ("accepted", "rejected")
ITEM_STATE_LABELS = {
    "awaiting": "Awaiting a document",
    "pending": "Document received, under review",
    "accepted": "Accepted",
    "rejected": "Rejected",
}


# Where e-mail will go ----------------------------------------------------------------


def notify_physician_of_request(session: Session, request: DocumentationRequest) -> None:
    """Tell the physicians linked to the licensee, by e-mail and in the app, that the board
    asks for documentation: which requirements, and where to send it. The board's message
    to them is on the page the link opens, not in the e-mail."""
    licensee = request.licensee
    wanted = "\n".join(f"- {item.rule_label}" for item in request.items)
    notifications.notify_physician_of_request(
        session,
        physicians=_linked_physicians(session, request.licensee_id),
        request_key=f"documentation-request:{request.id}",
        subject=f"{licensee.board.name} asks for documentation of your CME",
        body=(
            f"As part of its audit of license {licensee.license_number}, the "
            f"{licensee.board.name} asks you to send certificates for:\n{wanted}\n\n"
            "Open the request to read the board's message and upload them."
        ),
        link_endpoint="documentation_requests.show",
        request_id=request.id,
    )


def notify_physician_of_decision(session: Session, document: DocumentationDocument) -> None:
    """Tell the physicians linked to the licensee the board's answer on a document."""
    request = document.item.request
    answer = "accepted" if document.decision == "accepted" else "did not accept"
    notifications.notify_physician_of_request(
        session,
        physicians=_linked_physicians(session, request.licensee_id),
        request_key=f"documentation-document:{document.id}:{document.decision}",
        subject=f"The board answered your documentation for {document.item.rule_label}"[:200],
        body=(
            f"The {request.licensee.board.name} {answer} the document you sent for "
            f"{document.item.rule_label}. Open the request to read its answer."
        ),
        link_endpoint="documentation_requests.show",
        request_id=request.id,
    )


def _linked_physicians(session: Session, licensee_id: int) -> list[User]:
    ids = linked_physician_ids(session, licensee_id)
    return list(session.scalars(sa.select(User).where(User.id.in_(ids)))) if ids else []


def linked_physician_ids(session: Session, licensee_id: int) -> list[int]:
    return list(
        session.scalars(
            sa.select(LicenseLink.user_id).where(LicenseLink.licensee_id == licensee_id)
        )
    )


# The board's side ------------------------------------------------------------------------


def requirement_choices(session: Session, board_id: int) -> list[tuple[str, str]]:
    """The rules of the board's requirement set, as (rule id, label)."""
    rs = requirement_set_of_board(session, board_id)
    return [(rule.id, rule.label) for rule in rs.rules] if rs else []


def request_documentation(
    session: Session,
    *,
    sample: AuditSample,
    case_id: int,
    user_id: int,
    rule_ids: list[str],
    message: str,
    ip_address: str | None = None,
) -> DocumentationRequest:
    """Ask the case's licensee for documentation of the named requirements."""
    case = case_in(sample, case_id)
    if case.status != "open":
        raise Conflict("This case is decided; reopen it to request documentation.")
    labels = dict(requirement_choices(session, sample.board_id))
    wanted = list(dict.fromkeys(rule_ids))
    if not wanted:
        raise ValidationError("Name at least one requirement.", "rule_ids")
    if any(rule_id not in labels for rule_id in wanted):
        raise ValidationError("Choose requirements of your board's set.", "rule_ids")
    request = DocumentationRequest(
        case_id=case.id,
        licensee_id=case.licensee_id,
        requested_by_user_id=user_id,
        message=(message or "").strip()[:MAX_MESSAGE],
        items=[DocumentationItem(rule_id=r, rule_label=labels[r][:300]) for r in wanted],
    )
    session.add(request)
    session.flush()
    record_event(
        session,
        actor_user_id=user_id,
        action="documentation.requested",
        object_type="documentation_request",
        object_id=request.id,
        detail={"case_id": case.id, "requirements": wanted},
        ip_address=ip_address,
    )
    notify_physician_of_request(session, request)
    session.flush()
    return request


def requests_for_case(session: Session, case_id: int) -> list[DocumentationRequest]:
    return list(
        session.scalars(
            sa.select(DocumentationRequest)
            .where(DocumentationRequest.case_id == case_id)
            .order_by(DocumentationRequest.requested_at.desc(), DocumentationRequest.id.desc())
        )
    )


def document_for_board(
    session: Session, board_id: int, sample: AuditSample, case: AuditCase, document_id: int
) -> DocumentationDocument:
    """A document sent for ``case`` of ``sample`` (already checked to be the board's)."""
    document = session.get(DocumentationDocument, document_id)
    if document is None:
        raise NotFound("No such document.")
    if sample.board_id != board_id or document.item.request.case_id != case.id:
        raise Forbidden("This document belongs to another case.")
    return document


def decide_document(
    session: Session,
    *,
    document: DocumentationDocument,
    user_id: int,
    decision: str,
    reason: str,
    ip_address: str | None = None,
) -> DocumentationDocument:
    """Accept or reject one document; a rejection needs a reason the physician will read."""
    if decision not in DECISIONS:
        raise ValidationError("Accept or reject the document.", "decision")
    reason = (reason or "").strip()[:MAX_MESSAGE]
    if decision == "rejected" and not reason:
        raise ValidationError("Say why the document is rejected.", "reason")
    if document.item.request.case.status != "open":
        raise Conflict("This case is decided; reopen it to decide on its documents.")
    document.decision, document.decision_reason = decision, reason
    document.decided_by_user_id, document.decided_at = user_id, utcnow()
    record_event(
        session,
        actor_user_id=user_id,
        action=f"documentation.{decision}",
        object_type="documentation_document",
        object_id=document.id,
        detail={"requirement": document.item.rule_id} | ({"reason": reason} if reason else {}),
        ip_address=ip_address,
    )
    notify_physician_of_decision(session, document)
    session.flush()
    return document


# The physician's side ----------------------------------------------------------------------


def _linked_licensee_ids(user_id: int) -> sa.Select:
    return sa.select(LicenseLink.licensee_id).where(LicenseLink.user_id == user_id)


def requests_for_physician(session: Session, user_id: int) -> list[DocumentationRequest]:
    """Requests to the licensees linked to the physician, newest first."""
    return list(
        session.scalars(
            sa.select(DocumentationRequest)
            .where(DocumentationRequest.licensee_id.in_(_linked_licensee_ids(user_id)))
            .order_by(DocumentationRequest.requested_at.desc(), DocumentationRequest.id.desc())
        )
    )


def request_for_physician(session: Session, user_id: int, request_id: int) -> DocumentationRequest:
    request = session.get(DocumentationRequest, request_id)
    if request is None:
        raise NotFound("No such request.")
    if request.licensee_id not in set(session.scalars(_linked_licensee_ids(user_id))):
        raise Forbidden("This request is for another licensee.")
    return request


def document_for_physician(
    session: Session, user_id: int, document_id: int
) -> DocumentationDocument:
    document = session.get(DocumentationDocument, document_id)
    if document is None:
        raise NotFound("No such document.")
    request_for_physician(session, user_id, document.item.request_id)
    return document


def add_document(
    session: Session,
    *,
    request: DocumentationRequest,
    item_id: int,
    user_id: int,
    certificate: StoredCertificate,
    ip_address: str | None = None,
) -> DocumentationDocument:
    """Attach an uploaded certificate (already checked and stored) to one requirement."""
    item = next((item for item in request.items if item.id == item_id), None)
    if item is None:
        raise NotFound("No such requirement in this request.")
    if request.case.status != "open":
        raise Conflict("The board has closed this audit; documents can no longer be added.")
    if item_state(item) == "accepted":
        raise Conflict("The board has already accepted a document for this requirement.")
    document = DocumentationDocument(
        item_id=item.id,
        uploaded_by_user_id=user_id,
        sha256=certificate.sha256,
        media_type=certificate.media_type,
        filename=certificate.filename,
        size=certificate.size,
        decision="pending",
        decision_reason="",
    )
    session.add(document)
    item.documents.append(document)
    session.flush()
    record_event(
        session,
        actor_user_id=user_id,
        action="documentation.uploaded",
        object_type="documentation_document",
        object_id=document.id,
        detail={"requirement": item.rule_id, "request_id": request.id},
        ip_address=ip_address,
    )
    session.flush()
    return document


# Reading a request -----------------------------------------------------------------------


def item_state(item: DocumentationItem) -> str:
    """Where a requirement stands: accepted once any document is; otherwise the latest
    document's decision; ``awaiting`` before any document."""
    if any(document.decision == "accepted" for document in item.documents):
        return "accepted"
    return item.documents[-1].decision if item.documents else "awaiting"


@dataclass(frozen=True)
class UnmetRequirement:
    label: str
    reason: str


def accepted_labels(requests: list[DocumentationRequest]) -> set[str]:
    """The labels of the requested requirements an accepted document stands behind."""
    return {
        item.rule_label
        for request in requests
        for item in request.items
        if item_state(item) == "accepted"
    }


def unmet_requirements(requests: list[DocumentationRequest]) -> list[UnmetRequirement]:
    """The requested requirements no accepted document stands behind, with why."""
    unmet: dict[str, UnmetRequirement] = {}
    accepted: set[str] = set()
    for request in requests:
        for item in request.items:
            state = item_state(item)
            if state == "accepted":
                accepted.add(item.rule_id)
            elif state == "rejected":
                reason = item.documents[-1].decision_reason
                unmet[item.rule_id] = UnmetRequirement(
                    item.rule_label, f"The document provided was not accepted: {reason}"
                )
            else:
                unmet.setdefault(
                    item.rule_id,
                    UnmetRequirement(item.rule_label, "No accepted documentation was provided."),
                )
    return [value for rule_id, value in unmet.items() if rule_id not in accepted]
