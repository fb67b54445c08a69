"""Activities through the web service: create, read, replace, with clear refusals."""

from __future__ import annotations

import sqlalchemy as sa

from passport.models import Activity, AuditEvent

NEW = {
    "activity_id": "API-2026-01",
    "title": "Opioid prescribing update",
    "activity_type": "internet_enduring",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "max_credits": "2.25",
    "credit_types": ["AMA_PRA_1", "AAFP_PRESCRIBED"],
    "topics": ["pain_eol"],
}


def test_create_read_and_replace(api, world, db_session):
    created = api.post("/api/v1/activities", json=NEW)
    assert created.status_code == 201, created.text
    assert created.headers["Location"].endswith("/api/v1/activities/API-2026-01")
    assert created.json()["credit_types"] == ["AAFP_PRESCRIBED", "AMA_PRA_1"]
    assert api.get("/api/v1/activities/API-2026-01").json()["max_credits"] == "2.25"

    replaced = api.put(
        "/api/v1/activities/API-2026-01", json=NEW | {"activity_id": "API-2026-01B", "topics": []}
    )
    assert replaced.status_code == 200
    assert replaced.json()["topics"] == []
    assert api.get("/api/v1/activities/API-2026-01").status_code == 404
    assert api.get("/api/v1/activities/API-2026-01B").status_code == 200
    activity = db_session.scalar(
        sa.select(Activity).where(Activity.activity_code == "API-2026-01B")
    )
    assert activity.provider_id == world.provider.id
    actions = db_session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_type == "activity")
    ).all()
    assert actions == ["activity.created", "activity.updated"]


def test_a_duplicate_activity_id_is_409(api, world):
    response = api.post(
        "/api/v1/activities", json=NEW | {"activity_id": world.activity.activity_code}
    )
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"


def test_unknown_codes_and_bad_values_are_422_with_pointers(api):
    unknown = api.post("/api/v1/activities", json=NEW | {"credit_types": ["GOLD_STARS"]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "/credit_types"
    self_reported = api.post("/api/v1/activities", json=NEW | {"credit_types": ["SELF_REPORTED"]})
    assert self_reported.status_code == 422
    backwards = api.post("/api/v1/activities", json=NEW | {"ends_on": "2025-01-01"})
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["pointer"] == "/ends_on"
    uneven = api.post("/api/v1/activities", json=NEW | {"max_credits": "2.10"})
    assert uneven.json()["errors"][0]["pointer"] == "/max_credits"
    wrong_type = api.post("/api/v1/activities", json=NEW | {"activity_type": "party"})
    assert wrong_type.json()["errors"][0]["pointer"] == "/activity_type"


def test_activities_are_listed_in_pages(api, world):
    for number in range(3):
        api.post("/api/v1/activities", json=NEW | {"activity_id": f"P-{number}"})
    page = api.get("/api/v1/activities", params={"per_page": 2, "page": 2}).json()
    assert page["total"] == 4 and len(page["items"]) == 2


def test_a_duplicate_that_slips_past_the_check_is_a_409_problem(api, world, monkeypatch):
    monkeypatch.setattr("passport.reporting.activities.activity_id_holder", lambda *a: None)
    response = api.post(
        "/api/v1/activities", json=NEW | {"activity_id": world.activity.activity_code}
    )
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "same moment" in response.json()["detail"]
