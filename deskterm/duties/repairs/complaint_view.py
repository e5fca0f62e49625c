"""What the complaint screens read [7.4.16][6.7]: the office's complaints as a list (open
ones, this month's, or the closed ones), one complaint in full with its callbacks and its
audit trail from the change log, the people who may handle one, and the month before or
after a month of the summary.

Plain reads (no transaction) for ``deskterm/screens/repairs/complaint_list.py`` and
``complaint_detail.py``; the writes are in ``complaints.py`` and ``callbacks.py``. The
history is rendered by the order detail's helpers (``order_view``), with the complaint's
own staff fields (handler, received by) shown by name.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from peewee import JOIN

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import Callback, Complaint, Office, Staff, Unit
from deskterm.duties.months import month_bounds
from deskterm.duties.repairs.complaints import CATEGORIES, HANDLER_ROLES, STATE_LABELS
from deskterm.duties.repairs.order_view import (
    CallbackLine,
    HistoryLine,
    _names,
    _staff_ids,
    _what,
)
from deskterm.duties.repairs.order_words import CHANNEL_WORDS, OUTCOME_WORDS
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

#: The list's filters: not closed (any month), received this month, closed.
FILTERS = ("open", "month", "closed")
#: Change-log fields of a complaint that hold a staff id (beside order_view.STAFF_FIELDS).
COMPLAINT_STAFF_FIELDS = ("handler", "received_by")
#: A complaint's fields whose stored values are words of their own, for its history.
COMPLAINT_VALUE_WORDS = {"state": STATE_LABELS, "category": CATEGORIES,
                         "channel": CHANNEL_WORDS, "outcome": OUTCOME_WORDS}
#: At most this many rows in the list (the count says how many there are).
LIST_LIMIT = 200



# --- the list ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListedComplaint:
    id: int
    number: str
    received_at: dt.datetime
    complainant: str
    unit: str  # unit code, "" when none
    category: str  # a complaints.CATEGORIES key
    handler: str  # name, "" when not assigned
    state: str  # a Complaint.STATES value
    callback_due_at: dt.datetime | None
    called_back_at: dt.datetime | None
    description: str

    def callback_mark(self, now: dt.datetime) -> str:
        """How the callback stands, as a symbol (never colour alone): "!" handled and past
        its window, "✓" called back in time, "✗" called back late, "" otherwise."""
        due = self.callback_due_at
        if due is None:
            return ""
        if self.called_back_at is not None:
            return "✓" if self.called_back_at <= due else "✗"
        if self.state == "handled" and due < now:
            return "!"
        return ""

    def is_late(self, now: dt.datetime) -> bool:
        return self.callback_mark(now) in ("!", "✗")


@dataclass(frozen=True)
class ComplaintList:
    which: str  # one of FILTERS
    month: str  # "2026-11": the office-local month "month" means
    count: int  # how many there are (rows holds at most LIST_LIMIT)
    late: int  # handled, not called back, window passed
    rows: tuple[ListedComplaint, ...]


def complaint_list(office: Office, which: str = "open", *, now: dt.datetime | None = None,
                   limit: int = LIST_LIMIT) -> ComplaintList:
    """The office's complaints for the list: ``"open"`` (not closed, any month),
    ``"month"`` (received in this office-local month) or ``"closed"``. Open ones come
    first, then the newest first."""
    if which not in FILTERS:
        raise DutyError(_("Choose one of: {choices}.").format(choices=", ".join(FILTERS)),
                        "filter")
    now = now or now_utc()
    tz = office_zone(office)
    month = local(now, tz).format("YYYY-MM")
    where = Complaint.office == office
    if which == "open":
        where &= Complaint.state != "closed"
    elif which == "closed":
        where &= Complaint.state == "closed"
    else:
        start, end = month_bounds(office, month)
        where &= (Complaint.received_at >= start) & (Complaint.received_at < end)
    handler = Staff.alias()
    query = (
        Complaint.select(
            Complaint.id, Complaint.number, Complaint.received_at, Complaint.complainant_name,
            Unit.code, Complaint.category, handler.name, Complaint.state,
            Complaint.callback_due_at, Complaint.called_back_at, Complaint.description)
        .join_from(Complaint, Unit, JOIN.LEFT_OUTER, on=(Complaint.unit == Unit.id))
        .join_from(Complaint, handler, JOIN.LEFT_OUTER, on=(Complaint.handler == handler.id))
        .where(where)
        .order_by((Complaint.state == "closed").asc(), Complaint.received_at.desc(),
                  Complaint.id.desc())
        .limit(limit)
        .tuples()
    )
    rows = tuple(
        ListedComplaint(cid, number, received, name, unit or "", category, who or "", state,
                        due, called, text)
        for cid, number, received, name, unit, category, who, state, due, called, text
        in query)
    count = Complaint.select().where(where).count()
    late = Complaint.select().where(
        where & (Complaint.state == "handled") & (Complaint.callback_due_at < now)).count()
    return ComplaintList(which, month, count, late, rows)


# --- one complaint ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComplaintView:
    id: int
    number: str
    state: str
    unit: str  # unit code, "" when none
    complainant_name: str
    phone: str  # stored digits
    channel: str
    category: str
    description: str
    received_at: dt.datetime
    received_by: str
    handler_id: int | None
    handler: str
    handling: str
    result: str
    handled_at: dt.datetime | None
    callback_due_at: dt.datetime | None
    called_back_at: dt.datetime | None
    closed_at: dt.datetime | None
    callbacks: tuple[CallbackLine, ...]
    history: tuple[HistoryLine, ...]

    @property
    def can_assign(self) -> bool:
        return self.state in ("open", "assigned")

    @property
    def can_handle(self) -> bool:
        return self.state == "assigned"

    @property
    def can_call_back(self) -> bool:
        return self.state == "handled"

    @property
    def can_close(self) -> bool:
        return self.state == "called_back"

    @property
    def callback_on_time(self) -> bool | None:
        """None until called back."""
        if self.called_back_at is None:
            return None
        return self.callback_due_at is not None and self.called_back_at <= self.callback_due_at


def _named(detail: str, names: dict[int, str]) -> str:
    """A change-log detail with the complaint's staff ids replaced by the names."""
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return detail
    for part in (data.get("before") or {}, data.get("after") or {}):
        for field in COMPLAINT_STAFF_FIELDS:
            value = part.get(field)
            if isinstance(value, int) and not isinstance(value, bool):
                part[field] = names.get(value, f"#{value}")
    return json.dumps(data, ensure_ascii=False)


def _complaint_staff_ids(detail: str) -> set[int]:
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return set()
    return {value for part in (data.get("before") or {}, data.get("after") or {})
            for field in COMPLAINT_STAFF_FIELDS
            if isinstance(value := part.get(field), int) and not isinstance(value, bool)}


def complaint_history(office: Office, complaint_id: int, tz: str) -> tuple[HistoryLine, ...]:
    """The complaint's audit trail, oldest first, rendered for the clerk."""
    rows = [row for row in changes.history("complaint", complaint_id)
            if row.office_id in (None, office.id)]
    ids = {row.staff_id for row in rows}
    for row in rows:
        ids |= _staff_ids(row.detail) | _complaint_staff_ids(row.detail)
    names = _names(office, ids)
    return tuple(HistoryLine(row.at, names.get(row.staff_id, "—") if row.staff_id else "—",
                             row.action, _what(_named(row.detail, names), row.action, names, tz,
                                   COMPLAINT_VALUE_WORDS))
                 for row in rows)


def complaint_view(office: Office, complaint_id: int, tz: str | None = None
                   ) -> ComplaintView | None:
    """This office's complaint ``complaint_id`` as the detail view shows it, or None."""
    tz = tz or office.timezone
    row = Complaint.get_or_none((Complaint.id == complaint_id) & (Complaint.office == office))
    if row is None:
        return None
    names = _names(office, {row.received_by_id, row.handler_id})
    callbacks = tuple(
        CallbackLine(at, by, outcome, note) for at, by, outcome, note in
        Callback.select(Callback.at, Staff.name, Callback.outcome, Callback.note)
        .join(Staff, on=(Callback.by == Staff.id))
        .where((Callback.complaint == row.id) & (Callback.office == office))
        .order_by(Callback.id).tuples())
    return ComplaintView(
        id=row.id, number=row.number, state=row.state,
        unit=Unit.get_by_id(row.unit_id).code if row.unit_id else "",
        complainant_name=row.complainant_name, phone=row.phone, channel=row.channel,
        category=row.category, description=row.description, received_at=row.received_at,
        received_by=names.get(row.received_by_id, ""), handler_id=row.handler_id,
        handler=names.get(row.handler_id, "") if row.handler_id else "",
        handling=row.handling, result=row.result, handled_at=row.handled_at,
        callback_due_at=row.callback_due_at, called_back_at=row.called_back_at,
        closed_at=row.closed_at, callbacks=callbacks,
        history=complaint_history(office, row.id, tz))


def complaint_handlers(office: Office) -> list[tuple[int, str, str]]:
    """Who ``complaints.assign_complaint`` accepts: ``(id, name, role)`` of the office's
    active staff in one of ``HANDLER_ROLES``, by role in that order, then by name."""
    rows = (Staff.select(Staff.id, Staff.name, Staff.role)
            .where((Staff.office == office) & Staff.active & Staff.role.in_(HANDLER_ROLES))
            .tuples())
    return sorted(rows, key=lambda r: (HANDLER_ROLES.index(r[2]), r[1], r[0]))
