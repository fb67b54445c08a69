"""For each guarded route that takes an object id: who to sign in as, and the id of an
object that belongs to another tenant. ``test_role_guard`` expects 403.

Each case is a function ``(session) -> (actor, url_values, method)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from passport.models import Upload
from tests import factories

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


TENANT_CASES: dict[str, TenantCase] = {
    "reporting.edit_activity": _foreign_activity,
    "reporting.completion_detail": _foreign_completion,
    "reporting.correct_unmatched": _foreign_completion,
    "reporting.upload_detail": _foreign_upload,
    "reporting.upload_progress": _foreign_upload,
    "reporting.upload_report": _foreign_upload,
    "reporting.retry_upload": lambda session: _foreign_upload(session, "POST"),
}
