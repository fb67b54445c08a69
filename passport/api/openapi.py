"""The OpenAPI 3.1 document, generated from the views' declared schemas.

Each API view is decorated with ``@operation(...)``, naming its pydantic request, query and
response models. ``build_document`` walks the app's URL map for those views, so the
document cannot list a route that does not exist or miss one that does, and the JSON
Schemas come from the same models that validate requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import IntegerConverter

from passport.api import schemas
from passport.api.oauth import ApiAccess

F = TypeVar("F", bound=Callable[..., Any])
REF = "#/components/schemas/{model}"
ERROR_STATUSES = {
    400: "The request is malformed (not JSON, or unreadable).",
    401: "No valid access token.",
    403: "The access token lacks the scope this needs.",
    404: "No such object among your provider's.",
    409: "The change clashes with existing data.",
    413: "Too many records, or the body is too large.",
    415: "The body is not JSON.",
    422: "The body or the query does not satisfy the schema, or no record was accepted.",
    429: "Too many requests for this client: wait and retry.",
}


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: dict[int, type[BaseModel] | tuple[type[BaseModel], ...] | None]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    errors: tuple[int, ...] = (400, 401, 403, 429)
    headers: dict[str, str] = field(default_factory=dict)
    form_body: type[BaseModel] | None = None


def operation(**spec: Any) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        view.openapi = Operation(**spec)  # type: ignore[attr-defined]
        return view

    return decorate


def _path_and_parameters(rule: Any) -> tuple[str, list[dict[str, Any]]]:
    parameters = []
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer", "minimum": 0}
            if converter.max is not None:
                schema["maximum"] = converter.max
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), parameters


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def _all_models(operations: list[Operation]) -> list[tuple[type[BaseModel], str]]:
    models: dict[tuple[type[BaseModel], str], None] = {(schemas.Problem, "serialization"): None}
    for op in operations:
        if op.body is not None:
            models[(op.body, "validation")] = None
        if op.form_body is not None:
            models[(op.form_body, "validation")] = None
        for answer in op.responses.values():
            for model in answer if isinstance(answer, tuple) else (answer,):
                if model is not None:
                    models[(model, "serialization")] = None
    return list(models)


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"schema": {"$ref": REF.format(model=model.__name__)}}


def _responses(op: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, models in op.responses.items():
        entry: dict[str, Any] = {"description": "OK" if status < 300 else "See the problem."}
        if models is not None:
            entry["content"] = {
                ("application/problem+json" if model is schemas.Problem else "application/json"): (
                    _json(model)
                )
                for model in (models if isinstance(models, tuple) else (models,))
            }
        responses[str(status)] = entry
    for status in op.errors:
        responses.setdefault(
            str(status),
            {
                "description": ERROR_STATUSES[status],
                "content": {"application/problem+json": _json(schemas.Problem)},
            },
        )
    return responses


def build_document(app: Flask, server_url: str = "/") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    found: list[tuple[Any, Operation, Any]] = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        spec = getattr(view, "openapi", None)
        if spec is not None:
            found.append((rule, spec, getattr(view, "access_rule", None)))
    _, definitions = models_json_schema(_all_models([op for _, op, _ in found]), ref_template=REF)
    for rule, op, access in sorted(found, key=lambda item: item[0].rule):
        path, parameters = _path_and_parameters(rule)
        if op.query is not None:
            parameters += _query_parameters(op.query)
        for name, description in op.headers.items():
            parameters.append(
                {
                    "name": name,
                    "in": "header",
                    "required": False,
                    "description": description,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                }
            )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            entry: dict[str, Any] = {
                "operationId": rule.endpoint.split(".", 1)[-1] + "_" + method.lower(),
                "summary": op.summary,
                "tags": list(op.tags),
                "parameters": parameters,
                "responses": _responses(op),
            }
            if op.description:
                entry["description"] = op.description
            if op.body is not None:
                entry["requestBody"] = {
                    "required": True,
                    "content": {"application/json": _json(op.body)},
                }
            if op.form_body is not None:
                entry["requestBody"] = {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": _json(op.form_body)},
                }
            # The scopes are the guard's own (``@api_scope``), so the two cannot disagree.
            secured = isinstance(access, ApiAccess)
            entry["security"] = [{"oauth2": sorted(access)}] if secured else []
            paths.setdefault(path, {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passport provider API",
            "version": "1.0.0",
            "description": (
                "Report learner completions to state medical boards from your own systems. "
                "Authenticate with the OAuth 2.0 client-credentials grant; errors are RFC 9457 "
                "problem details."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "/api/v1/oauth/token",
                            "scopes": dict(schemas_scopes()),
                        }
                    },
                }
            },
        },
    }


def schemas_scopes() -> list[tuple[str, str]]:
    from passport.api.models import ApiScope

    return list(ApiScope.DESCRIPTIONS.items())


def describe_type(schema: dict[str, Any]) -> str:
    """A JSON Schema as a short phrase for the HTML reference (``string (date)``, ...)."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(describe_type(option) for option in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    if "const" in schema:
        return repr(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {describe_type(schema.get('items', {}))}"
    if kind == "null":
        return "null"
    details = schema.get("format") or schema.get("pattern")
    return f"{kind} ({details})" if details else str(kind)
