"""Real-browser tests: Debian's Chromium driven by Playwright against Passport served by a
real server on 127.0.0.1, with a fresh SQLite database seeded with the demo world.

Every page a test visits goes through ``Visit.page_done``: a full-page screenshot saved
under ``test-artifacts/screenshots/<test>/`` and an axe-core check that fails the test on
any serious or critical violation. Without Chromium the tests are skipped with a clear
message, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest

from passport.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET

CHROMIUM = Path(os.environ.get("PASSPORT_CHROMIUM", "/usr/bin/chromium"))
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
SERIOUS = {"serious", "critical"}
ACCOUNTS = {account.role: account for account in DEMO_ACCOUNTS}


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = (
        f"Browser tests need Chromium at {CHROMIUM} (Debian package 'chromium', installed by "
        "scripts/test.sh)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message + " It is required under CI=true.")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class LiveServer:
    url: str
    database: Path
    log: Path

    def mailed_link(self, address: str, path_prefix: str) -> str:
        """The path of the last link e-mailed to ``address`` that starts with
        ``path_prefix`` (with no SMTP server configured, mail goes to the server's log).
        Mail is sent by a background job a moment after the page answers: wait for it."""
        deadline = time.monotonic() + 15
        while True:
            text = self.log.read_text(errors="replace")
            mails = text.split("No SMTP server configured; mail to ")
            for mail in reversed(mails):
                if mail.startswith(address):
                    found = re.search(re.escape(self.url + path_prefix) + r"\S+", mail)
                    if found:
                        return found.group(0)[len(self.url) :]
            if time.monotonic() > deadline:
                raise AssertionError(f"No mail to {address} with a link to {path_prefix}")
            time.sleep(0.2)

    def query(self, sql: str, *params) -> list[tuple]:
        """Read the server's database directly (to find demo data to act on)."""
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    _require_chromium()
    instance = tmp_path_factory.mktemp("browser-instance")
    database = instance / "passport.sqlite3"
    env = {
        **os.environ,
        "PASSPORT_INSTANCE_PATH": str(instance),
        "PASSPORT_DATABASE_URL": f"sqlite:///{database}",
        "PASSPORT_SECRET_KEY": "browser-tests-secret-key",
        "PASSPORT_ARGON2_TIME_COST": "1",
        "PASSPORT_ARGON2_MEMORY_COST": "1024",
        "PASSPORT_LOGIN_LIMIT": "1000 per minute",
    }
    env.pop("PASSPORT_REDIS_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "passport"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, env=env, check=True, capture_output=True, cwd=REPO)
    port = _free_port()
    env["PASSPORT_BASE_URL"] = f"http://127.0.0.1:{port}"  # the links it builds point here
    log = open(instance / "server.log", "wb")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        flask + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/sign-in", timeout=1).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("The server did not start; see " + str(instance / "server.log"))
        yield LiveServer(url, database, instance / "server.log")
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@dataclass
class Visit:
    """One test's walk through the app: screenshots and accessibility checks per page."""

    page: object
    base_url: str
    folder: Path
    violations: list[str] = field(default_factory=list)
    count: int = 0

    def __post_init__(self) -> None:
        # The browser reports what the Content-Security-Policy blocked on the console:
        # a blocked script or style is a broken page, so it fails the test like axe does.
        self.page.on("console", self._note_blocked_content)

    def _note_blocked_content(self, message) -> None:  # noqa: ANN001 - a ConsoleMessage
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append(f"{self.page.url}: CSP blocked: {message.text}")

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.page_done()

    def page_done(self, name: str | None = None) -> None:
        """Screenshot the page and check it with axe-core (serious or critical fails)."""
        from axe_playwright_python.sync_playwright import Axe

        self.page.wait_for_load_state("networkidle")
        self.count += 1
        slug = name or re.sub(
            r"[^a-z0-9]+", "-", self.page.url.split("//", 1)[-1].split("/", 1)[-1].lower()
        ).strip("-")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(self.folder / f"{self.count:02d}-{slug or 'home'}.png"),
            full_page=True,
            timeout=60_000,  # a long page on a busy 2-core machine can take over 15 s
        )
        results = Axe().run(self.page)
        for violation in results.response["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
                self.violations.append(
                    f"{self.page.url}: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']} at {targets}"
                )

    def sign_in(self, role: str) -> None:
        account = ACCOUNTS[role]
        self.go("/sign-in")
        self.page.get_by_label("Email").fill(account.email)
        self.page.get_by_label("Password").fill(account.password)
        self.page.get_by_role("button", name="Sign in").click()
        if role in ("board", "admin"):  # these roles sign in with a code from their app
            self.page.wait_for_url("**/sign-in/two-factor")
            self.page_done()
            self.page.get_by_label("Code").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
            self.page.get_by_role("button", name="Sign in").click()
        self.page_done()


@pytest.fixture
def visit(browser, live_server, request) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    walk = Visit(page, live_server.url, ARTIFACTS / request.node.name)
    try:
        yield walk
    finally:
        context.close()
    assert walk.violations == [], "\n".join(walk.violations)
