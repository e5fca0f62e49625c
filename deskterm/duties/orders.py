"""The repair order's start: the call, the service-register line and the order number
([5.2], [7.4.3]-[7.4.7], [7.4.11]), with the checks the repair duties share (an order of
this office, an active technician, a choice, an appointment time).

Each duty writes as every duty does (``records.py``: one ``changes.write()`` with a
change-log row per row written; a refusal is a ``DutyError`` naming the form field and
leaves the database as it was).

Times are naive UTC (``deskterm.clock``); months and days are the office's, not the host's.
Dispatch, return and reopen are in ``order_work.py``; callbacks in ``callbacks.py``;
approval, handover and filing in ``approvals.py``; the technicians' appointments (busy,
next free slot) in ``slots.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from peewee import Model

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    Building,
    Counter,
    District,
    Office,
    Owner,
    Place,
    RepairOrder,
    ServiceEntry,
    Staff,
    Unit,
    database,
)
from deskterm.duties.months import local_month
from deskterm.duties.parsing import parse_phone
from deskterm.duties.records import (
    NAME_LIMIT,
    clean_text,
    create_row,
    desk_person,
    locked,
    staff_of,
)
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.messaging.outbox import queue_message

URGENCIES = ("normal", "urgent")
#: An appointment may be this much in the past (the time the call itself took).
APPOINTMENT_SLACK = dt.timedelta(minutes=15)


# --- repair orders' own checks (also used by order_work.py and callbacks.py) -------------

def technician_of(office: Office, technician: Staff | int | None) -> Staff:
    return staff_of(office, technician, "technician", roles=("technician",),
                    message=_("Choose an active technician of this office."))


def order_of(office: Office, order_id: RepairOrder | int | None, *, lock: bool = True
             ) -> RepairOrder:
    """This office's order ``order_id`` (locked for the transaction), else DutyError."""
    if isinstance(order_id, Model):
        order_id = order_id.get_id()
    query = RepairOrder.select().where(
        (RepairOrder.id == order_id) & (RepairOrder.office == office))
    row = (locked(query) if lock else query).first() if order_id is not None else None
    if row is None:
        raise DutyError(_("There is no such repair order at this office."), "order")
    return row


def _check_choice(value: str, choices: Iterable[str], field: str) -> str:
    if value not in choices:
        raise DutyError(_("Choose one of: {choices}.").format(choices=", ".join(choices)), field)
    return value


def _check_moment(value: dt.datetime | None, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise DutyError(_("Enter a date and time."), field)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _check_appointment(value: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    value = _check_moment(value, "appointment_at")
    if value is not None and value < now - APPOINTMENT_SLACK:
        raise DutyError(_("The appointment time has already passed."), "appointment_at")
    return value


# --- the order number ---------------------------------------------------------------------

def next_number(office: Office, moment: dt.datetime, counter: str, prefix: str,
                digits: int) -> str:
    """The next number of ``counter`` in the office's month of ``moment``:
    ``{prefix}-YYYYMM-{value:0{digits}d}`` (more digits once a month passes them).

    Call it inside the write transaction that saves the numbered row. The counter row
    (office, counter, "YYYYMM") is taken with one ``INSERT ... ON CONFLICT DO UPDATE
    ... RETURNING``: on PostgreSQL the conflicting row is locked until the transaction ends,
    so a second clerk saving at the same instant waits and gets the next value; on SQLite
    the IMMEDIATE write transaction holds the database already. The month is the office's
    (Asia/Shanghai), not UTC's: 23:30 on 30 November in Shanghai is still 202611.
    """
    if not database.in_transaction():
        raise RuntimeError("next_number() must run inside changes.write()")
    period = local_month(office, moment)
    key = (Counter.office, Counter.name, Counter.period)
    counter_id, value = (
        Counter.insert(office=office, name=counter, period=period, value=1)
        .on_conflict(conflict_target=key, update={Counter.value: Counter.value + 1})
        .returning(Counter.id, Counter.value)
        .tuples()
        .execute()
    )[0]
    changes.record("counter", counter_id, "create" if value == 1 else "update", office=office,
                   before={"value": value - 1} if value > 1 else None,
                   after={"name": counter, "period": period, "value": value})
    return f"{prefix}-{period}-{value:0{digits}d}"


def next_order_number(office: Office, moment: dt.datetime) -> str:
    """The next repair order number: ``WX-202611-0042`` (see ``next_number``)."""
    return next_number(office, moment, "repair_order", "WX", 4)


# --- call intake ----------------------------------------------------------------------------

def _own_row(model: type[Model], office: Office, value, field: str, message: str):
    if value is None:
        return None
    row_id = value.get_id() if isinstance(value, Model) else value
    row = model.get_or_none((model.id == row_id) & (model.office == office))
    if row is None:
        raise DutyError(message, field)
    return row


def register_call(
    office: Office, clerk: Staff | int, *, channel: str, kind: str, caller_name: str,
    phone: str, request: str, unit: Unit | int | None = None, owner: Owner | int | None = None,
    is_public: bool = False, building: Building | int | None = None,
    district: District | int | None = None, category: str = "other", urgency: str = "normal",
    appointment_at: dt.datetime | None = None, technician: Staff | int | None = None,
    place: Place | int | None = None,
) -> ServiceEntry | tuple[ServiceEntry, RepairOrder]:
    """Write a call (or visit, patrol report, technician's report, night-log item) to the
    service register (服务登记本) and, when ``kind == "repair"``, open a repair order.

    Returns the entry, or ``(entry, order)`` for a repair. The order is "registered", or
    "dispatched" (with ``dispatched_at``) when a technician is given. Rules:

    - ``caller_name`` and ``request`` are required; ``phone`` (digits, an optional
      ``-extension``) is required for a private repair (the technician must be able to
      reach the household) and for any other phone call but a public-area repair (a
      patrol guard's radio call about the gate has no number to call back on), optional
      otherwise.
    - A private repair needs the unit (or an owner, whose unit it then is); its district is
      the unit's building's. An owner must live in the unit given.
    - A public-area repair (公共维修) needs a public place, a building or a district; a
      place is that of an active ``Place`` (the gate, a road), whose district it is in. A
      unit given with it stays on the register line (who reported it) but not on the order.
      A place makes the repair a public one.
    - A technician must be an active technician of this office. A busy technician is not
      refused: the form proposes the next free slot (``slots.next_free_slot``), the owner
      decides.
    """
    now = now_utc()
    _check_choice(channel, ServiceEntry.CHANNELS, "channel")
    _check_choice(kind, ServiceEntry.KINDS, "kind")
    caller_name = clean_text(caller_name, "caller_name", limit=NAME_LIMIT,
                             message=_("Enter the caller's name."))
    request = clean_text(request, "request", message=_("Enter what the caller asks for."))
    is_repair = kind == "repair"
    is_public = bool(is_public or place is not None)
    phone = parse_phone(phone) if (phone or "").strip() else ""
    public_repair = is_repair and is_public
    if not phone and not public_repair and (channel == "phone" or is_repair):
        raise DutyError(_("Enter a phone number to call back on."), "phone")
    if is_repair:
        _check_choice(category, RepairOrder.CATEGORIES, "category")
        _check_choice(urgency, URGENCIES, "urgency")
    appointment_at = _check_appointment(appointment_at, now)

    with changes.write():
        clerk = desk_person(office, clerk)
        unit = _own_row(Unit, office, unit, "unit", _("Choose a unit of this office."))
        owner = _own_row(Owner, office, owner, "owner",
                         _("Choose an owner from this office's roster."))
        if owner is not None:
            if unit is None:
                unit = owner.unit
            elif owner.unit_id != unit.id:
                raise DutyError(_("{name} is not on the roster of unit {unit}.").format(
                    name=owner.name, unit=unit.code), "owner")
        building = _own_row(Building, office, building, "building",
                            _("Choose a building of this office."))
        district = _own_row(District, office, district, "district",
                            _("Choose a district of this office."))
        place = _own_row(Place, office, place, "place", _("Choose a place of this office."))
        if place is not None and not place.active:
            raise DutyError(_("{place} is no longer in use.").format(place=place.name), "place")
        tech = technician_of(office, technician) if technician is not None else None
        entry = create_row(
            ServiceEntry, office, clerk, office=office, at=now, channel=channel, kind=kind,
            caller_name=caller_name, owner=owner, unit=unit, phone=phone, request=request,
            appointment_at=appointment_at, recorded_by=clerk)
        if not is_repair:
            return entry
        if is_public:
            if place is not None:
                district, building = place.district, None
            elif building is not None:
                district = building.district
            if district is None:
                raise DutyError(_("A public-area repair needs its building or district."),
                                "building")
            order_unit = None
        else:
            if unit is None:
                raise DutyError(_("Choose the unit to repair."), "unit")
            if building is not None and building.id != unit.building_id:
                raise DutyError(_("Unit {unit} is not in this building.").format(
                    unit=unit.code), "building")
            building, order_unit = unit.building, unit
            district = building.district
        order = create_row(
            RepairOrder, office, clerk, office=office,
            number=next_order_number(office, now), service_entry=entry, district=district,
            building=building, unit=order_unit, place=place, is_public=bool(is_public),
            channel=channel,
            category=category, urgency=urgency, description=request,
            reporter_name=caller_name, reporter_phone=phone, technician=tech,
            appointment_at=appointment_at,
            state="dispatched" if tech is not None else "registered",
            registered_at=now, registered_by=clerk,
            dispatched_at=now if tech is not None else None)
        if tech is not None:  # the technician's message, in this transaction
            queue_message(office, clerk, order, "dispatch")
    return entry, order
