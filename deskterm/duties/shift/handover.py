"""The night-to-day handover (交接班, F5) [7.3].

At 08:30 the day clerk opens the handover: ``handover_view()`` gives the night log since
the last handover and, at that moment, the open repair orders, the overdue callbacks and
the cash still waiting for the bank (the dashboard panes' own figures, ``panes.py``).

Each log item is disposed of: taken over, or turned into a repair order, a complaint or a
task in place (the screen opens call intake, the complaint form or the task form, which
write the order, the complaint or the task at once; the disposition then names it). The
open tasks (``tasks.open_tasks``) are carried into every handover until they are done.
``sign_handover()`` checks both sides' own PINs (the night person's and the day clerk's:
nobody signs for anybody else) and writes the Handover and one HandoverItem per entry in
one transaction. Handovers and their items are append-only (database triggers): once
signed, a handover never changes. A handover signed today is what turns the timeline's
handover item done (``timeline._handover_id``: ``signed_at`` within today's bounds).

A wrong PIN is counted like the desk's sign-in (``pin_checks.check_pin``: a
``pin_refused`` change-log row, and the same lockout after too many), so the handover is
no back door for guessing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import IntegrityError, Model

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    Complaint,
    Handover,
    HandoverItem,
    Office,
    RepairOrder,
    Staff,
    Task,
)
from deskterm.duties.panes import cash_state, due_callbacks, open_orders
from deskterm.duties.pin_checks import check_pin, pin_ok
from deskterm.duties.records import clean_text, create_row, staff_of
from deskterm.duties.shift.night_log import (
    LogItem,
    entries_since_handover,
    last_covered,
    night_person,
)
from deskterm.duties.shift.tasks import TaskList, open_tasks
from deskterm.errors import DutyError
from deskterm.i18n import _

#: Who takes over from the night: the day's desk people (not night staff).
DAY_ROLES = ("clerk", "supervisor", "manager")
#: What the day shift may do with a night-log item here.
DISPOSITIONS = ("taken_over", "order", "complaint", "task")


@dataclass(frozen=True)
class Figures:
    """The state of the desk at the handover's moment."""

    open_orders: int
    overdue_orders: int
    overdue_callbacks: int
    undeposited: int  # fen
    late_cash: int  # fen of it past its deposit time


@dataclass(frozen=True)
class HandoverView:
    covers_until: dt.datetime  # the moment the handover was opened
    entries: tuple[LogItem, ...]
    figures: Figures
    night_staff: tuple[tuple[int, str], ...]  # who may sign for the night: (id, name)
    last: LastHandover | None = None  # the latest signed one
    tasks: TaskList | None = None  # the open tasks, carried until done


@dataclass(frozen=True)
class LastHandover:
    id: int
    signed_at: dt.datetime
    from_name: str
    to_name: str


@dataclass(frozen=True)
class Disposition:
    """What the day shift did with one night-log entry."""

    kind: str  # one of DISPOSITIONS
    order_id: int | None = None
    complaint_id: int | None = None
    note: str = ""
    task_id: int | None = None


def figures_at(office: Office, now: dt.datetime) -> Figures:
    orders = open_orders(office, now=now, limit=1)
    callbacks = due_callbacks(office, shift_end=now, now=now, limit=1)
    cash = cash_state(office, now=now)
    return Figures(open_orders=orders.count, overdue_orders=orders.overdue,
                   overdue_callbacks=callbacks.overdue, undeposited=cash.undeposited,
                   late_cash=cash.late)


def night_people(office: Office) -> tuple[tuple[int, str], ...]:
    rows = (Staff.select(Staff.id, Staff.name)
            .where((Staff.office == office) & Staff.active & Staff.role.in_(("night",)))
            .order_by(Staff.name)
            .tuples())
    return tuple(rows)


def last_handover(office: Office) -> LastHandover | None:
    From, To = Staff.alias(), Staff.alias()
    row = (Handover.select(Handover.id, Handover.signed_at, From.name, To.name)
           .join(From, on=(Handover.from_staff == From.id))
           .switch(Handover)
           .join(To, on=(Handover.to_staff == To.id))
           .where(Handover.office == office)
           .order_by(Handover.signed_at.desc(), Handover.id.desc())
           .limit(1)
           .tuples()
           .first())
    return LastHandover(*row) if row else None


def handover_view(office: Office, *, now: dt.datetime | None = None) -> HandoverView:
    """What the handover shows when it is opened at ``now``."""
    now = now or now_utc()
    return HandoverView(covers_until=now, entries=tuple(entries_since_handover(office, until=now)),
                        figures=figures_at(office, now), night_staff=night_people(office),
                        last=last_handover(office), tasks=open_tasks(office, now=now))


# --- signing ------------------------------------------------------------------------------

def _check_pin(office: Office, person: Staff, pin: str, field: str, day: Staff) -> None:
    """``pin`` is ``person``'s own, else DutyError on ``field`` (counted like every PIN)."""
    check_pin(office, person, pin, "handover", field, at_desk=day)


def _own(model: type[Model], office: Office, row_id: int | None, message: str):
    row = None
    if row_id is not None:
        row = model.get_or_none((model.id == row_id) & (model.office == office))
    if row is None:
        raise DutyError(message, "items")
    return row


def _item_values(office: Office, entry: LogItem, disposition: Disposition) -> dict:
    if disposition.kind not in DISPOSITIONS:
        raise DutyError(_("Mark each item taken over, an order, a complaint or a task."),
                        "items")
    values = dict(entry=entry.id, disposition=disposition.kind,
                  note=clean_text(disposition.note, "items", required=False))
    if disposition.kind == "order":
        values["order"] = _own(RepairOrder, office, disposition.order_id,
                               _("That repair order is not this office's."))
    elif disposition.kind == "complaint":
        values["complaint"] = _own(Complaint, office, disposition.complaint_id,
                                   _("That complaint is not this office's."))
    elif disposition.kind == "task":
        values["task"] = _own(Task, office, disposition.task_id,
                              _("That task is not this office's."))
    return values


def sign_handover(office: Office, *, night_staff: Staff | int | None, night_pin: str,
                  day_clerk: Staff | int | None, day_pin: str, covers_until: dt.datetime,
                  dispositions: dict[int, Disposition], note: str = "") -> Handover:
    """Sign the handover of the night log written up to ``covers_until`` (the moment the
    handover was opened): every entry since the last handover up to then must have its
    disposition. Both PINs are checked first; then one transaction writes the Handover
    (with the figures at the moment of signing) and its items, or nothing."""
    night = night_person(office, night_staff, "night_staff")
    day = staff_of(office, day_clerk, "day_clerk", roles=DAY_ROLES,
                   message=_("The day clerk takes over: sign in at the desk first."))
    note = clean_text(note, "note", required=False)
    _check_pin(office, night, night_pin, "night_pin", day)
    _check_pin(office, day, day_pin, "day_pin", day)
    now = now_utc()
    if covers_until > now:
        raise DutyError(_("The handover cannot cover what is still to come."), "items")
    try:
        with changes.write():
            last = last_covered(office)
            if last is not None and covers_until < last:
                raise DutyError(_("Another handover was signed meanwhile: open it again."),
                                "items")
            entries = entries_since_handover(office, until=covers_until)
            ids = {e.id for e in entries}
            if set(dispositions) - ids:
                raise DutyError(_("The night log changed meanwhile: open the handover "
                                  "again."), "items")
            left = len(ids - set(dispositions))
            if left:
                raise DutyError(_("{count} night-log items still need taking over.").format(
                    count=left), "items")
            items = [_item_values(office, e, dispositions[e.id]) for e in entries]
            figures = figures_at(office, now)
            pin_ok(office, night, "handover", at_desk=day)
            pin_ok(office, day, "handover", at_desk=day)
            handover = create_row(
                Handover, office, day, office=office, signed_at=now, from_staff=night,
                to_staff=day, covers_until=covers_until, open_orders=figures.open_orders,
                overdue_callbacks=figures.overdue_callbacks,
                undeposited=figures.undeposited, note=note)
            for values in items:
                create_row(HandoverItem, office, day, handover=handover, **values)
    except IntegrityError as exc:  # another desk signed the same entries first
        raise DutyError(_("Another handover was signed meanwhile: open it again."),
                        "items") from exc
    return handover
