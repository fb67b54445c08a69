"""Response headers that tell browsers to refuse what Passport never does.

The Content-Security-Policy allows scripts, styles, images and fonts from Passport itself
only: no inline script, no inline style, no other site, no framing. The templates hold no
``<script>`` body and no ``style`` attribute (charts are SVG attributes), so the policy
costs nothing and turns an escaping mistake into a blocked script instead of an attack.
HSTS is sent only over HTTPS, where it means something; behind a TLS-terminating proxy,
set ``PASSPORT_PROXY_HOPS`` so Flask sees the original scheme. Every answer but a static
file is ``Cache-Control: no-store``.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from passport.accounts.access import is_static_endpoint

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=63072000; includeSubDomains"  # two years, as browsers' preload lists ask

ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    if not is_static_endpoint(request.endpoint):
        # Any page may show personal data (a signed-in user's records, the API's JSON, a
        # /verify answer): no browser or proxy keeps a copy. Only static files are cached.
        response.headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def install(app: Flask) -> None:
    hops = app.config.get("PASSPORT_PROXY_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.after_request(add_security_headers)
