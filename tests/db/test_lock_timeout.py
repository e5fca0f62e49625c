"""A write that waits for another program's lock fails after the lock timeout instead of
hanging the desk: SQLite's busy timeout, PostgreSQL's ``lock_timeout`` (both 10 s by
default; the tests use 1 s), and ``trouble_of`` reads either as "locked"."""

from __future__ import annotations

import sqlite3
import time

import pytest

from deskterm.db import changes
from deskterm.db.connection import LOCK_TIMEOUT, close_database, open_database
from deskterm.db.models import Office, database
from deskterm.db.trouble import trouble_of
from tests.factories import small_office


@pytest.fixture
def pg_desk(pg_db):
    """A second desk on the test's PostgreSQL database, opened with a 1 s lock timeout;
    the fixture's database is bound again afterwards."""
    so = small_office()
    db = open_database(pg_db.deskterm_url, lock_timeout=1)
    try:
        yield so, db, pg_db.deskterm_url
    finally:
        close_database()
        database.initialize(pg_db)


def test_postgres_connections_wait_ten_seconds_for_a_lock_by_default(pg_db):
    assert LOCK_TIMEOUT == 10
    assert pg_db.execute_sql("SHOW lock_timeout").fetchone()[0] == "10s"


def test_a_postgres_write_behind_a_row_lock_fails_within_the_timeout(pg_desk):
    import psycopg

    so, db, url = pg_desk
    assert db.execute_sql("SHOW lock_timeout").fetchone()[0] == "1s"
    holder = psycopg.connect(url)  # another program: a transaction opens on first use
    try:
        holder.execute("SELECT id FROM office WHERE id = %s FOR UPDATE", (so.office.id,))
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            with changes.write():
                Office.update(name="改名").where(Office.id == so.office.id).execute()
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert 0.8 <= waited < 5
    trouble = trouble_of(caught.value)
    assert trouble is not None and trouble.kind == "locked", repr(caught.value)
    assert Office.get_by_id(so.office.id).name == so.office.name  # nothing written
    with changes.write():  # the lock is gone: the same write goes through
        Office.update(name="改名").where(Office.id == so.office.id).execute()
    assert Office.get_by_id(so.office.id).name == "改名"


def test_a_sqlite_write_behind_another_programs_lock_fails_within_the_timeout(tmp_path):
    from deskterm.db import schema

    path = tmp_path / "desk.db"
    db = open_database(str(path), lock_timeout=1)
    try:
        schema.migrate(db)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        started = time.monotonic()
        try:
            with pytest.raises(Exception) as caught:
                with changes.write():
                    changes.record("blocked", None, "test")
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert 0.8 <= time.monotonic() - started < 5
        trouble = trouble_of(caught.value)
        assert trouble is not None and trouble.kind == "locked", repr(caught.value)
    finally:
        close_database()
