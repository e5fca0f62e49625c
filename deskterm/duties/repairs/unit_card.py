"""A unit's card at the desk (issue #13): what the clerk needs to know about the caller's
unit the moment it is known, on the forms that take a call or a payment (F2, F3, F7, F8).

``unit_card(office, unit_id, code=...)`` reads, for one unit of the office:

- its open repair orders (registered or dispatched): number, category and request, state,
  technician, appointment, whether the appointment has passed (late) and how often the
  owner chased it (催单, ``chases.py``), the late ones first, at most ``ORDER_LIMIT``, with
  the count of all of them;
- what it owes (``cashdesk.dues.unit_dues``: the charges with something outstanding, the
  one rule the payment form and the account read too): the sum, how many, the oldest month;
- the last callback on any of its orders or complaints, with its outcome;
- its open complaints (not closed), newest first, at most ``COMPLAINT_LIMIT``, with the
  count.

Plain reads (no transaction), each through an index that starts with the unit
(``RepairOrder (unit, registered_at)``, the foreign keys' own), so a unit with years of
orders costs the same as a new one (``benchmarks/unit_card.py``: docs/PERFORMANCE.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from deskterm.clock import now_utc
from deskterm.db.models import Callback, Complaint, Office, RepairOrder, Staff, Unit
from deskterm.duties.cashdesk.dues import unit_dues

#: Open orders the card carries at most (the count says how many there are).
ORDER_LIMIT = 5
#: Open complaints the card carries at most.
COMPLAINT_LIMIT = 3


@dataclass(frozen=True)
class CardOrder:
    """One open repair order of the unit."""

    id: int
    number: str
    category: str  # RepairOrder.CATEGORIES
    description: str
    state: str  # registered / dispatched
    technician: str  # "" when none yet
    appointment_at: dt.datetime | None  # naive UTC
    late: bool  # the appointment has passed and the order is still open
    chases: int  # times the owner chased it (催单)
    chased_at: dt.datetime | None


@dataclass(frozen=True)
class CardCallback:
    """The last callback on one of the unit's orders or complaints."""

    at: dt.datetime
    outcome: str  # Callback.OUTCOMES
    kind: str  # "order" / "complaint"
    number: str


@dataclass(frozen=True)
class CardComplaint:
    id: int
    number: str
    description: str
    state: str  # Complaint.STATES, never "closed"
    received_at: dt.datetime


@dataclass(frozen=True)
class UnitCard:
    unit_id: int
    code: str
    orders: tuple[CardOrder, ...]  # open, late first, then by appointment
    open_orders: int  # all of them, even beyond ORDER_LIMIT
    owed: int  # fen outstanding
    dues: int  # charges with something outstanding
    oldest_due: str  # the oldest of their months ("2026-08"), "" when none
    last_callback: CardCallback | None
    complaints: tuple[CardComplaint, ...]  # open, newest first
    open_complaints: int

    def same_category(self, category: str | None) -> tuple[CardOrder, ...]:
        """The open orders of ``category`` (the card's order: the late ones first)."""
        return tuple(o for o in self.orders if o.category == category)


def _open_orders(unit_id: int, now: dt.datetime) -> tuple[list[CardOrder], int]:
    Tech = Staff.alias()
    # By the unit alone (the unit is this office's, checked by the caller): the
    # (unit, registered_at) index, a unit's few hundred orders at most.
    rows = list(
        RepairOrder.select(RepairOrder.id, RepairOrder.number, RepairOrder.category,
                           RepairOrder.description, RepairOrder.state, Tech.name,
                           RepairOrder.appointment_at, RepairOrder.chases,
                           RepairOrder.chased_at)
        .join(Tech, JOIN.LEFT_OUTER, on=(RepairOrder.technician == Tech.id))
        .where((RepairOrder.unit == unit_id)
               & RepairOrder.state.in_(RepairOrder.OPEN_STATES))
        .tuples())
    orders = [CardOrder(oid, number, category or "other", text or "", state, tech or "",
                        appt, appt is not None and appt < now, int(chases or 0), chased)
              for oid, number, category, text, state, tech, appt, chases, chased in rows]
    orders.sort(key=lambda o: (not o.late, o.appointment_at is None,
                               o.appointment_at or dt.datetime.min, o.id))
    return orders[:ORDER_LIMIT], len(orders)


def _last_callback(unit_id: int) -> CardCallback | None:
    found: list[CardCallback] = []
    for target, link, kind in ((RepairOrder, Callback.order, "order"),
                               (Complaint, Callback.complaint, "complaint")):
        # ``Callback.office + 0``: never the office's (office, at) index walked backwards
        # over every callback; the unit's orders (or complaints), then each one's callbacks.
        row = (Callback.select(Callback.at, Callback.outcome, target.number)
               .join(target, on=(link == target.id))
               .where(target.unit == unit_id)
               .order_by(Callback.at.desc(), Callback.id.desc())
               .limit(1).tuples().first())
        if row is not None:
            found.append(CardCallback(row[0], row[1], kind, row[2] or ""))
    return max(found, key=lambda c: c.at) if found else None


def _open_complaints(unit_id: int) -> tuple[list[CardComplaint], int]:
    rows = list(Complaint.select(Complaint.id, Complaint.number, Complaint.description,
                                 Complaint.state, Complaint.received_at)
                .where((Complaint.unit == unit_id) & (Complaint.state != "closed"))
                .tuples())
    rows.sort(key=lambda r: (r[4], r[0]), reverse=True)
    return ([CardComplaint(cid, number, text or "", state, at)
             for cid, number, text, state, at in rows[:COMPLAINT_LIMIT]], len(rows))


def unit_card(office: Office, unit_id: int | None = None, *, code: str | None = None,
              now: dt.datetime | None = None) -> UnitCard | None:
    """The card of this office's unit ``unit_id`` (or, without it, the unit whose code is
    ``code``, as ``parsing.parse_unit_code`` writes it); None when the office has none."""
    if isinstance(unit_id, bool) or (unit_id is not None and not isinstance(unit_id, int)):
        return None
    if unit_id is None and not code:
        return None
    where = Unit.office == office
    where &= (Unit.id == unit_id) if unit_id is not None else (Unit.code == code)
    found = Unit.select(Unit.id, Unit.code).where(where).tuples().first()
    if found is None:
        return None
    unit_id, unit_code = found
    now = now or now_utc()
    orders, open_count = _open_orders(unit_id, now)
    dues = unit_dues(office, unit_id)
    complaints, complaint_count = _open_complaints(unit_id)
    return UnitCard(
        unit_id=unit_id, code=unit_code, orders=tuple(orders), open_orders=open_count,
        owed=sum(d.outstanding for d in dues), dues=len(dues),
        oldest_due=min((d.period for d in dues), default=""),
        last_callback=_last_callback(unit_id), complaints=tuple(complaints),
        open_complaints=complaint_count)
