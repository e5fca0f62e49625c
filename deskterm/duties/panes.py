"""What the dashboard's live panes show: each a plain query with a small result.

Every pane returns its counts and only the top ``limit`` rows (a pane never holds a large
result), through the composite indexes that start with (office, state, ...). Each function
is safe to call from a worker thread inside ``database.connection_context()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from peewee import JOIN, Case, fn

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db.models import (
    BankDeposit,
    CashSession,
    Complaint,
    Office,
    Place,
    Receipt,
    RepairOrder,
    Staff,
    Unit,
)
from deskterm.duties.cashdesk.cash_bank import (
    as_date,
    deposit_deadline,
    entry_sums,
    oldest_waiting,
    takings_left,
)
from deskterm.duties.cashdesk.takings import Takings, takings
from deskterm.messaging.outbox import message_marks

CALLBACK_STANDARD = 0.98  # [6.4] callback rate of 98 % or better
RATE_DAYS = 7  # the running callback rate covers the last seven days


# --- Open orders -------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenOrder:
    id: int
    number: str
    unit: str  # unit code, or the place of a public-area order ("" when it names none)
    description: str
    technician: str
    appointment_at: dt.datetime | None
    registered_at: dt.datetime
    state: str
    overdue: bool  # the appointment time has passed and the technician has not returned
    chases: int = 0  # times the owner chased it (催单): it is raised to the top
    message: str = ""  # its latest message to the technician: sent, waiting, failed, unsent


@dataclass(frozen=True)
class OpenOrders:
    count: int
    overdue: int
    rows: tuple[OpenOrder, ...]
    chased: int = 0  # open orders the owner has chased


def _open_where(office: Office):
    return (RepairOrder.office == office) & RepairOrder.state.in_(RepairOrder.OPEN_STATES)


def _open_rows(where, limit: int) -> list[tuple]:
    Tech = Staff.alias()
    return list(
        RepairOrder.select(
            RepairOrder.id, RepairOrder.number, fn.COALESCE(Unit.code, Place.name),
            RepairOrder.description, Tech.name, RepairOrder.appointment_at,
            RepairOrder.registered_at, RepairOrder.state, RepairOrder.chases,
        )
        .join(Unit, JOIN.LEFT_OUTER, on=(RepairOrder.unit == Unit.id))
        .switch(RepairOrder)
        .join(Place, JOIN.LEFT_OUTER, on=(RepairOrder.place == Place.id))
        .switch(RepairOrder)
        .join(Tech, JOIN.LEFT_OUTER, on=(RepairOrder.technician == Tech.id))
        .where(where)
        .order_by(RepairOrder.appointment_at, RepairOrder.id)
        .limit(limit)
        .tuples()
    )


def open_orders(office: Office, *, now: dt.datetime | None = None, limit: int = 50) -> OpenOrders:
    """Every repair order not yet returned: the ones the owner chased first (催单,
    ``repairs/chases.py``), then overdue appointments, then by time."""
    now = now or now_utc()
    where = _open_where(office)
    count, overdue, chased = (
        RepairOrder.select(
            fn.COUNT(RepairOrder.id),
            fn.SUM(Case(None, ((RepairOrder.appointment_at < now, 1),), 0)),
            fn.SUM(Case(None, ((RepairOrder.chases > 0, 1),), 0)),
        )
        .where(where)
        .tuples()
        .get()
    )
    # One small query per state and per "has an appointment": each walks the
    # (office, state, appointment_at) index in order and stops at ``limit``. A single
    # query with state IN (...) ORDER BY appointment_at made SQLite walk the
    # (office, appointment_at) index over every order: 370 ms at 1,000,000 orders.
    found: list[tuple] = []
    for state in RepairOrder.OPEN_STATES:
        for scheduled in (True, False):
            where = (RepairOrder.office == office) & (RepairOrder.state == state)
            if scheduled:
                where &= RepairOrder.appointment_at.is_null(False)
            else:
                where &= RepairOrder.appointment_at.is_null()
            found.extend(_open_rows(where, limit))
        if chased:  # the chased ones, wherever their time puts them: the same index (one
            # query with state IN (...) walked the (office, appointment_at) one instead)
            found.extend(_open_rows((RepairOrder.office == office) & (RepairOrder.state == state)
                                    & (RepairOrder.chases > 0), limit))
    found = list({row[0]: row for row in found}.values())
    found.sort(key=lambda r: (not r[8], r[5] is None, r[5] or dt.datetime.min, r[0]))
    rows = tuple(
        OpenOrder(
            id=oid, number=number, unit=unit or "", description=text, technician=tech or "",
            appointment_at=appt, registered_at=registered, state=state,
            overdue=appt is not None and appt < now, chases=int(chases or 0),
        )
        for oid, number, unit, text, tech, appt, registered, state, chases in found[:limit]
    )
    marks = message_marks(row.id for row in rows)  # one query, by the rows' ids
    rows = tuple(replace(row, message=marks.get(row.id, "")) for row in rows)
    return OpenOrders(count=count or 0, overdue=int(overdue or 0), rows=rows,
                      chased=int(chased or 0))


# --- Overdue callbacks --------------------------------------------------------------------

@dataclass(frozen=True)
class DueCallback:
    kind: str  # "order" or "complaint"
    id: int
    number: str
    unit: str
    who: str  # technician (orders) or handler (complaints)
    phone: str
    due_at: dt.datetime
    overdue: bool


@dataclass(frozen=True)
class CallbackRate:
    on_time: int
    counted: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.counted if self.counted else None

    @property
    def meets_standard(self) -> bool:
        return self.rate is None or self.rate >= CALLBACK_STANDARD


@dataclass(frozen=True)
class DueCallbacks:
    overdue: int  # window already passed
    due_in_shift: int  # window passes before the shift ends
    rows: tuple[DueCallback, ...]
    rate: CallbackRate


def callback_rate(office: Office, *, now: dt.datetime | None = None,
                  days: int = RATE_DAYS) -> CallbackRate:
    """Orders called back within their window over orders whose window has closed (or
    that were called back already), among those returned in the last ``days`` days."""
    now = now or now_utc()
    since = now - dt.timedelta(days=days)
    counted, on_time = (
        RepairOrder.select(
            fn.COUNT(RepairOrder.id),
            fn.SUM(Case(None, ((RepairOrder.callback_on_time == True, 1),), 0)),  # noqa: E712
        )
        .where(
            (RepairOrder.office == office)
            & (RepairOrder.returned_at >= since)
            & ((RepairOrder.callback_due_at <= now) | RepairOrder.callback_on_time.is_null(False))
        )
        .tuples()
        .get()
    )
    return CallbackRate(on_time=int(on_time or 0), counted=int(counted or 0))


def due_callbacks(office: Office, *, shift_end: dt.datetime, now: dt.datetime | None = None,
                  limit: int = 50) -> DueCallbacks:
    """Orders and complaints whose callback window has passed or passes before
    ``shift_end``, most urgent first, with the running callback rate."""
    now = now or now_utc()
    Tech = Staff.alias()
    order_where = (
        (RepairOrder.office == office)
        & (RepairOrder.state == "returned")
        & (RepairOrder.callback_due_at <= shift_end)
    )
    complaint_where = (
        (Complaint.office == office)
        & (Complaint.state == "handled")
        & (Complaint.callback_due_at <= shift_end)
    )
    order_counts = (
        RepairOrder.select(
            fn.COUNT(RepairOrder.id),
            fn.SUM(Case(None, ((RepairOrder.callback_due_at < now, 1),), 0)),
        ).where(order_where).tuples().get()
    )
    complaint_counts = (
        Complaint.select(
            fn.COUNT(Complaint.id),
            fn.SUM(Case(None, ((Complaint.callback_due_at < now, 1),), 0)),
        ).where(complaint_where).tuples().get()
    )
    orders = (
        RepairOrder.select(
            RepairOrder.id, RepairOrder.number, fn.COALESCE(Unit.code, Place.name), Tech.name,
            RepairOrder.reporter_phone, RepairOrder.callback_due_at,
        )
        .join(Unit, JOIN.LEFT_OUTER, on=(RepairOrder.unit == Unit.id))
        .switch(RepairOrder)
        .join(Place, JOIN.LEFT_OUTER, on=(RepairOrder.place == Place.id))
        .switch(RepairOrder)
        .join(Tech, JOIN.LEFT_OUTER, on=(RepairOrder.technician == Tech.id))
        .where(order_where)
        .order_by(RepairOrder.callback_due_at, RepairOrder.id)
        .limit(limit)
        .tuples()
    )
    complaints = (
        Complaint.select(
            Complaint.id, Complaint.number, Unit.code, Tech.name, Complaint.phone,
            Complaint.callback_due_at,
        )
        .join(Unit, JOIN.LEFT_OUTER, on=(Complaint.unit == Unit.id))
        .switch(Complaint)
        .join(Tech, JOIN.LEFT_OUTER, on=(Complaint.handler == Tech.id))
        .where(complaint_where)
        .order_by(Complaint.callback_due_at, Complaint.id)
        .limit(limit)
        .tuples()
    )
    rows = [
        DueCallback("order", i, n, u or "", t or "", p or "", d, d < now)
        for i, n, u, t, p, d in orders
    ] + [
        DueCallback("complaint", i, n, u or "", t or "", p or "", d, d < now)
        for i, n, u, t, p, d in complaints
    ]
    rows.sort(key=lambda r: (r.due_at, r.kind, r.id))
    total = (order_counts[0] or 0) + (complaint_counts[0] or 0)
    overdue = int(order_counts[1] or 0) + int(complaint_counts[1] or 0)
    return DueCallbacks(
        overdue=overdue,
        due_in_shift=total - overdue,
        rows=tuple(rows[:limit]),
        rate=callback_rate(office, now=now),
    )


# --- Unbalanced cash ----------------------------------------------------------------------

@dataclass(frozen=True)
class CashRow:
    session_id: int
    clerk: str
    day: dt.date
    state: str  # open / closed / banked
    opening_float: int
    taken: int  # cash taken less refunds and reversals
    deposited: int  # positive: taken to the bank
    undeposited: int
    expected: int  # what the drawer should hold
    counted: int | None
    difference: int | None
    late: bool  # undeposited after the office's deposit time of its day [5.3]
    since: dt.datetime | None = None  # the oldest cash payment still waiting for the bank


@dataclass(frozen=True)
class CashState:
    undeposited: int
    late: int  # how much of it is past its deposit time
    oldest_day: dt.date | None
    rows: tuple[CashRow, ...]
    receipts_today: int  # receipts issued today: the paper, against payments_today
    payments_today: int  # payments taken today (``taken.payments``)
    voided_today: int  # receipts voided today (``taken.voids``)
    deposits_today: int
    since: dt.datetime | None = None  # the oldest undeposited cash payment
    carried: int = 0  # undeposited cash of earlier days
    open_drawers: int = 0  # sessions not yet closed
    stale_drawers: int = 0  # ... of them from earlier days (not closed at the day's end)
    deposit_by: str = "17:00"
    taken: Takings = Takings()  # today's payments net of voids (``cashdesk/takings.py``)


def cash_state(office: Office, *, now: dt.datetime | None = None) -> CashState:
    """Cash taken but not yet in the bank, per clerk's session (earlier days' carried),
    since when, what is late after the deposit time; drawers not yet closed and today's
    count differences; today's receipts against payments, voids and deposits (the payments
    and voids are today's takings, ``cashdesk/takings.py``, as the work record reads them)."""
    now = now or now_utc()
    today = local(now, office.timezone).date()
    columns = (CashSession.id, Staff.name, CashSession.day, CashSession.state,
               CashSession.opening_float, CashSession.counted, CashSession.difference)
    sessions = list(
        CashSession.select(*columns)
        .join(Staff, on=(CashSession.clerk == Staff.id))
        .where((CashSession.office == office) & CashSession.state.in_(("open", "closed")))
        .tuples()
    )
    # Today's banked drawers too, for their count differences: by (office, clerk, day),
    # the unique index, one probe per person (an OR in the query above walked every
    # session of the office).
    seen = {s[0] for s in sessions}
    sessions += [s for s in (
        CashSession.select(*columns)
        .join(Staff, on=(CashSession.clerk == Staff.id))
        .where((CashSession.office == office)
               & CashSession.clerk.in_(Staff.select(Staff.id).where(Staff.office == office))
               & (CashSession.day == today))
        .tuples()
    ) if s[0] not in seen]
    sums = entry_sums(s[0] for s in sessions)
    waiting = {sid: takings_left(sums[sid]) for sid, *_rest in sessions}
    since = oldest_waiting({sid: left for sid, left in waiting.items() if left > 0})
    deadlines: dict[dt.date, dt.datetime] = {}
    rows = []
    for sid, clerk, day, state, opening, counted, difference in sessions:
        day = as_date(day)
        if day not in deadlines:
            deadlines[day] = deposit_deadline(office, day)
        kinds = sums[sid]
        taken = sum(kinds.get(k, 0) for k in ("payment", "refund", "reversal"))
        deposited = -kinds.get("deposit", 0)
        undeposited = waiting[sid]
        late = undeposited > 0 and now >= deadlines[day]
        rows.append(CashRow(sid, clerk, day, state, int(opening or 0), taken, deposited,
                            undeposited, sum(kinds.values()), counted, difference, late,
                            since.get(sid)))
    rows.sort(key=lambda r: (not r.late, r.day, r.clerk))
    start, end = day_bounds_utc(today, office.timezone)
    receipts = Receipt.select().where(
        (Receipt.office == office) & (Receipt.issued_at >= start) & (Receipt.issued_at < end)
    ).count()
    # Today's payments and voids: the takings the work record and fee collection read.
    taken = takings(office, start, end)
    deposits = BankDeposit.select().where(
        (BankDeposit.office == office) & (BankDeposit.at >= start) & (BankDeposit.at < end)
    ).count()
    waiting_rows = [r for r in rows if r.undeposited > 0]
    return CashState(
        undeposited=sum(r.undeposited for r in waiting_rows),
        late=sum(r.undeposited for r in waiting_rows if r.late),
        oldest_day=min((r.day for r in waiting_rows), default=None),
        rows=tuple(r for r in rows if r.undeposited > 0 or r.state == "open"
                   or (r.difference and r.day == today)),
        receipts_today=receipts,
        payments_today=taken.payments,
        voided_today=taken.voids,
        deposits_today=deposits,
        since=min((r.since for r in waiting_rows if r.since), default=None),
        carried=sum(r.undeposited for r in waiting_rows if r.day < today),
        open_drawers=sum(1 for r in rows if r.state == "open"),
        stale_drawers=sum(1 for r in rows if r.state == "open" and r.day < today),
        deposit_by=office.deposit_by_at,
        taken=taken,
    )
