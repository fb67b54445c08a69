"""Documentation requests end to end: the board names requirements of a case, the
physician sees the request and uploads a certificate for each, the board accepts one and
rejects another with a reason, the physician sees the answers, the case fails and its
deficiency letter names the licensee and the unmet requirement. Every step is in the
audit trail; nobody reaches another licensee's request or another board's case."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from passport.audit import documentation
from passport.errors import Conflict, ValidationError
from passport.models import AuditEvent, DocumentationDocument
from passport.notifications.models import Notification
from tests import factories
from tests.audit.documentation_world import PDF, audit_world, first_rule_ids
from tests.conftest import sign_in_as


def _trail(db_session) -> list[str]:
    return list(db_session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def _upload(client, request_id: int, item_id: int, body: bytes = PDF, name: str = "cert.pdf"):
    return client.post(
        f"/physician/documentation/{request_id}/items/{item_id}/documents",
        data={"certificate": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def test_the_whole_lifecycle_through_the_pages(app, db_session, board_user, caplog):
    world = audit_world(db_session, board_user=board_user, first_name="Zoë", last_name="Ngata")
    base = f"/board/samples/{world.sample.id}/cases/{world.case.id}"
    board = sign_in_as(app.test_client(), board_user)
    doctor = sign_in_as(app.test_client(), world.physician)
    rules = documentation.requirement_choices(db_session, board_user.board_id)
    (first_id, first_label), (second_id, second_label) = rules[0], rules[1]
    start = len(_trail(db_session))

    # The board asks, naming two requirements; the physician is told, by e-mail and in
    # the app, which requirements (the board's message waits on the page).
    assert "Request documentation" in board.get(base + "/documentation").get_data(as_text=True)
    response = board.post(
        base + "/documentation",
        data={"rule_ids": [first_id, second_id], "message": "Certificates for the cycle."},
    )
    assert response.status_code == 302
    (told,) = db_session.scalars(
        sa.select(Notification).where(Notification.user_id == world.physician.id)
    ).all()
    assert told.kind == "audit.request" and first_label in told.body
    assert "Certificates for the cycle." not in told.body
    request = documentation.requests_for_case(db_session, world.case.id)[0]
    first, second = request.items

    # The physician sees it on their overview, then uploads a certificate for each.
    home = doctor.get("/physician/").get_data(as_text=True)
    assert "Documentation your board asked for" in home and first_label in home
    page = doctor.get(f"/physician/documentation/{request.id}").get_data(as_text=True)
    assert "Certificates for the cycle." in page and second_label in page
    assert _upload(doctor, request.id, first.id).status_code == 302
    assert _upload(doctor, request.id, second.id, name="other.pdf").status_code == 302
    accepted_doc, rejected_doc = first.documents[0], second.documents[0]

    # The board sees each document, accepts one and rejects the other with a reason.
    case_page = board.get(base + "/documentation").get_data(as_text=True)
    assert "cert.pdf" in case_page and "other.pdf" in case_page
    with board.get(f"{base}/documents/{accepted_doc.id}") as download:
        assert download.status_code == 200 and download.data == PDF
    board.post(f"{base}/documents/{accepted_doc.id}/decision", data={"decision": "accepted"})
    response = board.post(
        f"{base}/documents/{rejected_doc.id}/decision",
        data={"decision": "rejected", "reason": "This certificate is for another course."},
    )
    assert response.headers["Location"].endswith(f"#document-{rejected_doc.id}")
    db_session.refresh(accepted_doc)
    db_session.refresh(rejected_doc)
    assert (accepted_doc.decision, rejected_doc.decision) == ("accepted", "rejected")

    # The physician sees both answers.
    page = doctor.get(f"/physician/documentation/{request.id}").get_data(as_text=True)
    assert "accepted" in page and "This certificate is for another course." in page

    # The case fails; its deficiency letter names the licensee and the unmet requirement.
    board.post(base, data={"status": "failed", "note": "Missing certificate."})
    letter = board.get(base + "/letter.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(letter.data)).pages
    # Words as a reader sees them: lines joined, a hyphen broken across lines rejoined.
    text = " ".join(" ".join(page.extract_text() for page in pages).split()).replace("- ", "-")
    assert "Zoë Ngata" in text and world.licensee.license_number in text
    assert second_label in text and "This certificate is for another course." in text
    assert first_label not in text  # its documentation was accepted

    assert _trail(db_session)[start:] == [
        "documentation.requested",
        "documentation.uploaded",
        "documentation.uploaded",
        "documentation.accepted",
        "documentation.rejected",
        "audit_case.updated",
        "deficiency_letter.issued",
    ]


def test_a_rejection_needs_a_reason_and_a_closed_case_takes_nothing(db_session, board_user):
    rule_ids = first_rule_ids(db_session, board_user.board_id, 1)
    world = audit_world(db_session, board_user=board_user, rule_ids=rule_ids, with_document=True)
    document = world.request.items[0].documents[0]
    with pytest.raises(ValidationError, match="why"):
        documentation.decide_document(
            db_session, document=document, user_id=board_user.id, decision="rejected", reason=""
        )
    world.case.status = "passed"
    db_session.flush()
    with pytest.raises(Conflict):
        documentation.decide_document(
            db_session, document=document, user_id=board_user.id, decision="accepted", reason=""
        )
    with pytest.raises(Conflict):
        documentation.request_documentation(
            db_session,
            sample=world.sample,
            case_id=world.case.id,
            user_id=board_user.id,
            rule_ids=list(rule_ids),
            message="",
        )


def test_requirements_must_come_from_the_boards_set(db_session, board_user):
    world = audit_world(db_session, board_user=board_user)
    with pytest.raises(ValidationError):
        documentation.request_documentation(
            db_session,
            sample=world.sample,
            case_id=world.case.id,
            user_id=board_user.id,
            rule_ids=["no_such_rule"],
            message="",
        )
    with pytest.raises(ValidationError):
        documentation.request_documentation(
            db_session,
            sample=world.sample,
            case_id=world.case.id,
            user_id=board_user.id,
            rule_ids=[],
            message="",
        )


def test_uploads_are_checked_like_self_reported_certificates(app, db_session, board_user):
    rule_ids = first_rule_ids(db_session, board_user.board_id, 1)
    world = audit_world(db_session, board_user=board_user, rule_ids=rule_ids)
    doctor = sign_in_as(app.test_client(), world.physician)
    item = world.request.items[0]
    response = _upload(doctor, world.request.id, item.id, b"MZ\x90\x00 not a pdf", "x.pdf")
    assert response.status_code == 400
    assert "must be a PDF, PNG or JPEG" in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DocumentationDocument)) == 0


def test_a_physician_never_sees_another_licensees_request(app, db_session, board_user):
    rule_ids = first_rule_ids(db_session, board_user.board_id, 1)
    world = audit_world(db_session, board_user=board_user, rule_ids=rule_ids, with_document=True)
    stranger = sign_in_as(app.test_client(), factories.LicenseLinkFactory().user)
    document = world.request.items[0].documents[0]
    assert "Documentation your board" not in stranger.get("/physician/").get_data(as_text=True)
    assert stranger.get(f"/physician/documentation/{world.request.id}").status_code == 403
    assert stranger.get(f"/physician/documentation/documents/{document.id}").status_code == 403
    item = world.request.items[0]
    assert _upload(stranger, world.request.id, item.id).status_code == 403
    # The case's own auditor note never reaches the physician.
    world.case.note = "Suspect forged certificates"
    db_session.commit()
    own = sign_in_as(app.test_client(), world.physician)
    page = own.get(f"/physician/documentation/{world.request.id}").get_data(as_text=True)
    assert "Suspect forged" not in page


def test_a_board_never_sees_another_boards_case_or_document(app, db_session, board_user):
    ombc = factories.board("CA-OMBC")
    foreign = audit_world(
        db_session,
        board_code="CA-OMBC",
        rule_ids=first_rule_ids(db_session, ombc.id, 1),
        with_document=True,
    )
    own = audit_world(db_session, board_user=board_user)
    client = sign_in_as(app.test_client(), board_user)
    document = foreign.request.items[0].documents[0]
    base = f"/board/samples/{foreign.sample.id}/cases/{foreign.case.id}"
    assert client.get(base + "/documentation").status_code == 403
    assert client.get(f"{base}/documents/{document.id}").status_code == 403
    # Its own case, with another board's document id, is refused too.
    mine = f"/board/samples/{own.sample.id}/cases/{own.case.id}"
    assert client.get(f"{mine}/documents/{document.id}").status_code == 403
    decision = client.post(
        f"{mine}/documents/{document.id}/decision", data={"decision": "accepted"}
    )
    assert decision.status_code == 403


def test_a_letter_only_for_a_failed_case(app, db_session, board_user):
    world = audit_world(db_session, board_user=board_user)
    client = sign_in_as(app.test_client(), board_user)
    response = client.get(f"/board/samples/{world.sample.id}/cases/{world.case.id}/letter.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#case-{world.case.id}")
