"""Links built from the request's ``Host:`` header (issue 20): a reset requested with
``Host: evil.example`` mailed a working token to evil.example. Every external link now
comes from ``PASSPORT_BASE_URL``, and other hosts are refused."""

from __future__ import annotations

import io
import logging
import re

import pytest
from pypdf import PdfReader

from passport.config import load_settings
from passport.errors import ConfigurationError
from tests import factories
from tests.conftest import sign_in_as

BASE = "http://passport.test"  # the test app's PASSPORT_BASE_URL


@pytest.fixture(autouse=True)
def no_server_name(app, monkeypatch):
    """As in production: no SERVER_NAME (which would otherwise build the links and hide
    what the Host header does); the test client then says ``Host: localhost``."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)


def test_a_reset_asked_for_through_another_host_is_refused(client, physician, caplog):
    with caplog.at_level(logging.WARNING, logger="passport.mail"):
        response = client.post(
            "/reset-password",
            data={"email": physician.email},
            headers={"Host": "evil.example"},
        )
    assert response.status_code == 400
    assert "reset-password/" not in caplog.text  # no token went anywhere


def test_a_forwarded_host_is_not_believed_either(client, physician, caplog):
    with caplog.at_level(logging.WARNING, logger="passport.mail"):
        client.post(
            "/reset-password",
            data={"email": physician.email},
            headers={"X-Forwarded-Host": "evil.example"},
        )
    assert "evil.example" not in caplog.text


def test_a_reset_link_always_starts_with_the_configured_base(client, physician, caplog):
    """Even from a host the app answers (localhost in development), the link is the
    configured site's."""
    with caplog.at_level(logging.WARNING, logger="passport.mail"):
        response = client.post(
            "/reset-password", data={"email": physician.email}, base_url="http://localhost:8080"
        )
    assert response.status_code == 302
    links = re.findall(r"https?://\S+", caplog.text)
    assert any(link.startswith(BASE + "/reset-password/") for link in links)
    assert all(link.startswith(BASE + "/") for link in links)  # the unsubscribe link too


def test_the_pdf_verification_url_uses_the_configured_base(app, db_session):
    link = factories.LicenseLinkFactory()
    client = sign_in_as(app.test_client(), link.user)
    response = client.get("/physician/transcript.pdf", base_url="http://localhost:5000")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert re.search(r"Check this\s+transcript at\s+http://\s*passport\.test/verify/", text), text
    assert "localhost" not in text


def test_the_openapi_server_is_the_configured_base(client):
    document = client.get("/api/v1/openapi.json", base_url="http://localhost").get_json()
    assert document["servers"] == [{"url": BASE + "/api/v1"}] or document["servers"] == [
        {"url": BASE}
    ]


def test_the_api_client_page_shows_the_configured_token_url(app, db_session):
    staff = factories.ProviderStaffFactory()
    client = sign_in_as(app.test_client(), staff)
    page = client.post(
        "/provider/api-clients/",
        data={"name": "Nightly export", "scopes": ["completions:write"]},
        base_url="http://localhost",
    ).get_data(as_text=True)
    assert BASE + "/api/v1/oauth/token" in page
    assert "http://localhost" not in page


# Configuration ---------------------------------------------------------------------------

PRODUCTION = {
    "PASSPORT_ENV": "production",
    "PASSPORT_SECRET_KEY": "x" * 40,
    "PASSPORT_DATABASE_URL": "postgresql+psycopg://db/passport",
    "PASSPORT_REDIS_URL": "redis://cache:6379/0",
    "PASSPORT_BASE_URL": "https://passport.mbc.example",
}


@pytest.fixture
def production(monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_refuses_to_start_without_a_base_url(tmp_path, production):
    production.delenv("PASSPORT_BASE_URL")
    with pytest.raises(ConfigurationError, match="PASSPORT_BASE_URL"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    "bad",
    [
        "passport.mbc.example",
        "ftp://passport.mbc.example",
        "https://",
        "https://passport.mbc.example/app?x=1",
        "https://user@passport.mbc.example",
    ],
)
def test_a_base_url_that_is_not_an_origin_is_refused(tmp_path, production, bad):
    production.setenv("PASSPORT_BASE_URL", bad)
    with pytest.raises(ConfigurationError, match="PASSPORT_BASE_URL"):
        load_settings(tmp_path)


def test_production_trusts_only_the_base_urls_host(tmp_path, production):
    settings = load_settings(tmp_path)
    assert settings["PASSPORT_BASE_URL"] == "https://passport.mbc.example"
    assert settings["TRUSTED_HOSTS"] == ["passport.mbc.example"]


def test_local_use_defaults_to_the_local_server(tmp_path, monkeypatch):
    for name in ("PASSPORT_ENV", "PASSPORT_BASE_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(tmp_path)
    assert settings["PASSPORT_BASE_URL"] == "http://127.0.0.1:5000"
    assert set(settings["TRUSTED_HOSTS"]) == {"127.0.0.1", "localhost"}
    monkeypatch.setenv("PORT", "8000")
    assert load_settings(tmp_path)["PASSPORT_BASE_URL"] == "http://127.0.0.1:8000"


# Shared rate limits ----------------------------------------------------------------------


def test_production_refuses_per_worker_rate_limits(tmp_path, production):
    """Limits kept in each worker's memory multiply with the workers (two gunicorn
    workers took 16 failed sign-ins a minute against '10 per minute')."""
    production.delenv("PASSPORT_REDIS_URL")
    with pytest.raises(ConfigurationError, match="PASSPORT_REDIS_URL"):
        load_settings(tmp_path)


def test_production_may_keep_limits_in_memory_only_when_told_so(tmp_path, production):
    production.delenv("PASSPORT_REDIS_URL")
    production.setenv("PASSPORT_ALLOW_MEMORY_RATE_LIMITS", "1")
    assert load_settings(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_uses_redis_for_rate_limits(tmp_path, production):
    assert load_settings(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
