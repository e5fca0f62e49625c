"""Attendance at the desk [7.4.14]: everyone signs in and out with their own PIN, nobody
signs for anybody else; the supervisor records leave and absence, and corrects mistakes.

The day has four signs ("slots"): ``morning_in`` (late after ``sign_in_at``, 08:20),
``lunch_out`` (from ``lunch_out_at``, 12:00), ``afternoon_in`` (late after
``afternoon_in_at``, 13:30) and ``evening_out`` (early before 17:30 in winter, 18:00 in
summer, per ``schedule.sign_out_time``). Late and early minutes are computed from the
office's schedule, never typed: the whole minutes between the minute signed (as the
clock shows it, ``08:21``) and the minute due. They are stored in ``minutes_late``: for
a sign-in the minutes late, for a sign-out the minutes early.

Signing in at the desk (``desk.sign_in``) records a ``sign_in`` event with slot ``desk``.
As on the timeline, the day's first desk sign-in before lunch (``lunch_out_at``) counts as
the morning sign-in when there is none; its lateness is computed from its time. A desk
sign-in after the lunch sign-out counts as the afternoon one the same way.

Leave and absence (``leave`` / ``absence``, slot ``desk``, at 08:00 of the day, like the
demo's rows) are recorded by a supervisor or manager with their PIN and a reason.

Events are append-only. A correction is a new event of kind ``correction`` that
``corrects`` the wrong one: it carries the right slot and time (the kind stays that of the
event it corrects), or slot ``void`` to strike the wrong one out; its ``reason`` says why
and ``recorded_by`` who corrected it. ``effective_marks`` reads a day as corrected.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db import changes
from deskterm.db.models import AttendanceEvent, Office, Staff
from deskterm.duties.desk import _checked_person
from deskterm.duties.parsing_time import parse_local_datetime
from deskterm.duties.pin_checks import check_pin, pin_ok
from deskterm.duties.records import clean_text, create_row, locked, staff_of
from deskterm.duties.schedule import at_local, office_time, office_zone, sign_out_time
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

#: Who the attendance view and sheet list (night staff keep other hours).
ATTENDANCE_ROLES = ("clerk", "supervisor")
#: Who may record leave, absence and corrections.
RECORDER_ROLES = ("supervisor", "manager")
SIGN_SLOTS = ("morning_in", "lunch_out", "afternoon_in", "evening_out")
SLOT_KIND = {"morning_in": "sign_in", "lunch_out": "sign_out", "afternoon_in": "sign_in",
             "evening_out": "sign_out"}
SLOT_LABELS = {"morning_in": N_("Morning in"), "lunch_out": N_("Lunch out"),
               "afternoon_in": N_("Afternoon in"), "evening_out": N_("Evening out"),
               "desk": N_("At the desk")}
#: A correction with this slot strikes the corrected event out.
VOID = "void"
REASON_LIMIT = 200
LEAVE_TIME = dt.time(8, 0)
_DAY = re.compile(r"^(?:(\d{4})[-/.])?(\d{1,2})[-/.](\d{1,2})$")


def recorders(office: Office) -> list[tuple[int, str]]:
    """Who may record leave, absence and corrections here: (id, name), by name."""
    return list(Staff.select(Staff.id, Staff.name)
                .where((Staff.office == office) & Staff.active
                       & Staff.role.in_(RECORDER_ROLES))
                .order_by(Staff.name).tuples())


def parse_day(text: str | None, today: dt.date, field_name: str = "day") -> dt.date:
    """``2026-11-27``, ``11-27`` (this year), ``2026/11/27``, full-width digits, or
    empty for ``today``; a day more than a year away is refused."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if not cleaned:
        return today
    match = _DAY.match(cleaned)
    day = None
    if match:
        year = int(match.group(1)) if match.group(1) else today.year
        try:
            day = dt.date(year, int(match.group(2)), int(match.group(3)))
        except ValueError:
            day = None
    if day is None:
        raise DutyError(_("Enter a day like 2026-11-27 or 11-27."), field_name)
    if abs((day - today).days) > 366:
        raise DutyError(_("That is more than a year from today."), field_name)
    return day


def slot_label(slot: str) -> str:
    return _(SLOT_LABELS[slot]) if slot in SLOT_LABELS else slot


def _due(office: Office, slot: str, day: dt.date) -> dt.time:
    if slot == "evening_out":
        return sign_out_time(office, day)
    field_name = {"morning_in": "sign_in_at", "lunch_out": "lunch_out_at",
                  "afternoon_in": "afternoon_in_at"}[slot]
    return office_time(office, field_name)


def minutes_off(office: Office, slot: str, at: dt.datetime) -> int:
    """Minutes late (a sign-in) or early (a sign-out) of a sign at ``at`` (naive UTC)."""
    if slot not in SIGN_SLOTS:
        return 0
    moment = local(at, office_zone(office))
    due = _due(office, slot, moment.date())
    signed = moment.hour * 60 + moment.minute
    due_minutes = due.hour * 60 + due.minute
    off = signed - due_minutes if SLOT_KIND[slot] == "sign_in" else due_minutes - signed
    return max(off, 0)


@dataclass(frozen=True)
class Mark:
    """One event as it stands after corrections."""

    id: int  # the event (the latest correction, when corrected)
    staff_id: int
    kind: str  # sign_in / sign_out / leave / absence
    slot: str
    at: dt.datetime
    minutes: int  # late (sign-in) or early (sign-out)
    reason: str
    recorded_by: int
    corrected: bool = False


@dataclass
class PersonDay:
    """One person's day: the signs by slot, leave, absence, and whether they are in now."""

    staff_id: int
    name: str
    role: str
    signs: dict[str, Mark] = field(default_factory=dict)  # slot -> mark
    leave: Mark | None = None
    absence: Mark | None = None
    marks: list[Mark] = field(default_factory=list)  # every effective mark, in time order

    @property
    def present(self) -> bool:
        moves = [m for m in self.marks if m.kind in ("sign_in", "sign_out")]
        return bool(moves) and moves[-1].kind == "sign_in"

    @property
    def late(self) -> int:
        return sum(self.signs[s].minutes for s in ("morning_in", "afternoon_in")
                   if s in self.signs)

    @property
    def early(self) -> int:
        return sum(self.signs[s].minutes for s in ("lunch_out", "evening_out")
                   if s in self.signs)


def _rows(office: Office, start: dt.datetime, end: dt.datetime, staff_ids=None):
    query = AttendanceEvent.select().where(
        (AttendanceEvent.office == office) & (AttendanceEvent.at >= start)
        & (AttendanceEvent.at < end))
    if staff_ids is not None:
        query = query.where(AttendanceEvent.staff.in_(list(staff_ids)))
    return list(query.order_by(AttendanceEvent.at, AttendanceEvent.id))


def effective_marks(office: Office, start: dt.datetime, end: dt.datetime,
                    staff_ids=None) -> list[Mark]:
    """The events of [start, end) as corrected, in time order. A correction stays on the
    office day of the event it corrects, so reading whole days is enough."""
    rows = _rows(office, start, end, staff_ids)
    by_id = {row.id: row for row in rows}
    corrected = {row.corrects_id for row in rows if row.corrects_id is not None}
    marks = []
    for row in rows:
        if row.id in corrected or (row.kind == "correction" and row.slot == VOID):
            continue
        root = row
        while root.kind == "correction" and root.corrects_id in by_id:
            root = by_id[root.corrects_id]
        if root.kind == "correction":  # its original is outside the range read
            continue
        reason = root.reason if root is row else row.reason
        marks.append(Mark(row.id, row.staff_id, root.kind, row.slot, row.at, row.minutes_late,
                          reason, row.recorded_by_id, corrected=root is not row))
    marks.sort(key=lambda m: (m.at, m.id))
    return marks


def fill_day(office: Office, person: PersonDay) -> PersonDay:
    lunch = office_time(office, "lunch_out_at")
    tz = office_zone(office)
    for mark in person.marks:
        if mark.kind == "leave":
            person.leave = person.leave or mark
        elif mark.kind == "absence":
            person.absence = person.absence or mark
        elif mark.slot in SIGN_SLOTS:
            person.signs.setdefault(mark.slot, mark)
    for mark in person.marks:  # desk sign-ins stand in for a missing sign-in
        if mark.kind != "sign_in" or mark.slot != "desk":
            continue
        slot = None
        # Before lunch and before any later sign (which may come after it: signing out for
        # lunch does not undo the morning's desk sign-in).
        if "morning_in" not in person.signs and local(mark.at, tz).time() < lunch \
                and all(mark.at < person.signs[s].at for s in ("lunch_out", "afternoon_in")
                        if s in person.signs):
            slot = "morning_in"
        elif ("lunch_out" in person.signs and "afternoon_in" not in person.signs
              and mark.at > person.signs["lunch_out"].at):
            slot = "afternoon_in"
        if slot:
            person.signs[slot] = Mark(mark.id, mark.staff_id, "sign_in", slot, mark.at,
                                      minutes_off(office, slot, mark.at), "",
                                      mark.recorded_by, mark.corrected)
    return person


def people_days(office: Office, day: dt.date, staff_ids=None) -> dict[int, PersonDay]:
    """Each listed person's ``day`` (everyone of ``ATTENDANCE_ROLES``, plus anyone with an
    event that day), by staff id, in role then name order."""
    start, end = day_bounds_utc(day, office_zone(office))
    marks = effective_marks(office, start, end, staff_ids)
    query = Staff.select(Staff.id, Staff.name, Staff.role).where(Staff.office == office)
    if staff_ids is not None:
        query = query.where(Staff.id.in_(list(staff_ids)))
    else:
        query = query.where((Staff.active & Staff.role.in_(ATTENDANCE_ROLES))
                            | Staff.id.in_(sorted({m.staff_id for m in marks}) or [0]))
    order = {role: i for i, role in enumerate(Staff.ROLES)}
    people = sorted(query.tuples(), key=lambda r: (order.get(r[2], 99), r[1]))
    days = {sid: PersonDay(sid, name, role) for sid, name, role in people}
    for mark in marks:
        if mark.staff_id in days:
            days[mark.staff_id].marks.append(mark)
    return {sid: fill_day(office, person) for sid, person in days.items()}


def suggest_slot(office: Office, person: PersonDay, now: dt.datetime) -> str | None:
    """The sign a person most likely means to make now, or None when the day is done."""
    signs = person.signs
    lunch = at_local(office, local(now, office_zone(office)).date(),
                     office_time(office, "lunch_out_at"))
    if not person.present:
        if "evening_out" in signs or "afternoon_in" in signs:
            return None
        if now < lunch and not signs:
            return "morning_in"
        return "afternoon_in"
    if "morning_in" in signs and "lunch_out" not in signs and "afternoon_in" not in signs \
            and now >= lunch and local(now, office_zone(office)).time() < office_time(
                office, "afternoon_in_at"):
        return "lunch_out"
    return None if "evening_out" in signs else "evening_out"


def _check_sign(office: Office, person: PersonDay, slot: str, now: dt.datetime) -> None:
    signs = person.signs
    if slot in signs:
        raise DutyError(_("{name} already signed {slot} today at {time}.").format(
            name=person.name, slot=slot_label(slot),
            time=local(signs[slot].at, office_zone(office)).format("HH:mm")), "slot")
    later = [s for s in SIGN_SLOTS[SIGN_SLOTS.index(slot) + 1:] if s in signs]
    if later:
        raise DutyError(_("{name} has already signed {slot} today.").format(
            name=person.name, slot=slot_label(later[-1])), "slot")
    if person.absence is not None:
        raise DutyError(_("{name} is recorded absent today: ask the supervisor to correct "
                          "it first.").format(name=person.name), "staff")
    if slot == "lunch_out":
        opens = office_time(office, "lunch_out_at")
        if local(now, office_zone(office)).time() < opens:
            raise DutyError(_("Lunch sign-out opens at {time}.").format(
                time=opens.strftime("%H:%M")), "slot")
        if "morning_in" not in signs:
            raise DutyError(_("{name} has not signed in this morning.").format(
                name=person.name), "slot")
    elif slot == "evening_out" and not person.present:
        raise DutyError(_("{name} is not signed in.").format(name=person.name), "slot")
    elif slot == "afternoon_in" and person.present:
        raise DutyError(_("{name} is signed in: sign out for lunch first.").format(
            name=person.name), "slot")


def sign(office: Office, staff_id: int | None, pin: str, slot: str | None = None, *,
         at_desk: Staff | int | None = None) -> Mark:
    """``staff_id`` signs ``slot`` now (or the slot ``suggest_slot`` picks) with their own
    PIN. Refuses a wrong PIN (counted, as at the desk sign-in; ``at_desk``, who was at the
    desk, goes in the log), a slot already signed or out of order, lunch sign-out before
    its time, and signing while recorded absent."""
    staff = _checked_person(office, staff_id, pin, "attendance", at_desk=at_desk)
    now = now_utc()
    if slot is not None and slot not in SIGN_SLOTS:
        raise DutyError(_("Choose in or out from the list."), "slot")
    day = local(now, office_zone(office)).date()
    with changes.write():
        list(locked(Staff.select(Staff.id).where(Staff.id == staff.id)))  # one sign at a time
        person = people_days(office, day, [staff.id])[staff.id]
        slot = slot or suggest_slot(office, person, now)
        if slot is None:
            raise DutyError(_("{name} has signed out for the day.").format(name=staff.name),
                            "slot")
        _check_sign(office, person, slot, now)
        minutes = minutes_off(office, slot, now)
        pin_ok(office, staff, "attendance", at_desk=at_desk)
        row = create_row(AttendanceEvent, office, staff, office=office, staff=staff, at=now,
                         kind=SLOT_KIND[slot], slot=slot, minutes_late=minutes,
                         recorded_by=staff)
    return Mark(row.id, staff.id, row.kind, slot, now, minutes, "", staff.id)


def _recorder(office: Office, by_id: int | None, pin: str, purpose: str, at_desk) -> Staff:
    """The supervisor or manager ``by_id`` with their own ``pin`` (counted, as every PIN)."""
    by = staff_of(office, by_id, "by", roles=RECORDER_ROLES,
                  message=_("Only a supervisor or the manager can record this."))
    return check_pin(office, by, pin, purpose, "pin", at_desk=at_desk)


def record_leave(office: Office, by_id: int | None, pin: str, staff_id: int | None,
                 day: dt.date, reason: str | None, kind: str = "leave", *,
                 at_desk: Staff | int | None = None) -> Mark:
    """A supervisor or manager records ``staff_id`` on leave (or absent) for ``day``, with a
    reason. Refuses a second leave or absence that day, and absence on a day the person
    signed in (correct the sign instead)."""
    if kind not in ("leave", "absence"):
        raise DutyError(_("Choose leave or absence."), "kind")
    reason = clean_text(reason, "reason", limit=REASON_LIMIT,
                        message=_("Say why: the kind of leave, or what happened."))
    by = _recorder(office, by_id, pin, "leave", at_desk)
    staff = staff_of(office, staff_id, "staff", roles=Staff.DESK_ROLES)
    at = at_local(office, day, LEAVE_TIME)
    with changes.write():
        list(locked(Staff.select(Staff.id).where(Staff.id == staff.id)))
        person = people_days(office, day, [staff.id])[staff.id]
        if person.leave or person.absence:
            raise DutyError(_("{name} is already recorded on leave or absent that day.")
                            .format(name=staff.name), "staff")
        if kind == "absence" and person.signs:
            raise DutyError(_("{name} signed in that day: correct the sign instead.")
                            .format(name=staff.name), "staff")
        pin_ok(office, by, "leave", at_desk=at_desk)
        row = create_row(AttendanceEvent, office, by, office=office, staff=staff, at=at,
                         kind=kind, slot="desk", reason=reason, recorded_by=by)
    return Mark(row.id, staff.id, kind, "desk", at, 0, reason, by.id)


def correct(office: Office, by_id: int | None, pin: str, event_id: int | None,
            reason: str | None, *, time: str | None = None, slot: str | None = None,
            void: bool = False, at_desk: Staff | int | None = None) -> AttendanceEvent:
    """A supervisor or manager corrects event ``event_id``: a new ``correction`` event
    with the right ``time`` (``HH:MM`` on the same day) and/or ``slot``, or ``void``
    to strike it out. Leave and absence can only be struck out (then recorded anew)."""
    reason = clean_text(reason, "reason", limit=REASON_LIMIT,
                        message=_("Say what was wrong."))
    by = _recorder(office, by_id, pin, "correction", at_desk)
    tz = office_zone(office)
    with changes.write():
        wrong = locked(AttendanceEvent.select().where(
            (AttendanceEvent.office == office) & (AttendanceEvent.id == event_id))).first() \
            if event_id is not None else None
        if wrong is None:
            raise DutyError(_("Choose a row to correct."), "event")
        if wrong.kind == "correction" and wrong.slot == VOID:
            raise DutyError(_("That row was struck out: record it anew instead."), "event")
        if AttendanceEvent.select().where(AttendanceEvent.corrects == wrong.id).exists():
            raise DutyError(_("That row is already corrected: correct the correction."),
                            "event")
        day = local(wrong.at, tz).date()
        start, end = day_bounds_utc(day, tz)
        kind = next((m.kind for m in effective_marks(office, start, end, [wrong.staff_id])
                     if m.id == wrong.id), None)
        if void:
            new_slot, at, minutes = VOID, wrong.at, 0
        else:
            if kind not in ("sign_in", "sign_out"):
                raise DutyError(_("Leave and absence can only be struck out."), "event")
            new_slot = slot or wrong.slot
            if new_slot not in (*SIGN_SLOTS, "desk") or (
                    new_slot != "desk" and SLOT_KIND[new_slot] != kind):
                raise DutyError(_("A sign-in stays a sign-in, a sign-out a sign-out."), "slot")
            at = wrong.at
            if time and time.strip():
                at = parse_local_datetime(time, tz=tz, now=now_utc(), field="time",
                                          allow_past=True, day=day)
                if local(at, tz).date() != day:
                    raise DutyError(_("A correction stays on the same day."), "time")
                if at > now_utc():
                    raise DutyError(_("That time is still to come."), "time")
            if new_slot == wrong.slot and at == wrong.at:
                raise DutyError(_("Change the time or the slot, or strike the row out."),
                                "time")
            person = people_days(office, day, [wrong.staff_id])[wrong.staff_id]
            taken = person.signs.get(new_slot)
            if new_slot != "desk" and taken is not None and taken.id != wrong.id:
                raise DutyError(_("That slot is already signed that day."), "slot")
            minutes = minutes_off(office, new_slot, at)
        pin_ok(office, by, "correction", at_desk=at_desk)
        return create_row(AttendanceEvent, office, by, office=office, staff=wrong.staff_id,
                          at=at, kind="correction", slot=new_slot, minutes_late=minutes,
                          reason=reason, recorded_by=by, corrects=wrong.id)
