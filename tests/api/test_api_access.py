"""Walk every web-service route: no token gets 401, a session cookie is never enough, a
token without the scope gets 403, and another provider's objects are 404 (the API does not
confirm they exist). A new API route with an id but no case here fails."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from passport.accounts.access import PUBLIC
from passport.api.oauth import ApiAccess
from tests import factories
from tests.api.conftest import make_credentials, oauth_client, record
from tests.conftest import sign_in_as

METHODS = {"GET", "POST", "PUT", "DELETE"}


def _api_rules(app) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if isinstance(getattr(app.view_functions[rule.endpoint], "access_rule", None), ApiAccess)
    ]


def _url(rule: Rule, values: dict | None = None) -> str:
    defaults = {name: 999_999 if name.endswith("_id") else "NO-SUCH" for name in rule.arguments}
    return rule.build(defaults | (values or {}))[1]


def _calls(app):
    for rule in _api_rules(app):
        for method in sorted(rule.methods & METHODS):
            yield rule, method


def test_every_api_route_is_public_or_needs_a_token(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            access = app.view_functions[rule.endpoint].access_rule
            assert access == PUBLIC or isinstance(access, ApiAccess), rule.rule


def test_no_token_gets_401_problem(app, client):
    for rule, method in _calls(app):
        response = client.open(_url(rule), method=method, json={})
        assert response.status_code == 401, (rule.rule, method)
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_a_signed_in_session_is_not_an_api_credential(app, users_by_role):
    for user in users_by_role.values():
        client = sign_in_as(app.test_client(), user)
        for rule, method in _calls(app):
            assert client.open(_url(rule), method=method, json={}).status_code == 401


def test_a_token_without_the_scope_gets_403(app, db_session, world):
    credentials = make_credentials(db_session, world.provider.id, ["completions:read"])
    checked = 0
    with oauth_client(app, credentials) as api:
        for rule, method in _calls(app):
            needed = app.view_functions[rule.endpoint].access_rule
            if needed <= {"completions:read"}:
                continue
            response = api.request(method, _url(rule), json={})
            assert response.status_code == 403, (rule.rule, method)
            checked += 1
    assert checked >= 4


def _foreign_completion(session):
    return {"completion_id": factories.CompletionFactory().id}


def _foreign_activity(session):
    return {"activity_code": factories.ActivityFactory(activity_code="THEIRS-1").activity_code}


def _foreign_upload(session):
    from passport.models import Upload

    upload = Upload(provider_id=factories.ProviderFactory().id, method="api", status="done")
    session.add(upload)
    session.commit()
    return {"upload_id": upload.id}


API_TENANT_CASES = {
    "api.get_completion": _foreign_completion,
    "api.delete_completion": _foreign_completion,
    "api.get_activity": _foreign_activity,
    "api.update_activity": _foreign_activity,
    "api.get_upload": _foreign_upload,
    "api.get_upload_rows": _foreign_upload,
}


def test_every_api_route_with_an_id_has_a_tenant_case(app):
    missing = [r.endpoint for r in _api_rules(app) if r.arguments]
    assert sorted(set(missing) - set(API_TENANT_CASES)) == []


@pytest.mark.parametrize("endpoint", sorted(API_TENANT_CASES))
def test_another_providers_objects_are_not_found(app, db_session, world, api, endpoint):
    values = API_TENANT_CASES[endpoint](db_session)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    for method in sorted(rule.methods & METHODS):
        body = None
        if method == "PUT":
            body = {
                "activity_id": "MINE-NOW",
                "title": "Taken over",
                "activity_type": "live",
                "starts_on": "2026-01-01",
                "ends_on": "2026-01-02",
                "max_credits": "1.00",
                "credit_types": ["AMA_PRA_1"],
            }
        response = api.request(method, _url(rule, values), json=body)
        assert response.status_code == 404, (endpoint, method)
        assert response.headers["Content-Type"] == "application/problem+json"


def test_listings_hold_only_the_clients_own_provider(app, db_session, world, api):
    theirs = factories.CompletionFactory()
    mine = api.post(
        "/api/v1/completions", json={"permission_attested": True, "records": [record(world)]}
    ).json()["records"][0]["completion_id"]
    listed = {item["id"] for item in api.get("/api/v1/completions").json()["items"]}
    assert listed == {mine}
    assert theirs.id not in listed
    codes = {item["activity_id"] for item in api.get("/api/v1/activities").json()["items"]}
    assert codes == {world.activity.activity_code}
    uploads = api.get("/api/v1/uploads").json()["items"]
    assert [u["method"] for u in uploads] == ["api"]


def test_rate_limit_is_per_client_and_answers_429_problem(app, db_session, world, monkeypatch):
    monkeypatch.setitem(app.config, "PASSPORT_API_RATE_LIMIT", "3 per minute")
    first = make_credentials(db_session, world.provider.id)
    second = make_credentials(db_session, world.provider.id)
    with oauth_client(app, first) as api:
        statuses = [api.get("/api/v1/activities").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = api.get("/api/v1/activities")
        assert limited.headers["Content-Type"] == "application/problem+json"
        assert int(limited.headers["Retry-After"]) > 0
    with oauth_client(app, second) as other:
        assert other.get("/api/v1/activities").status_code == 200
