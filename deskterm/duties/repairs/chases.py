"""The chase (催单, issue #13): the owner rings again about an order that is still open
("where is my repairman?") and the desk records that instead of registering a new order.

``chase_order`` writes, in one transaction, with a change-log row each:

- on the order: ``chases`` + 1 and ``chased_at`` (its history says "chased", and the Open
  orders pane raises it: ``panes.open_orders``);
- a service-register line for the call itself (``ServiceEntry``, kind "enquiry", its
  ``order`` the order chased), so the register keeps every call. The line is completed at
  once: the enquiry was answered at the desk, and the work it asks for is the order's,
  which stays open (no second line waits on the morning view for the same repair).

No new order is made. Only an open order (registered or dispatched) can be chased.
"""

from __future__ import annotations

from peewee import Model

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, Owner, RepairOrder, ServiceEntry, Staff
from deskterm.duties.orders import order_of
from deskterm.duties.parsing import parse_phone
from deskterm.duties.records import NAME_LIMIT, clean_text, create_row, desk_person, update_row
from deskterm.errors import DutyError
from deskterm.i18n import _


def chase_order(office: Office, clerk: Staff | int, order_id: RepairOrder | int, *,
                caller_name: str = "", phone: str = "", owner: Owner | int | None = None,
                request: str = "", channel: str = "phone"
                ) -> tuple[ServiceEntry, RepairOrder]:
    """Record that the order ``order_id`` was chased by a call (see the module).

    ``caller_name`` and ``phone`` are the caller's as the form holds them (either may be
    empty: nothing is taken from the order that the caller did not say); ``request`` is
    what the clerk typed, else the line reads "Chased order WX-…". An ``owner`` must live
    in the order's unit. Returns the register line and the order."""
    now = now_utc()
    if channel not in ServiceEntry.CHANNELS:
        raise DutyError(_("Choose one of: {choices}.").format(
            choices=", ".join(ServiceEntry.CHANNELS)), "channel")
    caller_name = clean_text(caller_name, "caller_name", limit=NAME_LIMIT, required=False)
    request = clean_text(request, "request", required=False)
    phone = parse_phone(phone) if (phone or "").strip() else ""
    with changes.write():
        clerk = desk_person(office, clerk)
        order = order_of(office, order_id)
        if order.state not in RepairOrder.OPEN_STATES:
            raise DutyError(_("Order {number} is no longer open: there is nothing to "
                              "chase.").format(number=order.number), "order")
        if owner is not None:
            owner_id = owner.get_id() if isinstance(owner, Model) else owner
            owner = Owner.get_or_none((Owner.id == owner_id) & (Owner.office == office))
            if owner is None or owner.unit_id != order.unit_id:
                raise DutyError(_("The caller is not on the roster of the order's unit."),
                                "owner")
        entry = create_row(
            ServiceEntry, office, clerk, office=office, at=now, channel=channel,
            kind="enquiry", caller_name=caller_name, owner=owner, unit=order.unit_id,
            phone=phone,
            request=request or _("Chased order {number}").format(number=order.number),
            recorded_by=clerk, completed_at=now, order=order)
        update_row(order, office, clerk, "chase", chases=order.chases + 1, chased_at=now)
    return entry, order
