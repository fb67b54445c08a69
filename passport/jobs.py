"""Background jobs on Huey.

By default the queue is a SQLite file in ``instance/`` and jobs run in threads of the web
process (no extra server). With ``PASSPORT_REDIS_URL`` set, the queue is Redis and jobs
run in separate worker processes: ``huey_consumer passport.jobs.huey -w 2``.
Tests switch the queue to immediate mode (jobs run at once, in the caller's thread).

Scheduled work runs as Huey periodic tasks, wherever the consumer runs: the embedded
threads (started with the web process's first request) or the Redis workers. Each task's
work is safe to run twice (notifications carry unique keys; deletions are idempotent), so
two consumers or a run by hand (``flask run-scheduled``) never double anything.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import date
from pathlib import Path

from flask import Flask
from huey import RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from passport.db import utcnow
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


def bound_app() -> Flask:
    """The app jobs run in (for code that needs its settings outside an app context)."""
    return _current_app()


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
            huey, workers=2, worker_type="thread", periodic=True, check_worker_health=False
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


# Notifications -----------------------------------------------------------------------------


@huey.task(retries=0)
def deliver_notification_job(notification_id: int) -> str:
    """Send one recorded notification (failures are recorded on it and retried by the
    sweep below, with growing pauses, rather than by Huey)."""
    from passport.extensions import db
    from passport.notifications.delivery import deliver

    app = _current_app()
    with app.app_context(), jobs_take_turns(db.engine):
        return deliver(db.session, notification_id, app.config)


def enqueue_delivery(notification_id: int) -> None:
    ensure_consumer()
    deliver_notification_job(notification_id)


def dispatch_notifications(session=None) -> int:  # noqa: ANN001 - a Session
    """Queue the notifications committed on ``session`` (default: the app's) so far."""
    from passport.extensions import db
    from passport.notifications.delivery import dispatch_committed

    return dispatch_committed(session or db.session, enqueue_delivery)


def run_scheduled(task: str, today: date | None = None) -> dict[str, int]:
    """The scheduled work, by name (``deliveries``, ``reminders``, ``housekeeping`` or
    ``daily`` for the last two): what the periodic tasks and ``flask run-scheduled`` run."""
    from passport.extensions import db
    from passport.housekeeping import expire_old_notes
    from passport.notifications.delivery import deliver_due
    from passport.notifications.reminders import send_renewal_reminders

    app = _current_app()
    done: dict[str, int] = {}
    with app.app_context(), jobs_take_turns(db.engine):
        if task in ("reminders", "daily"):
            done["reminders"] = send_renewal_reminders(db.session, today or date.today())
            db.session.commit()  # queued as the app context ends (register_notifications)
        if task in ("housekeeping", "daily"):
            done.update(expire_old_notes(db.session, utcnow()))
            db.session.commit()
        if task == "deliveries":
            done["delivered"] = deliver_due(db.session, app.config)
    return done


@huey.periodic_task(crontab(minute="*"), retries=0)
def deliver_due_notifications() -> dict[str, int]:
    """Every minute: retry failed deliveries whose pause is over, send any left behind."""
    return run_scheduled("deliveries")


@huey.periodic_task(crontab(hour="14", minute="0"), retries=0)
def daily_work() -> dict[str, int]:
    """Every day at 14:00 UTC (early morning in the US): renewal reminders, housekeeping."""
    return run_scheduled("daily")
