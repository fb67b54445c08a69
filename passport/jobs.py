"""Background jobs on Huey.

By default the queue is a SQLite file in ``instance/`` and jobs run in threads of the web
process (no extra server). With ``PASSPORT_REDIS_URL`` set, the queue is Redis and jobs
run in separate worker processes: ``huey_consumer passport.jobs.huey -w 2``.
Tests switch the queue to immediate mode (jobs run at once, in the caller's thread).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from flask import Flask
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from passport.sqlite_transactions import jobs_take_turns

log = logging.getLogger("passport.jobs")

_REDIS_URL = os.environ.get("PASSPORT_REDIS_URL")
_INSTANCE = Path(
    os.environ.get("PASSPORT_INSTANCE_PATH", Path(__file__).resolve().parents[1] / "instance")
)

if _REDIS_URL:
    huey = RedisHuey("passport", url=_REDIS_URL)
else:
    _INSTANCE.mkdir(parents=True, exist_ok=True)
    huey = SqliteHuey("passport", filename=str(_INSTANCE / "jobs.sqlite3"))

_app: Flask | None = None
_consumer_lock = threading.Lock()
_consumer_started = False


def bind_app(app: Flask) -> None:
    """Let jobs run inside this app (the web process, or a test's app)."""
    global _app
    _app = app


def _current_app() -> Flask:
    """The app a job runs in; a separate worker process builds its own from the env."""
    global _app
    if _app is None:
        from passport import create_app

        _app = create_app()
    return _app


class _EmbeddedConsumer(Consumer):
    """Huey's consumer without its signal handlers: inside the web process, stopping on
    SIGTERM or SIGINT is the web server's business (gunicorn's, the test runner's), and
    ``signal.signal`` outside the main thread raised ``ValueError: signal only works in
    main thread`` (the traceback printed at the first upload). ``start`` only starts the
    scheduler and worker threads and returns; they are daemon threads, ending with the
    process."""

    def _set_signal_handlers(self) -> None:
        return None


def ensure_consumer() -> None:
    """Start the embedded consumer threads once per process (embedded mode only)."""
    global _consumer_started
    if huey.immediate or _REDIS_URL or _consumer_started:
        return
    with _consumer_lock:
        if _consumer_started:
            return
        _EmbeddedConsumer(
            huey, workers=2, worker_type="thread", periodic=False, check_worker_health=False
        ).start()
        _consumer_started = True
        log.info("Started the embedded job consumer (2 threads).")


@huey.task(retries=0)
def process_upload_job(upload_id: int) -> str:
    from passport.extensions import db
    from passport.reporting.jobs import run_upload

    with _current_app().app_context(), jobs_take_turns(db.engine):
        status = run_upload(upload_id)
    if status == "done":
        enqueue_standings_refresh()
    return status


def enqueue_upload(upload_id: int) -> None:
    ensure_consumer()
    process_upload_job(upload_id)


@huey.task(retries=0)
def refresh_standings_job() -> int:
    from passport.compliance.standings import refresh_noted_boards
    from passport.extensions import db

    with _current_app().app_context(), jobs_take_turns(db.engine):
        return refresh_noted_boards(db.session)


def enqueue_standings_refresh() -> None:
    """Bring the audit standings up to date in the background after credit or the roster
    changed, so the next auditor to open the worklist does not wait for it (the worklist
    would refresh them itself, as it always does first)."""
    ensure_consumer()
    refresh_standings_job()
