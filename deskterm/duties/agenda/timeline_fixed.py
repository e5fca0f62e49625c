"""The fixed day on the timeline (see ``timeline.py``): the office's schedule (sign-in,
meeting, handover, phones, lunch, afternoon, the 17:00 deposit, evening sign-out) with
each item's state from the attendance marks and the day's handover, the open tasks of
earlier days carried onto today, and the day's calendar deadlines. A few items whatever
the size of the database: ``_fixed_day`` is the same for ``day_timeline`` and for the
dashboard's ``timeline_window``.
"""

from __future__ import annotations

from dataclasses import replace

from peewee import fn

from deskterm.clock import local
from deskterm.db.models import Handover, Staff, Task
from deskterm.db.models.base import database
from deskterm.duties.agenda import deadlines as deadline_duties
from deskterm.duties.agenda.statements import _office_id, _slot, _statement
from deskterm.duties.agenda.timeline_items import (
    _RANK_DEADLINE,
    _RANK_SIGN_OUT,
    _RANK_TASK,
    TimelineItem,
    _hhmm,
    _staff_id,
    _task_item,
    _task_select,
)
from deskterm.duties.schedule import FIXED_ORDER, end_of_day_utc, fixed_items
from deskterm.duties.shift.attendance import effective_marks
from deskterm.i18n import _

#: Day staff whose sign-in counts for the 08:20 sign-in when no ``staff`` is given.
DAY_ROLES = ("clerk", "supervisor", "manager")
#: Open tasks of earlier days shown on today's timeline at most (then a line of how many
#: more): the index ``task (office, done_at, due_at)`` finds them.
CARRIED_LIMIT = 5

# The fixed day's reads are compiled once (``statements.py``): Peewee compiled each of
# them at every reload of the Today pane, more CPU than SQLite took to answer them.
OFFICE, START, END = (_slot(name) for name in ("office", "start", "end"))


def _attendance(office, start, end, staff_id) -> set[str]:
    """The slots signed today, as corrected (a struck-out sign does not count, a moved one
    counts in its new slot): "sign_in" (desk or morning), "lunch_out", "afternoon_in",
    "evening_out"."""
    if staff_id is not None:
        staff_ids = [staff_id]
    else:
        staff_ids = [row[0] for row in (
            Staff.select(Staff.id)
            .where((Staff.office == office) & Staff.role.in_(DAY_ROLES))
            .tuples())]
    slots = set()
    for mark in effective_marks(office, start, end, staff_ids):
        if mark.kind == "sign_in" and mark.slot in ("desk", "morning_in"):
            slots.add("sign_in")
        elif mark.kind == "sign_in" and mark.slot == "afternoon_in":
            slots.add("afternoon_in")
        elif mark.kind == "sign_out" and mark.slot in ("lunch_out", "evening_out"):
            slots.add(mark.slot)
    return slots


def _handover_id(office, start, end) -> int | None:
    statement = _statement(("handover of the day",), lambda: (
        Handover.select(Handover.id)
        .where((Handover.office == OFFICE) & (Handover.signed_at >= START)
               & (Handover.signed_at < END))
        .order_by(Handover.signed_at)
        .limit(1)))
    rows = statement.rows(office=_office_id(office), start=start, end=end)
    return rows[0][0] if rows else None


def _schedule_items(office, day, now, start, end, staff_id, deposit) -> list[TimelineItem]:
    signed = _attendance(office, start, end, staff_id)
    handover = _handover_id(office, start, end)
    items = []
    for fixed in fixed_items(office, day):
        ref = None
        passed = now >= (fixed.until or fixed.at)
        if fixed.key in ("meeting", "phones_open"):
            state = "done" if passed else "upcoming"
        elif fixed.key == "deposit":
            state = {"done": "done", "missed": "missed"}.get(
                deposit.state if deposit else "", "upcoming")
        else:
            if fixed.key == "handover":
                done = handover is not None
                ref = ("handover", handover) if handover is not None else None
            elif fixed.key == "sign_out":
                done = "evening_out" in signed
            else:
                done = fixed.key in signed
            state = "done" if done else ("missed" if passed else "upcoming")
        rank = _RANK_SIGN_OUT if fixed.key == "sign_out" else FIXED_ORDER[fixed.key]
        items.append(TimelineItem(
            at=fixed.at, local_time=fixed.local_time, kind="schedule", label=fixed.label,
            state=state, ref=ref, note=fixed.note, key=f"schedule:{fixed.key}",
            until=fixed.until, local_until=fixed.local_until, clause=fixed.clause, rank=rank,
        ))
    return items


#: The probe of ``_any_carried``, compiled once per kind of database (Peewee takes longer
#: to compile a query than the database to answer it, and the pane asks every minute).
_PROBES: dict[type, str] = {}


def _any_carried(office, start) -> bool:
    """Is a task due before ``start`` still open? (Mostly not: then nothing more is read.)"""
    kind = type(database.obj)
    sql = _PROBES.get(kind)
    if sql is None:
        sql = _PROBES[kind] = Task.select(Task.id).where(
            (Task.office == 0) & Task.done_at.is_null() & (Task.due_at < start)).limit(1).sql()[0]
    office_id = office if isinstance(office, int) else office.id
    return database.execute_sql(
        sql, (office_id, Task.due_at.db_value(start), 1)).fetchone() is not None


def _carried_items(office, now, start, tz) -> list[TimelineItem]:
    """Today's first lines: the open tasks due before today, by their day."""
    if not _any_carried(office, start):
        return []
    open_before = Task.done_at.is_null() & (Task.due_at < start)
    statement = _statement(("carried tasks",), lambda: (
        _task_select(OFFICE).where(Task.done_at.is_null() & (Task.due_at < START))
        .order_by(Task.due_at, Task.id).limit(CARRIED_LIMIT + 1)))
    rows = [statement.convert(row)
            for row in statement.rows(office=_office_id(office), start=start)]
    items = [replace(_task_item(row, now, tz), local_time=local(row[2], tz).strftime("%m-%d"))
             for row in rows[:CARRIED_LIMIT]]
    if len(rows) > CARRIED_LIMIT:
        more = (Task.select(fn.COUNT(Task.id))
                .where((Task.office == office) & open_before).scalar()) - CARRIED_LIMIT
        last = items[-1]
        items.append(replace(
            last, label=_("{count} more open tasks of earlier days: F10 j").format(count=more),
            ref=None, note="", key="task:more", rank=_RANK_TASK + 1))
    return items


def _deadline_items(office, day, deadlines, tz) -> list[TimelineItem]:
    items = []
    end_of_day = end_of_day_utc(office, day)
    for deadline in deadlines:
        if deadline.key == "deposit":
            continue  # the fixed day's "Cash to the bank" shows it
        at, note = deadline.due_at, ""
        if deadline.day != day:  # the weekend's report, shown on Saturday, due Sunday
            at = min(deadline.due_at, end_of_day)
            note = _("due by {date} {time}").format(
                date=local(deadline.due_at, tz).strftime("%m-%d"),
                time=_hhmm(deadline.due_at, tz))
        state = deadline.state if deadline.state in ("done", "missed") else "upcoming"
        items.append(TimelineItem(
            at=at, local_time=_hhmm(at, tz), kind="deadline", label=deadline.label,
            state=state, note=note, key=f"deadline:{deadline.key}:{deadline.period}",
            clause=deadline.clause, rank=_RANK_DEADLINE + deadline_duties.RULE_ORDER[deadline.key],
        ))
    return items


def _fixed_day(office, day, now, start, end, staff, tz) -> list[TimelineItem]:
    """The fixed day's items and the day's deadlines (unsorted): a few, whatever the size
    of the database."""
    deadlines = deadline_duties.deadlines_on(office, day, now)
    deposit = next((d for d in deadlines if d.key == "deposit"), None)
    carried = _carried_items(office, now, start, tz) if day == local(now, tz).date() else []
    return (carried + _schedule_items(office, day, now, start, end, _staff_id(staff), deposit)
            + _deadline_items(office, day, deadlines, tz))
