"""Provider staff pages for entering learners by hand and working through lists: the web
form (many learners one after another), Check learners (counts, a filter by result, a
download) and the export of every completion reported. Routes on ``reporting.views.bp``."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.errors import DomainError
from passport.extensions import db
from passport.forms import show_error
from passport.reporting import outcomes, queries, services
from passport.reporting.blueprint import bp
from passport.reporting.exports import (
    CHECK_RESULTS,
    check_result,
    completions_report,
    learner_checks_report,
)
from passport.reporting.forms import CompletionForm, LearnerFileForm
from passport.reporting.matching import MATCH_REASONS, UNMATCHED_ADVICE, match_label
from passport.reporting.models import ConsentBasis, MatchStatus
from passport.reporting.parsers import method_for_filename
from passport.reporting.prevalidation import keep_checks, load_checks, prevalidate_file
from passport.reporting.records import Field, RawRecord
from passport.reporting.spreadsheets import OUTCOME_LABELS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What the form keeps for the next learner after a success (query argument → field).
KEPT = {
    "activity": "activity_id",
    "date": "completion_date",
    "credit_type": "credit_type",
    "scope": "permission_scope",
}


def _provider_id() -> int:
    return current_user.provider_id


def _upload_dir() -> Path:
    return Path(current_app.config["PASSPORT_UPLOAD_DIR"])


def _completion_form() -> CompletionForm:
    form = CompletionForm()
    form.activity_id.choices = queries.provider_activity_choices(db.session, _provider_id())
    form.credit_type.choices = [(name, name) for _, name in queries.credit_type_choices(db.session)]
    if not form.is_submitted():
        form.credit_type.data = "AMA PRA Category 1 Credit"
        for argument, name in KEPT.items():
            value = request.args.get(argument, "")[:100]
            if value:
                getattr(form, name).data = value
    return form


def _record(form: CompletionForm) -> RawRecord:
    return RawRecord(
        1,
        {
            field: getattr(form, field.value).data
            for field in Field
            if hasattr(form, field.value) and getattr(form, field.value).data
        },
    )


def _answer(outcome: str, match_status: str | None) -> tuple[str, str]:
    """The flash after a reported learner: what was stored and whether it matched."""
    stored = f"Record {OUTCOME_LABELS[outcome].lower()}."
    if match_status is None or match_status == MatchStatus.MATCHED.value:
        suffix = " Matched to a licensee." if match_status else ""
        return stored + suffix, "success"
    reason = MATCH_REASONS[MatchStatus(match_status)]
    return f"{stored} {match_label(match_status)}: {reason} {UNMATCHED_ADVICE}", "unmatched"


@bp.route("/completions/new", methods=["GET", "POST"])
@requires(Permission.COMPLETIONS_REPORT)
def report_completion() -> str | Response:
    form = _completion_form()
    if not form.is_submitted():
        return render_template("provider/completion_form.html", form=form)
    form_valid = form.validate()
    record = _record(form)
    problems = []
    if "csrf_token" not in form.errors:  # every problem at once: the form's and the record's
        problems = services.record_problems(db.session, provider_id=_provider_id(), record=record)
        for problem in problems:
            show_error(form, problem.message, problem.field.value)
    if form_valid and not problems:
        try:
            upload, outcome = services.report_single_record(
                db.session,
                provider_id=_provider_id(),
                user_id=current_user.id,
                record=record,
                consent=ConsentBasis(form.permission_scope.data),
                ip_address=client_ip(),
            )
        except services.RecordRejected as error:
            db.session.rollback()
            for row_error in error.errors:
                show_error(form, row_error.message, row_error.field.value)
        else:
            row = next(outcomes.iter_upload_rows(db.session, upload.id), None)
            db.session.commit()
            flash(*_answer(outcome, row.match_status if row else None))
            kept = {argument: getattr(form, name).data for argument, name in KEPT.items()}
            return redirect(url_for("reporting.report_completion", **kept))
    return render_template("provider/completion_form.html", form=form)


@bp.route("/prevalidate", methods=["GET", "POST"])
@requires(Permission.COMPLETIONS_REPORT)
def prevalidate() -> str | Response:
    form = LearnerFileForm()
    if form.validate_on_submit():
        method = method_for_filename(form.file.data.filename or "")
        stored = services.store_upload_file(form.file.data.stream, _upload_dir(), method)
        try:
            results = prevalidate_file(
                db.session, stored.path, method, date.today(), _provider_id(), current_user.id
            )
        except DomainError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
        else:
            db.session.commit()  # the identities tried are counted (identity_guard)
            token = keep_checks(_upload_dir() / "checks", _provider_id(), results)
            return redirect(url_for("reporting.prevalidation_results", token=token))
    return render_template("provider/prevalidate.html", form=form, results=None)


@bp.route("/prevalidate/<token>")
@requires(Permission.COMPLETIONS_REPORT)
def prevalidation_results(token: str) -> str:
    checks = load_checks(_upload_dir() / "checks", _provider_id(), token)
    counts = {name: 0 for name in CHECK_RESULTS}
    for check in checks:
        counts[check_result(check)] += 1
    wanted = request.args.get("result")
    shown = [c for c in checks if check_result(c) == wanted] if wanted in CHECK_RESULTS else checks
    return render_template(
        "provider/prevalidate.html",
        form=LearnerFileForm(),
        results=shown,
        total=len(checks),
        counts=counts,
        labels=CHECK_RESULTS,
        result=wanted if wanted in CHECK_RESULTS else None,
        token=token,
        result_of=check_result,
    )


@bp.route("/prevalidate/<token>/learners.xlsx")
@requires(Permission.COMPLETIONS_REPORT)
def prevalidation_report(token: str) -> Response:
    checks = load_checks(_upload_dir() / "checks", _provider_id(), token)
    return send_file(
        io.BytesIO(learner_checks_report(checks)),
        mimetype=XLSX,
        as_attachment=True,
        download_name="passport-learner-check.xlsx",
    )


@bp.route("/completions/export.xlsx")
@requires(Permission.COMPLETIONS_REPORT)
def export_completions() -> Response:
    rows = queries.provider_completions(db.session, _provider_id())
    return send_file(
        io.BytesIO(completions_report(rows)),
        mimetype=XLSX,
        as_attachment=True,
        download_name="passport-completions.xlsx",
    )
