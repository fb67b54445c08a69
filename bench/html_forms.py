"""Read a Flask-WTF CSRF token out of a page, for the load test's HTTP clients (the
driver uses requests; Locust's users import this without pulling in the driver)."""

from __future__ import annotations

import re

_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1)
