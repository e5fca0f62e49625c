"""Opening the desk's database: SQLite by default, PostgreSQL for a company-wide server.

SQLite runs in WAL mode with foreign keys on, ``synchronous=FULL`` (the last payments
survive a power cut) and IMMEDIATE write transactions: measured here, DEFERRED ones made
30-67 % of concurrent read-modify-write transactions fail with "database is locked";
IMMEDIATE made none fail. Read-only queries are never wrapped in ``atomic()``.

A write waits at most ``LOCK_TIMEOUT`` seconds for another program's lock, then fails:
SQLite's busy timeout ("database is locked"), PostgreSQL's ``lock_timeout`` ("canceling
statement due to lock timeout"), both read by ``deskterm.db.trouble`` as "locked", so a
desk shows the trouble instead of hanging.

The SQLite file is created by deskterm, private (``deskterm.private_files``), before
SQLite first opens it; SQLite gives its -wal and -shm the same mode. A database whose
file (or -wal, or -shm) is removed or replaced under the desk refuses every write from
then on with ``HistoryForked`` (``deskterm.db.history``): ``DeskSqliteDatabase`` checks
before each write transaction begins and before it commits.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlencode, urlparse

from peewee import Database, DatabaseError, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.pool import PooledSqliteDatabase

from deskterm.db.history import HistoryWatch
from deskterm.db.models import database
from deskterm.errors import HistoryForked, SetupError
from deskterm.i18n import _
from deskterm.paths import default_database_path  # noqa: F401 - re-exported
from deskterm.private_files import make_private_folder

log = logging.getLogger("deskterm")

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"

#: Seconds a write waits for another program's lock before it fails (both databases).
LOCK_TIMEOUT = 10.0

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "FULL"),
    ("busy_timeout", int(LOCK_TIMEOUT * 1000)),
)


_PG_QUERY_OPTIONS = {"host", "port", "sslmode", "connect_timeout", "application_name", "user",
                     "password"}


def is_postgres_url(value: str) -> bool:
    return value.startswith(("postgresql://", "postgres://"))


def describe(value: str) -> str:
    """The database named for a person, with any password blanked out.

    Both ``postgresql://user:secret@host/db`` and ``...?password=secret`` are masked; a URL
    too broken to parse keeps only its scheme, since a password may be anywhere in it.
    """
    if not is_postgres_url(value):
        return value
    try:
        parsed = urlparse(value)
        if parsed.password is not None:
            userinfo, _at, hostport = parsed.netloc.rpartition("@")
            parsed = parsed._replace(netloc=userinfo.partition(":")[0] + ":***@" + hostport)
        pairs = parse_qsl(parsed.query, keep_blank_values=True)
        if any(key == "password" for key, _value in pairs):
            masked = [(key, "***" if key == "password" else v) for key, v in pairs]
            parsed = parsed._replace(query=urlencode(masked, safe="/:*", quote_via=quote))
        return parsed.geturl()
    except ValueError:
        return value.split("://", 1)[0] + "://***"


def make_database(value: str, *, lock_timeout: float = LOCK_TIMEOUT) -> Database:
    """A Peewee database (not yet connected) for a path or ``postgresql://`` URL; a write
    waits at most ``lock_timeout`` seconds for another program's lock."""
    value = (value or "").strip()
    if not value:
        raise SetupError(_("No database given: pass --db PATH or a postgresql:// URL."))
    if is_postgres_url(value):
        return _make_postgres(value, lock_timeout)
    if value.startswith("sqlite:///"):  # as peewee's db_url: sqlite:///rel.db, sqlite:////abs.db
        value = value[len("sqlite:///"):]
    elif "://" in value:
        scheme = value.split("://", 1)[0]
        raise SetupError(
            _("Unsupported database URL scheme '{scheme}': use a file path or "
              "postgresql://user@host/dbname.").format(scheme=scheme)
        )
    return _make_sqlite(value, lock_timeout)


def _make_postgres(value: str, lock_timeout: float = LOCK_TIMEOUT) -> PostgresqlDatabase:
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
    for key, values in parse_qs(parsed.query, keep_blank_values=True).items():
        if key not in _PG_QUERY_OPTIONS:
            raise SetupError(
                _("Malformed database URL: unknown option '{key}'.").format(key=key))
        if values[-1]:
            params[key] = values[-1]
    if "\x00" in name or any("\x00" in str(v) for v in params.values()):
        raise SetupError(_("Malformed database URL: {error}").format(error="NUL (\\0)"))
    params.setdefault("connect_timeout", 5)
    # A write waiting for a row another desk (or a forgotten psql session) holds fails
    # after lock_timeout instead of hanging the desk forever (SQLSTATE 55P03).
    params["options"] = f"-c lock_timeout={max(int(lock_timeout * 1000), 1)}"
    return PostgresqlDatabase(name, **params)


def _make_sqlite(value: str, lock_timeout: float = LOCK_TIMEOUT) -> SqliteDatabase:
    if "\x00" in value:
        shown = value.replace("\x00", "\\0")
        raise SetupError(_("{path} is not a database file.").format(path=shown))
    try:
        path = Path(value).expanduser()
    except RuntimeError as exc:  # "~someone/desk.db" for a user this host does not know
        raise SetupError(
            _("Cannot open the database {path}: {error}").format(path=value, error=exc)
        ) from exc
    folder = path.parent
    try:
        make_private_folder(folder)  # 0700, or 2770 inside a group folder
    except OSError as exc:
        raise SetupError(
            _("Cannot create the data folder {folder}: {error}").format(
                folder=folder, error=exc.strerror or exc)
        ) from exc
    try:
        _check_path(path, folder)
    except OSError as exc:  # a name too long, a loop of symlinks...
        raise SetupError(
            _("Cannot open the database {path}: {error}").format(
                path=path, error=exc.strerror or exc)
        ) from exc
    # Pooled: every pane load is a short worker thread with its own connection context;
    # reopening the file each time (and re-reading its schema) cost ~1 ms of each pane
    # query. Connections move between threads (check_same_thread=False); the pool rolls
    # back anything a borrower left open before lending the connection again.
    pragmas = tuple((name, int(lock_timeout * 1000) if name == "busy_timeout" else v)
                    for name, v in SQLITE_PRAGMAS)
    return DeskSqliteDatabase(
        str(path), pragmas=pragmas, lock_type="IMMEDIATE", timeout=10,
        check_same_thread=False, max_connections=32, stale_timeout=300,
    )


class _WatchedSqliteDatabase(SqliteDatabase):
    """The raw connections under the pool: ``PooledDatabase`` makes and closes them through
    ``super(PooledDatabase, self)``, which lands here (see ``DeskSqliteDatabase``)."""

    def _connect(self):
        self.history.before_open()
        conn = super()._connect()
        try:
            self.history.opened(conn)
        except HistoryForked:
            raise
        except BaseException:
            conn.close()
            raise
        return conn

    def _close(self, conn):
        if self.history.may_close(conn):
            super()._close(conn)


class DeskSqliteDatabase(PooledSqliteDatabase, _WatchedSqliteDatabase):
    """The pooled SQLite database of a desk, which watches its files
    (``deskterm.db.history.HistoryWatch``): it creates the database file private before
    SQLite first opens it, and checks before every write transaction begins and commits
    that the file, its -wal and its -shm are still the ones its connections have open
    (``HistoryForked`` otherwise, and the transaction rolls back). Once forked it makes no
    new connection and never closes one (closing the last would checkpoint the stale WAL
    over another desk's file): ``close_database`` leaves them open."""

    def init(self, database, *args, **kwargs):
        super().init(database, *args, **kwargs)
        self.history = HistoryWatch(str(database), self._pool_lock)

    def _connect(self):
        conn = super()._connect()
        if self.history.forked is not None:  # a connection of before: refuses writes
            self.history.read_only(conn)
        return conn

    def _checked(self) -> None:
        try:
            self.history.check()
        except HistoryForked:
            if not self.is_closed():
                self.history.read_only(self.connection())
            raise

    def begin(self, lock_type=None):
        self._checked()
        super().begin(lock_type)

    def commit(self):
        self._checked()
        super().commit()


def _check_path(path: Path, folder: Path) -> None:
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
    _check_existing_file(path)


def _not_sqlite(path: Path) -> SetupError:
    return SetupError(
        _("{path} is not a deskterm database (the file is not SQLite).").format(path=path))


def _not_ours(path: Path) -> SetupError:
    return SetupError(
        _("{path} is a SQLite database of another program (it has tables but no deskterm "
          "schema): give deskterm a file of its own.").format(path=path))


def _check_existing_file(path: Path) -> None:
    """Refuse, without changing a byte, a file that is not (or not yet) a deskterm database.

    Connecting switches the file to WAL, which rewrites its header: so a file that is not
    SQLite at all is recognised by its first bytes before SQLite ever opens it, and a SQLite
    file still in rollback-journal mode (no deskterm database is) is read first through a
    read-only connection, to see whether it belongs to another program.
    """
    if not path.exists():
        return  # a new database: deskterm creates it, private, when it first connects
    if not path.is_file():
        raise SetupError(_("{path} is not a database file.").format(path=path))
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise SetupError(
            _("Cannot open the database {path}: {error}").format(
                path=path, error=exc.strerror or exc)
        ) from exc
    if not header:
        return  # an empty file is an empty SQLite database
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise _not_sqlite(path)
    if header[18] != 1:  # already WAL (2): connecting changes nothing
        return
    uri = "file:" + quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise _not_sqlite(path) from exc
        return  # e.g. a hot journal a read-only connection cannot roll back: let SQLite say
    if tables and "schema_migration" not in tables:
        raise _not_ours(path)


def open_database(value: str, *, lock_timeout: float = LOCK_TIMEOUT) -> Database:
    """Make the database, bind every model to it, and check that it can be read.

    Raises ``SetupError`` with a message for a person: a malformed URL, an unwritable
    folder, a file that is not a database, a server that cannot be reached. A SQLite file
    that other users of the computer may read is tightened (or, when this user does not
    own it, warned about): ``tighten_database_files``.
    """
    db = make_database(value, lock_timeout=lock_timeout)
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1").fetchone()
        if isinstance(db, SqliteDatabase):
            tables = set(db.get_tables())
            if tables and "schema_migration" not in tables:
                _really_close(db)
                raise _not_ours(Path(db.database))
    except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
        _really_close(db)
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "not a database" in text or "malformed" in text:
            raise SetupError(
                _("{path} is not a deskterm database (the file is not SQLite).").format(
                    path=describe(value))
            ) from exc
        raise SetupError(
            _("Cannot open the database {path}: {error}").format(path=describe(value), error=text)
        ) from exc
    if isinstance(db, SqliteDatabase):
        tighten_database_files(Path(db.database))
    database.initialize(db)
    return db


def tighten_database_files(path: Path) -> list[str]:
    """Take other users' access off the database file and its -wal and -shm where this
    user owns them (the group's stays: sharing through a group is the administrator's
    choice); log a warning for each file others may read, tightened or not. Returns the
    warnings."""
    from deskterm.private_files import others_can_open, tighten

    said = []
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        if not others_can_open(name):
            continue
        if tighten(name):
            said.append(_("{path} could be read by every user of this computer; deskterm "
                          "took their access away (see the README: Who can read the desk's "
                          "files).").format(path=name))
        else:
            said.append(_("{path} can be read by every user of this computer: its owner "
                          "should run `chmod o= {path}` (see the README: Who can read the "
                          "desk's files).").format(path=name))
    for text in said:
        log.warning("%s", text)
    return said


def _really_close(db: Database) -> None:
    """Close this thread's connection and, for a pooled database, every idle one (a
    pooled close only returns the connection, and SQLite removes -wal/-shm only when the
    last connection closes). A SQLite desk that found its history forked closes none:
    its pool keeps them (``DeskSqliteDatabase._close_raw``), since closing the last
    would checkpoint its stale WAL over the other desk's file."""
    if not db.is_closed():
        db.close()
    if isinstance(db, PooledSqliteDatabase):
        db.close_all()


def close_database() -> None:
    """Close the desk's database (``_really_close``; a forked desk's connections stay
    open until the process ends, and nothing at exit closes them)."""
    db = database.obj
    if db is not None:
        _really_close(db)


def history_forked() -> HistoryForked | None:
    """The desk's ``HistoryForked`` when its SQLite file was found removed or replaced."""
    db = database.obj
    return getattr(getattr(db, "history", None), "forked", None)
