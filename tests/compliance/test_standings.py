"""The kept audit standings stay true whatever changes, and only what changed is evaluated
again.

After every kind of change a standing depends on (made through the ORM, as any writer
would, never by calling the refresh's own bookkeeping) the worklist must agree with the
drill-down's evaluation from single completions.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from passport.audit.worklist import AuditFilters, all_rows, worklist
from passport.compliance import standings
from passport.compliance.evaluation import evaluate_licensees
from passport.compliance.models import AuditStanding, StaleStanding
from passport.compliance.standings import refresh_standings
from passport.db import utcnow
from passport.models import Completion, Licensee, Topic
from tests import factories
from tests.compliance.test_bulk_evaluation import _board, _scatter

EVERYONE = AuditFilters(date(1900, 1, 1), date(2200, 1, 1))


def _assert_worklist_agrees_with_drill_down(db_session, board) -> None:
    rows = {row.licensee.id: row for row in all_rows(db_session, board.id, EVERYONE)}
    licensees = db_session.scalars(sa.select(Licensee).where(Licensee.board_id == board.id))
    for item in evaluate_licensees(db_session, licensees, individual=True):
        row = rows[item.licensee.id]
        evaluation = item.evaluation
        assert (row.status, row.hours_required, row.hours_earned) == (
            evaluation.status,
            evaluation.hours_required,
            evaluation.hours_earned,
        ), item.licensee.license_number
        short = tuple(r.label for r in evaluation.failing_rules)
        assert row.short_rules == short


def _fresh(db_session, board) -> None:
    """Bring the board's standings up to date and commit, as the audit page does."""
    refresh_standings(db_session, board.id)
    db_session.commit()


def _mca(db_session):
    board = _board(db_session, "CA-MBC")
    licensees = _scatter(db_session, board, seed=5)
    _fresh(db_session, board)
    return board, licensees


def test_a_refresh_evaluates_only_the_licensees_whose_inputs_changed(db_session):
    board, licensees = _mca(db_session)
    assert refresh_standings(db_session, board.id) == 0
    completion = db_session.scalars(
        sa.select(Completion).where(Completion.licensee_id == licensees[0].id)
    ).first()
    completion.credits += Decimal("0.25")
    db_session.commit()
    assert refresh_standings(db_session, board.id) == 1
    assert refresh_standings(db_session, board.id) == 0


@pytest.mark.parametrize(
    "change",
    [
        "new completion",
        "credits corrected",
        "date corrected",
        "credit type corrected",
        "completion deleted",
        "completion matched to another licensee",
        "expiry renewed",
        "specialty changed",
        "waiver filed",
        "topic added to an activity",
        "topic removed from an activity",
    ],
)
def test_every_change_a_standing_depends_on_reaches_the_worklist(db_session, change):
    board, licensees = _mca(db_session)
    first, second = licensees[0], licensees[1]
    completion = db_session.scalars(
        sa.select(Completion)
        .where(Completion.licensee_id == first.id, Completion.deleted_at.is_(None))
        .order_by(Completion.completed_on.desc())
    ).first()
    before = {row.licensee.id: row for row in all_rows(db_session, board.id, EVERYONE)}
    if change == "new completion":
        factories.CompletionFactory(
            licensee=first,
            activity=factories.ActivityFactory(starts_on=date(2015, 1, 1), max_credits=60),
            completed_on=first.expires_on - timedelta(days=30),
            credits=Decimal(40),
        )
    elif change == "credits corrected":
        completion.credits = Decimal("14.75")
    elif change == "date corrected":
        completion.completed_on = first.expires_on + timedelta(days=400)
    elif change == "credit type corrected":
        completion.credit_type_code = "ABMS_MOC"
    elif change == "completion deleted":
        completion.deleted_at = utcnow()
    elif change == "completion matched to another licensee":
        completion.licensee_id = second.id
    elif change == "expiry renewed":
        first.expires_on = first.expires_on + timedelta(days=730)
    elif change == "specialty changed":
        first.specialty = "Pathology"
    elif change == "waiver filed":
        first.cme_waiver_on_file = not first.cme_waiver_on_file
    elif change == "topic added to an activity":
        completion.activity.topics.append(db_session.get(Topic, "pain_eol"))
    elif change == "topic removed from an activity":
        completion.activity.topics.clear()
    db_session.commit()
    _assert_worklist_agrees_with_drill_down(db_session, board)
    after = {row.licensee.id: row for row in all_rows(db_session, board.id, EVERYONE)}
    changed = {key for key in after if after[key] != before.get(key)}
    shared_activity = db_session.scalars(
        sa.select(Completion.licensee_id).where(Completion.activity_id == completion.activity_id)
    )
    assert changed <= {first.id, second.id, *shared_activity}


def test_self_reported_credit_and_links_reach_a_board_that_counts_them(db_session):
    board = _board(db_session, "TX-TMB")
    licensee = factories.LicenseeFactory(board=board, license_number="TX1001")
    other = factories.LicenseeFactory(board=board, license_number="TX1002")
    _fresh(db_session, board)
    link = factories.LicenseLinkFactory(licensee=licensee)
    credit = factories.SelfReportedCreditFactory(
        user=link.user, completed_on=licensee.expires_on - timedelta(days=40), credits=Decimal(30)
    )
    db_session.commit()
    _assert_worklist_agrees_with_drill_down(db_session, board)
    earned = {row.licensee.id: row.hours_earned for row in all_rows(db_session, board.id, EVERYONE)}
    assert earned[licensee.id] > 0 and earned[other.id] == 0

    credit.credits = Decimal(10)
    db_session.commit()
    _assert_worklist_agrees_with_drill_down(db_session, board)

    credit.topics.append(db_session.get(Topic, "ethics"))
    db_session.commit()
    _assert_worklist_agrees_with_drill_down(db_session, board)

    link.licensee_id = other.id  # the physician linked the wrong licence
    db_session.commit()
    _assert_worklist_agrees_with_drill_down(db_session, board)

    db_session.delete(credit)
    db_session.commit()
    _assert_worklist_agrees_with_drill_down(db_session, board)


def test_a_new_requirement_set_or_engine_evaluates_the_whole_board_again(db_session, monkeypatch):
    board, licensees = _mca(db_session)
    monkeypatch.setattr(standings, "ENGINE_VERSION", standings.ENGINE_VERSION + 1)
    assert refresh_standings(db_session, board.id) == len(licensees)
    assert refresh_standings(db_session, board.id) == 0


def test_new_licensees_get_a_standing_and_notes_stay_with_their_board(db_session):
    california, _ = _mca(db_session)
    osteopathic = _board(db_session, "CA-OMBC")
    _fresh(db_session, osteopathic)
    newcomer = factories.LicenseeFactory(board=california, license_number="A999001")
    db_session.commit()
    assert refresh_standings(db_session, osteopathic.id) == 0  # not its licensee
    assert db_session.scalar(
        sa.select(sa.func.count()).where(StaleStanding.licensee_id == newcomer.id)
    )
    page = worklist(db_session, california.id, EVERYONE)
    assert db_session.get(AuditStanding, newcomer.id).status == "no credit"
    assert page.counts["no credit"] >= 1


def test_a_board_without_a_requirement_set_lists_its_licensees_as_unknown(db_session):
    board = _board(db_session, "ZZ-NONE")
    factories.LicenseeFactory(board=board, license_number="Z1")
    db_session.commit()
    rows = all_rows(db_session, board.id, EVERYONE)
    assert [(row.status, row.status_label) for row in rows] == [("unknown", "No requirement set")]


def test_the_deploy_command_evaluates_what_waits(app, db_session):
    board, licensees = _mca(db_session)
    licensees[0].expires_on += timedelta(days=730)
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["refresh-standings"])
    assert result.exit_code == 0, result.output
    assert "CA-MBC: 1 standings evaluated" in result.output
    assert refresh_standings(db_session, board.id) == 0
