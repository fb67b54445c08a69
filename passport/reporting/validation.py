"""Validation of learner-completion records: every error of every row at once.

Pure functions over a ``ValidationContext`` (the provider's activities, the boards'
licence formats, credit types, today): no database, no Flask. A record becomes either a
``ValidRecord`` (normalised: licence upper-cased, dates parsed, credits as Decimal) or a
list of ``RowError``s naming the field and the reason in plain words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from passport.reporting.models import ConsentBasis
from passport.reporting.records import Field, RawRecord
from passport.roster.identifiers import normalise_license_number, npi_is_valid

QUARTER = Decimal("0.25")
CREDITS_CEILING = Decimal(10_000)
"""No activity gives more credits than this. It also keeps the arithmetic on credits (the
quarter-hour test, rounding to hundredths) within Decimal's precision and the stored
hundredths within an integer column: ``1E+30`` parses as a number, but is no amount of
credit, and must be refused with a message rather than raise."""
MAX_NAME_LENGTH = 100
_DAYS_IN_MONTH = {
    1: 31,
    2: 29,
    3: 31,
    4: 30,
    5: 31,
    6: 30,
    7: 31,
    8: 31,
    9: 30,
    10: 31,
    11: 30,
    12: 31,
}
_DOB_TEXT = re.compile(r"^\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:\s*[/\-.]\s*\d{2,4})?\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_US_DATE = re.compile(r"^\s*(\d{1,2})[/\-](\d{1,2})[/\-](\d{4})\s*$")
# A full date Excel (or a system) wrote for a birthday: only its month and day are read.
_ISO_DOB = re.compile(r"^\s*\d{4}-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]*)?\s*$")
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:\s*[/\-.]\s*(\d{2,4}))?\s*$")
_EXCEL_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MONTH_NAME = re.compile(
    r"^\s*(?:\d{1,2}[\s\-]*)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"(?:[\s\-]*\d{1,4})?\s*$",
    re.IGNORECASE,
)
EXCEL_EPOCH = date(1899, 12, 30)
# A name is letters (any script, with their combining accents), spaces, hyphens,
# apostrophes and periods: an allowlist, so emoji, symbols, markup and invisible characters
# (zero-width spaces, right-to-left overrides) are all refused.
_ASCII_NAME = re.compile(r"[A-Za-z .'\-]+")
_NAME_PUNCTUATION = frozenset(" .'-\u2019")
_A_LETTER = re.compile(r"[^\W\d_]")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}
_SCOPES = {
    "activity": ConsentBasis.ACTIVITY,
    "thisactivity": ConsentBasis.ACTIVITY,
    "year": ConsentBasis.YEAR,
    "ayear": ConsentBasis.YEAR,
    "annual": ConsentBasis.YEAR,
    "untilwithdrawn": ConsentBasis.UNTIL_WITHDRAWN,
    "perpetual": ConsentBasis.UNTIL_WITHDRAWN,
    "perpetuity": ConsentBasis.UNTIL_WITHDRAWN,
}


@dataclass(frozen=True)
class ActivityFacts:
    id: int
    code: str
    title: str
    starts_on: date
    ends_on: date
    max_credits: Decimal
    credit_type_codes: frozenset[str]


@dataclass(frozen=True)
class BoardFacts:
    id: int
    code: str
    state: str
    pattern: re.Pattern[str]
    example: str


@dataclass(frozen=True)
class ValidationContext:
    activities: dict[str, ActivityFacts]
    boards: tuple[BoardFacts, ...]
    credit_types: dict[str, str]
    """Lookup key (code or name, folded) → credit type code."""
    today: date
    upload_consent: ConsentBasis | None = None
    """The permission scope attested for the whole upload, if any."""

    @cached_property
    def boards_by_state(self) -> dict[str, tuple[BoardFacts, ...]]:
        """The boards of each licensing state, in ``boards`` order (looked up per row)."""
        states: dict[str, list[BoardFacts]] = {}
        for board in self.boards:
            states.setdefault(board.state, []).append(board)
        return {state: tuple(boards) for state, boards in states.items()}


@dataclass(frozen=True)
class RowError:
    field: Field
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field.value, "message": self.message}


class Identity(NamedTuple):
    """Who the learner is, normalised: what matching compares with the roster.

    Identity and ValidRecord are NamedTuples (immutable, like a frozen dataclass) because
    the pipeline builds two per uploaded row: a frozen dataclass costs twice as much."""

    first_name: str
    last_name: str
    dob_month: int
    dob_day: int
    license_state: str | None
    license_number: str | None
    npi: str | None
    board_id: int | None

    @property
    def learner_key(self) -> str:
        if self.license_number:
            return f"{self.license_state}:{self.license_number}"
        return f"NPI:{self.npi}"


class ValidRecord(NamedTuple):
    row_number: int
    action: str  # "add" or "delete"
    activity: ActivityFacts
    identity: Identity
    completed_on: date | None
    credits: Decimal | None
    credit_type_code: str | None
    consent_basis: str


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case, accent-free, alphanumerics only: for forgiving look-ups."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(
        r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return (value if value.isascii() else unicodedata.normalize("NFC", value)).strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def parse_date(value: Any, text: str | None = None) -> date | None:
    """A date as Excel gives it (a real date) or as people type it (MM/DD/YYYY, YYYY-MM-DD);
    ``text`` is ``_text(value)`` when the caller has it already."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(_text(value) if text is None else text)


@lru_cache(maxsize=8192)
def _parse_date_text(text: str) -> date | None:
    """Dates repeat a lot within a file: each distinct text is parsed once."""
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_US_DATE, (2, 0, 1))):
        match = pattern.match(text)
        if match:
            parts = [int(group) for group in match.groups()]
            try:
                return date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None


def parse_dob(value: Any, text: str | None = None) -> tuple[int, int] | None:
    """Month and day of birth: ``04/12``, ``4-12``, a full date (its year is dropped), or an
    Excel date. Returns ``None`` unless it is a real calendar day (02/29 allowed). ``text``
    is ``_text(value)`` when the caller has it already."""
    if isinstance(value, date | datetime):
        return value.month, value.day
    return _parse_dob_text(_text(value) if text is None else text)


@lru_cache(maxsize=4096)
def _parse_dob_text(text: str) -> tuple[int, int] | None:
    match = _DOB_TEXT.match(text) or _ISO_DOB.match(text)
    if not match:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    if month in _DAYS_IN_MONTH and 1 <= day <= _DAYS_IN_MONTH[month]:
        return month, day
    return None


def _swapped(text: str, pattern: re.Pattern[str] = _DAY_FIRST) -> tuple[int, int, str] | None:
    """(month, day, year text) if ``text`` reads as a real day once its first two numbers
    are swapped, i.e. it was written day first (DD/MM)."""
    match = pattern.match(text)
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12 >= second >= 1 and first <= _DAYS_IN_MONTH[second]:
        return second, first, match.group(3) or ""
    return None


def date_hint(text: str) -> str:
    """A hint for the common slips in a completion date that did not parse."""
    swapped = _swapped(text)
    if swapped and len(swapped[2]) == 4:
        month, day, year = swapped
        return f" It looks like day first (DD/MM/YYYY): write {month:02d}/{day:02d}/{year}."
    if _EXCEL_SERIAL.match(text):
        return " It looks like a date Excel turned into a number: format the column as a date."
    return ""


def dob_hint(text: str) -> str:
    """A hint for the common slips in a date of birth: day first, or a birthday Excel
    turned into a date (and then a number, or a month name) as it was typed."""
    swapped = _swapped(text)
    if swapped:
        month, day, _ = swapped
        return f" It looks like day first (DD/MM): write the month first, {month:02d}/{day:02d}."
    if _EXCEL_SERIAL.match(text):
        turned = EXCEL_EPOCH + timedelta(days=int(float(text)))
        return (
            f" It looks like Excel turned the birthday into a date and then a number "
            f"({int(float(text))} is {turned:%m/%d/%Y}): format the column as Text and type "
            "MM/DD again."
        )
    if _MONTH_NAME.match(text):
        return (
            " It looks like Excel turned the birthday into a date: format the column as Text "
            "and type MM/DD again (e.g. 04/12)."
        )
    return ""


def parse_credits(value: Any, text: str | None = None) -> Decimal | None:
    """Credits as a Decimal, or ``None``; ``text`` is ``_text(value)`` when the caller has
    it already."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        text = repr(value)
    elif text is None:
        text = _text(value)
    try:
        credits = Decimal(text)
    except InvalidOperation:
        return None
    return credits if credits.is_finite() else None


def _is_name(name: str) -> bool:
    if name.isascii():  # the common case, one regex
        return _ASCII_NAME.fullmatch(name) is not None
    return all(ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] in "LM" for ch in name)


def _check_name(value: Any, field: Field, errors: list[RowError]) -> str:
    name = " ".join(_text(value).split())
    if not name:
        errors.append(RowError(field, "Required."))
    elif len(name) > MAX_NAME_LENGTH:
        errors.append(RowError(field, f"Longer than {MAX_NAME_LENGTH} characters."))
    elif not name.isascii() and any(unicodedata.category(ch).startswith("C") for ch in name):
        errors.append(RowError(field, "Contains control characters."))
    elif not _is_name(name) or not _A_LETTER.search(name):
        errors.append(
            RowError(field, "Not a name: use letters, spaces, hyphens, apostrophes or periods.")
        )
    return name


def validate_identity(
    record: RawRecord, context: ValidationContext, errors: list[RowError]
) -> Identity | None:
    """Check the learner's identity fields; shared by reporting and pre-validation."""
    first_name = _check_name(record.get(Field.FIRST_NAME), Field.FIRST_NAME, errors)
    last_name = _check_name(record.get(Field.LAST_NAME), Field.LAST_NAME, errors)

    dob_raw = record.get(Field.DOB)
    dob_text = _text(dob_raw)
    dob = parse_dob(dob_raw, dob_text)
    if not dob_text and not isinstance(dob_raw, date):
        errors.append(RowError(Field.DOB, "Required (month and day, MM/DD)."))
    elif dob is None:
        errors.append(
            RowError(
                Field.DOB, "Not a real month and day; use MM/DD, e.g. 04/12." + dob_hint(dob_text)
            )
        )

    state = _text(record.get(Field.LICENSING_STATE)).upper()
    identifier = normalise_license_number(_text(record.get(Field.LICENSE_OR_NPI)))
    license_number = npi = None
    board_id = None
    if not identifier:
        errors.append(
            RowError(Field.LICENSE_OR_NPI, "Required: a licence number or a 10-digit NPI.")
        )
    elif identifier.isdigit() and len(identifier) == 10:
        if npi_is_valid(identifier):
            npi = identifier
        else:
            errors.append(
                RowError(Field.LICENSE_OR_NPI, "Not a valid NPI: the check digit is wrong.")
            )
    else:
        state_boards = context.boards_by_state.get(state, ())
        if not state:
            errors.append(RowError(Field.LICENSING_STATE, "Required with a licence number."))
        elif not state_boards:
            states = ", ".join(sorted({board.state for board in context.boards}))
            errors.append(
                RowError(Field.LICENSING_STATE, f"Passport reports to boards in: {states}.")
            )
        else:
            board = None
            for candidate in state_boards:
                if candidate.pattern.match(identifier):
                    board = candidate
                    break
            if board is None:
                formats = "; ".join(f"{b.code} e.g. {b.example}" for b in state_boards)
                errors.append(
                    RowError(
                        Field.LICENSE_OR_NPI, f"Not a valid {state} licence number ({formats})."
                    )
                )
            else:
                license_number, board_id = identifier, board.id
    if errors or dob is None:
        return None
    return Identity(
        first_name=first_name,
        last_name=last_name,
        dob_month=dob[0],
        dob_day=dob[1],
        license_state=state or None,
        license_number=license_number,
        npi=npi,
        board_id=board_id,
    )


def _check_action(value: Any, errors: list[RowError]) -> str:
    action = _text(value).lower()
    if action in ("", "add", "a"):
        return "add"
    if action in ("delete", "d"):
        return "delete"
    errors.append(RowError(Field.ACTION, "Use Add or Delete."))
    return "add"


def _check_consent(record: RawRecord, context: ValidationContext, errors: list[RowError]) -> str:
    permission = _text(record.get(Field.PERMISSION)).lower()
    scope_text = fold(_text(record.get(Field.PERMISSION_SCOPE)))
    scope = _SCOPES.get(scope_text) if scope_text else None
    if scope_text and scope is None:
        errors.append(
            RowError(Field.PERMISSION_SCOPE, "Use one of: activity, year, until withdrawn.")
        )
    if permission in _NO:
        errors.append(RowError(Field.PERMISSION, "The learner has not given permission to report."))
    elif permission and permission not in _YES:
        errors.append(RowError(Field.PERMISSION, "Use Yes or No."))
    if permission in _YES:
        return (scope or context.upload_consent or ConsentBasis.ACTIVITY).value
    if context.upload_consent is not None:
        return (scope or context.upload_consent).value
    if not permission:
        errors.append(
            RowError(
                Field.PERMISSION,
                "Permission to report is not attested: attest it for the upload or answer Yes.",
            )
        )
    return ConsentBasis.ACTIVITY.value


def validate_record(record: RawRecord, context: ValidationContext) -> ValidRecord | list[RowError]:
    """Check one record against every rule, collecting all of its errors."""
    errors: list[RowError] = [RowError(field, message) for field, message in record.notes]
    action = _check_action(record.get(Field.ACTION), errors)

    code = _text(record.get(Field.ACTIVITY_ID))
    activity = context.activities.get(code)
    if not code:
        errors.append(RowError(Field.ACTIVITY_ID, "Required."))
    elif activity is None:
        errors.append(
            RowError(Field.ACTIVITY_ID, f"No activity {code!r} belongs to your organisation.")
        )

    identity = validate_identity(record, context, errors)
    consent = _check_consent(record, context, errors)

    completed_on = credits = credit_type = None
    completion_raw = record.get(Field.COMPLETION_DATE)
    completion_text = _text(completion_raw)
    credits_raw = record.get(Field.CREDITS)
    if action == "add" or completion_text:
        completed_on = parse_date(completion_raw, completion_text)
        if not completion_text and not isinstance(completion_raw, date):
            errors.append(RowError(Field.COMPLETION_DATE, "Required."))
        elif completed_on is None:
            errors.append(
                RowError(
                    Field.COMPLETION_DATE,
                    "Not a date: use MM/DD/YYYY or YYYY-MM-DD." + date_hint(completion_text),
                )
            )
        elif completed_on > context.today:
            errors.append(RowError(Field.COMPLETION_DATE, "Is in the future."))
        elif activity and not activity.starts_on <= completed_on <= activity.ends_on:
            errors.append(
                RowError(
                    Field.COMPLETION_DATE,
                    f"Outside the activity's dates ({activity.starts_on:%m/%d/%Y} to "
                    f"{activity.ends_on:%m/%d/%Y}).",
                )
            )
    if action == "add":
        credits = _check_credits(credits_raw, activity, errors)
        credit_type = _check_credit_type(record.get(Field.CREDIT_TYPE), activity, context, errors)

    if errors or activity is None or identity is None:
        return errors
    return ValidRecord(
        row_number=record.row_number,
        action=action,
        activity=activity,
        identity=identity,
        completed_on=completed_on,
        credits=credits,
        credit_type_code=credit_type,
        consent_basis=consent,
    )


def _check_credits(
    value: Any, activity: ActivityFacts | None, errors: list[RowError]
) -> Decimal | None:
    text = _text(value)
    credits = parse_credits(value, text)
    if not text:
        errors.append(RowError(Field.CREDITS, "Required."))
    elif credits is None:
        errors.append(RowError(Field.CREDITS, "Not a number."))
    elif credits <= 0:
        errors.append(RowError(Field.CREDITS, "Must be more than 0."))
    elif credits > CREDITS_CEILING:
        errors.append(RowError(Field.CREDITS, f"More than {CREDITS_CEILING:,} credits."))
    elif credits % QUARTER != 0:
        errors.append(RowError(Field.CREDITS, "Must be in quarter-hour steps (e.g. 1.25, 1.5)."))
    elif activity and credits > activity.max_credits:
        errors.append(
            RowError(Field.CREDITS, f"More than the activity's maximum of {activity.max_credits}.")
        )
    else:
        return credits.quantize(Decimal("0.01"))
    return None


def _check_credit_type(
    value: Any, activity: ActivityFacts | None, context: ValidationContext, errors: list[RowError]
) -> str | None:
    text = _text(value)
    code = context.credit_types.get(fold(text)) if text else "AMA_PRA_1"
    if code is None:
        errors.append(RowError(Field.CREDIT_TYPE, f"Unknown credit type {text!r}."))
        return None
    if activity and activity.credit_type_codes and code not in activity.credit_type_codes:
        errors.append(RowError(Field.CREDIT_TYPE, "This activity does not offer that credit type."))
        return None
    return code
