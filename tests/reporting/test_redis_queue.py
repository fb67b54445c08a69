"""The upload job on a real Redis queue with a separate worker process.

Runs when PASSPORT_TEST_REDIS_URL names a Redis server (CI sets it); it uses its own
SQLite database file, since the worker cannot see a test's uncommitted transaction.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reporting.helpers import csv_bytes, row

REDIS_URL = os.environ.get("PASSPORT_TEST_REDIS_URL")

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="set PASSPORT_TEST_REDIS_URL to run the Redis queue test"
)


def test_upload_runs_on_a_redis_worker(tmp_path: Path):
    database = tmp_path / "queue.sqlite3"
    env = {
        **os.environ,
        "PASSPORT_DATABASE_URL": f"sqlite:///{database}",
        "PASSPORT_REDIS_URL": REDIS_URL,
        "PASSPORT_INSTANCE_PATH": str(tmp_path),
        "PASSPORT_UPLOAD_DIR": str(tmp_path / "uploads"),
        "PASSPORT_SECRET_KEY": "queue-test-secret",
    }
    csv_path = tmp_path / "learners.csv"
    csv_path.write_bytes(csv_bytes([row(), row(license_or_npi="A999999")]))
    setup = subprocess.run(
        [sys.executable, "-m", "tests.reporting.queue_scenario", str(csv_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    upload_id = int(setup.stdout.strip().splitlines()[-1])
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("huey_consumer")), "passport.jobs.huey", "-w", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sqlite3.connect(database) as connection:
                status, created = connection.execute(
                    "SELECT status, created_count FROM uploads WHERE id = ?", (upload_id,)
                ).fetchone()
            if status in ("done", "failed"):
                break
            time.sleep(0.3)
        assert (status, created) == ("done", 2)
        with sqlite3.connect(database) as connection:
            matched = connection.execute(
                "SELECT count(*) FROM completions WHERE match_status = 'matched'"
            ).fetchone()[0]
        assert matched == 1
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        if worker.stdout:
            worker.stdout.close()
