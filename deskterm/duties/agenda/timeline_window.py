"""Today's timeline near now, for the dashboard's "Today" pane (SPEC "The dashboard",
pane 1), with the exact counts of the whole day.

``day_timeline()`` builds every item of the day: at a million repair orders that is a few
thousand appointments and callbacks a day, over 30 ms at each refresh, for a pane that
shows a dozen lines. ``timeline_window()`` builds what the pane shows:

- the fixed day's items and the day's deadlines, always (they are few);
- of the dated work (appointments, callbacks of orders and of complaints, tasks), the
  ``around`` items before now and the ``around`` items after it, all kinds together, in
  the timeline's order; "before" is ``at <= now``, where ``now_index`` puts the marker;
- ``total``, ``done`` and ``missed`` of the whole day, exact.

Its items are exactly those of ``day_timeline()``, the same states (the "now" mark too)
in the same order: built by the same functions from the same queries
(``timeline_items._*_select``), bounded differently. Per kind of dated work:

- one aggregate query over the day's range of the kind's composite index counts the day's
  items, the done ones (the item's rule for done, in SQL) and the missed ones (not done,
  due by now), and finds the first open one after now: the day's "now" item may be that
  one though it lies past the window. Scalar subqueries of the same query find the
  ``around``-th moment before and after now: one per state where the index leads with the
  state (RepairOrder and Complaint (office, state, callback_due_at)), else one on
  RepairOrder (office, appointment_at) or Task (office, due_at); each walks its index from
  now and stops at its LIMIT;
- one query fetches the rows between those two moments, with their joins: at most about
  ``around`` per state and side, plus those sharing a boundary moment. The cut to
  ``around`` each side is made in Python, in the timeline's order (time, rank, key).

Statements are compiled once (see ``_statement``): compiling them costs Peewee more than
running them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from peewee import SQL, Case, fn

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db.models import Complaint, RepairOrder, Task
from deskterm.duties.agenda import timeline as tl
from deskterm.duties.agenda import timeline_items as ti
from deskterm.duties.agenda.statements import (
    _moment,
    _office_id,
    _slot,
    _Statement,
    _statement,
)
from deskterm.duties.agenda.timeline import TimelineItem
from deskterm.duties.schedule import office_zone


@dataclass(frozen=True)
class TimelineWindow:
    """``items``: in time order, the fixed day, the day's deadlines and the dated work near
    now (at most about 2 × ``around`` items of it). ``total``, ``done``, ``missed``: exact
    counts over the whole day's timeline."""

    items: tuple[TimelineItem, ...]
    total: int
    done: int
    missed: int


@dataclass(frozen=True)
class _Kind:
    """One kind of dated work: its query, its rule for done in SQL (the same as its item's
    state), and how its index is laid out."""

    prefix: str  # of its items' keys
    kind: str  # TimelineItem.kind
    rank: int
    model: type
    field: object  # the time column
    select: Callable  # office -> the query of timeline (columns, joins, office, states)
    item: Callable  # (row, now, tz) -> TimelineItem
    done: Callable  # () -> SQL condition: the item is done
    scope: Callable | None = None  # () -> SQL condition on the model's own columns
    states: tuple[str, ...] = ()  # the index leads with the state: one bound per state


def _order_callback_done():
    order = RepairOrder
    return order.called_back_at.is_null(False) & (
        order.returned_at.is_null() | (order.called_back_at >= order.returned_at))


_KINDS = (
    _Kind("appointment:", "appointment", ti._RANK_APPOINTMENT, RepairOrder,
          RepairOrder.appointment_at, ti._appointment_select, ti._appointment_item,
          done=lambda: RepairOrder.returned_at.is_null(False),
          scope=lambda: RepairOrder.state != "cancelled"),
    _Kind("callback:repair_order:", "callback", ti._RANK_CALLBACK, RepairOrder,
          RepairOrder.callback_due_at, ti._order_callback_select, ti._order_callback_item,
          done=_order_callback_done, states=ti._CALLBACK_STATES),
    _Kind("callback:complaint:", "callback", ti._RANK_CALLBACK, Complaint,
          Complaint.callback_due_at, ti._complaint_callback_select,
          ti._complaint_callback_item,
          done=lambda: Complaint.called_back_at.is_null(False), states=Complaint.STATES),
    _Kind("task:", "task", ti._RANK_TASK, Task, Task.due_at, ti._task_select, ti._task_item,
          done=lambda: Task.done_at.is_null(False)),
)


# Statements compiled once (``statements.py``): compiling a query with a dozen subqueries
# costs Peewee more than SQLite takes to run it, and the pane asks at least every minute.
OFFICE, START, NOW, END, LOWER, UPPER = (
    _slot(name) for name in ("office", "start", "now", "end", "lower", "upper"))


# -- per kind: the day's counts, and the rows near now --------------------------------------

@dataclass
class _Stats:
    total: int
    done: int
    missed: int
    next_open: dt.datetime | None  # the first not done after now
    lower: dt.datetime  # fetch from here ...
    upper: dt.datetime | None  # ... to here (None: to the end of the day)


def _stats_query(kind: _Kind, around: int):
    """The day's count, done, missed and first open moment after now of ``kind``, and the
    around-th moment before and after now (each state: a pair of columns)."""
    model, field = kind.model, kind.field
    done = kind.done()
    scope = (model.office == OFFICE) & (field >= START) & (field < END)
    if kind.states:
        scope &= model.state.in_(kind.states)
    elif kind.scope is not None:
        scope &= kind.scope()
    columns = [
        fn.COUNT(model.id),
        fn.SUM(Case(None, [(done, SQL("1"))], SQL("0"))),
        fn.SUM(Case(None, [(~done & (field <= NOW), SQL("1"))], SQL("0"))),
        fn.MIN(Case(None, [(~done & (field > NOW), field)])),
    ]
    parts = [model.state == state for state in kind.states] or [
        kind.scope() if kind.scope is not None else None]
    for part in parts:
        base = model.office == OFFICE
        if part is not None:
            base &= part
        # Each walks the index from now and stops at the LIMIT.
        columns.append(
            model.select(field).where(base & (field >= START) & (field <= NOW))
            .order_by(field.desc()).limit(1).offset(around - 1))
        columns.append(
            model.select(field).where(base & (field > NOW) & (field < END))
            .order_by(field).limit(1).offset(around - 1))
    return model.select(*columns).where(scope)


def _stats(kind: _Kind, office, now, start, end, around: int) -> _Stats:
    """The day's counts of ``kind`` and the range around now to fetch, in one query."""
    statement = _statement((kind.prefix, "stats", around), lambda: _stats_query(kind, around))
    row = statement.rows(office=_office_id(office), start=start, now=now, end=end)[0]
    total, done, missed, next_open = row[:4]
    befores = [_moment(v) for v in row[4::2] if v is not None]
    afters = [_moment(v) for v in row[5::2] if v is not None]
    # A state with ``around`` items from its bound on has them all in the range, so the
    # around-th item of all the states together is in it as well.
    return _Stats(
        total=int(total or 0), done=int(done or 0), missed=int(missed or 0),
        next_open=_moment(next_open) if next_open is not None else None,
        lower=max(befores, default=start), upper=min(afters, default=None),
    )


def _rows(kind: _Kind, office, stats: _Stats, end) -> tuple[_Statement, list[tuple]]:
    """The rows of ``kind`` from ``stats.lower`` to ``stats.upper`` (or the end of the
    day), with their joins, as stored; and the statement, which converts them. One bound
    each side, so that the index range is the window's."""
    field = kind.field
    bounded = stats.upper is not None
    statement = _statement((kind.prefix, "rows", bounded), lambda: kind.select(OFFICE).where(
        (field >= LOWER) & ((field <= UPPER) if bounded else (field < END))))
    rows = statement.rows(office=_office_id(office), lower=stats.lower, upper=stats.upper,
                          end=end)
    return statement, rows


def _nearest(fetched, now: dt.datetime, around: int) -> list[tuple]:
    """Of the fetched rows, the ``around`` before now and the ``around`` after it in the
    timeline's order, converted, as (kind, row). Every query's first column is the id, the
    third the time; an item's key is its kind's prefix and its id."""
    ordered = sorted(
        ((_moment(row[2]), kind.rank, f"{kind.prefix}{row[0]}"), kind, statement, row)
        for kind, statement, rows in fetched for row in rows)
    split = bisect.bisect_right([order[0] for order, *_ in ordered], now)
    return [(kind, statement.convert(row))
            for _, kind, statement, row in ordered[max(0, split - around):split + around]]


def timeline_window(office, *, now: dt.datetime | None = None, staff=None,
                    around: int = 30) -> TimelineWindow:
    """Today's timeline as of ``now`` (default the clock) near now, and the day's counts.

    ``staff`` as for ``day_timeline``. ``around`` (at least 1): how many dated items to
    keep each side of now."""
    if around < 1:
        raise ValueError("around must be at least 1")
    now = now or now_utc()
    tz = office_zone(office)
    day = local(now, tz).date()
    start, end = day_bounds_utc(day, tz)
    fixed = tl._fixed_day(office, day, now, start, end, staff, tz)

    fetched = []
    stats = {}
    for kind in _KINDS:
        stats[kind] = _stats(kind, office, now, start, end, around)
        if stats[kind].total:
            fetched.append((kind, *_rows(kind, office, stats[kind], end)))

    dated = [kind.item(row, now, tz) for kind, row in _nearest(fetched, now, around)]
    # A kind's first open item after the window may still be the day's "now" item: it
    # stands in while the marks are set (its key, the kind's prefix, sorts as its own
    # against the other kinds), then goes.
    ghosts = [
        TimelineItem(at=s.next_open, local_time="", kind=kind.kind, label="",
                     state="upcoming", key=kind.prefix, rank=kind.rank)
        for kind, s in stats.items()
        if s.next_open is not None and not any(
            item.state == "upcoming" and item.key.startswith(kind.prefix) for item in dated)
    ]
    items = sorted(fixed + dated + ghosts, key=tl.sort_key)
    ghost_keys = {ghost.key for ghost in ghosts}
    items = [item for item in tl._mark_now(items, now) if item.key not in ghost_keys]

    return TimelineWindow(
        items=tuple(items),
        total=len(fixed) + sum(s.total for s in stats.values()),
        done=sum(1 for i in fixed if i.state == "done") + sum(s.done for s in stats.values()),
        missed=(sum(1 for i in fixed if i.state == "missed")
                + sum(s.missed for s in stats.values())),
    )
