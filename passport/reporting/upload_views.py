"""Provider staff pages for batch uploads: send a file, follow its progress, read its
outcomes (problems summed at the top, every row with its match), download the outcome
report and the template. Routes on ``reporting.views.bp``."""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.extensions import db
from passport.jobs import enqueue_upload, ensure_consumer
from passport.progress import get_progress
from passport.reporting import outcomes, queries, services
from passport.reporting.blueprint import bp
from passport.reporting.forms import UploadForm
from passport.reporting.learner_template import learner_template
from passport.reporting.models import ConsentBasis, UploadMethod
from passport.reporting.parsers import method_for_filename
from passport.reporting.problems import match_text, row_problems, summary_lines
from passport.reporting.spreadsheets import OUTCOME_LABELS, outcome_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGES = {
    "queued": "Waiting to start",
    "counting": "Counting the rows",
    "checking": "Checking, matching and storing the rows",
    "saving": "Saving",
    "done": "Finished",
    "failed": "Not applied",
}
FILTERS = {**OUTCOME_LABELS, outcomes.NOT_MATCHED: "Not matched"}
FORMAT_LABELS = {"medbiq": "MedBiquitous ActivityReport XML", "passport_xml": "Passport XML"}


def _provider_id() -> int:
    return current_user.provider_id


def _upload_dir() -> Path:
    return Path(current_app.config["PASSPORT_UPLOAD_DIR"])


@bp.route("/uploads")
@requires(Permission.COMPLETIONS_REPORT)
def uploads() -> str:
    page = queries.uploads_page(db.session, _provider_id(), request.args.get("page", 1, type=int))
    matches = outcomes.match_counts(db.session, [upload.id for upload in page.items])
    return render_template("provider/uploads.html", page=page, matches=matches)


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


def _progress_state(upload) -> dict:  # noqa: ANN001 - a reporting Upload
    """What the progress script shows: the stage, rows done of total, and at the end the
    counts its notice says."""
    running = get_progress(f"upload:{upload.id}")
    if upload.status in ("done", "failed") or running is None:
        done, total, stage = upload.processed_rows, upload.total_rows, upload.status
    else:
        done, total, stage = running
    state = {
        "status": upload.status,
        "stage": stage or upload.status,
        "stage_label": STAGES.get(stage or upload.status, "Working"),
        "done": done,
        "total": max(total, done),
        "url": url_for("reporting.upload_detail", upload_id=upload.id),
    }
    if upload.status == "done":
        match = outcomes.match_counts(db.session, [upload.id])[upload.id]
        state["notice"] = _notice(upload, match.not_matched)
        state["missing"] = upload.rejected_count + match.not_matched
    elif upload.status == "failed":
        state["notice"] = (
            f"This upload was not applied. {upload.error_message} Nothing from it was stored."
        )
    return state


def _notice(upload, not_matched: int) -> str:  # noqa: ANN001
    stored = upload.created_count + upload.updated_count + upload.unchanged_count
    parts = [f"Finished: {upload.total_rows:,} rows read, {stored:,} stored"]
    if upload.deleted_count:
        parts.append(f"{upload.deleted_count:,} deleted")
    parts.append(f"{upload.rejected_count:,} rejected")
    parts.append(f"{not_matched:,} not matched")
    return ", ".join(parts) + "."


@bp.route("/uploads/<int:upload_id>")
@requires(Permission.COMPLETIONS_REPORT)
def upload_detail(upload_id: int) -> str:
    upload = queries.upload_for_provider(db.session, _provider_id(), upload_id)
    if upload.status in ("queued", "running"):
        ensure_consumer()
    wanted = request.args.get("outcome")
    outcome = wanted if wanted in FILTERS else None
    page = outcomes.upload_rows_page(
        db.session, upload.id, outcome, request.args.get("page", 1, type=int)
    )
    match = outcomes.match_counts(db.session, [upload.id])[upload.id]
    return render_template(
        "provider/upload_detail.html",
        upload=upload,
        page=page,
        outcome=outcome,
        labels=OUTCOME_LABELS,
        filters=FILTERS,
        match=match,
        progress=_progress_state(upload),
        summary=summary_lines(upload.problem_summary, upload.file_format),
        problems_of=lambda row: row_problems(row.errors, row.values, upload.file_format),
        match_text=match_text,
        format_label=FORMAT_LABELS.get(upload.file_format or "", upload.method.upper()),
        can_retry=services.can_retry(upload),
    )


@bp.route("/uploads/<int:upload_id>/progress")
@requires(Permission.COMPLETIONS_REPORT)
def upload_progress(upload_id: int) -> dict:
    upload = queries.upload_for_provider(db.session, _provider_id(), upload_id)
    return _progress_state(upload)


@bp.route("/uploads/<int:upload_id>/report.xlsx")
@requires(Permission.COMPLETIONS_REPORT)
def upload_report(upload_id: int) -> Response:
    upload = queries.upload_for_provider(db.session, _provider_id(), upload_id)
    content = outcome_report(
        outcomes.iter_upload_rows(db.session, upload.id),
        file_format=upload.file_format,
        summary=upload.problem_summary,
    )
    return send_file(
        io.BytesIO(content),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"passport-upload-{upload.id}-outcomes.xlsx",
    )


@bp.route("/uploads/<int:upload_id>/retry", methods=["POST"])
@requires(Permission.COMPLETIONS_REPORT)
def retry_upload(upload_id: int) -> Response:
    upload = queries.upload_for_provider(db.session, _provider_id(), upload_id)
    if not services.can_retry(upload):
        flash(
            "Only an upload that failed on our side can be retried; fix the file and upload "
            "it again.",
            "warning",
        )
    else:
        upload.status, upload.error_message = "queued", None
        db.session.commit()
        enqueue_upload(upload.id)
        flash("The upload is queued again.", "info")
    return redirect(url_for("reporting.upload_detail", upload_id=upload.id))


@bp.route("/uploads/template.xlsx")
@requires(Permission.COMPLETIONS_REPORT)
def upload_template() -> Response:
    credit_types = [name for _, name in queries.credit_type_choices(db.session)]
    return send_file(
        io.BytesIO(learner_template(credit_types, queries.licensing_states(db.session))),
        mimetype=XLSX,
        as_attachment=True,
        download_name="passport-learner-template.xlsx",
    )
