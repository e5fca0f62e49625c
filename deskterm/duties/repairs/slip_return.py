"""The returned repair slip copied in [7.4.9]: the technician's return (``order_work.
return_order``: work done, materials, charge, result) with what else the paper says — the
owner's signature and opinion, and the time written beside it — in one transaction.

The slip's last lines are the owner's (``repair_slip``: 业主意见 □满意 □不满意, 业主签字,
时间). The desk notes which of ``OWNER_NOTES`` the paper shows (never chosen for the
clerk), and the time the owner signed when it is written (a moment not in the future, not
before the order was dispatched). No column holds them: they are a change-log row of the
order (topic ``repair_order``, action ``slip_back``, ``after``: ``owner_note``,
``signed_at``), written with the return, so the order's history shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import Office, RepairOrder, Staff
from deskterm.duties.records import desk_person
from deskterm.duties.repairs.order_words import OWNER_WORDS
from deskterm.duties.repairs.order_work import return_order
from deskterm.errors import DutyError
from deskterm.i18n import _

SLIP_BACK_ACTION = "slip_back"
#: What the slip's owner lines show (the words: ``order_words.OWNER_WORDS``).
OWNER_NOTES = OWNER_WORDS


def check_signed_at(signed_at: dt.datetime | None, dispatched_at: dt.datetime | None,
                    now: dt.datetime) -> None:
    """The owner's time on the slip: not after now, not before the dispatch."""
    if signed_at is None:
        return
    if signed_at > now:
        raise DutyError(_("The owner cannot have signed later than now."), "signed_at")
    if dispatched_at is not None and signed_at < dispatched_at.replace(second=0,
                                                                       microsecond=0):
        raise DutyError(_("That is before the order was dispatched."), "signed_at")


def return_from_slip(office: Office, clerk: Staff | int, order_id: int, *, result: str,
                     work_done: str, materials: Iterable = (), charge_fen: int = 0,
                     owner_note: str | None, signed_at: dt.datetime | None = None
                     ) -> RepairOrder:
    """``return_order`` with the slip's owner lines (see the module); DutyError at the
    field ("owner_note", "signed_at", or the return's own) and nothing stored."""
    if owner_note not in OWNER_NOTES:
        raise DutyError(_("Say what the slip shows: the owner's signature and opinion."),
                        "owner_note")
    if not isinstance(signed_at, dt.datetime):
        signed_at = None  # not written on the slip
    now = now_utc()
    with changes.write():
        person = desk_person(office, clerk)
        found = RepairOrder.get_or_none((RepairOrder.id == order_id)
                                        & (RepairOrder.office == office))
        if found is not None and found.state == "dispatched":
            check_signed_at(signed_at, found.dispatched_at, now)
        order = return_order(office, person, order_id, result=result, work_done=work_done,
                             materials=materials, charge_fen=charge_fen)
        after = {"owner_note": owner_note}
        if signed_at is not None:
            after["signed_at"] = signed_at.isoformat(sep=" ")
        changes.record("repair_order", order.id, SLIP_BACK_ACTION, office=office,
                       staff=person, after=after)
    return order
