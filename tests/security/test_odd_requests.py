"""Odd query-string numbers are never a 500, and pages with personal data are never kept
by a browser's or a proxy's cache (issue 20)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import sign_in_as

ODD_NUMBERS = ["99999999999999999999", "\u00b2", "\u0663", "-1", "1e3", " 7 ", "0x10"]


@pytest.fixture
def linked_client(app, db_session):
    link = factories.LicenseLinkFactory()
    return sign_in_as(app.test_client(), link.user)


@pytest.mark.parametrize("odd", ODD_NUMBERS)
def test_an_odd_license_for_the_pdf_is_not_a_server_error(linked_client, odd):
    response = linked_client.get("/physician/transcript.pdf", query_string={"license": odd})
    assert response.status_code in (200, 400, 404), response.status_code


@pytest.mark.parametrize("odd", ODD_NUMBERS)
@pytest.mark.parametrize("name", ["license", "provider", "page"])
def test_odd_transcript_filters_are_ignored(linked_client, name, odd):
    response = linked_client.get("/physician/transcript", query_string={name: odd})
    assert response.status_code in (200, 302, 404), response.status_code


@pytest.mark.parametrize("odd", ODD_NUMBERS)
@pytest.mark.parametrize(
    ("client_fixture", "path"),
    [
        ("board_client", "/board/audit"),
        ("board_client", "/board/discrepancies"),
        ("board_client", "/board/access-log"),
        ("provider_client", "/provider/discrepancies/"),
        ("admin_client", "/admin/audit-trail"),
    ],
)
def test_odd_page_numbers_are_ignored(request, client_fixture, path, odd):
    client = request.getfixturevalue(client_fixture)
    response = client.get(path, query_string={"page": odd, "object_id": odd})
    assert response.status_code == 200, response.status_code


# Cache-Control ---------------------------------------------------------------------------


def _cache_control(response) -> str:
    return response.headers.get("Cache-Control", "")


def test_a_board_licensee_page_is_not_stored(board_client, db_session):
    licensee = factories.LicenseeFactory()
    response = board_client.get(f"/board/licensees/{licensee.id}")
    assert response.status_code == 200
    assert "no-store" in _cache_control(response)


def test_a_provider_discrepancy_with_a_learner_dob_is_not_stored(app, db_session):
    discrepancy = factories.DiscrepancyFactory()
    staff = factories.ProviderStaffFactory(provider=discrepancy.completion.activity.provider)
    client = sign_in_as(app.test_client(), staff)
    response = client.get(f"/provider/discrepancies/{discrepancy.id}")
    assert response.status_code == 200
    assert "no-store" in _cache_control(response)


@pytest.mark.parametrize(
    ("client_fixture", "path"),
    [
        ("physician_client", "/physician/"),
        ("physician_client", "/account"),
        ("provider_client", "/provider/"),
        ("board_client", "/board/"),
        ("admin_client", "/admin/"),
    ],
)
def test_every_signed_in_page_is_not_stored(request, client_fixture, path):
    response = request.getfixturevalue(client_fixture).get(path)
    assert response.status_code == 200
    assert "no-store" in _cache_control(response)


def test_verify_pages_and_the_api_are_not_stored(client):
    assert "no-store" in _cache_control(client.get("/verify/ABCD-EFGH-JKLM"))
    assert "no-store" in _cache_control(client.get("/verify"))
    api = client.get("/api/v1/activities")  # refused without a token, still JSON
    assert api.status_code == 401
    assert "no-store" in _cache_control(api)


def test_static_files_stay_cacheable(client):
    with client.get("/static/passport.css") as response:
        assert response.status_code == 200
        assert "no-store" not in _cache_control(response)
