"""How Passport talks to SQLite, the embedded default: foreign keys on, WAL, and a
transaction that will write takes SQLite's write lock when it begins.

Why the last part: in WAL mode a transaction that has read and then tries to write is
refused at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) if another connection
committed in between; ``busy_timeout`` does not help, because waiting cannot make the
snapshot current. The embedded queue runs jobs (uploads, the standings refresh) in threads
of the web process, so that happens under ordinary load: an API submission failed with a
500 while the refresh of the previous one committed. ``BEGIN IMMEDIATE`` takes the write
lock first, so the writer waits its turn (up to ``busy_timeout``) instead of failing.

Which transactions begin IMMEDIATE:

- every transaction outside a request (background jobs, CLI commands): they are writers;
- a request whose method may change something (POST, PUT, PATCH, DELETE);
- a GET to a view marked ``@writes_on_get`` (the audit views record who looked at what,
  the worklist brings standings up to date, a PDF transcript records its issue).

Plain reads stay deferred, so pages (an upload's progress bar included) keep loading while
a long upload holds the write lock. A writer still waiting when ``busy_timeout`` runs out
is refused: ``is_busy`` tells that error, which the app answers 503 "busy, try again"
rather than 500. PostgreSQL is untouched: it has row locks and no such failure.

Background jobs also take turns (``jobs_take_turns``): SQLite has one writer, and a job
waiting for it longer than ``busy_timeout`` (a second large upload behind a first) would
fail with "database is locked" instead of simply starting after it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A large upload holds the write lock for a while; other writers wait this long (ms).
BUSY_TIMEOUT_MS = 30000


def is_busy(error: Exception) -> bool:
    """Whether a database error is SQLite's write lock still held after ``busy_timeout``
    (another transaction, usually a large upload, was writing)."""
    original = getattr(error, "orig", error)
    return isinstance(original, sqlite3.OperationalError) and "database is locked" in str(original)


def writes_on_get(view: F) -> F:
    """Mark a view that writes to the database even when it is only read (a GET)."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def transaction_will_write() -> bool:
    """Whether the transaction about to begin should take SQLite's write lock now."""
    if not has_request_context():
        return True
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes_on_get", False))


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys, use WAL, and let SQLAlchemy own transactions.

    pysqlite's own BEGIN handling breaks SAVEPOINT (used by tests and nested writes), so
    it is switched off and SQLAlchemy emits BEGIN itself (see ``_sqlite_begin``).
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if transaction_will_write() else "BEGIN")


_job_turn = threading.RLock()


@contextmanager
def jobs_take_turns(engine: Engine) -> Iterator[None]:
    """On SQLite, let this process's background jobs write one after another (the embedded
    queue runs them in threads of the web process); elsewhere, do nothing."""
    if engine.dialect.name != "sqlite":
        yield
        return
    with _job_turn:
        yield
