"""The physician's pages: licences, the transcript, discrepancies and self-reported credit.

Every object is loaded through a query that checks it belongs to the signed-in physician
(their linked licences, their own records); services do the rest.
"""

from __future__ import annotations

from datetime import date
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
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.audit import documentation
from passport.compliance import on_file
from passport.compliance.evaluation import evaluate_licensees
from passport.compliance.needs import cycle_needs
from passport.errors import Conflict, ValidationError
from passport.extensions import db, limiter
from passport.forms import choices, show_error, show_validation_error
from passport.reporting.queries import topic_choices
from passport.requirements.engine import NOT_EVIDENCED, OVERDUE, SHORT
from passport.roster import queries as roster_queries
from passport.roster import services as linking
from passport.roster.requirement_sets import requirement_set_of
from passport.transcripts import discrepancies, discrepancy_queries, link_notices, queries, services
from passport.transcripts.certificates import certificate_path, store_certificate
from passport.transcripts.filters import CYCLES, VIEWS, TranscriptFilters
from passport.transcripts.forms import (
    FindActivityForm,
    FlagForm,
    LinkCodeForm,
    LinkLicenseForm,
    MessageForm,
    MissingForm,
    OptionalMessageForm,
    SelfReportForm,
)

# The one-time rules a physician may attest: those Passport's credit does not show met.
ATTESTABLE = frozenset({SHORT, OVERDUE, NOT_EVIDENCED})

bp = Blueprint("transcripts", __name__, url_prefix="/physician")


def _certificate_dir() -> Path:
    """Outside the web root; served only through the owner's download route."""
    return Path(current_app.config["PASSPORT_CERTIFICATE_DIR"])


@bp.route("/")
@requires(Permission.TRANSCRIPT_OWN_READ)
def home() -> str:
    """What is needed first, per linked license, then the discrepancies waiting."""
    summaries = queries.linked_license_summaries(db.session, current_user.id)
    evaluations = evaluate_licensees(db.session, [s.link.licensee for s in summaries])
    items = discrepancy_queries.physician_discrepancies(db.session, current_user.id)
    return render_template(
        "physician/home.html",
        summaries=summaries,
        standings=[
            (summary, result.evaluation, cycle_needs(result.evaluation, date.today()))
            for summary, result in zip(summaries, evaluations, strict=True)
        ],
        discrepancies=items,
        latest_answers=discrepancy_queries.latest_answers(items),
        documentation_requests=documentation.requests_for_physician(db.session, current_user.id),
    )


# Licences --------------------------------------------------------------------------------


@bp.route("/licenses/link", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@requires(Permission.LICENSES_LINK)
def link_license() -> str | Response:
    form = LinkLicenseForm()
    form.board_id.choices = choices(roster_queries.board_choices(db.session))
    if form.validate_on_submit():
        try:
            outcome = linking.link_license(
                db.session,
                user_id=current_user.id,
                request=linking.LinkRequest(
                    board_id=int(form.board_id.data),
                    license_number=form.license_number.data,
                    last_name=form.last_name.data,
                    date_of_birth=form.date_of_birth.data,
                ),
                ip_address=client_ip(),
            )
        except ValidationError as error:
            db.session.commit()  # the failed attempt counts toward throttling
            show_validation_error(form, error)
        except (linking.LinkThrottled, linking.EmailNotConfirmed) as error:
            db.session.commit()
            show_error(form, str(error))
        else:
            if isinstance(outcome, linking.CodeSent):
                link_notices.send_link_code(db.session, outcome)
                db.session.commit()
                return redirect(url_for("transcripts.confirm_link", code_id=outcome.code_id))
            return _linked(outcome)
    return render_template(
        "physician/link_license.html",
        form=form,
        email_confirmed=current_user.email_verified_at is not None,
    )


def _linked(link) -> Response:  # noqa: ANN001 - a LicenseLink
    """Tell the holder, and commit the link with the notice."""
    link_notices.tell_holder_of_link(db.session, current_user, link)
    db.session.commit()
    flash("License linked. Every credit reported for it now appears here.", "success")
    return redirect(url_for("transcripts.home"))


@bp.route("/licenses/confirm/<int:code_id>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@requires(Permission.LICENSES_LINK)
def confirm_link(code_id: int) -> str | Response:
    """The second step for a license whose roster entry has an e-mail address: the code
    sent there."""
    linking.pending_code(db.session, current_user.id, code_id)  # 404 unless it is theirs
    form = LinkCodeForm()
    if form.validate_on_submit():
        try:
            link = linking.confirm_link(
                db.session,
                user_id=current_user.id,
                code_id=code_id,
                code=form.code.data,
                ip_address=client_ip(),
            )
        except ValidationError as error:
            db.session.commit()  # a wrong code counts toward throttling
            show_validation_error(form, error)
        else:
            return _linked(link)
    return render_template("physician/confirm_link.html", form=form)


@bp.route("/licenses/<int:link_id>/unlink", methods=["POST"])
@requires(Permission.LICENSES_LINK)
def unlink_license(link_id: int) -> Response:
    link = roster_queries.link_of(db.session, current_user.id, link_id)
    if OptionalMessageForm().validate_on_submit():
        linking.unlink_license(
            db.session, user_id=current_user.id, link_id=link.id, ip_address=client_ip()
        )
        db.session.commit()
        flash("Licence unlinked. You can link it again at any time.", "success")
    return redirect(url_for("transcripts.home"))


# Transcript ------------------------------------------------------------------------------


@bp.route("/transcript")
@requires(Permission.TRANSCRIPT_OWN_READ)
def transcript() -> str | Response:
    filters = TranscriptFilters.from_args(request.args)
    links = roster_queries.links_of(db.session, current_user.id)
    if not links:
        flash("Link a licence first: the transcript shows the credits reported for it.", "info")
        return redirect(url_for("transcripts.link_license"))
    link = next((item for item in links if item.id == filters.license), links[0])
    licensee = link.licensee
    view = (
        queries.transcript_by_activity if filters.view == "activity" else queries.transcript_by_date
    )
    evaluation = evaluate_licensees(db.session, [licensee])[0].evaluation
    return render_template(
        "physician/transcript.html",
        filters=filters,
        links=links,
        link=link,
        cycle=filters.cycle_for(licensee.expires_on),
        date_range=filters.date_range(licensee.expires_on),
        page=view(db.session, licensee.id, licensee.expires_on, filters),
        totals=queries.transcript_totals(db.session, licensee.id, licensee.expires_on, filters),
        self_reported=queries.self_reported_credits(
            db.session, current_user.id, licensee.expires_on, filters
        ),
        providers=queries.providers_reporting_for(db.session, licensee.id),
        credit_types=queries.credit_type_options(db.session),
        topics=topic_choices(db.session),
        cycles=CYCLES,
        views=VIEWS,
        evaluation=evaluation,
        attest_urls=_attest_urls(link, evaluation),
    )


def _attest_urls(link, evaluation) -> dict[str, str]:  # noqa: ANN001 - LicenseLink, Evaluation
    """Where the physician can attest each one-time rule not met in Passport's credit."""
    if evaluation is None:
        return {}
    attestable = dict(on_file.on_file_rules(requirement_set_of(link.licensee.board)))
    return {
        rule.rule_id: url_for("attestations.attest", link_id=link.id, rule_id=rule.rule_id)
        for rule in evaluation.rules
        if rule.rule_id in attestable and rule.status in ATTESTABLE
    }


# Discrepancies ---------------------------------------------------------------------------


def _claim(form) -> discrepancies.Claim:  # noqa: ANN001 - FlagForm or MissingForm
    return discrepancies.Claim(
        note=form.note.data, completed_on=form.completed_on.data, credits=form.credits.data
    )


def _send_to_provider(form, raise_discrepancy) -> Response | None:  # noqa: ANN001
    """Run ``raise_discrepancy``; on success commit and go to the new thread, otherwise
    roll back, show the error on the form and return ``None`` (the caller re-renders)."""
    try:
        discrepancy = raise_discrepancy()
    except (ValidationError, Conflict) as error:
        db.session.rollback()
        show_error(form, str(error), getattr(error, "field", None))
        return None
    db.session.commit()
    flash("Sent to the provider. You will see their answer here.", "success")
    return redirect(url_for("transcripts.discrepancy", discrepancy_id=discrepancy.id))


@bp.route("/completions/<int:completion_id>/flag", methods=["GET", "POST"])
@requires(Permission.DISCREPANCY_RAISE)
def flag_completion(completion_id: int) -> str | Response:
    completion = queries.completion_for_physician(db.session, current_user.id, completion_id)
    form = FlagForm()
    if form.validate_on_submit():
        sent = _send_to_provider(
            form,
            lambda: discrepancies.flag_completion(
                db.session,
                user_id=current_user.id,
                completion=completion,
                kind=form.kind.data,
                claim=_claim(form),
                today=date.today(),
            ),
        )
        if sent is not None:
            return sent
    return render_template("physician/flag.html", form=form, completion=completion)


@bp.route("/missing")
@requires(Permission.DISCREPANCY_RAISE)
def find_missing() -> str:
    form = FindActivityForm(request.args)
    results = None
    if form.provider.data or form.activity.data:
        results = discrepancy_queries.find_activities(
            db.session, form.provider.data or "", form.activity.data or ""
        )
    return render_template("physician/find_missing.html", form=form, results=results)


@bp.route("/missing/<int:activity_id>", methods=["GET", "POST"])
@requires(Permission.DISCREPANCY_RAISE)
def report_missing(activity_id: int) -> str | Response:
    activity = discrepancy_queries.activity_for_physician(db.session, activity_id)
    links = roster_queries.links_of(db.session, current_user.id)
    if not links:
        flash("Link a licence first: a missing record is reported for a licence.", "info")
        return redirect(url_for("transcripts.link_license"))
    form = MissingForm(activity_id=str(activity.id))
    form.link_id.choices = choices(
        (str(link.id), f"{link.licensee.board.name} · {link.licensee.license_number}")
        for link in links
    )
    if form.validate_on_submit():
        link = roster_queries.link_of(db.session, current_user.id, int(form.link_id.data))
        sent = _send_to_provider(
            form,
            lambda: discrepancies.report_missing(
                db.session,
                user_id=current_user.id,
                link=link,
                activity=activity,
                claim=_claim(form),
                today=date.today(),
            ),
        )
        if sent is not None:
            return sent
    return render_template("physician/report_missing.html", form=form, activity=activity)


@bp.route("/discrepancies/<int:discrepancy_id>")
@requires(Permission.DISCREPANCY_RAISE)
def discrepancy(discrepancy_id: int) -> str:
    item = discrepancy_queries.discrepancy_for_physician(
        db.session, current_user.id, discrepancy_id
    )
    return render_template(
        "physician/discrepancy.html",
        discrepancy=item,
        reply_form=MessageForm(),
        withdraw_form=OptionalMessageForm(),
    )


def _thread_action(discrepancy_id: int, action, form) -> Response:  # noqa: ANN001
    item = discrepancy_queries.discrepancy_for_physician(
        db.session, current_user.id, discrepancy_id
    )
    if not form.validate_on_submit():
        flash("Please write a message first.", "warning")
    else:
        try:
            action(item, form.body.data)
        except (ValidationError, Conflict) as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
    return redirect(url_for("transcripts.discrepancy", discrepancy_id=discrepancy_id))


@bp.route("/discrepancies/<int:discrepancy_id>/reply", methods=["POST"])
@requires(Permission.DISCREPANCY_RAISE)
def reply(discrepancy_id: int) -> Response:
    return _thread_action(
        discrepancy_id,
        lambda item, body: discrepancies.reply(
            db.session, discrepancy=item, author_id=current_user.id, body=body, from_provider=False
        ),
        MessageForm(),
    )


@bp.route("/discrepancies/<int:discrepancy_id>/reopen", methods=["POST"])
@requires(Permission.DISCREPANCY_RAISE)
def reopen(discrepancy_id: int) -> Response:
    return _thread_action(
        discrepancy_id,
        lambda item, body: discrepancies.reopen(
            db.session, discrepancy=item, user_id=current_user.id, note=body
        ),
        MessageForm(),
    )


@bp.route("/discrepancies/<int:discrepancy_id>/withdraw", methods=["POST"])
@requires(Permission.DISCREPANCY_RAISE)
def withdraw(discrepancy_id: int) -> Response:
    form = OptionalMessageForm()
    item = discrepancy_queries.discrepancy_for_physician(
        db.session, current_user.id, discrepancy_id
    )
    if form.validate_on_submit():
        try:
            discrepancies.withdraw(
                db.session, discrepancy=item, user_id=current_user.id, note=form.body.data
            )
        except Conflict as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash("Withdrawn.", "success")
    return redirect(url_for("transcripts.discrepancy", discrepancy_id=discrepancy_id))


# Self-reported credit --------------------------------------------------------------------


@bp.route("/self-reported/new", methods=["GET", "POST"])
@requires(Permission.TRANSCRIPT_OWN_READ)
def add_self_reported() -> str | Response:
    form = SelfReportForm()
    form.credit_type_code.choices = choices(queries.credit_type_options(db.session))
    form.topic_codes.choices = choices(topic_choices(db.session))
    if not form.is_submitted():
        form.credit_type_code.data = "SELF_REPORTED"
    if form.validate_on_submit():
        try:
            certificate = store_certificate(
                form.certificate.data.stream, form.certificate.data.filename, _certificate_dir()
            )
            services.add_self_reported_credit(
                db.session,
                user_id=current_user.id,
                report=services.SelfReport(
                    title=form.title.data,
                    provider_name=form.provider_name.data,
                    completed_on=form.completed_on.data,
                    credits=form.credits.data,
                    credit_type_code=form.credit_type_code.data,
                    topic_codes=tuple(form.topic_codes.data or ()),
                ),
                certificate=certificate,
                today=date.today(),
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
            flash("Self-reported credit added. It is shown and totalled apart.", "success")
            return redirect(url_for("transcripts.transcript"))
    return render_template("physician/self_report.html", form=form)


@bp.route("/self-reported/<int:credit_id>/certificate")
@requires(Permission.TRANSCRIPT_OWN_READ)
def certificate(credit_id: int) -> Response:
    credit = queries.self_reported_credit_for(db.session, current_user.id, credit_id)
    response = send_file(
        certificate_path(
            _certificate_dir(), credit.certificate_sha256, credit.certificate_media_type
        ),
        mimetype=credit.certificate_media_type,
        as_attachment=True,
        download_name=credit.certificate_filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/self-reported/<int:credit_id>/withdraw", methods=["POST"])
@requires(Permission.TRANSCRIPT_OWN_READ)
def withdraw_self_reported(credit_id: int) -> Response:
    credit = queries.self_reported_credit_for(db.session, current_user.id, credit_id)
    if OptionalMessageForm().validate_on_submit():
        services.withdraw_self_reported_credit(db.session, credit=credit)
        db.session.commit()
        flash("Removed from your transcript.", "success")
    return redirect(url_for("transcripts.transcript"))
