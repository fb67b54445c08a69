"""Faults on PostgreSQL, with real processes: two uploads racing over the same learners,
and a worker killed in the middle of an upload. Each test gets a database of its own, since
these actors commit for real (the suite's other tests run inside a rolled-back transaction).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.security import concurrency_scenario as scenario

BASE_URL = os.environ.get("PASSPORT_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not BASE_URL.startswith("postgresql"),
    reason="PostgreSQL fault tests: set PASSPORT_TEST_DATABASE_URL to a PostgreSQL server",
)


def _admin_url(name: str) -> str:
    parts = urlsplit(BASE_URL.replace("postgresql+psycopg", "postgresql"))
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    name = f"passport_faults_{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(_admin_url("postgres"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "PASSPORT_DATABASE_URL": urlunsplit(urlsplit(BASE_URL)._replace(path=f"/{name}")),
        "PASSPORT_INSTANCE_PATH": str(tmp_path),
        "PASSPORT_UPLOAD_DIR": str(tmp_path / "uploads"),
        "PASSPORT_SECRET_KEY": "fault-test-secret",
        "PASSPORT_DB_NAME": name,
    }
    env.pop("PASSPORT_REDIS_URL", None)
    try:
        yield env
    finally:
        with psycopg.connect(_admin_url("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _actor(env, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.security.concurrency_scenario", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    result = out.strip().splitlines()[-1]
    if result == "failed":
        print(err[-4000:])  # the worker's log says why
    return result


def _setup(env, tmp_path) -> list[int]:
    return json.loads(_finish(_actor(env, "setup", str(tmp_path))))


def _report(env) -> dict:
    return json.loads(_finish(_actor(env, "report")))


def test_two_uploads_of_the_same_learners_at_once_store_each_learner_once(fresh_database, tmp_path):
    first, second, _ = _setup(fresh_database, tmp_path)
    workers = [
        _actor(fresh_database, "run", str(first)),
        _actor(fresh_database, "run", str(second)),
    ]
    assert [_finish(worker) for worker in workers] == ["done", "done"]
    report = _report(fresh_database)
    distinct = 2 * scenario.PER_FILE - scenario.OVERLAP
    assert report["duplicates"] == 0
    assert report["completions"] == distinct
    assert report["versions"] == distinct  # the overlap was "unchanged" for one of them
    uploads = [report["uploads"][str(first)], report["uploads"][str(second)]]
    assert sum(upload["created"] for upload in uploads) == distinct
    assert sum(upload["unchanged"] for upload in uploads) == scenario.OVERLAP


def _in_transaction(database: str) -> bool:
    """Is a worker's transaction open on the database (the upload being applied)?"""
    with psycopg.connect(_admin_url("postgres"), autocommit=True) as connection:
        return bool(
            connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND xact_start IS NOT NULL AND pid <> pg_backend_pid() "
                "AND query ILIKE '%%completion%%'",
                (database,),
            ).fetchone()[0]
        )


def test_a_worker_killed_mid_upload_leaves_nothing_and_the_upload_can_be_retried(
    fresh_database, tmp_path
):
    *_, big = _setup(fresh_database, tmp_path)
    worker = _actor(fresh_database, "run", str(big))
    deadline = time.monotonic() + 120
    while not _in_transaction(fresh_database["PASSPORT_DB_NAME"]):
        assert worker.poll() is None, "the worker finished before it could be killed"
        assert time.monotonic() < deadline, "the worker never started writing"
        time.sleep(0.05)
    time.sleep(0.5)  # well into the writing
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)  # reap it and close its pipes

    report = _report(fresh_database)
    assert report["completions"] == 0  # the database rolled the dead worker's work back
    assert report["uploads"][str(big)]["status"] != "done"

    assert _finish(_actor(fresh_database, "run", str(big))) == "done"  # the retry
    report = _report(fresh_database)
    assert report["completions"] == scenario.BIG
    assert report["uploads"][str(big)]["created"] == scenario.BIG
    assert _finish(_actor(fresh_database, "run", str(big))) == "done"  # a third run: no-op
    assert _report(fresh_database)["completions"] == scenario.BIG
