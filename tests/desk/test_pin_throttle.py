"""Every PIN the desk asks for is throttled like the sign-in (deskterm.duties.pin_checks),
on SQLite and PostgreSQL: for each check, five wrong PINs lock the person's PIN (even the
right one is refused, for every purpose, on another desk too), every refusal is in the
change log with what it was for and who was at the desk, the lock lifts after five
minutes and a good PIN starts the count again. A refusal commits on its own: the
caller's refused write cannot take it back.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    AttendanceEvent,
    CashSession,
    ChangeLog,
    Handover,
    Office,
    ReceiptBook,
    ReceiptVoid,
    RepairOrder,
    Staff,
    database,
)
from deskterm.duties import desk, pin_checks
from deskterm.duties.cashdesk import cash, receipts
from deskterm.duties.pin_checks import LOCKOUT_MINUTES, MAX_FAILURES, check_pin
from deskterm.duties.repairs import approvals
from deskterm.duties.shift import attendance, handover, night_log
from deskterm.duties.shift.handover import Disposition
from deskterm.errors import DutyError
from tests.factories import PIN, _pin_hash, order, small_office
from tests.payment_factories import cash_office, drawer, hand_payment

START = dt.datetime(2026, 11, 26, 1, 0)  # Thursday 09:00 in Shanghai
WRONG = "9999"
MINUTE = dt.timedelta(minutes=1)


def person(so, name: str, role: str) -> Staff:
    with changes.write():
        return Staff.create(office=so.office, name=name, role=role, pin_hash=_pin_hash(),
                            created_at=now_utc())


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(START - dt.timedelta(hours=10))  # the night before: the night log
    office = small_office()
    office.manager = person(office, "赵敏", "manager")
    office.night = person(office, "孙大伟", "night")
    night_log.write_entry(office.office, office.night, at="2:10", what="东门道闸故障",
                          where="东门", needs_action=True)
    frozen_clock(START)
    return office


# --- each PIN check, as its duty asks for it ------------------------------------------------

@dataclass
class Check:
    """One PIN check: whose PIN, on which field, who is at the desk, and ``attempt(pin)``
    which runs the duty; ``done()`` counts what the duty writes when it succeeds."""

    purpose: str
    field: str
    person: Staff
    at_desk: Staff | None
    attempt: Callable[[str], object]
    done: Callable[[], int]


def sign_in(so) -> Check:
    return Check("sign_in", "pin", so.clerk, None,
                 lambda pin: desk.sign_in(so.office, so.clerk.id, pin),
                 lambda: AttendanceEvent.select().count())


def unlock(so) -> Check:
    return Check("unlock", "pin", so.clerk, so.clerk,
                 lambda pin: desk.unlock(so.office, so.clerk.id, pin, locked_for=so.clerk),
                 lambda: ChangeLog.select().where(ChangeLog.action == "unlock").count())


def void(so) -> Check:
    receipt = hand_payment(so, cash_office(so, 5000))
    return Check("void", "pin", so.supervisor, so.clerk,
                 lambda pin: receipts.void_receipt(
                     so.office, so.clerk.id, receipt.id, reason="开错了",
                     approver_id=so.supervisor.id, approver_pin=pin),
                 lambda: ReceiptVoid.select().count())


def cash_difference(so) -> Check:
    def attempt(pin):
        keeper = Staff.get_by_id(state["keeper"])
        if not CashSession.select().where((CashSession.clerk == keeper)
                                          & (CashSession.state == "open")).exists():
            # closed: the next clerk's drawer
            keeper = person(so, f"收款员{keeper.id}", "clerk")
            drawer(so, keeper)
            state["keeper"] = keeper.id
        return cash.close_session(so.office, keeper, "0", reason="少了三百元",
                                  approver_id=so.supervisor.id, approver_pin=pin)

    keeper = person(so, "王敏", "clerk")
    drawer(so, keeper)
    state = {"keeper": keeper.id}
    return Check("cash_difference", "pin", so.supervisor, keeper, attempt,
                 lambda: CashSession.select().where(CashSession.state != "open").count())


def receipt_books(so) -> Check:
    numbers = iter(range(1, 10**6, 100))

    def attempt(pin):
        first = next(numbers)
        return receipts.issue_book(so.office, so.supervisor.id, pin, so.clerk.id, first,
                                   first + 99, "A", at_desk=so.clerk)

    return Check("receipt_books", "pin", so.supervisor, so.clerk, attempt,
                 lambda: ReceiptBook.select().count())


def approval(so) -> Check:
    waiting = order(so, state="called_back", returned=START - dt.timedelta(days=3),
                    called_back_at=START - dt.timedelta(days=2), callback_on_time=True)
    return Check("approval", "pin", so.manager, so.clerk,
                 lambda pin: approvals.approve_orders(so.office, so.manager.id, pin,
                                                      [waiting.id], at_desk=so.clerk),
                 lambda: RepairOrder.select().where(RepairOrder.state == "approved").count())


def _handover(so, side: str) -> Check:
    def attempt(pin):
        view = handover.handover_view(so.office)
        pins = {"night_pin": PIN, "day_pin": PIN, side: pin}
        return handover.sign_handover(
            so.office, night_staff=so.night, day_clerk=so.clerk, covers_until=view.covers_until,
            dispositions={e.id: Disposition("taken_over") for e in view.entries}, **pins)

    whose = so.night if side == "night_pin" else so.clerk
    return Check("handover", side, whose, so.clerk, attempt, lambda: Handover.select().count())


def handover_night(so) -> Check:
    return _handover(so, "night_pin")


def handover_day(so) -> Check:
    return _handover(so, "day_pin")


def attendance_sign(so) -> Check:
    return Check("attendance", "pin", so.clerk, so.supervisor,
                 lambda pin: attendance.sign(so.office, so.clerk.id, pin, at_desk=so.supervisor),
                 lambda: AttendanceEvent.select().count())


def leave(so) -> Check:
    return Check("leave", "pin", so.supervisor, so.clerk,
                 lambda pin: attendance.record_leave(
                     so.office, so.supervisor.id, pin, so.clerk.id, dt.date(2026, 11, 27),
                     "年假", at_desk=so.clerk),
                 lambda: AttendanceEvent.select().count())


def correction(so) -> Check:
    with changes.write():
        wrong = AttendanceEvent.create(office=so.office, staff=so.clerk,
                                       at=START - dt.timedelta(minutes=30), kind="sign_in",
                                       slot="morning_in", minutes_late=10, recorded_by=so.clerk)
    return Check("correction", "pin", so.supervisor, so.clerk,
                 lambda pin: attendance.correct(so.office, so.supervisor.id, pin, wrong.id,
                                                "忘带胸卡，实际08:15到", time="08:15",
                                                at_desk=so.clerk),
                 lambda: AttendanceEvent.select().count())


CHECKS = [sign_in, unlock, void, cash_difference, receipt_books, approval, handover_night,
          handover_day, attendance_sign, leave, correction]


# --- helpers ----------------------------------------------------------------------------------

def refused(check: Check, pin: str) -> DutyError:
    before = check.done()
    with pytest.raises(DutyError) as caught:
        check.attempt(pin)
    assert caught.value.field == check.field, caught.value.message
    assert check.done() == before  # the duty wrote nothing
    return caught.value


def elsewhere(call: Callable[[], object]) -> object:
    """``call()`` on another desk: another thread, with its own database connection. Returns
    what it returned, or the exception it raised."""
    found: list = []

    def run():
        try:
            with database.connection_context():
                found.append(call())
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            found.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return found[0]


def refusals_of(staff: Staff) -> list[dict]:
    rows = (ChangeLog.select().where((ChangeLog.topic == "staff") & (ChangeLog.row_id == staff.id)
                                     & (ChangeLog.action == "pin_refused"))
            .order_by(ChangeLog.id))
    return [dict(json.loads(row.detail)["after"], staff=row.staff_id, office=row.office_id)
            for row in rows]


def wrong_message(count: int) -> str:
    return f"Wrong PIN ({count} of {MAX_FAILURES} tries)."


# --- the checks -------------------------------------------------------------------------------

@pytest.mark.parametrize("make", CHECKS, ids=[make.__name__ for make in CHECKS])
def test_every_pin_check_is_throttled_like_the_sign_in(so, frozen_clock, make):
    check = make(so)
    whose = check.person
    for count in range(1, MAX_FAILURES):
        assert refused(check, WRONG).message == wrong_message(count)
    # The count is in the database: another desk (another connection) goes on with it.
    fifth = elsewhere(lambda: check.attempt(WRONG))
    assert isinstance(fifth, DutyError) and fifth.message == wrong_message(MAX_FAILURES)
    assert fifth.field == check.field

    # Locked: even the right PIN is refused, before anything is checked or written.
    error = refused(check, PIN)
    assert error.message == (f"Too many wrong PINs: try again in {LOCKOUT_MINUTES} min, or "
                             "ask a supervisor.")
    # For every purpose, on every desk.
    other = elsewhere(lambda: check_pin(Office.get_by_id(so.office.id),
                                        Staff.get_by_id(whose.id), PIN, "sign_in"))
    assert isinstance(other, DutyError) and "Too many wrong PINs" in other.message

    # Every refusal is in the change log with its purpose and who was at the desk.
    assert refusals_of(whose) == [
        {"purpose": check.purpose, "at_desk": check.at_desk.id if check.at_desk else None,
         "tries": count, "locked": count == MAX_FAILURES, "staff": whose.id,
         "office": so.office.id} for count in range(1, MAX_FAILURES + 1)]

    frozen_clock(START + (LOCKOUT_MINUTES - 1) * MINUTE)
    assert "try again in 1 min" in refused(check, PIN).message
    frozen_clock(START + LOCKOUT_MINUTES * MINUTE)  # the lock lifts
    done = check.done()
    check.attempt(PIN)
    assert check.done() == done + 1
    good = {"sign_in": "sign_in", "unlock": "unlock"}.get(check.purpose, "pin_ok")
    last = (ChangeLog.select().where((ChangeLog.topic == "staff")
                                     & (ChangeLog.row_id == whose.id)
                                     & (ChangeLog.action == good))
            .order_by(ChangeLog.id.desc()).first())
    assert last is not None and last.at == now_utc()
    if good == "pin_ok":
        assert json.loads(last.detail)["after"]["purpose"] == check.purpose
    # The good PIN started the count again.
    assert refused(check, WRONG).message == wrong_message(1)
    assert len(refusals_of(whose)) == MAX_FAILURES + 1


@pytest.mark.parametrize("make", [void, approval, handover_day],
                         ids=["void", "approval", "handover_day"])
def test_a_good_pin_before_the_lockout_starts_the_count_again(so, make):
    check = make(so)
    for count in range(1, MAX_FAILURES):
        assert refused(check, WRONG).message == wrong_message(count)
    check.attempt(PIN)
    assert refused(check, WRONG).message == wrong_message(1)


def test_wrong_pins_for_different_purposes_add_up(so):
    """One count per person: a guess at the void and one at the handover are two guesses."""
    checks = [void(so), receipt_books(so), cash_difference(so), leave(so)]
    for count in range(1, MAX_FAILURES):
        assert refused(checks[count % len(checks)], WRONG).message == wrong_message(count)
    assert refused(checks[0], WRONG).message == wrong_message(MAX_FAILURES)
    assert "Too many wrong PINs" in refused(correction(so), PIN).message
    assert [r["purpose"] for r in refusals_of(so.supervisor)] == [
        "receipt_books", "cash_difference", "leave", "void", "void"]


def test_after_a_lockout_one_try_per_wait(so, frozen_clock):
    check = void(so)
    for _count in range(MAX_FAILURES):
        refused(check, WRONG)
    frozen_clock(START + LOCKOUT_MINUTES * MINUTE)
    assert "try again in 5 min" in refused(check, WRONG).message  # the one try: wrong again
    assert refusals_of(so.supervisor)[-1]["locked"] is True
    assert "try again in 5 min" in refused(check, PIN).message


# --- transactions -----------------------------------------------------------------------------

def test_the_refusal_is_committed_whatever_the_callers_write_does(so):
    """The wrong day PIN refuses the whole handover (nothing of it is written), yet its
    refusal row is committed: another connection reads it."""
    check = handover_day(so)
    refused(check, WRONG)
    seen = elsewhere(lambda: [(r.action, r.row_id) for r in ChangeLog.select().where(
        ChangeLog.action.in_(("pin_refused", "pin_ok")))])
    assert seen == [("pin_refused", so.clerk.id)]  # the night PIN was right: no row of it
    assert Handover.select().count() == 0


def test_a_pin_check_refuses_to_run_inside_a_write_transaction(so):
    """Inside ``changes.write()`` a refusal would be rolled back with the caller's write:
    the check refuses to run there at all (before scrypt, before any row)."""
    before = ChangeLog.select().count()
    with pytest.raises(RuntimeError, match="outside changes.write"):
        with changes.write():
            check_pin(so.office, so.supervisor, WRONG, "void")
    assert ChangeLog.select().count() == before
    with pytest.raises(RuntimeError, match="inside"):
        pin_checks.pin_ok(so.office, so.supervisor, "void")


def test_a_pin_of_the_wrong_shape_is_no_guess(so):
    check = void(so)
    for pin in ("", "12", "abcd", "123456789"):
        assert refused(check, pin).field == "pin"
    assert refusals_of(so.supervisor) == []
    assert refused(check, WRONG).message == wrong_message(1)


def test_guesses_at_the_same_moment_are_counted_one_after_the_other(so):
    """A script guessing on many desks at once gets no more than the five tries: the
    decision is taken again under the lock, after scrypt."""
    office_id, staff_id = so.office.id, so.supervisor.id
    results: list = []
    gate = threading.Barrier(8)

    def guess():
        gate.wait()
        with database.connection_context():
            try:
                check_pin(Office.get_by_id(office_id), Staff.get_by_id(staff_id), WRONG, "void")
            except DutyError as exc:
                results.append(exc.message)

    threads = [threading.Thread(target=guess) for _n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 8
    wrong = [m for m in results if m.startswith("Wrong PIN")]
    assert sorted(wrong) == [wrong_message(n) for n in range(1, MAX_FAILURES + 1)]
    assert all("Too many wrong PINs" in m for m in results if m not in wrong)
    # Each refusal counted after the one before (a count stops at the limit).
    tries = [r["tries"] for r in refusals_of(so.supervisor)]
    assert tries == [*range(1, MAX_FAILURES + 1), *[MAX_FAILURES + 1] * (len(tries) - 5)]
    assert "Too many wrong PINs" in refused(void(so), PIN).message


def test_one_persons_lockout_locks_nobody_else(so):
    check = void(so)
    for _count in range(MAX_FAILURES):
        refused(check, WRONG)
    approval_check = approval(so)
    approval_check.attempt(PIN)  # the manager is not locked
    assert "Too many wrong PINs" in refused(check, PIN).message
