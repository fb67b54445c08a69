"""Reads for the physician's side: linked licences, the transcript (by date or by
activity) with its totals, and self-reported credit.

Every query starts from a licence the caller has already checked belongs to the user
(``roster.queries.link_of``), so the tenant rule lives in one place. Credits are summed in
SQL as integer hundredths, so totals are exact to the quarter hour.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.errors import Forbidden, NotFound
from passport.paging import PAGE_SIZE, Page, page_bounds
from passport.reporting.models import (
    Activity,
    Completion,
    CreditType,
    Provider,
    Topic,
    activity_topics,
)
from passport.roster.models import LicenseLink
from passport.transcripts.filters import TranscriptFilters
from passport.transcripts.models import (
    DISCREPANCY_KINDS,
    OPEN_STATUSES,
    Discrepancy,
    SelfReportedCredit,
    self_reported_topics,
)


@dataclass(frozen=True)
class LinkedLicenseSummary:
    link: LicenseLink
    completion_count: int
    total_credits: Decimal


def linked_license_summaries(session: Session, user_id: int) -> list[LinkedLicenseSummary]:
    """Each licence the user has linked, with the count and sum of live completions."""
    links = list(
        session.scalars(
            sa.select(LicenseLink).where(LicenseLink.user_id == user_id).order_by(LicenseLink.id)
        )
    )
    if not links:
        return []
    totals = {
        row.licensee_id: (row.count, row.total)
        for row in session.execute(
            sa.select(
                Completion.licensee_id,
                sa.func.count().label("count"),
                sa.func.sum(Completion.credits).label("total"),
            )
            .where(
                Completion.licensee_id.in_([link.licensee_id for link in links]),
                Completion.deleted_at.is_(None),
            )
            .group_by(Completion.licensee_id)
        )
    }
    return [
        LinkedLicenseSummary(
            link=link,
            completion_count=totals.get(link.licensee_id, (0, None))[0],
            total_credits=totals.get(link.licensee_id, (0, None))[1] or Decimal(0),
        )
        for link in links
    ]


@dataclass(frozen=True)
class OpenFlag:
    id: int
    kind_label: str
    status: str


@dataclass(frozen=True)
class TranscriptRow:
    completion_id: int
    completed_on: date
    activity_id: int
    activity_title: str
    activity_code: str
    provider_name: str
    credits: Decimal
    credit_type: str
    reported_at: datetime
    topics: tuple[str, ...] = ()
    flag: OpenFlag | None = None


@dataclass(frozen=True)
class ActivityGroup:
    activity_id: int
    activity_title: str
    activity_code: str
    provider_name: str
    credits: Decimal
    first_on: date
    last_on: date
    rows: tuple[TranscriptRow, ...]
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Totals:
    count: int
    credits: Decimal
    by_credit_type: list[tuple[str, Decimal]]
    by_topic: list[tuple[str, Decimal]]


def _conditions(licensee_id: int, filters: TranscriptFilters, expires_on: date) -> list:
    starts_on, ends_on = filters.date_range(expires_on)
    conditions = [Completion.licensee_id == licensee_id, Completion.deleted_at.is_(None)]
    if starts_on:
        conditions.append(Completion.completed_on >= starts_on)
    if ends_on:
        conditions.append(Completion.completed_on <= ends_on)
    if filters.provider_id:
        conditions.append(Activity.provider_id == filters.provider_id)
    if filters.credit_type:
        conditions.append(Completion.credit_type_code == filters.credit_type)
    if filters.topic:
        conditions.append(
            Completion.activity_id.in_(
                sa.select(activity_topics.c.activity_id).where(
                    activity_topics.c.topic_code == filters.topic
                )
            )
        )
    if filters.search:
        text = filters.search.lower()
        conditions.append(
            sa.or_(
                sa.func.lower(Activity.title).contains(text, autoescape=True),
                sa.func.lower(Activity.activity_code).contains(text, autoescape=True),
            )
        )
    return conditions


def _row_query(conditions: list) -> sa.Select:
    return (
        sa.select(
            Completion.id,
            Completion.completed_on,
            Completion.credits,
            Completion.reported_at,
            Activity.id.label("activity_id"),
            Activity.title,
            Activity.activity_code,
            Provider.name.label("provider_name"),
            CreditType.name.label("credit_type"),
        )
        .join(Activity, Completion.activity_id == Activity.id)
        .join(Provider, Activity.provider_id == Provider.id)
        .join(CreditType, Completion.credit_type_code == CreditType.code)
        .where(*conditions)
    )


def _topics_of(session: Session, activity_ids: set[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = defaultdict(list)
    if activity_ids:
        for activity_id, name in session.execute(
            sa.select(activity_topics.c.activity_id, Topic.name)
            .join(Topic, Topic.code == activity_topics.c.topic_code)
            .where(activity_topics.c.activity_id.in_(activity_ids))
            .order_by(Topic.name)
        ):
            found[activity_id].append(name)
    return {key: tuple(names) for key, names in found.items()}


def _flags_of(session: Session, completion_ids: list[int]) -> dict[int, OpenFlag]:
    if not completion_ids:
        return {}
    return {
        row.completion_id: OpenFlag(row.id, DISCREPANCY_KINDS[row.kind], row.status)
        for row in session.execute(
            sa.select(
                Discrepancy.id, Discrepancy.completion_id, Discrepancy.kind, Discrepancy.status
            ).where(
                Discrepancy.completion_id.in_(completion_ids),
                Discrepancy.status.in_(OPEN_STATUSES),
            )
        )
    }


def _rows(session: Session, results) -> list[TranscriptRow]:
    results = list(results)
    topics = _topics_of(session, {r.activity_id for r in results})
    flags = _flags_of(session, [r.id for r in results])
    return [
        TranscriptRow(
            completion_id=r.id,
            completed_on=r.completed_on,
            activity_id=r.activity_id,
            activity_title=r.title,
            activity_code=r.activity_code,
            provider_name=r.provider_name,
            credits=r.credits,
            credit_type=r.credit_type,
            reported_at=r.reported_at,
            topics=topics.get(r.activity_id, ()),
            flag=flags.get(r.id),
        )
        for r in results
    ]


def transcript_by_date(
    session: Session, licensee_id: int, expires_on: date, filters: TranscriptFilters
) -> Page:
    """One page of completions, newest first."""
    query = _row_query(_conditions(licensee_id, filters, expires_on))
    page, total = page_bounds(session, query, filters.page)
    results = session.execute(
        query.order_by(Completion.completed_on.desc(), Completion.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return Page(_rows(session, results), page, total)


def transcript_rows(
    session: Session, licensee_id: int, expires_on: date, filters: TranscriptFilters
) -> list[TranscriptRow]:
    """Every completion of the filtered set, oldest first (for the PDF: not paged)."""
    query = _row_query(_conditions(licensee_id, filters, expires_on))
    return _rows(session, session.execute(query.order_by(Completion.completed_on, Completion.id)))


def transcript_by_activity(
    session: Session, licensee_id: int, expires_on: date, filters: TranscriptFilters
) -> Page:
    """One page of activities (most recent completion first), each with its completions."""
    conditions = _conditions(licensee_id, filters, expires_on)
    groups = (
        sa.select(
            Activity.id,
            sa.func.max(Completion.completed_on).label("last_on"),
            sa.func.min(Completion.completed_on).label("first_on"),
        )
        .select_from(Completion)
        .join(Activity, Completion.activity_id == Activity.id)
        .where(*conditions)
        .group_by(Activity.id)
    )
    page, total = page_bounds(session, groups, filters.page)
    heads = session.execute(
        groups.order_by(sa.desc("last_on"), Activity.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    ids = [head.id for head in heads]
    rows = _rows(
        session,
        session.execute(
            _row_query([*conditions, Activity.id.in_(ids)]).order_by(
                Completion.completed_on.desc(), Completion.id.desc()
            )
        )
        if ids
        else [],
    )
    by_activity: dict[int, list[TranscriptRow]] = defaultdict(list)
    for row in rows:
        by_activity[row.activity_id].append(row)
    items = []
    for head in heads:
        members = by_activity[head.id]
        first = members[0]
        items.append(
            ActivityGroup(
                activity_id=head.id,
                activity_title=first.activity_title,
                activity_code=first.activity_code,
                provider_name=first.provider_name,
                credits=sum((m.credits for m in members), Decimal(0)),
                first_on=head.first_on,
                last_on=head.last_on,
                rows=tuple(members),
                topics=first.topics,
            )
        )
    return Page(items, page, total)


def transcript_totals(
    session: Session, licensee_id: int, expires_on: date, filters: TranscriptFilters
) -> Totals:
    """Count and credits of the whole filtered set (every page), by credit type and topic."""
    conditions = _conditions(licensee_id, filters, expires_on)
    base = (
        sa.select(
            sa.type_coerce(Completion.credits, sa.Integer).label("hundredths"),
            Completion.credit_type_code,
            Completion.activity_id,
        )
        .join(Activity, Completion.activity_id == Activity.id)
        .where(*conditions)
        .subquery()
    )
    count, credits = session.execute(
        sa.select(sa.func.count(), sa.func.sum(base.c.hundredths))
    ).one()
    by_type = session.execute(
        sa.select(CreditType.name, sa.func.sum(base.c.hundredths))
        .select_from(base)
        .join(CreditType, CreditType.code == base.c.credit_type_code)
        .group_by(CreditType.name)
        .order_by(CreditType.name)
    ).all()
    by_topic = session.execute(
        sa.select(Topic.name, sa.func.sum(base.c.hundredths))
        .select_from(base)
        .join(activity_topics, activity_topics.c.activity_id == base.c.activity_id)
        .join(Topic, Topic.code == activity_topics.c.topic_code)
        .group_by(Topic.name)
        .order_by(Topic.name)
    ).all()
    return Totals(
        count=count,
        credits=_hundredths(credits),
        by_credit_type=[(name, _hundredths(total)) for name, total in by_type],
        by_topic=[(name, _hundredths(total)) for name, total in by_topic],
    )


def _hundredths(value: int | None) -> Decimal:
    """A raw SUM of the integer column, back to exact decimal hours."""
    return Decimal(int(value or 0)) / 100


def providers_reporting_for(session: Session, licensee_id: int) -> list[tuple[str, str]]:
    """Providers with at least one live completion for the licence (filter choices)."""
    return [
        (str(provider_id), name)
        for provider_id, name in session.execute(
            sa.select(Provider.id, Provider.name)
            .where(
                Provider.id.in_(
                    sa.select(Activity.provider_id)
                    .join(Completion, Completion.activity_id == Activity.id)
                    .where(Completion.licensee_id == licensee_id, Completion.deleted_at.is_(None))
                )
            )
            .order_by(Provider.name)
        )
    ]


def completion_for_physician(session: Session, user_id: int, completion_id: int) -> Completion:
    """A live completion matched to one of the user's linked licences."""
    completion = session.get(Completion, completion_id)
    if completion is None or completion.deleted_at is not None:
        raise NotFound("No such record.")
    owned = session.scalar(
        sa.select(LicenseLink.id).where(
            LicenseLink.user_id == user_id, LicenseLink.licensee_id == completion.licensee_id
        )
    )
    if completion.licensee_id is None or owned is None:
        raise Forbidden("This record is not on one of your licences.")
    return completion


# Self-reported credit -------------------------------------------------------------------


def self_reported_credits(
    session: Session, user_id: int, expires_on: date | None, filters: TranscriptFilters
) -> list[SelfReportedCredit]:
    """The user's live self-reported credit within the same filters (not paged: a
    physician has a handful). A provider filter hides it: no provider reported it."""
    if filters.provider_id:
        return []
    query = sa.select(SelfReportedCredit).where(
        SelfReportedCredit.user_id == user_id, SelfReportedCredit.withdrawn_at.is_(None)
    )
    starts_on, ends_on = (
        filters.date_range(expires_on) if expires_on else (filters.date_from, filters.date_to)
    )
    if starts_on:
        query = query.where(SelfReportedCredit.completed_on >= starts_on)
    if ends_on:
        query = query.where(SelfReportedCredit.completed_on <= ends_on)
    if filters.credit_type:
        query = query.where(SelfReportedCredit.credit_type_code == filters.credit_type)
    if filters.topic:
        query = query.where(
            SelfReportedCredit.id.in_(
                sa.select(self_reported_topics.c.self_reported_credit_id).where(
                    self_reported_topics.c.topic_code == filters.topic
                )
            )
        )
    if filters.search:
        query = query.where(
            sa.func.lower(SelfReportedCredit.title).contains(
                filters.search.lower(), autoescape=True
            )
        )
    return list(
        session.scalars(
            query.order_by(SelfReportedCredit.completed_on.desc(), SelfReportedCredit.id.desc())
        )
    )


def self_reported_credit_for(session: Session, user_id: int, credit_id: int) -> SelfReportedCredit:
    credit = session.get(SelfReportedCredit, credit_id)
    if credit is None:
        raise NotFound("No such self-reported credit.")
    if credit.user_id != user_id:
        raise Forbidden("This is another physician's record.")
    return credit


def credit_type_options(session: Session) -> list[tuple[str, str]]:
    """Every credit type, self-reported included (the provider's list leaves it out)."""
    return [
        (c.code, c.name) for c in session.scalars(sa.select(CreditType).order_by(CreditType.name))
    ]
