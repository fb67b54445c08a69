"""The engine against hand-worked cases for every rule kind of every board."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from passport.requirements.engine import (
    EXEMPT,
    MET,
    NOT_YET_DUE,
    SHORT,
    Credit,
    LicenseeFacts,
    evaluate,
    renewal_number,
)
from passport.requirements.rules import requirement_set_for

MBC, OMBC, TMB, FBOM = (
    requirement_set_for(code) for code in ("CA-MBC", "CA-OMBC", "TX-TMB", "FL-BOM")
)
EXPIRES = date(2028, 2, 29)  # last day of February in a leap year
FIRST_DAY, LAST_DAY = date(2026, 3, 1), EXPIRES


def facts(**changes) -> LicenseeFacts:
    values = {"first_issued_on": date(2012, 2, 1), "expires_on": EXPIRES} | changes
    return LicenseeFacts(**values)


def credit(hours, on=date(2027, 1, 10), credit_type="AMA_PRA_1", topics=(), **values) -> Credit:
    return Credit(on, Decimal(str(hours)), credit_type, frozenset(topics), **values)


def rule(evaluation, rule_id):
    return next(result for result in evaluation.rules if result.rule_id == rule_id)


# Medical Board of California -------------------------------------------------------------


def test_mbc_fifty_hours_counting_the_first_and_last_day_of_the_cycle():
    credits = [credit(12, FIRST_DAY, topics={"pain_eol"}), credit(38, LAST_DAY)]
    result = evaluate(MBC, facts(), credits)
    assert (result.cycle.starts_on, result.cycle.ends_on) == (FIRST_DAY, LAST_DAY)
    assert rule(result, "total").earned == 50 and result.status == "meets"
    day_before = evaluate(MBC, facts(), [credit(12, FIRST_DAY - timedelta(days=1)), credit(38)])
    assert rule(day_before, "total").earned == 38
    assert rule(day_before, "total").shortfall == 12 and day_before.status == "short"


def test_mbc_accepts_equivalents_but_not_other_credit_types():
    result = evaluate(
        MBC,
        facts(),
        [credit(30, credit_type="AAFP_PRESCRIBED"), credit(20, credit_type="ABMS_MOC")],
    )
    assert rule(result, "total").earned == 30


def test_mbc_first_licence_under_13_months_is_prorated_to_25_hours():
    new = facts(first_issued_on=date(2027, 3, 1))  # 12 months before expiry
    result = evaluate(MBC, new, [credit(25)])
    assert rule(result, "total").required == 25 and rule(result, "total").status == MET
    almost = facts(first_issued_on=date(2027, 2, 28))  # a year and a day: still under 13 months
    assert rule(evaluate(MBC, almost, [credit(25)]), "total").required == 25
    old = facts(first_issued_on=date(2027, 1, 31))  # 13 months
    assert rule(evaluate(MBC, old, [credit(25)]), "total").required == 50


def test_mbc_practice_management_and_teaching_count_for_at_most_30_percent():
    credits = [
        credit(20, topics={"practice_management"}),
        credit(10, topics={"teaching"}),
        credit(30),
    ]
    total = rule(evaluate(MBC, facts(), credits), "total")
    assert total.earned == Decimal(45)  # 30 capped at 15, plus 30
    assert "beyond the 30% cap" in total.note and total.status == SHORT


def test_mbc_pain_management_is_one_time_and_due_by_the_second_renewal_or_four_years():
    # MBC's first license runs to the birth month in the second year after issue (13 to
    # 36 months); here 23.
    first = facts(first_issued_on=date(2025, 3, 15), expires_on=date(2027, 2, 28))
    assert renewal_number(first, 24) == 1
    pain = rule(evaluate(MBC, first, [credit(5, date(2025, 6, 1), topics={"pain_eol"})]), "pain")
    # Due at the second renewal (2029-02-28) or 4 years after licensure (2029-03-15).
    assert pain.due_on == date(2029, 2, 28) and pain.status == NOT_YET_DUE
    second = facts(first_issued_on=date(2025, 3, 15), expires_on=date(2029, 2, 28))
    assert renewal_number(second, 24) == 2
    pain = rule(evaluate(MBC, second, [credit(5, date(2025, 6, 1), topics={"pain_eol"})]), "pain")
    assert pain.status == SHORT and pain.shortfall == 7
    met = rule(
        evaluate(
            MBC,
            second,
            [credit(5, date(2025, 6, 1), topics={"pain_eol"}), credit(7, topics={"pain_eol"})],
        ),
        "pain",
    )
    assert met.status == MET and met.earned == 12  # counted across cycles, once


@pytest.mark.parametrize("specialty", ["Pathology", "Radiology"])
def test_mbc_pathologists_and_radiologists_are_exempt_from_pain_management(specialty):
    result = evaluate(MBC, facts(specialty=specialty), [credit(50)])
    assert rule(result, "pain").status == EXEMPT and result.status == "meets"


def test_mbc_geriatric_share_applies_to_internists_who_attest():
    internist = facts(specialty="Internal Medicine", attests_geriatric_patients=True)
    credits = [credit(12, topics={"pain_eol"}), credit(30), credit(8, topics={"geriatrics"})]
    share = rule(evaluate(MBC, internist, credits), "geriatrics")
    assert (share.required, share.earned, share.status) == (10, 8, SHORT)
    assert (
        rule(evaluate(MBC, facts(specialty="Internal Medicine"), credits), "geriatrics").status
        == EXEMPT
    )
    surgeon = facts(specialty="Surgery", attests_geriatric_patients=True)
    assert rule(evaluate(MBC, surgeon, credits), "geriatrics").status == EXEMPT


def test_mbc_waiver_exempts_the_cycle_and_no_credit_is_its_own_status():
    assert evaluate(MBC, facts(cme_waiver_on_file=True), []).status == "exempt"
    assert evaluate(MBC, facts(), []).status == "no credit"


def test_self_reported_credit_counts_only_where_the_board_accepts_it():
    own = credit(50, credit_type="AMA_PRA_1", self_reported=True)
    assert rule(evaluate(MBC, facts(), [own]), "total").earned == 0
    assert rule(evaluate(TMB, facts(), [own]), "total").earned == 50


# Osteopathic Medical Board of California ----------------------------------------------------


def test_ombc_needs_twenty_aoa_hours_of_fifty():
    result = evaluate(OMBC, facts(), [credit(35), credit(15, credit_type="AOA_1B")])
    assert rule(result, "total").status == MET
    assert (rule(result, "aoa").earned, rule(result, "aoa").status) == (15, SHORT)
    result = evaluate(
        OMBC,
        facts(),
        [credit(30), credit(12, credit_type="AOA_1A"), credit(8, credit_type="AOA_1B")],
    )
    assert result.status == "meets"


# Texas Medical Board -------------------------------------------------------------------------


def _texas_complete():
    return [
        credit(20),
        credit(2, topics={"ethics"}),
        credit(2, topics={"substance_use"}),
        credit(1, topics={"human_trafficking"}),
        credit(23, credit_type="ABMS_MOC"),
    ]


def test_texas_formal_hours_and_topics():
    result = evaluate(TMB, facts(), _texas_complete())
    assert result.status == "meets", [(r.rule_id, r.status) for r in result.rules]
    assert rule(result, "formal").earned == 25
    assert rule(result, "trafficking").unit == "courses" and rule(result, "trafficking").earned == 1
    missing = evaluate(TMB, facts(), _texas_complete()[:-2] + [credit(24, credit_type="ABMS_MOC")])
    assert rule(missing, "trafficking").status == SHORT


def test_texas_carries_up_to_48_excess_hours_forward_one_period_but_never_topic_credit():
    previous = date(2025, 6, 1)
    credits = [credit(100, previous, topics={"ethics"})] + _texas_complete()[:4]
    result = evaluate(TMB, facts(), credits)
    total = rule(result, "total")
    assert total.earned == 25 + 48 and "carried forward" in total.note
    assert rule(result, "ethics").earned == 2  # last period's ethics hours do not carry


def test_texas_first_registration_is_exempt():
    new = facts(first_issued_on=date(2026, 6, 1))
    assert evaluate(TMB, new, []).status == "exempt"


# Florida Board of Medicine -----------------------------------------------------------------


def test_florida_medical_errors_every_renewal_domestic_violence_every_third():
    credits = [credit(36), credit(2, topics={"medical_errors"}), credit(2, topics={"pain_eol"})]
    # First issued 2022-03-01, expiring 2028-02-29: the third renewal.
    third = facts(first_issued_on=date(2022, 3, 1))
    assert renewal_number(third, 24) == 3
    result = evaluate(FBOM, third, credits)
    assert rule(result, "medical_errors").status == MET
    assert rule(result, "domestic_violence").status == SHORT
    earlier = date(2023, 1, 1)  # domestic violence within the last three cycles counts
    result = evaluate(FBOM, third, [*credits, credit(2, earlier, topics={"domestic_violence"})])
    assert rule(result, "domestic_violence").status == MET and result.status == "meets"
    second = facts(first_issued_on=date(2024, 3, 1))
    assert rule(evaluate(FBOM, second, credits), "domestic_violence").status == NOT_YET_DUE


def test_every_result_explains_what_counted():
    credits = [credit(10, topics={"pain_eol"}, completion_id=7)]
    pain = rule(evaluate(MBC, facts(), credits), "pain")
    assert [c.completion_id for c in pain.counted] == [7]
    assert 0 <= pain.percent <= 100
