"""A clerk's cash drawer for the day [5.3][7.4.13]: the counted float, the blind count at
close, and what the drawer should hold, derived from its cash entries and never typed.

- ``open_session``: one session per clerk per office-local day, with the float counted in
  (a ``CashEntry`` of kind "float"). A drawer left open on an earlier day must be counted
  and closed first: it is the same drawer.
- ``drawer``: float, cash taken, refunds, reversals, deposits, and expected = the sum of
  the session's cash entries.
- ``close_session``: a blind count. The clerk gives what is in the drawer (a total, or
  ``{face value in fen: count}``) before seeing the expected figure; the difference
  (counted - expected) is stored on the session and in the change log. Beyond
  ``Office.cash_difference_limit`` it needs a reason and a supervisor's or manager's own
  PIN: the refusal (``NeedsApproval``) carries the figures, so the form can show them and
  ask, and the count is written to the change log when it is shown.

Deposits and the undeposited cash are in ``cash_bank.py`` (``record_deposit``,
``undeposited``), imported here so that ``deskterm.duties.cashdesk.cash`` is the one place to call.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from peewee import IntegrityError, Model, fn

from deskterm.clock import now_utc, today_local
from deskterm.db import changes
from deskterm.db.models import CashEntry, CashSession, Office, Staff
from deskterm.duties.cashdesk.cash_bank import (
    Undeposited,
    UndepositedPart,
    as_date,
    entry_sums,
    fen_of,
    record_deposit,
    takings_left,
    undeposited,
)
from deskterm.duties.pin_checks import check_pin, pin_ok
from deskterm.duties.records import (
    clean_text,
    create_row,
    desk_person,
    locked,
    staff_of,
    update_row,
)
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import MAX_FEN, format_fen

#: Who keeps a drawer [7.4.13]: clerks and supervisors.
DRAWER_ROLES = ("clerk", "supervisor")
#: Who may approve a cash difference beyond the limit, with their own PIN.
APPROVER_ROLES = ("supervisor", "manager")
REASON_LIMIT = 200
#: Notes and coins a drawer holds, largest first, in fen (100元 ... 1分).
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1)
DENOMINATION_WORDS = {
    10000: N_("¥100"), 5000: N_("¥50"), 2000: N_("¥20"), 1000: N_("¥10"), 500: N_("¥5"),
    100: N_("¥1"), 50: N_("5 jiao"), 10: N_("1 jiao"), 5: N_("5 fen"), 2: N_("2 fen"),
    1: N_("1 fen"),
}
#: More of one note or coin than this is a typing slip, not a drawer.
MAX_PIECES = 100_000


@dataclass(frozen=True)
class Drawer:
    """What one session's drawer holds, all in fen (positive amounts, signs in words)."""

    session_id: int
    clerk_id: int
    clerk: str
    day: dt.date
    state: str  # open / closed / banked
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    opening_float: int
    taken: int  # cash payments received
    payments: int  # how many
    refunds: int  # paid out
    reversals: int  # taken back by voided receipts
    deposited: int  # taken to the bank
    expected: int  # the sum of every cash entry: what the drawer should hold now
    undeposited: int  # takings not yet in the bank (the float excluded)
    counted: int | None
    difference: int | None
    difference_reason: str
    approved_by: str


@dataclass(frozen=True)
class CloseResult:
    expected: int
    counted: int
    difference: int  # counted - expected
    session_id: int = 0
    state: str = "closed"


class NeedsApproval(DutyError):
    """The count is off by more than the office's limit: a reason and a supervisor's or
    manager's PIN are needed. Carries the figures the form shows once the count is in."""

    def __init__(self, message: str, field: str, result: CloseResult, limit: int) -> None:
        super().__init__(message, field)
        self.result = result
        self.limit = limit


# --- small checks ---------------------------------------------------------------------------

def _pieces(value, face: int) -> int:
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        value = int(text) if text.isascii() and text.isdigit() else (0 if not text else None)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DutyError(_("Count the {face} as a whole number, like 12.").format(
            face=_(DENOMINATION_WORDS[face])), "denominations")
    if value > MAX_PIECES:
        raise DutyError(_("{count} pieces of {face}? Count again.").format(
            count=value, face=_(DENOMINATION_WORDS[face])), "denominations")
    return value


def denominations_total(denominations: Mapping, field: str = "denominations") -> int:
    """``{10000: 3, 50: 2}`` (face value in fen → how many) → 30100 fen, exactly."""
    total = 0
    for face, count in denominations.items():
        try:
            face = int(face)
        except (TypeError, ValueError):
            face = None
        if face not in DENOMINATION_WORDS:
            raise DutyError(_("Not a note or coin of the drawer: {face}.").format(face=face),
                            field)
        total += face * _pieces(count, face)
    if total > MAX_FEN:
        raise DutyError(_("That amount is too large for the desk."), field)
    return total


def _counted(amount, denominations: Mapping | None, field: str) -> tuple[int, dict | None]:
    """The amount counted: the total typed, or the sum of the denominations (which must
    agree with a total also typed)."""
    if denominations is None:
        return fen_of(amount, field, message=_("Enter what you counted.")), None
    pieces = {int(f): c for f, c in denominations.items()}
    total = denominations_total(pieces)
    if amount is not None and not (isinstance(amount, str) and not amount.strip()):
        typed = fen_of(amount, field)
        if typed != total:
            raise DutyError(_("The notes and coins add up to {sum}, not {typed}.").format(
                sum=format_fen(total), typed=format_fen(typed)), field)
    kept = {face: _pieces(c, face) for face, c in sorted(pieces.items(), reverse=True)}
    return total, {f: c for f, c in kept.items() if c}


def drawer_keeper(office: Office, clerk) -> Staff:
    person = desk_person(office, clerk)
    if person.role not in DRAWER_ROLES:
        raise DutyError(_("Only clerks and supervisors keep a cash drawer."), "clerk")
    return person


def today_of(office: Office) -> dt.date:
    return today_local(office_zone(office))


def approvers(office: Office) -> list[tuple[int, str]]:
    """Who may approve a difference: the office's active supervisors and managers."""
    return list(Staff.select(Staff.id, Staff.name)
                .where((Staff.office == office) & Staff.role.in_(APPROVER_ROLES) & Staff.active)
                .order_by(Staff.role.desc(), Staff.name, Staff.id).tuples())


# --- reading ---------------------------------------------------------------------------------

def my_session(office: Office, clerk) -> CashSession | None:
    """The clerk's session of today (office-local), in whatever state, or None."""
    clerk_id = clerk.get_id() if isinstance(clerk, Model) else clerk
    return CashSession.get_or_none((CashSession.office == office)
                                   & (CashSession.clerk == clerk_id)
                                   & (CashSession.day == today_of(office)))


def unclosed_session(office: Office, clerk, *, before: dt.date | None = None
                     ) -> CashSession | None:
    """The clerk's oldest session still open from a day before ``before`` (today)."""
    clerk_id = clerk.get_id() if isinstance(clerk, Model) else clerk
    return (CashSession.select()
            .where((CashSession.office == office) & (CashSession.clerk == clerk_id)
                   & (CashSession.state == "open")
                   & (CashSession.day < (before or today_of(office))))
            .order_by(CashSession.day, CashSession.id).first())


def drawer(office: Office, session_id: int) -> Drawer:
    """One of this office's sessions, with every figure derived from its cash entries."""
    session = CashSession.get_or_none((CashSession.id == session_id)
                                      & (CashSession.office == office))
    if session is None:
        raise DutyError(_("There is no such cash session at this office."), "session")
    sums = entry_sums([session.id])[session.id]
    payments = (CashEntry.select().where((CashEntry.session == session.id)
                                         & (CashEntry.kind == "payment")).count())
    approver = (Staff.get_by_id(session.difference_approved_by_id).name
                if session.difference_approved_by_id else "")
    return Drawer(
        session_id=session.id, clerk_id=session.clerk_id, clerk=session.clerk.name,
        day=as_date(session.day), state=session.state, opened_at=session.opened_at,
        closed_at=session.closed_at, opening_float=session.opening_float,
        taken=sums.get("payment", 0), payments=payments, refunds=-sums.get("refund", 0),
        reversals=-sums.get("reversal", 0), deposited=-sums.get("deposit", 0),
        expected=sum(sums.values()), undeposited=takings_left(sums),
        counted=session.counted, difference=session.difference,
        difference_reason=session.difference_reason, approved_by=approver)


# --- opening ---------------------------------------------------------------------------------

def open_session(office: Office, clerk, opening_float, *,
                 denominations: Mapping | None = None) -> CashSession:
    """Open the clerk's drawer for today with the float counted in ("float" field).

    Refused: a second session the same day (open or closed), a drawer of an earlier day
    still open (count and close it first), anyone but a clerk or supervisor.
    """
    now = now_utc()
    amount, pieces = _counted(opening_float, denominations, "float")
    with changes.write():
        clerk = drawer_keeper(office, clerk)
        day = today_of(office)
        mine = my_session(office, clerk)
        if mine is not None:
            message = (_("Your drawer is already open today.") if mine.state == "open"
                       else _("You have closed your drawer today: it opens once a day."))
            raise DutyError(message, "session")
        left = unclosed_session(office, clerk, before=day)
        if left is not None:
            raise DutyError(_("Your drawer of {day} is still open: count it and close it "
                              "first.").format(day=as_date(left.day).strftime("%m-%d")),
                            "session")
        try:
            with changes.write():  # a savepoint: the other desk's session wins cleanly
                session = _create(office, clerk, day, now, amount, pieces)
        except IntegrityError:
            raise DutyError(_("Your drawer is already open today."), "session") from None
    return session


def _create(office, clerk, day, now, amount, pieces) -> CashSession:
    session = create_row(CashSession, office, clerk, office=office, clerk=clerk, day=day,
                         opened_at=now, opening_float=amount, state="open")
    create_row(CashEntry, office, clerk, office=office, session=session, at=now,
               kind="float", amount=amount, clerk=clerk)
    if pieces:
        changes.record("cash_session", session.id, "count", office=office, staff=clerk,
                       after={"float": amount, "denominations": pieces})
    return session


# --- closing: the blind count ---------------------------------------------------------------

def _open_session_of(office: Office, clerk: Staff, session_id=None, *, lock=False):
    query = CashSession.select().where((CashSession.office == office)
                                       & (CashSession.clerk == clerk)
                                       & (CashSession.state == "open"))
    if session_id is not None:
        query = query.where(CashSession.id == session_id)
    query = query.order_by(CashSession.day, CashSession.id)
    session = (locked(query) if lock else query).first()
    if session is None:
        raise DutyError(_("You have no open cash drawer to close."), "session")
    return session


def _expected(session_id: int) -> int:
    return int(CashEntry.select(fn.SUM(CashEntry.amount))
               .where(CashEntry.session == session_id).scalar() or 0)


def _approver(office: Office, clerk: Staff, approver_id, pin) -> Staff:
    """The supervisor's or manager's own PIN (counted and logged by ``check_pin``); the
    clerk cannot approve their own count."""
    approver = staff_of(office, approver_id, "approver", roles=APPROVER_ROLES,
                        message=_("Choose a supervisor or manager to approve."))
    if approver.id == clerk.id:
        raise DutyError(_("Someone else must approve your own count."), "approver")
    if not (pin or "").strip():
        raise DutyError(_("Enter the supervisor's PIN."), "pin")
    return check_pin(office, approver, pin, "cash_difference", "pin", at_desk=clerk)


def _needs_approval(office, clerk, session, result, pieces, field, message):
    with changes.write():  # the count was shown: the change log keeps it
        changes.record("cash_session", session.id, "count", office=office, staff=clerk,
                       after={"counted": result.counted, "expected": result.expected,
                              "difference": result.difference, "denominations": pieces})
    limit = office.cash_difference_limit
    if message is None:
        message = _("Off by {diff}, beyond the limit of {limit}: give the reason and a "
                    "supervisor's PIN.").format(diff=format_fen(result.difference),
                                                limit=format_fen(limit))
    return NeedsApproval(message, field, result, limit)


def close_session(office: Office, clerk, counted, *, denominations: Mapping | None = None,
                  reason: str = "", approver_id=None, approver_pin=None,
                  session_id=None) -> CloseResult:
    """Close the clerk's open drawer with what they counted ("counted"; or by
    ``denominations``). Stores counted, difference = counted - expected, closed_at, and
    "banked" when its takings were all deposited already, "closed" otherwise.

    A difference beyond ``office.cash_difference_limit`` raises ``NeedsApproval`` (a
    ``DutyError`` on "reason", "approver" or "pin") until a reason and a supervisor's or
    manager's own PIN are given; nothing is closed meanwhile.
    """
    now = now_utc()
    clerk = drawer_keeper(office, clerk)
    amount, pieces = _counted(counted, denominations, "counted")
    reason = clean_text(reason, "reason", limit=REASON_LIMIT, required=False)
    session = _open_session_of(office, clerk, session_id)
    limit = office.cash_difference_limit
    expected = _expected(session.id)
    approver = None
    if abs(amount - expected) > limit:
        preview = CloseResult(expected, amount, amount - expected, session.id, "open")
        if not reason and approver_id is None and not approver_pin:
            raise _needs_approval(office, clerk, session, preview, pieces, "reason", None)
        try:
            if not reason:
                raise DutyError(_("Say why the count is off."), "reason")
            approver = _approver(office, clerk, approver_id, approver_pin)
        except DutyError as exc:
            raise _needs_approval(office, clerk, session, preview, pieces, exc.field,
                                  exc.message) from None
    with changes.write():
        session = _open_session_of(office, clerk, session.id, lock=True)
        expected = _expected(session.id)
        difference = amount - expected
        result = CloseResult(expected, amount, difference, session.id)
        if abs(difference) > limit and approver is None:  # a deposit moved it meanwhile
            late = True
        else:
            late = False
            left = takings_left(entry_sums([session.id])[session.id])
            deposits = (CashEntry.select().where((CashEntry.session == session.id)
                                                 & (CashEntry.kind == "deposit")).exists())
            state = "banked" if left == 0 and deposits else "closed"
            if approver is not None:
                pin_ok(office, approver, "cash_difference", at_desk=clerk)
            update_row(session, office, clerk, "close", state=state, closed_at=now,
                       counted=amount, difference=difference, difference_reason=reason,
                       difference_approved_by=approver)
            if pieces:
                changes.record("cash_session", session.id, "count", office=office,
                               staff=clerk, after={"counted": amount, "denominations": pieces})
            result = CloseResult(expected, amount, difference, session.id, state)
    if late:
        raise _needs_approval(office, clerk, session, result, pieces, "reason", None)
    return result


__all__ = [
    "DENOMINATIONS", "CloseResult", "Drawer", "NeedsApproval", "Undeposited",
    "UndepositedPart", "approvers", "close_session", "denominations_total", "drawer",
    "my_session", "open_session", "record_deposit", "unclosed_session", "undeposited",
]
