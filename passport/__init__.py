"""Passport: CME reporting for state medical boards.

``create_app`` builds the one Flask application: settings, extensions, blueprints,
commands and error pages, each registered by a small helper.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, make_response, render_template, request

from passport import sqlite_transactions  # noqa: F401 - registers SQLite's connection setup
from passport.config import load_settings, trusted_hosts
from passport.extensions import bootstrap, csrf, db, limiter, login_manager, migrate
from passport.request_guards import IdConverter

PACKAGE_DIR = Path(__file__).resolve().parent
# templates/, static/ and migrations/ live beside the package at the repo's top level
# (DESIGN.md §3); the README installs the package editable so they are always found.
REPO_DIR = PACKAGE_DIR.parent
MIGRATIONS_DIR = REPO_DIR / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("PASSPORT_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(REPO_DIR / "templates"),
        static_folder=str(REPO_DIR / "static"),
    )
    instance_path = Path(app.instance_path)
    app.config.from_mapping(load_settings(instance_path))
    if test_config:
        app.config.from_mapping(test_config)
        if "TRUSTED_HOSTS" not in test_config:  # follow a base URL the test config gave
            app.config["TRUSTED_HOSTS"] = trusted_hosts(
                app.config["PASSPORT_BASE_URL"], app.config["PASSPORT_ENV"]
            )
    instance_path.mkdir(parents=True, exist_ok=True)

    app.url_map.converters["int"] = IdConverter  # before any route is added
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from passport.accounts import passwords
    from passport.accounts.access import refuse_unmarked_views

    passwords.configure(
        app.config["PASSPORT_ARGON2_TIME_COST"],
        app.config["PASSPORT_ARGON2_MEMORY_COST"],
        app.config.get("PASSPORT_ARGON2_PARALLELISM", 1),
    )
    from passport import security_headers
    from passport.api.oauth import init_oauth
    from passport.jobs import bind_app
    from passport.request_guards import refuse_nul_bytes, refuse_untrusted_host

    app.before_request(refuse_untrusted_host)  # first: nothing runs for an unknown host
    security_headers.install(app)
    app.before_request(refuse_nul_bytes)
    app.before_request(refuse_unmarked_views)
    bind_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from passport.accounts.queries import load_user_from_session

    login_manager.user_loader(load_user_from_session)
    init_oauth(app)
    register_notifications(app)


def register_notifications(app: Flask) -> None:
    """Queue the notifications a request, job or command committed, as its app context
    ends: registered after Flask-SQLAlchemy, so it runs before the session is removed.
    Start the embedded job consumer (and its schedule) with the first request."""
    from flask import has_request_context
    from flask_login import current_user

    from passport.jobs import dispatch_notifications, ensure_consumer
    from passport.notifications.queries import unread_count

    @app.teardown_appcontext
    def queue_committed_notifications(error: BaseException | None) -> None:
        try:
            dispatch_notifications()
        except Exception:  # the every-minute sweep sends what could not be queued here
            app.logger.exception("Could not queue notifications; the sweep will send them")

    app.before_request(ensure_consumer)

    @app.context_processor
    def unread_notifications() -> dict[str, int]:
        if has_request_context() and current_user.is_authenticated:
            return {"unread_notifications": unread_count(db.session, current_user.id)}
        return {"unread_notifications": 0}


def register_blueprints(app: Flask) -> None:
    from passport.accounts.confirmation_views import bp as email_confirmation_bp
    from passport.accounts.invitation_views import bp as invitations_bp
    from passport.accounts.staff_views import bp as staff_bp
    from passport.accounts.views import bp as accounts_bp
    from passport.accounts.views import require_two_factor_enrolment
    from passport.admin.organization_views import bp as organizations_bp
    from passport.admin.views import bp as admin_bp
    from passport.api.client_views import bp as api_clients_bp
    from passport.api.views import bp as api_bp
    from passport.audit.physician_views import bp as documentation_requests_bp
    from passport.audit.requirement_views import bp as board_requirements_bp
    from passport.audit.sample_views import bp as samples_bp
    from passport.audit.views import bp as audit_bp
    from passport.home import bp as home_bp
    from passport.notifications.views import bp as notifications_bp
    from passport.pdf_transcripts.views import bp as pdf_transcripts_bp
    from passport.reporting.views import bp as reporting_bp
    from passport.reporting.views import schemas_bp
    from passport.roster.views import bp as roster_bp
    from passport.shares.views import bp as shares_bp
    from passport.transcripts.attestation_views import bp as attestations_bp
    from passport.transcripts.inbox_views import bp as inbox_bp
    from passport.transcripts.views import bp as transcripts_bp

    for blueprint in (
        home_bp,
        accounts_bp,
        email_confirmation_bp,
        transcripts_bp,
        reporting_bp,
        inbox_bp,
        attestations_bp,
        schemas_bp,
        audit_bp,
        board_requirements_bp,
        samples_bp,
        documentation_requests_bp,
        roster_bp,
        admin_bp,
        organizations_bp,
        staff_bp,
        invitations_bp,
        pdf_transcripts_bp,
        api_bp,
        api_clients_bp,
        notifications_bp,
        shares_bp,
    ):
        app.register_blueprint(blueprint)
    app.before_request(require_two_factor_enrolment)


ERROR_PAGES = {
    400: ("Bad request", "We could not understand that request. Please go back and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "We could not find that page. It may have moved, or the link is wrong."),
    405: ("Not allowed", "That action is not available here."),
    409: (
        "Changed at the same moment",
        "Someone else saved a change to the same record at the same moment, so yours was not "
        "saved. Nothing was half-saved: please reload the page and try again.",
    ),
    413: (
        "File too large",
        "That file is larger than this service accepts. Split it into smaller files and "
        "upload them one at a time.",
    ),
    429: (
        "Too many attempts",
        "You have tried too many times in a short while. Please wait a minute and try again.",
    ),
    500: (
        "Something went wrong",
        "An unexpected error occurred on our side. Nothing you sent was half-saved; "
        "please try again in a moment.",
    ),
    503: (
        "Busy storing an upload",
        "A large upload is being stored, and your change could not wait any longer for "
        "it. Nothing was saved: please try again in a minute.",
    ),
}


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError
    from sqlalchemy.exc import IntegrityError, OperationalError
    from werkzeug.exceptions import HTTPException, SecurityError

    from passport.api.problems import problem
    from passport.errors import Forbidden, NotFound
    from passport.request_guards import untrusted_host_answer

    def render_error_page(code: int) -> Any:
        if code not in ERROR_PAGES:
            code = 500
        if code == 500:
            db.session.rollback()
        title, message = ERROR_PAGES[code]
        if request.path.startswith("/api/"):  # the web service answers in problem details
            return problem(code, title, message)
        return render_template("errors/error.html", code=code, title=title, message=message), code

    for code in ERROR_PAGES:
        app.register_error_handler(
            code, lambda error: render_error_page(getattr(error, "code", 500) or 500)
        )

    @app.errorhandler(HTTPException)
    def other_http_error(error: HTTPException) -> Any:
        """Statuses without a page of their own: problem details on the API, else as is."""
        if request.path.startswith("/api/") and error.code:
            return problem(error.code, error.name, error.description)
        return error

    @app.errorhandler(IntegrityError)
    def database_conflict(error: IntegrityError) -> Any:
        """A constraint stopped a write, almost always two requests racing for the same
        unique value. The transaction is rolled back whole; the user gets a clear 409."""
        app.logger.warning("Constraint violation answered with 409: %s", error.orig)
        db.session.rollback()
        return render_error_page(409)

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError) -> Any:
        """On SQLite (the embedded default) one transaction writes at a time: a change
        that waited ``busy_timeout`` behind a large upload is refused, rolled back whole,
        and answered 503 with a time to retry. Any other operational error is a 500."""
        if not sqlite_transactions.is_busy(error):
            app.logger.exception("Database error")
            return render_error_page(500)  # which rolls back
        db.session.rollback()
        app.logger.warning("SQLite stayed locked past busy_timeout: %s", request.path)
        response = make_response(render_error_page(503))
        response.headers["Retry-After"] = "60"
        return response

    app.register_error_handler(SecurityError, untrusted_host_answer)

    # Domain errors that escape a view: another tenant's object, or none at all.
    app.register_error_handler(Forbidden, lambda error: render_error_page(403))
    app.register_error_handler(NotFound, lambda error: render_error_page(404))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        message = "Your form expired or was sent from elsewhere. Please go back, reload and retry."
        return render_template(
            "errors/error.html", code=400, title="Form expired", message=message
        ), 400


def register_template_helpers(app: Flask) -> None:
    from passport.accounts.permissions import Permission
    from passport.compliance.needs import status_word
    from passport.formatting import format_credits, format_date, format_datetime
    from passport.forms import control_attrs
    from passport.requirements.engine import RULE_LABELS
    from passport.trail.labels import action_label, describe_detail, object_label
    from passport.urls import external_url

    app.jinja_env.filters["us_date"] = format_date
    app.jinja_env.filters["us_datetime"] = format_datetime
    app.jinja_env.filters["credits"] = format_credits
    app.jinja_env.filters["action_label"] = action_label  # the trail's codes in words
    app.jinja_env.filters["object_label"] = object_label
    app.jinja_env.filters["describe_detail"] = describe_detail
    app.jinja_env.globals["Permission"] = Permission
    app.jinja_env.globals["RULE_LABELS"] = RULE_LABELS  # one label per rule status
    app.jinja_env.globals["rule_status_word"] = status_word  # the board's words, everywhere
    app.jinja_env.globals["control_attrs"] = control_attrs
    app.jinja_env.globals["external_url"] = external_url  # links from PASSPORT_BASE_URL


def register_commands(app: Flask) -> None:
    from passport.cli import register

    register(app)
