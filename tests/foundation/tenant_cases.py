"""For each guarded route that takes an object id: who to sign in as, and the id of an
object that belongs to another tenant. ``test_role_guard`` expects 403.

Each case is a function ``(session) -> (actor, url_values, method)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from passport.models import Upload
from tests import factories
from tests.foundation.staff_tenant_cases import ADMIN_ONLY_ROUTES, STAFF_TENANT_CASES
from tests.foundation.workflow_tenant_cases import WORKFLOW_TENANT_CASES

TenantCase = Callable[[Any], tuple[Any, dict[str, Any], str]]


def _other_provider_staff():
    return factories.ProviderStaffFactory()


def _foreign_activity(session, method="GET"):
    activity = factories.ActivityFactory()
    return _other_provider_staff(), {"activity_id": activity.id}, method


def _foreign_completion(session, method="GET"):
    completion = factories.CompletionFactory()
    return _other_provider_staff(), {"completion_id": completion.id}, method


def _foreign_upload(session, method="GET"):
    provider = factories.ProviderFactory()
    upload = Upload(provider_id=provider.id, method="csv", status="failed")
    session.add(upload)
    session.commit()
    return _other_provider_staff(), {"upload_id": upload.id}, method


def _foreign_learner_check(session, method="GET"):
    from pathlib import Path

    from flask import current_app

    from passport.reporting.prevalidation import keep_checks

    owner = factories.ProviderStaffFactory()
    directory = Path(current_app.config["PASSPORT_UPLOAD_DIR"]) / "checks"
    token = keep_checks(directory, owner.provider_id, [])
    return _other_provider_staff(), {"token": token}, method


def _boards_foreign_roster_import(session, method="GET"):
    from passport.models import RosterImport

    roster_import = RosterImport(
        board_id=factories.board("CA-OMBC").id,
        method="csv",
        sha256="0" * 64,
        stored_path="/nonexistent.csv",
        status="waiting",
        columns=[],
    )
    session.add(roster_import)
    session.commit()
    return factories.BoardStaffFactory(), {"import_id": roster_import.id}, method


def _other_physician():
    return factories.UserFactory()


def _foreign_link_code(session, method="GET"):
    from datetime import timedelta

    from passport.db import utcnow
    from passport.models import LicenseLinkCode

    pending = LicenseLinkCode(
        user_id=factories.UserFactory().id,
        licensee_id=factories.LicenseeFactory().id,
        code_digest="0" * 64,
        expires_at=utcnow() + timedelta(minutes=30),
    )
    session.add(pending)
    session.commit()
    return _other_physician(), {"code_id": pending.id}, method


def _foreign_link(session, method="POST"):
    link = factories.LicenseLinkFactory()
    return _other_physician(), {"link_id": link.id}, method


def _completion_on_another_licence(session, method="GET"):
    factories.LicenseLinkFactory(licensee=(completion := factories.CompletionFactory()).licensee)
    return _other_physician(), {"completion_id": completion.id}, method


def _physicians_foreign_discrepancy(session, method="GET"):
    discrepancy = factories.DiscrepancyFactory()
    return _other_physician(), {"discrepancy_id": discrepancy.id}, method


def _foreign_self_reported(session, method="GET"):
    credit = factories.SelfReportedCreditFactory()
    return _other_physician(), {"credit_id": credit.id}, method


def _providers_foreign_discrepancy(session, method="GET"):
    discrepancy = factories.DiscrepancyFactory()
    return _other_provider_staff(), {"discrepancy_id": discrepancy.id}, method


def _boards_foreign_discrepancy(session, method="GET"):
    licensee = factories.LicenseeFactory(board=factories.board("CA-OMBC"), license_number="20A991")
    discrepancy = factories.DiscrepancyFactory(
        completion=factories.CompletionFactory(licensee=licensee)
    )
    return factories.BoardStaffFactory(), {"discrepancy_id": discrepancy.id}, method


def _boards_foreign_licensee(session, method="GET"):
    licensee = factories.LicenseeFactory(board=factories.board("CA-OMBC"), license_number="20A992")
    return factories.BoardStaffFactory(), {"licensee_id": licensee.id}, method


def _boards_foreign_sample(session, method="GET"):
    from passport.audit.samples import draw_sample

    licensee = factories.LicenseeFactory(board=factories.board("CA-OMBC"), license_number="20A993")
    sample = draw_sample(
        session,
        board_id=licensee.board_id,
        user_id=factories.UserFactory().id,
        title="",
        starts_on=licensee.expires_on,
        ends_on=licensee.expires_on,
        size_kind="count",
        size_value=1,
    )
    session.commit()
    values = {"sample_id": sample.id}
    if method == "POST":
        values["case_id"] = sample.cases[0].id
    return factories.BoardStaffFactory(), values, method


def _foreign_api_client(session, method="POST"):
    from passport.api.clients import create_client

    owner = factories.ProviderStaffFactory()
    created = create_client(
        session,
        provider_id=owner.provider_id,
        user_id=owner.id,
        name="LMS",
        scopes=["completions:read"],
    )
    session.commit()
    return _other_provider_staff(), {"api_client_id": created.client.id}, method


def _foreign_issued_transcript(session, method="POST"):
    from passport.models import IssuedTranscript

    issued = IssuedTranscript(
        code="ABCDEFGHJKMN",
        issued_by_user_id=factories.UserFactory().id,
        holder_name="Ada Okafor",
        scope=[],
        summary={"sections": []},
        fingerprint="0" * 64,
        row_count=0,
    )
    session.add(issued)
    session.commit()
    return _other_physician(), {"code": issued.code}, method


def _other_boards_attestation(session, method="GET"):
    from passport.models import RequirementOnFile

    licensee = factories.LicenseeFactory(board=factories.board("CA-OMBC"), license_number="20A994")
    record = RequirementOnFile(
        licensee_id=licensee.id,
        rule_id="pain",
        source="physician",
        state="pending",
        reason="",
        decision_reason="",
        certificate_sha256="0" * 64,
        certificate_media_type="application/pdf",
        certificate_filename="certificate.pdf",
    )
    session.add(record)
    session.commit()
    return factories.BoardStaffFactory(), {"record_id": record.id}, method


def _boards_foreign_self_reported(session, method="GET"):
    licensee = factories.LicenseeFactory(board=factories.board("CA-OMBC"), license_number="20A995")
    credit = factories.SelfReportedCreditFactory()
    factories.LicenseLinkFactory(licensee=licensee, user=credit.user)
    return (
        factories.BoardStaffFactory(),
        {"licensee_id": licensee.id, "credit_id": credit.id},
        method,
    )


def _foreign_link_attestation(session, method="GET"):
    link = factories.LicenseLinkFactory()
    return _other_physician(), {"link_id": link.id, "rule_id": "pain"}, method


def _foreign_notification(session, method="POST"):
    from passport.notifications.services import Message, notify

    owner = factories.UserFactory()
    notification = notify(
        session,
        event_key=f"test:{owner.id}",
        kind="test",
        topic="discrepancies",
        message=Message("Subject", "Body", "/physician/"),
        user=owner,
    )
    session.commit()
    return _other_physician(), {"notification_id": notification.id}, method


def _foreign_share(session, method="POST"):
    from datetime import date, timedelta

    from passport.shares.services import create_share

    link = factories.LicenseLinkFactory()
    created = create_share(
        session,
        user_id=link.user_id,
        link=link,
        recipient="Hospital",
        starts_on=date.today() - timedelta(days=30),
        ends_on=date.today(),
        expires_on=date.today() + timedelta(days=5),
        today=date.today(),
    )
    session.commit()
    return _other_physician(), {"share_id": created.share.id}, method


TENANT_CASES: dict[str, TenantCase] = {
    "board_requirements.record_on_file": lambda session: _boards_foreign_licensee(session, "POST"),
    "board_requirements.decide": lambda session: _other_boards_attestation(session, "POST"),
    "board_requirements.attestation_certificate": _other_boards_attestation,
    "board_requirements.self_reported_certificate": _boards_foreign_self_reported,
    "attestations.attest": _foreign_link_attestation,
    "shares.revoke": _foreign_share,
    "notifications.open_notification": _foreign_notification,
    "pdf_transcripts.withdraw": _foreign_issued_transcript,
    "api_clients.revoke": _foreign_api_client,
    "reporting.edit_activity": _foreign_activity,
    "reporting.completion_detail": _foreign_completion,
    "reporting.correct_unmatched": _foreign_completion,
    "reporting.upload_detail": _foreign_upload,
    "reporting.upload_progress": _foreign_upload,
    "reporting.upload_report": _foreign_upload,
    "reporting.retry_upload": lambda session: _foreign_upload(session, "POST"),
    "reporting.prevalidation_results": _foreign_learner_check,
    "reporting.prevalidation_report": _foreign_learner_check,
    "transcripts.unlink_license": _foreign_link,
    "transcripts.confirm_link": _foreign_link_code,
    "transcripts.flag_completion": _completion_on_another_licence,
    "transcripts.discrepancy": _physicians_foreign_discrepancy,
    "transcripts.reply": lambda session: _physicians_foreign_discrepancy(session, "POST"),
    "transcripts.reopen": lambda session: _physicians_foreign_discrepancy(session, "POST"),
    "transcripts.withdraw": lambda session: _physicians_foreign_discrepancy(session, "POST"),
    "transcripts.certificate": _foreign_self_reported,
    "transcripts.withdraw_self_reported": lambda session: _foreign_self_reported(session, "POST"),
    "inbox.detail": _providers_foreign_discrepancy,
    "inbox.reply": lambda session: _providers_foreign_discrepancy(session, "POST"),
    "inbox.decline": lambda session: _providers_foreign_discrepancy(session, "POST"),
    "inbox.correct": lambda session: _providers_foreign_discrepancy(session, "POST"),
    "audit.discrepancy": _boards_foreign_discrepancy,
    "roster.preview": _boards_foreign_roster_import,
    "audit.licensee": _boards_foreign_licensee,
    "pdf_transcripts.board_pdf": _boards_foreign_licensee,
    "samples.sample": _boards_foreign_sample,
    "samples.verdict": lambda session: _boards_foreign_sample(session, "POST"),
}

# The audit workflow's routes (issue 21, items 5 and 6), kept in their own module.
TENANT_CASES |= WORKFLOW_TENANT_CASES
# Managing staff (issue 25): staff administrators reach their own colleagues only.
TENANT_CASES |= STAFF_TENANT_CASES

# Routes with an id that is not tenant-scoped, and why.
UNSCOPED_ROUTES = {
    "transcripts.report_missing": "any provider's activity may be reported missing; the "
    "claim goes to that provider only",
    "notifications.retry_delivery": "administrators see every delivery; no tenant",
    "audit.audit_export": "the argument is the file format; the export covers the user's own board",
}
UNSCOPED_ROUTES |= ADMIN_ONLY_ROUTES
