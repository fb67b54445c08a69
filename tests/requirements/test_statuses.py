"""Every status a rule can have, on hand-worked Medical Board of California cases (issue 21).

MBC's records in Passport begin 11/01/2023 (``reporting_began_on`` in ca-mbc.toml). The
one-time pain management rule is due by the second renewal or four years after first
licensure, whichever comes first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from passport.requirements.engine import (
    EXEMPT,
    EXEMPT_OVERALL,
    MEETS,
    MET,
    NO_CREDIT,
    NO_CYCLE_CREDIT,
    NOT_EVIDENCED,
    NOT_YET_DUE,
    ON_FILE,
    OVERDUE,
    SHORT,
    SHORT_OVERALL,
    Credit,
    LicenseeFacts,
    evaluate,
    renewal_number,
)
from passport.requirements.rules import requirement_set_for

MBC = requirement_set_for("CA-MBC")
EXPIRES = date(2027, 4, 30)  # cycle 05/01/2025 - 04/30/2027


def facts(first_issued_on=date(2005, 4, 1), expires_on=EXPIRES, **values) -> LicenseeFacts:
    return LicenseeFacts(first_issued_on, expires_on, **values)


def credit(hours, on=date(2026, 6, 1), topics=()) -> Credit:
    return Credit(on, Decimal(hours), "AMA_PRA_1", frozenset(topics))


def pain(evaluation):
    return next(result for result in evaluation.rules if result.rule_id == "pain")


FIFTY = [credit(50)]


def test_the_reporting_start_is_board_data():
    assert MBC.reporting_began_on == date(2023, 11, 1)


def test_a_course_due_before_reporting_began_is_not_evidenced_and_not_held_against():
    """Licensed 2005: pain management fell due 04/2007 (second renewal), years before any
    provider reported into Passport. It is shown and explained, and the overall status
    comes from the rules that can be judged."""
    result = evaluate(MBC, facts(), FIFTY)
    assert pain(result).status == NOT_EVIDENCED
    assert "11/01/2023" in pain(result).note
    assert result.status == MEETS and result.failing_rules == ()


def test_a_course_that_fell_due_since_reporting_began_before_this_cycle_is_overdue():
    """Licensed 01/10/2021, third renewal 01/31/2027: due 01/10/2025 (four years), after
    reporting began and before this cycle (02/01/2025 - 01/31/2027) began."""
    licensed = facts(first_issued_on=date(2021, 1, 10), expires_on=date(2027, 1, 31))
    result = evaluate(MBC, licensed, FIFTY)
    assert pain(result).due_on == date(2025, 1, 10) and pain(result).status == OVERDUE
    assert result.status == SHORT_OVERALL


def test_a_course_due_in_this_cycle_is_short():
    licensed = facts(first_issued_on=date(2023, 3, 15), expires_on=date(2027, 3, 31))
    result = evaluate(MBC, licensed, FIFTY)
    assert pain(result).due_on == date(2027, 3, 15) and pain(result).status == SHORT
    assert pain(result).shortfall == 12 and result.status == SHORT_OVERALL


def test_a_first_period_longer_than_two_years_is_the_first_renewal():
    """The issue's case: first issued 10/01/2025, expiring 11/30/2027 (25 months)."""
    licensed = facts(first_issued_on=date(2025, 10, 1), expires_on=date(2027, 11, 30))
    assert renewal_number(licensed, 24) == 1
    result = evaluate(MBC, licensed, FIFTY)
    assert pain(result).status == NOT_YET_DUE and pain(result).due_on > date(2027, 11, 30)
    assert result.status == MEETS


def test_met_counts_the_course_from_any_date_since_licensure():
    result = evaluate(MBC, facts(), [*FIFTY, credit(12, date(2024, 1, 5), {"pain_eol"})])
    assert pain(result).status == MET


def test_a_requirement_on_file_is_satisfied():
    licensed = facts(
        first_issued_on=date(2021, 1, 10),
        expires_on=date(2027, 1, 31),
        satisfied_on_file=frozenset({"pain"}),
    )
    result = evaluate(MBC, licensed, FIFTY)
    assert pain(result).status == ON_FILE and result.status == MEETS


def test_a_waiver_makes_every_rule_exempt():
    result = evaluate(MBC, facts(cme_waiver_on_file=True), [])
    assert result.status == EXEMPT_OVERALL
    assert {rule.status for rule in result.rules} == {EXEMPT}
    assert all(rule.shortfall == 0 for rule in result.rules)


def test_no_credit_in_this_cycle_is_told_apart_from_no_reported_credit():
    before_cycle = evaluate(MBC, facts(), [credit(20, date(2024, 3, 1))])
    assert before_cycle.status == NO_CYCLE_CREDIT
    assert before_cycle.label == "No credit in this cycle"
    nothing = evaluate(MBC, facts(), [])
    assert nothing.status == NO_CREDIT and nothing.label == "No reported credit"


def test_hours_in_a_cycle_that_began_before_reporting_say_credit_may_be_missing():
    result = evaluate(MBC, facts(expires_on=date(2025, 4, 30)), [credit(50, date(2024, 6, 1))])
    total = result.rules[0]
    assert total.status == MET and "may be missing" in total.note


def test_self_reported_credit_is_explained_for_mbc():
    assert MBC.accepts_self_reported is False
    assert "does not count self-reported credit" in MBC.self_reported_note
