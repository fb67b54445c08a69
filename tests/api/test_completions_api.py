"""Submitting, reading, listing and deleting completions through the web service: the
same pipeline, validation and outcomes as uploads; idempotency; clear problems."""

from __future__ import annotations

import sqlalchemy as sa

from passport.models import Completion, CompletionVersion, Upload
from tests.api.conftest import record

SUBMIT = "/api/v1/completions"


def _batch(*records, attested=True) -> dict:
    return {"permission_attested": attested, "records": list(records)}


def test_valid_records_are_stored_and_rejected_ones_explained(api, world, db_session):
    response = api.post(
        SUBMIT,
        json=_batch(
            record(world),
            record(world, license_number="A12", credits="0.30", completion_date="2099-01-01"),
            record(world, activity_id="NOT-OURS", license_number=None, npi="1234567893"),
        ),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "rejected": 2,
        "not_matched": 0,
    }
    first, second, third = body["records"]
    assert first["outcome"] == "created" and first["errors"] == []
    assert second["outcome"] == "rejected" and second["completion_id"] is None
    assert {e["pointer"] for e in second["errors"]} == {
        "/records/1/credits",
        "/records/1/completion_date",
    }
    assert [e["pointer"] for e in third["errors"]] == ["/records/2/activity_id"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 1
    upload = db_session.get(Upload, body["upload_id"])
    assert upload.method == "api" and upload.sha256 and upload.api_client_id


def test_sending_the_same_records_again_changes_nothing(api, world, db_session):
    api.post(SUBMIT, json=_batch(record(world)))
    again = api.post(SUBMIT, json=_batch(record(world))).json()
    assert again["records"][0]["outcome"] == "unchanged"
    corrected = api.post(SUBMIT, json=_batch(record(world, credits="2.00"))).json()
    assert corrected["records"][0]["outcome"] == "updated"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CompletionVersion)) == 2


def test_a_batch_with_nothing_acceptable_is_a_422_problem(api, world, db_session):
    response = api.post(SUBMIT, json=_batch(record(world), attested=False))
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["pointer"] == "/records/0/permission_scope"
    assert "permission_attested" in problem["errors"][0]["detail"]
    assert db_session.get(Upload, problem["upload_id"]).rejected_count == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 0


def test_per_record_permission_is_enough(api, world):
    response = api.post(SUBMIT, json=_batch(record(world, permission_scope="year"), attested=False))
    assert response.json()["records"][0]["outcome"] == "created"


def test_schema_errors_point_at_the_value(api, world):
    response = api.post(SUBMIT, json=_batch(record(world, credits=1.5, surprise="x")))
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/records/0/credits", "/records/0/surprise"}


def test_malformed_json_is_400_and_other_media_415(api):
    broken = api.post(
        SUBMIT, content=b'{"records": [', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.json()["title"] == "Malformed JSON"
    form = api.post(SUBMIT, data={"records": "x"})
    assert form.status_code == 415


def test_more_than_ten_thousand_records_is_413(api, world, db_session):
    response = api.post(SUBMIT, json=_batch(*[record(world)] * 10_001))
    assert response.status_code == 413
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0


def test_idempotency_key_replays_the_first_answer(api, world, db_session):
    headers = {"Idempotency-Key": "batch-2026-11-23-001"}
    first = api.post(SUBMIT, json=_batch(record(world)), headers=headers)
    second = api.post(SUBMIT, json=_batch(record(world)), headers=headers)
    assert second.status_code == first.status_code == 200
    assert second.json() == first.json()  # "created" again, from the same upload
    assert second.headers["Idempotent-Replayed"] == "true"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1
    reused = api.post(SUBMIT, json=_batch(record(world, credits="3.00")), headers=headers)
    assert reused.status_code == 422
    assert "Idempotency-Key" in reused.json()["title"]


def test_an_idempotent_422_is_replayed_too(api, world, db_session):
    headers = {"Idempotency-Key": "k-422"}
    first = api.post(SUBMIT, json=_batch(record(world), attested=False), headers=headers)
    second = api.post(SUBMIT, json=_batch(record(world), attested=False), headers=headers)
    assert first.status_code == second.status_code == 422
    assert first.json() == second.json()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1


def test_list_filters_and_pages(api, world):
    api.post(
        SUBMIT,
        json=_batch(
            record(world),
            record(
                world,
                first_name="Omar",
                last_name="O'Brien-Núñez Jr.",
                date_of_birth="02-29",
                license_number="20A12345",
            ),
            record(world, first_name="Nobody", last_name="Known", license_number="A999999"),
        ),
    )
    everything = api.get("/api/v1/completions").json()
    assert everything["total"] == 3
    unmatched = api.get("/api/v1/completions", params={"match_status": "no_such_license"}).json()
    assert [c["last_name"] for c in unmatched["items"]] == ["Known"]
    assert unmatched["items"][0]["match_reason"].startswith("No licensee")
    page = api.get("/api/v1/completions", params={"per_page": 2, "page": 2}).json()
    assert page["page"] == 2 and len(page["items"]) == 1
    bad = api.get("/api/v1/completions", params={"per_page": 0, "colour": "red"})
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.json()["errors"]} == {"/per_page", "/colour"}


def test_delete_keeps_the_history_and_hides_it_from_the_list(api, world, db_session):
    created = api.post(SUBMIT, json=_batch(record(world))).json()["records"][0]
    deleted = api.delete(f"/api/v1/completions/{created['completion_id']}")
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert api.get("/api/v1/completions").json()["total"] == 0
    assert api.get("/api/v1/completions", params={"include_deleted": "true"}).json()["total"] == 1
    actions = db_session.scalars(
        sa.select(CompletionVersion.action).order_by(CompletionVersion.version)
    ).all()
    assert actions == ["add", "delete"]
    again = api.delete(f"/api/v1/completions/{created['completion_id']}")
    assert again.status_code == 200  # deleting twice is harmless


def test_upload_status_and_row_outcomes(api, world):
    body = api.post(SUBMIT, json=_batch(record(world), record(world, credits="0.30"))).json()
    assert body["records"][1]["outcome"] == "rejected"
    upload = api.get(f"/api/v1/uploads/{body['upload_id']}").json()
    assert upload["status"] == "done"
    assert upload["counts"]["created"] == 1
    rows = api.get(f"/api/v1/uploads/{body['upload_id']}/rows", params={"outcome": "rejected"})
    assert [r["row_number"] for r in rows.json()["items"]] == [2]


def test_learner_check_says_who_matches_without_storing(api, world, db_session):
    response = api.post(
        "/api/v1/learners/check",
        json={
            "learners": [
                {
                    "first_name": "Jane",
                    "last_name": "DOE",
                    "date_of_birth": "--04-12",
                    "licensing_state": "CA",
                    "license_number": " a123456 ",
                },
                {
                    "first_name": "Jane",
                    "last_name": "Smith",
                    "date_of_birth": "--04-12",
                    "licensing_state": "CA",
                    "license_number": "A123456",
                },
                {
                    "first_name": "Jane",
                    "last_name": "Doe",
                    "date_of_birth": "--04-12",
                    "npi": "1234567890",
                },
            ]
        },
    )
    assert response.status_code == 200
    first, second, third = response.json()["learners"]
    assert first["matched"] is True and first["reason"] is None
    assert second["matched"] is False and "last name" in second["reason"]
    assert third["errors"][0]["pointer"] == "/learners/2/npi"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0
