"""Board staff import their roster: send a file, see how its columns are read and what a
full roster would mark inactive, confirm, and look back at earlier imports."""

from __future__ import annotations

import io
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
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import BooleanField

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.errors import DomainError
from passport.extensions import db
from passport.jobs import enqueue_standings_refresh
from passport.reporting.parsers import method_for_filename
from passport.reporting.services import store_upload_file
from passport.roster import imports
from passport.roster.models import Board

bp = Blueprint("roster", __name__, url_prefix="/board/roster")


class RosterForm(FlaskForm):
    file = FileField(
        "Roster (.csv or .xlsx)",
        validators=[FileRequired(), FileAllowed(["csv", "xlsx"], "Use .csv or .xlsx.")],
        description="Columns: License Number, First Name, Last Name, Date of Birth (MM/DD), "
        "License Type, First Issued, Expires, Status, Specialty, NPI, Attests 25% of "
        "patients aged 65 or over, CME Waiver, E-mail (a one-time code is sent there when a "
        "physician links the license). Other spellings (dob_mmdd, expires_on, "
        "geriatric_over_25pct, ...) are recognised; a column Passport does not know is "
        "shown before anything is imported.",
    )
    full_roster = BooleanField(
        "This file is our whole roster: mark licensees who are not in it inactive"
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the column choices are read from the request by position."""


def _board() -> Board:
    return db.session.get(Board, current_user.board_id)


def _confirm(roster_import) -> imports.RosterImportResult:  # noqa: ANN001
    result = imports.confirm(
        db.session,
        roster_import=roster_import,
        board=_board(),
        user_id=current_user.id,
        ip_address=client_ip(),
    )
    db.session.commit()
    enqueue_standings_refresh()
    return result


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.ROSTER_IMPORT)
def import_file() -> str | Response:
    form = RosterForm()
    result = None
    if form.validate_on_submit():
        method = method_for_filename(form.file.data.filename or "")
        stored = store_upload_file(
            form.file.data.stream, Path(current_app.config["PASSPORT_UPLOAD_DIR"]), method
        )
        try:
            roster_import = imports.receive(
                db.session,
                board=_board(),
                user_id=current_user.id,
                stored=stored,
                filename=form.file.data.filename,
                method=method,
                full_roster=form.full_roster.data,
            )
            if imports.needs_confirmation(roster_import):
                db.session.commit()
                return redirect(url_for("roster.preview", import_id=roster_import.id))
            result = _confirm(roster_import)
        except DomainError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
    return render_template(
        "board/roster.html",
        form=form,
        result=result,
        history=imports.history(db.session, current_user.board_id),
    )


@bp.route("/imports/<int:import_id>", methods=["GET", "POST"])
@requires(Permission.ROSTER_IMPORT)
def preview(import_id: int) -> str | Response:
    roster_import = imports.import_for_board(db.session, current_user.board_id, import_id)
    form = ConfirmForm()
    result = None
    if form.validate_on_submit() and roster_import.status == "waiting":
        choices = {
            int(name.removeprefix("column-")): value
            for name, value in request.form.items()
            if name.startswith("column-") and name.removeprefix("column-").isdigit()
        }
        try:
            imports.remap(roster_import, choices)
            if request.form.get("action") == "cancel":
                imports.cancel(roster_import)
                db.session.commit()
                flash("The import was cancelled; nothing was changed.", "info")
                return redirect(url_for("roster.import_file"))
            if request.form.get("action") == "import":
                result = _confirm(roster_import)
            else:
                db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
    return render_template(
        "board/roster_preview.html",
        form=form,
        roster_import=roster_import,
        unmapped=imports.unmapped(roster_import),
        inactive=imports.deactivation_preview(db.session, roster_import)
        if roster_import.status == "waiting"
        else [],
        field_choices=imports.FIELD_CHOICES,
        result=result,
    )


@bp.route("/template.xlsx")
@requires(Permission.ROSTER_IMPORT)
def roster_template() -> Response:
    return send_file(
        io.BytesIO(imports.roster_template()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="passport-roster-template.xlsx",
    )
