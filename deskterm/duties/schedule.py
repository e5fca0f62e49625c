"""The fixed day of the office [7.1]-[7.4.24], read from the Office row.

The office keeps its day as ``HH:MM`` office-local times (``sign_in_at``, ``lunch_out_at``
...) and its seasons as ``MM-DD`` (a day is in summer when ``summer_start <= MM-DD <
winter_start``; evening sign-out is 18:00 in summer, 17:30 in winter [7.4.24]).
``fixed_items()`` turns them into the day's schedule, each item with its moment in naive
UTC for comparing with stored times, and its office-local ``HH:MM`` for showing.

A malformed time, season date or zone in the Office row raises ``SetupError`` naming the
field: it is something the person who set the office up must fix.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

from deskterm.clock import to_utc
from deskterm.errors import SetupError
from deskterm.i18n import N_, _

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


@lru_cache(maxsize=64)
def _checked_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise SetupError(
            _('The office\'s timezone is "{value}", not a time zone like Asia/Shanghai.').format(
                value=name)
        ) from exc
    return name


def office_zone(office) -> str:
    """The office's named time zone (``Asia/Shanghai`` when unset), checked."""
    return _checked_zone(office.timezone or "Asia/Shanghai")


def parse_hhmm(value: str | None, field: str = "time") -> dt.time:
    """``"08:20"`` (also ``"8:20"``, full-width ``"０８：２０"``) to a ``time``.

    Raises ``SetupError`` naming ``field`` for anything else.
    """
    text = unicodedata.normalize("NFKC", value or "").strip()
    match = _TIME.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise SetupError(
        _('The office\'s {field} is "{value}", not a time like 08:20.').format(
            field=field, value=value if value is not None else "")
    )


def office_time(office, field: str) -> dt.time:
    """One of the Office row's ``HH:MM`` fields, parsed (``SetupError`` names the field)."""
    return parse_hhmm(getattr(office, field), field)


def _month_day(office, field: str) -> tuple[int, int]:
    value = getattr(office, field)
    text = unicodedata.normalize("NFKC", value or "").strip()
    match = _MONTH_DAY.match(text)
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return month, day
    raise SetupError(
        _('The office\'s {field} is "{value}", not a date like 05-01.').format(
            field=field, value=value if value is not None else "")
    )


def is_summer(office, day: dt.date) -> bool:
    """Summer hours on ``day``: ``summer_start <= MM-DD < winter_start``.

    Where summer_start comes after winter_start (a southern office), summer wraps the new
    year instead.
    """
    summer = _month_day(office, "summer_start")
    winter = _month_day(office, "winter_start")
    today = (day.month, day.day)
    if summer <= winter:
        return summer <= today < winter
    return today >= summer or today < winter


def sign_out_time(office, day: dt.date) -> dt.time:
    """Evening sign-out on ``day``: 18:00 in summer, 17:30 in winter (as configured)."""
    field = "sign_out_summer_at" if is_summer(office, day) else "sign_out_winter_at"
    return office_time(office, field)


def at_local(office, day: dt.date, time: dt.time) -> dt.datetime:
    """Office-local ``day`` at ``time`` as naive UTC."""
    return to_utc(dt.datetime.combine(day, time), office_zone(office))


def end_of_day_utc(office, day: dt.date) -> dt.datetime:
    """The end of the office day ``day`` (evening sign-out) as naive UTC; day deadlines
    fall due then."""
    return at_local(office, day, sign_out_time(office, day))


@dataclass(frozen=True)
class FixedItem:
    """One item of the fixed day. ``until`` is set for items with a window (the meeting,
    the handover, the lunch break, the evening sign-out which runs to midnight)."""

    key: str  # sign_in / meeting / handover / phones_open / lunch_out / afternoon_in / deposit / sign_out
    at: dt.datetime  # naive UTC
    until: dt.datetime | None  # naive UTC, end of the window (exclusive)
    local_time: str  # "08:20"
    local_until: str  # "08:30", or "" without a window
    label: str  # translated
    note: str  # translated, "" if none
    clause: str  # "[7.1]"


#: (key, field of the start, field of the end or None, label, note, clause), in the
#: order they happen (and the order of items at the same minute).
_FIXED = (
    ("sign_in", "sign_in_at", None, N_("Sign in and wear your badge"),
     N_("Badge worn; tools and forms ready; office area tidied to the office-environment "
        "checklist (办公环境核查表)"), "[7.1]"),
    ("meeting", "sign_in_at", "meeting_end_at", N_("Morning meeting"),
     N_("Note the day's assignments as tasks"), "[7.2]"),
    ("handover", "meeting_end_at", "handover_end_at", N_("Handover with the night shift"),
     N_("Read the night log; arrange follow-up for what needs action"), "[7.3]"),
    ("phones_open", "phones_open_at", None, N_("Phones open"),
     N_("First check yesterday's unfinished items in the service register"), "[7.4.1]"),
    ("lunch_out", "lunch_out_at", "afternoon_in_at", N_("Sign out for lunch"), "", "[7.4.21]"),
    ("afternoon_in", "afternoon_in_at", None, N_("Afternoon sign-in"), "", "[7.4.22]"),
    ("deposit", "deposit_by_at", None, N_("Cash to the bank"),
     N_("Deposit the day's cash before this time"), "[5.3]"),
)

#: The order of fixed items, for sorting items that share a minute.
FIXED_ORDER = {row[0]: i for i, row in enumerate(_FIXED)} | {"sign_out": len(_FIXED)}


TIME_FIELDS = (
    "sign_in_at", "meeting_end_at", "handover_end_at", "phones_open_at", "lunch_out_at",
    "afternoon_in_at", "deposit_by_at", "sign_out_winter_at", "sign_out_summer_at",
)


def check_office(office) -> None:
    """Raise ``SetupError`` naming the first malformed time, season date or zone of the
    office (all of them, not only those today's season uses)."""
    office_zone(office)
    for field in TIME_FIELDS:
        office_time(office, field)
    _month_day(office, "summer_start")
    _month_day(office, "winter_start")


def fixed_items(office, day: dt.date) -> list[FixedItem]:
    """The fixed day [7.1]-[7.4.24] of ``day`` from the office's settings, in time order.

    Raises ``SetupError`` for a malformed office setting (see ``check_office``)."""
    check_office(office)
    tz = office_zone(office)
    items: list[FixedItem] = []

    def make(key, start, end, label, note, clause):
        at = to_utc(dt.datetime.combine(day, start), tz)
        if isinstance(end, dt.time):
            until = to_utc(dt.datetime.combine(day, end), tz)
            local_until = end.strftime("%H:%M")
        elif isinstance(end, dt.datetime):  # already UTC (the end of the day)
            until, local_until = end, ""
        else:
            until, local_until = None, ""
        items.append(FixedItem(key, at, until, start.strftime("%H:%M"), local_until,
                               _(label), _(note) if note else "", clause))

    for key, start_field, end_field, label, note, clause in _FIXED:
        start = office_time(office, start_field)
        end = office_time(office, end_field) if end_field else None
        make(key, start, end, label, note, clause)
    summer = is_summer(office, day)
    make("sign_out", sign_out_time(office, day), to_utc(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), tz),
        N_("Evening sign-out"), N_("Summer hours") if summer else N_("Winter hours"),
        "[7.4.24]")
    items.sort(key=lambda item: (item.at, FIXED_ORDER[item.key]))
    return items
