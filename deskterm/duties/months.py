"""Months of the office's calendar, shared by every part of the desk: this month, a month
stepped forwards or back, a month typed by a clerk, and a month's bounds in naive UTC.

A month is text ``"2026-11"`` (``local_month`` also gives ``"202611"`` for numbering).
Months are the office's (``Office.timezone``), never the host's or UTC's: 23:30 on 30
November in Shanghai is still November.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db.models import Office
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

#: The years a typed month (a fee period, a report's month) may be in.
FIRST_YEAR, LAST_YEAR = 2000, 2099

_MONTH = re.compile(r"^(\d{4})-?(\d{2})$")
_PERIOD_JOINED = re.compile(r"(\d{4})(\d{2})", re.ASCII)
_PERIOD_APART = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?", re.ASCII)
_PERIOD_LIMIT = 20


def local_month(office: Office, moment: dt.datetime, fmt: str = "YYYYMM") -> str:
    """The office-local month of a naive-UTC ``moment``: ``202611`` (or ``2026-11``)."""
    return local(moment, office_zone(office)).format(fmt)


def this_month(office: Office, now: dt.datetime | None = None) -> str:
    """The office-local month of ``now``: ``"2026-11"``."""
    return local(now or now_utc(), office_zone(office)).format("YYYY-MM")


def shift_month(month: str, by: int) -> str:
    """``"2026-11"`` (or ``"202611"``) moved ``by`` months: ``shift_month("2026-01", -1)``
    is ``"2025-12"``. Anything that is not a month is refused (field "month")."""
    match = _MONTH.match(str(month or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise DutyError(_("Enter a month like 2026-11."), "month")
    index = int(match.group(1)) * 12 + int(match.group(2)) - 1 + by
    year, mon = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise DutyError(_("Enter a month like 2026-11."), "month")
    return f"{year:04d}-{mon + 1:02d}"


def parse_period(text: object, field: str = "period") -> str:
    """``"2026-11"`` from ``2026-11``, ``2026-1``, ``202611``, ``2026/11``, ``2026.11``,
    ``2026年11月`` (full-width digits too), else ``DutyError`` on ``field``. Years 2000–2099."""
    raw = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()
    match = None
    if len(raw) <= _PERIOD_LIMIT:
        match = _PERIOD_JOINED.fullmatch(raw) or _PERIOD_APART.fullmatch(raw)
    if match is None:
        raise DutyError(_("Enter a month like 2026-11."), field)
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise DutyError(_("A month is 01 to 12: enter one like 2026-11."), field)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DutyError(_("Enter a month between {first} and {last}.").format(
            first=f"{FIRST_YEAR}-01", last=f"{LAST_YEAR}-12"), field)
    return f"{year:04d}-{month:02d}"


def month_bounds(office: Office, month) -> tuple[dt.datetime, dt.datetime]:
    """Office-local month ``"2026-11"`` (or ``"202611"``, or a date in it) as naive UTC."""
    if isinstance(month, dt.date):
        year, mon = month.year, month.month
    else:
        match = _MONTH.match(str(month or "").strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise DutyError(_("Enter a month like 2026-11."), "month")
        year, mon = int(match.group(1)), int(match.group(2))
    first = dt.date(year, mon, 1)
    following = dt.date(year + mon // 12, mon % 12 + 1, 1)
    tz = office_zone(office)
    return day_bounds_utc(first, tz)[0], day_bounds_utc(following, tz)[0]
