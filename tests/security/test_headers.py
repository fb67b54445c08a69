"""Security headers on every answer, and templates that the CSP does not break."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from passport import REPO_DIR, security_headers
from passport.security_headers import CONTENT_SECURITY_POLICY
from tests.conftest import sign_in_as


@pytest.mark.parametrize("path", ["/", "/sign-in", "/verify", "/static/passport.css", "/nope"])
def test_every_answer_carries_the_headers(client, path):
    with client.get(path) as response:  # `with`: a static file's handle is closed
        headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS means nothing


def test_policy_forbids_inline_script_framing_and_other_sites():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_hsts_over_https(client):
    response = client.get("/sign-in", base_url="https://passport.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_hsts_behind_a_tls_proxy_when_hops_are_configured():
    app = Flask(__name__)
    app.config["PASSPORT_PROXY_HOPS"] = 1
    security_headers.install(app)
    app.add_url_rule("/", view_func=lambda: "ok")
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_forwarded_headers_are_ignored_without_a_proxy(client):
    response = client.get("/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_signed_in_pages_carry_the_policy(client, physician):
    sign_in_as(client, physician)
    response = client.get("/physician/")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


WEB_TEMPLATES = [
    path
    for path in (REPO_DIR / "templates").rglob("*.html")
    if "pdf" not in path.parts  # WeasyPrint renders these; no browser, no CSP
]


@pytest.mark.parametrize("template", WEB_TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_style(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline <script>: the CSP blocks it"
    assert not re.search(r"\sstyle=", text), "style attribute: the CSP blocks it"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler: the CSP blocks it"
    assert "<style" not in text, "inline <style>: the CSP blocks it"
