"""Administrators' pages: the boards, providers and accounts on this installation."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission, Role
from passport.accounts.queries import list_users
from passport.accounts.staff import Tenant
from passport.accounts.staff_pages import staff_panel
from passport.admin.forms import ClearIdentityChecksForm, MoveLinkForm
from passport.audit import export, logs
from passport.extensions import db
from passport.reporting import identity_guard
from passport.reporting.models import Provider
from passport.roster.claim_settling import settle_claim
from passport.roster.models import Board
from passport.roster.queries import contested_claims, current_holders
from passport.trail.labels import TRAIL_ACTION_LABELS, action_choices, object_label
from passport.trail.queries import (
    LogFilters,
    audit_object_types,
    audit_trail_events,
    audit_trail_page,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@requires(Permission.ADMIN_MANAGE)
def home() -> str:
    boards = list(db.session.scalars(sa.select(Board).order_by(Board.code)))
    providers = list(db.session.scalars(sa.select(Provider).order_by(Provider.name)))
    all_staff = [user for user in list_users(db.session) if user.role != "physician"]
    contested = contested_claims(db.session)
    return render_template(
        "admin/home.html",
        move_form=MoveLinkForm(formdata=None),
        boards=boards,
        providers=providers,
        all_staff=all_staff,
        contested=contested,
        holders=current_holders(db.session, {attempt.licensee_id for attempt in contested}),
        # The administrators themselves, managed with the same panel as any tenant's staff.
        **staff_panel(db.session, Tenant(Role.ADMIN), url_for("admin.home")),
    )


@bp.route("/audit-trail")
@requires(Permission.ADMIN_MANAGE)
def audit_trail() -> str:
    """Read the append-only trail of writes, in words. There is no way to change it here
    or anywhere else in the app; the database refuses updates and deletes as well."""
    filters = LogFilters.from_args(request.args)
    return render_template(
        "admin/audit_trail.html",
        page=audit_trail_page(db.session, filters, logs.resolve(db.session, filters)),
        filters=filters,
        actions=action_choices(TRAIL_ACTION_LABELS),
        object_types=[(code, object_label(code)) for code in audit_object_types(db.session)],
    )


@bp.route("/audit-trail.csv")
@requires(Permission.ADMIN_MANAGE)
def audit_trail_export() -> Response:
    filters = LogFilters.from_args(request.args)
    events = audit_trail_events(db.session, filters, logs.resolve(db.session, filters))
    return send_file(
        io.BytesIO(export.audit_trail_csv(events)),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"audit-trail-{date.today():%Y%m%d}.csv",
    )


@bp.route("/identity-checks")
@requires(Permission.ADMIN_MANAGE)
def identity_checks() -> str:
    """Providers whose identity checks for a licensee were held back (the matching
    guard, ``reporting.identity_guard``), with a button to clear each."""
    return render_template(
        "admin/identity_checks.html",
        checks=identity_guard.suspicious_checks(db.session),
        form=ClearIdentityChecksForm(formdata=None),
        limit=identity_guard.MAX_DIFFERING_IDENTITIES,
    )


@bp.route("/identity-checks/clear", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def clear_identity_checks() -> Response:
    form = ClearIdentityChecksForm()
    if not form.validate_on_submit():
        flash("Nothing was cleared: the request was incomplete. Please try again.", "error")
        return redirect(url_for("admin.identity_checks"))
    matched = identity_guard.clear_checks(
        db.session,
        actor_user_id=current_user.id,
        provider_id=int(form.provider_id.data),
        licensee_id=int(form.licensee_id.data),
        ip_address=client_ip(),
    )
    db.session.commit()
    flash(
        f"Cleared. The provider's held records were matched again: {matched} now match.",
        "success",
    )
    return redirect(url_for("admin.identity_checks"))


@bp.route("/contested/move", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def move_link() -> Response:
    """Give a contested license to the account that claimed it."""
    settle_claim(MoveLinkForm(), board_id=None)
    return redirect(url_for("admin.home"))
