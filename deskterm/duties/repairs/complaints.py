"""Complaints (客户投诉): record, assign a handler, record the handling and its result, close
after the callback, and the monthly summary (客户投诉汇总及处理情况表) [7.4.16][6.7].

open → assigned → handled → called_back → closed. The callback itself is
``callbacks.record_callback(complaint_id=...)``: satisfied or refused → "called_back",
not satisfied → back to "assigned" (handled again by its handler), unreachable → stays
"handled" with the window running.

Same rules as ``records.py``: each duty validates, then writes inside one
``changes.write()`` with a change-log row per row written (topic = table name); a
``DutyError`` names the form field, and a refused duty leaves the database as it was.
Times are naive UTC; months and days are the office's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Model

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import Complaint, Office, ServiceEntry, Staff, Unit
from deskterm.duties.months import month_bounds
from deskterm.duties.orders import next_number
from deskterm.duties.parsing import parse_phone
from deskterm.duties.records import (
    NAME_LIMIT,
    clean_text,
    create_row,
    desk_person,
    locked,
    staff_of,
    update_row,
)
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

#: Complaint categories, in the summary's order, with their labels (translate with _()).
CATEGORIES: dict[str, str] = {
    "noise": N_("Noise"),
    "parking": N_("Parking"),
    "sanitation": N_("Sanitation"),
    "security": N_("Security"),
    "pets": N_("Pets"),
    "greening": N_("Greening"),
    "service": N_("Service"),
    "repair": N_("Repair"),
    "fees": N_("Fees"),
    "other": N_("Other"),
}

#: The state labels (translate with _()).
STATE_LABELS: dict[str, str] = {
    "open": N_("Open"),
    "assigned": N_("Assigned"),
    "handled": N_("Handled"),
    "called_back": N_("Called back"),
    "closed": N_("Closed"),
}

#: Who may handle a complaint: the office's active staff in one of these roles.
HANDLER_ROLES = ("supervisor", "cs_supervisor", "technician", "manager", "clerk")

#: The channels a complaint comes in by (those of the service register).
CHANNELS = ServiceEntry.CHANNELS

#: The summary counts complaints handled within each of these many hours of receipt.
HANDLED_WITHIN_HOURS = (24, 48, 72)

COUNTER_NAME = "complaint"


# --- the complaint number -------------------------------------------------------------------

def next_complaint_number(office: Office, moment: dt.datetime) -> str:
    """The next complaint number: ``TS-202611-007`` (see ``orders.next_number``)."""
    return next_number(office, moment, COUNTER_NAME, "TS", 3)


# --- helpers ----------------------------------------------------------------------------------

def _choice(value: str, choices, field: str) -> str:
    if value not in choices:
        raise DutyError(_("Choose one of: {choices}.").format(choices=", ".join(choices)), field)
    return value


def unit_of(office: Office, unit: Unit | int | None) -> Unit | None:
    """This office's unit ``unit`` (None stays None), else DutyError on "unit"."""
    if unit is None:
        return None
    unit_id = unit.get_id() if isinstance(unit, Model) else unit
    row = Unit.get_or_none((Unit.id == unit_id) & (Unit.office == office))
    if row is None:
        raise DutyError(_("Choose a unit of this office."), "unit")
    return row


def complaint_of(office: Office, complaint_id: Complaint | int | None) -> Complaint:
    """This office's complaint (locked for the transaction), else DutyError."""
    if isinstance(complaint_id, Model):
        complaint_id = complaint_id.get_id()
    row = None
    if complaint_id is not None:
        row = locked(Complaint.select().where(
            (Complaint.id == complaint_id) & (Complaint.office == office))).first()
    if row is None:
        raise DutyError(_("There is no such complaint at this office."), "complaint")
    return row


def _refuse_state(complaint: Complaint, message: str) -> DutyError:
    return DutyError(message.format(number=complaint.number,
                                    state=_(STATE_LABELS[complaint.state])), "complaint")


# --- the duties -----------------------------------------------------------------------------

def record_complaint(office: Office, clerk: Staff | int, *, complainant_name: str, phone: str,
                     description: str, unit: Unit | int | None = None,
                     channel: str = "phone", category: str = "other") -> Complaint:
    """Record a complaint: who (name, phone to call back on, unit if any), how it came in,
    what about (category) and what was said. It gets the next ``TS-YYYYMM-NNN`` number of
    the office's month and is "open" until a handler is assigned."""
    now = now_utc()
    complainant_name = clean_text(complainant_name, "complainant_name", limit=NAME_LIMIT,
                                  message=_("Enter the complainant's name."))
    phone = parse_phone(phone)
    description = clean_text(description, "description",
                             message=_("Enter what the complaint is about."))
    _choice(channel, CHANNELS, "channel")
    _choice(category, CATEGORIES, "category")
    with changes.write():
        clerk = desk_person(office, clerk)
        unit = unit_of(office, unit)
        return create_row(
            Complaint, office, clerk, office=office, number=next_complaint_number(office, now),
            unit=unit, complainant_name=complainant_name, phone=phone, channel=channel,
            category=category, description=description, received_at=now, received_by=clerk,
            state="open")


def assign_complaint(office: Office, clerk: Staff | int, complaint_id: Complaint | int,
                     handler_id: Staff | int | None) -> Complaint:
    """Give an open complaint to a handler (active supervisor, CS supervisor, technician,
    manager or clerk of this office), or pass an assigned one to someone else."""
    with changes.write():
        clerk = desk_person(office, clerk)
        complaint = complaint_of(office, complaint_id)
        if complaint.state not in ("open", "assigned"):
            raise _refuse_state(complaint, _(
                "Complaint {number} is {state}: only an open or assigned complaint can be "
                "assigned."))
        handler = staff_of(office, handler_id, "handler", roles=HANDLER_ROLES,
                           message=_("Choose an active supervisor, technician, manager or "
                                     "clerk of this office to handle it."))
        if complaint.handler_id == handler.id and complaint.state == "assigned":
            raise DutyError(_("Complaint {number} is already with {name}.").format(
                number=complaint.number, name=handler.name), "handler")
        update_row(complaint, office, clerk, "assign", handler=handler, state="assigned")
    return complaint


def handling_errors(handling: str | None, result: str | None) -> dict[str, str]:
    """What ``record_handling`` would refuse in the two texts, every field at once
    (``{"handling": message, "result": message}``; empty when both are fine), so a form
    can show each message under its field before anything is sent."""
    errors = {}
    for field, value, message in (("handling", handling, _("Enter how it was handled.")),
                                  ("result", result, _("Enter the result."))):
        try:
            clean_text(value, field, message=message)
        except DutyError as exc:
            errors[field] = exc.message
    return errors


def handling_texts(handling: str | None, result: str | None) -> tuple[str, str]:
    """The two texts as stored, else DutyError on the first field refused."""
    for field, message in handling_errors(handling, result).items():
        raise DutyError(message, field)
    return (clean_text(handling, "handling"), clean_text(result, "result"))


def record_handling(office: Office, clerk: Staff | int, complaint_id: Complaint | int, *,
                    handling: str, result: str) -> Complaint:
    """The handler reports back: what was done and the result. The complaint is "handled"
    and its callback falls due ``office.callback_window_hours`` from now."""
    now = now_utc()
    handling, result = handling_texts(handling, result)
    with changes.write():
        clerk = desk_person(office, clerk)
        complaint = complaint_of(office, complaint_id)
        if complaint.state != "assigned":
            raise _refuse_state(complaint, _(
                "Complaint {number} is {state}: only an assigned complaint can be handled."))
        window = dt.timedelta(hours=office.callback_window_hours)
        update_row(complaint, office, clerk, "handle", state="handled", handling=handling,
                   result=result, handled_at=now, callback_due_at=now + window)
    return complaint


def close_complaint(office: Office, clerk: Staff | int,
                    complaint_id: Complaint | int) -> Complaint:
    """Close a complaint that has been called back."""
    now = now_utc()
    with changes.write():
        clerk = desk_person(office, clerk)
        complaint = complaint_of(office, complaint_id)
        if complaint.state != "called_back":
            raise _refuse_state(complaint, _(
                "Complaint {number} is {state}: a complaint is closed only after its "
                "callback."))
        update_row(complaint, office, clerk, "close", state="closed", closed_at=now)
    return complaint


# --- the monthly summary (客户投诉汇总及处理情况表) -------------------------------------------

@dataclass(frozen=True)
class SummaryRow:
    """One line of the summary. Moments are naive UTC, dates the office's."""

    id: int
    number: str
    received_at: dt.datetime
    received_date: dt.date
    unit: str  # unit code, "" when none
    complainant: str
    phone: str
    channel: str
    category: str  # a CATEGORIES key; label: _(CATEGORIES[category])
    description: str
    handler: str  # name, "" when not assigned
    handling: str
    result: str
    handled_at: dt.datetime | None
    handling_hours: float | None  # receipt to handling
    callback_due_at: dt.datetime | None
    called_back_at: dt.datetime | None
    callback_date: dt.date | None
    callback_on_time: bool | None  # None: not called back
    state: str  # a Complaint.STATES value; label: _(STATE_LABELS[state])
    closed_at: dt.datetime | None


@dataclass(frozen=True)
class ComplaintSummary:
    """The complaints received in one office-local month, with their figures."""

    month: str  # "2026-11"
    start: dt.datetime  # naive UTC, the month's first moment
    end: dt.datetime  # naive UTC, the next month's first moment
    rows: tuple[SummaryRow, ...]
    by_category: dict[str, int]  # every category, in CATEGORIES order (zeros included)
    by_state: dict[str, int]  # every state, in Complaint.STATES order
    handled: int  # with a handling recorded (handled, called back or closed)
    handled_within: dict[int, int]  # hours → handled within that many hours of receipt
    average_handling_hours: float | None
    longest_handling_hours: float | None
    called_back: int
    called_back_on_time: int
    callback_overdue: int  # handled, not called back, window passed (at ``now``)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def closed(self) -> int:
        return self.by_state.get("closed", 0)

    @property
    def callback_rate(self) -> float | None:
        """On-time callbacks over the callbacks done or due; None when none were."""
        counted = self.called_back + self.callback_overdue
        return self.called_back_on_time / counted if counted else None


def complaint_summary(office: Office, month, *, now: dt.datetime | None = None
                      ) -> ComplaintSummary:
    """The summary of complaints received in the office-local ``month`` (``"2026-11"``,
    ``"202611"`` or a date in it), oldest first, with counts by category and by state, how
    long the handling took, and the callbacks done, on time and overdue (at ``now``)."""
    now = now or now_utc()
    start, end = month_bounds(office, month)
    tz = office_zone(office)
    handler = Staff.alias()
    query = (
        Complaint.select(
            Complaint.id, Complaint.number, Complaint.received_at, Unit.code,
            Complaint.complainant_name, Complaint.phone, Complaint.channel, Complaint.category,
            Complaint.description, handler.name, Complaint.handling, Complaint.result,
            Complaint.handled_at, Complaint.callback_due_at, Complaint.called_back_at,
            Complaint.state, Complaint.closed_at)
        .join_from(Complaint, Unit, JOIN.LEFT_OUTER, on=(Complaint.unit == Unit.id))
        .join_from(Complaint, handler, JOIN.LEFT_OUTER, on=(Complaint.handler == handler.id))
        .where((Complaint.office == office) & (Complaint.received_at >= start)
               & (Complaint.received_at < end))
        .order_by(Complaint.received_at, Complaint.id)
        .tuples()
    )
    rows = []
    by_category = dict.fromkeys(CATEGORIES, 0)
    by_state = dict.fromkeys(Complaint.STATES, 0)
    within = dict.fromkeys(HANDLED_WITHIN_HOURS, 0)
    hours_taken: list[float] = []
    called_back = on_time_count = overdue = 0
    for (cid, number, received, unit, name, phone, channel, category, description, who,
         handling, result, handled, due, called, state, closed) in query:
        hours = None
        if handled is not None:
            hours = (handled - received).total_seconds() / 3600
            hours_taken.append(hours)
            for limit in within:
                if hours <= limit:
                    within[limit] += 1
        on_time = None
        if called is not None:
            on_time = due is not None and called <= due
            called_back += 1
            on_time_count += on_time
        elif state == "handled" and due is not None and due < now:
            overdue += 1
        by_category[category] = by_category.get(category, 0) + 1
        by_state[state] = by_state.get(state, 0) + 1
        rows.append(SummaryRow(
            cid, number, received, local(received, tz).date(), unit or "", name, phone,
            channel, category, description, who or "", handling, result, handled, hours, due,
            called, local(called, tz).date() if called is not None else None, on_time, state,
            closed))
    return ComplaintSummary(
        month=local(start, tz).format("YYYY-MM"), start=start, end=end, rows=tuple(rows),
        by_category=by_category, by_state=by_state, handled=len(hours_taken),
        handled_within=within,
        average_handling_hours=sum(hours_taken) / len(hours_taken) if hours_taken else None,
        longest_handling_hours=max(hours_taken) if hours_taken else None,
        called_back=called_back, called_back_on_time=on_time_count, callback_overdue=overdue)
