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
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from zoneinfo import ZoneInfo

from peewee import JOIN, fn

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db.models import (
    Building,
    Complaint,
    Handover,
    Place,
    RepairOrder,
    Staff,
    Task,
    Unit,
)
from deskterm.db.models.base import database
from deskterm.duties.agenda import deadlines as deadline_duties
from deskterm.duties.schedule import FIXED_ORDER, end_of_day_utc, fixed_items, office_zone
from deskterm.duties.shift.attendance import effective_marks
from deskterm.i18n import N_, _

KINDS = ("schedule", "appointment", "callback", "task", "deadline")
STATES = ("done", "missed", "now", "upcoming")

#: Day staff whose sign-in counts for the 08:20 sign-in when no ``staff`` is given.
DAY_ROLES = ("clerk", "supervisor", "manager")

#: Orders whose callback may fall due: returned or later (a reopened order is dispatched
#: again and has its called_back_at from the failed callback).
_CALLBACK_STATES = ("dispatched", "returned", "called_back", "approved", "handed_over", "filed")

#: How many rows of one kind a day's timeline fetches at most.
MAX_PER_KIND = 1000
#: Open tasks of earlier days shown on today's timeline at most (then a line of how many
#: more): the index ``task (office, done_at, due_at)`` finds them.
CARRIED_LIMIT = 5

CATEGORY_LABELS = {
    "water": N_("water"),
    "electricity": N_("electricity"),
    "doors_locks": N_("doors and locks"),
    "lift": N_("lift"),
    "public_area": N_("public area"),
    "gas": N_("gas"),
    "walls_roof": N_("walls and roof"),
    "other": N_("other"),
}

# Ranks for items at the same minute: the fixed day's own order, dated work in between,
# the evening sign-out last.
_RANK_APPOINTMENT, _RANK_CALLBACK, _RANK_TASK, _RANK_DEADLINE = 20, 30, 40, 50
_RANK_SIGN_OUT = 99  # after the deadlines (50 + their calendar order)


@dataclass(frozen=True)
class TimelineItem:
    """One line of the timeline.

    ``at`` is naive UTC; ``local_time`` its office-local "HH:MM"; ``until``/``local_until``
    end a window (meeting, handover, lunch; "" / None otherwise). ``label`` and ``note`` are
    translated plain text (CJK allowed, never markup). ``ref`` is (topic, row id) of the row
    behind the item (topic = table name, as in the change log) or None. ``key`` is stable
    across refreshes (for keyed table rows), e.g. ``schedule:sign_in``,
    ``appointment:42``, ``callback:complaint:7``, ``task:3``, ``deadline:stocktake:2026-11``.
    """

    at: dt.datetime
    local_time: str
    kind: str  # schedule / appointment / callback / task / deadline
    label: str
    state: str  # done / missed / now / upcoming
    ref: tuple[str, int] | None = None
    note: str = ""
    key: str = ""
    until: dt.datetime | None = None
    local_until: str = ""
    clause: str = ""
    rank: int = 0  # tie-break for items at the same moment


_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _one_line(text: str | None, width: int = 60) -> str:
    """User text on one line: control characters out, whitespace runs to one space."""
    text = _SPACES.sub(" ", _CONTROL.sub(" ", text or "")).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _staff_id(staff) -> int | None:
    if staff is None:
        return None
    return staff if isinstance(staff, int) else staff.id


# -- the day's dated work ----------------------------------------------------------------
# Each ``_*_select(office)`` is one kind's query (columns shown, joins, office and state),
# without its time range: ``day_timeline`` adds the day, ``timeline_window`` a range
# around now. Each ``_*_item(row, now, tz)`` turns one of its rows into an item.

def _appointment_select(office):
    return (
        RepairOrder.select(
            RepairOrder.id, RepairOrder.number, RepairOrder.appointment_at,
            RepairOrder.returned_at, RepairOrder.category, RepairOrder.description,
            RepairOrder.is_public, Unit.code, fn.COALESCE(Place.name, Building.name),
            Staff.name,
        )
        .join(Unit, JOIN.LEFT_OUTER, on=(RepairOrder.unit == Unit.id))
        .switch(RepairOrder)
        .join(Place, JOIN.LEFT_OUTER, on=(RepairOrder.place == Place.id))
        .switch(RepairOrder)
        .join(Building, JOIN.LEFT_OUTER, on=(RepairOrder.building == Building.id))
        .switch(RepairOrder)
        .join(Staff, JOIN.LEFT_OUTER, on=(RepairOrder.technician == Staff.id))
        .where((RepairOrder.office == office) & (RepairOrder.state != "cancelled"))
    )


def _order_callback_select(office):
    return (
        RepairOrder.select(
            RepairOrder.id, RepairOrder.number, RepairOrder.callback_due_at,
            RepairOrder.returned_at, RepairOrder.called_back_at, RepairOrder.reporter_name,
            RepairOrder.reporter_phone, Unit.code, fn.COALESCE(Place.name, Building.name),
        )
        .join(Unit, JOIN.LEFT_OUTER, on=(RepairOrder.unit == Unit.id))
        .switch(RepairOrder)
        .join(Place, JOIN.LEFT_OUTER, on=(RepairOrder.place == Place.id))
        .switch(RepairOrder)
        .join(Building, JOIN.LEFT_OUTER, on=(RepairOrder.building == Building.id))
        .where((RepairOrder.office == office) & RepairOrder.state.in_(_CALLBACK_STATES))
    )


def _complaint_callback_select(office):
    return (
        Complaint.select(
            Complaint.id, Complaint.number, Complaint.callback_due_at, Complaint.called_back_at,
            Complaint.complainant_name, Complaint.phone, Unit.code,
        )
        .join(Unit, JOIN.LEFT_OUTER, on=(Complaint.unit == Unit.id))
        .where((Complaint.office == office) & Complaint.state.in_(Complaint.STATES))
    )


def _task_select(office):
    return (
        Task.select(Task.id, Task.title, Task.due_at, Task.done_at, Staff.name)
        .join(Staff, JOIN.LEFT_OUTER, on=(Task.assigned_to == Staff.id))
        .where(Task.office == office)
    )


def _of_day(query, field, start, end) -> list[tuple]:
    """The rows of ``query`` whose ``field`` falls in [start, end), in time order."""
    return list(
        query.where((field >= start) & (field < end))
        .order_by(field, query.model.id)
        .limit(MAX_PER_KIND)
        .tuples()
    )


def _appointments(office, start, end) -> list[tuple]:
    return _of_day(_appointment_select(office), RepairOrder.appointment_at, start, end)


def _order_callbacks(office, start, end) -> list[tuple]:
    return _of_day(_order_callback_select(office), RepairOrder.callback_due_at, start, end)


def _complaint_callbacks(office, start, end) -> list[tuple]:
    return _of_day(_complaint_callback_select(office), Complaint.callback_due_at, start, end)


def _tasks(office, start, end) -> list[tuple]:
    return _of_day(_task_select(office), Task.due_at, start, end)


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
    return (
        Handover.select(Handover.id)
        .where((Handover.office == office) & (Handover.signed_at >= start)
               & (Handover.signed_at < end))
        .order_by(Handover.signed_at)
        .scalar()
    )


# -- building the items --------------------------------------------------------------------

@lru_cache(maxsize=16)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def _hhmm(moment: dt.datetime, tz: str) -> str:
    """``HH:MM`` of a stored (naive UTC) time in the office's zone: the standard library's
    zones, as ``clock.local`` gives it but without arrow's ~50 µs a call (the Today pane
    shows ~60 times at each reload; benchmarks/pane_queries.py)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(_zone(tz)).strftime("%H:%M")


def _place(unit_code, building_name, is_public=False) -> str:
    if unit_code:
        return unit_code
    if building_name:
        return building_name
    return _("public area") if is_public else ""


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _squeeze(text: str) -> str:
    """A format with an empty part leaves double spaces: fold them."""
    return re.sub(r" {2,}", " ", text).strip()


def _point_state(done: bool, at: dt.datetime, now: dt.datetime) -> str:
    if done:
        return "done"
    return "missed" if now >= at else "upcoming"


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


def _appointment_item(row, now, tz) -> TimelineItem:
    (oid, number, at, returned_at, category, description, is_public, unit_code,
     building_name, technician) = row
    what = _(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else category
    label = _squeeze(_("Appointment {number} {place} {what}").format(
        number=number, place=_place(unit_code, building_name, is_public), what=what))
    if technician:
        label = _("{order} — {technician}").format(order=label, technician=technician)
    return TimelineItem(
        at=at, local_time=_hhmm(at, tz), kind="appointment", label=label,
        state=_point_state(returned_at is not None, at, now), ref=("repair_order", oid),
        note=_one_line(description), key=f"appointment:{oid}", rank=_RANK_APPOINTMENT,
    )


def _order_callback_item(row, now, tz) -> TimelineItem:
    oid, number, due, returned_at, called_back_at, name, phone, unit_code, building_name = row
    done = called_back_at is not None and (returned_at is None or called_back_at >= returned_at)
    return TimelineItem(
        at=due, local_time=_hhmm(due, tz), kind="callback",
        label=_squeeze(_("Callback {number} {place}").format(
            number=number, place=_place(unit_code, building_name))),
        state=_point_state(done, due, now), ref=("repair_order", oid),
        note=_join(_one_line(name, 20), _one_line(phone, 20)),
        key=f"callback:repair_order:{oid}", rank=_RANK_CALLBACK,
    )


def _complaint_callback_item(row, now, tz) -> TimelineItem:
    cid, number, due, called_back_at, name, phone, unit_code = row
    return TimelineItem(
        at=due, local_time=_hhmm(due, tz), kind="callback",
        label=_squeeze(_("Complaint callback {number} {place}").format(
            number=number, place=unit_code or "")),
        state=_point_state(called_back_at is not None, due, now), ref=("complaint", cid),
        note=_join(_one_line(name, 20), _one_line(phone, 20)),
        key=f"callback:complaint:{cid}", rank=_RANK_CALLBACK,
    )


def _task_item(row, now, tz) -> TimelineItem:
    tid, title, due, done_at, assignee = row
    return TimelineItem(
        at=due, local_time=_hhmm(due, tz), kind="task", label=_one_line(title),
        state=_point_state(done_at is not None, due, now), ref=("task", tid),
        note=_("for {name}").format(name=assignee) if assignee else "",
        key=f"task:{tid}", rank=_RANK_TASK,
    )


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
    rows = list(_task_select(office).where(open_before).order_by(Task.due_at, Task.id)
                .limit(CARRIED_LIMIT + 1).tuples())
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


def _dated_items(office, now, start, end, tz) -> list[TimelineItem]:
    return (
        [_appointment_item(row, now, tz) for row in _appointments(office, start, end)]
        + [_order_callback_item(row, now, tz) for row in _order_callbacks(office, start, end)]
        + [_complaint_callback_item(row, now, tz)
           for row in _complaint_callbacks(office, start, end)]
        + [_task_item(row, now, tz) for row in _tasks(office, start, end)]
    )


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


def _fixed_day(office, day, now, start, end, staff, tz) -> list[TimelineItem]:
    """The fixed day's items and the day's deadlines (unsorted): a few, whatever the size
    of the database."""
    deadlines = deadline_duties.deadlines_on(office, day, now)
    deposit = next((d for d in deadlines if d.key == "deposit"), None)
    carried = _carried_items(office, now, start, tz) if day == local(now, tz).date() else []
    return (carried + _schedule_items(office, day, now, start, end, _staff_id(staff), deposit)
            + _deadline_items(office, day, deadlines, tz))


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
