"""The embedded default served as scripts/run.sh serves it: gunicorn, one process of
threads, the SQLite database and job queue in the instance folder (issue 23, item 6).

A provider uploads a file; the embedded consumer, started from a request's thread, runs the
job, and the server's output has no traceback (Huey's consumer used to raise ``ValueError:
signal only works in main thread`` there) and no development-server warning.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

from bench.html_forms import csrf_token
from passport.demo import DEMO_ACCOUNTS
from passport.reporting.records import COLUMN_TITLES, Field

REPO = Path(__file__).resolve().parents[2]
RUN_SH = (REPO / "scripts" / "run.sh").read_text()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "passport", *args],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _upload_one_row(base: str) -> dict:
    provider = next(account for account in DEMO_ACCOUNTS if account.role == "provider")
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as browser:
        token = csrf_token(browser.get("/sign-in").text)
        browser.post(
            "/sign-in",
            data={"email": provider.email, "password": provider.password, "csrf_token": token},
        )
        form = browser.get("/provider/uploads/new").text
        # A row for no activity of the provider: rejected, but the job runs all the same.
        rows = (
            ",".join(COLUMN_TITLES[field] for field in list(Field)[:10])
            + "\nAdd,00000-000,01/02/2026,Ann,Lee,01/02,CA,A999999,1.00,AMA PRA Category 1\n"
        )
        answer = browser.post(
            "/provider/uploads/new",
            data={"csrf_token": csrf_token(form), "permission_scope": "year"}
            | {"permission_attested": "y"},
            files={"file": ("one.csv", rows.encode(), "text/csv")},
        )
        upload_id = re.search(r"/uploads/(\d+)", str(answer.url)).group(1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = browser.get(f"/provider/uploads/{upload_id}/progress").json()
            if state["status"] in ("done", "failed"):
                return state
            time.sleep(0.3)
    raise AssertionError("the upload job never finished")


def test_run_sh_serves_with_gunicorn_and_jobs_start_cleanly(tmp_path):
    assert "gunicorn" in RUN_SH and "flask --app passport run" not in RUN_SH
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PASSPORT_") and key != "PORT"
    } | {"PASSPORT_INSTANCE_PATH": str(tmp_path / "instance")}
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")
    port = _free_port()
    env["PORT"] = str(port)
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4"]
            + ["--bind", f"127.0.0.1:{port}", "passport:create_app()"],
            env=env,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz")
        state = _upload_one_row(base)
        assert state["status"] == "done", state
        time.sleep(0.5)  # anything the consumer's threads print after the job
    finally:
        server.terminate()
        server.wait(timeout=30)
    printed = log.read_text()
    assert "Traceback" not in printed, printed
    assert "signal only works" not in printed
    assert "development server" not in printed
