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


@pytest.fixture
def pg_db(pg_server, pg_template):
    if pg_server is None:
        pytest.skip(pg_unavailable_reason())
    url = pg_server.fresh_database_url(template=pg_template)
    db = open_database(url)
    db.deskterm_url = url
    yield db
    close_database()
    pg_server.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def desk_db(request, tmp_path):
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_db")
    else:
        yield request.getfixturevalue("pg_db")


# --- which tests run on PostgreSQL too ---------------------------------------------------------

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
