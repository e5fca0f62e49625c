"""Tasks (任务): who does what by when, and where it came from [6.2][6.3].

The 08:20 meeting's assignments are noted as tasks [6.2]; the handover arranges the people
to act on what the night left [6.3]; patrols, the manager and calls give more. A task
says what (``title``), by when (``due_at``), who (``assigned_to``, or nobody yet) and
from where (``source``: ``SOURCES``). It is done once (``done_at``, and ``done_by``: who
did it, the person it was given to unless said otherwise, else the person at the desk);
a task marked done by mistake is reopened. Every write is one transaction with its
change-log row (topic ``task``: the Today pane reads again).

``parse_due`` reads "by when" as the clerk types it: a time is today (``16:00``), a day
and a time is that day (``明天 9:00``, ``12-09 10:00``), a day alone is the end of that
office day (``明天``: the evening sign-out). A moment already past is refused.

Reading: ``open_tasks`` (every open task, the first falling due first, with the exact
count and how many are overdue), ``overdue_tasks``, ``tasks_book`` (the open ones and
those done today), ``day_task_figures`` (the daily work record's). Open tasks are found
by the index ``task (office, done_at, due_at)`` (migration 0006): ``done_at IS NULL`` is
its leading range after the office, so the office's done tasks are never walked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db import changes
from deskterm.db.models import Office, Staff, Task
from deskterm.duties.parsing import parse_local_datetime
from deskterm.duties.records import (
    clean_text,
    create_row,
    desk_person,
    locked,
    staff_of,
    update_row,
)
from deskterm.duties.schedule import end_of_day_utc, office_zone
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

#: Where a task comes from, in the order the form offers them.
SOURCES = ("meeting", "handover", "patrol", "manager", "call", "other")
SOURCE_WORDS = {
    "meeting": N_("morning meeting"),
    "handover": N_("handover"),
    "patrol": N_("patrol"),
    "manager": N_("the manager"),
    "call": N_("a call"),
    "other": N_("other"),
}
TITLE_LIMIT = 200
#: Rows a list reads at most; its counts are exact.
LIST_LIMIT = 100
#: The order people are offered in: the desk first, then the rest of the office.
ROLE_ORDER = ("clerk", "supervisor", "manager", "cs_supervisor", "technician", "night")


@dataclass(frozen=True)
class TaskLine:
    """One task as the lists show it (moments naive UTC; names "" for nobody)."""

    id: int
    title: str
    source: str
    due_at: dt.datetime
    assigned_id: int | None
    assigned: str
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by: str

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, now: dt.datetime) -> bool:
        """Open and due by ``now``."""
        return self.done_at is None and self.due_at <= now


@dataclass(frozen=True)
class TaskList:
    """``lines`` (at most the limit asked) and the exact counts behind them."""

    lines: tuple[TaskLine, ...]
    count: int
    overdue: int


def source_word(source: str) -> str:
    return _(SOURCE_WORDS[source]) if source in SOURCE_WORDS else source


# --- by when ----------------------------------------------------------------------------------

def parse_due(office: Office, text: str | None, *, now: dt.datetime | None = None,
              field: str = "due") -> dt.datetime:
    """By when, as typed (see the module) → naive UTC; DutyError on ``field``."""
    now = now or now_utc()
    tz = office_zone(office)
    try:
        return parse_local_datetime(text, tz=tz, now=now, field=field)
    except DutyError as first:
        if not (text or "").strip():
            raise
        try:  # a day alone: by the end of that office day
            midnight = parse_local_datetime(f"{text} 00:00", tz=tz, now=now, field=field,
                                            allow_past=True)
        except DutyError:
            raise first from None
    due = end_of_day_utc(office, local(midnight, tz).date())
    if due < now:
        raise DutyError(_("That day's work is over: give a later day or a time."), field)
    return due


# --- writing ----------------------------------------------------------------------------------

def _person(office: Office, who: Staff | int | None, field: str) -> Staff | None:
    if who is None or who == "":
        return None
    return staff_of(office, who, field)


def _source(source: str | None) -> str:
    if source not in SOURCES:
        raise DutyError(_("Choose where the task comes from."), "source")
    return source


def add_task(office: Office, clerk: Staff | int, *, title: str | None,
             due: str | dt.datetime | None, source: str | None,
             assigned_to: Staff | int | None = None) -> Task:
    """Note a task: ``title`` (what), ``due`` (a moment, naive UTC, or as typed),
    ``source`` (one of ``SOURCES``), ``assigned_to`` (a person of the office, or None:
    nobody yet). ``clerk`` is the person at the desk noting it."""
    now = now_utc()
    title = clean_text(title, "title", limit=TITLE_LIMIT, message=_("Enter what is to be done."))
    if isinstance(due, dt.datetime):
        if due < now.replace(second=0, microsecond=0):
            raise DutyError(_("That time has passed: give a time still to come."), "due")
        due_at = due
    else:
        due_at = parse_due(office, due, now=now)
    source = _source(source)
    with changes.write():
        person = desk_person(office, clerk)
        assigned = _person(office, assigned_to, "assigned_to")
        return create_row(Task, office, person, office=office, title=title, source=source,
                          assigned_to=assigned, due_at=due_at, created_at=now,
                          created_by=person)


def _task(office: Office, task: Task | int) -> Task:
    task_id = task.id if isinstance(task, Task) else task
    row = locked(Task.select().where((Task.id == task_id) & (Task.office == office))).first()
    if row is None:
        raise DutyError(_("That task is not this office's."), "task")
    return row


def complete_task(office: Office, clerk: Staff | int, task: Task | int, *,
                  by: Staff | int | None = None, at: dt.datetime | None = None) -> Task:
    """Mark ``task`` done at ``at`` (now) by ``by`` (the person it was given to, else the
    person at the desk). Refused when it is done already."""
    now = now_utc()
    at = at or now
    if at > now:
        raise DutyError(_("That time is still to come: a task is done once it is."), "done_at")
    with changes.write():
        person = desk_person(office, clerk)
        row = _task(office, task)
        if row.done_at is not None:
            raise DutyError(_("That task is done already ({when}).").format(
                when=local(row.done_at, office_zone(office)).format("MM-DD HH:mm")), "task")
        if at < row.created_at:
            raise DutyError(_("A task is done after it was noted."), "done_at")
        if by is not None:
            doer = staff_of(office, by, "done_by")
        elif row.assigned_to_id is not None:
            doer = Staff.get_by_id(row.assigned_to_id)
        else:
            doer = person
        update_row(row, office, person, "done", done_at=at, done_by=doer)
        return row


def reopen_task(office: Office, clerk: Staff | int, task: Task | int) -> Task:
    """A task marked done by mistake: open again."""
    with changes.write():
        person = desk_person(office, clerk)
        row = _task(office, task)
        if row.done_at is None:
            raise DutyError(_("That task is still open."), "task")
        update_row(row, office, person, "reopen", done_at=None, done_by=None)
        return row


# --- reading ----------------------------------------------------------------------------------

def _lines(where, order, limit: int) -> tuple[TaskLine, ...]:
    Given, Doer = Staff.alias(), Staff.alias()
    rows = (
        Task.select(Task.id, Task.title, Task.source, Task.due_at, Task.assigned_to,
                    fn.COALESCE(Given.name, ""), Task.created_at, Task.done_at,
                    fn.COALESCE(Doer.name, ""))
        .join(Given, JOIN.LEFT_OUTER, on=(Task.assigned_to == Given.id))
        .switch(Task)
        .join(Doer, JOIN.LEFT_OUTER, on=(Task.done_by == Doer.id))
        .where(where)
        .order_by(*order)
        .limit(limit)
        .tuples()
    )
    return tuple(TaskLine(*row) for row in rows)


def _open(office: Office):
    return (Task.office == office) & Task.done_at.is_null()


def _count(where) -> int:
    return int(Task.select(fn.COUNT(Task.id)).where(where).scalar() or 0)


def open_tasks(office: Office, *, now: dt.datetime | None = None,
               limit: int = LIST_LIMIT) -> TaskList:
    """Every open task, the first falling due first; the count and the overdue ones
    exact."""
    now = now or now_utc()
    where = _open(office)
    return TaskList(lines=_lines(where, (Task.due_at, Task.id), limit), count=_count(where),
                    overdue=_count(where & (Task.due_at <= now)))


def overdue_tasks(office: Office, *, now: dt.datetime | None = None,
                  before: dt.datetime | None = None, limit: int = LIST_LIMIT) -> TaskList:
    """The open tasks due by ``now`` (or before ``before``: carried from earlier days),
    the longest overdue first."""
    now = now or now_utc()
    where = _open(office) & ((Task.due_at < before) if before is not None
                             else (Task.due_at <= now))
    count = _count(where)
    return TaskList(lines=_lines(where, (Task.due_at, Task.id), limit), count=count,
                    overdue=count)


def tasks_book(office: Office, *, now: dt.datetime | None = None,
               limit: int = LIST_LIMIT) -> tuple[TaskList, tuple[TaskLine, ...]]:
    """The tasks book: the open tasks, and those done today (the last done first)."""
    now = now or now_utc()
    start, end = day_bounds_utc(local(now, office_zone(office)).date(), office_zone(office))
    done = _lines((Task.office == office) & (Task.done_at >= start) & (Task.done_at < end),
                  (Task.done_at.desc(), Task.id.desc()), limit)
    return open_tasks(office, now=now, limit=limit), done


def task_people(office: Office) -> list[tuple[int, str, str]]:
    """``(id, name, role)`` of the office's active staff a task may be given to: the desk
    first, then the rest; by name within a role."""
    rank = {role: i for i, role in enumerate(ROLE_ORDER)}
    rows = (Staff.select(Staff.id, Staff.name, Staff.role)
            .where((Staff.office == office) & Staff.active).tuples())
    return sorted(rows, key=lambda r: (rank.get(r[2], len(rank)), r[1], r[0]))


def day_task_figures(office: Office, staff_id: int, day: dt.date,
                     now: dt.datetime | None = None) -> dict[str, int]:
    """For ``staff_id``'s daily work record of ``day``: the tasks they did that day, and
    the tasks given to them (or to nobody) still open at its end (now, for today)."""
    now = now or now_utc()
    start, end = day_bounds_utc(day, office_zone(office))
    moment = min(end, now)
    mine = Task.assigned_to.is_null() | (Task.assigned_to == staff_id)
    return {
        "tasks_done": _count((Task.office == office) & (Task.done_by == staff_id)
                             & (Task.done_at >= start) & (Task.done_at < end)),
        "tasks_open": _count((Task.office == office) & mine & (Task.created_at <= moment)
                             & (Task.done_at.is_null() | (Task.done_at > moment))),
    }


def open_tasks_of(office: Office, staff_id: int, *, limit: int = 20) -> TaskList:
    """The open tasks given to ``staff_id`` or to nobody (the daily work record's list)."""
    now = now_utc()
    where = _open(office) & (Task.assigned_to.is_null() | (Task.assigned_to == staff_id))
    return TaskList(lines=_lines(where, (Task.due_at, Task.id), limit), count=_count(where),
                    overdue=_count(where & (Task.due_at <= now)))
