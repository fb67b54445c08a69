"""The settle-this-claim button of the contested-license lists (an administrator's, for
any license; a board's, for its own): one request helper both pages call."""

from __future__ import annotations

from flask import flash
from flask_login import current_user
from flask_wtf import FlaskForm

from passport.accounts.access import client_ip
from passport.extensions import db
from passport.roster.services import move_claimed_link


def settle_claim(form: FlaskForm, *, board_id: int | None) -> None:
    """Give the license to the claimant the form names (``licensee_id``, ``user_id``):
    commit and say so, or roll back and say why. ``board_id`` confines a board's staff to
    its own licensees."""
    if not form.validate_on_submit():
        return
    error = move_claimed_link(
        db.session,
        actor_user_id=current_user.id,
        licensee_id=form.licensee_id.data,
        user_id=form.user_id.data,
        board_id=board_id,
        ip_address=client_ip(),
    )
    if error:
        db.session.rollback()
        flash(error, "error")
    else:
        db.session.commit()
        flash("The license now belongs to the account that claimed it.", "success")
