"""The technician's part of a repair order: dispatch (or reassign / reschedule), the return
with materials and any charge, and reopening a returned order ([5.8], [7.4.8], [7.4.9]).

Same rules as ``records.py``: validate, then one ``changes.write()`` transaction with a
change-log row per row written; a refusal is a ``DutyError`` naming the form field and
leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from peewee import Model

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    Charge,
    FeeItem,
    Office,
    RepairOrder,
    ServiceEntry,
    Staff,
    StockItem,
    StockMove,
)
from deskterm.duties.months import local_month
from deskterm.duties.orders import _check_appointment, _check_choice, order_of, technician_of
from deskterm.duties.records import clean_text, create_row, desk_person, locked, update_row
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.messaging.outbox import queue_message

RESULTS = ("done", "not_done")
#: ¥100,000: a repair charge above this is a typing slip, not a charge.
MAX_CHARGE_FEN = 10_000_000
#: Orders that can be reopened from the detail view: back from the technician, and not yet
#: through the manager's approval (after that the order is on paper with a signature).
REOPENABLE_STATES = ("returned", "called_back")
REASON_LIMIT = 500


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
        event = ("reschedule" if order.technician_id == tech.id and order.state == "dispatched"
                 else "reassign" if order.state == "dispatched" else "dispatch")
        update_row(order, office, clerk, "dispatch", **values)
        queue_message(office, clerk, order, event)  # the technician's, in this transaction
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


def reopen_order(office: Office, clerk: Staff | int, order_id: int, *, reason: str
                 ) -> RepairOrder:
    """Reopen an order that came back from the technician ("returned", or "called back"
    before the manager's approval): the owner rang again, the supervisor's patrol found the
    job unfinished. The order goes back to its technician ("dispatched", or "registered"
    when it never had one), ``reopened_count`` + 1; the return, the callback window and the
    callback are cleared (the next return starts a new window), and the service-register
    line is open again. The reason is stored in the change log with the reopening.

    Charges and stock drawn stay: they were real; a later return adds to them.
    """
    now = now_utc()
    reason = clean_text(reason, "reason", limit=REASON_LIMIT,
                        message=_("Say why the order is reopened."))
    with changes.write():
        clerk = desk_person(office, clerk)
        order = order_of(office, order_id)
        if order.state not in REOPENABLE_STATES:
            if order.state in RepairOrder.OPEN_STATES:
                message = _("Order {number} is still open: there is nothing to reopen.")
            else:
                message = _("Order {number} is {state}: an order past the manager's approval "
                            "cannot be reopened; register a new call instead.")
            raise DutyError(message.format(number=order.number, state=order.state), "order")
        state = "dispatched" if order.technician_id is not None else "registered"
        update_row(order, office, clerk, "reopen", state=state,
                   reopened_count=order.reopened_count + 1,
                   dispatched_at=now if state == "dispatched" else order.dispatched_at,
                   returned_at=None, callback_due_at=None, result=None,
                   called_back_at=None, callback_on_time=None)
        changes.record("repair_order", order.id, "reopen", office=office, staff=clerk,
                       after={"reason": reason})
        if order.service_entry_id is not None:
            entry = ServiceEntry.get_by_id(order.service_entry_id)
            if entry.completed_at is not None:
                update_row(entry, office, clerk, "reopen", completed_at=None)
    return order
