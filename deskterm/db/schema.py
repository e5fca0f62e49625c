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
from playhouse.migrations import Runner

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


def _runner(db: Database) -> Runner:
    return Runner(db, directory=str(MIGRATIONS_DIR))


def status(db: Database) -> SchemaStatus:
    rows = _runner(db).status()
    return SchemaStatus(
        applied=tuple(m.name for m in rows if m.applied and m.path),
        pending=tuple(m.name for m in rows if not m.applied),
        unknown=tuple(m.name for m in rows if m.applied and not m.path),
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
