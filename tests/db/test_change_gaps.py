"""The change watcher and ids that commit out of order (deskterm/db/changes.py).

On PostgreSQL a change-log id comes from a sequence: transaction A can take 10, B take 11
and commit first. The watcher must still report A's topic once A commits, forget an id
whose transaction rolled back after GAP_SECONDS, and on SQLite see no gap at all.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.changes import ChangeWatch
from deskterm.db.models import ChangeLog, database
from tests.desk_app import desk_app, pane_text, panes_loaded, wait_until
from tests.factories import order, small_office


class Desk:
    """Another clerk's connection, writing change-log rows by hand (raw DB-API)."""

    def __init__(self, db) -> None:
        self.postgres = db.deskterm_url.startswith("postgresql://")
        if self.postgres:
            import psycopg

            self.conn = psycopg.connect(db.deskterm_url)  # a transaction opens on first use
        else:
            self.conn = sqlite3.connect(db.deskterm_url, timeout=0, isolation_level=None)

    def take(self, topic: str, office_id: int | None = None) -> int:
        """Open a write transaction and insert one change-log row: its id, uncommitted."""
        if self.postgres:
            return self.conn.execute(
                "INSERT INTO change_log (office_id, at, topic, action, detail) "
                "VALUES (%s, %s, %s, 'test', '') RETURNING id",
                (office_id, now_utc(), topic)).fetchone()[0]
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn.execute(
            "INSERT INTO change_log (office_id, at, topic, action, detail) "
            "VALUES (?, ?, ?, 'test', '') RETURNING id",
            (office_id, str(now_utc()), topic)).fetchone()[0]

    def commit(self) -> None:
        self.conn.commit() if self.postgres else self.conn.execute("COMMIT")

    def rollback(self) -> None:
        self.conn.rollback() if self.postgres else self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def desks():
    """``desks(db)``: another desk's connection to the test's database, closed after."""
    opened = []

    def open_desk(db) -> Desk:
        opened.append(Desk(db))
        return opened[-1]

    yield open_desk
    for desk in opened:
        desk.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- PostgreSQL: the id that commits late ----------------------------------------------------

def test_an_id_committed_after_a_larger_one_is_reported(pg_db, desks):
    a, b = desks(pg_db), desks(pg_db)
    watch = ChangeWatch.since(changes.latest_id())
    late = a.take("complaint")
    early = b.take("repair_order")
    assert early > late
    b.commit()
    assert watch.poll() == {"repair_order"}
    assert watch.last == early
    assert [(lo, hi) for lo, hi, _ in watch.gaps] == [(late, late)]
    assert watch.poll() == set()  # still open: asked again, nothing yet
    a.commit()
    assert watch.poll() == {"complaint"}
    assert watch.gaps == []
    assert watch.poll() == set()  # reported once


def test_a_rolled_back_id_is_forgotten_after_the_bound(pg_db, desks):
    clock = Clock()
    a, b = desks(pg_db), desks(pg_db)
    watch = ChangeWatch.since(changes.latest_id(), clock=clock)
    lost = a.take("complaint")
    b.take("repair_order")
    b.commit()
    assert watch.poll() == {"repair_order"}
    a.rollback()
    clock.now += changes.GAP_SECONDS - 1
    assert watch.poll() == set()
    assert [(lo, hi) for lo, hi, _ in watch.gaps] == [(lost, lost)]
    clock.now += 2
    assert watch.poll() == set()
    assert watch.gaps == []  # from here each poll is "id > last" again, as before
    c = desks(pg_db)
    c.take("callback")
    c.commit()
    assert watch.poll() == {"callback"}
    assert watch.gaps == []


def test_a_watcher_started_while_a_transaction_is_open_reads_it_when_it_commits(pg_db, desks):
    a, b = desks(pg_db), desks(pg_db)
    a.take("complaint")
    b.take("repair_order")
    b.commit()
    watch = ChangeWatch.since(changes.latest_id())  # the panes loaded without A's row
    assert watch.poll() == set()
    a.commit()
    assert watch.poll() == {"complaint"}
    assert watch.gaps == []


def test_another_offices_late_row_fills_its_gap_without_a_reload(pg_db, desks):
    so = small_office()
    other = small_office("另一个管理处")
    a, b = desks(pg_db), desks(pg_db)
    watch = ChangeWatch.since(changes.latest_id(), so.office.id)
    a.take("complaint", other.office.id)
    b.take("repair_order", so.office.id)
    b.commit()
    assert watch.poll() == {"repair_order"}
    a.commit()
    assert watch.poll() == set()
    assert watch.gaps == []


# --- SQLite: writers are serialised, ids are given in commit order ---------------------------

def test_on_sqlite_a_second_writer_waits_so_no_gap_can_open(sqlite_db, desks):
    a, b = desks(sqlite_db), desks(sqlite_db)
    watch = ChangeWatch.since(changes.latest_id())
    first = a.take("complaint")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        b.take("repair_order")  # the write lock is A's until it commits
    assert watch.poll() == set()
    a.rollback()
    again = b.take("repair_order")
    assert again == first  # a rolled-back rowid is given again: never a hole
    b.commit()
    assert watch.poll() == {"repair_order"}
    a.take("complaint")
    a.commit()
    assert watch.poll() == {"complaint"}
    assert watch.gaps == []


def test_both_databases_report_a_plain_change_once(desk_db):
    so = small_office()
    watch = ChangeWatch.since(changes.latest_id(), so.office.id)
    assert watch.gaps == []
    order(so)
    assert watch.poll() == {"repair_order"}
    assert watch.poll() == set()
    assert watch.gaps == []


# --- the gap ranges (simulated: rows inserted with explicit ids) -----------------------------

def _commit_id(change_id: int, topic: str | None = None) -> None:
    ChangeLog.insert(id=change_id, at=now_utc(), topic=topic or f"t{change_id}",
                     action="test").execute()


def test_a_large_open_range_is_one_gap_and_splits_as_ids_arrive(sqlite_db):
    base = changes.latest_id()
    watch = ChangeWatch.since(base)
    _commit_id(base + 1000)
    assert watch.poll() == {f"t{base + 1000}"}
    assert [(lo, hi) for lo, hi, _ in watch.gaps] == [(base + 1, base + 999)]
    _commit_id(base + 500)
    _commit_id(base + 1)
    assert watch.poll() == {f"t{base + 500}", f"t{base + 1}"}
    assert [(lo, hi) for lo, hi, _ in watch.gaps] == [(base + 2, base + 499),
                                                      (base + 501, base + 999)]


def test_at_most_max_gaps_ranges_are_kept_oldest_dropped(sqlite_db):
    base = changes.latest_id()
    watch = ChangeWatch.since(base)
    for i in range(changes.MAX_GAPS + 5):
        _commit_id(base + 2 * (i + 1))  # every odd id left open
        watch.poll()
    assert len(watch.gaps) == changes.MAX_GAPS
    assert watch.gaps[0][0] == base + 2 * 5 + 1  # the five oldest went first
    assert watch.gaps[-1][0] == watch.last - 1


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_committed_id_is_reported_exactly_once(sqlite_db, data):
    """Transactions that all took their ids, then end in any order (commit or roll back),
    a watcher started at any point, polls anywhere: each row committed after the start is
    reported once, nothing else is, and the gaps left are gone after the bound."""
    count = data.draw(st.integers(1, 10))
    ends = data.draw(st.permutations(range(1, count + 1)))
    commits = data.draw(st.lists(st.booleans(), min_size=count, max_size=count))
    polls = data.draw(st.lists(st.booleans(), min_size=count, max_size=count))
    start_at = data.draw(st.integers(0, count))
    base = changes.latest_id() + 10
    _commit_id(base, "start")
    clock = Clock()
    watch = None
    reported: list[str] = []
    expected = []
    for step, k in enumerate(ends + [None]):
        if step == start_at:
            watch = ChangeWatch.since(changes.latest_id(), clock=clock)
        if k is not None and commits[k - 1]:
            _commit_id(base + k)
            if watch is not None:
                expected.append(f"t{base + k}")
        if watch is not None and (k is None or polls[step]):
            reported += sorted(watch.poll())
    assert sorted(reported) == sorted(expected)
    clock.now += changes.GAP_SECONDS + 1
    assert watch.poll() == set()
    assert watch.gaps == []


# --- the app's watcher on PostgreSQL ---------------------------------------------------------

async def test_the_desk_shows_an_order_that_committed_after_a_newer_one(pg_db):
    so = small_office()
    app = desk_app(so)
    taken, go, done = threading.Event(), threading.Event(), threading.Event()

    def other_desk() -> None:  # holds its transaction open until told
        with database.connection_context():
            with changes.write():
                order(so, state="registered", text="晚提交的报修", number="WX-LATE-0001")
                taken.set()
                go.wait(30)
        done.set()

    async with app.run_test(size=(80, 24)) as pilot:
        await panes_loaded(pilot)
        assert "0 open" in pane_text(app, "orders")
        threading.Thread(target=other_desk, daemon=True).start()
        try:
            assert taken.wait(30)
            order(so, state="registered", text="先提交的报修", number="WX-EARLY-0001")
            await wait_until(pilot, lambda: "1 open" in pane_text(app, "orders"))
            assert "先提交" in pane_text(app, "orders")
        finally:
            go.set()  # never leave the other desk's transaction open
        assert done.wait(30)
        await wait_until(pilot, lambda: "2 open" in pane_text(app, "orders"))
        assert "晚提交" in pane_text(app, "orders")
