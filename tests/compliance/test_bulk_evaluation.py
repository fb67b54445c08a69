"""The audit's bulk path (measures summed in SQL) must agree with the drill-down's path
(the engine walking single completions) for every rule of every board."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from passport.audit.worklist import AuditFilters, all_rows
from passport.compliance.evaluation import evaluate_licensees, facts_of, measure_totals
from passport.db import utcnow
from passport.models import Board, Licensee, Topic
from passport.requirements.engine import evaluate_totals, measures_of
from passport.requirements.rules import requirement_set_for
from tests import factories

TOPIC_SETS = (
    (),
    ("pain_eol",),
    ("geriatrics",),
    ("practice_management",),
    ("teaching", "ethics"),
    ("substance_use",),
    ("human_trafficking",),
    ("medical_errors", "domestic_violence"),
)
CREDIT_TYPES = ("AMA_PRA_1", "AAFP_PRESCRIBED", "AOA_1A", "AOA_1B", "ABMS_MOC")
EXPIRIES = (date(2028, 2, 29), date(2027, 6, 30), date(2026, 12, 31))


def _board(db_session, code: str) -> Board:
    found = factories.board(code)
    if found is None:  # the Texas and Florida sets have no board row in the demo install
        found = Board(
            code=code, name=code, state=code[:2], license_pattern=r"^\w+$", license_example="X1"
        )
        db_session.add(found)
        db_session.commit()
    return found


def _scatter(db_session, board: Board, seed: int) -> list[Licensee]:
    """Licensees with credit spread over their windows: before first licensure, earlier
    cycles, the previous cycle, the current one's first and last days, after expiry."""
    rng = random.Random(seed)
    activities = []
    for topics in TOPIC_SETS * 2:  # a learner completes an activity once: enough to pick from
        activity = factories.ActivityFactory(starts_on=date(2015, 1, 1), max_credits=Decimal(60))
        activity.topics = [db_session.get(Topic, code) for code in topics]
        activities.append(activity)
    db_session.commit()
    licensees = []
    for n in range(6):
        expires_on = EXPIRIES[n % len(EXPIRIES)]
        licensee = factories.LicenseeFactory(
            board=board,
            license_number=f"X{seed}{n:03d}",
            expires_on=expires_on,
            first_issued_on=expires_on - timedelta(days=(200, 900, 3000, 5000)[n % 4]),
            specialty=("Internal Medicine", "Radiology", "Family Medicine")[n % 3],
            attests_geriatric_patients=n % 2 == 0,
            cme_waiver_on_file=n == 5,
        )
        cycle_start = expires_on - timedelta(days=730)
        days = [cycle_start, expires_on, expires_on + timedelta(days=3)]
        days += [expires_on - timedelta(days=rng.randrange(0, 3000)) for _ in range(9)]
        for day, activity in zip(days, rng.sample(activities, len(days)), strict=True):
            completion = factories.CompletionFactory(
                activity=activity,
                licensee=licensee,
                completed_on=day,
                credits=Decimal(rng.randrange(0, 60)) / 4,
                credit_type_code=rng.choice(CREDIT_TYPES),
            )
            if rng.random() < 0.1:
                completion.deleted_at = utcnow()
        user = factories.LicenseLinkFactory(licensee=licensee).user
        factories.SelfReportedCreditFactory(
            user=user, completed_on=expires_on - timedelta(days=100), credits=Decimal(30)
        )
        licensees.append(licensee)
    db_session.commit()
    return licensees


def _rules(evaluation):
    return [(r.rule_id, r.required, r.earned, r.status, r.note) for r in evaluation.rules]


@pytest.mark.parametrize("code", ["CA-MBC", "CA-OMBC", "TX-TMB", "FL-BOM"])
def test_sums_in_sql_give_the_same_evaluation_as_single_completions(db_session, code):
    board = _board(db_session, code)
    licensees = _scatter(db_session, board, seed=len(code))
    rs = requirement_set_for(code)
    selection = sa.select(Licensee.id, Licensee.expires_on).where(Licensee.board_id == board.id)
    totals = measure_totals(db_session, rs, selection.subquery())
    assert set(totals) == {licensee.id for licensee in licensees}
    assert all(set(values) == set(measures_of(rs)) for values in totals.values())
    for item in evaluate_licensees(db_session, licensees, individual=True):
        from_sums = evaluate_totals(rs, facts_of(item.licensee), totals[item.licensee.id])
        assert _rules(from_sums) == _rules(item.evaluation), item.licensee.license_number
        assert from_sums.status == item.evaluation.status


def test_the_worklist_agrees_with_the_drill_down(db_session):
    board = factories.board("CA-MBC")
    licensees = _scatter(db_session, board, seed=11)
    rows = all_rows(db_session, board.id, AuditFilters(date(2026, 1, 1), date(2028, 12, 31)))
    by_id = {row.licensee.id: row for row in rows}
    for item in evaluate_licensees(db_session, licensees, individual=True):
        row = by_id[item.licensee.id]
        assert (row.status, row.hours_required, row.hours_earned) == (
            item.evaluation.status,
            item.evaluation.hours_required,
            item.evaluation.hours_earned,
        )
