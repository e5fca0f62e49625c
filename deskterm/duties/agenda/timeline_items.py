"""The timeline's items and the day's dated work (see ``timeline.py``): ``TimelineItem``,
the query of each kind of dated work (repair appointments, callbacks of orders and of
complaints, tasks) without its time range, and how one of its rows becomes an item.

``timeline.day_timeline`` bounds these queries by the whole day, ``timeline_window`` by a
range around now; both build their items with the same functions, so the two agree.
Labels are plain text (never Rich markup): a widget must show them literally.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from peewee import JOIN, fn

from deskterm.db.models import Building, Complaint, Place, RepairOrder, Staff, Task, Unit
from deskterm.i18n import N_, _

KINDS = ("schedule", "appointment", "callback", "task", "deadline")
STATES = ("done", "missed", "now", "upcoming")

#: Orders whose callback may fall due: returned or later (a reopened order is dispatched
#: again and has its called_back_at from the failed callback).
_CALLBACK_STATES = ("dispatched", "returned", "called_back", "approved", "handed_over", "filed")

#: How many rows of one kind a day's timeline fetches at most.
MAX_PER_KIND = 1000

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
    text = text or ""
    if text.isprintable() and "  " not in text:  # most are: no regex (~60 a reload)
        text = text.strip(" ")
    else:
        text = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
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
    local = moment.astimezone(_zone(tz))
    return f"{local.hour:02d}:{local.minute:02d}"


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



def _dated_items(office, now, start, end, tz) -> list[TimelineItem]:
    return (
        [_appointment_item(row, now, tz) for row in _appointments(office, start, end)]
        + [_order_callback_item(row, now, tz) for row in _order_callbacks(office, start, end)]
        + [_complaint_callback_item(row, now, tz)
           for row in _complaint_callbacks(office, start, end)]
        + [_task_item(row, now, tz) for row in _tasks(office, start, end)]
    )

