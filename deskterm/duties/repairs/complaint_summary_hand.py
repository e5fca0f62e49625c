"""The month's complaint summary handed to the manager and the general-management department
at month end [6.7][7.4.16]: a sheet handed over on paper, recorded as a ``DeadlineDone`` row
(office, ``complaint_summary``, ``2026-11``) that the calendar (``duties/agenda/deadlines.py``)
reads. Once a month, by the desk's day staff, for this month or an earlier one.
"""

from __future__ import annotations

import datetime as dt

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import DeadlineDone, Office, Staff
from deskterm.duties.months import parse_period, this_month
from deskterm.duties.records import clean_text, create_row, staff_of
from deskterm.errors import DutyError
from deskterm.i18n import _

DEADLINE_KEY = "complaint_summary"

#: Who hands the summary over: the desk's day staff.
HANDERS = ("clerk", "supervisor", "manager")


def handed(office: Office, month: str) -> tuple[dt.datetime, str] | None:
    """When and by whom the complaint summary of ``month`` was handed over, or None."""
    row = (DeadlineDone.select(DeadlineDone.done_at, Staff.name)
           .join(Staff, on=(DeadlineDone.done_by == Staff.id))
           .where((DeadlineDone.office == office) & (DeadlineDone.key == DEADLINE_KEY)
                  & (DeadlineDone.period == month))
           .tuples().first())
    return (row[0], row[1]) if row else None


def hand_complaint_summary(office: Office, clerk: Staff | int | None, month: str,
                           note: str = "") -> DeadlineDone:
    """Record the complaint summary of ``month`` (``2026-11``) handed over: the calendar's
    month-end ``complaint_summary`` deadline for it is then done."""
    month = parse_period(month, "month")
    if month > this_month(office):
        raise DutyError(_("{month} has not begun yet.").format(month=month), "month")
    note = clean_text(note, "note", limit=200, required=False)
    with changes.write():
        person = staff_of(office, clerk, "clerk", roles=HANDERS,
                          message=_("Only the desk's day staff hand over the summary."))
        if DeadlineDone.select().where(
                (DeadlineDone.office == office) & (DeadlineDone.key == DEADLINE_KEY)
                & (DeadlineDone.period == month)).exists():
            raise DutyError(_("The complaint summary of {month} was already handed over.")
                            .format(month=month), "month")
        return create_row(DeadlineDone, office, person, office=office, key=DEADLINE_KEY,
                          period=month, done_at=now_utc(), done_by=person, note=note)
