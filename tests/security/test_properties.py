"""Property-based tests (Hypothesis): the parsers, validators and requirement engine hold
their promises for any input, not only the cases someone thought of. Hostile text
(right-to-left marks, combining accents, emoji, NUL, very long strings) is in every
strategy: the answer is always a value or a clear refusal, never a crash."""

from __future__ import annotations

import calendar
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from passport.reporting.parsers import FileRefused, read_csv, read_xml
from passport.reporting.records import Field, RawRecord
from passport.reporting.validation import (
    RowError,
    ValidRecord,
    parse_credits,
    parse_date,
    parse_dob,
    validate_record,
)
from passport.requirements.engine import (
    FAILING,
    OVERALL_LABELS,
    RULE_LABELS,
    Credit,
    LicenseeFacts,
    evaluate,
)
from passport.requirements.rules import requirement_sets
from passport.roster.identifiers import (
    name_key,
    normalise_license_number,
    npi_check_digit,
    npi_is_valid,
)
from tests.reporting.test_validation import CONTEXT

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HOSTILE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
) | st.sampled_from(
    [
        "\u202eA12345",  # right-to-left override
        "Zoe\u0301 \u0627\u0644\u0639\u0631\u0628\u064a\u0629",  # combining mark, Arabic
        "\U0001f489\U0001f3e5",  # emoji
        "<script>alert(1)</script>",
        '=HYPERLINK("http://evil.example")',
        "x" * 5000,
        "\x00",
    ]
)


# Dates and date of birth.


@PROPERTY_SETTINGS
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_come_back_from_every_format_people_type(day):
    for text in (day.strftime("%m/%d/%Y"), day.isoformat(), f" {day.month}/{day.day}/{day.year} "):
        assert parse_date(text) == day


@PROPERTY_SETTINGS
@given(HOSTILE_TEXT)
def test_any_text_is_a_date_or_none(text):
    assert parse_date(text) is None or isinstance(parse_date(text), date)


@PROPERTY_SETTINGS
@given(st.integers(1, 12), st.integers(1, 31))
def test_a_dob_is_accepted_exactly_when_it_is_a_calendar_day(month, day):
    real = day <= calendar.monthrange(2000, month)[1]  # 2000 is a leap year: 02/29 counts
    for text in (f"{month:02d}/{day:02d}", f"{month}-{day}", f"{month}/{day}/1970"):
        expected = (
            (month, day)
            if real and not (text.endswith("1970") and (month, day) == (2, 29))
            else None
        )
        if text.endswith("/1970"):
            continue  # a full date carries a year; covered by parse_date
        assert parse_dob(text) == expected


@PROPERTY_SETTINGS
@given(HOSTILE_TEXT)
def test_any_text_is_a_real_dob_or_none(text):
    result = parse_dob(text)
    if result is not None:
        month, day = result
        assert 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]


@PROPERTY_SETTINGS
@given(HOSTILE_TEXT | st.floats(allow_nan=True, allow_infinity=True) | st.integers())
def test_credits_are_a_finite_decimal_or_none(value):
    result = parse_credits(value)
    assert result is None or (isinstance(result, Decimal) and result.is_finite())


# Identifiers and names.


@PROPERTY_SETTINGS
@given(HOSTILE_TEXT)
def test_licence_normalisation_is_idempotent_and_drops_spaces_and_dashes(text):
    once = normalise_license_number(text)
    assert normalise_license_number(once) == once
    assert not any(ch.isspace() or ch == "-" for ch in once)


@PROPERTY_SETTINGS
@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(1, 9))
def test_an_npi_is_valid_only_with_its_own_check_digit(first_nine, shift):
    digit = npi_check_digit(first_nine)
    assert npi_is_valid(f"{first_nine}{digit}")
    assert not npi_is_valid(f"{first_nine}{(digit + shift) % 10}")


NAMES = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=30)


@PROPERTY_SETTINGS
@given(NAMES, NAMES)
@example("Zoë", "O'Brien")
@example("ß", "a")  # found by Hypothesis: "SS" and "ß" must agree (casefold, not lower)
@example("Yıldız", "a")  # found by Hypothesis: Turkish dotless i, as "YILDIZ" shows it
def test_name_matching_forgives_case_accents_spacing_and_suffixes(first, last):
    key = name_key(f"{first} {last}")
    decomposed = unicodedata.normalize("NFD", f"{first} {last}")
    assert name_key(decomposed) == key
    assert name_key(f"  {first.upper()}   {last.lower()} ") == name_key(f"{first} {last}".lower())
    if key:
        assert name_key(f"{first} {last}, Jr.") == key


@PROPERTY_SETTINGS
@given(HOSTILE_TEXT)
def test_any_name_folds_to_letters_only(text):
    key = name_key(text)
    assert all(ch.isalpha() for ch in key)
    assert name_key(key) == key  # folding twice changes nothing


# The record validator: any values at all give a valid record or errors naming fields.

RECORDS = st.fixed_dictionaries({}, optional={field: HOSTILE_TEXT for field in Field})


@PROPERTY_SETTINGS
@given(RECORDS)
def test_any_record_is_valid_or_rejected_with_named_fields(values):
    result = validate_record(RawRecord(2, values), CONTEXT)
    if isinstance(result, list):
        assert result, "a rejected record says why"
        for error in result:
            assert isinstance(error, RowError) and isinstance(error.field, Field)
            assert error.message.strip()
    else:
        assert isinstance(result, ValidRecord)


# File parsers: any bytes give records or a clear refusal.


@PROPERTY_SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_as_xml_are_refused_cleanly(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("xml") / "batch.xml"
    path.write_bytes(content)
    try:
        list(read_xml(path))
    except FileRefused as refused:
        assert str(refused)


@PROPERTY_SETTINGS
@given(st.binary(max_size=2000) | HOSTILE_TEXT.map(str.encode))
@example(b"\x80")  # found by Hypothesis: a short file that is not UTF-8 crashed the reader
def test_any_bytes_as_csv_give_records_or_a_clear_refusal(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("csv") / "batch.csv"
    path.write_bytes(content)
    try:
        records = list(read_csv(path))
    except FileRefused as refused:
        assert str(refused)
    else:
        assert all(isinstance(record, RawRecord) for record in records)


# The requirement engine.

SETS = requirement_sets()
EXPIRES = date(2028, 6, 30)
CREDIT_TYPES = sorted({"AMA_PRA_1", "AAFP_PRESCRIBED", "AOA_1A", "AOA_1B", "ABMS_MOC", "OTHER"})
TOPICS = sorted(
    {
        "pain_eol",
        "geriatrics",
        "ethics",
        "pain_opioids",
        "human_trafficking",
        "medical_errors",
        "domestic_violence",
        "practice_management",
        "teaching",
        "substance_use",
    }
)
CREDITS = st.builds(
    lambda days, quarters, credit_type, topics, self_reported: Credit(
        EXPIRES - timedelta(days=days),
        Decimal(quarters) / 4,
        credit_type,
        frozenset(topics),
        self_reported,
    ),
    st.integers(-30, 365 * 7),
    st.integers(1, 80),
    st.sampled_from(CREDIT_TYPES),
    st.sets(st.sampled_from(TOPICS), max_size=3),
    st.booleans(),
)
FACTS = st.builds(
    LicenseeFacts,
    first_issued_on=st.dates(date(1980, 1, 1), date(2028, 6, 1)),
    expires_on=st.just(EXPIRES),
    specialty=st.sampled_from([None, "Family Medicine", "Internal Medicine", "Pathology"]),
    attests_geriatric_patients=st.booleans(),
    cme_waiver_on_file=st.booleans(),
)


def _summary(evaluation):
    return evaluation.status, [
        (rule.rule_id, rule.required, rule.earned, rule.status, sorted(map(repr, rule.counted)))
        for rule in evaluation.rules
    ]


@PROPERTY_SETTINGS
@given(st.sampled_from(sorted(SETS)), FACTS, st.lists(CREDITS, max_size=25), CREDITS)
def test_the_engine_is_total_consistent_and_monotonic(board, facts, credits, extra):
    rs = SETS[board]
    result = evaluate(rs, facts, credits)
    assert result.status in OVERALL_LABELS
    for rule in result.rules:
        assert rule.earned >= 0 and rule.required >= 0
        assert rule.status in RULE_LABELS
        if rule.status in FAILING:
            assert rule.shortfall == rule.required - rule.earned > 0
        assert 0 <= rule.percent <= 100
    if any(rule.status in FAILING for rule in result.rules) and not facts.cme_waiver_on_file:
        assert result.status in {"short", "no cycle credit", "no credit", "exempt"}
    if result.status in ("meets", "exempt"):
        assert all(rule.status not in FAILING for rule in result.rules)
    if result.status == "exempt":
        assert {rule.status for rule in result.rules} <= {"exempt"}
    # The order credits arrive in changes nothing (but the order of the counted list).
    assert _summary(evaluate(rs, facts, list(reversed(credits)))) == _summary(result)
    # One more credit never lowers the hours earned toward the cycle's total.
    more = evaluate(rs, facts, [*credits, extra])
    if result.rules and more.rules:
        assert more.rules[0].earned >= result.rules[0].earned


def test_names_in_other_scripts_do_not_fold_to_nothing():
    """Before Hypothesis looked, every Cyrillic or Greek surname folded to an empty key,
    so any two of them "agreed" when a licence number matched."""
    assert name_key("Иванов") != name_key("Петров")
    assert name_key("Παπαδόπουλος") == name_key("ΠΑΠΑΔΟΠΟΥΛΟΣ")
