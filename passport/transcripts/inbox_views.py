"""The provider's discrepancy inbox: physicians' flags on its records, a thread for each,
and the three answers (reply, correct the record, decline with a reason)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.errors import Conflict, ValidationError
from passport.extensions import db
from passport.forms import choices, show_error
from passport.reporting.queries import completion_versions
from passport.reporting.records import COLUMN_TITLES
from passport.reporting.services import RecordRejected
from passport.transcripts import discrepancies, discrepancy_queries
from passport.transcripts.forms import CorrectionForm, DeclineForm, MessageForm

bp = Blueprint("inbox", __name__, url_prefix="/provider/discrepancies")

STATUS_LABELS = {
    "active": "Waiting for you or the physician",
    "open": "Waiting for you",
    "answered": "Answered",
    "closed": "Closed",
    "all": "All",
}


def _load(discrepancy_id: int):
    return discrepancy_queries.discrepancy_for_provider(
        db.session, current_user.provider_id, discrepancy_id
    )


@bp.route("/")
@requires(Permission.DISCREPANCY_ANSWER)
def index() -> str:
    status = request.args.get("status", "active")
    status = status if status in STATUS_LABELS else "active"
    page = discrepancy_queries.provider_discrepancies(
        db.session, current_user.provider_id, status, request.args.get("page", 1, type=int) or 1
    )
    return render_template(
        "provider/discrepancies.html", page=page, status=status, statuses=STATUS_LABELS
    )


def _correction_form(item) -> CorrectionForm:  # noqa: ANN001
    form = CorrectionForm()
    form.credit_type_code.choices = choices(
        (credit_type.code, credit_type.name) for credit_type in item.activity.credit_types
    )
    if not form.is_submitted():
        completion = item.completion
        form.completed_on.data = item.claimed_completed_on or (
            completion and completion.completed_on
        )
        form.credits.data = item.claimed_credits or (completion and completion.credits)
        form.credit_type_code.data = completion.credit_type_code if completion else None
        form.delete.data = item.kind == "not_mine"
    return form


@bp.route("/<int:discrepancy_id>")
@requires(Permission.DISCREPANCY_ANSWER)
def detail(discrepancy_id: int) -> str:
    item = _load(discrepancy_id)
    return _render_detail(item, _correction_form(item))


def _render_detail(item, correction_form) -> str:  # noqa: ANN001
    return render_template(
        "provider/discrepancy.html",
        discrepancy=item,
        versions=completion_versions(db.session, item.completion_id) if item.completion_id else [],
        reply_form=MessageForm(prefix="reply"),
        decline_form=DeclineForm(prefix="decline"),
        correction_form=correction_form,
    )


@bp.route("/<int:discrepancy_id>/reply", methods=["POST"])
@requires(Permission.DISCREPANCY_ANSWER)
def reply(discrepancy_id: int) -> Response:
    item = _load(discrepancy_id)
    form = MessageForm(prefix="reply")
    if form.validate_on_submit():
        try:
            discrepancies.reply(
                db.session,
                discrepancy=item,
                author_id=current_user.id,
                body=form.body.data,
                from_provider=True,
            )
        except (ValidationError, Conflict) as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash("Reply sent.", "success")
    else:
        flash("Please write a reply first.", "warning")
    return redirect(url_for("inbox.detail", discrepancy_id=discrepancy_id))


@bp.route("/<int:discrepancy_id>/decline", methods=["POST"])
@requires(Permission.DISCREPANCY_ANSWER)
def decline(discrepancy_id: int) -> Response:
    item = _load(discrepancy_id)
    form = DeclineForm(prefix="decline")
    if form.validate_on_submit():
        try:
            discrepancies.decline(
                db.session, discrepancy=item, user_id=current_user.id, reason=form.body.data
            )
        except (ValidationError, Conflict) as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash("Declined; the physician sees your reason.", "success")
    else:
        flash("Please give the physician a reason.", "warning")
    return redirect(url_for("inbox.detail", discrepancy_id=discrepancy_id))


@bp.route("/<int:discrepancy_id>/correct", methods=["POST"])
@requires(Permission.DISCREPANCY_ANSWER, Permission.COMPLETIONS_REPORT)
def correct(discrepancy_id: int) -> str | Response:
    item = _load(discrepancy_id)
    form = _correction_form(item)
    if form.validate_on_submit():
        try:
            discrepancies.correct(
                db.session,
                discrepancy=item,
                user_id=current_user.id,
                correction=discrepancies.Correction(
                    delete=form.delete.data,
                    completed_on=form.completed_on.data,
                    credits=form.credits.data,
                    credit_type_code=form.credit_type_code.data,
                    note=form.note.data,
                ),
                today=date.today(),
                ip_address=client_ip(),
            )
        except RecordRejected as error:
            db.session.rollback()
            for row_error in error.errors:
                show_error(form, f"{COLUMN_TITLES[row_error.field]}: {row_error.message}")
        except (ValidationError, Conflict) as error:
            db.session.rollback()
            show_error(form, str(error))
        else:
            db.session.commit()
            flash("Record corrected; the discrepancy is resolved.", "success")
            return redirect(url_for("inbox.detail", discrepancy_id=discrepancy_id))
    item = _load(discrepancy_id)
    return _render_detail(item, form)
