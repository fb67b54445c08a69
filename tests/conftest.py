"""Shared fixtures: one migrated database per run, one rolled-back transaction per test.

The database is SQLite in a temporary folder by default; set PASSPORT_TEST_DATABASE_URL
to run the same suite on PostgreSQL (the database is emptied and migrated at start).
Schema comes from the real Alembic migrations, never ``create_all``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from passport import MIGRATIONS_DIR, create_app
from passport.accounts import user_sessions
from passport.extensions import db, limiter
from passport.jobs import huey
from tests import factories

TEST_PASSWORD = "correct horse battery staple"


def _reset_postgres_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("PASSPORT_TEST_DATABASE_URL")
    if url:
        _reset_postgres_schema(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'passport-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": factories.TEST_SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "PASSPORT_ARGON2_TIME_COST": 1,
            "PASSPORT_ARGON2_MEMORY_COST": 64,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSPORT_UPLOAD_DIR": str(instance / "uploads"),
            "PASSPORT_CERTIFICATE_DIR": str(instance / "certificates"),
            "SERVER_NAME": "passport.test",
            "PASSPORT_BASE_URL": "http://passport.test",  # every external link's origin
        }
    )
    # create_app configured argon2 from the settings above, before any hash is made.
    huey.immediate = True  # background jobs run at once, in the test's thread
    with application.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
    yield application
    with application.app_context():
        db.engine.dispose()


class _TestScopedSession(scoped_session):
    """One session shared by the test and the app's requests. At the end of a request
    Flask-SQLAlchemy calls ``remove()``; here that only discards uncommitted work (as a
    real request's end would), so the test's objects stay usable between requests."""

    def remove(self) -> None:
        self.registry().rollback()


@pytest.fixture(autouse=True)
def db_session(app: Flask) -> Iterator[scoped_session]:
    """Every test runs inside one transaction that is rolled back at its end; the app's
    commits only release savepoints inside it. No app context is held during the test,
    so each request gets its own (and its own ``g``), as in production."""
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    session = _TestScopedSession(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    )
    db.session = session
    limiter.reset()
    try:
        yield session
    finally:
        session.registry().close()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in_as(client: FlaskClient, user) -> FlaskClient:  # noqa: ANN001 - a User
    """Put ``user`` in the test client's session, as sign-in would: a server-side session
    (``user_sessions``) and Flask-Login's keys."""
    token = user_sessions.start(db.session, user)
    db.session.commit()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = user.get_id()
        flask_session["_fresh"] = True
        flask_session[user_sessions.SESSION_TOKEN_KEY] = token
    return client


@pytest.fixture
def physician(db_session):
    return factories.UserFactory(role="physician")


@pytest.fixture
def provider_user(db_session):
    return factories.ProviderStaffFactory()


@pytest.fixture
def board_user(db_session):
    return factories.BoardStaffFactory()


@pytest.fixture
def admin_user(db_session):
    return factories.AdminFactory()


@pytest.fixture
def users_by_role(physician, provider_user, board_user, admin_user) -> dict:
    return {
        "physician": physician,
        "provider": provider_user,
        "board": board_user,
        "admin": admin_user,
    }


@pytest.fixture
def physician_client(app, physician) -> FlaskClient:
    return sign_in_as(app.test_client(), physician)


@pytest.fixture
def provider_client(app, provider_user) -> FlaskClient:
    return sign_in_as(app.test_client(), provider_user)


@pytest.fixture
def board_client(app, board_user) -> FlaskClient:
    return sign_in_as(app.test_client(), board_user)


@pytest.fixture
def admin_client(app, admin_user) -> FlaskClient:
    return sign_in_as(app.test_client(), admin_user)
