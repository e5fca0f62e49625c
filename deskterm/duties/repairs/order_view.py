"""What the order detail view shows: one repair order with the names behind its ids, its
callbacks, the materials drawn for it, and its audit trail from the change log. (The
materials a returning technician reports are chosen by name: ``stock.find_stock``.)

Plain reads (no transaction) for ``deskterm/screens/repairs/order_detail.py``; the writes are
``order_work.dispatch``, ``order_work.return_order`` and ``order_work.reopen_order``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from deskterm.clock import local
from deskterm.db import changes
from deskterm.db.models import (
    Building,
    Callback,
    District,
    Office,
    Place,
    RepairOrder,
    Staff,
    StockItem,
    StockMove,
    Unit,
)
from deskterm.duties.repairs.order_words import VALUE_WORDS, field_word, word
from deskterm.duties.repairs.order_work import REOPENABLE_STATES
from deskterm.i18n import _
from deskterm.money import format_fen

#: Change-log fields that hold a staff id: shown by the person's name.
STAFF_FIELDS = frozenset({"technician", "registered_by", "approved_by", "handed_over_to", "by",
                          "recorded_by", "clerk"})
#: Change-log fields of a created order that say nothing the fields above do not.
QUIET_FIELDS = frozenset({"office", "district", "building", "unit", "service_entry"})
#: Change-log fields that hold integer fen: shown as money.
MONEY_FIELDS = frozenset({"charge", "amount"})
#: At most this many material lines in one return.
MATERIAL_LINES = 50


@dataclass(frozen=True)
class CallbackLine:
    at: dt.datetime
    by: str
    outcome: str
    note: str


@dataclass(frozen=True)
class MaterialLine:
    code: str
    name: str
    quantity: int  # drawn (positive)
    uom: str


@dataclass(frozen=True)
class HistoryLine:
    """One change-log row of the order: when, who, the action, and what changed."""

    at: dt.datetime
    who: str
    action: str
    what: str


@dataclass(frozen=True)
class OrderView:
    id: int
    number: str
    state: str
    unit: str  # unit code, "" for a public-area order
    place: str  # the public place's name ("东门道闸"), "" when none
    building: str
    district: str
    is_public: bool
    channel: str
    category: str
    urgency: str
    description: str
    reporter_name: str
    reporter_phone: str
    technician_id: int | None
    technician: str
    appointment_at: dt.datetime | None
    reopened_count: int
    registered_at: dt.datetime
    registered_by: str
    dispatched_at: dt.datetime | None
    returned_at: dt.datetime | None
    result: str | None
    work_done: str
    charge: int  # fen
    callback_due_at: dt.datetime | None
    called_back_at: dt.datetime | None
    callback_on_time: bool | None
    approved_at: dt.datetime | None
    approved_by: str
    handed_over_at: dt.datetime | None
    handed_over_to: str
    filed_at: dt.datetime | None
    callbacks: tuple[CallbackLine, ...]
    materials: tuple[MaterialLine, ...]
    history: tuple[HistoryLine, ...]

    @property
    def can_dispatch(self) -> bool:
        return self.state in RepairOrder.OPEN_STATES

    @property
    def can_return(self) -> bool:
        return self.state == "dispatched"

    @property
    def can_call_back(self) -> bool:
        return self.state == "returned"

    @property
    def can_reopen(self) -> bool:
        return self.state in REOPENABLE_STATES


def _names(office: Office, ids) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return dict(Staff.select(Staff.id, Staff.name)
                .where((Staff.office == office) & Staff.id.in_(ids)).tuples())


def _moment(value, tz: str) -> str:
    """An ISO moment of the change log in office time; anything else as it is."""
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] in " T":
        try:
            return local(dt.datetime.fromisoformat(value), tz).format("MM-DD HH:mm")
        except ValueError:
            return value
    return value


def _shown(name: str, value, names: dict[int, str], tz: str,
           value_words: dict = VALUE_WORDS) -> str:
    if value is None or value == "":
        return "—"
    if name in STAFF_FIELDS and isinstance(value, int):
        return names.get(value, f"#{value}")
    if name.endswith("_at"):
        return str(_moment(value, tz))
    if name in MONEY_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return format_fen(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in value_words and isinstance(value, str):
        return word(value_words[name], value)
    return " ".join(str(value).split())


def _what(detail: str, action: str, names: dict[int, str], tz: str,
          value_words: dict = VALUE_WORDS) -> str:
    """``state: registered → dispatched, technician: 张强`` from a change-log detail, in
    the clerk's words (``order_words``)."""
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return detail
    before, after = data.get("before") or {}, data.get("after") or {}
    parts = []
    for name, value in after.items():
        if action == "create" and name in QUIET_FIELDS:
            continue
        new = _shown(name, value, names, tz, value_words)
        if name in before:
            old = _shown(name, before[name], names, tz, value_words)
            parts.append(f"{field_word(name)}: {old} → {new}")
        else:
            parts.append(f"{field_word(name)}: {new}")
    return ", ".join(parts)


def _staff_ids(detail: str) -> set[int]:
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return set()
    ids = set()
    for part in (data.get("before") or {}, data.get("after") or {}):
        for name, value in part.items():
            if name in STAFF_FIELDS and isinstance(value, int):
                ids.add(value)
    return ids


def order_history(office: Office, order_id: int, tz: str) -> tuple[HistoryLine, ...]:
    """The order's audit trail, oldest first, rendered for the clerk."""
    rows = [row for row in changes.history("repair_order", order_id)
            if row.office_id in (None, office.id)]
    ids = {row.staff_id for row in rows}
    for row in rows:
        ids |= _staff_ids(row.detail)
    names = _names(office, ids)
    return tuple(HistoryLine(row.at, names.get(row.staff_id, "—") if row.staff_id else "—",
                             row.action, _what(row.detail, row.action, names, tz))
                 for row in rows)


def order_view(office: Office, order_id: int, tz: str | None = None) -> OrderView | None:
    """This office's order ``order_id`` as the detail view shows it, or None."""
    tz = tz or office.timezone
    order = RepairOrder.get_or_none((RepairOrder.id == order_id) & (RepairOrder.office == office))
    if order is None:
        return None
    names = _names(office, {order.technician_id, order.registered_by_id, order.approved_by_id,
                            order.handed_over_to_id})

    def name(staff_id):
        return names.get(staff_id, "") if staff_id else ""

    unit = Unit.get_by_id(order.unit_id).code if order.unit_id else ""
    building = Building.get_by_id(order.building_id).name if order.building_id else ""
    place = Place.get_by_id(order.place_id).name if order.place_id else ""
    district = District.get_by_id(order.district_id).name if order.district_id else ""
    callbacks = tuple(
        CallbackLine(at, by, outcome, note) for at, by, outcome, note in
        Callback.select(Callback.at, Staff.name, Callback.outcome, Callback.note)
        .join(Staff, on=(Callback.by == Staff.id))
        .where((Callback.order == order.id) & (Callback.office == office))
        .order_by(Callback.id).tuples())
    drawn: dict[int, list] = {}
    for item_id, code, item_name, uom, quantity in (
            StockMove.select(StockItem.id, StockItem.code, StockItem.name, StockItem.uom,
                             StockMove.quantity)
            .join(StockItem, on=(StockMove.item == StockItem.id))
            .where((StockMove.order == order.id) & (StockMove.office == office))
            .order_by(StockMove.id).tuples()):
        line = drawn.setdefault(item_id, [code, item_name, 0, uom])
        line[2] -= quantity  # a draw is a negative move
    materials = tuple(MaterialLine(c, n, q, u) for c, n, q, u in drawn.values() if q)
    return OrderView(
        id=order.id, number=order.number, state=order.state, unit=unit, place=place,
        building=building,
        district=district, is_public=order.is_public, channel=order.channel,
        category=order.category, urgency=order.urgency, description=order.description,
        reporter_name=order.reporter_name, reporter_phone=order.reporter_phone,
        technician_id=order.technician_id, technician=name(order.technician_id),
        appointment_at=order.appointment_at, reopened_count=order.reopened_count,
        registered_at=order.registered_at, registered_by=name(order.registered_by_id),
        dispatched_at=order.dispatched_at, returned_at=order.returned_at, result=order.result,
        work_done=order.work_done, charge=order.charge, callback_due_at=order.callback_due_at,
        called_back_at=order.called_back_at, callback_on_time=order.callback_on_time,
        approved_at=order.approved_at, approved_by=name(order.approved_by_id),
        handed_over_at=order.handed_over_at, handed_over_to=name(order.handed_over_to_id),
        filed_at=order.filed_at, callbacks=callbacks, materials=materials,
        history=order_history(office, order.id, tz))
