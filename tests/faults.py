"""The database's bad days, made on purpose for a test (SQLite and PostgreSQL):

- ``write_lock_held(db)``: another program holds the write lock past the desk's busy
  timeout (shortened to ``BUSY_MS`` for the test): SQLite ``BEGIN IMMEDIATE`` from a
  second connection; PostgreSQL an ``ACCESS EXCLUSIVE`` lock on the change log (every
  save writes it) with the desk's lock timeout shortened the same way;
- ``database_full(db)``: SQLite's ``max_page_count`` at the file's size (after a VACUUM,
  so no free page is left), so the next write that needs a new page fails with "database
  or disk is full" — a text longer than a page (``LONG_TEXT``) always does (PostgreSQL:
  skipped, it has no such knob);
- ``server_down(pg_server)``: the PostgreSQL server stopped (connections cut), started
  again when the block ends.

Each undoes itself; while it lasts, the desk's pooled connections are dropped so that new
ones take the shortened timeouts.
"""

from __future__ import annotations

import contextlib
import sqlite3

from peewee import SqliteDatabase

BUSY_MS = 300
#: A text that needs a page of its own (4 KiB pages): a save of it needs the file to grow.
LONG_TEXT = "漏水" * 800


def _reconnect(db, *, in_use: bool = True) -> None:
    """Drop this thread's and the pool's idle connections, and (``in_use``) the ones other
    threads hold. SQLite's lock keeps the change watcher's: cut under it, its next poll
    would call the database unreachable and, reconnected, clear that while the lock lasts
    (a WAL read passes a write lock) — a trouble of the test's making, not the desk's."""
    if not db.is_closed():
        db.close()
    if in_use and hasattr(db, "close_all"):
        db.close_all()
    elif hasattr(db, "close_idle"):
        db.close_idle()


@contextlib.contextmanager
def _shorter_waits(db):
    """The desk's busy (SQLite) or lock (PostgreSQL) timeout shortened to BUSY_MS."""
    if isinstance(db, SqliteDatabase):
        old_pragmas, old_timeout = db._pragmas, db._timeout
        db._pragmas = [(k, BUSY_MS if k == "busy_timeout" else v) for k, v in old_pragmas]
        db._timeout = BUSY_MS / 1000
        _reconnect(db, in_use=False)
        try:
            yield
        finally:
            db._pragmas = old_pragmas
            db._timeout = old_timeout
            _reconnect(db, in_use=False)
    else:
        old = db.connect_params.get("options")
        db.connect_params["options"] = f"-c lock_timeout={BUSY_MS}"
        _reconnect(db)
        try:
            yield
        finally:
            if old is None:
                db.connect_params.pop("options", None)
            else:
                db.connect_params["options"] = old
            _reconnect(db)


@contextlib.contextmanager
def write_lock_held(db):
    with _shorter_waits(db):
        if isinstance(db, SqliteDatabase):
            other = sqlite3.connect(db.database, timeout=5, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                other.execute("ROLLBACK")
                other.close()
        else:
            import psycopg

            other = psycopg.connect(db.deskterm_url)
            other.execute("LOCK TABLE change_log IN ACCESS EXCLUSIVE MODE")
            try:
                yield
            finally:
                other.rollback()
                other.close()


@contextlib.contextmanager
def database_full(db):
    if not isinstance(db, SqliteDatabase):
        import pytest

        pytest.skip("PostgreSQL has no per-connection size limit to fill")
    _reconnect(db)
    probe = sqlite3.connect(db.database, isolation_level=None)
    probe.execute("VACUUM")
    pages = probe.execute("PRAGMA page_count").fetchone()[0]
    probe.close()
    old = db._pragmas
    db._pragmas = [*old, ("max_page_count", pages)]
    _reconnect(db)
    try:
        yield
    finally:
        db._pragmas = old
        _reconnect(db)


@contextlib.contextmanager
def server_down(pg_server):
    pg_server.halt()
    try:
        yield
    finally:
        pg_server.resume()


def driver_text_in(text: str) -> bool:
    """Whether a message shows a database driver's own words (it never should)."""
    words = ("OperationalError", "psycopg", "sqlite3", "connection is bad",
             "database is locked", "disk is full", "terminating connection")
    return any(word in text for word in words)
