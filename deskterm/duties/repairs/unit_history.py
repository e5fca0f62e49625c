"""A unit at a glance [7.4.1]-[7.4.5]: where it is, who lives there and how to call them,
and everything the desk recorded about it, newest first.

``unit_history(office, unit_id)`` merges the unit's service-register lines (those that did
not become one of the unit's repair orders: the order stands for them), repair orders
(number, state, technician, result, charge), complaints, callbacks on those orders and
complaints, and walk-in visits (those not turned into one of the shown orders or
complaints) into one timeline of at most ``limit`` items, with a few counts. Plain reads
(no transaction) for ``deskterm/screens/repairs/unit_history.py``; each list is one query through
an index that starts with the unit (``RepairOrder (unit, registered_at)`` and the foreign
keys' own), so a unit with years of orders costs the same as a new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db.models import (
    Building,
    Callback,
    Complaint,
    District,
    Office,
    Owner,
    RepairOrder,
    ServiceEntry,
    Staff,
    Unit,
    Visit,
)
from deskterm.duties.residents.roster import _phones_of

#: The kinds of timeline items, in the order they sort within one moment.
KINDS = ("order", "entry", "complaint", "visit", "callback")
LIMIT = 200


@dataclass(frozen=True)
class Resident:
    owner_id: int
    name: str
    kind: str  # owner / tenant
    active: bool
    phones: tuple[str, ...]


@dataclass(frozen=True)
class HistoryItem:
    """One thing that happened at the unit. ``state`` is the order's or complaint's state,
    ``open``/``completed`` for a register line, the outcome for a callback, ``""`` for a
    visit. ``result`` is the order's result (done / not_done), the complaint's result text,
    or the register line's kind (repair, enquiry ...). ``order_id`` is the repair order
    the item belongs to (Enter opens it)."""

    at: dt.datetime  # naive UTC
    kind: str  # one of KINDS
    ref_id: int
    number: str = ""
    state: str = ""
    who: str = ""
    text: str = ""
    technician: str = ""
    result: str = ""
    charge: int | None = None  # fen, orders only
    order_id: int | None = None
    complaint_id: int | None = None


@dataclass(frozen=True)
class UnitHistory:
    unit_id: int
    code: str
    building: str
    district: str
    area_centi_m2: int
    residents: tuple[Resident, ...]
    items: tuple[HistoryItem, ...]  # newest first, at most the limit
    more: bool  # older items were left out
    orders_this_year: int
    orders_total: int
    open_orders: int
    complaints: int


def _residents(office, unit_id: int) -> tuple[Resident, ...]:
    rows = list(Owner.select(Owner.id, Owner.name, Owner.kind, Owner.active)
                .where((Owner.office == office) & (Owner.unit == unit_id))
                .order_by(Owner.active.desc(), Owner.kind != "owner", Owner.id).tuples())
    phones = _phones_of([row[0] for row in rows])
    return tuple(Resident(owner_id, name, kind, bool(active), phones.get(owner_id, ()))
                 for owner_id, name, kind, active in rows)


def _orders(office, unit_id: int, limit: int) -> list[HistoryItem]:
    rows = (RepairOrder
            .select(RepairOrder.id, RepairOrder.registered_at, RepairOrder.number,
                    RepairOrder.state, RepairOrder.reporter_name, RepairOrder.description,
                    Staff.name, RepairOrder.result, RepairOrder.charge)
            .join(Staff, JOIN.LEFT_OUTER, on=(RepairOrder.technician == Staff.id))
            .where((RepairOrder.unit == unit_id) & (RepairOrder.office == office))
            .order_by(RepairOrder.registered_at.desc(), RepairOrder.id.desc())
            .limit(limit).tuples())
    return [HistoryItem(at, "order", order_id, number, state, who or "", text or "",
                        tech or "", result or "", charge, order_id=order_id)
            for order_id, at, number, state, who, text, tech, result, charge in rows]


def _entries(office, unit_id: int, limit: int) -> list[HistoryItem]:
    rows = list(ServiceEntry
                .select(ServiceEntry.id, ServiceEntry.at, ServiceEntry.caller_name,
                        ServiceEntry.request, ServiceEntry.completed_at, ServiceEntry.kind,
                        ServiceEntry.order)
                .where((ServiceEntry.unit == unit_id) & (ServiceEntry.office + 0 == office))
                .order_by(ServiceEntry.at.desc(), ServiceEntry.id.desc())
                .limit(limit).tuples())
    orders: dict[int, tuple[int, int | None]] = {}
    if rows:
        for entry_id, order_id, order_unit in (
                RepairOrder.select(RepairOrder.service_entry, RepairOrder.id, RepairOrder.unit)
                .where(RepairOrder.service_entry.in_([row[0] for row in rows]))
                .order_by(RepairOrder.id).tuples()):
            orders.setdefault(entry_id, (order_id, order_unit))
    items = []
    for entry_id, at, caller, request, completed, kind, about in rows:
        order_id, order_unit = orders.get(entry_id, (None, None))
        if order_unit == unit_id:
            continue  # the order's own row tells it
        items.append(HistoryItem(at, "entry", entry_id, "",
                                 "completed" if completed else "open", caller or "",
                                 request or "", result=kind,
                                 order_id=order_id or about))  # a chase: the order chased
    return items


def _complaints(office, unit_id: int, limit: int) -> list[HistoryItem]:
    rows = (Complaint
            .select(Complaint.id, Complaint.received_at, Complaint.number, Complaint.state,
                    Complaint.complainant_name, Complaint.description, Staff.name,
                    Complaint.result)
            .join(Staff, JOIN.LEFT_OUTER, on=(Complaint.handler == Staff.id))
            .where((Complaint.unit == unit_id) & (Complaint.office + 0 == office))
            .order_by(Complaint.received_at.desc(), Complaint.id.desc())
            .limit(limit).tuples())
    return [HistoryItem(at, "complaint", cid, number, state, who or "", text or "",
                        handler or "", result or "", complaint_id=cid)
            for cid, at, number, state, who, text, handler, result in rows]


def _callbacks(office, unit_id: int, limit: int) -> list[HistoryItem]:
    items = []
    for target, link in ((RepairOrder, Callback.order), (Complaint, Callback.complaint)):
        rows = (Callback
                .select(Callback.id, Callback.at, Callback.outcome, Staff.name, Callback.note,
                        target.id, target.number)
                .join(target, on=(link == target.id))
                .switch(Callback)
                .join(Staff, JOIN.LEFT_OUTER, on=(Callback.by == Staff.id))
                .where((target.unit == unit_id) & (Callback.office + 0 == office))
                .order_by(Callback.at.desc(), Callback.id.desc())
                .limit(limit).tuples())
        for cid, at, outcome, by, note, target_id, number in rows:
            is_order = target is RepairOrder
            items.append(HistoryItem(
                at, "callback", cid, number, outcome, by or "", note or "",
                order_id=target_id if is_order else None,
                complaint_id=None if is_order else target_id))
    return items


def _visits(office, unit_id: int, limit: int, shown_orders: set[int],
            shown_complaints: set[int]) -> list[HistoryItem]:
    rows = (Visit
            .select(Visit.id, Visit.at, Visit.visitor_name, Visit.purpose, Visit.order,
                    Visit.complaint, RepairOrder.number, Complaint.number)
            .join(RepairOrder, JOIN.LEFT_OUTER, on=(Visit.order == RepairOrder.id))
            .switch(Visit)
            .join(Complaint, JOIN.LEFT_OUTER, on=(Visit.complaint == Complaint.id))
            .where((Visit.unit == unit_id) & (Visit.office + 0 == office))
            .order_by(Visit.at.desc(), Visit.id.desc())
            .limit(limit).tuples())
    return [HistoryItem(at, "visit", vid, order_number or complaint_number or "", "",
                        who or "", text or "", order_id=order_id, complaint_id=complaint_id)
            for vid, at, who, text, order_id, complaint_id, order_number, complaint_number
            in rows
            if order_id not in shown_orders and complaint_id not in shown_complaints]


def unit_history(office: Office, unit_id: int | None, *, limit: int = LIMIT,
                 now: dt.datetime | None = None) -> UnitHistory | None:
    """The unit ``unit_id`` of ``office`` at a glance, or None when the office has no such
    unit. ``orders_this_year`` counts from January 1st in the office's zone."""
    if not isinstance(unit_id, int) or isinstance(unit_id, bool):
        return None
    found = (Unit.select(Unit.id, Unit.code, Building.name, District.name, Unit.area_centi_m2)
             .join(Building, on=(Unit.building == Building.id))
             .join(District, on=(Building.district == District.id))
             .where((Unit.id == unit_id) & (Unit.office == office)).tuples().first())
    if found is None:
        return None
    limit = max(0, min(int(limit), 1000))
    office_id = office.get_id() if isinstance(office, Office) else office
    orders = _orders(office_id, unit_id, limit)
    complaints = _complaints(office_id, unit_id, limit)
    items = [*orders, *_entries(office_id, unit_id, limit), *complaints,
             *_callbacks(office_id, unit_id, limit),
             *_visits(office_id, unit_id, limit, {i.ref_id for i in orders},
                      {i.ref_id for i in complaints})]
    items.sort(key=lambda i: (i.at, -KINDS.index(i.kind), i.ref_id), reverse=True)
    tz = office.timezone if isinstance(office, Office) else Office.get_by_id(office).timezone
    year_start = day_bounds_utc(dt.date(local(now or now_utc(), tz).year, 1, 1), tz)[0]
    # The unit is this office's (checked above): counting by it alone stays in its index.
    of_unit = RepairOrder.unit == unit_id
    return UnitHistory(
        unit_id=found[0], code=found[1], building=found[2], district=found[3],
        area_centi_m2=found[4], residents=_residents(office_id, unit_id),
        items=tuple(items[:limit]), more=len(items) > limit,
        orders_this_year=RepairOrder.select().where(
            of_unit & (RepairOrder.registered_at >= year_start)).count(),
        orders_total=RepairOrder.select().where(of_unit).count(),
        open_orders=RepairOrder.select().where(
            of_unit & RepairOrder.state.in_(RepairOrder.OPEN_STATES)).count(),
        complaints=Complaint.select().where(Complaint.unit == unit_id).count(),
    )
