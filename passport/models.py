"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from passport.accounts.models import User
from passport.audit.models import AccessLogEntry, AuditEvent
from passport.db import Base
from passport.reporting.models import (
    Activity,
    Completion,
    CompletionVersion,
    CreditType,
    Provider,
    Topic,
    Upload,
    UploadRow,
)
from passport.roster.models import Board, Licensee, LicenseLink
from passport.transcripts.models import Discrepancy, DiscrepancyMessage

__all__ = [
    "AccessLogEntry",
    "Activity",
    "AuditEvent",
    "Base",
    "Board",
    "Completion",
    "CompletionVersion",
    "CreditType",
    "Discrepancy",
    "DiscrepancyMessage",
    "LicenseLink",
    "Licensee",
    "Provider",
    "Topic",
    "Upload",
    "UploadRow",
    "User",
]
