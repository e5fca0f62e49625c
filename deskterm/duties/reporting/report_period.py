"""The period of a report, from the words a script or a clerk gives [5.1][5.6]:
``this-week``, ``last-week``, ``this-month``, ``last-month``, a month ``2026-11`` or a
range of days ``2026-11-01..2026-11-15``. Days are the office's (its time zone); weeks run
Monday to Sunday. Anything else is refused with ``DutyError(..., "period")``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db.models import Office
from deskterm.duties.months import FIRST_YEAR, LAST_YEAR
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

#: The words a period may be given as (beside a month and a range of days).
WORDS = ("this-week", "last-week", "this-month", "last-month")
#: The same words as the office says them (typed through an input method).
CHINESE_WORDS = {"本周": "this-week", "上周": "last-week", "本月": "this-month",
                 "上月": "last-month"}
#: The kinds of period: a report says which it takes.
KINDS = ("week", "month", "range")
#: The longest range of days a report covers.
MAX_DAYS = 366

_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


@dataclass(frozen=True)
class ReportPeriod:
    kind: str  # week / month / range
    first: dt.date  # office-local, inclusive
    last: dt.date  # office-local, inclusive
    start: dt.datetime  # naive UTC: the first day's start
    end: dt.datetime  # naive UTC: the day after the last's start

    @property
    def label(self) -> str:
        """``2026-11`` for a month, ``2026-11-23..2026-11-29`` otherwise."""
        if self.kind == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def slug(self) -> str:
        """The label as part of a file name: ``2026-11``, ``2026-11-23_2026-11-29``."""
        return self.label.replace("..", "_")

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n)
                for n in range((self.last - self.first).days + 1)]


def _refuse() -> DutyError:
    return DutyError(_("Enter a period: this-week, last-week, this-month, last-month, a month "
                       "like 2026-11 or days like 2026-11-01..2026-11-15."), "period")


def _make(office: Office, kind: str, first: dt.date, last: dt.date) -> ReportPeriod:
    if not (FIRST_YEAR <= first.year and last.year <= LAST_YEAR):
        raise DutyError(_("Enter a period between {first} and {last}.").format(
            first=f"{FIRST_YEAR}-01-01", last=f"{LAST_YEAR}-12-31"), "period")
    tz = office_zone(office)
    return ReportPeriod(kind, first, last, day_bounds_utc(first, tz)[0],
                        day_bounds_utc(last + dt.timedelta(days=1), tz)[0])


def _month_last(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month(office: Office, year: int, month: int) -> ReportPeriod:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise _refuse()
    return _make(office, "month", dt.date(year, month, 1),
                 dt.date(year, month, calendar.monthrange(year, month)[1]))


def _date(text: str) -> dt.date:
    match = _DAY.fullmatch(text)
    if not match:
        raise _refuse()
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise _refuse() from None


def report_period(office: Office, words: object, *, now: dt.datetime | None = None
                  ) -> ReportPeriod:
    """The period ``words`` names, counted from the office-local today (``now``)."""
    text = unicodedata.normalize("NFKC", str(words or "")).strip().lower()
    if len(text) > 40:
        raise _refuse()
    text = CHINESE_WORDS.get(text, text)
    today = local(now or now_utc(), office_zone(office)).date()
    if text in ("this-week", "last-week"):
        monday = today - dt.timedelta(days=today.weekday())
        if text == "last-week":
            monday -= dt.timedelta(days=7)
        return _make(office, "week", monday, monday + dt.timedelta(days=6))
    if text in ("this-month", "last-month"):
        index = today.year * 12 + today.month - 1 - (text == "last-month")
        return _month(office, index // 12, index % 12 + 1)
    match = _MONTH.fullmatch(text)
    if match:
        return _month(office, int(match.group(1)), int(match.group(2)))
    if ".." in text:
        head, _sep, tail = text.partition("..")
        first, last = _date(head.strip()), _date(tail.strip())
        if last < first:
            raise DutyError(_("The period's last day is before its first."), "period")
        if (last - first).days + 1 > MAX_DAYS:
            raise DutyError(_("A period is at most {days} days.").format(days=MAX_DAYS),
                            "period")
        if first.weekday() == 0 and last == first + dt.timedelta(days=6):
            return _make(office, "week", first, last)  # a whole week is a week
        if first.day == 1 and last == _month_last(first):
            return _make(office, "month", first, last)  # and a whole month a month
        return _make(office, "range", first, last)
    raise _refuse()


def shifted_words(period: ReportPeriod, by: int) -> str:
    """The words of the period ``by`` steps before (negative) or after ``period``, of the
    same kind: a month a month, a week a week, a range of days the same number of days."""
    if period.kind == "month":
        index = period.first.year * 12 + period.first.month - 1 + by
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    length = (period.last - period.first).days + 1
    first = period.first + dt.timedelta(days=length * by)
    return f"{first.isoformat()}..{(first + dt.timedelta(days=length - 1)).isoformat()}"
