"""Outcomes, history, idempotency and matching, through the upload service."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from passport.models import Completion, CompletionVersion, Upload, UploadRow
from passport.reporting import services
from passport.reporting.models import ConsentBasis, UploadMethod
from passport.reporting.parsers import FileRefused
from tests.reporting.helpers import csv_bytes, row, write, xlsx_bytes, xml_bytes


def upload_file(session, world, tmp_path, name, content, consent=ConsentBasis.YEAR):
    path = write(tmp_path, name, content)
    with open(path, "rb") as handle:
        stored = services.store_upload_file(handle, tmp_path / "store", path.suffix.lstrip("."))
    upload = services.create_upload(
        session,
        provider_id=world.provider.id,
        user_id=world.staff.id,
        method=UploadMethod(path.suffix.lstrip(".")),
        stored=stored,
        original_filename=name,
        consent=consent,
    )
    counts = services.process_upload(session, upload)
    session.commit()
    return upload, counts


def live(session):
    return list(session.scalars(sa.select(Completion).where(Completion.deleted_at.is_(None))))


@pytest.mark.parametrize(
    ("name", "builder"), [("a.xlsx", xlsx_bytes), ("a.csv", csv_bytes), ("a.xml", xml_bytes)]
)
def test_each_format_creates_matched_completions(db_session, world, tmp_path, name, builder):
    rows = [
        row(),
        row(
            first_name="Omar",
            last_name="obrien nunez",
            date_of_birth="02/29",
            license_or_npi="20a12345",
        ),
    ]
    upload, counts = upload_file(db_session, world, tmp_path, name, builder(rows))
    assert (counts.created, counts.rejected) == (2, 0)
    completions = {c.license_number: c for c in live(db_session)}
    assert completions["A123456"].licensee_id == world.jane.id
    assert completions["20A12345"].licensee_id == world.omar.id  # accents, hyphen, Jr. forgiven
    assert completions["20A12345"].board_id == world.omar.board_id
    assert upload.status == "done" and len(upload.sha256) == 64


def test_sending_the_same_file_again_changes_nothing(db_session, world, tmp_path):
    content = xlsx_bytes(
        [
            row(),
            row(
                license_or_npi="20A12345",
                first_name="Omar",
                last_name="O'Brien-Núñez",
                date_of_birth="02/29",
            ),
        ]
    )
    upload_file(db_session, world, tmp_path, "a.xlsx", content)
    before = db_session.scalar(sa.select(sa.func.count()).select_from(CompletionVersion))
    _, counts = upload_file(db_session, world, tmp_path, "a.xlsx", content)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 2)
    assert len(live(db_session)) == 2
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CompletionVersion)) == before


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(db_session, world, tmp_path):
    upload_file(db_session, world, tmp_path, "a.csv", csv_bytes([row(credits="2")]))
    _, counts = upload_file(db_session, world, tmp_path, "b.csv", csv_bytes([row(credits="3.25")]))
    assert counts.updated == 1
    (completion,) = live(db_session)
    assert completion.credits == Decimal("3.25") and completion.version == 2
    versions = db_session.scalars(
        sa.select(CompletionVersion)
        .where(CompletionVersion.completion_id == completion.id)
        .order_by(CompletionVersion.version)
    ).all()
    assert [(v.action, v.credits) for v in versions] == [
        ("add", Decimal("2.00")),
        ("update", Decimal("3.25")),
    ]


def test_delete_then_add_again(db_session, world, tmp_path):
    upload_file(db_session, world, tmp_path, "a.csv", csv_bytes([row()]))
    _, counts = upload_file(
        db_session, world, tmp_path, "b.csv", csv_bytes([row(record_action="Delete")])
    )
    assert counts.deleted == 1 and live(db_session) == []
    _, again = upload_file(
        db_session, world, tmp_path, "c.csv", csv_bytes([row(record_action="Delete")])
    )
    assert again.unchanged == 1
    _, restored = upload_file(db_session, world, tmp_path, "d.csv", csv_bytes([row()]))
    assert restored.created == 1 and len(live(db_session)) == 1
    actions = db_session.scalars(
        sa.select(CompletionVersion.action).order_by(CompletionVersion.version)
    ).all()
    assert actions == ["add", "delete", "restore"]


def test_deleting_what_was_never_reported_is_rejected(db_session, world, tmp_path):
    _, counts = upload_file(
        db_session, world, tmp_path, "a.csv", csv_bytes([row(record_action="Delete")])
    )
    assert counts.rejected == 1


def test_rejected_rows_store_nothing_and_say_why(db_session, world, tmp_path):
    upload, counts = upload_file(
        db_session,
        world,
        tmp_path,
        "a.csv",
        csv_bytes([row(), row(license_or_npi="C777", credits="1.1", date_of_birth="02/31")]),
    )
    assert (counts.created, counts.rejected) == (1, 1)
    rejected = db_session.scalar(
        sa.select(UploadRow).where(
            UploadRow.upload_id == upload.id, UploadRow.outcome == "rejected"
        )
    )
    assert rejected.row_number == 3 and rejected.completion_id is None
    assert {e["field"] for e in rejected.errors} == {"credits", "date_of_birth"}
    assert rejected.submitted["license_or_npi"] == "C777"
    assert len(live(db_session)) == 1


def test_the_same_learner_twice_in_one_file(db_session, world, tmp_path):
    _, counts = upload_file(
        db_session, world, tmp_path, "a.csv", csv_bytes([row(credits="1"), row(credits="2")])
    )
    assert (counts.created, counts.updated) == (1, 1)
    (completion,) = live(db_session)
    assert completion.credits == Decimal("2.00") and completion.version == 2


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ({"license_or_npi": "A999999"}, "no_such_license"),
        ({"last_name": "Smith"}, "identity_mismatch"),
        ({"date_of_birth": "04/13"}, "identity_mismatch"),
        ({"last_name": "DOE jr."}, "matched"),
        ({"license_or_npi": "1234567893", "licensing_state": ""}, "matched"),
    ],
)
def test_matching_variants(db_session, world, tmp_path, values, status):
    upload_file(db_session, world, tmp_path, "a.csv", csv_bytes([row(**values)]))
    (completion,) = live(db_session)
    assert completion.match_status == status
    assert (completion.licensee_id is not None) == (status == "matched")


def test_unmatched_records_match_again_when_the_roster_changes(db_session, world, tmp_path):
    upload_file(db_session, world, tmp_path, "a.csv", csv_bytes([row(license_or_npi="A555555")]))
    assert services.rematch_unmatched(db_session) == 0
    from tests import factories

    licensee = factories.LicenseeFactory(license_number="A555555", last_name="Doe")
    assert services.rematch_unmatched(db_session) == 1
    (completion,) = live(db_session)
    assert completion.licensee_id == licensee.id and completion.match_status == "matched"


def test_file_refused_midway_stores_nothing(db_session, world, tmp_path, monkeypatch):
    from passport.reporting import parsers

    monkeypatch.setattr(parsers, "MAX_ROWS", 3)
    monkeypatch.setattr(parsers, "_TOO_MANY_ROWS", "too many rows")
    with pytest.raises(FileRefused):
        upload_file(
            db_session,
            world,
            tmp_path,
            "a.csv",
            csv_bytes([row(license_or_npi=f"A{n}") for n in range(10, 16)]),
        )
    db_session.rollback()
    assert live(db_session) == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0


def test_web_form_record_goes_through_the_same_pipeline(db_session, world):
    from passport.reporting.records import RawRecord

    upload, outcome = services.report_single_record(
        db_session,
        provider_id=world.provider.id,
        user_id=world.staff.id,
        record=RawRecord(1, row(permission="")),
        consent=ConsentBasis.ACTIVITY,
    )
    assert outcome == "created" and upload.method == "form"
    with pytest.raises(services.RecordRejected) as rejected:
        services.report_single_record(
            db_session,
            provider_id=world.provider.id,
            user_id=world.staff.id,
            record=RawRecord(1, row(credits="99")),
            consent=ConsentBasis.ACTIVITY,
        )
    assert rejected.value.errors[0].field.value == "credits"


def test_row_counts_for_the_progress_bar(tmp_path):
    rows = [row()] * 4
    assert services.count_rows("xlsx", write(tmp_path, "a.xlsx", xlsx_bytes(rows))) == 4
    assert services.count_rows("csv", write(tmp_path, "a.csv", csv_bytes(rows))) == 4
    assert services.count_rows("xml", write(tmp_path, "a.xml", xml_bytes(rows))) == 4


def test_a_chunk_of_new_completions_gets_the_ids_the_database_gave(db_session, world, tmp_path):
    # An older completion, since deleted: on PostgreSQL its id stays a gap below the new
    # ones, on SQLite it is given out again. Either way each version of the new upload must
    # point at its own completion.
    upload_file(db_session, world, tmp_path, "old.csv", csv_bytes([row(license_or_npi="A555")]))
    db_session.execute(sa.delete(UploadRow))
    db_session.execute(sa.delete(CompletionVersion))
    db_session.execute(sa.delete(Completion))
    rows = [row(), row(license_or_npi="20A12345", last_name="O'Brien-Nunez", date_of_birth="02/29")]
    rows += [row(license_or_npi=f"A{700000 + n}") for n in range(30)]
    upload, counts = upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(rows))
    assert counts.created == 32
    outcomes = db_session.execute(
        sa.select(CompletionVersion.row_number, Completion.license_number, CompletionVersion.action)
        .join(Completion, Completion.id == CompletionVersion.completion_id)
        .where(CompletionVersion.upload_id == upload.id)
        .order_by(CompletionVersion.row_number)
    ).all()
    assert [(n, licence) for n, licence, _ in outcomes] == [
        (2, "A123456"),
        (3, "20A12345"),
        *((4 + n, f"A{700000 + n}") for n in range(30)),
    ]
    assert {action for _, _, action in outcomes} == {"add"}


def test_an_upload_notes_its_matched_licensees_for_the_audit(db_session, world, tmp_path):
    from passport.compliance.models import StaleStanding

    db_session.execute(sa.delete(StaleStanding))
    rows = [row(), row(credits="2"), row(license_or_npi="A999999")]  # the third is unmatched
    rows.append(row(license_or_npi="20A12345", last_name="Obrien Nunez", date_of_birth="02/29"))
    upload_file(db_session, world, tmp_path, "a.csv", csv_bytes(rows))
    noted = db_session.scalars(sa.select(StaleStanding.licensee_id)).all()
    assert set(noted) == {world.jane.id, world.omar.id}
    if db_session.get_bind().dialect.name == "sqlite":  # PostgreSQL never skips a note
        assert len(noted) == 2


def test_the_cycle_collector_pause_nests_and_restores_what_it_found():
    import gc

    from passport.bulk import cyclic_gc_paused

    assert gc.isenabled()
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still runs
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
