"""An upload's row outcomes, as the outcome page, the .xlsx report and the API list them.

A row that created, updated or deleted a record is told by the version it wrote
(``CompletionVersion.row_number``); only the rows that wrote none (rejected, unchanged)
have an ``upload_rows`` entry, with the values as sent. One query puts both in row order,
so paging and the outcome filter work in SQL. Uploads from before migration 0011 have
every row in ``upload_rows`` and read the same way.

Each row that leaves a live record also carries that record's match status *now*
(``match_status``): a created row whose learner is not on the roster reaches no
transcript, and the provider must see so beside the outcome. It is the stored status the
identity guard already decided, so it tells no more than the unmatched queue does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.formatting import format_credits
from passport.paging import PAGE_SIZE, Page, page_bounds
from passport.reporting.models import (
    Activity,
    Completion,
    CompletionVersion,
    MatchStatus,
    UploadRow,
)
from passport.reporting.records import Field

NOT_MATCHED = "not_matched"
"""The outcome filter's extra value: rows whose record is live and not matched."""

_OUTCOME_OF_ACTION = {
    "add": "created",
    "restore": "created",
    "update": "updated",
    "delete": "deleted",
}


@dataclass(frozen=True)
class RowOutcome:
    row_number: int
    outcome: str
    completion_id: int | None
    errors: list[dict[str, str]] | None
    values: dict[str, str]
    """The row's values by ``Field`` value: as sent for a rejected or unchanged row, as
    stored (normalised) for a row that wrote a version."""
    match_status: str | None = None
    """The live record's match status now; None for rejected and deleted rows."""

    @property
    def unmatched(self) -> bool:
        return self.match_status not in (None, MatchStatus.MATCHED.value)


def _stored_columns() -> dict[str, sa.ColumnElement]:
    """What a row that wrote a version stored, read back from the version and its record."""
    version = CompletionVersion.__table__.c
    return {
        "action": version.action,
        "activity_code": Activity.activity_code,
        "completed_on": version.completed_on,
        "first_name": version.first_name,
        "last_name": version.last_name,
        "dob_month": version.dob_month,
        "dob_day": version.dob_day,
        "license_state": Completion.license_state,
        "license_or_npi": sa.func.coalesce(Completion.license_number, Completion.npi),
        "credits": version.credits_hundredths,
        "credit_type_code": version.credit_type_code,
    }


def _live_status(*, unless: sa.ColumnElement[bool]) -> sa.ColumnElement:
    """The record's match status, or NULL when it is deleted or the row stored nothing."""
    return sa.case(
        (sa.or_(unless, Completion.deleted_at.is_not(None)), sa.null()),
        else_=Completion.match_status,
    )


def _outcome_rows(upload_id: int) -> sa.Subquery:
    version = CompletionVersion.__table__.c
    stored = _stored_columns()
    sent = (
        sa.select(
            UploadRow.row_number,
            UploadRow.outcome,
            UploadRow.completion_id,
            UploadRow.errors,
            UploadRow.submitted,
            _live_status(unless=UploadRow.outcome.in_(("rejected", "deleted"))).label(
                "match_status"
            ),
            *(sa.cast(sa.null(), c.type).label(f"stored_{n}") for n, c in stored.items()),
        )
        .outerjoin(Completion, Completion.id == UploadRow.completion_id)
        .where(UploadRow.upload_id == upload_id)
    )
    versioned = (
        sa.select(
            version.row_number,
            sa.case(_OUTCOME_OF_ACTION, value=version.action),
            version.completion_id,
            sa.cast(sa.null(), sa.JSON),
            sa.cast(sa.null(), sa.JSON),
            _live_status(unless=version.action == "delete"),
            *stored.values(),
        )
        .join(Completion, Completion.id == version.completion_id)
        .join(Activity, Activity.id == Completion.activity_id)
        .where(version.upload_id == upload_id, version.row_number.is_not(None))
    )
    return sa.union_all(sent, versioned).subquery("outcomes")


def _row_outcome(row: Any) -> RowOutcome:
    if row.stored_action is None:  # an upload_rows entry: the values as sent
        values = row.submitted or {}
    else:
        values = {
            Field.ACTION.value: "Delete" if row.stored_action == "delete" else "Add",
            Field.ACTIVITY_ID.value: row.stored_activity_code,
            Field.COMPLETION_DATE.value: row.stored_completed_on.isoformat(),
            Field.FIRST_NAME.value: row.stored_first_name,
            Field.LAST_NAME.value: row.stored_last_name,
            Field.DOB.value: f"{row.stored_dob_month:02d}/{row.stored_dob_day:02d}",
            Field.LICENSING_STATE.value: row.stored_license_state or "",
            Field.LICENSE_OR_NPI.value: row.stored_license_or_npi,
            Field.CREDITS.value: format_credits(row.stored_credits),
            Field.CREDIT_TYPE.value: row.stored_credit_type_code,
        }
    return RowOutcome(
        row.row_number, row.outcome, row.completion_id, row.errors, values, row.match_status
    )


def _select(upload_id: int, outcome: str | None = None) -> sa.Select:
    outcomes = _outcome_rows(upload_id)
    query = sa.select(outcomes)
    if outcome == NOT_MATCHED:
        query = query.where(outcomes.c.match_status != MatchStatus.MATCHED.value)
    elif outcome:
        query = query.where(outcomes.c.outcome == outcome)
    return query.order_by(outcomes.c.row_number)


@dataclass(frozen=True)
class MatchCounts:
    """How many of an upload's rows left a live record that matched, and that did not."""

    matched: int = 0
    not_matched: int = 0
    waiting: int = 0
    """Of ``not_matched``: held by the identity guard ("Waiting for matching")."""


def match_counts(session: Session, upload_ids: list[int]) -> dict[int, MatchCounts]:
    """Each upload's ``MatchCounts``, read in two grouped queries (the versions its rows
    wrote and its unchanged rows, each joined to the record as it is now)."""
    if not upload_ids:
        return {}
    version = CompletionVersion.__table__.c
    live = Completion.deleted_at.is_(None)
    queries = [
        sa.select(version.upload_id, Completion.match_status, sa.func.count())
        .join(Completion, Completion.id == version.completion_id)
        .where(
            version.upload_id.in_(upload_ids),
            version.row_number.is_not(None),
            version.action != "delete",
            live,
        )
        .group_by(version.upload_id, Completion.match_status),
        sa.select(UploadRow.upload_id, Completion.match_status, sa.func.count())
        .join(Completion, Completion.id == UploadRow.completion_id)
        .where(
            UploadRow.upload_id.in_(upload_ids),
            UploadRow.outcome.in_(("created", "updated", "unchanged")),
            live,
        )
        .group_by(UploadRow.upload_id, Completion.match_status),
    ]
    tallies: dict[int, dict[str, int]] = {}
    for query in queries:
        for upload_id, status, count in session.execute(query):
            tally = tallies.setdefault(upload_id, {})
            tally[status] = tally.get(status, 0) + count
    result = {}
    for upload_id in upload_ids:
        tally = tallies.get(upload_id, {})
        matched = tally.pop(MatchStatus.MATCHED.value, 0)
        result[upload_id] = MatchCounts(
            matched=matched,
            not_matched=sum(tally.values()),
            waiting=tally.get(MatchStatus.PENDING.value, 0),
        )
    return result


def upload_rows_page(
    session: Session, upload_id: int, outcome: str | None, page: int, size: int = PAGE_SIZE
) -> Page:
    """One page of an upload's row outcomes, optionally of one outcome only."""
    query = _select(upload_id, outcome)
    page, total = page_bounds(session, query, page, size)
    rows = session.execute(query.limit(size).offset((page - 1) * size))
    return Page([_row_outcome(row) for row in rows], page, total, size)


def iter_upload_rows(session: Session, upload_id: int) -> Iterator[RowOutcome]:
    """Every row outcome of an upload, streamed in order (for the .xlsx report)."""
    rows = session.execute(_select(upload_id).execution_options(yield_per=2000))
    return (_row_outcome(row) for row in rows)
