"""Walk-in visitors (来访登记) [7.4.12]: who came and what they needed; a visit may become a
repair order or a complaint, once.

Same rules as ``records.py``: one ``changes.write()`` per duty with change-log rows (topic =
table name), ``DutyError`` naming the form field, and a refused duty leaves the database
as it was. A conversion runs ``orders.register_call`` / ``complaints.record_complaint``
inside the visit's transaction (their own ``changes.write()`` nests as a savepoint), so
the new order or complaint and the visit's link to it commit together or not at all.
"""

from __future__ import annotations

from peewee import Model

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Complaint, Office, RepairOrder, Staff, Unit, Visit
from deskterm.duties import orders
from deskterm.duties.parsing import parse_phone
from deskterm.duties.records import (
    NAME_LIMIT,
    clean_text,
    create_row,
    desk_person,
    locked,
    update_row,
)
from deskterm.duties.repairs import complaints
from deskterm.errors import DutyError
from deskterm.i18n import _


def record_visit(office: Office, clerk: Staff | int, *, visitor_name: str, purpose: str,
                 unit: Unit | int | None = None, phone: str = "") -> Visit:
    """Record a walk-in visitor: name and what they came for are required; the unit and a
    phone (checked like every phone) when given."""
    now = now_utc()
    visitor_name = clean_text(visitor_name, "visitor_name", limit=NAME_LIMIT,
                              message=_("Enter the visitor's name."))
    purpose = clean_text(purpose, "purpose", message=_("Enter what the visitor came for."))
    phone = parse_phone(phone) if (phone or "").strip() else ""
    with changes.write():
        clerk = desk_person(office, clerk)
        unit = complaints.unit_of(office, unit)
        return create_row(Visit, office, clerk, office=office, at=now,
                          visitor_name=visitor_name, unit=unit, phone=phone, purpose=purpose,
                          recorded_by=clerk)


def visit_of(office: Office, visit_id: Visit | int | None) -> Visit:
    """This office's visit (locked for the transaction), else DutyError on "visit"."""
    if isinstance(visit_id, Model):
        visit_id = visit_id.get_id()
    row = None
    if visit_id is not None:
        row = locked(Visit.select().where(
            (Visit.id == visit_id) & (Visit.office == office))).first()
    if row is None:
        raise DutyError(_("There is no such visit at this office."), "visit")
    return row


def _unconverted(office: Office, visit_id) -> Visit:
    visit = visit_of(office, visit_id)
    if visit.order_id is not None:
        number = RepairOrder.get_by_id(visit.order_id).number
    elif visit.complaint_id is not None:
        number = Complaint.get_by_id(visit.complaint_id).number
    else:
        return visit
    raise DutyError(_("This visit has already become {number}.").format(number=number),
                    "visit")


def _fixed(fields: dict, names: tuple[str, ...]) -> None:
    given = sorted(set(fields) & set(names))
    if given:
        raise TypeError(f"a visit's conversion sets {', '.join(given)} itself")


def visit_to_order(office: Office, clerk: Staff | int, visit_id: Visit | int,
                   **order_fields) -> RepairOrder:
    """Turn a visit into a repair order: ``orders.register_call(channel="walk_in",
    kind="repair", ...)`` with the visitor's name, phone, purpose (as the request) and unit
    unless ``order_fields`` give others (any of register_call's keywords: category,
    urgency, appointment_at, technician, is_public, building ...). The visit links to the
    order; a visit converted once cannot be converted again."""
    _fixed(order_fields, ("channel", "kind"))
    with changes.write():
        person = desk_person(office, clerk)
        visit = _unconverted(office, visit_id)
        values = dict(caller_name=visit.visitor_name, phone=visit.phone,
                      request=visit.purpose, unit=visit.unit_id)
        values.update(order_fields)
        _entry, order = orders.register_call(office, clerk, channel="walk_in", kind="repair",
                                             **values)
        update_row(visit, office, person, "to_order", order=order)
    return order


def visit_to_complaint(office: Office, clerk: Staff | int, visit_id: Visit | int,
                       **complaint_fields) -> Complaint:
    """Turn a visit into a complaint: ``complaints.record_complaint(channel="walk_in",
    ...)`` with the visitor's name, phone, purpose (as the description) and unit unless
    ``complaint_fields`` give others (category, ...). A complaint needs a phone to call
    back on: a visit recorded without one needs ``phone=...``. The visit links to the
    complaint; a visit converted once cannot be converted again."""
    _fixed(complaint_fields, ("channel",))
    with changes.write():
        person = desk_person(office, clerk)
        visit = _unconverted(office, visit_id)
        values = dict(complainant_name=visit.visitor_name, phone=visit.phone,
                      description=visit.purpose, unit=visit.unit_id)
        values.update(complaint_fields)
        complaint = complaints.record_complaint(office, clerk, channel="walk_in", **values)
        update_row(visit, office, person, "to_complaint", complaint=complaint)
    return complaint
