"""Writing facts, and the change log that records each of them.

``write()`` is the one way to open a write transaction (IMMEDIATE on SQLite). Every duty
that writes calls ``record()`` inside it, so the audit row commits with the change or not
at all. Live panes follow the log through a ``ChangeWatch``: each poll asks ``MAX(id)``
(a probe at the end of the primary key) and, only when it moved, reads the rows between
the newest id seen and it; the watcher reloads only the panes showing their topics.

Ids that commit out of order. A change-log id is given when the row is inserted, which
is before its transaction commits. On PostgreSQL the id comes from a sequence, and two
transactions can take 10 and 11 and commit 11 first: a poll then sees 11 but not 10, and
a watcher that only asked for ids above the newest one it saw would never read 10. So a
poll also remembers the ids it did not see below the newest one (the *gaps*) and the
next polls ask for them too (``id BETWEEN lo AND hi OR ...``: primary-key range probes
that find nothing while the gap is still open). Only bounded ranges are asked for:
PostgreSQL answers them from the index even before it has statistics on the table,
where an open ``id > n`` was a sequential scan. A sequence value is never reused, so a
rolled-back transaction (or values lost to a crash) leaves a gap that never fills: each
gap is forgotten ``GAP_SECONDS`` after it was first seen, and costs nothing after. A
duty takes its change-log id near the end of its transaction, which commits milliseconds
later; one still open after ``GAP_SECONDS`` is only refreshed by the next change to its
topic (as every change was before). Gaps are kept as ranges, at most ``MAX_GAPS`` of
them (the oldest go first), so a large open import costs one range, not one per id.

On SQLite none of this happens: only one transaction writes at a time (it holds the
write lock from its first write, or from BEGIN IMMEDIATE, to its commit), the rowid is
chosen under that lock as max(rowid) + 1, and readers see committed snapshots; so the ids
a reader sees are always every id up to the newest, and a poll never finds a gap. (A
rolled-back insert's id is reused by the next writer; no reader ever saw it.)

A watcher started at id N cannot know which ids just below N were still open when it
started: ``ChangeWatch.since()`` therefore looks back ``LOOK_BACK`` ids and treats the
missing ones as gaps as well.

Idle on SQLite, a poll asks less still: ``PRAGMA data_version`` on the watcher's own
connection changes whenever another connection (another desk, or this desk's workers)
has committed, and ``total_changes`` when this connection wrote; while neither moved and
no gap is open, nothing can have been logged, and the ``MAX(id)`` probe (a peewee query,
~100 µs of Python) is spared: the watcher's 2.5 looks a second cost about half the CPU
(issue #15, idle). A read that fails still fails there (the database's trouble is seen
as before).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any

from peewee import fn

from deskterm.clock import now_utc
from deskterm.db.models import ChangeLog, database


def write():
    """A write transaction: ``with write(): ...`` (IMMEDIATE on SQLite)."""
    return database.atomic()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def record(
    topic: str,
    row_id: int | None,
    action: str,
    *,
    office: Any = None,
    staff: Any = None,
    before: dict | None = None,
    after: dict | None = None,
) -> ChangeLog:
    """Append one change-log row; call inside the same ``write()`` as the change."""
    detail = {}
    if before is not None:
        detail["before"] = _jsonable(before)
    if after is not None:
        detail["after"] = _jsonable(after)
    return ChangeLog.create(
        office=office,
        staff=staff,
        at=now_utc(),
        topic=topic,
        row_id=row_id,
        action=action,
        detail=json.dumps(detail, ensure_ascii=False) if detail else "",
    )


def latest_id() -> int:
    """The newest change-log id (0 on an empty log)."""
    return ChangeLog.select(fn.MAX(ChangeLog.id)).scalar() or 0


#: Seconds a gap (an id not seen below the newest seen) is asked for before it is forgotten.
GAP_SECONDS = 60.0
#: The most gap ranges kept; more (never seen at a desk) drop the oldest.
MAX_GAPS = 64
#: Ids below the starting id that a new watcher checks for gaps.
LOOK_BACK = 64


class ChangeWatch:
    """What a watcher has read of the change log: the newest id seen and the gaps below it.

    ``poll()`` returns the topics of the rows committed since the last poll (for one
    office, or any office when ``office_id`` is None), including rows whose ids are below
    the newest seen because they committed late. Not thread-safe: one watcher thread.
    """

    def __init__(self, last: int, office_id: int | None = None, *,
                 forget_after: float = GAP_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.last = last
        self.office_id = office_id
        self.forget_after = forget_after
        self._clock = clock
        #: (lo, hi, forget_at): ids lo..hi not seen yet, oldest first, disjoint.
        self.gaps: list[tuple[int, int, float]] = []
        #: SQLite: the connection last polled, and its (data_version, total_changes).
        self._connection: sqlite3.Connection | None = None
        self._mark: tuple[int, int] | None = None

    @classmethod
    def since(cls, last: int, office_id: int | None = None, *, look_back: int = LOOK_BACK,
              **kwargs) -> ChangeWatch:
        """A watcher that starts after id ``last``; ids missing among the ``look_back``
        below it may belong to transactions still open, so they are gaps from the start."""
        watch = cls(last, office_id, **kwargs)
        low = max(last - look_back, 0)
        if last > low:
            seen = [row[0] for row in ChangeLog.select(ChangeLog.id)
                    .where((ChangeLog.id > low) & (ChangeLog.id <= last)).tuples()]
            watch.gaps = _missing(low, last + 1, seen, watch._clock() + watch.forget_after)
        return watch

    def poll(self) -> set[str]:
        """The topics committed since the last poll. Idle, it is one ``MAX(id)`` (a probe
        at the end of the primary key); else one query over bounded id ranges only (no
        open ``id > n``, which a planner without statistics may answer with a scan)."""
        now = self._clock()
        gaps = [gap for gap in self.gaps if gap[2] > now]
        if self._unmoved() and not gaps:
            self.gaps = gaps
            return set()
        latest = latest_id()
        if latest <= self.last and not gaps:
            self.gaps = gaps
            return set()
        ranges = [(lo, hi) for lo, hi, _forget_at in gaps]
        if latest > self.last:
            ranges.append((self.last + 1, latest))
        where = None
        for lo, hi in ranges:
            term = (ChangeLog.id == lo) if lo == hi else ChangeLog.id.between(lo, hi)
            where = term if where is None else where | term
        rows = ChangeLog.select(ChangeLog.id, ChangeLog.topic, ChangeLog.office).where(
            where).tuples()
        topics: set[str] = set()
        new_ids: list[int] = []
        filled: list[int] = []
        for change_id, topic, office in rows:
            if change_id > self.last:
                new_ids.append(change_id)
            else:
                filled.append(change_id)
            if self.office_id is None or office in (None, self.office_id):
                topics.add(topic)
        if filled:
            gaps = _fill(gaps, sorted(filled))
        if new_ids:
            newest = max(new_ids)
            gaps += _missing(self.last, newest, new_ids, now + self.forget_after)
            self.last = newest
        self.gaps = gaps[-MAX_GAPS:]
        return topics


    def _unmoved(self) -> bool:
        """SQLite: nothing committed since the last poll, on this connection or any other
        (False on PostgreSQL, and on a connection not polled before)."""
        connection = database.connection()
        if not isinstance(connection, sqlite3.Connection):
            return False
        mark = (connection.execute("PRAGMA data_version").fetchone()[0],
                connection.total_changes)
        unmoved = connection is self._connection and mark == self._mark
        self._connection, self._mark = connection, mark
        return unmoved


def _missing(after: int, before: int, seen: list[int], forget_at: float
             ) -> list[tuple[int, int, float]]:
    """The ranges of ids strictly between ``after`` and ``before`` not in ``seen``."""
    out = []
    low = after + 1
    for change_id in sorted(seen):
        if change_id >= before:
            break
        if change_id > low:
            out.append((low, change_id - 1, forget_at))
        low = max(low, change_id + 1)
    if before > low:
        out.append((low, before - 1, forget_at))
    return out


def _fill(gaps: list[tuple[int, int, float]], found: list[int]) -> list[tuple[int, int, float]]:
    """``gaps`` without the ids now ``found`` (sorted): a range may split in two."""
    out = []
    for lo, hi, forget_at in gaps:
        inside = [i for i in found if lo <= i <= hi]
        out += _missing(lo - 1, hi + 1, inside, forget_at)
    return out


def history(topic: str, row_id: int) -> Iterable[ChangeLog]:
    """The audit trail of one row, oldest first."""
    return (
        ChangeLog.select()
        .where((ChangeLog.topic == topic) & (ChangeLog.row_id == row_id))
        .order_by(ChangeLog.id)
    )
