"""Activities through the web service, saved by the same operation as the web form."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.api import schemas
from passport.errors import NotFound, ValidationError
from passport.paging import paginate
from passport.reporting.activities import ActivityValues, save_activity
from passport.reporting.models import Activity, CreditType, Topic

SELF_REPORTED = "SELF_REPORTED"


def activity_out(activity: Activity) -> schemas.Activity:
    return schemas.Activity(
        activity_id=activity.activity_code,
        title=activity.title,
        activity_type=activity.activity_type,
        starts_on=activity.starts_on,
        ends_on=activity.ends_on,
        max_credits=f"{activity.max_credits:.2f}",
        credit_types=sorted(c.code for c in activity.credit_types),
        topics=sorted(t.code for t in activity.topics),
        updated_at=activity.updated_at,
    )


def activities_page(
    session: Session, provider_id: int, query: schemas.PageQuery
) -> schemas.ActivityPage:
    select = sa.select(Activity).where(Activity.provider_id == provider_id).order_by(Activity.id)
    page = paginate(session, select, query.page, query.per_page)
    return schemas.page_of(schemas.ActivityPage, page, query.per_page, activity_out)


def activity_of_provider(session: Session, provider_id: int, activity_code: str) -> Activity:
    activity = session.scalar(
        sa.select(Activity).where(
            Activity.provider_id == provider_id, Activity.activity_code == activity_code
        )
    )
    if activity is None:
        raise NotFound("No such activity among your provider's.")
    return activity


def _unknown_codes(session: Session, model, codes: list[str]) -> list[str]:
    known = set(session.scalars(sa.select(model.code).where(model.code.in_(codes))))
    known.discard(SELF_REPORTED)  # a physician's own credit, never a provider's
    return [code for code in codes if code not in known]


def save(
    session: Session,
    *,
    provider_id: int,
    user_id: int | None,
    values: schemas.ActivityIn,
    activity: Activity | None = None,
) -> Activity:
    """Create or replace an activity; unknown credit types or topics are refused by name
    (the web form cannot send them, but a client can). A taken Activity ID raises
    ``DuplicateActivityId``, a ``Conflict``."""
    for field, model, codes in (
        ("credit_types", CreditType, values.credit_types),
        ("topics", Topic, values.topics),
    ):
        unknown = _unknown_codes(session, model, codes)
        if unknown:
            raise ValidationError(f"Unknown codes: {', '.join(unknown)}.", field)
    return save_activity(
        session,
        provider_id=provider_id,
        user_id=user_id,
        values=ActivityValues(
            activity_code=values.activity_id,
            title=values.title,
            activity_type=values.activity_type,
            starts_on=values.starts_on,
            ends_on=values.ends_on,
            max_credits=Decimal(values.max_credits),
            credit_type_codes=list(dict.fromkeys(values.credit_types)),
            topic_codes=list(dict.fromkeys(values.topics)),
        ),
        activity=activity,
    )
