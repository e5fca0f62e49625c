"""An appointment as a clerk types it, in the office's time → naive UTC, or ``DutyError``.

``14:30``, ``1430``, ``14.30``, ``14点30``, ``9点半``, ``下午3点``, ``2pm``; with a day before
it: ``今天``/``明天``/``后天``/``大后天`` (``明天9点``, ``明天 9:00``), ``11-27 14:00``,
``11月27日14点``, ``2026-11-27 14:00``. Full-width digits and ``：`` from an IME read as
ASCII (NFKC). Words like 明天 are resolved against ``now`` in the office's zone, never the
host's (an SSH host is often UTC: at 23:30 in Shanghai it is still 15:30 there).

Part of ``deskterm.duties.parsing``, which re-exports ``parse_local_datetime``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from deskterm.clock import local, to_utc
from deskterm.errors import DutyError
from deskterm.i18n import _

_RELATIVE_DAYS = {
    "今天": 0, "今日": 0, "today": 0,
    "明天": 1, "明日": 1, "tomorrow": 1,
    "后天": 2, "後天": 2,
    "大后天": 3, "大後天": 3,
}
_DAY = (
    r"(?:(?P<rel>大后天|大後天|后天|後天|明天|明日|今天|今日|today|tomorrow)"
    r"|(?:(?P<y>[0-9]{4})\s*[-/.年]\s*)?(?P<m>[0-9]{1,2})\s*(?:[-/.]|月)\s*(?P<d>[0-9]{1,2})"
    r"\s*[日号]?)"
)
_TIME = (
    r"(?P<period>上午|早上|早晨|凌晨|中午|下午|傍晚|晚上)?\s*"
    r"(?P<h>[0-9]{1,4})"
    r"(?:\s*[:.]\s*(?P<mm>[0-9]{2})"
    r"|\s*(?P<dian>[点时])\s*(?:(?P<half>半)|(?P<m2>[0-9]{1,2})\s*分?|钟)?\s*整?)?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
)
# A day, then the time: after 天/日/号 directly (明天9点), else after a space, "T" or comma.
_WHEN = re.compile(r"(?:" + _DAY + r"(?:(?<=[日号天])\s*|\s*[t,]\s*|\s+))?" + _TIME)
_DAY_ONLY = re.compile(_DAY)
_MAX_LENGTH = 40
#: Further from today than this is a typing mistake, not an appointment.
_MAX_DAYS_AWAY = 366


def _example() -> str:
    return _("Not a time: write 14:30, 明天 9:00 or 11-27 14:00.")


def _hour_minute(match: re.Match, field: str) -> tuple[int, int]:
    digits, period, ampm = match["h"], match["period"], match["ampm"]
    marked = match["mm"] is not None or match["dian"] is not None
    if len(digits) > 2:
        if marked:
            raise DutyError(_example(), field)
        hour, minute = int(digits[:-2]), int(digits[-2:])  # 930, 1430
    else:
        if not (marked or period or ampm):
            raise DutyError(_("Add the minutes, like 9:00 or 9点."), field)
        hour = int(digits)
        minute = 30 if match["half"] else int(match["mm"] or match["m2"] or 0)
    if period and ampm:
        raise DutyError(_example(), field)
    if ampm:
        if not 1 <= hour <= 12:
            raise DutyError(_("With am or pm the hour is 1 to 12, like 2:30 pm."), field)
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    elif period in ("下午", "傍晚", "晚上"):
        hour += 12 if 1 <= hour <= 11 else 0
    elif period == "中午":
        hour += 12 if 1 <= hour <= 3 else 0
    elif period in ("上午", "早上", "早晨", "凌晨") and hour > 12:
        raise DutyError(_("There is no such time: {period} is before noon.").format(
            period=period), field)
    if hour > 23 or minute > 59:
        raise DutyError(_("There is no such time: hours go to 23, minutes to 59, like 14:30."),
                        field)
    return hour, minute


def _date(match: re.Match, today: dt.date, default: dt.date, field: str) -> dt.date:
    if match["rel"]:
        return today + dt.timedelta(days=_RELATIVE_DAYS[match["rel"]])
    if match["m"] is None:
        return default
    month, day = int(match["m"]), int(match["d"])
    # Without a year: the nearest such date, so 1-2 typed on Dec 30 is next January and
    # 11-25 typed on 11-26 is yesterday (in the past), not next year.
    years = [int(match["y"])] if match["y"] else [today.year - 1, today.year, today.year + 1]
    dates = []
    for year in years:
        try:
            dates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not dates:
        raise DutyError(_("There is no such date: write month-day, like 11-27 14:00."), field)
    return min(dates, key=lambda d: (abs((d - today).days), d < today))


def parse_local_datetime(
    text: str | None,
    *,
    tz: str,
    now: dt.datetime,
    field: str = "appointment",
    allow_past: bool = False,
    day: dt.date | None = None,
) -> dt.datetime:
    """A time typed in the office's zone ``tz`` → naive UTC, or ``DutyError``.

    ``now`` is the current instant in naive UTC (``clock.now_utc()``). A bare time is on
    ``day`` (an office-local date, e.g. the day the form shows), or today in the office. A
    time before the current minute is refused as passed unless ``allow_past``: it is never
    moved to tomorrow behind the clerk's back. Dates more than a year from today, times that
    do not exist (24:00, 2-30, a daylight-saving gap) and a day without a time are refused.
    """
    if now.tzinfo is not None:
        now = to_utc(now)
    cleaned = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().lower()
    if not cleaned:
        raise DutyError(_("Enter a time, like 14:30 or 明天 9:00."), field)
    match = _WHEN.fullmatch(cleaned) if len(cleaned) <= _MAX_LENGTH else None
    if match is None:
        if len(cleaned) <= _MAX_LENGTH and _DAY_ONLY.fullmatch(cleaned):
            raise DutyError(_("Add a time, like 明天 9:00."), field)
        raise DutyError(_example(), field)
    hour, minute = _hour_minute(match, field)
    now_local = local(now, tz)
    today = now_local.date()
    date = _date(match, today, day or today, field)
    if abs((date - today).days) > _MAX_DAYS_AWAY:
        raise DutyError(_("That is more than a year from today."), field)
    moment = dt.datetime.combine(date, dt.time(hour, minute))
    stored = to_utc(moment, tz)
    if local(stored, tz).naive != moment:
        raise DutyError(_("That time does not exist that day: the clocks change."), field)
    if not allow_past and stored < now.replace(second=0, microsecond=0):
        shown = now_local.format("HH:mm" if date == today else "MM-DD HH:mm")
        raise DutyError(_("That time has passed: it is {now} now.").format(now=shown), field)
    return stored
