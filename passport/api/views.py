"""The provider web service under ``/api/v1``: JSON in and out, bearer tokens only.

Views parse the body or query with the pydantic schemas, call a service and answer with a
schema; every error is an RFC 9457 problem. Another provider's object is answered 404:
the API never confirms that an id exists outside the client's provider.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from authlib.oauth2 import OAuth2Error
from flask import Blueprint, Response, current_app, json, render_template, request, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import IntegrityError

from passport.accounts.access import client_ip, public
from passport.api import activities, completions, idempotency, schemas
from passport.api.models import ApiScope
from passport.api.oauth import (
    api_scope,
    authorization_server,
    bearer_token,
    current_client,
    current_provider_id,
)
from passport.api.openapi import build_document, describe_type, operation
from passport.api.problems import problem, problem_body, problem_response
from passport.errors import Conflict, DomainError, Forbidden, NotFound
from passport.extensions import csrf, db, limiter
from passport.jobs import enqueue_standings_refresh
from passport.reporting import outcomes as reporting_outcomes
from passport.reporting import queries as reporting_queries
from passport.reporting.matching import match_reason
from passport.reporting.models import ConsentBasis
from passport.reporting.parsers import FileRefused
from passport.reporting.services import store_upload_file
from passport.urls import base_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie is ever read, so there is nothing to forge

Model = TypeVar("Model", bound=pydantic.BaseModel)
MAX_BODY_BYTES = 16 * 1024 * 1024
READ = (ApiScope.COMPLETIONS_READ,)
WRITE = (ApiScope.COMPLETIONS_WRITE,)


def _rate_key() -> str:
    """Limits count per API client; requests without a valid token count per address."""
    try:
        return f"api-client:{bearer_token().api_client_id}"
    except OAuth2Error:
        return get_remote_address()


limiter.limit(lambda: current_app.config["PASSPORT_API_RATE_LIMIT"], key_func=_rate_key)(bp)


class ProblemRaised(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


@bp.errorhandler(ProblemRaised)
def _raised(error: ProblemRaised) -> Response:
    db.session.rollback()
    return error.response


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Response:
    db.session.rollback()
    if isinstance(error, Forbidden):
        # Another provider's object: answered as missing, in words that do not confirm it.
        return problem(404, "Not found", "No such object among your provider's.")
    if isinstance(error, NotFound):
        return problem(404, "Not found", str(error))
    if isinstance(error, Conflict):
        return problem(409, "Conflict", str(error))
    field = getattr(error, "field", None)
    name = {"activity_code": "activity_id", "credit_type_codes": "credit_types"}.get(field, field)
    errors = [{"pointer": f"/{name}", "detail": str(error)}] if name else None
    return problem(422, "Unprocessable", str(error), errors=errors)


def _pointer(location: tuple[Any, ...]) -> str:
    return "/" + "/".join(str(part) for part in location)


def _schema_problem(error: pydantic.ValidationError, where: str = "body") -> Response:
    issues = error.errors(include_url=False, include_input=False)
    if any(issue["type"] == "json_invalid" for issue in issues):
        return problem(400, "Malformed JSON", "The body is not valid JSON.")
    if any(issue["type"] == "too_long" and len(issue["loc"]) == 1 for issue in issues):
        return problem(
            413,
            "Too many records",
            f"Send at most {schemas.MAX_RECORDS:,} records in one request.",
        )
    return problem(
        422,
        "Unprocessable",
        f"The {where} does not match the schema.",
        errors=[{"pointer": _pointer(issue["loc"]), "detail": issue["msg"]} for issue in issues],
    )


def _body(model: type[Model]) -> Model:
    if request.content_length and request.content_length > MAX_BODY_BYTES:
        raise ProblemRaised(problem(413, "Body too large", "Send at most 16 MB in one request."))
    if not request.is_json:
        raise ProblemRaised(
            problem(415, "Unsupported media type", "Send JSON with Content-Type: application/json.")
        )
    try:
        return model.model_validate_json(request.get_data(cache=True))
    except pydantic.ValidationError as error:
        raise ProblemRaised(_schema_problem(error)) from None


def _query(model: type[Model]) -> Model:
    try:
        return model.model_validate({name: request.args.get(name) for name in request.args})
    except pydantic.ValidationError as error:
        raise ProblemRaised(_schema_problem(error, "query")) from None


def _json(model: pydantic.BaseModel, status: int = 200, **headers: str) -> Response:
    response = Response(model.model_dump_json(), status=status, mimetype="application/json")
    response.headers.update(headers)
    return response


# OAuth and the document ------------------------------------------------------------------


@bp.post("/oauth/token")
@public
@operation(
    summary="Get an access token (OAuth 2.0 client credentials)",
    description="Authenticate with HTTP Basic (client id and secret) or send them in the "
    "form body. Tokens last an hour.",
    tags=("OAuth",),
    form_body=schemas.TokenRequest,
    # OAuth's own errors (RFC 6749), or a problem when the request is not even readable.
    responses={
        200: schemas.Token,
        400: (schemas.TokenError, schemas.Problem),
        401: schemas.TokenError,
    },
    errors=(429,),
)
def issue_token() -> Response:
    return authorization_server.create_token_response()


@bp.get("/openapi.json")
@public
def openapi_document() -> Response:
    return Response(
        json.dumps(build_document(current_app, base_url())),
        mimetype="application/json",
    )


@bp.get("/docs")
@public
def reference() -> str:
    return render_template(
        "api/reference.html",
        document=build_document(current_app, base_url()),
        openapi_url=url_for("api.openapi_document"),
        describe_type=describe_type,
    )


# Activities -----------------------------------------------------------------------------


@bp.get("/activities")
@api_scope()
@operation(
    summary="List your activities",
    tags=("Activities",),
    query=schemas.PageQuery,
    responses={200: schemas.ActivityPage},
    errors=(401, 422, 429),
)
def list_activities() -> Response:
    query = _query(schemas.PageQuery)
    return _json(activities.activities_page(db.session, current_provider_id(), query))


@bp.post("/activities")
@api_scope(ApiScope.ACTIVITIES_WRITE)
@operation(
    summary="Create an activity",
    tags=("Activities",),
    body=schemas.ActivityIn,
    responses={201: schemas.Activity},
    errors=(400, 401, 403, 409, 413, 415, 422, 429),
)
def create_activity() -> Response:
    values = _body(schemas.ActivityIn)
    activity = activities.save(
        db.session,
        provider_id=current_provider_id(),
        user_id=current_client().created_by_user_id,
        values=values,
    )
    db.session.commit()
    location = url_for("api.get_activity", activity_code=activity.activity_code)
    return _json(activities.activity_out(activity), 201, Location=location)


@bp.get("/activities/<path:activity_code>")
@api_scope()
@operation(
    summary="Read an activity",
    tags=("Activities",),
    responses={200: schemas.Activity},
    errors=(401, 404, 429),
)
def get_activity(activity_code: str) -> Response:
    activity = activities.activity_of_provider(db.session, current_provider_id(), activity_code)
    return _json(activities.activity_out(activity))


@bp.put("/activities/<path:activity_code>")
@api_scope(ApiScope.ACTIVITIES_WRITE)
@operation(
    summary="Replace an activity (its Activity ID may change)",
    tags=("Activities",),
    body=schemas.ActivityIn,
    responses={200: schemas.Activity},
    errors=(400, 401, 403, 404, 409, 413, 415, 422, 429),
)
def update_activity(activity_code: str) -> Response:
    activity = activities.activity_of_provider(db.session, current_provider_id(), activity_code)
    values = _body(schemas.ActivityIn)
    activities.save(
        db.session,
        provider_id=current_provider_id(),
        user_id=current_client().created_by_user_id,
        values=values,
        activity=activity,
    )
    db.session.commit()
    return _json(activities.activity_out(activity))


# Completions ----------------------------------------------------------------------------


def _upload_dir() -> Path:
    return Path(current_app.config["PASSPORT_UPLOAD_DIR"])


XML_TYPES = {"application/xml", "text/xml"}


def _xml_consent() -> ConsentBasis | None:
    """A MedBiquitous body has no batch fields: the attestation comes in the query
    (``?permission_attested=true&permission_scope=year``)."""
    if request.args.get("permission_attested", "").lower() not in ("true", "1", "yes"):
        return None
    scope = request.args.get("permission_scope", "activity")
    return ConsentBasis(scope) if scope in set(ConsentBasis) else ConsentBasis.ACTIVITY


def _unmatched_url() -> str:
    return url_for("api.list_completions", unmatched="true")


def _submission_answer(result: schemas.SubmissionResult) -> idempotency.Remembered:
    """200 with every outcome, or 422 when no record at all was accepted."""
    if result.records and result.counts.rejected == len(result.records):
        body = problem_body(
            422,
            "No record was accepted",
            "Every record was rejected; nothing was stored. See errors.",
            errors=[error.model_dump() for outcome in result.records for error in outcome.errors],
            upload_id=result.upload_id,
        )
        return idempotency.Remembered(422, body)
    return idempotency.Remembered(200, result.model_dump(mode="json"))


def _answer(answer: idempotency.Remembered, replayed: bool = False) -> Response:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    if answer.status_code >= 400:
        return problem_response(answer.body, headers)
    response = Response(
        json.dumps(answer.body), status=answer.status_code, mimetype="application/json"
    )
    response.headers.update(headers)
    return response


@bp.post("/completions")
@api_scope(*WRITE)
@operation(
    summary="Submit completions (up to 10,000 records)",
    description="Each record goes through the same validation, matching and outcomes as a "
    "file upload: valid records are stored, rejected ones are reported with every error. "
    "Sending the same records again changes nothing. With an Idempotency-Key the same "
    "request returns the first answer again and writes nothing. Each outcome says whether "
    "the stored record matched the board's roster (`match_status`); `counts.not_matched` "
    "records reach no transcript until corrected. A MedBiquitous ActivityReport v2 "
    "document (Content-Type: application/xml) is accepted in place of the JSON batch, "
    "read as a file upload of it is (see the README for its mapping).",
    tags=("Completions",),
    body=schemas.CompletionBatch,
    responses={200: schemas.SubmissionResult},
    errors=(400, 401, 403, 409, 413, 415, 422, 429),
    headers={"Idempotency-Key": "Any unique string; the same key replays the first answer."},
)
def submit_completions() -> Response:
    xml = request.mimetype in XML_TYPES
    batch = None if xml else _body(schemas.CompletionBatch)
    client = current_client()
    key = request.headers.get("Idempotency-Key", "").strip()[:255]
    digest = idempotency.request_digest("POST", request.path, request.get_data(cache=True))
    if key:
        try:
            earlier = idempotency.remembered(db.session, client.id, key, digest)
        except idempotency.KeyReused:
            return problem(
                422,
                "Idempotency-Key reused",
                "This Idempotency-Key was used for a different request. Use a new key.",
            )
        if earlier is not None:
            return _answer(earlier, replayed=True)
    if request.content_length and request.content_length > MAX_BODY_BYTES:
        return problem(413, "Body too large", "Send at most 16 MB in one request.")
    body = BytesIO(request.get_data(cache=True))
    stored = store_upload_file(body, _upload_dir(), "xml" if xml else "json")
    if xml:
        try:
            result = completions.submit_medbiq(
                db.session,
                client=client,
                stored=stored,
                consent=_xml_consent(),
                unmatched_url=_unmatched_url(),
                today=date.today(),
                ip_address=client_ip(),
            )
        except FileRefused as error:
            db.session.rollback()
            return problem(422, "Not a MedBiquitous ActivityReport", str(error))
    else:
        result = completions.submit(
            db.session,
            client=client,
            batch=batch,
            stored=stored,
            unmatched_url=_unmatched_url(),
            today=date.today(),
            ip_address=client_ip(),
        )
    answer = _submission_answer(result)
    if key:
        idempotency.remember(db.session, client.id, key, digest, answer)
    try:
        db.session.commit()
    except IntegrityError:
        # The same key is being used by a request that committed first: answer as it did.
        db.session.rollback()
        earlier = idempotency.remembered(db.session, client.id, key, digest) if key else None
        if earlier is None:
            return problem(409, "Conflict", "A concurrent request clashed; retry it.")
        return _answer(earlier, replayed=True)
    enqueue_standings_refresh()
    return _answer(answer)


@bp.get("/completions")
@api_scope(*READ)
@operation(
    summary="List your completions",
    tags=("Completions",),
    query=schemas.CompletionQuery,
    responses={200: schemas.CompletionPage},
    errors=(401, 403, 422, 429),
)
def list_completions() -> Response:
    query = _query(schemas.CompletionQuery)
    return _json(completions.completions_page(db.session, current_provider_id(), query))


@bp.get("/completions/<int:completion_id>")
@api_scope(*READ)
@operation(
    summary="Read a completion",
    tags=("Completions",),
    responses={200: schemas.Completion},
    errors=(401, 403, 404, 429),
)
def get_completion(completion_id: int) -> Response:
    completion = reporting_queries.completion_for_provider(
        db.session, current_provider_id(), completion_id
    )
    return _json(completions.completion_out(completion))


@bp.delete("/completions/<int:completion_id>")
@api_scope(*WRITE)
@operation(
    summary="Delete a completion (a new version; the history is kept)",
    tags=("Completions",),
    responses={200: schemas.Completion},
    errors=(401, 403, 404, 422, 429),
)
def delete_completion(completion_id: int) -> Response:
    completion = reporting_queries.completion_for_provider(
        db.session, current_provider_id(), completion_id
    )
    result = completions.delete_completion(
        db.session,
        client=current_client(),
        completion=completion,
        unmatched_url=_unmatched_url(),
        today=date.today(),
    )
    if result.counts.rejected:
        db.session.rollback()
        return problem(
            422,
            "Not deleted",
            "The record could not be deleted.",
            errors=[e.model_dump() for e in result.records[0].errors],
        )
    db.session.commit()
    db.session.refresh(completion)
    return _json(completions.completion_out(completion))


@bp.post("/learners/check")
@api_scope(*WRITE)
@operation(
    summary="Check learners against the roster before reporting (nothing is stored)",
    tags=("Completions",),
    body=schemas.LearnerList,
    responses={200: schemas.LearnerCheckResult},
    errors=(400, 401, 403, 413, 415, 422, 429),
)
def check_learners() -> Response:
    learners = _body(schemas.LearnerList)
    answer = completions.check_learners(
        db.session, provider_id=current_provider_id(), learners=learners, today=date.today()
    )
    db.session.commit()  # the identities tried are counted (identity_guard)
    return _json(answer)


# Uploads --------------------------------------------------------------------------------


def _upload_out(upload, not_matched: int) -> schemas.Upload:  # noqa: ANN001 - an Upload
    return schemas.Upload(
        id=upload.id,
        method=upload.method,
        status=upload.status,
        filename=upload.original_filename,
        total_rows=upload.total_rows,
        processed_rows=upload.processed_rows,
        counts=schemas.OutcomeCounts(
            created=upload.created_count,
            updated=upload.updated_count,
            unchanged=upload.unchanged_count,
            deleted=upload.deleted_count,
            rejected=upload.rejected_count,
            not_matched=not_matched,
        ),
        unmatched_url=_unmatched_url(),
        error_message=upload.error_message,
        created_at=upload.created_at,
        finished_at=upload.finished_at,
    )


def _upload_row_out(row: reporting_outcomes.RowOutcome) -> schemas.UploadRow:
    return schemas.UploadRow(
        row_number=row.row_number,
        outcome=row.outcome,
        completion_id=row.completion_id,
        match_status=row.match_status,
        match_reason=match_reason(row.match_status) or None,
        errors=row.errors or [],
    )


def _own_upload(upload_id: int):  # noqa: ANN202
    return reporting_queries.upload_for_provider(db.session, current_provider_id(), upload_id)


@bp.get("/uploads")
@api_scope(*READ)
@operation(
    summary="List your uploads (files, forms and API batches) with their status",
    tags=("Uploads",),
    query=schemas.PageQuery,
    responses={200: schemas.UploadPage},
    errors=(401, 403, 422, 429),
)
def list_uploads() -> Response:
    query = _query(schemas.PageQuery)
    page = reporting_queries.uploads_page(
        db.session, current_provider_id(), query.page, query.per_page
    )
    matches = reporting_outcomes.match_counts(db.session, [upload.id for upload in page.items])
    return _json(
        schemas.page_of(
            schemas.UploadPage,
            page,
            query.per_page,
            lambda upload: _upload_out(upload, matches[upload.id].not_matched),
        )
    )


@bp.get("/uploads/<int:upload_id>")
@api_scope(*READ)
@operation(
    summary="Read an upload's status and counts (poll this while it runs)",
    tags=("Uploads",),
    responses={200: schemas.Upload},
    errors=(401, 403, 404, 429),
)
def get_upload(upload_id: int) -> Response:
    upload = _own_upload(upload_id)
    matches = reporting_outcomes.match_counts(db.session, [upload.id])
    return _json(_upload_out(upload, matches[upload.id].not_matched))


@bp.get("/uploads/<int:upload_id>/rows")
@api_scope(*READ)
@operation(
    summary="Read an upload's row outcomes",
    tags=("Uploads",),
    query=schemas.UploadRowQuery,
    responses={200: schemas.UploadRowPage},
    errors=(401, 403, 404, 422, 429),
)
def get_upload_rows(upload_id: int) -> Response:
    upload = _own_upload(upload_id)
    query = _query(schemas.UploadRowQuery)
    page = reporting_outcomes.upload_rows_page(
        db.session, upload.id, query.outcome, query.page, query.per_page
    )
    return _json(schemas.page_of(schemas.UploadRowPage, page, query.per_page, _upload_row_out))
