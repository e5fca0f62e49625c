"""The supervisor's written assessments of each clerk [5.9].

Only a supervisor or a manager writes one: a text and, optionally, a score from 1 to 5.
At least two a week per clerk (ISO week, office-local); ``week_counts`` says how many each
active clerk has this week and who is short. The calendar's ``assessments`` proof counts
the week's assessments (``deadlines.py``).

The demo office's assessments carry scores on a 100-point scale (85-95); they are read
and shown as stored: only new ones are held to 1-5.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db import changes
from deskterm.db.models import Assessment, Office, Staff
from deskterm.duties.parsing import clean_free_text
from deskterm.duties.records import create_row, staff_of
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import _

ASSESSOR_ROLES = ("supervisor", "manager")
ASSESSED_ROLES = ("clerk",)
WEEKLY_MINIMUM = 2
SCORES = range(1, 6)
TEXT_LIMIT = 2000


def parse_score(value: str | int | None) -> int | None:
    """The optional score: empty → None, ``"1"``..``"5"`` (full-width digits too) → int;
    else DutyError on "score"."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise DutyError(_("A score is a whole number from 1 to 5, or empty."), "score")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text:
            return None
        text = text.translate({0xFF10 + i: ord("0") + i for i in range(10)})
        if not (text.isascii() and text.isdigit()):
            raise DutyError(_("A score is a whole number from 1 to 5, or empty."), "score")
        number = int(text)
    if number not in SCORES:
        raise DutyError(_("A score is a whole number from 1 to 5, or empty."), "score")
    return number


def week_bounds(office: Office, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The ISO week of office-local ``day``, Monday to Monday, as naive UTC."""
    monday = day - dt.timedelta(days=day.weekday())
    tz = office_zone(office)
    return day_bounds_utc(monday, tz)[0], day_bounds_utc(monday + dt.timedelta(days=7), tz)[0]


def write_assessment(office: Office, supervisor: Staff | int, clerk: Staff | int | None, *,
                     text: str | None, score: str | int | None = None) -> Assessment:
    """Record one written assessment of ``clerk`` by ``supervisor`` (a supervisor or a
    manager of this office), now."""
    text = clean_free_text(text, "text", max_length=TEXT_LIMIT, multiline=True,
                           empty_message=_("Write the assessment."))
    score = parse_score(score)
    with changes.write():
        by = staff_of(office, supervisor, "supervisor", roles=ASSESSOR_ROLES,
                      message=_("Only a supervisor or a manager writes assessments."))
        person = staff_of(office, clerk, "clerk", roles=ASSESSED_ROLES,
                          message=_("Choose an active clerk of this office."))
        return create_row(Assessment, office, by, office=office, clerk=person, supervisor=by,
                          at=now_utc(), text=text, score=score)


@dataclass(frozen=True)
class ClerkWeek:
    """One clerk's assessments this week: how many, and the latest."""

    staff_id: int
    name: str
    count: int
    last_at: dt.datetime | None = None

    @property
    def short(self) -> int:
        """How many more are needed this week (0 when enough)."""
        return max(0, WEEKLY_MINIMUM - self.count)


def week_counts(office: Office, day: dt.date | None = None) -> list[ClerkWeek]:
    """Each active clerk of the office, by name, with this week's (``day``'s week's)
    assessment count."""
    day = day or local(now_utc(), office_zone(office)).date()
    start, end = week_bounds(office, day)
    counts = {
        clerk_id: (int(n), last)
        for clerk_id, n, last in Assessment.select(
            Assessment.clerk, fn.COUNT(Assessment.id), fn.MAX(Assessment.at))
        .where((Assessment.office == office) & (Assessment.at >= start) & (Assessment.at < end))
        .group_by(Assessment.clerk).tuples()
    }
    clerks = (Staff.select(Staff.id, Staff.name)
              .where((Staff.office == office) & Staff.role.in_(ASSESSED_ROLES) & Staff.active)
              .order_by(Staff.name, Staff.id).tuples())
    return [ClerkWeek(staff_id=staff_id, name=name, count=counts.get(staff_id, (0, None))[0],
                      last_at=counts.get(staff_id, (0, None))[1])
            for staff_id, name in clerks]


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    at: dt.datetime
    supervisor: str
    text: str
    score: int | None


def assessments_of(office: Office, clerk: Staff | int, limit: int = 20) -> list[AssessmentRow]:
    """The clerk's latest assessments, newest first."""
    clerk_id = clerk.get_id() if isinstance(clerk, Staff) else int(clerk)
    rows = (Assessment.select(Assessment.id, Assessment.at, Staff.name, Assessment.text,
                              Assessment.score)
            .join(Staff, on=(Assessment.supervisor == Staff.id))
            .where((Assessment.office == office) & (Assessment.clerk == clerk_id))
            .order_by(Assessment.at.desc(), Assessment.id.desc()).limit(limit).tuples())
    return [AssessmentRow(*row) for row in rows]
