"""Today's timeline (SPEC "The dashboard", pane 1): the fixed day of the office interleaved
with the day's dated work, each item done, missed, now or upcoming.

``day_timeline()`` merges, in time order:

- the fixed day of ``schedule.fixed_items()``: sign-in, meeting, handover, phones, lunch,
  afternoon, the 17:00 deposit, evening sign-out;
- the day's repair appointments (any order but a cancelled one; done when returned,
  missed when the appointment time has passed without a return);
- callbacks falling due today, of repair orders and of complaints (done when called back;
  missed when past due);
- tasks due today (done when done); on today's, before everything, the open tasks of
  earlier days (missed, shown by their day: at most ``CARRIED_LIMIT``, then one line
  saying how many more), carried until they are done;
- the day's calendar deadlines (``deadlines.deadlines_on``; the deposit is the fixed
  item's, shown once).

States of the fixed items: the sign-in is done when someone of the day staff (clerk,
supervisor, manager; or ``staff`` when given) has a ``sign_in`` attendance event today
(the desk's PIN sign-in or the morning slot); the handover when a Handover was signed
today; lunch sign-out, afternoon sign-in and evening sign-out from the attendance slots
``lunch_out``, ``afternoon_in``, ``evening_out``; the meeting and phones-open are done
once their time has passed. An item whose time (or window) has passed without being done is
missed. Of the rest, those whose window contains now are "now"; if none, the next one is.
Only today's timeline has a "now"; another day's has done/missed or upcoming only.

The queries are bounded by the day's UTC range on the composite indexes that start with the
office (RepairOrder (office, appointment_at) and (office, state, callback_due_at), Task
(office, due_at), Complaint (office, state, callback_due_at)), select only the columns shown,
and join Unit/Building/Staff in the same query: one query per kind, never one per row.
Labels are plain text (never Rich markup): a widget must show them literally.


The dashboard's pane shows ``timeline_window.timeline_window()`` instead: the same items
near now, and the day's exact counts, without building the whole day.

Split by meaning: ``timeline_items`` (the item, the queries of dated work and their
items), ``timeline_fixed`` (the fixed day, carried tasks, deadlines), and here the day
put together, the "now" mark and the window kept in view.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import replace

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.duties.agenda.timeline_fixed import (
    CARRIED_LIMIT,
    DAY_ROLES,
    _carried_items,
    _fixed_day,
)
from deskterm.duties.agenda.timeline_items import (
    CATEGORY_LABELS,
    KINDS,
    MAX_PER_KIND,
    STATES,
    TimelineItem,
    _dated_items,
)
from deskterm.duties.schedule import office_zone

__all__ = ["CARRIED_LIMIT", "CATEGORY_LABELS", "DAY_ROLES", "KINDS", "MAX_PER_KIND",
           "STATES", "TimelineItem", "_carried_items", "_fixed_day", "day_timeline", "now_index",
           "sort_key"]


def _mark_now(items: list[TimelineItem], now: dt.datetime) -> list[TimelineItem]:
    """Set "now" on the open items whose window holds ``now``, else on the next one."""
    open_items = [i for i, item in enumerate(items) if item.state == "upcoming"]
    current = [i for i in open_items
               if items[i].until is not None and items[i].at <= now < items[i].until]
    if not current:
        current = [i for i in open_items if items[i].at >= now][:1]
    marked = list(items)
    for i in current:
        marked[i] = replace(items[i], state="now")
    return marked


def _window(items: list[TimelineItem], now: dt.datetime, limit: int) -> list[TimelineItem]:
    """At most ``limit`` items, keeping the now marker in view with a few past ones above."""
    if limit <= 0:
        return []
    if len(items) <= limit:
        return items
    index = now_index(items, now)
    start = max(0, min(index - limit // 3, len(items) - limit))
    return items[start:start + limit]


def sort_key(item: TimelineItem) -> tuple:
    """The timeline's order: by time, then rank (the fixed day's own order), then key."""
    return (item.at, item.rank, item.key)



def day_timeline(office, *, now: dt.datetime | None = None, day: dt.date | None = None,
                 staff=None, limit: int | None = None) -> list[TimelineItem]:
    """The timeline of office-local ``day`` (default today) as of ``now`` (default the
    clock), sorted by time. ``staff`` (a Staff or its id) makes the sign-in and sign-out
    items that person's; ``limit`` keeps at most that many items around the now marker."""
    now = now or now_utc()
    tz = office_zone(office)
    today = local(now, tz).date()
    day = day or today
    start, end = day_bounds_utc(day, tz)
    items = _fixed_day(office, day, now, start, end, staff, tz) + _dated_items(
        office, now, start, end, tz)
    items.sort(key=sort_key)
    if day == today:
        items = _mark_now(items, now)
    if limit is not None:
        items = _window(items, now, limit)
    return items


def now_index(items: list[TimelineItem], now: dt.datetime) -> int:
    """Where the "now" marker goes: before ``items[i]``, the first item that starts after
    ``now`` (``len(items)`` when every item has started)."""
    return bisect.bisect_right([item.at for item in items], now)
