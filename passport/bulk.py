"""A fast bulk INSERT for the upload pipeline's hot path.

SQLAlchemy's executemany spends about 20 µs per row building and processing parameters,
which at 100,000 rows × three tables is most of an upload's time. Here each column's
bind processor (the same type conversions SQLAlchemy applies: credits to hundredths,
timestamps to UTC, JSON) is looked up once and applied in one tight loop, and the rows
go to the driver's executemany as plain tuples. Column defaults are applied once per
batch for columns the rows leave out.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by column name) into ``table`` in the session's
    transaction."""
    if rows:
        connection = session.connection()
        columns, sql, parameters = _prepared(connection.dialect, table, rows)
        _execute_many(connection, table.name, columns, sql, parameters)


def insert_rows_returning_ids(
    session: Session, table: sa.Table, rows: list[dict[str, Any]]
) -> list[int]:
    """``insert_rows`` for a table with an integer ``id``: the new rows' ids, in order.

    Reading ids back (RETURNING) would give up executemany and COPY, the fast paths. On
    PostgreSQL the ids are taken from the table's sequence first, in one query, and sent
    with the rows. On SQLite the insert holds the database's only write lock and each new
    row gets the largest id so far plus one, so the ids are the ``len(rows)`` numbers
    ending at ``last_insert_rowid()``."""
    if not rows:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        ids = list(
            connection.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                (table.name, len(rows)),
            ).scalars()
        )
        insert_rows(
            session, table, [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)]
        )
        return ids
    insert_rows(session, table, rows)
    last = connection.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
    return list(range(last - len(rows) + 1, last + 1))


def _prepared(dialect, table: sa.Table, rows: list[dict[str, Any]]) -> tuple[list[str], str, list]:
    """The columns, the INSERT statement and its parameter tuples, converted as
    SQLAlchemy would convert them."""
    first = rows[0].keys()
    if all(row.keys() == first for row in rows):  # the usual batch: every row alike
        names = list(first)
    else:
        names = list(dict.fromkeys(name for row in rows for name in row))
    unknown = [name for name in names if name not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no columns {unknown}")
    defaults = {}
    for column in table.columns:
        if column.name in names or column.primary_key or column.default is None:
            continue
        default = column.default
        defaults[column.name] = default.arg(None) if default.is_callable else default.arg
    columns = names + list(defaults)
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in columns]
    placeholder = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in columns)}) "
        f"VALUES ({', '.join([placeholder] * len(columns))})"
    )
    default_values = [defaults[name] for name in defaults]
    converted = [(index, process) for index, process in enumerate(processors) if process]
    # Rows of one batch share many values (the upload, the moment it is recorded): the
    # last value converted in each column is remembered and reused when the same object
    # comes again.
    last_seen: list[Any] = [None] * len(columns)
    last_converted: list[Any] = [None] * len(columns)
    parameters = []
    for row in rows:
        values = [row.get(name) for name in names] + default_values
        for index, process in converted:
            value = values[index]
            if value is None:
                continue
            if value is last_seen[index]:
                values[index] = last_converted[index]
            else:
                last_seen[index] = value
                values[index] = last_converted[index] = process(value)
        parameters.append(tuple(values))
    return columns, sql, parameters


def _execute_many(
    connection, table_name: str, columns: list[str], sql: str, parameters: list
) -> None:
    """executemany, or on PostgreSQL the COPY protocol (several times faster).

    COPY runs on the driver's own cursor, so its constraint errors are raised as
    SQLAlchemy's ``IntegrityError``, as every other write's are: callers (the upload job's
    retry, the app's 409 handler) need only know one kind."""
    if connection.dialect.name == "postgresql":
        import psycopg

        quote = connection.dialect.identifier_preparer.quote
        copy_sql = f"COPY {quote(table_name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        cursor = connection.connection.driver_connection.cursor()
        try:
            with cursor, cursor.copy(copy_sql) as copy:
                for values in parameters:
                    copy.write_row(values)
        except psycopg.errors.IntegrityError as error:
            raise sa.exc.IntegrityError(copy_sql, None, error) from error
        return
    connection.exec_driver_sql(sql, parameters)


def stage_keys(
    session: Session, rows: list[tuple[Any, ...]], name: str, columns: str
) -> sa.TableClause:
    """Put ``rows`` in a per-connection temporary table ``name`` and return it, for a
    set-based join. Joining on a staged key list beats long IN lists, which both compile
    slowly and (for pairs of keys) make the database probe every combination."""
    connection = session.connection()
    column_names = [part.split()[0] for part in columns.split(",")]
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns})")
    # On PostgreSQL, DELETE leaves the dead rows' pages behind: after a few chunks the
    # planner reads the table as large and joins the whole roster (or every completion) by
    # hash, 10x slower than the index probes it uses on an emptied table. TRUNCATE resets
    # the table's size; on SQLite a DELETE without WHERE is already a truncate.
    empty = "TRUNCATE" if connection.dialect.name == "postgresql" else "DELETE FROM"
    connection.exec_driver_sql(f"{empty} {name}")
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    if rows:
        sql = f"INSERT INTO {name} VALUES ({', '.join([placeholder] * len(column_names))})"
        _execute_many(connection, name, column_names, sql, rows)
    return sa.table(name, *(sa.column(column) for column in column_names))


IN_LIST_LIMIT = 500
"""Up to this many keys go to the database as an IN list; more are staged."""


def keys_in(
    session: Session, column: sa.ColumnElement, keys: Iterable[int], name: str
) -> sa.ColumnElement[bool]:
    """``column IN keys``, read by ``column``'s index on both databases.

    A page's few keys (a licensee, its activities) go as an IN list, which SQLite and
    PostgreSQL both answer by probing the index once per key. Joining a staged key table
    instead let SQLite walk the whole indexed table and probe the staged table per row. Many
    keys are staged in ``name`` on SQLite (which takes a bounded number of parameters) and
    compared as ``IN (SELECT ...)``: SQLite then probes the index per staged key, as it
    does for the list."""
    keys = sorted(set(keys))
    if len(keys) <= IN_LIST_LIMIT or session.get_bind().dialect.name == "postgresql":
        # PostgreSQL reads any length of list as "= ANY (...)", by index; a staged table it
        # has no statistics for it joins by merging along the whole index instead.
        return column.in_(keys)
    staged = stage_keys(session, [(key,) for key in keys], name, "id INTEGER PRIMARY KEY")
    return column.in_(sa.select(staged.c.id))


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a bulk job runs (the upload pipeline).

    A chunk of records builds hundreds of thousands of small dicts and tuples that live
    until the chunk is written; the collector walks them again and again without finding
    garbage, which cost 10-20% of an upload's time. Reference counting still frees
    everything as usual; cycles, if any, are collected once the last pause ends. The
    collector is process-wide, so overlapping pauses (uploads in two threads) are counted
    and it is turned back on only when the last one ends, and only if it was on."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()
