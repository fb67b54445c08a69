"""Board staff pages."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import requires
from passport.accounts.permissions import Permission
from passport.admin.forms import MoveLinkForm
from passport.audit import export, logs, navigation, worklist
from passport.audit.board_access import log_look
from passport.audit.queries import (
    board_overview,
    licensee_completions,
    licensee_discrepancies,
    licensee_for_board,
    licensee_self_reported,
)
from passport.audit.search import search_board
from passport.audit.worklist import AuditFilters
from passport.compliance import on_file
from passport.compliance.evaluation import evaluate_licensees
from passport.compliance.forms import DecisionForm, OnFileForm
from passport.extensions import db
from passport.reporting import identity_guard
from passport.requirements.engine import OVERALL_LABELS
from passport.roster.claim_settling import settle_claim
from passport.roster.queries import contested_claims, current_holders
from passport.roster.requirement_sets import requirement_set_of
from passport.sqlite_transactions import writes_on_get
from passport.trail.labels import ACCESS_ACTION_LABELS, action_choices
from passport.trail.queries import LogFilters, access_log_entries, access_log_page
from passport.transcripts import discrepancy_queries

bp = Blueprint("audit", __name__, url_prefix="/board")


@bp.route("/")
@requires(Permission.AUDIT_READ)
def home() -> str:
    overview = board_overview(db.session, current_user.board_id, date.today())
    return render_template("board/home.html", overview=overview)


@bp.route("/discrepancies")
@requires(Permission.AUDIT_READ)
def discrepancies() -> str:
    status = request.args.get("status", "active")
    page = discrepancy_queries.board_discrepancies(
        db.session, current_user.board_id, status, request.args.get("page", 1, type=int) or 1
    )
    return render_template("board/discrepancies.html", page=page, status=status)


@bp.route("/discrepancies/<int:discrepancy_id>")
@requires(Permission.AUDIT_READ)
@writes_on_get
def discrepancy(discrepancy_id: int) -> str:
    item = discrepancy_queries.discrepancy_for_board(
        db.session, current_user.board_id, discrepancy_id
    )
    log_look("discrepancy.view", item.licensee_id, f"discrepancy {item.id}")
    db.session.commit()
    return render_template("board/discrepancy.html", discrepancy=item)


# The audit worklist, drill-down, export and access log ---------------------------------


def _filters() -> AuditFilters:
    return AuditFilters.from_args(request.args, date.today())


def _in_words(filters: AuditFilters) -> str:
    """The worklist's filters as a person reads them (for the access log)."""
    words = [f"expiring {filters.starts_on:%m/%d/%Y} to {filters.ends_on:%m/%d/%Y}"]
    if filters.status:
        words.append(f"status {OVERALL_LABELS.get(filters.status, filters.status)}")
    if filters.specialty:
        words.append(f"specialty {filters.specialty}")
    if filters.search:
        words.append(f"search “{filters.search}”")
    return ", ".join(words)


@bp.route("/audit")
@requires(Permission.AUDIT_READ)
@writes_on_get
def audit() -> str:
    filters = _filters()
    page = worklist.worklist(db.session, current_user.board_id, filters)
    db.session.commit()  # the standings it brought up to date
    return render_template(
        "board/audit.html",
        filters=filters,
        worklist=page,
        statuses=OVERALL_LABELS,
        sorts=worklist.SORTS,
        specialties=worklist.specialties(db.session, current_user.board_id),
        rules=worklist.rule_choices(current_user.board),
    )


@bp.route("/audit.csv", defaults={"fmt": "csv"})
@bp.route("/audit.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.AUDIT_READ)
@writes_on_get
def audit_export(fmt: str) -> Response:
    filters = _filters()
    rows = worklist.all_rows(db.session, current_user.board_id, filters)
    log_look("audit.export", detail=f"{len(rows)} licensees as .{fmt}, {_in_words(filters)}")
    db.session.commit()
    name = f"audit-{filters.starts_on:%Y%m%d}-{filters.ends_on:%Y%m%d}.{fmt}"
    if fmt == "csv":
        body, mimetype = export.audit_csv(rows), "text/csv"
    else:
        body = export.audit_xlsx(rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


def _worklist_place(licensee_id: int) -> navigation.WorklistPlace | None:
    """Where the licensee stands in the worklist it was opened from (its filters travel
    in the URL), for the previous and next links."""
    if not navigation.came_from_worklist(request.args):
        return None
    return navigation.worklist_place(db.session, current_user.board_id, _filters(), licensee_id)


@bp.route("/licensees")
@requires(Permission.AUDIT_READ)
@writes_on_get
def search() -> str:
    """Any licensee of the board, whatever its expiry, by license number or name."""
    text = (request.args.get("q") or "").strip()[:100]
    result = search_board(db.session, current_user.board_id, text) if text else None
    if result is not None:
        log_look("roster.search", detail=f"“{result.text}”: {result.total} found")
    db.session.commit()
    return render_template("board/search.html", result=result, text=text)


@bp.route("/licensees/<int:licensee_id>")
@requires(Permission.AUDIT_READ)
@writes_on_get
def licensee(licensee_id: int) -> str:
    found = licensee_for_board(db.session, current_user.board_id, licensee_id)
    evaluated = evaluate_licensees(db.session, [found], individual=True)[0]
    place = _worklist_place(found.id)
    log_look("licensee.view", found.id)
    db.session.commit()
    rs = requirement_set_of(found.board)
    return render_template(
        "board/licensee.html",
        worklist_place=place,
        licensee=found,
        evaluation=evaluated.evaluation,
        requirement_set=rs,
        on_file_records=on_file.records_of(db.session, found.id),
        on_file_rules=on_file.on_file_rules(rs),
        on_file_form=OnFileForm(formdata=None),
        decision_form=DecisionForm(formdata=None),
        rule_labels=on_file.rule_labels_of(found.board),
        self_reported=licensee_self_reported(db.session, found.id),
        declaration_labels=dict(rs.content_declarations) if rs else {},
        completions=licensee_completions(db.session, found.id),
        discrepancies=licensee_discrepancies(db.session, found.id),
    )


@bp.route("/contested-links")
@requires(Permission.AUDIT_READ)
def contested_links() -> str:
    """Second claims on the board's licensees, with a way to settle each."""
    contested = contested_claims(db.session, board_id=current_user.board_id)
    return render_template(
        "board/contested_links.html",
        contested=contested,
        holders=current_holders(db.session, {a.licensee_id for a in contested}),
        move_form=MoveLinkForm(formdata=None),
    )


@bp.route("/contested-links/move", methods=["POST"])
@requires(Permission.AUDIT_READ)
def move_link() -> Response:
    settle_claim(MoveLinkForm(), board_id=current_user.board_id)
    return redirect(url_for("audit.contested_links"))


@bp.route("/identity-checks")
@requires(Permission.AUDIT_READ)
def identity_checks() -> str:
    """Providers that tried several different identities for one of the board's
    licensees, and had further answers held back (``reporting.identity_guard``)."""
    return render_template(
        "board/identity_checks.html",
        checks=identity_guard.suspicious_checks(db.session, current_user.board_id),
        limit=identity_guard.MAX_DIFFERING_IDENTITIES,
    )


@bp.route("/access-log")
@requires(Permission.AUDIT_READ)
def access_log() -> str:
    filters = LogFilters.from_args(request.args)
    ids = logs.resolve(db.session, filters, board_id=current_user.board_id)
    return render_template(
        "board/access_log.html",
        page=access_log_page(db.session, current_user.board_id, filters, ids),
        filters=filters,
        actions=action_choices(ACCESS_ACTION_LABELS),
    )


@bp.route("/access-log.csv")
@requires(Permission.AUDIT_READ)
def access_log_export() -> Response:
    filters = LogFilters.from_args(request.args)
    ids = logs.resolve(db.session, filters, board_id=current_user.board_id)
    body = export.access_log_csv(
        access_log_entries(db.session, current_user.board_id, filters, ids)
    )
    return send_file(
        io.BytesIO(body),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"access-log-{date.today():%Y%m%d}.csv",
    )
