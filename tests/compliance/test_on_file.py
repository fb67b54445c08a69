"""Requirements satisfied on file (issue 21): from the roster, recorded by board staff, or
attested by the physician with a certificate and decided by the board. Each changes what
the engine says, the kept standing and the worklist, and leaves an audit entry."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from passport.compliance.evaluation import evaluate_licensees
from passport.compliance.models import AuditStanding, RequirementOnFile
from passport.compliance.standings import refresh_standings
from passport.models import AuditEvent
from passport.roster.importer import import_roster
from tests import factories
from tests.conftest import sign_in_as

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _long_licensed(**values):
    """Licensed 01/10/2021: pain management fell due 01/10/2025, since reporting began."""
    return factories.LicenseeFactory(
        first_issued_on=date(2021, 1, 10), expires_on=date(2027, 1, 31), **values
    )


def _pain_status(db_session, licensee) -> str:
    db_session.expire_all()
    evaluation = evaluate_licensees(db_session, [licensee])[0].evaluation
    return next(rule.status for rule in evaluation.rules if rule.rule_id == "pain")


def _actions(db_session, licensee) -> list[str]:
    return list(
        db_session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "licensee", AuditEvent.object_id == licensee.id)
            .order_by(AuditEvent.id)
        )
    )


def test_board_staff_record_a_requirement_on_file(app, db_session):
    licensee = _long_licensed()
    assert _pain_status(db_session, licensee) == "overdue"
    board = sign_in_as(app.test_client(), factories.BoardStaffFactory(board=licensee.board))
    response = board.post(
        f"/board/licensees/{licensee.id}/on-file",
        data={"rule_id": "pain", "satisfied_on": "2016-05-01", "reason": "Certificate seen"},
    )
    assert response.status_code == 302
    assert _pain_status(db_session, licensee) == "on file"
    assert "requirement.recorded_on_file" in _actions(db_session, licensee)
    refresh_standings(db_session, licensee.board_id)
    standing = db_session.get(AuditStanding, licensee.id)
    assert "pain" not in (standing.short_rule_ids or "")
    page = board.get(f"/board/licensees/{licensee.id}").get_data(as_text=True)
    assert "Satisfied on file" in page and "Certificate seen" in page


def test_a_board_cannot_record_for_another_boards_licensee(app, db_session):
    licensee = _long_licensed()
    other = factories.BoardStaffFactory(board=factories.board("CA-OMBC"))
    response = sign_in_as(app.test_client(), other).post(
        f"/board/licensees/{licensee.id}/on-file",
        data={"rule_id": "pain", "reason": "x"},
    )
    assert response.status_code == 403
    assert db_session.scalars(sa.select(RequirementOnFile)).all() == []


def test_the_roster_says_when_a_requirement_was_met(db_session, board_user, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "License Number,First Name,Last Name,Date of Birth (MM/DD),First Issued,Expires,"
        "Pain satisfied on\n"
        "A700101,Ada,Okafor,07/14,01/10/2021,01/31/2027,03/02/2022\n"
        "A700102,Ben,Ortiz,01/02,01/10/2021,01/31/2027,\n",
        encoding="utf-8",
    )
    for _ in range(2):  # the same roster twice records it once
        import_roster(
            db_session,
            board=factories.board(),
            user_id=board_user.id,
            path=path,
            method="csv",
            full_roster=False,
        )
    records = db_session.scalars(sa.select(RequirementOnFile)).all()
    assert [(r.rule_id, r.source, r.satisfied_on) for r in records] == [
        ("pain", "roster", date(2022, 3, 2))
    ]
    ada = db_session.get(factories.Licensee, records[0].licensee_id)
    assert _pain_status(db_session, ada) == "on file"


def _attest(app, link, satisfied_on="2019-04-01"):
    client = sign_in_as(app.test_client(), link.user)
    return client, client.post(
        f"/physician/licenses/{link.id}/attest/pain",
        data={"satisfied_on": satisfied_on, "certificate": (io.BytesIO(PDF), "pain.pdf")},
        content_type="multipart/form-data",
    )


def test_an_attestation_is_accepted_by_the_board(app, db_session):
    link = factories.LicenseLinkFactory(licensee=_long_licensed())
    client, response = _attest(app, link)
    assert response.status_code == 302
    assert _pain_status(db_session, link.licensee) == "overdue"  # pending counts for nothing
    record = db_session.scalars(sa.select(RequirementOnFile)).one()
    board = sign_in_as(app.test_client(), factories.BoardStaffFactory(board=link.licensee.board))
    certificate = board.get(f"/board/attestations/{record.id}/certificate")
    assert certificate.status_code == 200 and certificate.data == PDF
    certificate.close()
    assert "pain" in board.get("/board/attestations").get_data(as_text=True).lower()
    board.post(f"/board/attestations/{record.id}/decide", data={"decision": "accept"})
    assert _pain_status(db_session, link.licensee) == "on file"
    assert _actions(db_session, link.licensee)[-2:] == [
        "requirement.attested",
        "requirement.attestation_accepted",
    ]
    assert "Accepted" in client.get(f"/physician/licenses/{link.id}/attest/pain").get_data(
        as_text=True
    )


def test_an_attestation_rejected_with_a_reason_leaves_the_rule_as_it_was(app, db_session):
    link = factories.LicenseLinkFactory(licensee=_long_licensed())
    client, _ = _attest(app, link)
    record = db_session.scalars(sa.select(RequirementOnFile)).one()
    board = sign_in_as(app.test_client(), factories.BoardStaffFactory(board=link.licensee.board))
    board.post(f"/board/attestations/{record.id}/decide", data={"decision": "reject"})
    db_session.expire_all()
    assert db_session.get(RequirementOnFile, record.id).state == "pending"  # a reason is needed
    board.post(
        f"/board/attestations/{record.id}/decide",
        data={"decision": "reject", "reason": "The course was 6 hours, not 12."},
    )
    assert _pain_status(db_session, link.licensee) == "overdue"
    page = client.get(f"/physician/licenses/{link.id}/attest/pain").get_data(as_text=True)
    assert "Rejected" in page and "The course was 6 hours, not 12." in page
    assert "requirement.attestation_rejected" in _actions(db_session, link.licensee)


def test_only_the_linked_physician_attests_and_only_one_time_rules(app, db_session):
    link = factories.LicenseLinkFactory(licensee=_long_licensed())
    stranger = sign_in_as(app.test_client(), factories.UserFactory())
    assert stranger.get(f"/physician/licenses/{link.id}/attest/pain").status_code == 403
    owner = sign_in_as(app.test_client(), link.user)
    assert owner.get(f"/physician/licenses/{link.id}/attest/total").status_code == 404
    _, future = _attest(app, link, satisfied_on="2099-01-01")
    assert future.status_code == 200 and "future" in future.get_data(as_text=True)


def test_the_transcript_offers_to_attest_what_credit_does_not_show(app, db_session):
    link = factories.LicenseLinkFactory(licensee=_long_licensed())
    page = sign_in_as(app.test_client(), link.user).get("/physician/transcript")
    assert f"/physician/licenses/{link.id}/attest/pain" in page.get_data(as_text=True)
