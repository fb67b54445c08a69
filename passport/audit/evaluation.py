"""Feeding the requirement engine from the database, in bulk.

One query reads the credits of every licensee in a set (grouped in SQL by licensee, day,
credit type and activity), one reads activity topics, one reads self-reported credit of
the physicians who linked those licences; the engine then evaluates each licensee in
memory. Never a query per licensee.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.bulk import stage_keys
from passport.reporting.models import Completion, activity_topics
from passport.requirements.engine import Credit, Evaluation, LicenseeFacts, evaluate
from passport.requirements.rules import requirement_set_for
from passport.roster.models import Board, Licensee, LicenseLink
from passport.transcripts.models import SelfReportedCredit, self_reported_topics


@dataclass(frozen=True)
class LicenseeEvaluation:
    licensee: Licensee
    evaluation: Evaluation | None  # None: the board has no requirement set yet


def facts_of(licensee: Licensee) -> LicenseeFacts:
    return LicenseeFacts(
        first_issued_on=licensee.first_issued_on,
        expires_on=licensee.expires_on,
        specialty=licensee.specialty,
        attests_geriatric_patients=licensee.attests_geriatric_patients,
        cme_waiver_on_file=licensee.cme_waiver_on_file,
    )


def _topics_by_activity(session: Session, activity_ids: set[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if activity_ids:
        staged = stage_keys(
            session, [(i,) for i in sorted(activity_ids)], "passport_eval_activities", "id INTEGER"
        )
        for activity_id, topic in session.execute(
            sa.select(activity_topics.c.activity_id, activity_topics.c.topic_code).join(
                staged, staged.c.id == activity_topics.c.activity_id
            )
        ):
            found[activity_id].add(topic)
    return {key: frozenset(value) for key, value in found.items()}


def credits_of(
    session: Session, licensee_ids: list[int], *, individual: bool = False
) -> dict[int, list[Credit]]:
    """Every live matched credit of the licensees, plus their physicians' self-reported
    credit. ``individual`` keeps one ``Credit`` per completion (for explanations)."""
    if not licensee_ids:
        return {}
    staged = stage_keys(
        session, [(i,) for i in sorted(set(licensee_ids))], "passport_eval_licensees", "id INTEGER"
    )
    hundredths = sa.type_coerce(Completion.credits, sa.Integer)
    if individual:
        query = sa.select(
            Completion.licensee_id,
            Completion.completed_on,
            Completion.credit_type_code,
            Completion.activity_id,
            hundredths.label("hundredths"),
            sa.literal(1).label("count"),
            Completion.id.label("completion_id"),
        )
    else:
        query = sa.select(
            Completion.licensee_id,
            Completion.completed_on,
            Completion.credit_type_code,
            Completion.activity_id,
            sa.func.sum(hundredths).label("hundredths"),
            sa.func.count().label("count"),
            sa.null().label("completion_id"),
        ).group_by(
            Completion.licensee_id,
            Completion.completed_on,
            Completion.credit_type_code,
            Completion.activity_id,
        )
    rows = session.execute(
        query.join(staged, staged.c.id == Completion.licensee_id).where(
            Completion.deleted_at.is_(None)
        )
    ).all()
    topics = _topics_by_activity(session, {row.activity_id for row in rows})
    credits: dict[int, list[Credit]] = defaultdict(list)
    for row in rows:
        credits[row.licensee_id].append(
            Credit(
                row.completed_on,
                Decimal(row.hundredths) / 100,
                row.credit_type_code,
                topics.get(row.activity_id, frozenset()),
                completion_id=row.completion_id,
                count=row.count,
            )
        )
    _add_self_reported(session, staged, credits)
    return credits


def _add_self_reported(session: Session, staged, credits: dict[int, list[Credit]]) -> None:
    rows = session.execute(
        sa.select(
            LicenseLink.licensee_id,
            SelfReportedCredit.id,
            SelfReportedCredit.completed_on,
            SelfReportedCredit.credits,
            SelfReportedCredit.credit_type_code,
        )
        .join(LicenseLink, LicenseLink.user_id == SelfReportedCredit.user_id)
        .join(staged, staged.c.id == LicenseLink.licensee_id)
        .where(SelfReportedCredit.withdrawn_at.is_(None))
    ).all()
    if not rows:
        return
    topics: dict[int, set[str]] = defaultdict(set)
    for credit_id, topic in session.execute(
        sa.select(
            self_reported_topics.c.self_reported_credit_id, self_reported_topics.c.topic_code
        ).where(self_reported_topics.c.self_reported_credit_id.in_([row.id for row in rows]))
    ):
        topics[credit_id].add(topic)
    for row in rows:
        credits[row.licensee_id].append(
            Credit(
                row.completed_on,
                row.credits,
                row.credit_type_code,
                frozenset(topics[row.id]),
                self_reported=True,
            )
        )


def evaluate_licensees(
    session: Session, licensees: Iterable[Licensee], *, individual: bool = False
) -> list[LicenseeEvaluation]:
    """Evaluate each licensee against its board's requirement set, in bulk."""
    licensees = list(licensees)
    credits = credits_of(session, [lic.id for lic in licensees], individual=individual)
    board_codes = dict(session.execute(sa.select(Board.id, Board.code)).all())
    results = []
    for licensee in licensees:
        requirement_set = requirement_set_for(board_codes[licensee.board_id])
        evaluation = (
            evaluate(requirement_set, facts_of(licensee), credits.get(licensee.id, []))
            if requirement_set
            else None
        )
        results.append(LicenseeEvaluation(licensee, evaluation))
    return results
