"""Board staff import their roster."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.errors import DomainError
from passport.extensions import db
from passport.jobs import enqueue_standings_refresh
from passport.reporting.parsers import method_for_filename
from passport.reporting.services import store_upload_file
from passport.roster.importer import import_roster
from passport.roster.models import Board

bp = Blueprint("roster", __name__, url_prefix="/board/roster")


class RosterForm(FlaskForm):
    file = FileField(
        "Roster (.csv or .xlsx)",
        validators=[FileRequired(), FileAllowed(["csv", "xlsx"], "Use .csv or .xlsx.")],
        description="Columns: License Number, First Name, Last Name, Date of Birth (MM/DD), "
        "License Type, First Issued, Expires, Status, Specialty, NPI, Attests 25% of "
        "patients aged 65 or over, CME Waiver, E-mail (a one-time code is sent there when a "
        "physician links the license).",
    )
    full_roster = BooleanField(
        "This file is our whole roster: mark licensees who are not in it inactive"
    )


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.ROSTER_IMPORT)
def import_file() -> str:
    form = RosterForm()
    result = None
    if form.validate_on_submit():
        method = method_for_filename(form.file.data.filename or "")
        stored = store_upload_file(
            form.file.data.stream, Path(current_app.config["PASSPORT_UPLOAD_DIR"]), method
        )
        try:
            result = import_roster(
                db.session,
                board=db.session.get(Board, current_user.board_id),
                user_id=current_user.id,
                path=stored.path,
                method=method,
                full_roster=form.full_roster.data,
                ip_address=client_ip(),
            )
        except DomainError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
        else:
            db.session.commit()
            enqueue_standings_refresh()
    return render_template("board/roster.html", form=form, result=result)
