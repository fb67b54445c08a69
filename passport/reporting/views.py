"""Provider staff pages: activities, reporting by form and file, outcomes, the unmatched
queue and pre-validation. Views parse input, call a service, and render or redirect."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, public, requires
from passport.accounts.permissions import Permission
from passport.errors import DomainError, ValidationError
from passport.extensions import db
from passport.forms import choices, show_error, show_validation_error
from passport.jobs import enqueue_upload, ensure_consumer
from passport.progress import get_progress
from passport.reporting import outcomes, queries, services
from passport.reporting.activities import (
    ActivityValues,
    content_declaration_labels,
    import_activities,
    save_activity,
)
from passport.reporting.forms import (
    ActivityFileForm,
    ActivityForm,
    CompletionForm,
    IdentityForm,
    LearnerFileForm,
    UploadForm,
)
from passport.reporting.matching import MATCH_REASONS
from passport.reporting.models import ConsentBasis, UploadMethod
from passport.reporting.parsers import XSD_PATH, FileRefused, method_for_filename
from passport.reporting.pipeline import load_validation_context
from passport.reporting.prevalidation import prevalidate_file
from passport.reporting.records import Field, RawRecord
from passport.reporting.spreadsheets import OUTCOME_LABELS, learner_template, outcome_report

bp = Blueprint("reporting", __name__, url_prefix="/provider")
schemas_bp = Blueprint("schemas", __name__)


def _provider_id() -> int:
    return current_user.provider_id


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.route("/")
@requires(Permission.COMPLETIONS_REPORT)
def home() -> str:
    return render_template(
        "provider/home.html",
        overview=queries.provider_overview(db.session, _provider_id()),
        uploads=queries.recent_uploads(db.session, _provider_id(), limit=5),
    )


# Activities -----------------------------------------------------------------------------


def _activity_form(activity=None) -> ActivityForm:
    form = ActivityForm(obj=activity)
    form.credit_type_codes.choices = choices(queries.credit_type_choices(db.session))
    form.topic_codes.choices = choices(queries.topic_choices(db.session))
    form.declaration_codes.choices = choices(content_declaration_labels().items())
    if activity is not None and not form.is_submitted():
        form.credit_type_codes.data = [c.code for c in activity.credit_types]
        form.topic_codes.data = [t.code for t in activity.topics]
        form.declaration_codes.data = list(activity.content_declarations or [])
    return form


def _activity_values(form: ActivityForm) -> ActivityValues:
    return ActivityValues(
        activity_code=form.activity_code.data or "",
        title=form.title.data or "",
        activity_type=form.activity_type.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        max_credits=form.max_credits.data,
        credit_type_codes=form.credit_type_codes.data or [],
        topic_codes=form.topic_codes.data or [],
        declaration_codes=form.declaration_codes.data or [],
    )


def _show_row_errors(form, rejected: services.RecordRejected) -> None:  # noqa: ANN001
    for row_error in rejected.errors:
        show_error(form, row_error.message, row_error.field.value)


@bp.route("/activities")
@requires(Permission.ACTIVITIES_MANAGE)
def activities() -> str:
    search = request.args.get("q", "").strip()[:100]
    page = queries.activities_page(db.session, _provider_id(), search, _page())
    return render_template("provider/activities.html", page=page, search=search)


@bp.route("/activities/new", methods=["GET", "POST"])
@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@requires(Permission.ACTIVITIES_MANAGE)
def edit_activity(activity_id: int | None = None) -> str | Response:
    activity = (
        queries.activity_for_provider(db.session, _provider_id(), activity_id)
        if activity_id is not None
        else None
    )
    form = _activity_form(activity)
    if form.validate_on_submit():
        try:
            save_activity(
                db.session,
                provider_id=_provider_id(),
                user_id=current_user.id,
                values=_activity_values(form),
                activity=activity,
                ip_address=client_ip(),
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
            flash("Activity saved.", "success")
            return redirect(url_for("reporting.activities"))
    return render_template("provider/activity_form.html", form=form, activity=activity)


@bp.route("/activities/import", methods=["GET", "POST"])
@requires(Permission.ACTIVITIES_MANAGE)
def import_activity_file() -> str | Response:
    form = ActivityFileForm()
    results = None
    if form.validate_on_submit():
        stored = services.store_upload_file(form.file.data.stream, _upload_dir(), "xlsx")
        try:
            results = import_activities(
                db.session, provider_id=_provider_id(), user_id=current_user.id, path=stored.path
            )
        except FileRefused as error:
            db.session.rollback()
            form.file.errors = [str(error)]
        else:
            db.session.commit()
    return render_template("provider/activity_import.html", form=form, results=results)


# Reporting by form -----------------------------------------------------------------------


def _completion_form() -> CompletionForm:
    form = CompletionForm()
    form.activity_id.choices = queries.provider_activity_choices(db.session, _provider_id())
    form.credit_type.choices = [(name, name) for _, name in queries.credit_type_choices(db.session)]
    if not form.is_submitted():
        form.credit_type.data = "AMA PRA Category 1 Credit"
    return form


@bp.route("/completions/new", methods=["GET", "POST"])
@requires(Permission.COMPLETIONS_REPORT)
def report_completion() -> str | Response:
    form = _completion_form()
    if form.validate_on_submit():
        record = RawRecord(
            1,
            {
                field: getattr(form, field.value).data
                for field in Field
                if hasattr(form, field.value) and getattr(form, field.value).data
            },
        )
        try:
            _, outcome = services.report_single_record(
                db.session,
                provider_id=_provider_id(),
                user_id=current_user.id,
                record=record,
                consent=ConsentBasis(form.permission_scope.data),
                ip_address=client_ip(),
            )
        except services.RecordRejected as error:
            db.session.rollback()
            _show_row_errors(form, error)
        else:
            db.session.commit()
            flash(f"Record {OUTCOME_LABELS[outcome].lower()}.", "success")
            return redirect(url_for("reporting.report_completion"))
    return render_template("provider/completion_form.html", form=form)


# Batch uploads ---------------------------------------------------------------------------


def _upload_dir() -> Path:
    return Path(current_app.config["PASSPORT_UPLOAD_DIR"])


@bp.route("/uploads")
@requires(Permission.COMPLETIONS_REPORT)
def uploads() -> str:
    return render_template(
        "provider/uploads.html", page=queries.uploads_page(db.session, _provider_id(), _page())
    )


@bp.route("/uploads/new", methods=["GET", "POST"])
@requires(Permission.COMPLETIONS_REPORT)
def new_upload() -> str | Response:
    form = UploadForm()
    if form.validate_on_submit():
        filename = form.file.data.filename or ""
        method = method_for_filename(filename)
        stored = services.store_upload_file(form.file.data.stream, _upload_dir(), method)
        upload = services.create_upload(
            db.session,
            provider_id=_provider_id(),
            user_id=current_user.id,
            method=UploadMethod(method),
            stored=stored,
            original_filename=filename,
            consent=ConsentBasis(form.permission_scope.data)
            if form.permission_attested.data
            else None,
            ip_address=client_ip(),
        )
        db.session.commit()
        enqueue_upload(upload.id)
        return redirect(url_for("reporting.upload_detail", upload_id=upload.id))
    return render_template("provider/upload_form.html", form=form)


@bp.route("/uploads/<int:upload_id>")
@requires(Permission.COMPLETIONS_REPORT)
def upload_detail(upload_id: int) -> str:
    upload = queries.upload_for_provider(db.session, _provider_id(), upload_id)
    if upload.status in ("queued", "running"):
        ensure_consumer()
    outcome = request.args.get("outcome") if request.args.get("outcome") in OUTCOME_LABELS else None
    page = outcomes.upload_rows_page(db.session, upload.id, outcome, _page())
    return render_template(
        "provider/upload_detail.html",
        upload=upload,
        page=page,
        outcome=outcome,
        labels=OUTCOME_LABELS,
        progress=get_progress(f"upload:{upload.id}"),
    )


@bp.route("/uploads/<int:upload_id>/progress")
@requires(Permission.COMPLETIONS_REPORT)
def upload_progress(upload_id: int) -> dict:
    upload = queries.upload_for_provider(db.session, _provider_id(), upload_id)
    done, total = get_progress(f"upload:{upload.id}") or (upload.processed_rows, upload.total_rows)
    return {"status": upload.status, "done": done, "total": total}


@bp.route("/uploads/<int:upload_id>/report.xlsx")
@requires(Permission.COMPLETIONS_REPORT)
def upload_report(upload_id: int) -> Response:
    upload = queries.upload_for_provider(db.session, _provider_id(), upload_id)
    content = outcome_report(outcomes.iter_upload_rows(db.session, upload.id))
    return send_file(
        io.BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"passport-upload-{upload.id}-outcomes.xlsx",
    )


@bp.route("/uploads/<int:upload_id>/retry", methods=["POST"])
@requires(Permission.COMPLETIONS_REPORT)
def retry_upload(upload_id: int) -> Response:
    upload = queries.upload_for_provider(db.session, _provider_id(), upload_id)
    if upload.status != "failed":
        flash("Only a failed upload can be retried.", "warning")
    else:
        upload.status, upload.error_message = "queued", None
        db.session.commit()
        enqueue_upload(upload.id)
        flash("The upload is queued again.", "info")
    return redirect(url_for("reporting.upload_detail", upload_id=upload.id))


@bp.route("/uploads/template.xlsx")
@requires(Permission.COMPLETIONS_REPORT)
def upload_template() -> Response:
    return send_file(
        io.BytesIO(learner_template()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="passport-learner-template.xlsx",
    )


# Records, the unmatched queue, pre-validation ---------------------------------------------


@bp.route("/completions/<int:completion_id>")
@requires(Permission.COMPLETIONS_REPORT)
def completion_detail(completion_id: int) -> str:
    completion = queries.completion_for_provider(db.session, _provider_id(), completion_id)
    return render_template(
        "provider/completion_detail.html",
        completion=completion,
        versions=queries.completion_versions(db.session, completion.id),
        reasons=MATCH_REASONS,
    )


@bp.route("/unmatched")
@requires(Permission.COMPLETIONS_REPORT)
def unmatched() -> str:
    page = queries.unmatched_page(db.session, _provider_id(), _page())
    return render_template("provider/unmatched.html", page=page, reasons=MATCH_REASONS)


@bp.route("/unmatched/<int:completion_id>", methods=["GET", "POST"])
@requires(Permission.COMPLETIONS_REPORT)
def correct_unmatched(completion_id: int) -> str | Response:
    completion = queries.completion_for_provider(db.session, _provider_id(), completion_id)
    form = IdentityForm()
    if not form.is_submitted():
        form.first_name.data, form.last_name.data = completion.first_name, completion.last_name
        form.date_of_birth.data = f"{completion.dob_month:02d}/{completion.dob_day:02d}"
        form.licensing_state.data = completion.license_state
        form.license_or_npi.data = completion.license_number or completion.npi
    if form.validate_on_submit():
        record = RawRecord(
            1,
            {
                field: getattr(form, field.value).data
                for field in Field
                if hasattr(form, field.value)
            },
        )
        context = load_validation_context(db.session, _provider_id(), date.today(), None)
        try:
            corrected = services.correct_identity(
                db.session,
                provider_id=_provider_id(),
                user_id=current_user.id,
                completion_id=completion.id,
                record=record,
                context=context,
            )
        except services.RecordRejected as error:
            db.session.rollback()
            for row_error in error.errors:
                target = getattr(form, row_error.field.value, None)
                (target.errors if target is not None else form.form_errors).append(
                    row_error.message
                )
        else:
            db.session.commit()
            flash(
                MATCH_REASONS[corrected.match_status],
                "success" if corrected.licensee_id else "warning",
            )
            return redirect(url_for("reporting.completion_detail", completion_id=corrected.id))
    return render_template(
        "provider/correct_unmatched.html", form=form, completion=completion, reasons=MATCH_REASONS
    )


@bp.route("/prevalidate", methods=["GET", "POST"])
@requires(Permission.COMPLETIONS_REPORT)
def prevalidate() -> str:
    form = LearnerFileForm()
    results = None
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
    return render_template("provider/prevalidate.html", form=form, results=results)


@schemas_bp.route("/schemas/completions-v1.xsd")
@public
def completions_xsd() -> Response:
    return send_file(XSD_PATH, mimetype="application/xml", max_age=3600)
