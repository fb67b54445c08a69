"""Guards every request passes before its view.

A NUL byte cannot be stored in a PostgreSQL text column and has no business in a URL or a
form, so a request carrying one is refused as malformed (400) before any query sees it,
instead of failing deep in the database as a server error.

An id in a URL is a database id (an INTEGER column): ``IdConverter`` matches only numbers
that fit one, so ``/…/99999999999999999999999`` is a page that does not exist (404)
rather than an overflow in the database driver (500).

A request naming a host outside ``TRUSTED_HOSTS`` (set from ``PASSPORT_BASE_URL``) is
refused with a plain 400 before any other hook or view runs: nothing is built from it.
"""

from __future__ import annotations

from flask import abort, request
from werkzeug.exceptions import SecurityError
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the ids are INTEGER columns


class IdConverter(IntegerConverter):
    """``<int:…>`` bounded to the ids a table can hold (installed as ``int``)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)  # a route may still ask for less: int(max=…)
        super().__init__(url_map, *args, **kwargs)


def refuse_untrusted_host() -> None:
    """``before_request``, first of all: Flask found the Host header untrusted while
    routing; raise it now, before a hook signs someone in or builds a URL from it."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def untrusted_host_answer(_error: SecurityError) -> tuple[str, int, dict[str, str]]:
    """Plain text: no page template, since no URL can be built for an unknown host."""
    return "Bad request: this site does not answer for that host.\n", 400, PLAIN_TEXT


PLAIN_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul_bytes() -> None:
    values = [request.path, *request.args.values()]
    if request.mimetype in FORM_TYPES:
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400)


def query_id(name: str) -> int | None:
    """The query-string argument ``name`` as an id, or ``None`` when it is missing, not a
    number, or past any id (which the database driver would refuse with an overflow)."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 <= value <= MAX_ID else None
