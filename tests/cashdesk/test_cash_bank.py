"""Bank deposits and the cash waiting for one [5.3], on SQLite and PostgreSQL: oldest cash
first, earlier days carried, late after 17:00, exact sums whatever the sequence."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskterm.db.models import BankDeposit, CashEntry, CashSession, ChangeLog
from deskterm.duties.cashdesk import cash
from tests.cashdesk.test_cash import NOW, refused, reverse_cash, take_cash
from tests.factories import PIN, small_office

M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)
YESTERDAY_MORNING = "2026-11-25T01:00:00"  # 09:00 on Wednesday 25 November, Shanghai


def counts():
    return (BankDeposit.select().count(), CashEntry.select().count(),
            ChangeLog.select().count(), list(CashSession.select(CashSession.state).tuples()))


@pytest.fixture
def two_days(desk_db, frozen_clock):
    """Yesterday the clerk took ¥100.10 + ¥200.20 and closed; today ¥50.50 + ¥0.33 so far."""
    at = frozen_clock(YESTERDAY_MORNING)
    so = small_office()
    old = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, old, 10010, at=at + H)
    take_cash(so, old, 20020, at=at + 2 * H)
    frozen_clock("2026-11-25T08:50:00")  # 16:50
    cash.close_session(so.office, so.clerk, "603.30")
    now = frozen_clock(NOW)
    new = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, new, 5050, at=now - 30 * M)
    take_cash(so, new, 33, at=now - 10 * M)
    return so, old, new


def test_a_deposit_takes_the_oldest_cash_first(two_days):
    so, old, new = two_days
    deposit = cash.record_deposit(so.office, so.clerk, "150.00", " 2026 1126-001 ",
                                  bank="工商银行")
    assert (deposit.amount, deposit.slip_number, deposit.bank) == (15000, "2026 1126-001",
                                                                   "工商银行")
    assert deposit.deposited_by_id == so.clerk.id and deposit.at == cash.now_utc()
    parts = list(CashEntry.select(CashEntry.session, CashEntry.amount)
                 .where(CashEntry.kind == "deposit").tuples())
    assert parts == [(old.id, -15000)]
    assert CashSession.get_by_id(old.id).state == "closed"  # ¥150.30 of it still waiting
    cash.record_deposit(so.office, so.clerk, "160.00", "2026-1126-002")
    parts = list(CashEntry.select(CashEntry.session, CashEntry.amount)
                 .where(CashEntry.kind == "deposit").order_by(CashEntry.id).tuples())
    assert parts == [(old.id, -15000), (old.id, -15030), (new.id, -970)]
    assert CashSession.get_by_id(old.id).state == "banked"
    assert CashSession.get_by_id(new.id).state == "open"  # still taking cash today
    assert cash.drawer(so.office, new.id).undeposited == 5083 - 970
    assert cash.drawer(so.office, new.id).expected == 30000 + 5083 - 970
    assert cash.undeposited(so.office).total == 5083 - 970


def test_closing_a_fully_deposited_drawer_banks_it(two_days):
    so, _old, new = two_days
    cash.record_deposit(so.office, so.clerk, "351.13", "S-1")  # both days, all of it
    result = cash.close_session(so.office, so.clerk, "300")
    assert (result.state, result.difference) == ("banked", 0)
    assert CashSession.get_by_id(new.id).state == "banked"
    assert cash.undeposited(so.office).total == 0


def test_bad_deposits_store_nothing(two_days, frozen_clock):
    so, *_ = two_days
    cash.record_deposit(so.office, so.clerk, "1", "S-1")
    before = counts()
    now = cash.now_utc()
    for amount, slip, at, field in [
        ("351.00", "S-2", None, "amount"),  # only ¥350.13 waiting
        ("0", "S-2", None, "amount"), ("-5", "S-2", None, "amount"),
        ("1.001", "S-2", None, "amount"), ("", "S-2", None, "amount"),
        ("1", "S-1", None, "slip_number"), ("1", "  ", None, "slip_number"),
        ("1", "x" * 41, None, "slip_number"), ("1", "S\x1b[2J", None, "slip_number"),
        ("1", "S-2", now + M, "at"), ("1", "S-2", now - 8 * 24 * H, "at"),
        ("1", "S-2", "today", "at"),
    ]:
        refused(lambda a=amount, s=slip, t=at: cash.record_deposit(so.office, so.clerk, a, s,
                                                                   at=t), field)
    refused(lambda: cash.record_deposit(so.office, so.technician, "1", "S-2"), "clerk")
    refused(lambda: cash.record_deposit(so.office, so.clerk, "1", "S-2", bank="x" * 61), "bank")
    assert counts() == before


def test_a_slip_number_is_the_offices_own(two_days):
    so, *_ = two_days
    cash.record_deposit(so.office, so.clerk, "1", "S-1")
    other = small_office("另一个管理处")
    session = cash.open_session(other.office, other.clerk, "0")
    take_cash(other, session, 500)
    assert cash.record_deposit(other.office, other.clerk, "5", "S-1").slip_number == "S-1"
    assert cash.undeposited(other.office).total == 0


def test_nothing_waiting_says_so(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    cash.open_session(so.office, so.clerk, "300")  # the float is not for the bank
    error = refused(lambda: cash.record_deposit(so.office, so.clerk, "300", "S-1"), "amount")
    assert "no cash waiting" in error.message


def test_undeposited_since_when_carried_and_late(two_days, frozen_clock):
    so, old, new = two_days
    state = cash.undeposited(so.office)
    assert state.total == 30030 + 5083
    assert state.since == dt.datetime(2026, 11, 25, 2)  # yesterday's first payment, 10:00
    assert state.late == 30030  # yesterday's 17:00 has passed
    assert state.carried(dt.date(2026, 11, 26)) == 30030
    assert [(p.session_id, p.day, p.clerk, p.amount, p.late) for p in state.parts] == [
        (old.id, dt.date(2026, 11, 25), "李静", 30030, True),
        (new.id, dt.date(2026, 11, 26), "李静", 5083, False)]
    assert state.parts[0].deadline == dt.datetime(2026, 11, 25, 9)  # 17:00 Shanghai
    cash.record_deposit(so.office, so.clerk, "100.10", "S-1")  # takes the 10:00 payment
    state = cash.undeposited(so.office)
    assert state.since == dt.datetime(2026, 11, 25, 3) and state.late == 20020
    cash.record_deposit(so.office, so.clerk, "200.20", "S-2")
    state = cash.undeposited(so.office)
    assert state.since == cash.now_utc() - 30 * M and state.late == 0
    frozen_clock("2026-11-26T09:00:00")  # 17:00: today's cash is late now
    assert cash.undeposited(so.office).late == 5083


def test_a_reversed_payment_is_not_what_waits(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    session = cash.open_session(so.office, so.clerk, "300")
    paid, entry = take_cash(so, session, 700, at=now - 20 * M)
    reverse_cash(so, paid, entry, at=now - 15 * M)
    take_cash(so, session, 900, at=now - 5 * M)
    state = cash.undeposited(so.office)
    assert (state.total, state.since) == (900, now - 5 * M)


# --- exact sums whatever happens ---------------------------------------------------------------

_step = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 1), st.integers(1, 5_000_000)),
    st.tuples(st.just("reverse"), st.integers(0, 1), st.integers(0, 50)),
    st.tuples(st.just("deposit"), st.integers(0, 1), st.integers(1, 100)),  # percent of waiting
    st.tuples(st.just("close"), st.integers(0, 1), st.integers(-2000, 2000)),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(floats=st.tuples(st.integers(0, 100_000), st.integers(0, 100_000)),
       steps=st.lists(_step, max_size=14))
def test_expected_and_undeposited_are_exact_sums(desk_db, floats, steps):
    """Two drawers, any sequence of payments, reversals, deposits and closes: each
    drawer's expected is its float plus what it took less reversals and deposits, and
    the undeposited total is what the drawers took and the bank did not get."""
    from deskterm import clock

    clock.freeze(NOW)
    so = small_office()
    keepers = (so.clerk, so.supervisor)
    sessions = [cash.open_session(so.office, who, f)
                for who, f in zip(keepers, floats, strict=True)]
    paid: list[list] = [[], []]  # per drawer: (payment, entry) not reversed
    moved = [0, 0]  # per drawer: taken less reversed less deposited
    slips = 0
    for kind, who, value in steps:
        session = sessions[who]
        is_open = CashSession.get_by_id(session.id).state == "open"
        if kind == "pay" and is_open:
            paid[who].append(take_cash(so, session, value, clerk=keepers[who]))
            moved[who] += value
        elif kind == "reverse" and paid[who] and is_open:
            payment, entry = paid[who].pop(value % len(paid[who]))
            reverse_cash(so, payment, entry)
            moved[who] -= payment.amount
        elif kind == "deposit":
            amount = sum(max(0, m) for m in moved) * value // 100
            if amount > 0:
                slips += 1
                cash.record_deposit(so.office, so.clerk, amount, f"S-{slips}")
                for i in (0, 1):  # the clerk's drawer was opened first: its cash goes first
                    part = min(amount, max(0, moved[i]))
                    moved[i] -= part
                    amount -= part
        elif kind == "close" and is_open:
            expected = cash.drawer(so.office, session.id).expected
            diff = value if who == 0 else max(-1000, min(1000, value))  # nobody above 刘芳
            diff = max(diff, -expected)  # a drawer holds nothing less than nothing
            if who == 1 and abs(diff) > 1000:
                # a reversal after the deposit left 刘芳's drawer below nothing: her count
                # is off by more than she may approve herself, and nobody is above her here
                continue
            result = cash.close_session(so.office, keepers[who], expected + diff, reason="点钞",
                                        approver_id=so.supervisor.id, approver_pin=PIN)
            assert (result.expected, result.difference) == (expected, diff)
        state = cash.undeposited(so.office)
        assert state.total == sum(max(0, m) for m in moved)
        assert {p.session_id: p.amount for p in state.parts} == {
            s.id: m for s, m in zip(sessions, moved, strict=True) if m > 0}
        for i, s in enumerate(sessions):
            d = cash.drawer(so.office, s.id)
            assert d.undeposited == moved[i]
            assert d.expected == floats[i] + moved[i]
            assert d.expected == d.opening_float + d.taken - d.refunds - d.reversals - d.deposited
            assert d.state != "banked" or d.undeposited == 0
    clock.freeze(None)


def test_the_day_through_the_payment_duties(desk_db, frozen_clock):
    """Float, two cash payments through take_payment, one voided, the blind count, the
    deposit: the drawer, the undeposited cash and the pane agree to the fen."""
    from deskterm.duties.cashdesk.payments import take_payment
    from deskterm.duties.cashdesk.receipts import void_receipt
    from deskterm.duties.panes import cash_state
    from tests.payment_factories import book, charge

    frozen_clock(NOW)
    so = small_office()
    book(so)
    first, second = charge(so, 26868, "2026-10"), charge(so, 12345, "2026-11")
    session = cash.open_session(so.office, so.clerk, "300")
    kept = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                        lines=[(first.id, 26868)], method="cash", tendered="300")
    assert kept.change == 3132  # the change left the drawer: only the total is cash taken
    voided = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                          lines=[(second.id, 12345)], method="cash")
    void_receipt(so.office, so.clerk.id, voided.receipt_id, reason="金额录错",
                 approver_id=so.supervisor.id, approver_pin=PIN)
    drawer = cash.drawer(so.office, session.id)
    assert (drawer.taken, drawer.payments, drawer.reversals) == (26868 + 12345, 2, 12345)
    assert drawer.expected == 30000 + 26868 and drawer.undeposited == 26868
    assert cash.undeposited(so.office).total == 26868 == cash_state(so.office).undeposited
    result = cash.close_session(so.office, so.clerk, "568.68")
    assert (result.expected, result.difference, result.state) == (56868, 0, "closed")
    cash.record_deposit(so.office, so.clerk, "268.68", "2026112600001")
    assert CashSession.get_by_id(session.id).state == "banked"
    assert cash_state(so.office).undeposited == 0
