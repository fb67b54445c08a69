"""SQLite's write lock: a transaction that will write takes it when it begins, so a
concurrent commit makes it wait instead of failing with "database is locked"."""

from __future__ import annotations

import functools
import inspect
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from passport.accounts.access import is_static_endpoint
from passport.sqlite_transactions import (
    SAFE_METHODS,
    is_busy,
    jobs_take_turns,
    transaction_will_write,
)


def test_jobs_and_commands_begin_as_writers(app) -> None:
    with app.app_context():
        assert transaction_will_write()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_requests_that_may_change_something_begin_as_writers(app, method) -> None:
    with app.test_request_context("/", method=method):
        assert transaction_will_write()


def test_plain_reads_stay_deferred(app) -> None:
    """A page view must not wait for (or block) a long upload's write lock."""
    with app.test_request_context("/board/discrepancies", method="GET"):
        assert not transaction_will_write()
    with app.test_request_context("/", method="GET"):
        assert not transaction_will_write()


def test_marked_views_begin_as_writers_on_get(app) -> None:
    for path in ("/board/audit", "/board/licensees/1", "/physician/transcript.pdf"):
        with app.test_request_context(path, method="GET"):
            assert transaction_will_write(), path


def test_every_view_that_commits_on_get_is_marked(app) -> None:
    """A GET view that commits without ``@writes_on_get`` could fail under a concurrent
    write; this walks the read-only routes so a new one fails here. (Views that also take
    POST commit in their POST branch, which begins as a writer anyway.)"""
    unmarked = []
    for rule in app.url_map.iter_rules():
        if is_static_endpoint(rule.endpoint) or not rule.methods <= SAFE_METHODS:
            continue
        view = app.view_functions[rule.endpoint]
        source = inspect.getsource(inspect.unwrap(view))
        if ".commit()" in source and not getattr(view, "writes_on_get", False):
            unmarked.append(rule.endpoint)
    assert unmarked == []


def _two_connections(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'locks.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        connection.exec_driver_sql("INSERT INTO counter VALUES (0)")
    return engine


def _increment_elsewhere(engine, done: threading.Event) -> threading.Thread:
    def run() -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE counter SET n = n + 1")
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_read_then_write_fails_when_deferred(app, tmp_path) -> None:
    """What used to happen: the read's snapshot is stale once another connection commits,
    and SQLite refuses the write at once, whatever busy_timeout says."""
    engine = _two_connections(tmp_path)
    try:
        with app.test_request_context("/", method="GET"), engine.connect() as reader:
            reader.begin()
            assert reader.exec_driver_sql("SELECT n FROM counter").scalar() == 0
            committed = threading.Event()
            _increment_elsewhere(engine, committed).join(timeout=10)
            assert committed.is_set()
            with pytest.raises(sa.exc.OperationalError, match="database is locked"):
                reader.exec_driver_sql("UPDATE counter SET n = n + 10")
    finally:
        engine.dispose()


def test_a_writer_holds_the_lock_and_the_other_waits_its_turn(app, tmp_path) -> None:
    engine = _two_connections(tmp_path)
    try:
        with app.app_context(), engine.connect() as writer:
            writer.begin()
            assert writer.exec_driver_sql("SELECT n FROM counter").scalar() == 0
            committed = threading.Event()
            other = _increment_elsewhere(engine, committed)
            assert not committed.wait(timeout=0.5)  # it waits for our lock
            writer.exec_driver_sql("UPDATE counter SET n = n + 10")
            writer.commit()
            other.join(timeout=10)
            assert committed.is_set()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT n FROM counter").scalar() == 11
    finally:
        engine.dispose()


class _Engine:
    def __init__(self, dialect: str) -> None:
        self.dialect = type("Dialect", (), {"name": dialect})()


def _job_in_thread(engine, order: list[str], name: str) -> threading.Thread:
    def run() -> None:
        with jobs_take_turns(engine):
            order.append(f"{name} starts")
            order.append(f"{name} ends")

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_background_jobs_take_turns_on_sqlite() -> None:
    """A second upload waits for the first instead of timing out on SQLite's one writer."""
    order: list[str] = []
    engine = _Engine("sqlite")
    with jobs_take_turns(engine):
        order.append("first starts")
        second = _job_in_thread(engine, order, "second")
        second.join(timeout=0.3)
        assert second.is_alive()  # waiting for its turn
        order.append("first ends")
    second.join(timeout=10)
    assert order == ["first starts", "first ends", "second starts", "second ends"]


def test_background_jobs_run_side_by_side_elsewhere() -> None:
    order: list[str] = []
    engine = _Engine("postgresql")
    with jobs_take_turns(engine):
        _job_in_thread(engine, order, "second").join(timeout=10)
        order.append("first ends")
    assert order == ["second starts", "second ends", "first ends"]


def _raising(original, error: Exception):
    @functools.wraps(original)  # keeps the view's access rule
    def view(*args, **kwargs):
        raise error

    return view


@pytest.mark.parametrize(
    ("message", "status"), [("database is locked", 503), ("disk I/O error", 500)]
)
def test_a_write_refused_after_busy_timeout_is_a_503_to_retry(app, message, status) -> None:
    """On SQLite a change that waited ``busy_timeout`` behind a large upload is answered
    "busy, try again" (503, Retry-After), not "something went wrong"; nothing else is."""
    error = sa.exc.OperationalError("UPDATE …", {}, sqlite3.OperationalError(message))
    assert is_busy(error) is (status == 503)
    original = app.view_functions["home.index"]
    app.view_functions["home.index"] = _raising(original, error)
    try:
        response = app.test_client().get("/")
    finally:
        app.view_functions["home.index"] = original
    assert response.status_code == status
    if status == 503:
        assert response.headers["Retry-After"] == "60"
        assert b"Nothing was saved" in response.data


def test_the_lock_error_sqlite_gives_is_told_as_busy(app, tmp_path) -> None:
    engine = _two_connections(tmp_path)
    try:
        with app.app_context(), engine.connect() as writer, engine.connect() as other:
            writer.begin()
            writer.exec_driver_sql("UPDATE counter SET n = 1")  # holds the write lock
            other.connection.driver_connection.execute("PRAGMA busy_timeout=50")  # not 30 s
            with pytest.raises(sa.exc.OperationalError) as raised:
                other.exec_driver_sql("UPDATE counter SET n = 2")  # begins IMMEDIATE: waits
            assert is_busy(raised.value)
    finally:
        engine.dispose()
