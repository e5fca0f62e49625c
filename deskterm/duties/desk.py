"""Who is at the desk, and which office it serves: signing in with one's own PIN.

A wrong PIN is refused and counted (``pin_checks.check_pin``, as every PIN the desk
asks for): after ``pin_checks.MAX_FAILURES`` wrong PINs in a row a person must wait
``pin_checks.LOCKOUT_MINUTES`` before trying again, and then has one try per wait until
a good PIN. Failures are change-log rows (the audit trail), so the count holds across
restarts and across clerks' terminals.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import AttendanceEvent, Office, Staff
from deskterm.duties.pin_checks import check_pin
from deskterm.errors import DutyError, SetupError
from deskterm.i18n import _


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


def _checked_person(office: Office, staff_id: int, pin: str, purpose: str = "sign_in", *,
                    at_desk: Staff | int | None = None) -> Staff:
    """The desk person ``staff_id`` if ``pin`` is theirs, else ``DutyError`` on field
    ``staff`` or ``pin`` (a wrong PIN recorded and counted by ``check_pin``). The caller
    records the success (``sign_in``, ``unlock``, ``pin_checks.pin_ok``)."""
    staff = Staff.get_or_none((Staff.id == staff_id) & (Staff.office == office))
    if staff is None or not staff.active or staff.role not in Staff.DESK_ROLES:
        raise DutyError(_("Choose who you are from the list."), "staff")
    return check_pin(office, staff, pin, purpose, "pin", at_desk=at_desk)


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
    staff = _checked_person(office, staff_id, pin, "unlock", at_desk=locked_for)
    with changes.write():
        changes.record("staff", staff.id, "unlock", office=office, staff=staff,
                       after={"locked_for": locked_for.id if locked_for else None})
    return staff
