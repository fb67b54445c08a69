"""The physician's side of a documentation request: read what the board asks for, upload a
certificate for each named requirement, and see the board's answer on each.

Every request and document is loaded through ``documentation``'s checks that it concerns
a licensee linked to the signed-in physician; anything else is refused (403). The
auditor's own notes on the case are never shown here.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.audit import documentation
from passport.audit.forms import DocumentUploadForm
from passport.errors import Conflict, ValidationError
from passport.extensions import db
from passport.transcripts.certificates import certificate_path, store_certificate

bp = Blueprint("documentation_requests", __name__, url_prefix="/physician/documentation")


def _certificate_dir() -> Path:
    """The same store as self-reported certificates: outside the web root."""
    return Path(current_app.config["PASSPORT_CERTIFICATE_DIR"])


def _page(found, form: DocumentUploadForm | None = None, failed_item_id: int | None = None) -> str:
    return render_template(
        "physician/documentation_request.html",
        doc_request=found,
        form=form or DocumentUploadForm(formdata=None),
        failed_item_id=failed_item_id,
        item_state=documentation.item_state,
        state_labels=documentation.ITEM_STATE_LABELS,
    )


@bp.route("/<int:request_id>")
@requires(Permission.TRANSCRIPT_OWN_READ)
def show(request_id: int) -> str:
    return _page(documentation.request_for_physician(db.session, current_user.id, request_id))


@bp.route("/<int:request_id>/items/<int:item_id>/documents", methods=["POST"])
@requires(Permission.TRANSCRIPT_OWN_READ)
def upload(request_id: int, item_id: int) -> tuple[str, int] | Response:
    found = documentation.request_for_physician(db.session, current_user.id, request_id)
    form = DocumentUploadForm()
    if form.validate_on_submit():
        try:
            certificate = store_certificate(
                form.certificate.data.stream, form.certificate.data.filename, _certificate_dir()
            )
            documentation.add_document(
                db.session,
                request=found,
                item_id=item_id,
                user_id=current_user.id,
                certificate=certificate,
                ip_address=client_ip(),
            )
        except ValidationError as error:
            db.session.rollback()
            form.certificate.errors = [*form.certificate.errors, str(error)]
        except Conflict as error:
            db.session.rollback()
            flash(str(error), "warning")
            return redirect(url_for("documentation_requests.show", request_id=request_id))
        else:
            db.session.commit()
            flash("Document sent. The board will review it.", "success")
            return redirect(
                url_for(
                    "documentation_requests.show", request_id=request_id, _anchor=f"item-{item_id}"
                )
            )
    return _page(found, form, failed_item_id=item_id), 400


@bp.route("/documents/<int:document_id>")
@requires(Permission.TRANSCRIPT_OWN_READ)
def document(document_id: int) -> Response:
    found = documentation.document_for_physician(db.session, current_user.id, document_id)
    response = send_file(
        certificate_path(_certificate_dir(), found.sha256, found.media_type),
        mimetype=found.media_type,
        as_attachment=True,
        download_name=found.filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
