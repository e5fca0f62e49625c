"""Which errors are database trouble, and the desk's one record of it."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from deskterm.db.trouble import DatabaseHealth, Trouble, probe, trouble_of
from deskterm.errors import DutyError, HistoryForked


def _raised(make):
    try:
        make()
    except BaseException as exc:  # noqa: BLE001
        return exc
    raise AssertionError("nothing raised")


def _rollback_after(first: Exception):
    def make():
        try:
            raise first
        except Exception:
            raise sqlite3.OperationalError(  # noqa: B904 - as peewee raises it, implicitly chained
                "cannot rollback - no transaction is active")
    return make


@pytest.mark.parametrize("error, kind", [
    (sqlite3.OperationalError("database is locked"), "locked"),
    (peewee.OperationalError("database is locked"), "locked"),
    (sqlite3.OperationalError("database or disk is full"), "full"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "readonly"),
    (sqlite3.OperationalError("unable to open database file"), "unreachable"),
    (peewee.OperationalError("connection is bad: connection to server failed"), "unreachable"),
    (peewee.InterfaceError("connection already closed"), "unreachable"),
    (peewee.OperationalError("terminating connection due to administrator command"),
     "unreachable"),
    (peewee.OperationalError("canceling statement due to lock timeout"), "locked"),
    (HistoryForked("replaced"), "forked"),
])
def test_driver_errors_are_troubles(error, kind):
    assert trouble_of(error) == Trouble(kind, str(error))


def test_a_full_disk_behind_a_failed_rollback_is_still_full():
    exc = _raised(_rollback_after(sqlite3.OperationalError("database or disk is full")))
    assert trouble_of(exc).kind == "full"


@pytest.mark.parametrize("error", [
    DutyError("Enter the caller's name.", "name"), ValueError("database is locked"),
    peewee.IntegrityError("UNIQUE constraint failed"), KeyError("x"),
])
def test_other_errors_are_not_trouble(error):
    assert trouble_of(error) is None


def test_health_tells_its_listeners_once_per_change(frozen_clock):
    frozen_clock("2026-11-26T02:42:00")
    health, heard = DatabaseHealth(), []
    health.listen(lambda h: heard.append(h.kind))
    health.failed(Trouble("unreachable"))
    health.failed(Trouble("unreachable"))
    assert heard == ["unreachable"] and health.since.hour == 2
    health.ok()
    assert heard == ["unreachable", None] and not health.troubled


def test_a_read_does_not_clear_a_lock_a_write_does():
    health = DatabaseHealth()
    health.failed(Trouble("locked"))
    health.ok()
    assert health.kind == "locked"
    health.ok(wrote=True)
    assert health.kind is None


def test_a_forked_file_is_never_cleared():
    health = DatabaseHealth()
    health.failed(Trouble("forked"))
    health.ok(wrote=True)
    health.failed(Trouble("unreachable"))
    assert health.kind == "forked"


def test_the_probe_sees_a_sqlite_lock_come_and_go(sqlite_db):
    other = sqlite3.connect(sqlite_db.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    assert probe("locked") is False
    other.execute("ROLLBACK")
    other.close()
    assert probe("locked") is True
    assert probe("full") is True  # room in the file and on the disk
    assert probe("forked") is False
