"""Administrators bring boards and providers on, change them, and take them off
(deactivate: nothing is deleted). Each page also manages the tenant's staff with the
shared panel (``accounts.staff_pages``), whose buttons post to the ``staff`` routes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission, Role
from passport.accounts.staff import Tenant
from passport.accounts.staff_pages import staff_panel
from passport.admin.forms import ActiveForm, BoardForm, ProviderForm
from passport.errors import DomainError, ValidationError
from passport.extensions import db
from passport.forms import choices, show_error, show_validation_error
from passport.reporting import providers
from passport.reporting.models import Provider
from passport.requirements.rules import requirement_set_for
from passport.roster import boards
from passport.roster.models import Board
from passport.roster.requirement_sets import requirement_set_choices, requirement_set_of

bp = Blueprint("organizations", __name__, url_prefix="/admin")


def _board_form(board: Board | None = None) -> BoardForm:
    form = BoardForm(obj=board)
    form.requirement_set.choices = choices(
        [("", "None yet (the board's own code, when a file for it is added)")]
        + requirement_set_choices()
    )
    if board is not None and not form.is_submitted():
        form.requirement_set.data = board.requirement_set or (
            board.code if requirement_set_for(board.code) else ""
        )
    return form


def _board_details(form: BoardForm) -> boards.BoardDetails:
    return boards.BoardDetails(
        code=form.code.data or "",
        name=form.name.data or "",
        state=form.state.data or "",
        license_pattern=form.license_pattern.data or "",
        license_example=form.license_example.data or "",
        requirement_set=form.requirement_set.data or None,
        reporting_began_on=form.reporting_began_on.data,
    )


def _show(form, error: DomainError) -> None:  # noqa: ANN001 - any FlaskForm
    db.session.rollback()
    if isinstance(error, ValidationError):
        show_validation_error(form, error)
    else:
        show_error(form, str(error))


def _board_or_404(board_id: int) -> Board:
    return db.session.get(Board, board_id) or abort(404)


@bp.route("/boards/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def new_board() -> str | Response:
    form = _board_form()
    if form.validate_on_submit():
        try:
            board = boards.create_board(
                db.session,
                _board_details(form),
                actor_user_id=current_user.id,
                ip_address=client_ip(),
            )
        except DomainError as error:
            _show(form, error)
        else:
            db.session.commit()
            flash(f"{board.name} is set up. Invite its staff below.", "success")
            return redirect(url_for("organizations.board", board_id=board.id))
    return render_template("admin/board_form.html", form=form, board=None)


@bp.route("/boards/<int:board_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def board(board_id: int) -> str | Response:
    """A board's details (editable), when its reporting began, and its staff."""
    found = _board_or_404(board_id)
    form = _board_form(found)
    if form.validate_on_submit():
        try:
            changed = boards.update_board(
                db.session,
                found,
                _board_details(form),
                actor_user_id=current_user.id,
                ip_address=client_ip(),
            )
        except DomainError as error:
            _show(form, error)
        else:
            db.session.commit()
            flash("Saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("organizations.board", board_id=found.id))
    rs = requirement_set_of(found)
    file_set = requirement_set_for(found.requirement_set_code)
    return render_template(
        "admin/board_form.html",
        form=form,
        board=found,
        rules=rs,
        file_began_on=file_set.reporting_began_on if file_set else None,
        active_form=ActiveForm(formdata=None, active="0" if found.active else "1"),
        **staff_panel(
            db.session,
            Tenant(Role.BOARD, board_id=found.id),
            url_for("organizations.board", board_id=found.id),
        ),
    )


@bp.route("/boards/<int:board_id>/active", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def board_active(board_id: int) -> Response:
    found = _board_or_404(board_id)
    form = ActiveForm()
    if form.validate_on_submit():
        active = form.active.data == "1"
        boards.set_board_active(
            db.session, found, active, actor_user_id=current_user.id, ip_address=client_ip()
        )
        db.session.commit()
        flash(
            f"{found.name} is active again."
            if active
            else f"{found.name} is deactivated: its staff are signed out; its data stays.",
            "success",
        )
    return redirect(url_for("organizations.board", board_id=found.id))


def _provider_details(form: ProviderForm) -> providers.ProviderDetails:
    return providers.ProviderDetails(
        accme_id=form.accme_id.data or "",
        name=form.name.data or "",
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        contact_phone=form.contact_phone.data,
    )


def _provider_or_404(provider_id: int) -> Provider:
    return db.session.get(Provider, provider_id) or abort(404)


@bp.route("/providers/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def new_provider() -> str | Response:
    form = ProviderForm()
    if form.validate_on_submit():
        try:
            provider = providers.create_provider(
                db.session,
                _provider_details(form),
                actor_user_id=current_user.id,
                ip_address=client_ip(),
            )
        except DomainError as error:
            _show(form, error)
        else:
            db.session.commit()
            flash(f"{provider.name} is set up. Invite its staff below.", "success")
            return redirect(url_for("organizations.provider", provider_id=provider.id))
    return render_template("admin/provider_form.html", form=form, provider=None)


@bp.route("/providers/<int:provider_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def provider(provider_id: int) -> str | Response:
    found = _provider_or_404(provider_id)
    form = ProviderForm(obj=found)
    if form.validate_on_submit():
        try:
            changed = providers.update_provider(
                db.session,
                found,
                _provider_details(form),
                actor_user_id=current_user.id,
                ip_address=client_ip(),
            )
        except DomainError as error:
            _show(form, error)
        else:
            db.session.commit()
            flash("Saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("organizations.provider", provider_id=found.id))
    return render_template(
        "admin/provider_form.html",
        form=form,
        provider=found,
        active_form=ActiveForm(formdata=None, active="0" if found.active else "1"),
        **staff_panel(
            db.session,
            Tenant(Role.PROVIDER, provider_id=found.id),
            url_for("organizations.provider", provider_id=found.id),
        ),
    )


@bp.route("/providers/<int:provider_id>/active", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def provider_active(provider_id: int) -> Response:
    found = _provider_or_404(provider_id)
    form = ActiveForm()
    if form.validate_on_submit():
        active = form.active.data == "1"
        providers.set_provider_active(
            db.session, found, active, actor_user_id=current_user.id, ip_address=client_ip()
        )
        db.session.commit()
        flash(
            f"{found.name} is active again."
            if active
            else f"{found.name} is deactivated: it cannot report and its staff are signed "
            "out; everything it reported stays.",
            "success",
        )
    return redirect(url_for("organizations.provider", provider_id=found.id))
