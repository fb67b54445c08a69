"""Walk the whole URL map: every route has an access rule, anonymous users are sent to
sign in, and a signed-in user whose role lacks the permission gets 403.

A new route without a rule (or a route with an object id but no tenant case in
``tests/foundation/tenant_cases.py``) fails here.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter, Rule

from passport.accounts.access import PUBLIC, is_static_endpoint
from passport.accounts.permissions import ROLE_PERMISSIONS, Role
from passport.api.oauth import ApiAccess
from tests.conftest import sign_in_as
from tests.foundation.tenant_cases import TENANT_CASES, UNSCOPED_ROUTES

PLACEHOLDER = {"int": 999_999_999, "string": "placeholder"}


def _rules(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if not is_static_endpoint(rule.endpoint)]


def _id_names(rule: Rule) -> set[str]:
    return {
        name
        for name in rule.arguments - set(rule.defaults or {})
        if isinstance(rule._converters[name], IntegerConverter)
    }


def _url(rule: Rule, an_id: int = PLACEHOLDER["int"]) -> str:
    """The rule's URL with ``an_id`` for each id in it and a placeholder for other text."""
    ids = _id_names(rule)
    values = {
        name: an_id if name in ids else PLACEHOLDER["string"]
        for name in rule.arguments - set(rule.defaults or {})
    }
    return rule.build(values | (rule.defaults or {}))[1]


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods & {"GET", "POST"})


def _guarded(app) -> list[Rule]:
    """Web routes behind a sign-in; the web service's routes (bearer tokens only) are
    walked by ``tests/api/test_api_access.py``."""
    return [
        r
        for r in _rules(app)
        if app.view_functions[r.endpoint].access_rule != PUBLIC
        and not isinstance(app.view_functions[r.endpoint].access_rule, ApiAccess)
    ]


def test_every_route_declares_who_may_use_it(app):
    unmarked = [
        r.rule for r in _rules(app) if not hasattr(app.view_functions[r.endpoint], "access_rule")
    ]
    assert unmarked == []


def test_routes_with_object_ids_have_tenant_cases(app):
    missing = [
        r.endpoint
        for r in _guarded(app)
        if r.arguments and r.endpoint not in TENANT_CASES and r.endpoint not in UNSCOPED_ROUTES
    ]
    assert missing == []


def test_anonymous_users_are_sent_to_sign_in(app, client):
    for rule in _guarded(app):
        for method in _methods(rule):
            response = client.open(_url(rule), method=method)
            assert response.status_code == 302, (rule.rule, method)
            assert "/sign-in" in response.headers["Location"], (rule.rule, method)


def test_wrong_role_gets_403(app, users_by_role):
    checked = 0
    for rule in _guarded(app):
        needed = app.view_functions[rule.endpoint].access_rule
        for role in Role:
            if needed <= ROLE_PERMISSIONS[role]:
                continue
            client = sign_in_as(app.test_client(), users_by_role[role.value])
            for method in _methods(rule):
                response = client.open(_url(rule), method=method)
                assert response.status_code == 403, (rule.rule, method, role)
                checked += 1
    assert checked > 0


def test_an_id_past_the_databases_integers_is_not_found(app, users_by_role):
    """Found by a walk like this one: ``/…/<a 25-digit id>`` overflowed SQLite's driver
    (a 500). Ids are matched only within an INTEGER column's range (``IdConverter``)."""
    checked = 0
    for rule in _rules(app):
        if not _id_names(rule):
            continue
        url = _url(rule, an_id=10**25)
        for user in users_by_role.values():
            client = sign_in_as(app.test_client(), user)
            for method in _methods(rule):
                response = client.open(url, method=method)
                assert response.status_code == 404, (url, method, user.email)
                checked += 1
    assert checked > 100
    largest = app.url_map.converters["int"](app.url_map).to_python(str(2**31 - 1))
    assert largest == 2**31 - 1  # the largest id an INTEGER column holds still matches


@pytest.mark.parametrize("endpoint", sorted(TENANT_CASES))
def test_other_tenants_objects_are_refused(app, endpoint, db_session):
    """Staff of one tenant asking for another tenant's object by id get 403."""
    case = TENANT_CASES[endpoint]
    with app.app_context():  # a case may need the app's settings (its upload folder)
        actor, url_values, method = case(db_session)
    client = sign_in_as(app.test_client(), actor)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    response = client.open(rule.build(url_values)[1], method=method)
    assert response.status_code == 403, endpoint


def test_role_homes_render_for_each_role(app, users_by_role):
    for role, user in users_by_role.items():
        client = sign_in_as(app.test_client(), user)
        response = client.get("/", follow_redirects=True)
        assert response.status_code == 200, role
        assert b"Sign out" in response.data


def test_unmarked_view_is_refused_at_run_time(app):
    """Fail closed: even if a route slipped past review, the app refuses it."""
    from passport.accounts.access import refuse_unmarked_views

    with app.test_request_context("/"):
        from flask import request

        request.url_rule  # noqa: B018 - ensure the request matched
        original = app.view_functions["home.index"]
        try:
            app.view_functions["home.index"] = lambda: "open"
            with pytest.raises(Exception) as raised:
                refuse_unmarked_views()
            assert getattr(raised.value, "code", None) == 403
        finally:
            app.view_functions["home.index"] = original


@pytest.mark.parametrize(
    "path",
    [
        "/static/passport.css",
        "/static/upload-progress.js",
        "/bootstrap/static/css/bootstrap.min.css",  # served by the app: no CDN, works offline
    ],
)
def test_static_files_are_public(client, path):
    with client.get(path) as response:
        assert response.status_code == 200
