"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from passport.accounts.models import Invitation, RecoveryCode, SignInFailure, User, UserSession
from passport.api.models import ApiClient, ApiToken, IdempotentRequest
from passport.audit.models import (
    AuditCase,
    AuditSample,
    DocumentationDocument,
    DocumentationItem,
    DocumentationRequest,
)
from passport.compliance.models import (
    AuditStanding,
    RequirementOnFile,
    StaleStanding,
    StandingsVersion,
)
from passport.db import Base
from passport.notifications.models import EmailOptOut, Notification
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
    LicenseeNameKey,
    LicenseLink,
    LicenseLinkCode,
    LinkAttempt,
    RosterImport,
)
from passport.shares.models import TranscriptShare, TranscriptShareView
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
    "DocumentationDocument",
    "DocumentationItem",
    "DocumentationRequest",
    "EmailOptOut",
    "IdempotentRequest",
    "IdentityAttempt",
    "Invitation",
    "IssuedTranscript",
    "DiscrepancyMessage",
    "LicenseLink",
    "LicenseLinkCode",
    "Licensee",
    "LicenseeNameKey",
    "LinkAttempt",
    "Notification",
    "Provider",
    "RosterImport",
    "RecoveryCode",
    "RequirementOnFile",
    "SelfReportedCredit",
    "SignInFailure",
    "StaleStanding",
    "StandingsVersion",
    "Topic",
    "TranscriptShare",
    "TranscriptShareView",
    "Upload",
    "UploadRow",
    "User",
    "UserSession",
]
