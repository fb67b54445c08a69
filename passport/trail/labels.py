"""The words for the trail's codes, in one place (DESIGN.md: every enumeration a person
reads has one label): the action of every audit-trail entry and access-log entry, the
objects they concern, and the keys of an entry's detail.

Pages, exports and filters all read these tables. A test greps the source for every
action string the code writes and fails when one has no label here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

# Writes that matter (``audit_events.action``).
TRAIL_ACTION_LABELS = {
    # accounts
    "user.created": "Account created",
    "user.signed_up": "Signed up",
    "user.sign_up_address_in_use": "Someone tried to sign up with this account's address",
    "user.email_confirmed": "E-mail address confirmed",
    "user.password_changed": "Password changed",
    "user.password_reset": "Password reset",
    "user.sign_in_delayed": "Sign-in delayed after failed attempts",
    "user.two_factor_enabled": "Two-factor sign-in turned on",
    "user.two_factor_disabled": "Two-factor sign-in turned off",
    "user.recovery_code_used": "Recovery code used",
    "user.disabled": "Account disabled",
    "user.enabled": "Account enabled again",
    "user.two_factor_reset": "Two-factor sign-in reset by a colleague",
    "user.staff_admin_granted": "Made a staff administrator",
    "user.staff_admin_revoked": "No longer a staff administrator",
    "invitation.sent": "Invitation sent",
    "invitation.resent": "Invitation sent again",
    "invitation.withdrawn": "Invitation withdrawn",
    "invitation.accepted": "Invitation accepted",
    # boards and providers
    "board.created": "Board added",
    "board.updated": "Board changed",
    "board.deactivated": "Board deactivated",
    "board.reactivated": "Board reactivated",
    "provider.created": "Provider added",
    "provider.updated": "Provider changed",
    "provider.deactivated": "Provider deactivated",
    "provider.reactivated": "Provider reactivated",
    # the roster and license links
    "roster.imported": "Roster imported",
    "licensee.created": "Licensee added to the roster",
    "licensee.updated": "Licensee updated from the roster",
    "licensee.deactivated": "Licensee marked inactive (not on the roster)",
    "license.linked": "License linked to an account",
    "license.moved": "License given to the account that claimed it",
    "license.unlinked": "License unlinked",
    # reporting
    "upload.received": "Upload received",
    "completion.identity_corrected": "Learner's identity corrected on a completion",
    "identity_checks.held": "Identity checks held back",
    "identity_checks.cleared": "Held identity checks cleared",
    "activity.created": "Activity created",
    "activity.updated": "Activity updated",
    "activity.imported": "Activities imported",
    "api_client.created": "API client created",
    "api_client.revoked": "API client revoked",
    # discrepancies (``discrepancy.<message event>``)
    "discrepancy.raised": "Discrepancy raised",
    "discrepancy.reply": "Reply to a discrepancy",
    "discrepancy.corrected": "Discrepancy corrected by the provider",
    "discrepancy.declined": "Discrepancy declined by the provider",
    "discrepancy.withdrawn": "Discrepancy withdrawn by the physician",
    "discrepancy.reopened": "Discrepancy reopened",
    # transcripts
    "transcript.withdrawn": "PDF transcript withdrawn",
    "transcript_share.created": "Transcript share link created",
    "transcript_share.revoked": "Transcript share link revoked",
    # requirements on file
    "requirement.recorded_on_file": "Requirement recorded as satisfied on file",
    "requirement.attested": "Requirement attested by the physician",
    "requirement.attestation_accepted": "Attestation accepted",
    "requirement.attestation_rejected": "Attestation rejected",
    # the board's audit
    "audit_sample.drawn": "Audit sample drawn",
    "audit_case.updated": "Audit case verdict recorded",
    "documentation.requested": "Documentation requested",
    "documentation.uploaded": "Document uploaded",
    "documentation.accepted": "Document accepted",
    "documentation.rejected": "Document rejected",
    "deficiency_letter.issued": "Deficiency letter issued",
}

# Board staff's looks at licensees' records (``access_log.action``).
ACCESS_ACTION_LABELS = {
    "licensee.view": "Opened a licensee's record",
    "licensee.transcript_pdf": "Downloaded a licensee's PDF transcript",
    "discrepancy.view": "Opened a discrepancy",
    "audit.export": "Exported the audit worklist",
    "roster.search": "Searched the roster",
    "sample.export": "Exported an audit sample",
    "documentation.document_view": "Opened a document sent for an audit",
    "deficiency_letter.download": "Downloaded a deficiency letter",
    "licensee.certificate": "Opened a certificate a physician sent",
}

ACTION_LABELS = TRAIL_ACTION_LABELS | ACCESS_ACTION_LABELS

OBJECT_LABELS = {
    "user": "Account",
    "licensee": "Licensee",
    "roster_import": "Roster import",
    "license_link": "License link",
    "upload": "Upload",
    "completion": "Completion",
    "activity": "Activity",
    "api_client": "API client",
    "discrepancy": "Discrepancy",
    "issued_transcript": "PDF transcript",
    "transcript_share": "Transcript share link",
    "audit_sample": "Audit sample",
    "audit_case": "Audit case",
    "documentation_request": "Documentation request",
    "documentation_document": "Document",
    "provider": "Provider",
    "board": "Board",
    "invitation": "Invitation",
}

# The words for the keys of an entry's detail; a key not listed reads as its own words.
DETAIL_LABELS = {
    "status": "status",
    "seed": "seed",
    "population": "drawn from",
    "count": "licensees drawn",
    "percent": "percent drawn",
    "bulk": "for several cases at once",
    "kind": "kind",
    "method": "method",
    "sha256": "file digest",
    "filename": "file",
    "version": "version",
    "match_status": "match",
    "provider_id": "provider",
    "board_id": "board",
    "held": "answers held back",
    "identities": "identities tried",
    "blocked_attempts": "attempts blocked",
    "client_id": "client",
    "scopes": "scopes",
    "from_user_id": "from account",
    "to_user_id": "to account",
    "deactivated": "marked inactive",
    "full": "full roster",
    "role": "role",
    "failures": "failed sign-ins",
    "license_number": "license",
    "completion_id": "completion",
    "outcome": "outcome",
    "case_id": "case",
    "request_id": "request",
    "requirement": "requirement",
    "requirements": "requirements",
    "reason": "reason",
    "rule_id": "requirement",
    "source": "from",
    "state": "state",
    "satisfied_on": "met on",
    "email": "e-mail",
    "code": "code",
    "accme_id": "ACCME provider ID",
    "invitation_id": "invitation",
    "name": "name",
    "requirement_set": "requirement set",
    "reporting_began_on": "reporting began on",
    "license_pattern": "license number pattern",
    "license_example": "example license number",
    "contact_name": "contact",
    "contact_email": "contact e-mail",
    "contact_phone": "contact phone",
}


def action_label(action: str) -> str:
    """The words for an action; an unknown code reads as itself, never as nothing."""
    return ACTION_LABELS.get(action, action)


def object_label(object_type: str) -> str:
    return OBJECT_LABELS.get(object_type, object_type.replace("_", " ").capitalize())


def _value_words(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, list | tuple):
        return ", ".join(_value_words(item) for item in value) or "none"
    if isinstance(value, dict):
        return describe_detail(value).rstrip(".")
    if value is None:
        return "none"
    text = str(value)
    return text[:12] + "…" if len(text) == 64 and text.isalnum() else text  # a digest


def describe_detail(detail: dict[str, Any] | str | None) -> str:
    """An entry's detail as a sentence: ``{"status": "failed", "bulk": True}`` reads
    "Status failed; for several cases at once." Text details (the access log's) are
    already words and pass through."""
    if not detail:
        return ""
    if isinstance(detail, str):
        return detail
    parts = []
    for key, value in detail.items():
        label = DETAIL_LABELS.get(key, key.replace("_", " "))
        parts.append(label if value is True and key == "bulk" else f"{label} {_value_words(value)}")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def action_choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    """(code, words) pairs for a filter's menu, in the order people read them."""
    return sorted(labels.items(), key=lambda pair: pair[1])
