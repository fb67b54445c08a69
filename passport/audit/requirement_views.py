"""Board staff and requirements on file: recording one as satisfied, deciding a
physician's attestation, and reading the certificates behind it and behind self-reported
credit. Every look at a certificate is written to the access log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.audit.board_access import log_look
from passport.audit.queries import licensee_for_board
from passport.compliance import on_file
from passport.compliance.forms import DecisionForm, OnFileForm
from passport.compliance.models import RequirementOnFile
from passport.errors import Conflict, DomainError
from passport.extensions import db
from passport.forms import choices
from passport.roster.models import Licensee, LicenseLink
from passport.roster.requirement_sets import requirement_set_of
from passport.sqlite_transactions import writes_on_get
from passport.transcripts.certificates import certificate_path
from passport.transcripts.models import SelfReportedCredit

bp = Blueprint("board_requirements", __name__, url_prefix="/board")


def _certificate_dir() -> Path:
    return Path(current_app.config["PASSPORT_CERTIFICATE_DIR"])


def on_file_form(licensee: Licensee) -> OnFileForm:
    form = OnFileForm()
    form.rule_id.choices = choices(on_file.on_file_rules(requirement_set_of(licensee.board)))
    return form


@bp.route("/licensees/<int:licensee_id>/on-file", methods=["POST"])
@requires(Permission.AUDIT_READ)
def record_on_file(licensee_id: int) -> Response:
    licensee = licensee_for_board(db.session, current_user.board_id, licensee_id)
    form = on_file_form(licensee)
    if form.validate_on_submit():
        try:
            on_file.record_on_file(
                db.session,
                actor_user_id=current_user.id,
                licensee=licensee,
                rule_id=form.rule_id.data,
                satisfied_on=form.satisfied_on.data,
                reason=form.reason.data,
                today=date.today(),
                ip_address=client_ip(),
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Recorded as satisfied on file.", "success")
    else:
        flash("Nothing was recorded: choose the requirement and say how the board knows.", "error")
    return redirect(url_for("audit.licensee", licensee_id=licensee.id, _anchor="on-file"))


def _record_for_board(record_id: int) -> tuple[RequirementOnFile, Licensee]:
    record = db.session.get(RequirementOnFile, record_id)
    if record is None:
        abort(404)
    return record, licensee_for_board(db.session, current_user.board_id, record.licensee_id)


@bp.route("/attestations")
@requires(Permission.AUDIT_READ)
def attestations() -> str:
    """Attestations waiting for the board's answer, oldest first."""
    return render_template(
        "board/attestations.html",
        waiting=on_file.waiting_attestations(db.session, current_user.board_id),
        labels=on_file.rule_labels_of(current_user.board),
    )


@bp.route("/attestations/<int:record_id>/decide", methods=["POST"])
@requires(Permission.AUDIT_READ)
def decide(record_id: int) -> Response:
    record, licensee = _record_for_board(record_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            on_file.decide(
                db.session,
                actor_user_id=current_user.id,
                board_id=current_user.board_id,
                record_id=record.id,
                accept=form.decision.data == "accept",
                reason=form.reason.data or "",
                ip_address=client_ip(),
            )
        except (DomainError, Conflict) as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Answered: the physician sees your decision.", "success")
    else:
        flash("Choose Accept or Reject.", "error")
    return redirect(url_for("audit.licensee", licensee_id=licensee.id, _anchor="on-file"))


@bp.route("/attestations/<int:record_id>/certificate")
@requires(Permission.AUDIT_READ)
@writes_on_get
def attestation_certificate(record_id: int) -> Response:
    record, licensee = _record_for_board(record_id)
    if not record.certificate_sha256:
        abort(404)
    _log_certificate(licensee, f"attestation {record.id}")
    return _send_certificate(
        record.certificate_sha256, record.certificate_media_type, record.certificate_filename
    )


@bp.route("/licensees/<int:licensee_id>/self-reported/<int:credit_id>/certificate")
@requires(Permission.AUDIT_READ)
@writes_on_get
def self_reported_certificate(licensee_id: int, credit_id: int) -> Response:
    licensee = licensee_for_board(db.session, current_user.board_id, licensee_id)
    credit = db.session.get(SelfReportedCredit, credit_id)
    linked = credit is not None and db.session.scalar(
        sa.select(LicenseLink.id).where(
            LicenseLink.licensee_id == licensee.id, LicenseLink.user_id == credit.user_id
        )
    )
    if not linked:
        abort(404)
    _log_certificate(licensee, f"self-reported credit {credit.id}")
    return _send_certificate(
        credit.certificate_sha256, credit.certificate_media_type, credit.certificate_filename
    )


def _log_certificate(licensee: Licensee, what: str) -> None:
    log_look("licensee.certificate", licensee.id, f"certificate of {what}")
    db.session.commit()


def _send_certificate(sha256: str, media_type: str, filename: str) -> Response:
    path = certificate_path(_certificate_dir(), sha256, media_type)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=media_type, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response
