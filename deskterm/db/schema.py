"""Schema versions: peewee's migration runner over ``deskterm/db/migrations``.

Migrations run only by an explicit command (``deskterm migrate``, and when ``deskterm demo``
builds a database), under a lock: two processes migrating at once crashed one of them on
``UNIQUE schema_migration.name`` when measured. The app refuses to open a database with
pending migrations, or one migrated by a newer deskterm, with a message saying what to run.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from deskterm.errors import SetupError
from deskterm.i18n import _, ngettext
from deskterm.private_files import create_private

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_PG_LOCK_KEY = 0x6465736B  # "desk"


@dataclass(frozen=True)
class SchemaStatus:
    applied: tuple[str, ...]
    pending: tuple[str, ...]
    unknown: tuple[str, ...]  # applied by a newer deskterm: files we do not have

    @property
    def empty(self) -> bool:
        return not self.applied

    @property
    def current(self) -> bool:
        return not self.pending and not self.unknown


HISTORY_TABLE = "schema_migration"  # playhouse.migrations.Runner's, by default


def _runner(db: Database):
    from playhouse.migrations import Runner  # only to migrate: not on a launch's path

    return Runner(db, directory=str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)


def _order(name: str) -> tuple[int, str]:
    digits = name[: len(name) - len(name.lstrip("0123456789"))]
    return (int(digits) if digits else -1, name)


def status(db: Database) -> SchemaStatus:
    """What ``Runner.status()`` says (the migration files against the history table), read
    without importing the runner and its migrator, which every launch checked with."""
    files = sorted((path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py")), key=_order)
    done: set[str] = set()
    if db.table_exists(HISTORY_TABLE):
        done = {row[0] for row in db.execute_sql(f"SELECT name FROM {HISTORY_TABLE}")}
    return SchemaStatus(
        applied=tuple(name for name in files if name in done),
        pending=tuple(name for name in files if name not in done),
        unknown=tuple(sorted(done - set(files), key=_order)),
    )


def check(db: Database, where: str) -> None:
    """Refuse to go on unless the database's schema is exactly the code's."""
    state = status(db)
    if state.unknown:
        raise SetupError(
            _("The database {db} was migrated by a newer deskterm (it has {names}); "
              "upgrade deskterm before opening it.").format(db=where, names=", ".join(state.unknown))
        )
    if state.empty:
        raise SetupError(
            _("{db} has no deskterm tables yet: run `deskterm migrate --db {db}` to create "
              "them, or `deskterm demo` for a demo office.").format(db=where)
        )
    if state.pending:
        raise SetupError(
            ngettext(
                "The database {db} needs {count} migration ({names}): run "
                "`deskterm migrate --db {db}` first.",
                "The database {db} needs {count} migrations ({names}): run "
                "`deskterm migrate --db {db}` first.",
                len(state.pending),
            ).format(
                db=where, count=len(state.pending), names=", ".join(state.pending))
        )


@contextlib.contextmanager
def _migration_lock(db: Database) -> Iterator[None]:
    if isinstance(db, SqliteDatabase):
        lock_path = Path(db.database + ".migrate.lock")
        # private like the database beside it (0600, 0660 in a group folder)
        with os.fdopen(create_private(lock_path, exclusive=False), "wb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    elif isinstance(db, PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_lock(%s)", (_PG_LOCK_KEY,))
        try:
            yield
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (_PG_LOCK_KEY,))
    else:  # pragma: no cover - only the two backends exist
        yield


def migrate(db: Database) -> list[str]:
    """Apply pending migrations under a lock; returns the names applied (maybe none)."""
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
    with _migration_lock(db):
        state = status(db)
        if state.unknown:
            raise SetupError(
                _("The database was migrated by a newer deskterm (it has {names}); "
                  "upgrade deskterm instead.").format(names=", ".join(state.unknown))
            )
        return _runner(db).up()
