"""One history per SQLite file (deskterm/db/history.py): a desk whose database file, -wal or
-shm was removed or replaced under it refuses to write (HistoryForked) and, when it exits,
leaves the other desk's work in the file; a desk nobody tampered with is never refused.

The other desk runs in another process: within one process SQLite shares a file's locks
and its -shm mapping between connections, which is not what two clerks' desks do.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from deskterm.db import changes, schema
from deskterm.db.connection import close_database, open_database
from deskterm.db.models import ChangeLog, Payment, Receipt, database
from deskterm.db.trouble import Trouble, trouble_of
from deskterm.errors import HistoryForked

OTHER_DESK = textwrap.dedent(
    """
    import sys
    from deskterm.db import changes
    from deskterm.db.connection import close_database, open_database
    from deskterm.errors import HistoryForked

    open_database(sys.argv[1])
    for line in sys.stdin:
        command, _, topic = line.strip().partition(" ")
        if command == "write":
            try:
                with changes.write():
                    changes.record(topic, None, "test")
                print("written", flush=True)
            except HistoryForked as exc:
                print("forked", exc.message, flush=True)
        elif command == "exit":
            close_database()  # what the command line does on its way out
            sys.exit(0)
    """
)


class OtherDesk:
    """A desk in another process, told what to do one line at a time."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", OTHER_DESK, str(path)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def say(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer, self.proc.stderr.read()
        return answer

    def exit(self) -> int:
        self.proc.stdin.write("exit\n")
        self.proc.stdin.close()
        return self.proc.wait(timeout=30)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def other_desks():
    opened: list[OtherDesk] = []

    def open_other(path: Path) -> OtherDesk:
        opened.append(OtherDesk(path))
        return opened[-1]

    yield open_other
    for desk in opened:
        desk.kill()


def write(topic: str) -> None:
    with changes.write():
        changes.record(topic, None, "test")


def topics() -> list[str]:
    return [row.topic for row in ChangeLog.select().order_by(ChangeLog.id)]


def path_of(db) -> Path:
    return Path(db.database)


def settle() -> None:
    """Copy the WAL into the main file, as SQLite's autocheckpoint has long done in a
    database in use: what a new desk finds when it starts without the -wal."""
    database.execute_sql("PRAGMA wal_checkpoint(FULL)")


# --- a desk whose files changed under it ---------------------------------------------------

def test_a_removed_wal_refuses_the_next_write_and_writes_nothing(sqlite_db):
    write("before")
    path = path_of(sqlite_db)
    os.remove(f"{path}-wal")
    with pytest.raises(HistoryForked) as caught:
        write("after")
    assert f"{path}-wal" in caught.value.message
    assert "Close the desk, open it again, and tell the administrator" in caught.value.message
    assert "after" not in topics()
    with pytest.raises(HistoryForked):  # and every write after it: nothing clears it
        write("later")
    assert trouble_of(caught.value) == Trouble("forked", caught.value.message)


def test_a_wal_removed_during_a_write_refuses_its_commit(sqlite_db):
    write("before")
    with pytest.raises(HistoryForked):
        with changes.write():
            changes.record("during", None, "test")
            os.remove(f"{path_of(sqlite_db)}-wal")
    assert topics()[-1] == "before"  # rolled back


def test_a_wal_replaced_by_another_desk_refuses_the_next_write(sqlite_db, other_desks):
    settle()
    write("before")
    path = path_of(sqlite_db)
    os.remove(f"{path}-wal")
    os.remove(f"{path}-shm")
    other = other_desks(path)  # starts a new history: a new -wal and -shm
    assert other.say("write theirs") == "written"
    with pytest.raises(HistoryForked):
        write("mine")


def test_a_removed_shm_refuses_the_next_write(sqlite_db):
    write("before")
    os.remove(f"{path_of(sqlite_db)}-shm")
    with pytest.raises(HistoryForked):
        write("after")


def test_a_database_file_replaced_refuses_the_next_write(sqlite_db, tmp_path):
    write("before")
    path = path_of(sqlite_db)
    other = tmp_path / "restored.db"
    with sqlite3.connect(other) as copy:  # a copy of the database, as a restore would bring
        sqlite3.connect(path).backup(copy)
    copy.close()
    os.replace(other, path)  # mv restored.db desk.db
    replaced = path.read_bytes()
    with pytest.raises(HistoryForked) as caught:
        write("after")
    assert str(path) in caught.value.message
    assert path.read_bytes() == replaced  # not a byte of it changed


def test_a_forked_desk_that_exits_leaves_the_new_desks_payment(tmp_path, other_desks,
                                                                   frozen_clock):
    """The story of issue 11: the first desk's -wal and -shm are removed, a second desk
    takes a payment; the first desk must refuse to write and, exiting, must not checkpoint
    its stale WAL over the second desk's payment (nor delete the second desk's WAL)."""
    from deskterm.duties.cashdesk.payments import take_payment
    from tests.factories import MORNING, small_office
    from tests.payment_factories import cash_office

    frozen_clock(MORNING)
    path = tmp_path / "desk.db"
    db = open_database(str(path))
    schema.migrate(db)
    so = small_office()
    dues = cash_office(so, 26868)
    close_database()

    first = other_desks(path)
    assert first.say("write first-desk") == "written"  # its -wal is open, with frames
    os.remove(f"{path}-wal")
    os.remove(f"{path}-shm")

    open_database(str(path))  # the second desk: a new -wal and -shm
    result = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                          lines=[(d.id, d.amount) for d in dues], method="cash",
                          tendered=30000, payer_name="张三")
    close_database()  # the first desk still holds the file: no checkpoint, its -wal stays

    answer = first.say("write after-the-fork")
    assert answer.startswith("forked ") and "-wal" in answer
    assert first.exit() == 0

    open_database(str(path))
    try:
        payment = Payment.get_by_id(result.payment_id)
        assert payment.amount == 26868
        assert Receipt.select().where(Receipt.payment == payment).count() == 1
        assert "after-the-fork" not in topics()
    finally:
        close_database()


# --- a desk nobody tampered with ---------------------------------------------------------

def test_a_desk_that_closed_its_last_connection_writes_again(sqlite_db, other_desks):
    path = path_of(sqlite_db)
    write("one")
    close_database()
    assert not os.path.exists(f"{path}-wal")  # the last close removed it, rightly
    write("two")  # reconnects: a new -wal, recorded
    close_database()
    other = other_desks(path)  # another desk makes the next -wal while this one has none
    assert other.say("write theirs") == "written"
    write("three")
    assert other.say("write theirs-again") == "written"
    assert other.exit() == 0  # not the last: this desk's connection keeps the -wal
    write("four")
    assert topics() == ["one", "two", "theirs", "three", "theirs-again", "four"]


def test_pool_reconnects_in_threads_are_never_refused(sqlite_db):
    # Every connection closes on check-in (stale at once): the last close removes the -wal
    # and the next connection makes a new one, over and over, from several threads.
    sqlite_db._stale_timeout = 1e-9
    failures: list[BaseException] = []

    def clerk(name: str) -> None:
        for number in range(15):
            try:
                with database.connection_context():
                    write(f"{name}-{number}")
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

    threads = [threading.Thread(target=clerk, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(topics()) == 60
    assert sqlite_db.history.forked is None


def test_a_new_database_takes_the_wal_its_first_write_makes(tmp_path):
    path = tmp_path / "new.db"
    db = open_database(str(path))
    try:
        schema.migrate(db)  # the first writes: the -wal grows from nothing
        write("first")
        assert db.history.forked is None and topics() == ["first"]
    finally:
        close_database()


def test_a_forked_desk_keeps_its_connections_open_when_closed(sqlite_db):
    write("before")
    os.remove(f"{path_of(sqlite_db)}-wal")
    with pytest.raises(HistoryForked):
        write("after")
    from deskterm.db.history import kept_connections

    kept = [conn for conn in kept_connections() if conn in sqlite_db.history._open.values()]
    assert kept
    close_database()  # what the command line does on its way out
    for conn in kept:
        assert conn.total_changes >= 0  # still open: a closed one raises ProgrammingError
        with pytest.raises(sqlite3.OperationalError, match="readonly"):  # around write()
            conn.execute("INSERT INTO change_log (at, topic, action, detail) "
                         "VALUES ('2026-01-01', 'raw', 'test', '')")
    with pytest.raises(HistoryForked):  # and it makes no new connection
        database.connect()


def test_a_moved_folder_is_a_replaced_file(sqlite_db, tmp_path):
    write("before")
    path = path_of(sqlite_db)
    moved = tmp_path / "moved"
    moved.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.move(f"{path}{suffix}", moved / f"{path.name}{suffix}")
    with pytest.raises(HistoryForked):
        write("after")
