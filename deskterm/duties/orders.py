"""The repair order's life up to the technician's return: the call, the number, the
dispatch and the return ([5.2], [5.8], [7.4.3]-[7.4.11]).

Every duty here validates, then writes inside one ``changes.write()`` transaction with a
change-log row per row written (topic = table name; ``before``/``after`` hold the fields
that changed). Anything wrong raises ``DutyError`` naming the form field; as the check and
the write share one transaction, a refused call leaves the database as it was.

Times are naive UTC (``deskterm.clock``); months and days are the office's, not the host's.
Callbacks are in ``callbacks.py``; approval, handover and filing in ``approvals.py``; the
technicians' appointments (busy, next free slot) in ``slots.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from peewee import Model

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import (
    Building,
    Charge,
    Counter,
    District,
    FeeItem,
    Office,
    Owner,
    RepairOrder,
    ServiceEntry,
    Staff,
    StockItem,
    StockMove,
    Unit,
    database,
)
from deskterm.duties.parsing import clean_free_text, parse_phone
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

NAME_LIMIT = 40
TEXT_LIMIT = 2000
URGENCIES = ("normal", "urgent")
RESULTS = ("done", "not_done")
#: ¥100,000: a repair charge above this is a typing slip, not a charge.
MAX_CHARGE_FEN = 10_000_000
#: An appointment may be this much in the past (the time the call itself took).
APPOINTMENT_SLACK = dt.timedelta(minutes=15)


# --- shared helpers (also used by callbacks.py and approvals.py) ---------------------------

def _raw(value: Any) -> Any:
    """A value as the change log shows it: a row by its id, a moment as ISO text."""
    if isinstance(value, Model):
        return value.get_id()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value


def create_row(model: type[Model], office: Office, by: Staff | None, /, **values) -> Model:
    """``model.create(**values)`` and its change-log row (every value in ``after``)."""
    row = model.create(**values)
    after = {k: _raw(v) for k, v in values.items() if k != "office"}
    changes.record(model._meta.table_name, row.get_id(), "create", office=office, staff=by,
                   after=after)
    return row


def update_row(row: Model, office: Office, by: Staff | None, action: str, /,
               **values) -> dict:
    """Write ``values`` to ``row`` (and the object), with the fields that changed before and
    after in the change log. Returns the ``before`` dict."""
    before, after = {}, {}
    for name, value in values.items():
        field = row._meta.fields[name]
        old = row.__data__.get(field.name)
        new = _raw(value)
        if old != new:
            before[name], after[name] = _raw(old), new
    if after:
        type(row).update(**values).where(type(row)._meta.primary_key == row.get_id()).execute()
    for name, value in values.items():
        setattr(row, name, value)
    changes.record(row._meta.table_name, row.get_id(), action, office=office, staff=by,
                   before=before, after=after)
    return before


def locked(query):
    """``query`` with FOR UPDATE where the database has it (PostgreSQL). SQLite needs none:
    its IMMEDIATE write transaction already holds the whole database."""
    return query.for_update() if getattr(database.obj, "for_update", False) else query


def staff_of(office: Office, who: Staff | int | None, field: str | None, *,
             roles: Iterable[str] | None = None, message: str | None = None) -> Staff:
    """The active person ``who`` of this office (with one of ``roles``), else DutyError."""
    staff_id = who.get_id() if isinstance(who, Model) else who
    person = None
    if staff_id is not None:
        person = Staff.get_or_none((Staff.id == staff_id) & (Staff.office == office))
    if person is None or not person.active or (roles is not None and person.role not in roles):
        raise DutyError(message or _("Choose someone from this office's staff list."), field)
    return person


def desk_person(office: Office, clerk: Staff | int) -> Staff:
    """The person at the desk doing the duty (a desk role of this office)."""
    return staff_of(office, clerk, "clerk", roles=Staff.DESK_ROLES,
                    message=_("Sign in at this office's desk first."))


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


def clean_text(value: str | None, field: str, *, limit: int = TEXT_LIMIT,
               required: bool = True, message: str | None = None) -> str:
    """Text as typed, through the forms' one free-text rule (``parsing.clean_free_text``:
    markup and CJK kept verbatim, escape sequences and control characters removed)."""
    return clean_free_text(value, field, max_length=limit, required=required,
                           empty_message=message)


def local_month(office: Office, moment: dt.datetime, fmt: str = "YYYYMM") -> str:
    """The office-local month of a naive-UTC ``moment``: ``202611`` (or ``2026-11``)."""
    return local(moment, office_zone(office)).format(fmt)


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
) -> ServiceEntry | tuple[ServiceEntry, RepairOrder]:
    """Write a call (or visit, patrol report, technician's report, night-log item) to the
    service register (服务登记本) and, when ``kind == "repair"``, open a repair order.

    Returns the entry, or ``(entry, order)`` for a repair. The order is "registered", or
    "dispatched" (with ``dispatched_at``) when a technician is given. Rules:

    - ``caller_name`` and ``request`` are required; ``phone`` (digits, an optional
      ``-extension``) is required for a phone call and for a private repair (the technician
      must be able to reach the household), optional otherwise.
    - A private repair needs the unit (or an owner, whose unit it then is); its district is
      the unit's building's. An owner must live in the unit given.
    - A public-area repair (公共维修) needs a building or a district; a unit given with it
      stays on the register line (who reported it) but not on the order.
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
    phone = parse_phone(phone) if (phone or "").strip() else ""
    if not phone and (channel == "phone" or (is_repair and not is_public)):
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
        tech = technician_of(office, technician) if technician is not None else None
        entry = create_row(
            ServiceEntry, office, clerk, office=office, at=now, channel=channel, kind=kind,
            caller_name=caller_name, owner=owner, unit=unit, phone=phone, request=request,
            appointment_at=appointment_at, recorded_by=clerk)
        if not is_repair:
            return entry
        if is_public:
            if building is not None:
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
            building=building, unit=order_unit, is_public=bool(is_public), channel=channel,
            category=category, urgency=urgency, description=request,
            reporter_name=caller_name, reporter_phone=phone, technician=tech,
            appointment_at=appointment_at,
            state="dispatched" if tech is not None else "registered",
            registered_at=now, registered_by=clerk,
            dispatched_at=now if tech is not None else None)
    return entry, order


# --- dispatch and return --------------------------------------------------------------------

def dispatch(office: Office, clerk: Staff | int, order_id: int, technician: Staff | int, *,
             appointment_at: dt.datetime | None = None) -> RepairOrder:
    """Dispatch a registered order to a technician, or reassign / reschedule a dispatched
    one. ``dispatched_at`` becomes now; the appointment is kept unless a new one is given."""
    now = now_utc()
    appointment_at = _check_appointment(appointment_at, now)
    with changes.write():
        clerk = desk_person(office, clerk)
        order = order_of(office, order_id)
        if order.state not in RepairOrder.OPEN_STATES:
            raise DutyError(_("Order {number} is {state}: only an open order can be "
                              "dispatched.").format(number=order.number, state=order.state),
                            "order")
        tech = technician_of(office, technician)
        if (order.technician_id == tech.id and order.state == "dispatched"
                and appointment_at in (None, order.appointment_at)):
            raise DutyError(_("Order {number} is already with {name}.").format(
                number=order.number, name=tech.name), "technician")
        values = dict(technician=tech, state="dispatched", dispatched_at=now)
        if appointment_at is not None:
            values["appointment_at"] = appointment_at
        update_row(order, office, clerk, "dispatch", **values)
    return order


def _materials(office: Office, materials: Iterable) -> list[tuple[StockItem, int]]:
    """(stock item id, quantity) pairs, merged per item, locked, and checked in stock."""
    wanted: dict[int, int] = {}
    for pair in materials or ():
        try:
            item_id, quantity = pair
        except (TypeError, ValueError) as exc:
            raise DutyError(_("Each material is a stock item and a quantity."),
                            "materials") from exc
        if isinstance(item_id, Model):
            item_id = item_id.get_id()
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise DutyError(_("A quantity used is a whole number above zero."), "materials")
        wanted[item_id] = wanted.get(item_id, 0) + quantity
    drawn = []
    for item_id, quantity in wanted.items():
        item = locked(StockItem.select().where(
            (StockItem.id == item_id) & (StockItem.office == office))).first()
        if item is None:
            raise DutyError(_("Choose materials from this office's stock."), "materials")
        if item.book_quantity < quantity:
            raise DutyError(
                _("Not enough {name} in stock: {have} {uom} on the books, {want} used.").format(
                    name=item.name, have=item.book_quantity, uom=item.uom, want=quantity),
                "materials")
        drawn.append((item, quantity))
    return drawn


def repair_fee_item(office: Office, by: Staff | None) -> FeeItem:
    """The office's repair fee item (kind "repair"), created as code "repair" if missing.
    Call inside a write transaction."""
    item = (FeeItem.select().where((FeeItem.office == office) & (FeeItem.kind == "repair"))
            .order_by(FeeItem.active.desc(), FeeItem.id).first())
    if item is not None:
        return item
    code = "repair"
    taken = {c for (c,) in FeeItem.select(FeeItem.code).where(
        (FeeItem.office == office) & FeeItem.code.startswith("repair")).tuples()}
    n = 1
    while code in taken:
        n += 1
        code = f"repair{n}"
    return create_row(FeeItem, office, by, office=office, code=code, name="维修费",
                      kind="repair", basis="fixed", rate=0)


def return_order(office: Office, clerk: Staff | int, order_id: int, *, result: str,
                 work_done: str, materials: Iterable = (), charge_fen: int = 0
                 ) -> RepairOrder:
    """The technician is back: record the result ("done" / "not_done"), what was done, the
    materials drawn from stock (a "draw" stock move each, lowering the book quantity; refused
    when the books hold too few) and any charge to the owner (a Charge on the unit's account
    with the office's repair fee item, period = the office-local month; private orders only).

    The callback window starts: ``callback_due_at = returned_at + callback_window_hours``.
    ``order.charge`` is the total charged for the order (a reopened order returned again
    adds its new charge). A returned "done" order completes its service-register line.
    """
    now = now_utc()
    _check_choice(result, RESULTS, "result")
    work_done = clean_text(work_done, "work_done", message=_("Enter what was done."))
    if isinstance(charge_fen, bool) or not isinstance(charge_fen, int):
        raise DutyError(_("Enter the charge as an amount of money."), "charge")
    if not 0 <= charge_fen <= MAX_CHARGE_FEN:
        raise DutyError(_("A charge is between ¥0 and ¥{max:,}.").format(
            max=MAX_CHARGE_FEN // 100), "charge")
    with changes.write():
        clerk = desk_person(office, clerk)
        order = order_of(office, order_id)
        if order.state != "dispatched":
            raise DutyError(_("Order {number} is {state}: only a dispatched order can be "
                              "returned.").format(number=order.number, state=order.state),
                            "order")
        if charge_fen and (order.is_public or order.unit_id is None):
            raise DutyError(_("A public-area repair cannot be charged to an owner."), "charge")
        drawn = _materials(office, materials)
        for item, quantity in drawn:
            create_row(StockMove, office, clerk, office=office, item=item, at=now, kind="draw",
                       quantity=-quantity, order=order, reason=order.number, by=clerk)
            update_row(item, office, clerk, "draw",
                       book_quantity=item.book_quantity - quantity)
        if charge_fen:
            create_row(Charge, office, clerk, office=office, unit=order.unit_id,
                       fee_item=repair_fee_item(office, clerk),
                       period=local_month(office, now, "YYYY-MM"), amount=charge_fen,
                       order=order, created_at=now, note=order.number)
        window = dt.timedelta(hours=office.callback_window_hours)
        update_row(order, office, clerk, "return", state="returned", returned_at=now,
                   result=result, work_done=work_done, charge=order.charge + charge_fen,
                   callback_due_at=now + window, called_back_at=None, callback_on_time=None)
        if result == "done" and order.service_entry_id is not None:
            entry = ServiceEntry.get_by_id(order.service_entry_id)
            if entry.completed_at is None:
                update_row(entry, office, clerk, "complete", completed_at=now)
    return order
