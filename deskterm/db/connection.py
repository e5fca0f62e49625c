"""Opening the desk's database: SQLite by default, PostgreSQL for a company-wide server.

SQLite runs in WAL mode with foreign keys on, ``synchronous=FULL`` (the last payments
survive a power cut) and IMMEDIATE write transactions: measured here, DEFERRED ones made
30-67 % of concurrent read-modify-write transactions fail with "database is locked";
IMMEDIATE made none fail. Read-only queries are never wrapped in ``atomic()``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from peewee import Database, DatabaseError, OperationalError, PostgresqlDatabase, SqliteDatabase

from deskterm.db.models import database
from deskterm.errors import SetupError
from deskterm.i18n import _

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "FULL"),
    ("busy_timeout", 10000),
)


_PG_QUERY_OPTIONS = {"host", "port", "sslmode", "connect_timeout", "application_name", "user",
                     "password"}


def default_database_path() -> Path:
    """``$XDG_DATA_HOME/deskterm/desk.db`` (platformdirs' user data folder)."""
    from platformdirs import user_data_path

    return user_data_path("deskterm", appauthor=False) / "desk.db"


def is_postgres_url(value: str) -> bool:
    return value.startswith(("postgresql://", "postgres://"))


def describe(value: str) -> str:
    """The database named for a person, with any password blanked out."""
    if is_postgres_url(value):
        parsed = urlparse(value)
        if parsed.password:
            netloc = parsed.netloc.replace(":" + parsed.password + "@", ":***@")
            return parsed._replace(netloc=netloc).geturl()
    return value


def make_database(value: str) -> Database:
    """A Peewee database (not yet connected) for a path or ``postgresql://`` URL."""
    value = (value or "").strip()
    if not value:
        raise SetupError(_("No database given: pass --db PATH or a postgresql:// URL."))
    if is_postgres_url(value):
        return _make_postgres(value)
    if "://" in value:
        scheme = value.split("://", 1)[0]
        raise SetupError(
            _("Unsupported database URL scheme '{scheme}': use a file path or "
              "postgresql://user@host/dbname.").format(scheme=scheme)
        )
    if value.startswith("sqlite:///"):
        value = value[len("sqlite://"):]
    return _make_sqlite(Path(value).expanduser())


def _make_postgres(value: str) -> PostgresqlDatabase:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise SetupError(
            _("PostgreSQL needs the psycopg driver: pip install 'deskterm[postgres]'.")
        ) from exc
    try:
        parsed = urlparse(value)
        port = parsed.port
    except ValueError as exc:
        raise SetupError(_("Malformed database URL: {error}").format(error=exc)) from exc
    name = unquote(parsed.path.lstrip("/"))
    if not name or "/" in name:
        raise SetupError(
            _("Malformed database URL: name the database, as in "
              "postgresql://user@host:5432/deskterm.")
        )
    params: dict[str, object] = {}
    if parsed.hostname:
        params["host"] = unquote(parsed.hostname)
    if port:
        params["port"] = port
    if parsed.username:
        params["user"] = unquote(parsed.username)
    if parsed.password:
        params["password"] = unquote(parsed.password)
    # libpq-style query options: ?host=/run/postgresql (a socket folder), ?sslmode=require
    for key, values in parse_qs(parsed.query).items():
        if key not in _PG_QUERY_OPTIONS:
            raise SetupError(
                _("Malformed database URL: unknown option '{key}'.").format(key=key))
        params[key] = values[-1]
    params.setdefault("connect_timeout", 5)
    return PostgresqlDatabase(name, **params)


def _make_sqlite(path: Path) -> SqliteDatabase:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SetupError(
            _("Cannot create the data folder {folder}: {error}").format(
                folder=folder, error=exc.strerror or exc)
        ) from exc
    if path.is_dir():
        raise SetupError(_("{path} is a folder, not a database file.").format(path=path))
    # WAL needs to create <db>-wal and <db>-shm beside the file: every clerk's user
    # needs write access to the folder, not only to the file.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SetupError(
            _("The data folder {folder} is not writable by this user; every clerk who "
              "shares the database needs write access to the folder.").format(folder=folder)
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise SetupError(
            _("The database {path} is not readable and writable by this user.").format(path=path)
        )
    return SqliteDatabase(
        str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=10,
        check_same_thread=False,
    )


def open_database(value: str) -> Database:
    """Make the database, bind every model to it, and check that it can be read.

    Raises ``SetupError`` with a message for a person: a malformed URL, an unwritable
    folder, a file that is not a database, a server that cannot be reached.
    """
    db = make_database(value)
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1").fetchone()
        if isinstance(db, SqliteDatabase):
            db.execute_sql("PRAGMA schema_version").fetchone()
    except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
        if not db.is_closed():
            db.close()
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "not a database" in text or "malformed" in text:
            raise SetupError(
                _("{path} is not a deskterm database (the file is not SQLite).").format(
                    path=describe(value))
            ) from exc
        raise SetupError(
            _("Cannot open the database {path}: {error}").format(path=describe(value), error=text)
        ) from exc
    database.initialize(db)
    return db


def close_database() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()
