"""Callbacks (回访) of returned repair orders and handled complaints, with the service
process inspection (服务过程检验单), and the callback rate of a period [5.8][6.4][7.4.9].

Every callback attempt is a Callback row (append-only), the unreachable ones too.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import SQL, Case, Model, fn

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    Callback,
    Complaint,
    Office,
    Owner,
    OwnerPhone,
    RepairOrder,
    ServiceEntry,
    Staff,
)
from deskterm.duties.orders import order_of
from deskterm.duties.records import clean_text, create_row, desk_person, locked, update_row
from deskterm.errors import DutyError
from deskterm.i18n import _

INSPECTION_FIELDS = ("arrived_on_time", "manner_ok", "site_clean", "problem_solved",
                     "charge_as_quoted")
#: Outcomes where the owner was reached and can answer the inspection questions.
REACHED = ("satisfied", "not_satisfied")


def _inspection(outcome: str, inspection: dict | None) -> dict:
    if not inspection:
        return {}
    if outcome not in REACHED:
        raise DutyError(_("The service inspection is filled in only when the owner was "
                          "reached and answered."), "inspection")
    unknown = sorted(set(inspection) - set(INSPECTION_FIELDS))
    if unknown:
        raise DutyError(_("Unknown inspection question: {names}.").format(
            names=", ".join(unknown)), "inspection")
    values = {}
    for name, value in inspection.items():
        if value is not None and not isinstance(value, bool):
            raise DutyError(_("Answer each inspection question with yes or no."), "inspection")
        values[name] = value
    return values


def _complaint_of(office: Office, complaint_id) -> Complaint:
    if isinstance(complaint_id, Model):
        complaint_id = complaint_id.get_id()
    row = locked(Complaint.select().where(
        (Complaint.id == complaint_id) & (Complaint.office == office))).first()
    if row is None:
        raise DutyError(_("There is no such complaint at this office."), "complaint")
    return row


def record_callback(office: Office, clerk: Staff | int, *, order_id: int | None = None,
                    complaint_id: int | None = None, outcome: str, note: str = "",
                    inspection: dict | None = None) -> Callback:
    """Record one callback of a returned order or a handled complaint.

    For an order (state "returned" only):

    - "satisfied": called back; ``callback_on_time`` is whether now is within the window.
    - "not_satisfied": reopened, back to the same technician ("dispatched",
      ``reopened_count`` + 1); ``returned_at``, ``callback_due_at`` and ``result`` are
      cleared (their old values stay in the change log's ``before``). A note is required.
    - "unreachable": nothing changes on the order, the window keeps running; the Callback
      row is the record of the try (the note may say when to try again).
    - "refused": the owner was reached and declined the callback. Decision: that counts
      as called back, on time or not exactly as for "satisfied" — the desk did its duty
      and there is nothing left to ask; holding the order open would only make it a miss.

    The inspection (``arrived_on_time``, ``manner_ok``, ``site_clean``, ``problem_solved``,
    ``charge_as_quoted``: True/False/None) is accepted only with "satisfied" or
    "not_satisfied", and only for orders.

    For a complaint (state "handled" only): satisfied or refused → "called_back" with
    ``called_back_at``; not satisfied → back to "assigned" (its handler, note required);
    unreachable → stays handled.
    """
    now = now_utc()
    if (order_id is None) == (complaint_id is None):
        raise DutyError(_("Choose the order or the complaint being called back."), "order")
    if outcome not in Callback.OUTCOMES:
        raise DutyError(_("Choose one of: {choices}.").format(
            choices=", ".join(Callback.OUTCOMES)), "outcome")
    note = clean_text(note, "note", required=outcome == "not_satisfied",
                      message=_("Say what the owner is not satisfied with."))
    answers = _inspection(outcome, inspection)
    if answers and complaint_id is not None:
        raise DutyError(_("The service inspection belongs to repair orders."), "inspection")

    with changes.write():
        clerk = desk_person(office, clerk)
        if order_id is not None:
            order = order_of(office, order_id)
            if order.state != "returned":
                raise DutyError(_("Order {number} is {state}: only a returned order can be "
                                  "called back.").format(number=order.number,
                                                          state=order.state), "order")
            callback = create_row(Callback, office, clerk, office=office, order=order, at=now,
                                  by=clerk, outcome=outcome, note=note, **answers)
            _after_order_callback(office, clerk, order, outcome, now)
        else:
            complaint = _complaint_of(office, complaint_id)
            if complaint.state != "handled":
                raise DutyError(_("Complaint {number} is {state}: only a handled complaint "
                                  "can be called back.").format(number=complaint.number,
                                                                state=complaint.state),
                                "complaint")
            callback = create_row(Callback, office, clerk, office=office, complaint=complaint,
                                  at=now, by=clerk, outcome=outcome, note=note)
            if outcome in ("satisfied", "refused"):
                update_row(complaint, office, clerk, "callback", state="called_back",
                           called_back_at=now)
            elif outcome == "not_satisfied":
                update_row(complaint, office, clerk, "reopen", state="assigned",
                           handled_at=None, callback_due_at=None)
    return callback


def _after_order_callback(office: Office, clerk: Staff, order: RepairOrder, outcome: str,
                          now: dt.datetime) -> None:
    if outcome in ("satisfied", "refused"):
        update_row(order, office, clerk, "callback", state="called_back", called_back_at=now,
                   callback_on_time=now <= order.callback_due_at)
    elif outcome == "not_satisfied":
        update_row(order, office, clerk, "reopen", state="dispatched",
                   reopened_count=order.reopened_count + 1, dispatched_at=now,
                   returned_at=None, callback_due_at=None, result=None,
                   called_back_at=None, callback_on_time=None)
        if order.service_entry_id is not None:
            entry = ServiceEntry.get_by_id(order.service_entry_id)
            if entry.completed_at is not None:
                update_row(entry, office, clerk, "reopen", completed_at=None)


# --- the callback rate of a period ----------------------------------------------------------

@dataclass(frozen=True)
class Miss:
    """An order not called back within its window."""

    order_id: int
    number: str
    returned_at: dt.datetime
    due_at: dt.datetime
    called_back_at: dt.datetime | None  # None: not called back (yet)


@dataclass(frozen=True)
class PeriodRate:
    on_time: int
    counted: int
    misses: tuple[Miss, ...]

    @property
    def rate(self) -> float | None:
        """On-time share of the counted orders; None when nothing was counted."""
        return self.on_time / self.counted if self.counted else None


def callback_rate(office: Office, start: dt.datetime, end: dt.datetime, *,
                  now: dt.datetime | None = None) -> PeriodRate:
    """The callback rate [6.4] of orders returned in [start, end) (naive UTC): among those
    whose window has closed or that were called back, how many were called back on time;
    the misses (late or never called back) oldest first."""
    return callback_rates(office, ((start, end),), now=now)[0]


def callback_rates(office: Office, bounds: Sequence[tuple[dt.datetime, dt.datetime]], *,
                   now: dt.datetime | None = None) -> list[PeriodRate]:
    """``callback_rate`` of each of ``bounds`` (in order, not overlapping: the days or
    weeks of a report), read in one pass over the orders returned from the first start
    to the last end: counted per period by the database, and only the misses (a few in a
    hundred) read one by one (a week of the 1M demo is ~10,000 orders, whose every
    timestamp made into a datetime cost ~70 ms)."""
    now = now or now_utc()
    if not bounds:
        return []
    counted_orders = (
        (RepairOrder.office == office)
        & (RepairOrder.returned_at >= bounds[0][0])
        & (RepairOrder.returned_at < bounds[-1][1])
        & ((RepairOrder.callback_due_at <= now)
           | RepairOrder.callback_on_time.is_null(False)))
    period = Case(None, [((RepairOrder.returned_at >= start) & (RepairOrder.returned_at < end),
                          index) for index, (start, end) in enumerate(bounds)], -1)
    counted, on_time = [0] * len(bounds), [0] * len(bounds)
    for at, count, in_time in (
            RepairOrder.select(period, fn.COUNT(RepairOrder.id),
                               fn.SUM(Case(None, [(RepairOrder.callback_on_time == True,  # noqa: E712
                                                   1)], 0)))
            .where(counted_orders).group_by(SQL("1")).tuples()):
        if 0 <= at < len(bounds):  # -1: between two of the bounds
            counted[at], on_time[at] = count, int(in_time or 0)
    rows = (
        RepairOrder.select(RepairOrder.id, RepairOrder.number, RepairOrder.returned_at,
                           RepairOrder.callback_due_at, RepairOrder.called_back_at)
        .where(counted_orders & ((RepairOrder.callback_on_time == False)  # noqa: E712
                                 | RepairOrder.callback_on_time.is_null()))
        .order_by(RepairOrder.returned_at, RepairOrder.id)
        .tuples()
    )
    starts = [start for start, _end in bounds]
    misses: list[list[Miss]] = [[] for _ in bounds]
    for order_id, number, returned_at, due_at, called_back_at in rows:
        at = bisect_right(starts, returned_at) - 1
        if at < 0 or returned_at >= bounds[at][1]:
            continue  # between two of the bounds
        misses[at].append(Miss(order_id, number, returned_at, due_at, called_back_at))
    return [PeriodRate(on_time[i], counted[i], tuple(misses[i])) for i in range(len(bounds))]


def joined(rates: Sequence[PeriodRate]) -> PeriodRate:
    """The rate of adjoining periods together (their misses in order)."""
    return PeriodRate(sum(r.on_time for r in rates), sum(r.counted for r in rates),
                      tuple(m for r in rates for m in r.misses))


# --- what the callback form shows ---------------------------------------------------------

@dataclass(frozen=True)
class CallbackSubject:
    """What the clerk needs in front of them to make the call."""

    kind: str  # "order" / "complaint"
    id: int
    number: str
    state: str
    can_call_back: bool
    unit: str  # unit code, or "" for a public-area order
    name: str  # reporter / complainant, else the unit's owner in the roster
    phone: str  # stored digits
    what: str  # the request / complaint
    done: str  # work done / handling
    who: str  # technician / handler
    returned_at: dt.datetime | None  # returned / handled
    due_at: dt.datetime | None  # end of the callback window


def _owner_of(unit_id: int | None) -> tuple[str, str]:
    """The unit's current owner (owners before tenants) and their first phone."""
    if unit_id is None:
        return "", ""
    owner = (Owner.select().where((Owner.unit == unit_id) & (Owner.active == True))  # noqa: E712
             .order_by(Owner.kind != "owner", Owner.id).first())
    if owner is None:
        return "", ""
    phone = OwnerPhone.select().where(OwnerPhone.owner == owner).order_by(OwnerPhone.id).first()
    return owner.name, phone.phone if phone else ""


def callback_subject(office: Office, kind: str, target_id: int) -> CallbackSubject | None:
    """The order or complaint ``target_id`` of ``office`` as the form shows it, or None.

    A plain read for the callback form (F4).
    """
    if kind == "order":
        order = RepairOrder.get_or_none((RepairOrder.id == target_id)
                                        & (RepairOrder.office == office))
        if order is None:
            return None
        name, phone = order.reporter_name, order.reporter_phone
        if not (name and phone):
            owner_name, owner_phone = _owner_of(order.unit_id)
            name, phone = name or owner_name, phone or owner_phone
        return CallbackSubject(
            "order", order.id, order.number, order.state, order.state == "returned",
            order.unit.code if order.unit_id else "", name, phone, order.description,
            order.work_done, order.technician.name if order.technician_id else "",
            order.returned_at, order.callback_due_at)
    complaint = Complaint.get_or_none((Complaint.id == target_id)
                                      & (Complaint.office == office))
    if complaint is None:
        return None
    name, phone = complaint.complainant_name, complaint.phone
    if not (name and phone):
        owner_name, owner_phone = _owner_of(complaint.unit_id)
        name, phone = name or owner_name, phone or owner_phone
    return CallbackSubject(
        "complaint", complaint.id, complaint.number, complaint.state,
        complaint.state == "handled", complaint.unit.code if complaint.unit_id else "",
        name, phone, complaint.description, complaint.handling,
        complaint.handler.name if complaint.handler_id else "",
        complaint.handled_at, complaint.callback_due_at)
