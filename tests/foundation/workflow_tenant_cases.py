"""Tenant cases for the audit workflow's routes (issue 21): another board's sample, case
and documents for board staff; another licensee's request and documents for a physician.
Merged into ``tenant_cases.TENANT_CASES``."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.audit.documentation_world import audit_world, first_rule_ids


def _foreign_world(session):
    ombc = factories.board("CA-OMBC")
    return audit_world(
        session,
        board_code="CA-OMBC",
        rule_ids=first_rule_ids(session, ombc.id, 1),
        with_document=True,
    )


def _boards_foreign_case(method: str, *, document: bool = False):
    def case(session) -> tuple[Any, dict[str, Any], str]:
        world = _foreign_world(session)
        values = {"sample_id": world.sample.id, "case_id": world.case.id}
        if document:
            values["document_id"] = world.request.items[0].documents[0].id
        return factories.BoardStaffFactory(), values, method

    return case


def _boards_foreign_sample(method: str, **extra: Any):
    def case(session):
        world = _foreign_world(session)
        return factories.BoardStaffFactory(), {"sample_id": world.sample.id, **extra}, method

    return case


def _physicians_foreign_request(method: str, *, item: bool = False, document: bool = False):
    """Another physician (linked to a licensee of their own) asks for this request."""

    def case(session):
        world = audit_world(
            session, rule_ids=first_rule_ids(session, factories.board().id, 1), with_document=True
        )
        other = factories.LicenseLinkFactory().user
        if document:
            return other, {"document_id": world.request.items[0].documents[0].id}, method
        values = {"request_id": world.request.id}
        if item:
            values["item_id"] = world.request.items[0].id
        return other, values, method

    return case


WORKFLOW_TENANT_CASES = {
    "samples.bulk_verdict": _boards_foreign_sample("POST"),
    "samples.export_sample": _boards_foreign_sample("GET"),
    "samples.case": _boards_foreign_case("GET"),
    "samples.letter": _boards_foreign_case("GET"),
    "samples.document": _boards_foreign_case("GET", document=True),
    "samples.decide": _boards_foreign_case("POST", document=True),
    "documentation_requests.show": _physicians_foreign_request("GET"),
    "documentation_requests.upload": _physicians_foreign_request("POST", item=True),
    "documentation_requests.document": _physicians_foreign_request("GET", document=True),
}
