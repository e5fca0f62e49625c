"""Shared fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL.

- ``sqlite_db``: a migrated SQLite file in tmp_path, bound to the models.
- ``desk_db``: parametrised over SQLite and PostgreSQL (a throwaway server started once per
  session by ``pg_server``); PostgreSQL cases skip with a visible reason where no PostgreSQL
  binaries exist. Use it for every duty and model test that should hold on both.
- ``frozen_clock``: freezes deskterm's clock; call it with a naive-UTC datetime or ISO text.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DESKTERM_LANG", "en")

from deskterm import clock  # noqa: E402
from deskterm.db import schema  # noqa: E402
from deskterm.db.connection import close_database, open_database  # noqa: E402
from deskterm.i18n import set_language  # noqa: E402
from tests.pgserver import PgServer, pg_unavailable_reason  # noqa: E402


@pytest.fixture(autouse=True)
def _own_drafts(tmp_path, monkeypatch) -> None:
    """Each test keeps its drafts in its own folder, as one terminal."""
    monkeypatch.setenv("DESKTERM_DRAFTS_DIR", str(tmp_path / "drafts"))
    monkeypatch.setenv("DESKTERM_TERMINAL", "test-terminal")


@pytest.fixture(autouse=True)
def _english_and_thawed() -> Iterator[None]:
    set_language("en")
    yield
    clock.freeze(None)
    set_language("en")


@pytest.fixture
def frozen_clock():
    def freeze(moment):
        clock.freeze(moment)
        return clock.now_utc()

    yield freeze
    clock.freeze(None)


@pytest.fixture
def sqlite_db(tmp_path):
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    db.deskterm_url = str(path)  # what another process passes to open_database
    schema.migrate(db)
    yield db
    close_database()


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory) -> Iterator[PgServer | None]:
    reason = pg_unavailable_reason()
    if reason:
        yield None
        return
    # Not under pytest's tmp folder: that one is 0700 root, and the server runs as postgres.
    server = PgServer(Path(tempfile.mkdtemp(prefix="deskterm-pg-")))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str | None:
    """A database migrated once; each test copies it (CREATE DATABASE ... TEMPLATE)."""
    if pg_server is None:
        return None
    url = pg_server.fresh_database_url()
    db = open_database(url)
    schema.migrate(db)
    close_database()
    return pg_server.name_of(url)


class _PgReuse:
    """One database per test process, copied from the template once and emptied after each
    test (TRUNCATE ... RESTART IDENTITY): copying the template for every test cost 0.4-0.9 s
    of PostgreSQL's CPU each, most of CI's time. The schema and the migration history are
    fingerprinted; a test that changed them (or left the data un-truncatable) gets a fresh
    copy instead."""

    FINGERPRINT = """
        SELECT (SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY 1)
                  FROM information_schema.columns WHERE table_schema = 'public')
            || '|' || (SELECT string_agg(tgname, ',' ORDER BY 1) FROM pg_trigger
                        WHERE NOT tgisinternal)
            || '|' || (SELECT string_agg(indexname, ',' ORDER BY 1) FROM pg_indexes
                        WHERE schemaname = 'public')
    """

    def __init__(self, server: PgServer, template: str) -> None:
        self.server, self.template = server, template
        self.url: str | None = None
        self.expected: tuple | None = None

    def _state(self, conn) -> tuple:
        fingerprint = conn.execute(self.FINGERPRINT).fetchone()[0]
        migrations = tuple(row[0] for row in conn.execute(
            "SELECT name FROM schema_migration ORDER BY name").fetchall())
        return fingerprint, migrations

    def _connect(self):
        import psycopg

        return psycopg.connect(dbname=self.server.name_of(self.url), user="postgres",
                               host=str(self.server.socket_dir), autocommit=True)

    def take(self) -> str:
        if self.url is None:
            self.url = self.server.fresh_database_url(template=self.template)
            with self._connect() as conn:
                self.expected = self._state(conn)
        return self.url

    def give_back(self) -> None:
        try:
            with self._connect() as conn:
                if self._state(conn) != self.expected:
                    raise RuntimeError("schema changed")
                tables = [row[0] for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'schema_migration'").fetchall()]
                conn.execute("SET lock_timeout = '5s'")
                conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                             + " RESTART IDENTITY CASCADE")
        except Exception:  # noqa: BLE001 - whatever it was: the next test gets a fresh copy
            self.server.drop(self.url)
            self.url = None


@pytest.fixture(scope="session")
def pg_reuse(pg_server, pg_template) -> _PgReuse | None:
    return _PgReuse(pg_server, pg_template) if pg_server is not None else None


@pytest.fixture
def pg_db(pg_server, pg_reuse):
    if pg_server is None:
        pytest.skip(pg_unavailable_reason())
    url = pg_reuse.take()
    db = open_database(url)
    db.deskterm_url = url
    yield db
    close_database()
    pg_reuse.give_back()


@pytest.fixture(params=["sqlite", "postgresql"])
def desk_db(request, tmp_path):
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_db")
    else:
        yield request.getfixturevalue("pg_db")


# --- which tests run on PostgreSQL too ---------------------------------------------------------

def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto`` (pyproject's addopts): two workers a core, at most eight. Most of a Pilot
    test is waiting (for a worker thread, a subprocess, PostgreSQL), so on CI's two cores
    four workers finished the suite in 8.6 min where two took 10.8 (the same commit, a
    loaded machine both times; two `-n 4` runs passed whole)."""
    return max(1, min(8, 2 * (os.cpu_count() or 1)))


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "both_databases: a screen (Pilot) test that runs on PostgreSQL too")


def pytest_collection_modifyitems(config, items) -> None:
    """Screens are the same whatever the database: a Pilot test (a coroutine) that takes
    ``desk_db`` runs on SQLite only, unless marked ``both_databases`` or
    ``DESKTERM_PG_SCREENS=1`` is set. The duties under them run on both (their tests are
    plain functions), which is where the databases differ; this halves the Pilot tests'
    share of CI's time."""
    import inspect

    if os.environ.get("DESKTERM_PG_SCREENS") == "1":
        return
    kept, dropped = [], []
    for item in items:
        function = getattr(item, "function", None)
        on_postgres = "[postgresql" in item.nodeid or "-postgresql" in item.nodeid
        if (on_postgres and function is not None and inspect.iscoroutinefunction(function)
                and item.get_closest_marker("both_databases") is None):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
