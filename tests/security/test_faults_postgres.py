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
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
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


# The kept audit standings under concurrency ------------------------------------------------
# Triggers note every change; a refresh takes the notes before it evaluates. These tests
# commit a change at the two awkward moments of a refresh, and run two refreshes at once.


def _standing_world(env) -> tuple:
    """A migrated database with one licensee and one matched completion of 10 hours."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from passport.models import Activity, Board, Completion, Licensee, Provider

    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "passport", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    engine = sa.create_engine(env["PASSPORT_DATABASE_URL"])
    today = date.today()
    with Session(engine) as session:
        board = session.scalar(sa.select(Board).where(Board.code == "CA-MBC"))
        licensee = Licensee(
            board_id=board.id,
            license_number="A424242",
            first_name="Rae",
            last_name="Race",
            dob_month=1,
            dob_day=2,
            first_issued_on=date(2010, 1, 1),
            expires_on=today + timedelta(days=100),
            specialty="Surgery",
        )
        activity = Activity(
            provider=Provider(accme_id="RACE", name="Race provider"),
            activity_code="R-1",
            title="Raced",
            activity_type="live",
            starts_on=today - timedelta(days=300),
            ends_on=today,
            max_credits=Decimal(60),
        )
        session.add_all([licensee, activity])
        session.flush()
        completion = Completion(
            activity_id=activity.id,
            learner_key="CA:A424242",
            first_name="Rae",
            last_name="Race",
            dob_month=1,
            dob_day=2,
            license_state="CA",
            license_number="A424242",
            board_id=board.id,
            completed_on=today - timedelta(days=10),
            credits=Decimal(10),
            credit_type_code="AMA_PRA_1",
            consent_basis="year",
            licensee_id=licensee.id,
            match_status="matched",
        )
        session.add(completion)
        session.commit()
        return engine, board.id, licensee.id, completion.id


def _set_credits(engine, completion_id: int, hours: int) -> None:
    import sqlalchemy as sa

    from passport.models import Completion

    table = Completion.__table__
    with engine.begin() as connection:  # another connection, committed at once
        connection.execute(
            sa.update(table)
            .where(table.c.id == completion_id)
            .values(credits_hundredths=Decimal(hours))  # the column's type stores hundredths
        )


def _earned(engine, licensee_id: int) -> Decimal:
    from sqlalchemy.orm import Session

    from passport.compliance.models import AuditStanding

    with Session(engine) as session:
        return Decimal(session.get(AuditStanding, licensee_id).hours_earned_hundredths) / 100


def _refresh(engine, board_id: int) -> int:
    from sqlalchemy.orm import Session

    from passport.compliance import standings

    with Session(engine) as session:
        evaluated = standings.refresh_standings(session, board_id)
        session.commit()
    return evaluated


def _refresh_racing(monkeypatch, engine, board_id: int, step: str, change) -> None:
    """A refresh during which ``change`` commits just before ``standings.<step>`` runs."""
    from passport.compliance import standings

    original = getattr(standings, step)

    def change_first(*args):
        change()
        return original(*args)

    monkeypatch.setattr(standings, step, change_first)
    _refresh(engine, board_id)
    monkeypatch.undo()


def test_a_change_committed_during_a_refresh_is_never_lost(fresh_database, monkeypatch):
    engine, board_id, licensee_id, completion_id = _standing_world(fresh_database)
    _refresh(engine, board_id)
    assert _earned(engine, licensee_id) == 10

    # 1. Committed after the refresh took its notes, before it evaluated: the evaluation
    #    sees it (and its note stays, for a harmless second look).
    _set_credits(engine, completion_id, 15)
    to_twenty = lambda: _set_credits(engine, completion_id, 20)  # noqa: E731
    _refresh_racing(monkeypatch, engine, board_id, "evaluate_standings", to_twenty)
    assert _earned(engine, licensee_id) == 20

    # 2. Committed after the evaluation, before the refresh committed: the refresh stores
    #    the older sum, but the change's note survives it and the next refresh corrects it.
    _set_credits(engine, completion_id, 25)
    _refresh_racing(
        monkeypatch,
        engine,
        board_id,
        "insert_rows",
        lambda: _set_credits(engine, completion_id, 30),
    )
    assert _earned(engine, licensee_id) == 25
    assert _refresh(engine, board_id) == 1
    assert _earned(engine, licensee_id) == 30
    engine.dispose()


def test_two_refreshes_of_a_board_at_once_do_the_work_once(fresh_database):
    from sqlalchemy.orm import Session

    from passport.compliance import standings

    engine, board_id, licensee_id, completion_id = _standing_world(fresh_database)
    first = Session(engine)
    assert standings.refresh_standings(first, board_id) == 1  # holds the board's lock
    outcome = {}

    second = threading.Thread(target=lambda: outcome.update(evaluated=_refresh(engine, board_id)))
    second.start()
    second.join(timeout=1)
    assert second.is_alive()  # waiting for the first refresh's lock
    first.commit()
    second.join(timeout=30)
    assert outcome == {"evaluated": 0}  # the first one left nothing to do
    first.close()
    assert _earned(engine, licensee_id) == 10
    engine.dispose()
