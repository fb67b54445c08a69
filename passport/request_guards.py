"""Guards every request passes before its view.

A NUL byte cannot be stored in a PostgreSQL text column and has no business in a URL or a
form, so a request carrying one is refused as malformed (400) before any query sees it,
instead of failing deep in the database as a server error.
"""

from __future__ import annotations

from flask import abort, request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul_bytes() -> None:
    values = [request.path, *request.args.values()]
    if request.mimetype in FORM_TYPES:
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400)
