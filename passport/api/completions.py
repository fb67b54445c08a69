"""Completions through the web service: JSON records in, the reporting pipeline, and the
outcomes and stored completions back out as the API's schemas.

This module only translates; validating, deciding outcomes, matching and writing are the
reporting pipeline's, exactly as for a file upload.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import islice

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.api import schemas
from passport.api.models import ApiClient
from passport.paging import paginate
from passport.reporting import queries as reporting_queries
from passport.reporting import services as reporting
from passport.reporting.matching import MATCH_REASONS, match_reason
from passport.reporting.models import Activity, Completion, ConsentBasis, MatchStatus, Upload
from passport.reporting.outcomes import RowOutcome, iter_upload_rows
from passport.reporting.parsers import FileRefused, read_medbiq
from passport.reporting.pipeline import OutcomeCounts
from passport.reporting.prevalidation import prevalidate_records
from passport.reporting.records import MEDBIQ_ELEMENTS, Field, RawRecord

# Where each pipeline field lives in an API record (the licence field is either name).
JSON_NAMES = {
    Field.ACTION: "action",
    Field.ACTIVITY_ID: "activity_id",
    Field.COMPLETION_DATE: "completion_date",
    Field.FIRST_NAME: "first_name",
    Field.LAST_NAME: "last_name",
    Field.DOB: "date_of_birth",
    Field.LICENSING_STATE: "licensing_state",
    Field.LICENSE_OR_NPI: "license_number",
    Field.CREDITS: "credits",
    Field.CREDIT_TYPE: "credit_type",
    Field.PERMISSION: "permission_scope",
    Field.PERMISSION_SCOPE: "permission_scope",
}
PERMISSION_MISSING = (
    "Permission to report is not attested: set permission_attested on the batch or "
    "permission_scope on the record."
)


def _identity_values(learner: schemas.LearnerIdentity) -> dict[Field, object]:
    return {
        Field.FIRST_NAME: learner.first_name,
        Field.LAST_NAME: learner.last_name,
        Field.DOB: learner.date_of_birth.removeprefix("--"),
        Field.LICENSING_STATE: learner.licensing_state,
        Field.LICENSE_OR_NPI: learner.license_number or learner.npi,
    }


def raw_record(index: int, record: schemas.CompletionRecord) -> RawRecord:
    values: dict[Field, object] = {
        Field.ACTION: record.action,
        Field.ACTIVITY_ID: record.activity_id,
        Field.COMPLETION_DATE: record.completion_date,
        Field.CREDITS: record.credits,
        Field.CREDIT_TYPE: record.credit_type,
        **_identity_values(record),
    }
    if record.permission_scope:
        values[Field.PERMISSION] = "yes"
        values[Field.PERMISSION_SCOPE] = record.permission_scope
    return RawRecord(index + 1, {k: v for k, v in values.items() if v is not None})


def _field_errors(
    collection: str,
    index: int,
    sent: schemas.LearnerIdentity | None,
    errors: list[dict[str, str]],
) -> list[schemas.FieldError]:
    """Each error with a JSON pointer to the value at fault; for a record that came as
    MedBiquitous XML (``sent`` None) the field is its element path."""
    result = []
    for error in errors:
        field = Field(error["field"])
        if sent is None:
            result.append(
                schemas.FieldError(
                    pointer=f"/{collection}/{index}",
                    field=MEDBIQ_ELEMENTS[field],
                    detail=error["message"],
                )
            )
            continue
        name = JSON_NAMES[field]
        if field is Field.LICENSE_OR_NPI and not sent.license_number and sent.npi:
            name = "npi"
        detail = error["message"]
        if field is Field.PERMISSION and "not attested" in detail:
            detail = PERMISSION_MISSING
        result.append(
            schemas.FieldError(pointer=f"/{collection}/{index}/{name}", field=name, detail=detail)
        )
    return result


def submit(
    session: Session,
    *,
    client: ApiClient,
    batch: schemas.CompletionBatch,
    stored: reporting.StoredFile | None,
    unmatched_url: str,
    today: date | None = None,
    ip_address: str | None = None,
) -> schemas.SubmissionResult:
    """Report a batch; ``stored`` is the request body, kept like an uploaded file."""
    upload, counts = reporting.report_batch(
        session,
        provider_id=client.provider_id,
        user_id=client.created_by_user_id,
        records=[raw_record(i, record) for i, record in enumerate(batch.records)],
        consent=ConsentBasis(batch.permission_scope) if batch.permission_attested else None,
        stored=stored,
        api_client_id=client.id,
        today=today,
        ip_address=ip_address,
    )
    return submission_result(
        session, upload, counts, lambda row, index: batch.records[index], unmatched_url
    )


def submission_result(
    session: Session,
    upload: Upload,
    counts: OutcomeCounts,
    sent: Callable[[RowOutcome, int], schemas.LearnerIdentity | None],
    unmatched_url: str,
) -> schemas.SubmissionResult:
    """The answer to a submission: counts (with how many did not match) and every
    record's outcome and match; ``sent(row, index)`` is the record as sent, for the JSON
    pointers of its errors (None: errors point at the record's position only)."""
    records = []
    not_matched = 0
    for row in iter_upload_rows(session, upload.id):
        index = row.row_number - 1
        not_matched += row.unmatched
        record = sent(row, index)
        records.append(
            schemas.RecordOutcome(
                index=index,
                outcome=row.outcome,
                completion_id=row.completion_id,
                match_status=row.match_status,
                match_reason=match_reason(row.match_status) or None,
                errors=_field_errors("records", index, record, row.errors or []),
            )
        )
    return schemas.SubmissionResult(
        upload_id=upload.id,
        counts=schemas.OutcomeCounts(
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            deleted=counts.deleted,
            rejected=counts.rejected,
            not_matched=not_matched,
        ),
        unmatched_url=unmatched_url,
        records=records,
    )


def check_learners(
    session: Session, *, provider_id: int, learners: schemas.LearnerList, today: date
) -> schemas.LearnerCheckResult:
    records = [
        RawRecord(i + 1, {k: v for k, v in _identity_values(learner).items() if v is not None})
        for i, learner in enumerate(learners.learners)
    ]
    checks = prevalidate_records(session, records, today, provider_id)
    return schemas.LearnerCheckResult(
        learners=[
            schemas.LearnerCheck(
                index=i,
                matched=check.matched,
                reason=None if check.matched or check.errors else check.match_reason,
                errors=_field_errors(
                    "learners",
                    i,
                    learners.learners[i],
                    [error.as_dict() for error in check.errors],
                ),
            )
            for i, check in enumerate(checks)
        ]
    )


def completion_out(completion: Completion) -> schemas.Completion:
    return schemas.Completion(
        id=completion.id,
        activity_id=completion.activity.activity_code,
        completion_date=completion.completed_on,
        first_name=completion.first_name,
        last_name=completion.last_name,
        date_of_birth=f"--{completion.dob_month:02d}-{completion.dob_day:02d}",
        licensing_state=completion.license_state,
        license_number=completion.license_number,
        npi=completion.npi,
        credits=f"{completion.credits:.2f}",
        credit_type=completion.credit_type_code,
        consent_scope=completion.consent_basis,
        match_status=completion.match_status,
        match_reason=MATCH_REASONS[MatchStatus(completion.match_status)],
        version=completion.version,
        deleted=completion.deleted_at is not None,
        reported_at=completion.reported_at,
        updated_at=completion.updated_at,
    )


def completions_page(
    session: Session, provider_id: int, query: schemas.CompletionQuery
) -> schemas.CompletionPage:
    select = (
        sa.select(Completion)
        .join(Activity, Completion.activity_id == Activity.id)
        .where(reporting_queries.of_provider(session, provider_id))
        # "+ 0": the order no index can give, so the database finds the provider's rows
        # through its activities (by index) and sorts them. Ordered by the bare id,
        # PostgreSQL walked the primary key through every provider's completions,
        # filtering, until it had a page: a cost that grows with other providers' rows.
        .order_by(Completion.id + 0)
    )
    if query.activity_id:
        select = select.where(Activity.activity_code == query.activity_id)
    if query.match_status:
        select = select.where(Completion.match_status == query.match_status)
    if query.unmatched:
        select = select.where(Completion.licensee_id.is_(None))
    if query.completed_from:
        select = select.where(Completion.completed_on >= query.completed_from)
    if query.completed_to:
        select = select.where(Completion.completed_on <= query.completed_to)
    if not query.include_deleted:
        select = select.where(Completion.deleted_at.is_(None))
    page = paginate(session, select, query.page, query.per_page)
    return schemas.page_of(schemas.CompletionPage, page, query.per_page, completion_out)


def submit_medbiq(
    session: Session,
    *,
    client: ApiClient,
    stored: reporting.StoredFile,
    unmatched_url: str,
    consent: ConsentBasis | None = None,
    today: date | None = None,
    ip_address: str | None = None,
) -> schemas.SubmissionResult:
    """Report a MedBiquitous ActivityReport v2 body (XML) through the same pipeline as a
    JSON batch; ``FileRefused`` when it is not one. ``consent`` is the permission attested
    for the whole body (the query's ``permission_attested``); without it, each record's
    ``XtensibleInfo/PermissionToReport`` must say Yes."""
    records = list(islice(read_medbiq(stored.path), schemas.MAX_RECORDS + 1))
    if len(records) > schemas.MAX_RECORDS:
        raise FileRefused(f"Send at most {schemas.MAX_RECORDS:,} records in one request.")
    upload, counts = reporting.report_batch(
        session,
        provider_id=client.provider_id,
        user_id=client.created_by_user_id,
        records=records,
        consent=consent,
        stored=stored,
        api_client_id=client.id,
        today=today,
        ip_address=ip_address,
    )
    upload.file_format = "medbiq"
    return submission_result(session, upload, counts, lambda row, index: None, unmatched_url)


def delete_completion(
    session: Session,
    *,
    client: ApiClient,
    completion: Completion,
    unmatched_url: str,
    today: date | None = None,
) -> schemas.SubmissionResult:
    """Delete through the pipeline: a Delete record for the same learner and activity."""
    record = schemas.CompletionRecord(
        action="delete",
        activity_id=completion.activity.activity_code,
        completion_date=completion.completed_on,
        first_name=completion.first_name,
        last_name=completion.last_name,
        date_of_birth=f"--{completion.dob_month:02d}-{completion.dob_day:02d}",
        licensing_state=completion.license_state,
        license_number=completion.license_number,
        npi=None if completion.license_number else completion.npi,
        credits=f"{completion.credits:.2f}",
        credit_type=completion.credit_type_code,
        permission_scope=completion.consent_basis,
    )
    batch = schemas.CompletionBatch(records=[record])
    return submit(
        session, client=client, batch=batch, stored=None, unmatched_url=unmatched_url, today=today
    )
