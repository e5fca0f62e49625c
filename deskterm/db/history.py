"""One history per SQLite file: a desk refuses to write once its file, its -wal or its
-shm was removed or replaced under it.

What goes wrong without this (measured): with a desk open, removing ``desk.db-wal`` and
``desk.db-shm`` lets a new desk start from the main file alone, without the first desk's
last payments, and issue a receipt number already used; the first desk goes on writing
into its deleted WAL, and when it closes, SQLite checkpoints that WAL into the main file,
over the new desk's pages, and deletes the new desk's WAL by its name: money taken, a
receipt handed over, no record. Removing only the -shm lets both desks append to one WAL
with two indexes of it (the second desk's payment vanished without any close); removing
only the -wal gives the next desk "disk I/O error".

How a desk notices. ``HistoryWatch`` remembers the database file's identity (st_dev,
st_ino) when the desk first opens it, and the -wal's and -shm's when the desk's first
connection opens them. While one of the desk's connections is open, SQLite never deletes
or recreates those two (a connection holds a shared lock on the database file, and only
the last connection of all processes, taking an exclusive one, checkpoints and deletes
them), so a -wal or -shm with another identity, or none, means someone removed or
replaced it. When the desk's last connection closes, SQLite deletes them rightly, and the
next connection records the new ones. ``check()`` compares the three before a write
transaction begins and again before it commits: three ``stat`` calls, about 2.5 µs
(scanning ``/proc/self/fd`` for " (deleted)" links cost 15 µs with 9 descriptors open and
grows with every one, and is Linux-only); a write with ``synchronous=FULL`` costs
milliseconds.

What a desk does then. It raises ``HistoryForked`` for every write from then on (the
transaction is rolled back: nothing is written), marks its connections ``query_only``,
and keeps every connection it has open until the process ends, never closing them: the
close of the last connection is what would checkpoint the stale WAL over the other
desk's file and delete the other desk's WAL. Closing the pool (``close_database``, the
command line's exit) skips them, and each is given an extra reference, so not even the
interpreter's shutdown frees (and so closes) it; on Python 3.12+ it is also told not to
checkpoint on close (``SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE``). The operating system then
releases its locks when the process exits, and the next desk opens the other desk's
history as it is.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

from deskterm.errors import HistoryForked
from deskterm.i18n import _
from deskterm.private_files import create_private

log = logging.getLogger("deskterm")

Identity = tuple[int, int]

#: Names SQLite opens without a file (an in-memory database): nothing to watch.
NOT_FILES = ("", ":memory:")

#: Connections of a forked desk, kept open (and referenced) until the process ends.
_KEPT: dict[int, sqlite3.Connection] = {}


def identity(path: str) -> Identity | None:
    """(st_dev, st_ino) of ``path``, or None when there is no such file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def is_closed(conn: sqlite3.Connection) -> bool:
    try:
        conn.total_changes  # noqa: B018 - raises ProgrammingError once closed
    except sqlite3.ProgrammingError:
        return True
    return False


def keep_open(conn: sqlite3.Connection) -> None:
    """Never close ``conn``, not even at the interpreter's exit (see the module's text)."""
    if id(conn) in _KEPT:
        return
    _KEPT[id(conn)] = conn
    no_checkpoint = getattr(sqlite3, "SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE", None)
    if no_checkpoint is not None and hasattr(conn, "setconfig"):
        try:
            conn.setconfig(no_checkpoint, True)
        except sqlite3.Error:
            pass
    try:
        import ctypes

        ctypes.pythonapi.Py_IncRef(ctypes.py_object(conn))
    except (ImportError, AttributeError):  # not CPython: _KEPT holds it until the end
        pass


def kept_connections() -> list[sqlite3.Connection]:
    return list(_KEPT.values())


class HistoryWatch:
    """The identities of one desk's SQLite file and its -wal and -shm, and its open
    connections. ``lock`` is the pool's (re-entrant) lock: opening and closing
    connections already hold it."""

    def __init__(self, path: str, lock: threading.RLock) -> None:
        self.path = path
        self.lock = lock
        self.db_id: Identity | None = None
        self.wal_id: Identity | None = None
        self.shm_id: Identity | None = None
        self._real = path
        self._open: dict[int, sqlite3.Connection] = {}
        self._read_only: set[int] = set()
        self.forked: HistoryForked | None = None

    # --- opening and closing raw connections (called by the database under ``lock``) ----

    def before_open(self) -> None:
        """Before a new connection is made. The desk's first: create the database file,
        private, before SQLite first opens it (SQLite gives -wal and -shm its mode), and
        remember it. Later ones: the file must still be the one remembered. A forked desk
        opens no new connection (``HistoryForked``): in this process a new one shares the
        stale connections' -shm mapping, and one on a replaced file would read this
        desk's stale -wal as its own."""
        if self.path in NOT_FILES:
            return
        for key, conn in list(self._open.items()):
            if is_closed(conn):  # closed behind the pool's back: it holds nothing open
                del self._open[key]
        if self.forked is None and not self._open:
            self.wal_id = self.shm_id = None
        if self.forked is None and self.db_id is None:
            try:
                os.close(create_private(self.path))
            except FileExistsError:
                pass
            except OSError as exc:
                raise sqlite3.OperationalError(
                    f"unable to open database file: {exc.strerror or exc}") from exc
            self._real = os.path.realpath(self.path)
            self.db_id = identity(self.path)
        elif self.forked is None and identity(self.path) != self.db_id:
            self._fork(self.path)
        if self.forked is not None:
            raise self.forked

    def opened(self, conn: sqlite3.Connection) -> None:
        """After SQLite opened ``conn`` (and ran the pragmas, which open the -wal and -shm
        of a database that has been written to)."""
        if self.path in NOT_FILES:
            return
        self._open[id(conn)] = conn
        self._see_files(first=len(self._open) == 1)
        if self.forked is not None:
            self.read_only(conn)
            raise self.forked

    def may_close(self, conn: sqlite3.Connection) -> bool:
        """Whether ``conn`` may really be closed: never once the desk forked."""
        if self.forked is not None:
            keep_open(conn)
            return False
        self._open.pop(id(conn), None)
        if not self._open:  # the last: SQLite deletes -wal and -shm, the next makes new ones
            self.wal_id = self.shm_id = None
        return True

    def read_only(self, conn: sqlite3.Connection) -> None:
        """Once forked: ``conn`` refuses every write, even one made around ``write()``
        (an autocommit statement, which could also checkpoint the stale WAL)."""
        keep_open(conn)
        if id(conn) not in self._read_only:
            self._read_only.add(id(conn))
            try:
                conn.execute("PRAGMA query_only = 1")
            except sqlite3.Error:
                pass

    # --- before writing ------------------------------------------------------------------

    def check(self) -> None:
        """Raise ``HistoryForked`` when the file, its -wal or its -shm is not the one this
        desk's connections have open."""
        if self.forked is not None:
            raise self.forked
        if self.path in NOT_FILES:
            return
        if identity(self.path) != self.db_id:
            self._fork(self.path)
        self._see_files(first=False)
        if self.forked is not None:
            raise self.forked

    def _see_files(self, *, first: bool) -> None:
        """Compare (or, when not known yet, record) the -wal's and -shm's identities. A
        file not known yet is taken as it is: the desk's connections did not have it open
        (``first``: the desk's first open connection; or a new database, whose -wal and
        -shm appear with its first write)."""
        for attr, suffix in (("wal_id", "-wal"), ("shm_id", "-shm")):
            now = identity(self._real + suffix)
            known = getattr(self, attr)
            if known is None or first:
                setattr(self, attr, now)
            elif now != known:
                self._fork(self.path + suffix)
                return

    def _fork(self, which: str) -> None:
        with self.lock:
            if self.forked is not None:
                return
            self.forked = HistoryForked(
                _("The file {path} was removed or replaced while this desk had it open: "
                  "another desk may be writing a second history beside this one's, so this "
                  "desk saves nothing more. Close the desk, open it again, and tell the "
                  "administrator.").format(path=which))
            log.warning("history forked: %s changed under this desk", which)
            for conn in list(self._open.values()):
                keep_open(conn)
