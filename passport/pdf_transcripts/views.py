"""PDF transcripts: a physician's own (one licence or all, a cycle or dates), a board's
for any of its licensees (written to the access log), and the public verification page."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, public, requires
from passport.accounts.permissions import Permission
from passport.audit.queries import licensee_for_board
from passport.errors import NotFound
from passport.extensions import db, limiter
from passport.pdf_transcripts import services
from passport.pdf_transcripts.document import Period
from passport.request_guards import query_id
from passport.roster import queries as roster_queries
from passport.sqlite_transactions import writes_on_get
from passport.trail.services import log_board_access
from passport.transcripts.filters import TranscriptFilters
from passport.urls import external_url

bp = Blueprint("pdf_transcripts", __name__)


def _period() -> Period:
    filters = TranscriptFilters.from_args(request.args)
    return Period(filters.cycle, filters.date_from, filters.date_to)


def _verify_url(code: str) -> str:
    return external_url("pdf_transcripts.verify", code=code)


def _send(issued: services.IssuedPdf) -> Response:
    response = send_file(
        io.BytesIO(issued.pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=issued.filename,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/physician/transcript.pdf")
@requires(Permission.TRANSCRIPT_OWN_READ)
@writes_on_get
def physician_pdf() -> Response:
    """``license`` is one of the user's link ids, or ``all``."""
    if request.args.get("license", "all") == "all":
        links = roster_queries.links_of(db.session, current_user.id)
    else:  # a link id: anything else (not a number, past any id) is no such licence
        link_id = query_id("license")
        if link_id is None:
            abort(404)
        links = [roster_queries.link_of(db.session, current_user.id, link_id)]
    if not links:
        return redirect(url_for("transcripts.link_license"))
    issued = services.issue_transcript(
        db.session,
        issued_by_user_id=current_user.id,
        holder_name=services.holder_name_of([link.licensee for link in links]),
        licensees=[link.licensee for link in links],
        self_reporting_user_ids=[current_user.id],
        period=_period(),
        verify_url_for=_verify_url,
        today=date.today(),
    )
    db.session.commit()
    return _send(issued)


@bp.route("/board/licensees/<int:licensee_id>/transcript.pdf")
@requires(Permission.AUDIT_READ)
@writes_on_get
def board_pdf(licensee_id: int) -> Response:
    licensee = licensee_for_board(db.session, current_user.board_id, licensee_id)
    issued = services.issue_transcript(
        db.session,
        issued_by_user_id=current_user.id,
        holder_name=services.holder_name_of([licensee]),
        licensees=[licensee],
        self_reporting_user_ids=roster_queries.linked_user_ids(db.session, licensee.id),
        period=_period(),
        verify_url_for=_verify_url,
        today=date.today(),
    )
    log_board_access(
        db.session,
        user_id=current_user.id,
        board_id=current_user.board_id,
        licensee_id=licensee.id,
        action="licensee.transcript_pdf",
        detail=f"code {issued.issued.code}, {issued.issued.row_count} completions",
        ip_address=client_ip(),
    )
    db.session.commit()
    return _send(issued)


@bp.route("/physician/transcripts/issued")
@requires(Permission.TRANSCRIPT_OWN_READ)
def issued() -> str:
    """The transcripts the physician downloaded, each with its code and a way to withdraw it."""
    return render_template(
        "physician/issued_transcripts.html",
        transcripts=services.issued_by(db.session, current_user.id),
        display_code=services.display_code,
    )


@bp.route("/physician/transcripts/issued/<code>/withdraw", methods=["POST"])
@requires(Permission.TRANSCRIPT_OWN_READ)
def withdraw(code: str) -> Response:
    issued = services.withdraw_transcript(
        db.session, user_id=current_user.id, code=code, ip_address=client_ip()
    )
    db.session.commit()
    flash(
        f"Transcript {services.display_code(issued.code)} is withdrawn: its verification page "
        "now says so.",
        "success",
    )
    return redirect(url_for("pdf_transcripts.issued"))


# Anyone holding a PDF may check it; the limit keeps codes from being tried in bulk.
VERIFY_LIMIT = "30 per minute;300 per hour"


@bp.route("/verify")
@limiter.limit(VERIFY_LIMIT)
@public
def verify_form() -> str | Response:
    code = services.normalise_code(request.args.get("code", ""))
    if code:
        return redirect(url_for("pdf_transcripts.verify", code=code))
    return render_template("verify/form.html")


@bp.route("/verify/<code>")
@limiter.limit(VERIFY_LIMIT)
@public
def verify(code: str) -> str | tuple[str, int]:
    try:
        result = services.verify(db.session, code)
    except NotFound:
        return render_template("verify/unknown.html", code=code[:40]), 404
    return render_template("verify/show.html", result=result)
