"""The fee-collection summary handed over: the weekly one into the weekend report [5.1], the
monthly one to the manager and finance by the 26th [5.6].

The summary itself is printed from ``fee_summary``; handing it over is on paper, so it is
recorded as a ``DeadlineDone`` row (office, key, period) that the calendar
(``duties/agenda/deadlines.py``) reads: ``weekly_fee_summary`` for an ISO week (``2026-W48``),
``monthly_fee_summary`` for a month (``2026-11``). Once per period, by the desk's day staff,
for a period already begun (a week from its Saturday, when the weekend report is written).
"""

from __future__ import annotations

import datetime as dt

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import DeadlineDone, Office, Staff
from deskterm.duties.cashdesk.fee_summary import SummaryPeriod
from deskterm.duties.records import clean_text, create_row, staff_of
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

#: The calendar key of each kind of summary.
DEADLINE_KEYS = {"week": "weekly_fee_summary", "month": "monthly_fee_summary"}

#: Who hands the summary over: the desk's day staff.
HANDERS = ("clerk", "supervisor", "manager")


def deadline_period(period: SummaryPeriod) -> str:
    """The calendar period of a summary period: ``2026-W48`` or ``2026-11``."""
    if period.kind == "week":
        year, week, _weekday = period.first.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{period.first.year}-{period.first.month:02d}"


def handed(office: Office, period: SummaryPeriod) -> tuple[dt.datetime, str] | None:
    """When and by whom the summary of ``period`` was handed over (naive UTC), or None."""
    row = (DeadlineDone.select(DeadlineDone.done_at, Staff.name)
           .join(Staff, on=(DeadlineDone.done_by == Staff.id))
           .where((DeadlineDone.office == office)
                  & (DeadlineDone.key == DEADLINE_KEYS[period.kind])
                  & (DeadlineDone.period == deadline_period(period)))
           .tuples().first())
    return (row[0], row[1]) if row else None


def hand_summary(office: Office, clerk: Staff | int | None, period: SummaryPeriod,
                 note: str = "") -> DeadlineDone:
    """Record the summary of ``period`` handed over: the calendar's weekly or monthly
    fee-summary deadline for it is then done."""
    if period.kind not in DEADLINE_KEYS:
        raise DutyError(_("Choose a week or a month."), "kind")
    today = local(now_utc(), office_zone(office)).date()
    key, name = DEADLINE_KEYS[period.kind], deadline_period(period)
    if period.kind == "week" and today < period.first + dt.timedelta(days=5):
        raise DutyError(_("The week's summary is handed over from its Saturday."), "period")
    if today < period.first:
        raise DutyError(_("{period} has not begun yet.").format(period=name), "period")
    note = clean_text(note, "note", limit=200, required=False)
    with changes.write():
        person = staff_of(office, clerk, "clerk", roles=HANDERS,
                          message=_("Only the desk's day staff hand over the fee summary."))
        if DeadlineDone.select().where(
                (DeadlineDone.office == office) & (DeadlineDone.key == key)
                & (DeadlineDone.period == name)).exists():
            raise DutyError(_("The fee summary of {period} was already handed over.")
                            .format(period=name), "period")
        return create_row(DeadlineDone, office, person, office=office, key=key,
                          period=name, done_at=now_utc(), done_by=person, note=note)
