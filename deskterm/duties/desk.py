"""Who is at the desk, and which office it serves: signing in with one's own PIN.

A wrong PIN is refused and counted; after ``MAX_FAILURES`` wrong PINs in a row a person
must wait ``LOCKOUT_MINUTES`` before trying again, and then has one try per wait until
a good PIN. Failures are change-log rows (the
audit trail), so the count holds across restarts and across clerks' terminals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import AttendanceEvent, ChangeLog, Office, Staff
from deskterm.duties.pins import normalise_pin, pin_matches
from deskterm.errors import DutyError, SetupError
from deskterm.i18n import _

MAX_FAILURES = 5
LOCKOUT_MINUTES = 5


@dataclass(frozen=True)
class DeskPerson:
    id: int
    name: str
    role: str


def desk_office(office_id: int | None = None) -> Office:
    """The office this desk serves: the one named, else the only (or first) one."""
    query = Office.select().order_by(Office.id)
    if office_id is not None:
        office = query.where(Office.id == office_id).first()
        if office is None:
            raise SetupError(_("There is no office {id} in this database.").format(id=office_id))
        return office
    office = query.first()
    if office is None:
        raise SetupError(_("This database has no office yet: create one, or run `deskterm demo`."))
    return office


def desk_people(office: Office) -> list[DeskPerson]:
    """Everyone who may sign in at the desk, by role then name."""
    order = {role: i for i, role in enumerate(Staff.DESK_ROLES)}
    rows = (
        Staff.select(Staff.id, Staff.name, Staff.role)
        .where((Staff.office == office) & Staff.active & (Staff.role.in_(Staff.DESK_ROLES)))
        .tuples()
    )
    people = [DeskPerson(*row) for row in rows]
    return sorted(people, key=lambda p: (order[p.role], p.name))


def _recent_failures(staff: Staff, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Wrong PINs since this person's last good one, and when the latest was."""
    rows = (
        ChangeLog.select(ChangeLog.action, ChangeLog.at)
        .where(
            (ChangeLog.topic == "staff") & (ChangeLog.row_id == staff.id)
            & ChangeLog.action.in_(("pin_refused", "sign_in"))
            & (ChangeLog.at > now - dt.timedelta(hours=12))
        )
        .order_by(ChangeLog.id.desc())
        .limit(MAX_FAILURES)
        .tuples()
    )
    count, latest = 0, None
    for action, at in rows:
        if action == "sign_in":
            break
        count += 1
        latest = latest or at
    return count, latest


def _locked_out(minutes: int) -> DutyError:
    return DutyError(
        _("Too many wrong PINs: try again in {minutes} min, or ask a supervisor.").format(
            minutes=max(minutes, 1)),
        "pin",
    )


def _checked_person(office: Office, staff_id: int, pin: str) -> Staff:
    """The desk person ``staff_id`` if ``pin`` is theirs; a refusal is recorded and counted
    towards the lockout (``DutyError`` on field ``staff`` or ``pin``)."""
    staff = Staff.get_or_none((Staff.id == staff_id) & (Staff.office == office))
    if staff is None or not staff.active or staff.role not in Staff.DESK_ROLES:
        raise DutyError(_("Choose who you are from the list."), "staff")
    pin = normalise_pin(pin)
    now = now_utc()
    failures, latest = _recent_failures(staff, now)
    if failures >= MAX_FAILURES and latest and now - latest < dt.timedelta(minutes=LOCKOUT_MINUTES):
        raise _locked_out(LOCKOUT_MINUTES - int((now - latest).total_seconds() // 60))
    if not pin_matches(pin, staff.pin_hash):
        with changes.write():
            changes.record("staff", staff.id, "pin_refused", office=office, staff=staff)
        failures += 1
        if failures > MAX_FAILURES:
            # Once locked out, a person gets one try per lockout until a good PIN: this
            # wrong one locks them out again (it used to say "Wrong PIN (6 of 5 tries)").
            raise _locked_out(LOCKOUT_MINUTES)
        raise DutyError(
            _("Wrong PIN ({count} of {limit} tries).").format(count=failures, limit=MAX_FAILURES),
            "pin",
        )
    return staff


def sign_in(office: Office, staff_id: int, pin: str) -> Staff:
    """Check ``pin`` for ``staff_id`` and record the sign-in as an attendance event.

    Raises ``DutyError`` (field ``pin`` or ``staff``) for a wrong PIN, a locked-out person
    or someone who may not sign in; a refusal is recorded, a success is recorded.
    """
    staff = _checked_person(office, staff_id, pin)
    with changes.write():
        event = AttendanceEvent.create(
            office=office, staff=staff, at=now_utc(), kind="sign_in", slot="desk",
            recorded_by=staff,
        )
        changes.record("staff", staff.id, "sign_in", office=office, staff=staff)
        changes.record("attendance_event", event.id, "create", office=office, staff=staff)
    return staff


def unlock(office: Office, staff_id: int, pin: str, *, locked_for: Staff | None = None) -> Staff:
    """Unlock a desk that locked itself after being idle: the PIN of the person who was at
    the desk, or of another desk person, who then becomes the one at the desk. Refusals
    count towards the lockout as at sign-in; an unlock is logged (``unlock``, with whom the
    desk was locked for) but is not attendance: nobody arrived."""
    staff = _checked_person(office, staff_id, pin)
    with changes.write():
        changes.record("staff", staff.id, "unlock", office=office, staff=staff,
                       after={"locked_for": locked_for.id if locked_for else None})
    return staff
