"""The morning look at the service register [7.4.1]: "查阅服务登记本前一天任务的完成情况，对未完成的
及时安排处理" — the register lines of earlier days (office-local) that are not completed, newest
first, with the repair order each one became, if any.

A plain read (no transaction) for ``deskterm/screens/repairs/morning_view.py``: one query with LEFT
JOINs for the rows (index ``ServiceEntry (office, completed_at, at)``) and one count; and
``complete_entry``, which marks an enquiry, complaint or other line done (a repair line is
done when its order comes back done: ``order_work.return_order``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db import changes
from deskterm.db.models import Office, RepairOrder, ServiceEntry, Staff, Unit
from deskterm.duties.records import desk_person, locked, update_row
from deskterm.errors import DutyError
from deskterm.i18n import _


@dataclass(frozen=True)
class UnfinishedRow:
    entry_id: int
    at: dt.datetime  # naive UTC
    kind: str
    caller_name: str
    unit: str  # unit code, "" when none
    phone: str
    request: str
    order_id: int | None
    order_number: str | None
    order_state: str | None


@dataclass(frozen=True)
class UnfinishedItems:
    count: int  # all of them, even beyond ``limit``
    rows: tuple[UnfinishedRow, ...]  # newest first, at most ``limit``


def unfinished_register_items(office: Office, *, now: dt.datetime | None = None,
                              limit: int = 100) -> UnfinishedItems:
    """The office's service-register lines recorded before today (office-local) and not
    completed, newest first."""
    now = now or now_utc()
    today = local(now, office.timezone).date()
    start_of_today, _end = day_bounds_utc(today, office.timezone)
    where = ((ServiceEntry.office == office) & ServiceEntry.completed_at.is_null()
             & (ServiceEntry.at < start_of_today))
    count = ServiceEntry.select().where(where).count()
    if count == 0:
        return UnfinishedItems(0, ())
    query = (ServiceEntry
             .select(ServiceEntry.id, ServiceEntry.at, ServiceEntry.kind,
                     ServiceEntry.caller_name, Unit.code, ServiceEntry.phone,
                     ServiceEntry.request, RepairOrder.id, RepairOrder.number,
                     RepairOrder.state)
             .join(Unit, JOIN.LEFT_OUTER, on=(ServiceEntry.unit == Unit.id))
             .switch(ServiceEntry)
             .join(RepairOrder, JOIN.LEFT_OUTER,
                   on=((RepairOrder.service_entry == ServiceEntry.id)
                       & (RepairOrder.office == office)))
             .where(where)
             .order_by(ServiceEntry.at.desc(), ServiceEntry.id.desc(), RepairOrder.id)
             .limit(limit)
             .tuples())
    rows: list[UnfinishedRow] = []
    seen: set[int] = set()
    for (entry_id, at, kind, caller, unit, phone, request, order_id, number,
         state) in query:
        if entry_id in seen:  # a line that became two orders: the first one
            continue
        seen.add(entry_id)
        rows.append(UnfinishedRow(entry_id, at, kind, caller or "", unit or "", phone or "",
                                  request or "", order_id, number, state))
    return UnfinishedItems(count, tuple(rows))


def should_show_morning_view(items: UnfinishedItems) -> bool:
    """Whether the morning view opens after sign-in: something is left from earlier days."""
    return items.count > 0


def complete_entry(office: Office, clerk: Staff | int, entry_id: int) -> ServiceEntry:
    """Mark a service-register line done: the enquiry was answered, the request settled.

    A line that became a repair order is refused (it is done when the order is returned
    done, and opens again when the order is reopened); so is a line already done or another
    office's line. Writes ``completed_at`` and its change-log row, nothing else.
    """
    now = now_utc()
    with changes.write():
        clerk = desk_person(office, clerk)
        entry = locked(ServiceEntry.select().where(
            (ServiceEntry.id == entry_id) & (ServiceEntry.office == office))).first()
        if entry is None:
            raise DutyError(_("There is no such register line at this office."), "entry")
        order = (RepairOrder.select(RepairOrder.number)
                 .where((RepairOrder.service_entry == entry.id)
                        & (RepairOrder.office == office)).first())
        if order is not None:
            raise DutyError(_("This line is repair order {number}: it is done when the order "
                              "comes back done.").format(number=order.number), "entry")
        if entry.completed_at is not None:
            raise DutyError(_("This line is already done."), "entry")
        update_row(entry, office, clerk, "complete", completed_at=now)
    return entry
