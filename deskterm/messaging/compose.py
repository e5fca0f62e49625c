"""The words of a message to a technician, in the desk's language (``_()``: Chinese at an
office that works in Chinese).

Built inside the dispatch's transaction from the order as it is being saved: the order
number, the unit or public place, the caller and the phone, the request, the appointment
in office time with its date (a message is read later, maybe another day), and the clerk
who dispatched it. Plain text: a WeCom or DingTalk bot, an e-mail and an SMS gateway all
show it as it is.
"""

from __future__ import annotations

from deskterm.clock import local
from deskterm.db.models import Building, District, Office, Place, RepairOrder, Staff, Unit
from deskterm.duties.parsing import format_phone
from deskterm.i18n import N_, _

#: The title of each event's message.
TITLES = {
    "dispatch": N_("Repair {number} for {name}"),
    "reassign": N_("Repair {number} now with {name}"),
    "reschedule": N_("Repair {number}: new appointment"),
}
#: The longest request a message carries (an SMS gateway splits, a bot may refuse more).
REQUEST_LIMIT = 300


def place_of(order: RepairOrder) -> str:
    """The unit's code, else the public place's name, else its building's or district's."""
    for model, row_id, attr in ((Unit, order.unit_id, "code"), (Place, order.place_id, "name"),
                                (Building, order.building_id, "name"),
                                (District, order.district_id, "name")):
        if row_id is not None:
            row = model.get_or_none(model.id == row_id)
            if row is not None:
                return getattr(row, attr)
    return _("public area")


def appointment_words(order: RepairOrder, tz: str) -> str:
    if order.appointment_at is None:
        return _("to be agreed with the caller")
    return local(order.appointment_at, tz).format("YYYY-MM-DD HH:mm")


def compose(office: Office, order: RepairOrder, technician: Staff | None, clerk: Staff | None,
            event: str) -> tuple[str, str]:
    """``(title, body)`` of the message ``event`` ("dispatch", "reassign", "reschedule")
    about ``order``, for ``technician``."""
    name = technician.name if technician is not None else "—"
    title = _(TITLES[event]).format(number=order.number, name=name)
    request = " ".join((order.description or "").split())
    if len(request) > REQUEST_LIMIT:
        request = request[:REQUEST_LIMIT - 1] + "…"
    caller = " ".join(p for p in (order.reporter_name,
                                  format_phone(order.reporter_phone or "")) if p) or "—"
    lines = [
        _("Order no.: {number}").format(number=order.number),
        _("Unit or place: {place}").format(place=place_of(order)),
        _("Caller: {caller}").format(caller=caller),
        _("Asks for: {request}").format(request=request),
        _("Appointment: {when}").format(when=appointment_words(order, office.timezone)),
        _("Technician: {name}").format(name=name),
        _("Dispatched by: {clerk} ({office})").format(
            clerk=clerk.name if clerk is not None else "—", office=office.name),
    ]
    return title, "\n".join(lines)
