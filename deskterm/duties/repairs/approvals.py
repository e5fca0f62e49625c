"""After the callback: the manager's Monday approval, the month-end handover by district
to the customer-service supervisors, and the filing of public-area orders [5.8][7.4.10].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Model, fn

from deskterm.clock import day_bounds_utc, now_utc
from deskterm.db import changes
from deskterm.db.models import Building, District, Office, Place, RepairOrder, Staff, Unit
from deskterm.duties.months import month_bounds
from deskterm.duties.pin_checks import check_pin, pin_ok
from deskterm.duties.records import desk_person, locked, staff_of, update_row
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _


@dataclass(frozen=True)
class ListedOrder:
    """One line of the approval, handover or filing list (printable)."""

    id: int
    number: str
    place: str  # unit code, or the place, building or district of a public-area order
    description: str
    technician: str
    result: str
    charge: int  # fen
    returned_at: dt.datetime
    called_back_at: dt.datetime | None
    callback_on_time: bool | None


def listed_orders(where) -> list[ListedOrder]:
    tech = Staff.alias()
    rows = (
        RepairOrder.select(
            RepairOrder.id, RepairOrder.number, fn.COALESCE(Unit.code, Place.name),
            Building.name, District.name,
            RepairOrder.description, tech.name, RepairOrder.result, RepairOrder.charge,
            RepairOrder.returned_at, RepairOrder.called_back_at, RepairOrder.callback_on_time)
        .join_from(RepairOrder, Unit, JOIN.LEFT_OUTER)
        .join_from(RepairOrder, Place, JOIN.LEFT_OUTER)
        .join_from(RepairOrder, Building, JOIN.LEFT_OUTER)
        .join_from(RepairOrder, District)
        .join_from(RepairOrder, tech, JOIN.LEFT_OUTER, on=(RepairOrder.technician == tech.id))
        .where(where)
        .order_by(RepairOrder.called_back_at, RepairOrder.id)
        .tuples()
    )
    return [ListedOrder(oid, number, unit or building or district, text, who or "",
                        result or "", charge, returned, called, on_time)
            for (oid, number, unit, building, district, text, who, result, charge, returned,
                 called, on_time) in rows]


def week_bounds(office: Office, week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The office-local week (Monday to Sunday) containing ``week_start``, in naive UTC."""
    monday = week_start - dt.timedelta(days=week_start.weekday())
    tz = office_zone(office)
    return day_bounds_utc(monday, tz)[0], day_bounds_utc(monday + dt.timedelta(days=7), tz)[0]


def approval_list(office: Office, week_start: dt.date) -> list[ListedOrder]:
    """The orders for the manager's Monday approval: those called back in the week of
    ``week_start`` (last week, on a Monday) and not yet approved — and any left over from
    earlier weeks, so that nothing waits for ever. Oldest callback first."""
    _start, end = week_bounds(office, week_start)
    return listed_orders((RepairOrder.office == office) & (RepairOrder.state == "called_back")
                   & (RepairOrder.called_back_at < end))


def approve_orders(office: Office, manager_id: int, pin: str, order_ids, *,
                   at_desk=None) -> list[RepairOrder]:
    """The manager approves called-back orders as a batch, with the manager's own PIN.

    All or nothing: every order must be this office's and "called back". Each gets
    ``approved_at``/``approved_by`` and state "approved". Only a manager may approve: a
    clerk's or supervisor's PIN is refused whether right or wrong (and is not checked).
    The PIN is checked before the write (``pin_checks.check_pin``): a wrong one is logged
    and counted towards the manager's lockout (``at_desk``: who was at the desk).
    """
    now = now_utc()
    ids = []
    for order_id in order_ids or ():
        order_id = order_id.get_id() if isinstance(order_id, Model) else order_id
        if order_id not in ids:
            ids.append(order_id)
    if not ids:
        raise DutyError(_("Choose the orders to approve."), "orders")
    manager = staff_of(office, manager_id, "manager",
                       message=_("Choose the manager from this office's staff list."))
    if manager.role != "manager":
        raise DutyError(_("Only the manager can approve orders: {name} is not a manager.")
                        .format(name=manager.name), "manager")
    check_pin(office, manager, pin, "approval", "pin", at_desk=at_desk)
    with changes.write():
        orders = list(locked(RepairOrder.select().where(
            (RepairOrder.office == office) & RepairOrder.id.in_(ids)).order_by(RepairOrder.id)))
        if len(orders) != len(ids):
            raise DutyError(_("There is no such repair order at this office."), "orders")
        waiting = [o.number for o in orders if o.state != "called_back"]
        if waiting:
            raise DutyError(_("Not called back, so not ready for approval: {numbers}.").format(
                numbers=", ".join(waiting)), "orders")
        pin_ok(office, manager, "approval", at_desk=at_desk)
        for order in orders:
            update_row(order, office, manager, "approve", state="approved", approved_at=now,
                       approved_by=manager)
    return orders


def handover_where(office: Office, end: dt.datetime):
    """What the month-end handover takes (of every district): this office's approved
    private orders returned before ``end``. The preview lists the same."""
    return ((RepairOrder.office == office) & (RepairOrder.is_public == False)  # noqa: E712
            & (RepairOrder.state == "approved") & (RepairOrder.returned_at < end))


def filing_where(office: Office, end: dt.datetime):
    """What the monthly filing takes: the approved public-area orders returned before
    ``end``. The preview lists the same."""
    return ((RepairOrder.office == office) & (RepairOrder.is_public == True)  # noqa: E712
            & (RepairOrder.state == "approved") & (RepairOrder.returned_at < end))


def month_end_handover(office: Office, clerk, month, district_id, cs_supervisor_id
                       ) -> list[ListedOrder]:
    """Hand the district's approved private orders returned in ``month`` or earlier (and
    not yet handed over) to the district's customer-service supervisor: ``handed_over_at``,
    ``handed_over_to``, state "handed_over". Returns the printable list (empty when there
    is nothing to hand over; nothing is then written)."""
    now = now_utc()
    _start, end = month_bounds(office, month)
    with changes.write():
        clerk = desk_person(office, clerk)
        if isinstance(district_id, Model):
            district_id = district_id.get_id()
        district = District.get_or_none((District.id == district_id)
                                        & (District.office == office))
        if district is None:
            raise DutyError(_("Choose a district of this office."), "district")
        supervisor = staff_of(office, cs_supervisor_id, "cs_supervisor",
                              roles=("cs_supervisor",),
                              message=_("Choose a customer-service supervisor of this office."))
        where = handover_where(office, end) & (RepairOrder.district == district)
        orders = list(locked(RepairOrder.select().where(where).order_by(RepairOrder.id)))
        for order in orders:
            update_row(order, office, clerk, "hand_over", state="handed_over",
                       handed_over_at=now, handed_over_to=supervisor)
    return listed_orders(RepairOrder.id.in_([o.id for o in orders])) if orders else []


def file_public_orders(office: Office, clerk, month) -> list[ListedOrder]:
    """File the approved public-area orders (公共维修) returned in ``month`` or earlier:
    ``filed_at``, state "filed". Returns the filed list (empty: nothing written)."""
    now = now_utc()
    _start, end = month_bounds(office, month)
    with changes.write():
        clerk = desk_person(office, clerk)
        orders = list(locked(RepairOrder.select().where(filing_where(office, end))
                             .order_by(RepairOrder.id)))
        for order in orders:
            update_row(order, office, clerk, "file", state="filed", filed_at=now)
    return listed_orders(RepairOrder.id.in_([o.id for o in orders])) if orders else []
