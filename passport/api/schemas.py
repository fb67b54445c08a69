"""The API's request and response bodies, as pydantic models.

They are the single source of both request validation and the OpenAPI document
(``passport.api.openapi``). Request bodies are strict (no silent type coercion, no unknown
fields); whether a record is acceptable (a real licence number, an activity of yours, a
date inside the activity) is decided by the reporting pipeline, record by record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from passport.reporting.models import ACTIVITY_TYPES

MAX_RECORDS = 10_000
MAX_PER_PAGE = 1_000

CreditsText = Annotated[
    str,
    StringConstraints(pattern=r"^\d{1,3}(\.\d{1,2})?$"),
    Field(
        description="Credit hours as a decimal string, in quarter-hour steps.", examples=["1.50"]
    ),
]
MonthDay = Annotated[
    str,
    StringConstraints(pattern=r"^(--)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
    Field(
        description="Date of birth, month and day only (ISO 8601 `--MM-DD`; `MM-DD` accepted).",
        examples=["--04-12"],
    ),
]
# Text: no control characters (a NUL byte cannot even be stored), and not only spaces.
PRINTABLE = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


def text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length, pattern=PRINTABLE)]


ShortText = text(100)
ConsentScope = Literal["activity", "year", "until_withdrawn"]
ActivityType = Literal[tuple(ACTIVITY_TYPES)]  # type: ignore[valid-type]
MatchStatusName = Literal["matched", "no_such_license", "identity_mismatch", "pending"]
Outcome = Literal["created", "updated", "unchanged", "deleted", "rejected"]


class RequestBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class ResponseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


def page_of(model: Any, page: Any, per_page: int, convert: Any) -> Any:
    """A page body (``items``, ``page``, ``per_page``, ``total``) from a reporting ``Page``,
    each item converted to its schema by ``convert``."""
    return model(
        items=[convert(item) for item in page.items],
        page=page.page,
        per_page=per_page,
        total=page.total,
    )


class QueryParameters(BaseModel):
    """Query strings are text: these are converted (lax), but unknown names are refused."""

    model_config = ConfigDict(extra="forbid")


# Completions -------------------------------------------------------------------------


class LearnerIdentity(RequestBody):
    first_name: ShortText
    last_name: ShortText
    date_of_birth: MonthDay
    licensing_state: Annotated[
        str | None,
        Field(
            default=None,
            pattern=r"^[A-Za-z]{2}$",
            description="Two-letter state of the licence; needed with a licence number.",
        ),
    ] = None
    license_number: Annotated[
        text(20) | None, Field(default=None, description="State licence number.")
    ] = None
    npi: Annotated[
        str | None,
        Field(
            default=None,
            pattern=r"^[0-9]{10}$",
            description="10-digit NPI, instead of a licence number.",
        ),
    ] = None


class CompletionRecord(LearnerIdentity):
    action: Literal["add", "delete"] = "add"
    activity_id: text(50) = Field(description="Your Activity ID.")
    completion_date: date
    credits: CreditsText
    credit_type: text(40) = Field(
        description="Credit type code, e.g. AMA_PRA_1.", examples=["AMA_PRA_1"]
    )
    permission_scope: ConsentScope | None = Field(
        default=None,
        description="The learner's permission to report this record, and how long it lasts. "
        "Needed unless the batch attests permission for every record.",
    )


class CompletionBatch(RequestBody):
    permission_attested: bool = Field(
        default=False,
        description="You attest that every learner in this batch gave permission to report.",
    )
    permission_scope: ConsentScope = "activity"
    records: Annotated[list[CompletionRecord], Field(min_length=1, max_length=MAX_RECORDS)]


class FieldError(ResponseBody):
    pointer: str = Field(description="JSON pointer to the value at fault.")
    field: str
    detail: str


MATCH_DESCRIPTION = (
    "The stored record's match to the board's roster now; null for a rejected or deleted "
    "record. Anything but `matched` reaches no transcript until corrected."
)


class RecordOutcome(ResponseBody):
    index: int = Field(description="Position of the record in `records`, from 0.")
    outcome: Outcome
    completion_id: int | None
    match_status: MatchStatusName | None = Field(description=MATCH_DESCRIPTION)
    match_reason: str | None = Field(description="What the match status means and what to do.")
    errors: list[FieldError]


class OutcomeCounts(ResponseBody):
    created: int
    updated: int
    unchanged: int
    deleted: int
    rejected: int
    not_matched: int = Field(
        description="Stored records (created, updated or unchanged) that match no licensee "
        "now, including those waiting for matching: they reach no transcript."
    )


class SubmissionResult(ResponseBody):
    upload_id: int
    counts: OutcomeCounts
    unmatched_url: str = Field(description="Your unmatched completions (`unmatched=true`).")
    records: list[RecordOutcome]


class Completion(ResponseBody):
    id: int
    activity_id: str
    completion_date: date
    first_name: str
    last_name: str
    date_of_birth: str = Field(description="`--MM-DD`")
    licensing_state: str | None
    license_number: str | None
    npi: str | None
    credits: str
    credit_type: str
    consent_scope: ConsentScope
    match_status: MatchStatusName
    match_reason: str
    version: int
    deleted: bool
    reported_at: datetime
    updated_at: datetime


class CompletionPage(ResponseBody):
    items: list[Completion]
    page: int
    per_page: int
    total: int


class CompletionQuery(QueryParameters):
    activity_id: text(50) | None = None
    match_status: MatchStatusName | None = None
    unmatched: bool = Field(
        default=False, description="Only completions that match no licensee (any reason)."
    )
    completed_from: date | None = None
    completed_to: date | None = None
    include_deleted: bool = False
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=100, ge=1, le=MAX_PER_PAGE)


# Learner check (pre-validation) ----------------------------------------------------------


class LearnerList(RequestBody):
    learners: Annotated[list[LearnerIdentity], Field(min_length=1, max_length=MAX_RECORDS)]


class LearnerCheck(ResponseBody):
    index: int
    matched: bool
    reason: str | None = Field(description="Why the learner did not match, when it did not.")
    errors: list[FieldError]


class LearnerCheckResult(ResponseBody):
    learners: list[LearnerCheck]


# Activities ---------------------------------------------------------------------------


class ActivityIn(RequestBody):
    activity_id: text(50)
    title: text(300)
    activity_type: ActivityType
    starts_on: date
    ends_on: date
    max_credits: CreditsText
    credit_types: Annotated[list[text(40)], Field(min_length=1, max_length=20)]
    topics: Annotated[list[text(40)], Field(max_length=40)] = []


class Activity(ResponseBody):
    activity_id: str
    title: str
    activity_type: ActivityType
    starts_on: date
    ends_on: date
    max_credits: str
    credit_types: list[str]
    topics: list[str]
    updated_at: datetime


class ActivityPage(ResponseBody):
    items: list[Activity]
    page: int
    per_page: int
    total: int


class PageQuery(QueryParameters):
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=100, ge=1, le=MAX_PER_PAGE)


# Uploads ------------------------------------------------------------------------------


class Upload(ResponseBody):
    id: int
    method: Literal["form", "xlsx", "csv", "xml", "api", "seed"]
    status: Literal["queued", "running", "done", "failed"]
    filename: str | None
    total_rows: int
    processed_rows: int
    counts: OutcomeCounts
    unmatched_url: str = Field(description="Your unmatched completions (`unmatched=true`).")
    error_message: str | None
    created_at: datetime
    finished_at: datetime | None


class UploadPage(ResponseBody):
    items: list[Upload]
    page: int
    per_page: int
    total: int


class UploadRow(ResponseBody):
    row_number: int
    outcome: Outcome
    completion_id: int | None
    match_status: MatchStatusName | None = Field(description=MATCH_DESCRIPTION)
    match_reason: str | None
    errors: list[dict[str, str]]


class UploadRowPage(ResponseBody):
    items: list[UploadRow]
    page: int
    per_page: int
    total: int


class UploadRowQuery(QueryParameters):
    outcome: Outcome | Literal["not_matched"] | None = Field(
        default=None, description="One outcome, or `not_matched`: stored rows that match no one."
    )
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=100, ge=1, le=MAX_PER_PAGE)


# OAuth and errors -----------------------------------------------------------------------


class TokenRequest(BaseModel):
    grant_type: Literal["client_credentials"]
    scope: str | None = Field(default=None, description="Space-separated scopes; default all.")
    client_id: str | None = Field(default=None, description="With client_secret_post.")
    client_secret: str | None = Field(default=None, description="With client_secret_post.")


class Token(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str


class TokenError(BaseModel):
    """An OAuth 2.0 token error (RFC 6749 section 5.2), not a problem document."""

    error: str
    error_description: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, str]] | None = None
    upload_id: int | None = None
