"""An upload's row outcomes read as one list, in row order, whether a row wrote a version
(created, updated, deleted) or an ``upload_rows`` entry (rejected, unchanged)."""

from __future__ import annotations

import sqlalchemy as sa

from passport.models import Completion, CompletionVersion, UploadRow
from passport.reporting.outcomes import iter_upload_rows, upload_rows_page
from tests.reporting.helpers import csv_bytes, row
from tests.reporting.test_pipeline import upload_file

MIXED = [
    row(),  # 2: created
    row(license_or_npi="A999999", first_name="Ann"),  # 3: created, unmatched
    row(credits="3"),  # 4: the first learner again, corrected: updated
    row(credits="3"),  # 5: the same again: unchanged
    row(credits="0.3"),  # 6: rejected
    row(record_action="Delete", license_or_npi="A999999"),  # 7: deleted
]


def _outcomes(db_session, upload):
    return list(iter_upload_rows(db_session, upload.id))


def test_every_row_in_order_with_its_outcome(db_session, world, tmp_path):
    upload, _ = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(MIXED))
    outcomes = _outcomes(db_session, upload)
    assert [(o.row_number, o.outcome) for o in outcomes] == [
        (2, "created"),
        (3, "created"),
        (4, "updated"),
        (5, "unchanged"),
        (6, "rejected"),
        (7, "deleted"),
    ]
    by_row = {o.row_number: o for o in outcomes}
    jane = by_row[2].completion_id
    assert jane is not None and by_row[4].completion_id == jane == by_row[5].completion_id
    assert by_row[6].completion_id is None and by_row[6].errors[0]["field"] == "credits"


def test_a_stored_row_shows_the_values_stored_and_a_refused_one_the_values_sent(
    db_session, world, tmp_path
):
    upload, _ = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(MIXED))
    by_row = {o.row_number: o.values for o in _outcomes(db_session, upload)}
    assert by_row[2] | {"completion_date": "-"} == {
        "record_action": "Add",
        "activity_id": "ACT-1",
        "completion_date": "-",
        "first_name": "Jane",
        "last_name": "Doe",
        "date_of_birth": "04/12",
        "licensing_state": "CA",
        "license_or_npi": "A123456",
        "credits": "2.50",
        "credit_type": "AMA_PRA_1",
    }
    assert by_row[4]["credits"] == "3.00"  # the corrected version, not the current record
    assert by_row[7]["record_action"] == "Delete"
    assert by_row[6]["credits"] == "0.3" and by_row[6]["credit_type"] == "AMA PRA Category 1"


def test_rows_that_wrote_a_version_write_no_upload_row(db_session, world, tmp_path):
    upload, _ = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(MIXED))
    stored = db_session.scalars(
        sa.select(UploadRow.outcome).where(UploadRow.upload_id == upload.id)
    ).all()
    assert sorted(stored) == ["rejected", "unchanged"]


def test_pages_and_the_outcome_filter_span_both_kinds(db_session, world, tmp_path):
    upload, _ = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(MIXED))
    second = upload_rows_page(db_session, upload.id, None, page=2, size=4)
    assert (second.total, [o.row_number for o in second.items]) == (6, [6, 7])
    created = upload_rows_page(db_session, upload.id, "created", page=1)
    assert [o.row_number for o in created.items] == [2, 3]
    assert upload_rows_page(db_session, upload.id, "unchanged", page=1).total == 1


def test_an_upload_from_before_versions_told_rows_reads_the_same(db_session, world, tmp_path):
    # Before migration 0011 every outcome was an upload_rows entry and versions had no
    # row number: such an upload must list each row once, with the values as sent.
    upload, _ = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes([row()]))
    completion = db_session.scalars(sa.select(Completion)).one()
    db_session.execute(sa.update(CompletionVersion).values(row_number=None))
    db_session.add(
        UploadRow(
            upload_id=upload.id,
            row_number=2,
            outcome="created",
            completion_id=completion.id,
            submitted={"activity_id": "ACT-1", "first_name": "Jane"},
        )
    )
    db_session.flush()
    (outcome,) = _outcomes(db_session, upload)
    assert (outcome.row_number, outcome.outcome, outcome.values["first_name"]) == (
        2,
        "created",
        "Jane",
    )
