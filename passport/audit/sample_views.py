"""Board staff's audit samples: draw one, work its cases (status and hours beside each,
one verdict or one for several, documentation requests, the deficiency letter of a
failed case) and export it with its verdicts.

A verdict sends the auditor back to the case they decided (``#case-<id>``, with the
page's filter), so working a long sample never loses the place.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
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

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.audit import documentation, export, letters
from passport.audit import samples as audit_samples
from passport.audit.board_access import log_look
from passport.audit.forms import (
    BulkVerdictForm,
    DocumentationRequestForm,
    DocumentDecisionForm,
    SampleForm,
    VerdictForm,
)
from passport.audit.models import CASE_STATUSES
from passport.audit.sample_cases import CASE_FILTERS, case_rows, progress_of
from passport.errors import Conflict, DomainError, ValidationError
from passport.extensions import db
from passport.forms import choices, show_validation_error
from passport.sqlite_transactions import writes_on_get
from passport.transcripts.certificates import certificate_path

bp = Blueprint("samples", __name__, url_prefix="/board/samples")


def _sample(sample_id: int):
    return audit_samples.sample_for_board(db.session, current_user.board_id, sample_id)


def _verdict_filter() -> str:
    value = request.values.get("verdicts", "")
    return value if value in CASE_FILTERS else ""


def _back_to_case(sample_id: int, case_id: int | None = None) -> Response:
    """The sample's page, with the filter it was on, scrolled to the case decided."""
    return redirect(
        url_for(
            "samples.sample",
            sample_id=sample_id,
            verdicts=_verdict_filter() or None,
            _anchor=f"case-{case_id}" if case_id else None,
        )
    )


@bp.route("", methods=["GET", "POST"])
@requires(Permission.AUDIT_READ)
def index() -> str | Response:
    form = SampleForm()
    if not form.is_submitted():
        form.window_starts_on.data = date.today()
        form.window_ends_on.data = date.today() + timedelta(days=90)
    if form.validate_on_submit():
        try:
            sample = audit_samples.draw_sample(
                db.session,
                board_id=current_user.board_id,
                user_id=current_user.id,
                title=form.title.data,
                starts_on=form.window_starts_on.data,
                ends_on=form.window_ends_on.data,
                size_kind=form.size_kind.data,
                size_value=form.size_value.data,
                seed=form.seed.data,
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("samples.sample", sample_id=sample.id))
    return render_template(
        "board/samples.html",
        form=form,
        samples=audit_samples.samples_of(db.session, current_user.board_id),
    )


@bp.route("/<int:sample_id>")
@requires(Permission.AUDIT_READ)
@writes_on_get
def sample(sample_id: int) -> str:
    found = _sample(sample_id)
    verdicts = _verdict_filter()
    rows = case_rows(db.session, found, verdicts)
    db.session.commit()  # the standings it brought up to date
    return render_template(
        "board/sample.html",
        sample=found,
        rows=rows,
        progress=progress_of(found),
        verdicts=verdicts,
        case_filters=CASE_FILTERS,
        statuses=CASE_STATUSES,
        form=VerdictForm(),
    )


@bp.route("/<int:sample_id>/cases/<int:case_id>", methods=["POST"])
@requires(Permission.AUDIT_READ)
def verdict(sample_id: int, case_id: int) -> Response:
    found = _sample(sample_id)
    form = VerdictForm()
    if form.validate_on_submit():
        try:
            audit_samples.record_verdict(
                db.session,
                sample=found,
                case_id=case_id,
                user_id=current_user.id,
                status=form.status.data,
                note=form.note.data,
            )
        except ValidationError as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash("Saved.", "success")
    return _back_to_case(sample_id, case_id)


@bp.route("/<int:sample_id>/verdicts", methods=["POST"])
@requires(Permission.AUDIT_READ)
def bulk_verdict(sample_id: int) -> Response:
    found = _sample(sample_id)
    form = BulkVerdictForm()
    if form.validate_on_submit():
        try:
            decided = audit_samples.record_verdicts(
                db.session,
                sample=found,
                case_ids=list(form.case_id.data or []),
                user_id=current_user.id,
                status=form.status.data,
                note=form.note.data,
            )
        except ValidationError as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash(f"Saved for {len(decided)} case{'s' if len(decided) != 1 else ''}.", "success")
            return _back_to_case(sample_id, decided[0].id)
    return _back_to_case(sample_id)


@bp.route("/<int:sample_id>/export.csv", defaults={"fmt": "csv"})
@bp.route("/<int:sample_id>/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.AUDIT_READ)
@writes_on_get
def export_sample(sample_id: int, fmt: str) -> Response:
    found = _sample(sample_id)
    rows = case_rows(db.session, found)
    log_look("sample.export", None, f"{found.title} ({len(rows)} cases) as .{fmt}")
    db.session.commit()
    name = f"sample-{found.id}-{found.window_starts_on:%Y%m%d}-{found.window_ends_on:%Y%m%d}.{fmt}"
    if fmt == "csv":
        body, mimetype = export.sample_csv(rows), "text/csv"
    else:
        body = export.sample_xlsx(rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


# Documentation requests and the deficiency letter -------------------------------------


def _request_form() -> DocumentationRequestForm:
    form = DocumentationRequestForm()
    form.rule_ids.choices = choices(
        documentation.requirement_choices(db.session, current_user.board_id)
    )
    return form


@bp.route("/<int:sample_id>/cases/<int:case_id>/documentation", methods=["GET", "POST"])
@requires(Permission.AUDIT_READ)
@writes_on_get
def case(sample_id: int, case_id: int) -> str | Response:
    """One case: its documentation requests, the documents sent and a decision on each."""
    found = _sample(sample_id)
    audit_case = audit_samples.case_in(found, case_id)
    form = _request_form()
    if form.validate_on_submit():
        try:
            documentation.request_documentation(
                db.session,
                sample=found,
                case_id=audit_case.id,
                user_id=current_user.id,
                rule_ids=list(form.rule_ids.data or []),
                message=form.message.data,
                ip_address=client_ip(),
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        except Conflict as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash(
                "Documentation requested. The physician sees the request on their page.", "success"
            )
            return redirect(url_for("samples.case", sample_id=sample_id, case_id=case_id))
    if not form.is_submitted():
        log_look("licensee.view", audit_case.licensee_id, f"audit case {audit_case.id}")
        db.session.commit()
    return render_template(
        "board/audit_case.html",
        sample=found,
        case=audit_case,
        requests=documentation.requests_for_case(db.session, audit_case.id),
        form=form,
        decision_form=DocumentDecisionForm(formdata=None),
        item_state=documentation.item_state,
        state_labels=documentation.ITEM_STATE_LABELS,
    )


def _document(sample_id: int, case_id: int, document_id: int):
    found = _sample(sample_id)
    audit_case = audit_samples.case_in(found, case_id)
    return (
        found,
        audit_case,
        documentation.document_for_board(
            db.session, current_user.board_id, found, audit_case, document_id
        ),
    )


@bp.route("/<int:sample_id>/cases/<int:case_id>/documents/<int:document_id>")
@requires(Permission.AUDIT_READ)
@writes_on_get
def document(sample_id: int, case_id: int, document_id: int) -> Response:
    _, audit_case, found = _document(sample_id, case_id, document_id)
    log_look("documentation.document_view", audit_case.licensee_id, f"document {found.id}")
    db.session.commit()
    response = send_file(
        certificate_path(
            Path(current_app.config["PASSPORT_CERTIFICATE_DIR"]), found.sha256, found.media_type
        ),
        mimetype=found.media_type,
        as_attachment=True,
        download_name=found.filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(
    "/<int:sample_id>/cases/<int:case_id>/documents/<int:document_id>/decision", methods=["POST"]
)
@requires(Permission.AUDIT_READ)
def decide(sample_id: int, case_id: int, document_id: int) -> Response:
    _, _, found = _document(sample_id, case_id, document_id)
    form = DocumentDecisionForm()
    if form.validate_on_submit():
        try:
            documentation.decide_document(
                db.session,
                document=found,
                user_id=current_user.id,
                decision=form.decision.data,
                reason=form.reason.data,
                ip_address=client_ip(),
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash("Decision saved. The physician sees it on their page.", "success")
    else:
        flash("Accept or reject the document.", "warning")
    return redirect(
        url_for(
            "samples.case", sample_id=sample_id, case_id=case_id, _anchor=f"document-{document_id}"
        )
    )


@bp.route("/<int:sample_id>/cases/<int:case_id>/letter.pdf")
@requires(Permission.AUDIT_READ)
@writes_on_get
def letter(sample_id: int, case_id: int) -> Response:
    found = _sample(sample_id)
    audit_case = audit_samples.case_in(found, case_id)
    try:
        pdf = letters.deficiency_letter_pdf(
            db.session,
            sample=found,
            case=audit_case,
            user_id=current_user.id,
            today=date.today(),
            ip_address=client_ip(),
        )
    except Conflict as error:
        db.session.rollback()
        flash(str(error), "warning")
        return _back_to_case(sample_id, case_id)
    log_look("deficiency_letter.download", audit_case.licensee_id, f"audit case {audit_case.id}")
    db.session.commit()
    return send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"deficiency-{audit_case.licensee.license_number}.pdf",
    )
