"""A physician attests a one-time requirement with a certificate (a course taken before
providers reported into Passport, for instance) and reads the board's answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.compliance import on_file
from passport.compliance.forms import AttestationForm
from passport.errors import Conflict, ValidationError
from passport.extensions import db
from passport.forms import show_validation_error
from passport.roster import queries as roster_queries
from passport.roster.requirement_sets import requirement_set_of
from passport.transcripts.certificates import store_certificate

bp = Blueprint("attestations", __name__, url_prefix="/physician")


@bp.route("/licenses/<int:link_id>/attest/<rule_id>", methods=["GET", "POST"])
@requires(Permission.TRANSCRIPT_OWN_READ)
def attest(link_id: int, rule_id: str) -> str | Response:
    link = roster_queries.link_of(db.session, current_user.id, link_id)
    licensee = link.licensee
    rules = dict(on_file.on_file_rules(requirement_set_of(licensee.board)))
    if rule_id not in rules:
        abort(404)
    form = AttestationForm()
    if form.validate_on_submit():
        try:
            stored = store_certificate(
                form.certificate.data.stream,
                form.certificate.data.filename,
                Path(current_app.config["PASSPORT_CERTIFICATE_DIR"]),
            )
            on_file.attest(
                db.session,
                user_id=current_user.id,
                licensee=licensee,
                rule_id=rule_id,
                satisfied_on=form.satisfied_on.data,
                certificate=on_file.Certificate(stored.sha256, stored.media_type, stored.filename),
                today=date.today(),
                ip_address=client_ip(),
            )
        except (ValidationError, Conflict) as error:
            db.session.rollback()
            if isinstance(error, ValidationError):
                show_validation_error(form, error)
            else:
                form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("Sent to the board. You will see its answer on this page.", "success")
            return redirect(url_for("attestations.attest", link_id=link.id, rule_id=rule_id))
    history = [r for r in on_file.records_of(db.session, licensee.id) if r.rule_id == rule_id]
    return render_template(
        "physician/attest.html",
        form=form,
        link=link,
        rule_label=rules[rule_id],
        history=history,
    )
