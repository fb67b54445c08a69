"""Settings: safe local defaults; production refuses to start half-configured."""

from __future__ import annotations

import pytest

from passport.config import load_settings
from passport.errors import ConfigurationError


def test_local_defaults_use_sqlite_and_a_kept_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("PASSPORT_DATABASE_URL", raising=False)
    monkeypatch.delenv("PASSPORT_SECRET_KEY", raising=False)
    monkeypatch.delenv("PASSPORT_ENV", raising=False)
    first = load_settings(tmp_path)
    second = load_settings(tmp_path)
    assert first["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "present", [{}, {"PASSPORT_SECRET_KEY": "x" * 40}, {"PASSPORT_DATABASE_URL": "postgresql://x"}]
)
def test_production_refuses_missing_secrets(tmp_path, monkeypatch, present):
    monkeypatch.setenv("PASSPORT_ENV", "production")
    monkeypatch.delenv("PASSPORT_DATABASE_URL", raising=False)
    monkeypatch.delenv("PASSPORT_SECRET_KEY", raising=False)
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError):
        load_settings(tmp_path)


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSPORT_ENV", "production")
    monkeypatch.setenv("PASSPORT_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PASSPORT_DATABASE_URL", "postgresql+psycopg://db/passport")
    monkeypatch.setenv("PASSPORT_BASE_URL", "https://passport.mbc.example")
    monkeypatch.setenv("PASSPORT_REDIS_URL", "redis://cache:6379/0")
    settings = load_settings(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not (tmp_path / "secret_key").exists()


def test_nul_bytes_in_urls_queries_and_forms_are_refused_as_malformed(client):
    assert client.get("/verify/AB%00CD").status_code == 400
    assert client.get("/sign-in?next=%00").status_code == 400
    assert client.post("/sign-in", data={"email": "a\x00@b.c", "password": "x"}).status_code == 400
    api = client.get("/api/v1/activities/X%00Y")
    assert api.status_code == 400 and api.mimetype == "application/problem+json"
