"""Searching the service register (服务登记本) [7.4.1]-[7.4.5]: one box the clerk types into,
a range of office-local days and the state of the lines.

``search_register(office, text=..., date_from=..., date_to=..., state=...)`` reads the box
as the owner lookup does (``roster.unit_query``, ``roster.phone_digits``), and looks for:

- a unit code, whole or its start: ``3-2-501``, ``3栋2单元501``, ``3-2`` or ``3`` (the units
  of building 3, entrance 2 / building 3; a room begun, ``3-2-5``, finds 3-2-5xx): the lines
  of those units;
- four or more digits: the lines whose phone contains them, and the lines of roster owners
  with such a phone;
- anything else: a name. Lines whose caller's name contains it, and the lines of the units
  of roster owners whose name contains it (or whose pinyin initials begin with it: ``zs``).

Newest first, at most ``limit``, with the count of all of them. The days are inclusive, in
the office's zone; ``parse_register_date`` reads what a clerk types for one (``2026-11-01``,
``11-01``, ``11月1日``, ``today``, ``yesterday``, ``昨天``). Every query goes through the
office's ``ServiceEntry (office, at)`` index or the unit and owner indexes; nothing raises
but ``DutyError``. ``unit_history`` (a unit at a glance) is in ``deskterm.duties.repairs.unit_history``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from peewee import JOIN, SQL, fn

from deskterm.clock import day_bounds_utc, local
from deskterm.db.models import Office, Owner, OwnerPhone, RepairOrder, ServiceEntry, Unit
from deskterm.duties.parsing_time import _DAY_ONLY
from deskterm.duties.residents.roster import (
    _ASCII_LETTERS,
    _CJK,
    MAX_QUERY,
    _escape,
    _like,
    normalise,
    phone_digits,
    unit_query,
)
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

#: The state filter of the register's lines.
STATES: dict[str, str] = {"open": N_("open"), "completed": N_("completed"), "all": N_("all")}
#: The order-state filter: a state of ``RepairOrder.STATES``, or one of these.
ORDER_FILTERS = ("none", "open")
#: Rows at most in one answer.
MAX_LIMIT = 1000


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register, with the repair order it became (the first, if two)."""

    entry_id: int
    at: dt.datetime  # naive UTC
    kind: str
    channel: str
    caller_name: str
    unit_id: int | None
    unit_code: str  # "" when none
    phone: str
    request: str
    completed: bool
    order_id: int | None = None
    order_number: str | None = None
    order_state: str | None = None


@dataclass(frozen=True)
class RegisterResult:
    count: int  # every line found, even beyond the limit
    rows: tuple[RegisterRow, ...]  # newest first

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


# --- days as typed ----------------------------------------------------------------------------

_BACK_DAYS = {"yesterday": -1, "昨天": -1, "昨日": -1, "前天": -2, "大前天": -3}
_FORWARD_DAYS = {"today": 0, "今天": 0, "今日": 0, "tomorrow": 1, "明天": 1, "明日": 1,
                 "后天": 2, "後天": 2}
_MAX_DATE_TEXT = 20
#: Days outside these years are typing mistakes (and beyond what the clock converts).
_FIRST_YEAR, _LAST_YEAR = 1900, 2999


def _bad_date(field: str) -> DutyError:
    return DutyError(_("Not a date: write 2026-11-01, 11-01, today or yesterday."), field)


def parse_register_date(text: str | None, *, tz: str, now: dt.datetime,
                        field: str = "date_from") -> dt.date | None:
    """A day typed for the register search → the office-local date, or None when empty.

    ``2026-11-01``, ``2026/11/1``, ``2026年11月1日``, ``11-01``, ``11月1日``, ``today``,
    ``yesterday``, ``今天``, ``昨天``, ``前天``. A month and day without a year is the latest
    such day that is not after today (the register holds the past)."""
    cleaned = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().lower()
    if not cleaned:
        return None
    today = local(now, tz).date()
    if cleaned in _BACK_DAYS or cleaned in _FORWARD_DAYS:
        return today + dt.timedelta(days={**_BACK_DAYS, **_FORWARD_DAYS}[cleaned])
    match = _DAY_ONLY.fullmatch(cleaned) if len(cleaned) <= _MAX_DATE_TEXT else None
    if match is None or match["m"] is None:
        raise _bad_date(field)
    month, day = int(match["m"]), int(match["d"])
    years = [int(match["y"])] if match["y"] else [today.year, today.year - 1]
    for year in years:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if not _FIRST_YEAR <= date.year <= _LAST_YEAR:
            raise DutyError(_("That date is out of range."), field)
        if match["y"] or date <= today:
            return date
    raise DutyError(_("There is no such date: write month-day, like 11-01."), field)


# --- what the box holds -----------------------------------------------------------------------

def _unit_ids(office, text: str) -> list[int] | None:
    """The units a unit code (or its start) in ``text`` names, or None if it is not one.
    One or two parts are whole (``3`` is building 3, not 30); a third is a room begun."""
    uq = unit_query(text)
    if uq is None:
        return None
    parts = uq.code.count("-") + 1
    code = _escape(uq.code)
    query = Unit.select(Unit.id).where(Unit.office == office)
    if parts == 3 and not uq.complete:
        exact = list(query.where(Unit.code == uq.code).tuples())
        if exact:
            return [row[0] for row in exact]
        pattern = _like(Unit.code, code + "%")
    else:
        pattern = _like(Unit.code, code + "-%")
    return [row[0] for row in query.where(pattern).tuples()]


def _phone_match(office, digits: str):
    owners = (OwnerPhone.select(OwnerPhone.owner)
              .join(Owner, on=(OwnerPhone.owner == Owner.id))
              .where((Owner.office == office) & _like(OwnerPhone.phone, "%" + digits + "%")))
    return _like(ServiceEntry.phone, "%" + digits + "%") | ServiceEntry.owner.in_(owners)


def _name_match(office, text: str):
    if _CJK.search(text):
        text = text.replace(" ", "")
    contains = "%" + _escape(text) + "%"
    named = _like(Owner.name, contains)
    if _ASCII_LETTERS.fullmatch(text):
        named = named | _like(Owner.pinyin_initials, _escape(text.lower()) + "%")
    owners = Owner.select(Owner.unit).where((Owner.office == office) & named)
    return _like(ServiceEntry.caller_name, contains) | ServiceEntry.unit.in_(owners)


def text_filter(office, text: str | None):
    """``(condition on ServiceEntry, by unit)`` for what was typed: ``(None, False)`` for an
    empty box, ``(False, False)`` for a query nothing can match; ``by unit`` when the
    condition is the lines of a few units (their index beats the office's date order)."""
    text = normalise(text) if isinstance(text, str) else ""
    if not text:
        return None, False
    if len(text) > MAX_QUERY:
        raise DutyError(_("Too long to search for: at most {limit} characters.").format(
            limit=MAX_QUERY), "text")
    units = _unit_ids(office, text)
    if units:
        return ServiceEntry.unit.in_(units), True
    digits = phone_digits(text)
    if digits is not None:
        return _phone_match(office, digits), False
    if units is not None:  # a unit code this office does not have
        return False, False
    return _name_match(office, text), False


# --- the search ---------------------------------------------------------------------------------

def _check_dates(office, date_from, date_to):
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None and (not isinstance(value, dt.date)
                                  or isinstance(value, dt.datetime)):
            raise DutyError(_("Not a date."), name)
        if value is not None and not _FIRST_YEAR <= value.year <= _LAST_YEAR:
            raise DutyError(_("That date is out of range."), name)
    if date_from is not None and date_to is not None and date_to < date_from:
        raise DutyError(_("The last day is before the first."), "date_to")
    start = day_bounds_utc(date_from, office.timezone)[0] if date_from else None
    end = day_bounds_utc(date_to, office.timezone)[1] if date_to else None
    return start, end


def _order_condition(order_state: str | None):
    if order_state is None:
        return None
    has_order = RepairOrder.select(SQL("1")).where(
        RepairOrder.service_entry == ServiceEntry.id)
    if order_state == "none":
        return ~fn.EXISTS(has_order)
    if order_state not in ORDER_FILTERS and order_state not in RepairOrder.STATES:
        raise DutyError(_("Not an order state."), "order_state")
    states = RepairOrder.OPEN_STATES if order_state == "open" else (order_state,)
    return fn.EXISTS(has_order.where(RepairOrder.state.in_(states)))


def search_register(office: Office, *, text: str | None = "", date_from: dt.date | None = None,
                    date_to: dt.date | None = None, state: str | None = None,
                    order_state: str | None = None, limit: int = 200) -> RegisterResult:
    """The office's register lines matching all that is given, newest first (see the
    module's docstring). ``state``: ``open`` (not completed), ``completed`` or ``all``
    (None); ``order_state``: a repair-order state, ``open`` (registered or dispatched) or
    ``none`` (lines without an order)."""
    if state not in (None, *STATES):
        raise DutyError(_("Not a state of the register."), "state")
    if not isinstance(limit, int) or limit < 0:
        raise DutyError(_("Not a number of rows."), "limit")
    limit = min(limit, MAX_LIMIT)
    if not isinstance(office, Office):
        office = Office.get_by_id(office)
    start, end = _check_dates(office, date_from, date_to)
    matched, by_unit = text_filter(office, text)
    if matched is False:
        return RegisterResult(0, ())
    office_id = office.get_id()
    # ``office_id + 0`` cannot use the (office, at) index, so SQLite takes the unit's.
    where = (ServiceEntry.office + 0 == office_id) if by_unit else (
        ServiceEntry.office == office_id)
    for condition in (
        matched,
        ServiceEntry.at >= start if start else None,
        ServiceEntry.at < end if end else None,
        ServiceEntry.completed_at.is_null() if state == "open" else None,
        ServiceEntry.completed_at.is_null(False) if state == "completed" else None,
        _order_condition(order_state),
    ):
        if condition is not None:
            where &= condition
    if limit == 0:
        return RegisterResult(ServiceEntry.select().where(where).count(), ())
    columns = (ServiceEntry.id, ServiceEntry.at, ServiceEntry.kind, ServiceEntry.channel,
               ServiceEntry.caller_name, ServiceEntry.unit, Unit.code, ServiceEntry.phone,
               ServiceEntry.request, ServiceEntry.completed_at)
    newest = (ServiceEntry.at.desc(), ServiceEntry.id.desc())
    typed = normalise(text) if isinstance(text, str) else ""
    if matched is not None and not by_unit and len(typed) > 1:
        # Phone digits or a name: every line of the office is read to count them anyway,
        # so one pass finds them all, oldest first (the index's own order, which SQLite
        # walks ~40 % faster than newest first), for their count and the newest page;
        # a count after a full page read them all a second time. (One character, a
        # surname, matches thousands: the newest page is found at once, then counted.)
        hits = [row[0] for row in ServiceEntry.select(ServiceEntry.id).where(where)
                .order_by(ServiceEntry.at, ServiceEntry.id).tuples()]
        count = len(hits)
        page = hits[:-limit - 1:-1]
        found = list(ServiceEntry.select(*columns)
                     .join(Unit, JOIN.LEFT_OUTER, on=(ServiceEntry.unit == Unit.id))
                     .where(ServiceEntry.id.in_(page)).order_by(*newest).tuples()) \
            if page else []
    else:
        found = list(ServiceEntry.select(*columns)
                     .join(Unit, JOIN.LEFT_OUTER, on=(ServiceEntry.unit == Unit.id))
                     .where(where).order_by(*newest).limit(limit).tuples())
        # Fewer than a page: that is all of them, and a rare match costs one pass, not two.
        count = len(found) if len(found) < limit else ServiceEntry.select().where(where).count()
    orders = orders_of_entries([row[0] for row in found])
    rows = tuple(
        RegisterRow(entry_id, at, kind, channel, caller or "", unit_id, code or "",
                    phone or "", request or "", completed is not None,
                    *orders.get(entry_id, (None, None, None)))
        for (entry_id, at, kind, channel, caller, unit_id, code, phone, request,
             completed) in found)
    return RegisterResult(count, rows)


def orders_of_entries(entry_ids: list[int]) -> dict[int, tuple[int, str, str]]:
    """``entry id → (order id, number, state)`` of the first order each line became, or
    for a line that became none, the order it is about (a chase: ``ServiceEntry.order``)."""
    if not entry_ids:
        return {}
    found: dict[int, tuple[int, str, str]] = {}
    rows = (RepairOrder.select(RepairOrder.service_entry, RepairOrder.id, RepairOrder.number,
                               RepairOrder.state)
            .where(RepairOrder.service_entry.in_(entry_ids))
            .order_by(RepairOrder.id).tuples())
    for entry_id, order_id, number, state in rows:
        found.setdefault(entry_id, (order_id, number, state))
    rest = [entry_id for entry_id in entry_ids if entry_id not in found]
    if rest:
        for entry_id, order_id, number, state in (
                ServiceEntry.select(ServiceEntry.id, RepairOrder.id, RepairOrder.number,
                                    RepairOrder.state)
                .join(RepairOrder, on=(ServiceEntry.order == RepairOrder.id))
                .where(ServiceEntry.id.in_(rest)).tuples()):
            found[entry_id] = (order_id, number, state)
    return found

