"""The site's own addresses: links that leave the site are built from configuration, and
paths that come back in (``next=``) are followed only when they stay on it.

A link in an e-mail, a PDF or the OpenAPI document must not follow the request's
``Host:`` header (an attacker chooses it): ``external_url`` joins the configured
``PASSPORT_BASE_URL`` with the path ``url_for`` builds, and nothing else.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_app_context, url_for

# Any control character (C0, DEL, C1), any whitespace, or a backslash: browsers strip tab
# and newline from URLs and read "\" as "/", which turns "/\t/evil.example" into
# "//evil.example", another site.
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f-\x9f\\\s]")


def base_url() -> str:
    """The configured origin every external link starts with, without a trailing slash."""
    return current_app.config["PASSPORT_BASE_URL"].rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint``: the configured base, then url_for's path."""
    return base_url() + url_for(endpoint, _external=False, **values)


def site_url(endpoint: str, **values: Any) -> str:
    """``external_url`` that works outside a request too (jobs, commands, a service called
    on its own): built from the URL map and the configured base alone, so a notification
    recorded anywhere links to the same site."""
    if has_app_context():
        app = current_app._get_current_object()
    else:  # never push a context here: its teardown would end the caller's session
        from passport.jobs import bound_app

        app = bound_app()
    path = app.url_map.bind("localhost").build(endpoint, values)
    return app.config["PASSPORT_BASE_URL"].rstrip("/") + path


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/account?x=1``), else ``None``."""
    if not target or not target.startswith("/") or _UNSAFE_IN_PATH.search(target):
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
