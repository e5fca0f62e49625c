"""The morning look at the service register [7.4.1]: "查阅服务登记本前一天任务的完成情况，对未完成的
及时安排处理" — yesterday's work that is not done, and, counted apart, older work still open.

What is unfinished (and nothing else: cancelled and finished work never is):

- a register line not completed (``completed_at`` empty) that has no repair order, or
  whose order is still open (registered or dispatched). A line whose order was cancelled
  is not work to do; one whose order came back (returned, called back, approved …) is the
  callback's (the Overdue callbacks pane), and is completed when it came back done;
- a complaint received and not handled yet (open or assigned): one handled waits for its
  callback (the callbacks pane), one closed is done.

"Yesterday" is the office-local day before today, whatever day of the week it is (on
Monday it is Sunday, when one clerk kept the desk); what is older and still open is
counted apart (``MorningView.older``) and listed only when asked for. On an office's
first day there is nothing from before.

The view opens by itself once per person per day (``morning_view_due``): the first time
it is shown to someone, ``mark_seen`` writes a change-log row (topic ``morning_view``,
``row_id`` the person's staff id, action ``seen``), looked up through the change log's
``(topic, row_id)`` index, so a later sign-in or a restart the same day does not bring it
back, and the next day it comes again. Opened by hand (F10 y) it always shows.

Plain reads (no transaction) for ``deskterm/screens/repairs/morning_view.py``: the lines
through ``ServiceEntry (office, completed_at, at)`` (only the open lines are visited, each
with its order by the ``service_entry`` index), the complaints through ``Complaint
(office, state, …)``; and ``complete_entry``, which marks an enquiry, complaint or other
line done (a repair line is done when its order comes back done:
``order_work.return_order``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, fn

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db import changes
from deskterm.db.models import ChangeLog, Complaint, Office, RepairOrder, ServiceEntry, Staff, Unit
from deskterm.duties.records import desk_person, locked, update_row
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

#: The change log's record of the view shown to a person on a day.
SEEN_TOPIC = "morning_view"
SEEN_ACTION = "seen"
#: A complaint not handled yet.
OPEN_COMPLAINT_STATES = ("open", "assigned")


@dataclass(frozen=True)
class UnfinishedRow:
    """A register line (``entry_id``, maybe with its open order) or a complaint
    (``complaint_id``, ``entry_id`` None)."""

    entry_id: int | None
    at: dt.datetime  # naive UTC: the line's time, or the complaint's receipt
    kind: str  # the line's kind; "complaint" for a complaint
    caller_name: str
    unit: str  # unit code, "" when none
    phone: str
    request: str
    order_id: int | None = None
    order_number: str | None = None
    order_state: str | None = None
    complaint_id: int | None = None
    complaint_number: str | None = None
    complaint_state: str | None = None


@dataclass(frozen=True)
class UnfinishedItems:
    count: int  # all of them, even beyond ``limit``
    rows: tuple[UnfinishedRow, ...]  # newest first, at most ``limit``


NOTHING = UnfinishedItems(0, ())


@dataclass(frozen=True)
class MorningView:
    """Yesterday's unfinished items, and the older ones still open, apart."""

    day: dt.date  # yesterday, office-local
    yesterday: UnfinishedItems
    older: UnfinishedItems = field(default=NOTHING)
    oldest: dt.date | None = None  # the day of the oldest one still open, if any

    @property
    def anything(self) -> bool:
        return bool(self.yesterday.count or self.older.count)


def yesterday_bounds(office: Office, now: dt.datetime | None = None
                     ) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """Yesterday (office-local) and its [start, end) in naive UTC: ``end`` is the start
    of today."""
    tz = office_zone(office)
    today = local(now or now_utc(), tz).date()
    day = today - dt.timedelta(days=1)
    start, end = day_bounds_utc(day, tz)
    return day, start, end


def _open_lines(office: Office, start: dt.datetime | None, end: dt.datetime):
    """``(where, on_order)``: the office's register lines in [start, end) not completed
    that have no order or an open one (a cancelled or returned order's line is not
    unfinished work), to be read with the order LEFT JOINed ``on_order``."""
    where = ((ServiceEntry.office == office) & ServiceEntry.completed_at.is_null()
             & (ServiceEntry.at < end))
    if start is not None:
        where &= ServiceEntry.at >= start
    where &= RepairOrder.id.is_null() | RepairOrder.state.in_(RepairOrder.OPEN_STATES)
    # By the order's ``service_entry`` index alone: with its office in the condition too,
    # SQLite walked the office's index of a million orders for each line.
    on_order = RepairOrder.service_entry == ServiceEntry.id
    return where, on_order


def _entry_rows(office: Office, start: dt.datetime | None, end: dt.datetime, limit: int
                ) -> tuple[int, list[UnfinishedRow]]:
    where, on_order = _open_lines(office, start, end)
    query = (ServiceEntry
             .select(ServiceEntry.id, ServiceEntry.at, ServiceEntry.kind,
                     ServiceEntry.caller_name, Unit.code, ServiceEntry.phone,
                     ServiceEntry.request, RepairOrder.id, RepairOrder.number,
                     RepairOrder.state)
             .join(Unit, JOIN.LEFT_OUTER, on=(ServiceEntry.unit == Unit.id))
             .switch(ServiceEntry)
             .join(RepairOrder, JOIN.LEFT_OUTER, on=on_order)
             .where(where)
             .order_by(ServiceEntry.at.desc(), ServiceEntry.id.desc(), RepairOrder.id)
             .limit(limit)
             .tuples())
    found = list(query)
    rows: list[UnfinishedRow] = []
    seen: set[int] = set()
    for (entry_id, at, kind, caller, unit, phone, request, order_id, number,
         state) in found:
        if entry_id in seen:  # a line that became two open orders: the first one
            continue
        seen.add(entry_id)
        rows.append(UnfinishedRow(entry_id, at, kind, caller or "", unit or "", phone or "",
                                  request or "", order_id, number, state))
    count = len(rows)
    if len(found) >= limit:  # there may be more: count them all
        count = (ServiceEntry.select(fn.COUNT(fn.DISTINCT(ServiceEntry.id)))
                 .join(RepairOrder, JOIN.LEFT_OUTER, on=on_order).where(where).scalar()) or 0
    return count, rows


def _complaint_rows(office: Office, start: dt.datetime | None, end: dt.datetime,
                    limit: int) -> tuple[int, list[UnfinishedRow]]:
    where = ((Complaint.office == office) & Complaint.state.in_(OPEN_COMPLAINT_STATES)
             & (Complaint.received_at < end))
    if start is not None:
        where &= Complaint.received_at >= start
    query = (Complaint
             .select(Complaint.id, Complaint.received_at, Complaint.complainant_name,
                     Unit.code, Complaint.phone, Complaint.description, Complaint.number,
                     Complaint.state)
             .join(Unit, JOIN.LEFT_OUTER, on=(Complaint.unit == Unit.id))
             .where(where)
             .order_by(Complaint.received_at.desc(), Complaint.id.desc())
             .tuples())
    found = list(query.limit(limit))
    count = len(found) if len(found) < limit else Complaint.select().where(where).count()
    return count, [
        UnfinishedRow(None, at, "complaint", name or "", unit or "", phone or "",
                      text or "", complaint_id=complaint_id, complaint_number=number,
                      complaint_state=state)
        for complaint_id, at, name, unit, phone, text, number, state in found]


def _items(office: Office, start: dt.datetime | None, end: dt.datetime, limit: int
           ) -> UnfinishedItems:
    lines, line_rows = _entry_rows(office, start, end, limit)
    complaints, complaint_rows = _complaint_rows(office, start, end, limit)
    rows = sorted(line_rows + complaint_rows,
                  key=lambda r: (r.at, r.complaint_id is None, r.entry_id or r.complaint_id),
                  reverse=True)
    return UnfinishedItems(lines + complaints, tuple(rows[:limit]))


def morning_view(office: Office, *, now: dt.datetime | None = None,
                 limit: int = 100) -> MorningView:
    """Yesterday's unfinished lines and complaints, newest first (at most ``limit``
    rows), and those of the days before still open, counted apart (and the day of the
    oldest)."""
    day, start, end = yesterday_bounds(office, now)
    yesterday = _items(office, start, end, limit)
    older = _items(office, None, start, limit)
    oldest = None
    if older.count > len(older.rows):  # not all listed: the oldest asked for
        where, on_order = _open_lines(office, None, start)
        first = [ServiceEntry.select(fn.MIN(ServiceEntry.at))
                 .join(RepairOrder, JOIN.LEFT_OUTER, on=on_order).where(where).scalar(),
                 Complaint.select(fn.MIN(Complaint.received_at)).where(
                     (Complaint.office == office)
                     & Complaint.state.in_(OPEN_COMPLAINT_STATES)
                     & (Complaint.received_at < start)).scalar()]
        moments = [m for m in first if m is not None]
        oldest = min(moments) if moments else None
    elif older.rows:
        oldest = older.rows[-1].at
    if oldest is not None:
        oldest = local(oldest, office_zone(office)).date()
    return MorningView(day, yesterday, older, oldest)


def seen_today(office: Office, staff: Staff | int, *, now: dt.datetime | None = None) -> bool:
    """Whether the view was shown to ``staff`` today (office-local): the latest "seen" row
    of this person in the change log, by its ``(topic, row_id)`` index."""
    now = now or now_utc()
    staff_id = staff if isinstance(staff, int) else staff.id
    start, end = day_bounds_utc(local(now, office_zone(office)).date(), office_zone(office))
    latest = (ChangeLog.select(ChangeLog.id)
              .where((ChangeLog.topic == SEEN_TOPIC) & (ChangeLog.row_id == staff_id)
                     # "+ 0": not by the office's index (every change of the office)
                     & (ChangeLog.office + 0 == office.id) & (ChangeLog.at >= start)
                     & (ChangeLog.at < end))
              .order_by(ChangeLog.id.desc())
              .limit(1))
    return latest.exists()


def morning_view_due(office: Office, staff: Staff | int, *, now: dt.datetime | None = None,
                     limit: int = 100) -> MorningView | None:
    """After a sign-in: the view to open by itself, or None when this person has seen it
    today or nothing is left unfinished."""
    if seen_today(office, staff, now=now):
        return None
    view = morning_view(office, now=now, limit=limit)
    return view if view.anything else None


def mark_seen(office: Office, staff: Staff | int) -> None:
    """The view was shown to ``staff``: it does not open by itself again today."""
    with changes.write():
        person = desk_person(office, staff)
        changes.record(SEEN_TOPIC, person.id, SEEN_ACTION, office=office, staff=person)


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
