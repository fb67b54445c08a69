"""Provider staff pages: activities, reporting by form and file, outcomes, the unmatched
queue and pre-validation. Views parse input, call a service, and render or redirect."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import (
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
from passport.errors import ValidationError
from passport.extensions import db
from passport.forms import choices, show_error, show_validation_error
from passport.reporting import outcomes, queries, services
from passport.reporting.activities import (
    ActivityValues,
    content_declaration_labels,
    import_activities,
    save_activity,
)
from passport.reporting.blueprint import bp, schemas_bp
from passport.reporting.forms import (
    ActivityFileForm,
    ActivityForm,
    IdentityForm,
)
from passport.reporting.matching import MATCH_REASONS
from passport.reporting.parsers import XSD_PATH, FileRefused
from passport.reporting.pipeline import load_validation_context
from passport.reporting.records import Field, RawRecord


def _provider_id() -> int:
    return current_user.provider_id


def _upload_dir() -> Path:
    return Path(current_app.config["PASSPORT_UPLOAD_DIR"])


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.route("/")
@requires(Permission.COMPLETIONS_REPORT)
def home() -> str:
    uploads = queries.recent_uploads(db.session, _provider_id(), limit=5)
    return render_template(
        "provider/home.html",
        overview=queries.provider_overview(db.session, _provider_id()),
        uploads=uploads,
        matches=outcomes.match_counts(db.session, [upload.id for upload in uploads]),
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
    counts = queries.activity_counts(db.session, [activity.id for activity in page.items])
    return render_template(
        "provider/activities.html", page=page, search=search, counts=counts, today=date.today()
    )


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
    upload_id = request.args.get("upload", type=int)
    page = queries.unmatched_page(db.session, _provider_id(), _page(), upload_id)
    return render_template(
        "provider/unmatched.html", page=page, reasons=MATCH_REASONS, upload_id=upload_id
    )


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


@schemas_bp.route("/schemas/completions-v1.xsd")
@public
def completions_xsd() -> Response:
    return send_file(XSD_PATH, mimetype="application/xml", max_age=3600)


# The batch upload pages, and reporting by form, Check learners and the export, live in
# their own modules, on this blueprint.
from passport.reporting import entry_views, upload_views  # noqa: E402, F401
