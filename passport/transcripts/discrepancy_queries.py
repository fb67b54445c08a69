"""Who may see which discrepancy, and the lists each side works from.

A physician sees the discrepancies on licences linked to their account; a provider those
on its own activities; board staff those of its own board's licensees. Asking for any
other by id is refused (``Forbidden``), whatever the id.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.errors import Forbidden, NotFound
from passport.paging import Page, paginate
from passport.reporting.models import Activity, Provider
from passport.roster.models import Licensee, LicenseLink
from passport.transcripts.models import OPEN_STATUSES, Discrepancy, DiscrepancyMessage

STATUS_FILTERS = {
    "open": ("open",),
    "answered": ("answered",),
    "active": OPEN_STATUSES,
    "closed": ("corrected", "declined", "withdrawn"),
    "all": None,
}


def _load(session: Session, discrepancy_id: int) -> Discrepancy:
    discrepancy = session.get(Discrepancy, discrepancy_id)
    if discrepancy is None:
        raise NotFound("No such discrepancy.")
    return discrepancy


def discrepancy_for_physician(session: Session, user_id: int, discrepancy_id: int) -> Discrepancy:
    discrepancy = _load(session, discrepancy_id)
    linked = session.scalar(
        sa.select(LicenseLink.id).where(
            LicenseLink.user_id == user_id, LicenseLink.licensee_id == discrepancy.licensee_id
        )
    )
    if linked is None:
        raise Forbidden("This discrepancy is not on one of your licences.")
    return discrepancy


def discrepancy_for_provider(
    session: Session, provider_id: int, discrepancy_id: int
) -> Discrepancy:
    discrepancy = _load(session, discrepancy_id)
    if discrepancy.activity.provider_id != provider_id:
        raise Forbidden("This discrepancy is about another provider's activity.")
    return discrepancy


def discrepancy_for_board(session: Session, board_id: int, discrepancy_id: int) -> Discrepancy:
    discrepancy = _load(session, discrepancy_id)
    if discrepancy.licensee.board_id != board_id:
        raise Forbidden("This licensee belongs to another board.")
    return discrepancy


def activity_for_physician(session: Session, activity_id: int) -> Activity:
    """Any provider's activity (titles and Activity IDs are not private) for a missing
    report; what the physician then sends goes only to that provider."""
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFound("No such activity.")
    return activity


def _with_status(query: sa.Select, status: str) -> sa.Select:
    statuses = STATUS_FILTERS.get(status, OPEN_STATUSES)
    return query if statuses is None else query.where(Discrepancy.status.in_(statuses))


def physician_discrepancies(session: Session, user_id: int) -> list[Discrepancy]:
    """Every discrepancy on the user's licences, open ones first, newest first."""
    return list(
        session.scalars(
            sa.select(Discrepancy)
            .join(LicenseLink, LicenseLink.licensee_id == Discrepancy.licensee_id)
            .where(LicenseLink.user_id == user_id)
            .order_by(
                Discrepancy.status.in_(OPEN_STATUSES).desc(),
                Discrepancy.created_at.desc(),
                Discrepancy.id.desc(),
            )
        )
    )


def latest_answers(items: list[Discrepancy]) -> dict[int, DiscrepancyMessage]:
    """The provider's latest word on each open discrepancy (its messages are loaded with
    it), for the physician's overview."""
    answers = {}
    for item in items:
        if item.status not in OPEN_STATUSES:
            continue
        from_provider = [m for m in item.messages if m.author_user_id != item.raised_by_user_id]
        if from_provider:
            answers[item.id] = from_provider[-1]
    return answers


def provider_discrepancies(session: Session, provider_id: int, status: str, page: int) -> Page:
    query = (
        sa.select(Discrepancy)
        .join(Activity, Activity.id == Discrepancy.activity_id)
        .where(Activity.provider_id == provider_id)
        .order_by(Discrepancy.created_at.desc(), Discrepancy.id.desc())
    )
    return paginate(session, _with_status(query, status), page)


def board_discrepancies(session: Session, board_id: int, status: str, page: int) -> Page:
    query = (
        sa.select(Discrepancy)
        .join(Licensee, Licensee.id == Discrepancy.licensee_id)
        .where(Licensee.board_id == board_id)
        .order_by(Discrepancy.created_at.desc(), Discrepancy.id.desc())
    )
    return paginate(session, _with_status(query, status), page)


def find_activities(session: Session, provider_text: str, activity_text: str) -> list[Activity]:
    """Activities a physician may report as missing: by provider (name or ACCME ID) and by
    Activity ID or title. At most 25, and nothing for an empty search."""
    provider_text, activity_text = provider_text.strip().lower(), activity_text.strip().lower()
    if len(provider_text) < 2 and len(activity_text) < 2:
        return []
    query = sa.select(Activity).join(Provider, Provider.id == Activity.provider_id)
    if provider_text:
        query = query.where(
            sa.or_(
                sa.func.lower(Provider.name).contains(provider_text, autoescape=True),
                sa.func.lower(Provider.accme_id) == provider_text,
            )
        )
    if activity_text:
        query = query.where(
            sa.or_(
                sa.func.lower(Activity.activity_code) == activity_text,
                sa.func.lower(Activity.title).contains(activity_text, autoescape=True),
            )
        )
    return list(
        session.scalars(query.order_by(Activity.ends_on.desc(), Activity.id.desc()).limit(25))
    )
