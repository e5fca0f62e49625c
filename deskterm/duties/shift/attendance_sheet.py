"""What attendance adds up to: the supervisor's view of today, and the monthly attendance
sheet, on-duty table and department ranking due by the 5th [5.7][7.4.14].

All of it reads the events as corrected (``attendance.effective_marks``).

- A day's code for a person: ``absent`` (recorded absence), ``leave`` (leave and no sign),
  ``late_early``, ``late``, ``early`` or ``in`` (signed in that day), else ``""``.
- The on-duty table: per person the days in, on leave, absent, late and early (times and
  minutes), and ``missing``: past weekdays with no record at all (a weekday is a working
  day; the office keeps no rota, so weekend work shows only when signed).
- The ranking: attendance points ``100 - 2 × (times late + times early) - 10 × days
  absent - 5 × missing days`` (leave costs nothing; at least 0), averaged with the mean
  score of the month's assessments where there are any (scores of 1-5 count ×20, the
  demo's 100-point scores as they are). Highest first; equal points share a place.
- ``hand_sheet`` records the sheet handed to the manager (a ``DeadlineDone`` row for
  ``attendance_sheet`` and the month), which the calendar's 5th-of-the-month deadline reads.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from deskterm.clock import day_bounds_utc, local, now_utc, today_local
from deskterm.db import changes
from deskterm.db.models import Assessment, DeadlineDone, Office, Staff
from deskterm.duties.records import clean_text, create_row, staff_of
from deskterm.duties.schedule import end_of_day_utc, office_zone
from deskterm.duties.shift.attendance import (
    ATTENDANCE_ROLES,
    RECORDER_ROLES,
    SIGN_SLOTS,
    Mark,
    PersonDay,
    effective_marks,
    fill_day,
    people_days,
)
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

DEADLINE_KEY = "attendance_sheet"
_MONTH = re.compile(r"^(\d{4})-?(\d{1,2})$")

STATUS_LABELS = {
    "in": N_("In"), "late": N_("In, late"), "lunch": N_("At lunch"),
    "gone": N_("Signed out"), "leave": N_("On leave"), "absent": N_("Absent"),
    "not_in": N_("Not yet in"), "not_signed": N_("Not in"),
}
#: The sheet's day codes (translatable: at most two cells, one CJK character).
DAY_CODES = {"in": N_("/"), "late": N_("L"), "early": N_("E"), "late_early": N_("B"),
             "leave": N_("V"), "absent": N_("A"), "": N_(".")}


# --- today ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TodayRow:
    staff_id: int
    name: str
    role: str
    status: str  # a key of STATUS_LABELS
    times: dict[str, str]  # slot -> "08:12"
    late: int
    early: int
    note: str  # leave / absence reason, or "corrected"
    marks: tuple[Mark, ...]  # the day's events as corrected (what can be corrected)


def _status(person: PersonDay, before_end: bool) -> str:
    if person.absence is not None:
        return "absent"
    if person.present:
        return "late" if person.late else "in"
    if person.signs:
        return "lunch" if "lunch_out" in person.signs and "afternoon_in" not in person.signs \
            and "evening_out" not in person.signs else "gone"
    if person.leave is not None:
        return "leave"
    return "not_in" if before_end else "not_signed"


def today_rows(office: Office, day: dt.date | None = None) -> list[TodayRow]:
    """Everyone of the attendance roles (and anyone who signed) on ``day`` (today)."""
    tz = office_zone(office)
    day = day or today_local(tz)
    before_end = now_utc() < end_of_day_utc(office, day)
    rows = []
    for person in people_days(office, day).values():
        times = {slot: local(mark.at, tz).format("HH:mm")
                 for slot, mark in person.signs.items() if slot in SIGN_SLOTS}
        reason = person.absence or person.leave
        note = reason.reason if reason else (
            _("corrected") if any(m.corrected for m in person.marks) else "")
        rows.append(TodayRow(person.staff_id, person.name, person.role,
                             _status(person, before_end), times, person.late, person.early,
                             note, tuple(person.marks)))
    return rows


# --- the month -----------------------------------------------------------------------------

def parse_month(text: str | dt.date | None) -> str:
    """``2026-11`` (``202611``, ``2026-1``, full-width digits) or a date → ``"2026-11"``."""
    if isinstance(text, dt.date):
        return f"{text.year:04d}-{text.month:02d}"
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    match = _MONTH.match(cleaned)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise DutyError(_("Enter a month like 2026-11."), "month")
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def month_days(month: str) -> list[dt.date]:
    year, mon = int(month[:4]), int(month[5:])
    first = dt.date(year, mon, 1)
    following = dt.date(year + mon // 12, mon % 12 + 1, 1)
    return [first + dt.timedelta(days=i) for i in range((following - first).days)]


def day_code(person: PersonDay) -> str:
    if person.absence is not None:
        return "absent"
    if person.signs:
        late, early = person.late > 0, person.early > 0
        return "late_early" if late and early else "late" if late else (
            "early" if early else "in")
    if person.leave is not None:
        return "leave"
    return ""


@dataclass(frozen=True)
class SheetRow:
    """One person's month: the code of each day, and the on-duty table's figures."""

    staff_id: int
    name: str
    role: str
    codes: tuple[str, ...]  # one per day of the month
    days_in: int
    leave: int
    absent: int
    late_times: int
    late_minutes: int
    early_times: int
    early_minutes: int
    missing: int  # past weekdays without any record
    score: int | None  # mean assessment score, 100-point
    points: int  # ranking points
    rank: int


@dataclass(frozen=True)
class Sheet:
    month: str
    days: tuple[dt.date, ...]
    rows: tuple[SheetRow, ...]  # in staff order (role, name)
    handed_at: dt.datetime | None
    handed_by: str | None

    @property
    def ranking(self) -> list[SheetRow]:
        return sorted(self.rows, key=lambda r: (r.rank, r.name))


def _scores(office: Office, start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    found: dict[int, list[int]] = defaultdict(list)
    query = (Assessment.select(Assessment.clerk, Assessment.score)
             .where((Assessment.office == office) & (Assessment.at >= start)
                    & (Assessment.at < end) & Assessment.score.is_null(False)).tuples())
    for clerk, score in query:
        found[clerk].append(min(score * 20 if score <= 5 else score, 100))
    return {clerk: round(sum(s) / len(s)) for clerk, s in found.items()}


def month_sheet(office: Office, month: str | dt.date | None = None) -> Sheet:
    """The attendance sheet of ``month`` (this month when None), with the on-duty table's
    figures and the ranking."""
    tz = office_zone(office)
    today = today_local(tz)
    month = parse_month(month if month is not None else today)
    days = month_days(month)
    start, end = day_bounds_utc(days[0], tz)[0], day_bounds_utc(days[-1], tz)[1]
    marks = effective_marks(office, start, end)
    order = {role: i for i, role in enumerate(Staff.ROLES)}
    people = sorted(
        Staff.select(Staff.id, Staff.name, Staff.role)
        .where((Staff.office == office)
               & ((Staff.active & Staff.role.in_(ATTENDANCE_ROLES))
                  | Staff.id.in_(sorted({m.staff_id for m in marks}) or [0])))
        .tuples(), key=lambda r: (order.get(r[2], 99), r[1]))
    grouped = defaultdict(list)
    for mark in marks:
        grouped[(mark.staff_id, local(mark.at, tz).date())].append(mark)
    scores = _scores(office, start, end)
    built = []
    for sid, name, role in people:
        codes, person_days = [], []
        for day in days:
            person = PersonDay(sid, name, role, marks=grouped.get((sid, day), []))
            fill_day(office, person)
            person_days.append(person)
            code = day_code(person)
            if code == "" and day < today and day.weekday() < 5:
                code = "missing"
            codes.append(code)
        late = [p.late for p in person_days if p.late]
        early = [p.early for p in person_days if p.early]
        figures = dict(
            days_in=sum(1 for p in person_days if p.signs),
            leave=codes.count("leave"), absent=codes.count("absent"),
            late_times=len(late), late_minutes=sum(late),
            early_times=len(early), early_minutes=sum(early),
            missing=codes.count("missing"))
        points = max(0, 100 - 2 * (figures["late_times"] + figures["early_times"])
                     - 10 * figures["absent"] - 5 * figures["missing"])
        score = scores.get(sid)
        if score is not None:
            points = round((points + score) / 2)
        codes = ["" if c == "missing" else c for c in codes]
        built.append((sid, name, role, tuple(codes), figures, score, points))
    rows = tuple(
        SheetRow(sid, name, role, codes, **figures, score=score, points=points,
                 rank=1 + sum(1 for b in built if b[6] > points))
        for sid, name, role, codes, figures, score, points in built)
    handed = (DeadlineDone.select(DeadlineDone.done_at, Staff.name)
              .join(Staff, on=(DeadlineDone.done_by == Staff.id))
              .where((DeadlineDone.office == office) & (DeadlineDone.key == DEADLINE_KEY)
                     & (DeadlineDone.period == month))
              .tuples().first())
    return Sheet(month, tuple(days), rows, handed[0] if handed else None,
                 handed[1] if handed else None)


def hand_sheet(office: Office, by: Staff | int | None, month: str | dt.date | None = None,
               note: str = "") -> DeadlineDone:
    """Record the month's attendance sheet, on-duty table and ranking handed to the manager
    (last month's when None): the calendar's ``attendance_sheet`` deadline for that month
    is then done. Once a month, by a supervisor or the manager, for a month that is over."""
    tz = office_zone(office)
    today = today_local(tz)
    if month is None:
        month = parse_month(today.replace(day=1) - dt.timedelta(days=1))
    else:
        month = parse_month(month)
    if month >= parse_month(today):
        raise DutyError(_("{month} is not over yet.").format(month=month), "month")
    note = clean_text(note, "note", limit=200, required=False)
    with changes.write():
        person = staff_of(office, by, "by", roles=RECORDER_ROLES,
                          message=_("Only a supervisor or the manager hands over the sheet."))
        if DeadlineDone.select().where(
                (DeadlineDone.office == office) & (DeadlineDone.key == DEADLINE_KEY)
                & (DeadlineDone.period == month)).exists():
            raise DutyError(_("The attendance sheet of {month} was already handed over.")
                            .format(month=month), "month")
        return create_row(DeadlineDone, office, person, office=office, key=DEADLINE_KEY,
                          period=month, done_at=now_utc(), done_by=person, note=note)
