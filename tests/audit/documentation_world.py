"""A small audit world for documentation requests: a board's licensee drawn into a
sample, the physician linked to it, and (optionally) a request and a document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from passport.audit import documentation
from passport.audit.samples import draw_sample
from passport.models import AuditCase, AuditSample, DocumentationRequest, Licensee, User
from passport.transcripts.certificates import StoredCertificate
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class AuditWorld:
    board_user: User
    physician: User
    licensee: Licensee
    sample: AuditSample
    case: AuditCase
    request: DocumentationRequest | None = None


def audit_world(
    session: Any,
    *,
    board_code: str = "CA-MBC",
    board_user: User | None = None,
    rule_ids: tuple[str, ...] = (),
    with_document: bool = False,
    **licensee_values: Any,
) -> AuditWorld:
    board = factories.board(board_code)
    board_user = board_user or factories.BoardStaffFactory(board=board)
    licensee = factories.LicenseeFactory(board=board, **licensee_values)
    physician = factories.LicenseLinkFactory(licensee=licensee).user
    sample = draw_sample(
        session,
        board_id=board.id,
        user_id=board_user.id,
        title="Spring audit",
        starts_on=licensee.expires_on,
        ends_on=licensee.expires_on,
        size_kind="count",
        size_value=1,
    )
    session.commit()
    case = next(case for case in sample.cases if case.licensee_id == licensee.id)
    world = AuditWorld(board_user, physician, licensee, sample, case)
    if rule_ids:
        world.request = documentation.request_documentation(
            session,
            sample=sample,
            case_id=case.id,
            user_id=board_user.id,
            rule_ids=list(rule_ids),
            message="Please send your certificates.",
        )
        if with_document:
            documentation.add_document(
                session,
                request=world.request,
                item_id=world.request.items[0].id,
                user_id=physician.id,
                certificate=StoredCertificate("0" * 64, "application/pdf", len(PDF), "cert.pdf"),
            )
        session.commit()
    return world


def first_rule_ids(session: Any, board_id: int, count: int = 2) -> tuple[str, ...]:
    return tuple(rule_id for rule_id, _ in documentation.requirement_choices(session, board_id))[
        :count
    ]
