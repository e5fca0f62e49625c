"""Every PIN typed at the desk is checked here, and counted: signing in, unlocking the
idle desk, a supervisor's PIN for a void, a cash difference or a receipt book, the
manager's Monday approval, both signatures of the handover, attendance signs, leave and
corrections.

``check_pin`` refuses a person locked out before checking anything (no scrypt, no row),
then checks the PIN outside any transaction (scrypt takes ~40 ms: never under the write
lock), then decides and records in one short transaction of its own, with the person's
row locked (PostgreSQL; SQLite's IMMEDIATE transaction holds the whole database):

- a wrong PIN is a change-log row (topic "staff", row the person, action
  ``pin_refused``; ``after`` holds the purpose, who was at the desk, the try's number
  and whether it locked the person out). After ``MAX_FAILURES`` wrong PINs in a row the
  person's PIN is locked for ``LOCKOUT_MINUTES`` for every purpose, on every desk and
  across restarts (the count is read from the change log, never kept in memory); then
  it gets one try per lockout until a good PIN;
- a good PIN resets the count: the caller records it in the transaction that does what
  the PIN was typed for (``pin_ok``: a ``pin_ok`` row with the purpose; sign-in and
  unlock write their own ``sign_in`` / ``unlock`` rows), so a duty refused for another
  reason still leaves nothing but the refusals behind.

The decision is taken again under the lock, after scrypt: PINs typed at the same moment
on several desks (or by a script) are counted one after the other, so a lockout reached
meanwhile refuses even a right PIN.

A refusal must survive the refusal of the caller's write, so ``check_pin`` runs outside
any ``changes.write()``: a nested ``write()`` is a savepoint of the caller's transaction
and would be rolled back with it. Called inside one, it raises ``RuntimeError``. Check
the PIN first, then open the write transaction (and check again there what a concurrent
desk could have changed: the person still active, the rows still as they were).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from peewee import Model

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import ChangeLog, Office, Staff, database
from deskterm.duties.pins import normalise_pin, pin_matches
from deskterm.duties.records import locked
from deskterm.errors import DutyError
from deskterm.i18n import N_, _

MAX_FAILURES = 5
LOCKOUT_MINUTES = 5
#: Wrong PINs older than this are forgotten.
MEMORY = dt.timedelta(hours=12)
REFUSED = "pin_refused"
GOOD = "pin_ok"
#: A new PIN set by the manager, a lockout lifted by the manager (``staff_admin``).
PIN_SET = "pin_set"
LOCKOUT_LIFTED = "lockout_lifted"
#: Change-log actions (topic "staff") that end the count: a good PIN, or the manager's.
RESETS = (GOOD, "sign_in", "unlock", PIN_SET, LOCKOUT_LIFTED)
#: What a PIN is typed for, as the manager's report says it (translate with _()).
PURPOSES: dict[str, str] = {
    "sign_in": N_("signing in"),
    "unlock": N_("unlocking the desk"),
    "void": N_("voiding a receipt"),
    "cash_difference": N_("a cash difference"),
    "receipt_books": N_("issuing a receipt book"),
    "approval": N_("the Monday approval"),
    "handover": N_("the handover"),
    "attendance": N_("an attendance sign"),
    "leave": N_("recording leave or absence"),
    "correction": N_("an attendance correction"),
    "staff_admin": N_("the staff list or the office's settings"),
}


def _id(who: Staff | int | None) -> int | None:
    return who.get_id() if isinstance(who, Model) else who


def recent_failures(staff_id: int, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Wrong PINs of ``staff_id`` since their last good one (at most ``MAX_FAILURES``
    counted), and when the latest was."""
    rows = (
        ChangeLog.select(ChangeLog.action, ChangeLog.at)
        .where((ChangeLog.topic == "staff") & (ChangeLog.row_id == staff_id)
               & ChangeLog.action.in_((REFUSED, *RESETS)) & (ChangeLog.at > now - MEMORY))
        .order_by(ChangeLog.id.desc())
        .limit(MAX_FAILURES)
        .tuples()
    )
    count, latest = 0, None
    for action, at in rows:
        if action != REFUSED:
            break
        count += 1
        latest = latest or at
    return count, latest


def minutes_locked(failures: int, latest: dt.datetime | None, now: dt.datetime) -> int:
    """Whole minutes (at least 1) a person with ``failures`` must still wait; 0: none."""
    wait = dt.timedelta(minutes=LOCKOUT_MINUTES)
    if failures < MAX_FAILURES or latest is None or now - latest >= wait:
        return 0
    return max(LOCKOUT_MINUTES - int((now - latest).total_seconds() // 60), 1)


def _locked_out(minutes: int, field: str) -> DutyError:
    return DutyError(
        _("Too many wrong PINs: try again in {minutes} min, or ask a supervisor.").format(
            minutes=max(minutes, 1)), field)


def check_pin(office: Office, person: Staff, pin: str, purpose: str, field: str = "pin", *,
              at_desk: Staff | int | None = None) -> Staff:
    """``person`` if ``pin`` is theirs, else ``DutyError`` on ``field`` (the caller's PIN
    field): "Wrong PIN (2 of 5 tries)." or "Too many wrong PINs: try again in N min ...".

    ``purpose`` is a key of ``PURPOSES``; ``at_desk`` who was at the desk when the PIN was
    typed (the change log keeps both). A PIN of the wrong shape is refused without being
    counted (it is no guess). Runs outside any write transaction (see the module); on a
    good PIN the caller then records ``pin_ok`` in its own write transaction.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown PIN purpose {purpose!r}")
    if database.in_transaction():
        raise RuntimeError("check_pin() must run outside changes.write(): a refusal is "
                           "committed on its own, whatever the caller's write does")
    pin = normalise_pin(pin, field)
    now = now_utc()
    wait = minutes_locked(*recent_failures(person.id, now), now)
    if wait:
        raise _locked_out(wait, field)
    matches = pin_matches(pin, person.pin_hash)  # scrypt: outside any transaction
    refusal = None
    with changes.write():
        list(locked(Staff.select(Staff.id).where(Staff.id == person.id)))
        now = now_utc()
        failures, latest = recent_failures(person.id, now)
        wait = minutes_locked(failures, latest, now)
        detail = {"purpose": purpose, "at_desk": _id(at_desk)}
        if not matches:
            tries = failures + 1
            changes.record("staff", person.id, REFUSED, office=office, staff=person,
                           after={**detail, "tries": tries, "locked": tries >= MAX_FAILURES})
            if wait or tries > MAX_FAILURES:
                # Once locked out, one try per lockout until a good PIN: a wrong one
                # locks the PIN again (not "Wrong PIN (6 of 5 tries)").
                refusal = _locked_out(LOCKOUT_MINUTES, field)
            else:
                refusal = DutyError(_("Wrong PIN ({count} of {limit} tries).").format(
                    count=tries, limit=MAX_FAILURES), field)
        elif wait:  # locked out meanwhile by wrong PINs typed elsewhere
            refusal = _locked_out(wait, field)
    if refusal is not None:
        raise refusal  # after the commit: the refusal row stays whatever the caller does
    return person


def pin_ok(office: Office, person: Staff, purpose: str, *,
           at_desk: Staff | int | None = None) -> None:
    """Record that ``person``'s PIN was good for ``purpose`` (it ends their count of wrong
    PINs): call it inside the write transaction that does what the PIN was typed for."""
    if not database.in_transaction():
        raise RuntimeError("pin_ok() must run inside the caller's changes.write()")
    changes.record("staff", person.id, GOOD, office=office, staff=person,
                   after={"purpose": purpose, "at_desk": _id(at_desk)})


# --- the manager's report -----------------------------------------------------------------

@dataclass(frozen=True)
class PinRefusal:
    """One wrong PIN, as the "Wrong PINs" report lists it."""

    at: dt.datetime  # naive UTC
    staff_id: int
    name: str  # whose PIN
    role: str
    purpose: str | None  # a key of PURPOSES; None on a row written before purposes were
    at_desk: str | None  # who was at the desk (a name), when known
    tries: int | None  # the wrong PINs in a row this one made
    locked: bool | None  # it locked the person's PIN


def _after(detail: str) -> dict:
    try:
        found = json.loads(detail or "{}").get("after") or {}
    except (ValueError, AttributeError):
        return {}
    return found if isinstance(found, dict) else {}


def pin_refusals(office: Office, start: dt.datetime, end: dt.datetime) -> list[PinRefusal]:
    """The wrong PINs typed at ``office`` from ``start`` to before ``end`` (naive UTC),
    oldest first."""
    rows = list(
        ChangeLog.select(ChangeLog.at, ChangeLog.row_id, ChangeLog.detail)
        .where((ChangeLog.topic == "staff") & (ChangeLog.action == REFUSED)
               & (ChangeLog.office == office) & (ChangeLog.at >= start) & (ChangeLog.at < end))
        .order_by(ChangeLog.at, ChangeLog.id)
        .tuples())
    found = [(at, staff_id, _after(detail)) for at, staff_id, detail in rows]
    ids = {staff_id for _at, staff_id, _a in found}
    ids |= {a["at_desk"] for _at, _s, a in found if isinstance(a.get("at_desk"), int)}
    people = {sid: (name, role) for sid, name, role in Staff.select(
        Staff.id, Staff.name, Staff.role).where(Staff.id.in_(sorted(ids) or [0])).tuples()}
    result = []
    for at, staff_id, after in found:
        name, role = people.get(staff_id, (str(staff_id), ""))
        desk = after.get("at_desk")
        purpose = after.get("purpose")
        tries, locked_out = after.get("tries"), after.get("locked")
        result.append(PinRefusal(
            at, staff_id, name, role, purpose if purpose in PURPOSES else None,
            people[desk][0] if desk in people else None,
            tries if isinstance(tries, int) else None,
            locked_out if isinstance(locked_out, bool) else None))
    return result
