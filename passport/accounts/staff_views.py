"""Managing staff from the web: invite, resend, withdraw; disable, re-enable, reset
two-factor sign-in; name staff administrators.

Administrators reach every route here for any account; a board's or provider's staff
administrator for their own colleagues only. The tenant check is the services'
(``staff.ensure_may_manage_tenant``): an id of another tenant's account or invitation is
403 whatever the form said. Destructive buttons sit behind a confirmation the page shows
in a ``<details>`` element (no script: the CSP allows none inline).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts import invitation_mail, invitations, staff
from passport.accounts.access import client_ip, requires
from passport.accounts.forms import InvitationForm, StaffActionForm, StaffAdminForm
from passport.accounts.models import User
from passport.accounts.permissions import Permission, Role
from passport.accounts.staff import Tenant
from passport.accounts.staff_pages import staff_panel
from passport.errors import DomainError, Forbidden
from passport.extensions import db
from passport.urls import local_path

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _back(form: StaffActionForm | InvitationForm) -> Response:
    return redirect(local_path(form.next.data) or url_for("staff.colleagues"))


@bp.route("/")
@requires(Permission.STAFF_MANAGE)
def colleagues() -> str | Response:
    """A staff administrator's colleagues (administrators manage staff from each board's
    and provider's page)."""
    if current_user.role == Role.ADMIN.value:
        return redirect(url_for("admin.home"))
    tenant = Tenant.of(current_user)
    return render_template(
        "staff/colleagues.html",
        serves=current_user.board or current_user.provider,
        **staff_panel(db.session, tenant, url_for("staff.colleagues")),
    )


def _tenant_of(form: InvitationForm) -> Tenant:
    def number(value: str | None) -> int | None:
        return int(value) if value else None

    return Tenant(Role(form.role.data), number(form.board_id.data), number(form.provider_id.data))


@bp.route("/invitations", methods=["POST"])
@requires(Permission.STAFF_MANAGE)
def invite() -> Response:
    form = InvitationForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(f"Nobody was invited: {message}", "error")
        return _back(form)
    try:
        invitation, token = invitations.invite(
            db.session,
            current_user,
            _tenant_of(form),
            email=form.email.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            staff_admin=form.staff_admin.data,
            ip_address=client_ip(),
        )
    except Forbidden:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(f"Nobody was invited: {error}", "error")
        return _back(form)
    db.session.commit()
    invitation_mail.send_invitation(invitation, token)
    flash(f"Invitation sent to {invitation.email}.", "success")
    return _back(form)


def _on_invitation(invitation_id: int, change: Callable, done: str) -> Response:
    invitation = invitations.invitation_to_manage(db.session, current_user, invitation_id)
    form = StaffActionForm()
    if not form.validate_on_submit():
        flash("Nothing changed: the request was incomplete. Please try again.", "error")
        return _back(form)
    try:
        token = change(invitation)
    except Forbidden:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(form)
    db.session.commit()
    if token:
        invitation_mail.send_invitation(invitation, token)
    flash(done.format(email=invitation.email), "success")
    return _back(form)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires(Permission.STAFF_MANAGE)
def resend_invitation(invitation_id: int) -> Response:
    return _on_invitation(
        invitation_id,
        lambda invitation: invitations.resend(db.session, current_user, invitation, client_ip()),
        "Sent again to {email}; the earlier link no longer works.",
    )


@bp.route("/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@requires(Permission.STAFF_MANAGE)
def withdraw_invitation(invitation_id: int) -> Response:
    return _on_invitation(
        invitation_id,
        lambda invitation: invitations.withdraw(db.session, current_user, invitation, client_ip()),
        "The invitation to {email} is withdrawn: its link no longer works.",
    )


def _on_account(
    user_id: int,
    change: Callable[[User], None],
    done: str,
    form: StaffActionForm | None = None,
    after: Callable[[User], None] | None = None,
) -> Response:
    account = staff.account_to_manage(db.session, current_user, user_id)
    form = form or StaffActionForm()
    if not form.validate_on_submit():
        flash("Nothing changed: the request was incomplete. Please try again.", "error")
        return _back(form)
    try:
        change(account)
    except Forbidden:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(form)
    db.session.commit()
    if after is not None:
        after(account)
    flash(done.format(name=account.full_name), "success")
    return _back(form)


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@requires(Permission.STAFF_MANAGE)
def disable(user_id: int) -> Response:
    return _on_account(
        user_id,
        lambda account: staff.disable_account(db.session, current_user, account, client_ip()),
        "{name}'s account is disabled and signed out everywhere.",
    )


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@requires(Permission.STAFF_MANAGE)
def enable(user_id: int) -> Response:
    return _on_account(
        user_id,
        lambda account: staff.enable_account(db.session, current_user, account, client_ip()),
        "{name}'s account is enabled again.",
    )


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
@requires(Permission.STAFF_MANAGE)
def reset_two_factor(user_id: int) -> Response:
    return _on_account(
        user_id,
        lambda account: staff.reset_two_factor(db.session, current_user, account, client_ip()),
        "{name}'s two-factor sign-in is reset; they were told by e-mail.",
        after=lambda account: invitation_mail.send_two_factor_reset_notice(account, current_user),
    )


@bp.route("/users/<int:user_id>/staff-admin", methods=["POST"])
@requires(Permission.STAFF_MANAGE)
def staff_admin(user_id: int) -> Response:
    form = StaffAdminForm()
    grant = form.staff_admin.data == "1"
    return _on_account(
        user_id,
        lambda account: staff.set_staff_admin(
            db.session, current_user, account, grant, client_ip()
        ),
        "{name} is now a staff administrator."
        if grant
        else "{name} is no longer a staff administrator.",
        form=form,
    )
