"""What the dashboard's panes and status line read, without Textual: each pane's ``fetch``
calls one of these, and ``FirstLoad`` reads them all once at start-up.

``FirstLoad`` starts before Textual is imported (``deskterm.cli``) and reads every pane's
first data in a thread of its own while the main thread imports Textual and mounts the
dashboard; the dashboard then shows the data in its very first frame instead of laying out
and drawing empty panes first and the data one frame later (the start-up benchmark,
docs/PERFORMANCE.md). Only the SQL's own time runs truly alongside (Python holds one
lock), but the first frame no longer waits for a worker started after mount.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from deskterm.clock import now_utc

LIMIT = 50  # rows a pane holds at most; the summary line carries the full counts


def timeline(session) -> Any:
    from deskterm.duties.agenda.timeline_window import timeline_window

    # The items near now and the whole day's counts: a few milliseconds however many
    # orders the office has.
    return timeline_window(session.office, now=now_utc(), staff=session.staff)


def open_orders(session) -> Any:
    from deskterm.duties import panes as queries

    return queries.open_orders(session.office, limit=LIMIT)


def callbacks(session) -> Any:
    from deskterm.clock import today_local
    from deskterm.duties import panes as queries
    from deskterm.duties.schedule import end_of_day_utc

    office = session.office
    shift_end = end_of_day_utc(office, today_local(office.timezone))
    return queries.due_callbacks(office, shift_end=shift_end, limit=LIMIT)


def cash(session) -> Any:
    from deskterm.duties import panes as queries

    return queries.cash_state(session.office)


def deadlines(session) -> tuple:
    """The next deadline, and the calendar's weekly and monthly ones due soon."""
    from deskterm.duties.agenda.deadlines import due_soon, next_deadline

    now = now_utc()
    return (next_deadline(session.office, now), due_soon(session.office, now))


#: The dashboard's panes by widget id, in the order it composes them.
FETCHERS = {"timeline": timeline, "orders": open_orders, "callbacks": callbacks, "cash": cash}


class Background:
    """``work()`` run now in a thread of its own, inside ``database.connection_context()``
    (the thread's own connection); ``wait()`` for it, then read ``result`` or ``error``."""

    def __init__(self, work: Callable[[], Any], name: str) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._work = work
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from deskterm.db.models import database

        try:
            with database.connection_context():
                self.result = self._work()
        except BaseException as exc:  # noqa: BLE001 - whoever waits decides
            self.error = exc
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


class FirstLoad(Background):
    """Every pane's first data (``data``, by pane id) and the next deadline."""

    def __init__(self, session) -> None:
        self.session = session
        self.data: dict[str, Any] = {}
        self.deadline: tuple | None = None
        self.start_id: int | None = None  # the change log's newest id before the reads
        super().__init__(self._read, "first load")

    #: The demo's sign-in (``deskterm.cli``), when there is one: the first frame waits for
    #: it too, so that it names the clerk.
    also: Background | None = None

    def done(self) -> bool:
        return super().done() and (self.also is None or self.also.done())

    def wait(self, timeout: float | None = None) -> bool:
        """Both the reads and ``also`` ended (True: the reads did), within ``timeout``
        seconds in all."""
        end = None if timeout is None else time.monotonic() + timeout
        read = super().wait(timeout)
        if self.also is not None:
            self.also.wait(None if end is None else max(0.0, end - time.monotonic()))
        return read

    def _read(self) -> None:
        from deskterm.db import changes

        # Taken before the data: the change watcher starts from here, so a change that
        # commits between these reads and the app's mount is still read (a pane reloads at
        # worst once more than needed).
        self.start_id = changes.latest_id()
        for pane_id, fetch in FETCHERS.items():
            self.data[pane_id] = fetch(self.session)
        self.deadline = deadlines(self.session)
