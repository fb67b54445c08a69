"""Feeding the requirement engine from the database, in bulk.

Two ways, never a query per licensee:

- ``evaluate_licensees`` reads the credits of a few licensees (a drill-down, a
  physician's transcript) so each rule can list the completions that counted;
- ``measure_totals`` sums, in one grouped query, every measure the board's rules ask for
  (``engine.measures_of``) for every licensee of a roster selection: one row per
  licensee, whatever the number of completions. The audit worklist evaluates from those.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.bulk import keys_in, stage_keys
from passport.compliance.on_file import satisfied_rules
from passport.reporting.models import Completion, activity_topics
from passport.requirements.engine import (
    Credit,
    CreditTally,
    Evaluation,
    LicenseeFacts,
    Measure,
    evaluate,
    measures_of,
    window_of,
)
from passport.requirements.rules import RequirementSet
from passport.roster.models import Licensee, LicenseLink
from passport.roster.requirement_sets import requirement_set_of
from passport.transcripts.models import SelfReportedCredit, self_reported_topics


@dataclass(frozen=True)
class LicenseeEvaluation:
    licensee: Licensee
    evaluation: Evaluation | None  # None: the board has no requirement set yet


def facts_of(licensee: Licensee, satisfied: frozenset[str] = frozenset()) -> LicenseeFacts:
    return LicenseeFacts(
        first_issued_on=licensee.first_issued_on,
        expires_on=licensee.expires_on,
        specialty=licensee.specialty,
        attests_geriatric_patients=licensee.attests_geriatric_patients,
        cme_waiver_on_file=licensee.cme_waiver_on_file,
        satisfied_on_file=satisfied,
    )


def _topics_by_activity(session: Session, activity_ids: set[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if activity_ids:
        for activity_id, topic in session.execute(
            sa.select(activity_topics.c.activity_id, activity_topics.c.topic_code).where(
                keys_in(
                    session, activity_topics.c.activity_id, activity_ids, "passport_eval_activities"
                )
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
    # A few licensees (a page's): an IN list, read by the (licensee, completed_on) index on
    # both databases. A staged-key join here made SQLite scan every completion and probe
    # the staged table for each (165 ms for one licensee among 30,000 completions).
    wanted = keys_in(session, Completion.licensee_id, licensee_ids, "passport_eval_licensees")
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
    rows = session.execute(query.where(wanted, Completion.deleted_at.is_(None))).all()
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
    _add_self_reported(
        session,
        keys_in(session, LicenseLink.licensee_id, licensee_ids, "passport_eval_links"),
        credits,
    )
    return credits


def _add_self_reported(
    session: Session, linked: sa.ColumnElement[bool], credits: dict[int, list[Credit]]
) -> None:
    """Append the self-reported credit of the licensees that ``linked`` (a condition on
    ``LicenseLink.licensee_id``) selects."""
    rows = session.execute(
        sa.select(
            LicenseLink.licensee_id,
            SelfReportedCredit.id,
            SelfReportedCredit.completed_on,
            SelfReportedCredit.credits,
            SelfReportedCredit.credit_type_code,
        )
        .join(LicenseLink, LicenseLink.user_id == SelfReportedCredit.user_id)
        .where(linked, SelfReportedCredit.withdrawn_at.is_(None))
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
    ids = [lic.id for lic in licensees]
    credits = credits_of(session, ids, individual=individual)
    on_file = satisfied_rules(session, ids)
    results = []
    for licensee in licensees:
        # The board is loaded with the licensee (a joined relationship): no query of its own;
        # its administrator's correction of when reporting began is folded in.
        requirement_set = requirement_set_of(licensee.board)
        facts = facts_of(licensee, on_file.get(licensee.id, frozenset()))
        evaluation = (
            evaluate(requirement_set, facts, credits.get(licensee.id, []))
            if requirement_set
            else None
        )
        results.append(LicenseeEvaluation(licensee, evaluation))
    return results


def _windows(session: Session, windows: list[str], months: int, licensees):
    """The dates of each window for every expiry date among ``licensees`` (a few hundred
    rows however large the roster), so SQL can place each completion in its windows.

    PostgreSQL gets them as a VALUES list: it will not run a query in parallel once it
    reads a temporary table. SQLite (never parallel) cannot name VALUES columns, so it
    gets a temporary table."""
    expiry_dates = session.scalars(sa.select(licensees.c.expires_on).distinct()).all()
    rows = []
    for expires_on in expiry_dates:
        row = [expires_on]
        for window in windows:
            dates = window_of(window, expires_on, months)
            row += [dates.starts_on, dates.ends_on]
        rows.append(tuple(row))
    names = ["expires_on"] + [f"{edge}{i}" for i in range(len(windows)) for edge in "se"]
    if session.get_bind().dialect.name == "postgresql" and rows:
        return sa.values(*(sa.column(name, sa.Date) for name in names), name="windows").data(rows)
    return stage_keys(
        session,
        [tuple(day.isoformat() for day in row) for row in rows],
        f"passport_audit_windows_{len(windows)}",
        ", ".join(f"{name} DATE" for name in names),
    )


def _topic_flags(topic_sets: list[frozenset[str]]):
    """Per activity, 1 in column ``t<k>`` if it has any topic of ``topic_sets[k]``."""
    topic = activity_topics.c.topic_code
    return (
        sa.select(
            activity_topics.c.activity_id,
            *(
                sa.func.max(sa.case((topic.in_(sorted(topics)), 1), else_=0)).label(f"t{k}")
                for k, topics in enumerate(topic_sets)
            ),
        )
        .where(topic.in_(sorted(set().union(*topic_sets))))
        .group_by(activity_topics.c.activity_id)
        .subquery("topic_flags")
    )


@lru_cache(maxsize=65536)
def _hours(hundredths: int) -> Decimal:
    """A SUM of integer hundredths as exact hours (few distinct values: cached)."""
    return Decimal(hundredths) / 100


def measure_totals(
    session: Session, rs: RequirementSet, licensees
) -> dict[int, dict[Measure, Decimal]]:
    """Every measure of ``rs`` summed for every licensee in ``licensees`` (a selectable with
    ``id`` and ``expires_on``), reported and self-reported credit together. Licensees
    without credit are absent."""
    measures = measures_of(rs)
    windows = list(dict.fromkeys(measure.window for measure in measures))
    topic_sets = list(dict.fromkeys(measure.topics for measure in measures if measure.topics))
    dates = _windows(session, windows, rs.cycle_months, licensees)
    flags = _topic_flags(topic_sets) if topic_sets else None
    hundredths = sa.type_coerce(Completion.credits, sa.Integer)
    sums = []
    for i, measure in enumerate(measures):
        slot = windows.index(measure.window)
        conditions = [
            Completion.completed_on >= dates.c[f"s{slot}"],
            Completion.completed_on <= dates.c[f"e{slot}"],
        ]
        if measure.credit_types:
            conditions.append(Completion.credit_type_code.in_(sorted(measure.credit_types)))
        if measure.topics:
            conditions.append(flags.c[f"t{topic_sets.index(measure.topics)}"] == 1)
        counted = hundredths if measure.unit == "hours" else sa.literal(100)
        sums.append(sa.func.sum(sa.case((sa.and_(*conditions), counted), else_=0)).label(f"m{i}"))
    # Licensees first, grouped by their id: the database walks the selection and reads each
    # one's completions by index, instead of scanning every completion of the board.
    query = (
        sa.select(licensees.c.id, *sums)
        .select_from(licensees)
        .join(dates, dates.c.expires_on == licensees.c.expires_on)
        .join(Completion, Completion.licensee_id == licensees.c.id)
        .where(Completion.deleted_at.is_(None))
        .group_by(licensees.c.id)
    )
    if flags is not None:
        query = query.outerjoin(flags, flags.c.activity_id == Completion.activity_id)
    if session.get_bind().dialect.name == "postgresql":
        # One hash table of 150,000 groups: with the default 4 MB it would sort on disk.
        session.execute(sa.text("SET LOCAL work_mem = '128MB'"))
    totals: dict[int, dict[Measure, Decimal]] = {
        row[0]: dict(zip(measures, map(_hours, row[1:]), strict=True))
        for row in session.execute(query)
    }
    if rs.accepts_self_reported:
        _add_self_reported_totals(session, rs, licensees, measures, totals)
    return totals


def _add_self_reported_totals(session, rs, licensees, measures, totals) -> None:
    credits: dict[int, list[Credit]] = defaultdict(list)
    _add_self_reported(session, LicenseLink.licensee_id.in_(sa.select(licensees.c.id)), credits)
    if not credits:
        return
    expiry = dict(
        session.execute(
            sa.select(licensees.c.id, licensees.c.expires_on).where(
                licensees.c.id.in_(list(credits))
            )
        ).all()
    )
    for licensee_id, own in credits.items():
        tally = CreditTally(own, expiry[licensee_id], rs.cycle_months)
        values = totals.setdefault(licensee_id, {})
        for measure in measures:
            values[measure] = values.get(measure, Decimal(0)) + tally.value(measure)
