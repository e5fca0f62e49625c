"""Database trouble: which errors mean the database cannot be used right now, and the
desk's one record of it.

``trouble_of(exc)`` reads an exception (and what caused it: a failed rollback after a
full disk hides the "full" under "no transaction is active") and says which trouble it
is, or None for anything else (a refusal, a bug). The kinds:

- ``unreachable``: the server is down or restarting, the connection dropped, the file
  cannot be opened;
- ``locked``: another program held the write lock past the busy timeout (SQLite) or
  the lock timeout (PostgreSQL);
- ``full``: no room left on the disk, or the database at its size limit;
- ``readonly``: the file or the server refuses writes;
- ``forked``: the SQLite file or its -wal was removed or replaced under this desk
  (``deskterm.errors.HistoryForked``, raised by the db layer): nothing more may be written from here.

``DatabaseHealth`` is the desk's one state of it: every database call that fails for one
of these reasons reports ``failed``, every one that succeeds ``ok``; listeners hear the
change (the status line, the panes' stale marks, the reload on recovery). A read that
succeeds proves the database reachable, not that it takes writes again: "locked", "full"
and "read-only" are cleared by a write that succeeds (``ok(wrote=True)``) or by
``probe(kind)``, which the change watcher asks at each poll while they last. "forked" is
never cleared: only a restart on the right file ends it. No Textual here: workers call it
from their threads, the app hands the news to the UI thread.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from deskterm.clock import now_utc
from deskterm.errors import HistoryForked
from deskterm.i18n import N_

KINDS = ("unreachable", "locked", "full", "readonly", "forked")

#: What each trouble is called on the status line (``{since}`` is HH:MM, office time).
STATUS_WORDS = {
    "unreachable": N_("Database unreachable since {since} · retrying"),
    "locked": N_("Database busy since {since} · retrying"),
    "full": N_("Database full since {since} · free disk space"),
    "readonly": N_("Database read-only since {since} · retrying"),
    "forked": N_("Database file replaced at {since} · restart the desk"),
}

#: What a form says when a save met it (the text typed stays in the form).
SAVE_WORDS = {
    "unreachable": N_("Not saved: the database cannot be reached. What you typed is kept; "
                      "ctrl+s tries again."),
    "locked": N_("Not saved: the database is busy (another program holds it). What you "
                 "typed is kept; ctrl+s tries again."),
    "full": N_("Not saved: the database is full (no disk space). What you typed is kept; "
               "ctrl+s tries again once space is freed."),
    "readonly": N_("Not saved: the database refuses writes. What you typed is kept; "
                   "ctrl+s tries again."),
    "forked": N_("Not saved: the database file was removed or replaced while this desk was "
                 "open. Close the desk and open it again; tell the administrator."),
}

#: What a screen says when reading met it.
LOAD_WORDS = {
    "unreachable": N_("Could not load: the database cannot be reached. It is tried again "
                      "when it is back (or press the key again)."),
    "locked": N_("Could not load: the database is busy. Press the key again."),
    "full": N_("Could not load: the database is full (no disk space)."),
    "readonly": N_("Could not load: the database refuses access."),
    "forked": N_("Could not load: the database file was removed or replaced while this "
                 "desk was open. Close the desk and open it again."),
}

_UNREACHABLE = (
    "connection is bad", "connection is closed", "connection already closed",
    "the connection is lost", "server closed the connection", "terminating connection",
    "connection failed", "could not connect", "connection refused", "connection to server",
    "consuming input failed", "no connection to the server", "unable to open database file",
    "disk i/o error", "the database system is shutting down",
    "the database system is starting up", "the database system is in recovery mode",
    "ssl syscall error", "eof detected", "broken pipe", "connection timed out",
    "server conn crashed", "cannot operate on a closed database",
)
_LOCKED = ("database is locked", "database table is locked", "lock timeout",
           "canceling statement due to lock timeout", "could not obtain lock")
_FULL = ("database or disk is full", "no space left on device", "disk full",
         "could not extend file")
_READONLY = ("attempt to write a readonly database", "read-only transaction",
             "readonly database")
#: SQLSTATE classes and codes (PostgreSQL): connection exceptions, admin shutdown...
_PG_UNREACHABLE = ("08", "57P01", "57P02", "57P03")
_PG_LOCKED = ("55P03",)
_PG_FULL = ("53100", "53200", "54000")
_PG_READONLY = ("25006",)


@dataclass(frozen=True)
class Trouble:
    kind: str
    detail: str = ""  # the driver's words, for the log only (never shown to the clerk)


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _by_code(exc: BaseException) -> str | None:
    code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if not isinstance(code, str):
        return None
    if code in _PG_LOCKED:
        return "locked"
    if code in _PG_FULL:
        return "full"
    if code in _PG_READONLY:
        return "readonly"
    if code in _PG_UNREACHABLE or code[:2] in _PG_UNREACHABLE:
        return "unreachable"
    return None


def _by_words(text: str) -> str | None:
    text = text.lower()
    for kind, words in (("full", _FULL), ("locked", _LOCKED), ("readonly", _READONLY),
                        ("unreachable", _UNREACHABLE)):
        if any(word in text for word in words):
            return kind
    return None


def _is_database_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return True
    module = type(exc).__module__ or ""
    return module.startswith(("peewee", "psycopg", "playhouse"))


def trouble_of(exc: BaseException) -> Trouble | None:
    """The database trouble ``exc`` (or an error behind it) is, or None."""
    first_kind = None
    for error in _chain(exc):
        if isinstance(error, HistoryForked):
            return Trouble("forked", str(error))
        if not _is_database_error(error):
            continue
        kind = _by_code(error) or _by_words(str(error))
        if kind == "full":  # a full disk is the cause, whatever failed after it
            return Trouble("full", str(error))
        first_kind = first_kind or (kind and Trouble(kind, str(error)))
    return first_kind


class DatabaseHealth:
    """Whether the database answers, since when not, and who wants to know.

    Thread-safe: ``failed`` and ``ok`` are called from workers. A listener is called
    (from the reporting thread) with the new state only when it changes: the trouble
    (kind, since) or None when the database answers again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.kind: str | None = None
        self.since: dt.datetime | None = None  # the desk's clock: shown as HH:MM
        self.began = 0.0  # time.monotonic() when it began: how long it has lasted
        self._listeners: list[Callable[[DatabaseHealth], object]] = []

    @property
    def lasted(self) -> float:
        """Seconds since the trouble began (0 when there is none)."""
        return time.monotonic() - self.began if self.kind is not None else 0.0

    @property
    def troubled(self) -> bool:
        return self.kind is not None

    def listen(self, listener: Callable[[DatabaseHealth], object]) -> None:
        self._listeners.append(listener)

    def failed(self, trouble: Trouble) -> None:
        with self._lock:
            if self.kind == trouble.kind:
                return
            if self.kind == "forked":  # nothing clears that but a restart
                return
            if self.kind is None:
                self.since, self.began = now_utc(), time.monotonic()
            self.kind = trouble.kind
        self._tell()

    def ok(self, *, wrote: bool = False) -> None:
        """The database answered (``wrote``: and took a write)."""
        with self._lock:
            if self.kind is None or self.kind == "forked":
                return
            if self.kind != "unreachable" and not wrote:
                return
            self.kind, self.since = None, None
        self._tell()

    def _tell(self) -> None:
        for listener in list(self._listeners):
            listener(self)


#: Free space below which a full disk is still full (the probe's measure).
FREE_BYTES = 1 << 20
#: On PostgreSQL a lock or a full disk cannot be probed without writing: a read that
#: succeeds this long after the trouble began clears it (a failed write sets it again).
SETTLE_SECONDS = 5


def probe(kind: str, lasted: float = 0.0) -> bool:
    """Whether the trouble ``kind`` has passed, asked of the database without writing
    anything (in a thread with a connection open). SQLite: the write lock can be taken
    (``BEGIN IMMEDIATE`` then ``ROLLBACK``, waiting at most 50 ms), the file has room
    (below ``max_page_count``, ``FREE_BYTES`` free on its disk), the file is writable.
    PostgreSQL: ``lasted`` (seconds) has reached ``SETTLE_SECONDS``."""
    import os

    from peewee import SqliteDatabase

    from deskterm.db.models import database

    db = database.obj
    if kind == "forked" or db is None:
        return False
    path = getattr(db, "database", "")
    if not isinstance(db, SqliteDatabase):
        return lasted >= SETTLE_SECONDS
    if kind == "locked":
        connection = db.connection()
        old = connection.execute("PRAGMA busy_timeout").fetchone()[0]
        connection.execute("PRAGMA busy_timeout = 50")
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            connection.execute(f"PRAGMA busy_timeout = {int(old)}")
    if kind == "full":
        pages, limit = (db.execute_sql(f"PRAGMA {name}").fetchone()[0]
                        for name in ("page_count", "max_page_count"))
        stats = os.statvfs(os.path.dirname(os.path.abspath(path)) or ".")
        return pages < limit and stats.f_bavail * stats.f_frsize >= FREE_BYTES
    if kind == "readonly":
        return os.access(path, os.W_OK)
    return True
