"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from passport.accounts.models import RecoveryCode, User
from passport.api.models import ApiClient, ApiToken, IdempotentRequest
from passport.audit.models import AuditCase, AuditSample
from passport.compliance.models import AuditStanding, StaleStanding, StandingsVersion
from passport.db import Base
from passport.pdf_transcripts.models import IssuedTranscript
from passport.reporting.models import (
    Activity,
    Completion,
    CompletionVersion,
    CreditType,
    IdentityAttempt,
    Provider,
    Topic,
    Upload,
    UploadRow,
)
from passport.roster.models import (
    Board,
    Licensee,
    LicenseLink,
    LicenseLinkCode,
    LinkAttempt,
    RosterImport,
)
from passport.trail.models import AccessLogEntry, AuditEvent
from passport.transcripts.models import Discrepancy, DiscrepancyMessage, SelfReportedCredit

__all__ = [
    "AccessLogEntry",
    "Activity",
    "ApiClient",
    "ApiToken",
    "AuditCase",
    "AuditEvent",
    "AuditSample",
    "AuditStanding",
    "Base",
    "Board",
    "Completion",
    "CompletionVersion",
    "CreditType",
    "Discrepancy",
    "IdempotentRequest",
    "IdentityAttempt",
    "IssuedTranscript",
    "DiscrepancyMessage",
    "LicenseLink",
    "LicenseLinkCode",
    "Licensee",
    "LinkAttempt",
    "Provider",
    "RosterImport",
    "RecoveryCode",
    "SelfReportedCredit",
    "StaleStanding",
    "StandingsVersion",
    "Topic",
    "Upload",
    "UploadRow",
    "User",
]
