"""Every validation rule, on the pure validator (no database)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from passport.reporting.models import ConsentBasis
from passport.reporting.records import RawRecord
from passport.reporting.validation import (
    ActivityFacts,
    BoardFacts,
    ValidationContext,
    ValidRecord,
    parse_dob,
    validate_record,
)
from tests.reporting.helpers import row

TODAY = date(2026, 6, 15)
ACTIVITY = ActivityFacts(
    id=1,
    code="ACT-1",
    title="Pain",
    starts_on=date(2026, 1, 1),
    ends_on=date(2026, 12, 31),
    max_credits=Decimal("10"),
    credit_type_codes=frozenset({"AMA_PRA_1"}),
)
CONTEXT = ValidationContext(
    activities={"ACT-1": ACTIVITY},
    boards=(
        BoardFacts(1, "CA-MBC", "CA", re.compile(r"^[ACG]\d{1,6}$"), "A123456"),
        BoardFacts(2, "CA-OMBC", "CA", re.compile(r"^20A\d{1,6}$"), "20A12345"),
    ),
    credit_types={
        "amapra1": "AMA_PRA_1",
        "amapracategory1": "AMA_PRA_1",
        "amapracategory1credit": "AMA_PRA_1",
        "aafpprescribed": "AAFP_PRESCRIBED",
    },
    today=TODAY,
)


def check(context=CONTEXT, **values):
    values.setdefault("completion_date", "06/01/2026")
    return validate_record(RawRecord(2, row(**values)), context)


def errors_of(result) -> dict[str, str]:
    assert not isinstance(result, ValidRecord), "expected errors"
    return {error.field.value: error.message for error in result}


def test_a_valid_record_is_normalised():
    result = check(license_or_npi=" a 12345 ", first_name="  José ", last_name="O'Brien-Smith")
    assert isinstance(result, ValidRecord)
    assert result.identity.license_number == "A12345"
    assert result.identity.board_id == 1
    assert result.identity.first_name == "José"
    assert result.identity.learner_key == "CA:A12345"
    assert result.credits == Decimal("2.50")
    assert result.consent_basis == "year"


def test_every_error_of_a_row_is_reported_at_once():
    result = check(
        activity_id="NOPE",
        completion_date="13/45/2026",
        first_name="",
        date_of_birth="02/30",
        license_or_npi="X99",
        credits="1.3",
    )
    errors = errors_of(result)
    assert set(errors) >= {
        "activity_id",
        "completion_date",
        "first_name",
        "date_of_birth",
        "license_or_npi",
        "credits",
    }


@pytest.mark.parametrize(
    "field",
    [
        "activity_id",
        "first_name",
        "last_name",
        "date_of_birth",
        "license_or_npi",
        "completion_date",
        "credits",
    ],
)
def test_required_fields(field):
    assert field in errors_of(check(**{field: ""}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/12", (4, 12)),
        ("4/1", (4, 1)),
        ("02/29", (2, 29)),
        ("12-31", (12, 31)),
        ("04/12/1970", (4, 12)),
        (date(1970, 4, 12), (4, 12)),
        (datetime(1970, 4, 12), (4, 12)),
        ("02/30", None),
        ("13/01", None),
        ("00/10", None),
        ("04/31", None),
        ("April 12", None),
    ],
)
def test_dob_month_and_day(text, expected):
    assert parse_dob(text) == expected


@pytest.mark.parametrize(
    ("number", "board_id"),
    [
        ("A123456", 1),
        ("c 1234", 1),
        ("G-77", 1),
        ("20A12345", 2),
        ("20a 999", 2),
    ],
)
def test_licence_formats_per_board(number, board_id):
    result = check(license_or_npi=number)
    assert isinstance(result, ValidRecord) and result.identity.board_id == board_id


@pytest.mark.parametrize("number", ["B12345", "A", "12345", "20B123", "A1234567"])
def test_bad_licence_numbers(number):
    assert (
        "not a valid ca licence number"
        in errors_of(check(license_or_npi=number))["license_or_npi"].lower()
    )


def test_npi_with_valid_check_digit():
    result = check(license_or_npi="1234567893", licensing_state="")
    assert isinstance(result, ValidRecord)
    assert result.identity.npi == "1234567893" and result.identity.learner_key == "NPI:1234567893"


def test_npi_with_bad_check_digit():
    assert "check digit" in errors_of(check(license_or_npi="1234567890"))["license_or_npi"]


def test_unknown_state():
    assert "licensing_state" in errors_of(check(licensing_state="TX"))


@pytest.mark.parametrize(
    "value", ["06/01/2026", "2026-06-01", "6/1/2026", date(2026, 6, 1), datetime(2026, 6, 1, 0, 0)]
)
def test_completion_date_forms(value):
    result = check(completion_date=value)
    assert isinstance(result, ValidRecord) and result.completed_on == date(2026, 6, 1)


def test_completion_date_in_the_future():
    tomorrow = (TODAY + timedelta(days=1)).strftime("%m/%d/%Y")
    assert "future" in errors_of(check(completion_date=tomorrow))["completion_date"]


def test_completion_date_outside_the_activity():
    assert (
        "Outside the activity" in errors_of(check(completion_date="12/31/2025"))["completion_date"]
    )


@pytest.mark.parametrize(
    ("credits", "message"),
    [
        ("0", "more than 0"),
        ("-1", "more than 0"),
        ("1.1", "quarter-hour"),
        ("10.25", "maximum"),
        ("abc", "Not a number"),
        ("NaN", "Not a number"),
        # Found by Hypothesis: numbers too large for the quarter-hour test or for rounding
        # to hundredths raised instead of being refused.
        ("1E+30", "More than 10,000 credits"),
        ("9" * 40, "More than 10,000 credits"),
        ("10000.25", "More than 10,000 credits"),
    ],
)
def test_credit_rules(credits, message):
    assert message in errors_of(check(credits=credits))["credits"]


@pytest.mark.parametrize("credits", ["0.25", "1.5", "10", 2.75, 3])
def test_quarter_hour_credits_accepted(credits):
    assert isinstance(check(credits=credits), ValidRecord)


def test_activity_must_belong_to_the_provider():
    assert "belongs to your organisation" in errors_of(check(activity_id="OTHER-9"))["activity_id"]


def test_credit_type_must_be_offered_by_the_activity():
    assert "does not offer" in errors_of(check(credit_type="AAFP Prescribed"))["credit_type"]
    assert "Unknown credit type" in errors_of(check(credit_type="Bogus"))["credit_type"]


def test_permission_must_be_attested():
    assert "permission" in errors_of(check(permission="", permission_scope=""))
    assert "not given permission" in errors_of(check(permission="No"))["permission"]
    attested = dataclasses.replace(CONTEXT, upload_consent=ConsentBasis.UNTIL_WITHDRAWN)
    result = check(attested, permission="", permission_scope="")
    assert isinstance(result, ValidRecord) and result.consent_basis == "until_withdrawn"


@pytest.mark.parametrize(
    "name", ["Zoë", "Mary-Jane", "D'Angelo", "St. John", "Nguyễn", "José María"]
)
def test_names_people_really_have(name):
    assert isinstance(check(first_name=name, last_name=name), ValidRecord)


@pytest.mark.parametrize("name", ["<script>", "12345", "a" * 101, "Bob\x00"])
def test_names_that_are_not_names(name):
    assert "first_name" in errors_of(check(first_name=name))


def test_delete_needs_only_the_learner_and_activity():
    result = check(record_action="Delete", completion_date="", credits="", credit_type="")
    assert isinstance(result, ValidRecord) and result.action == "delete"


def test_unknown_action():
    assert "record_action" in errors_of(check(record_action="Update"))
