"""A test client signed in as a user, as sign-in would leave it: a server-side session
(``accounts.user_sessions``) and Flask-Login's keys. Shared by the benchmarks."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


def signed_in_client(app: Flask, session_user_id: str) -> FlaskClient:
    """``session_user_id`` is ``User.get_id()`` ("<id>:<session version>")."""
    from passport.accounts import user_sessions
    from passport.accounts.models import User
    from passport.extensions import db

    with app.app_context():
        user = db.session.get(User, int(session_user_id.split(":")[0]))
        token = user_sessions.start(db.session, user)
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = session_user_id
        flask_session["_fresh"] = True
        flask_session[user_sessions.SESSION_TOKEN_KEY] = token
    return client
