"""The dashboard panes' queries, on SQLite and PostgreSQL, against hand-made records."""

from __future__ import annotations

import datetime as dt

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    BankDeposit,
    CashEntry,
    CashSession,
    Complaint,
    Payment,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
)
from deskterm.duties import panes
from tests.factories import order, small_office

NOW = "2026-11-26T02:05:00"  # 10:05 in Shanghai
H = dt.timedelta(hours=1)


def test_open_orders_overdue_first_then_by_time_then_unscheduled(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    later = order(so, appointment=now + 3 * H)
    unscheduled = order(so, state="registered", appointment=None)
    overdue = order(so, appointment=now - H)
    order(so, state="returned", returned=now - H)  # not open
    order(so, state="cancelled")  # not open
    result = panes.open_orders(so.office, now=now)
    assert result.count == 3 and result.overdue == 1
    assert [r.id for r in result.rows] == [overdue.id, later.id, unscheduled.id]
    assert result.rows[0].overdue and not result.rows[1].overdue
    assert result.rows[0].unit == "3-2-501" and result.rows[0].technician == "张强"


def test_open_orders_shows_only_the_top_rows_but_counts_all(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    for i in range(7):
        order(so, appointment=now + i * H)
    result = panes.open_orders(so.office, now=now, limit=3)
    assert result.count == 7 and len(result.rows) == 3
    assert [r.appointment_at for r in result.rows] == [now, now + H, now + 2 * H]


def test_due_callbacks_orders_and_complaints_most_urgent_first(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    late = order(so, state="returned", returned=now - 30 * H)  # due 6 h ago
    soon = order(so, state="returned", returned=now - 20 * H)  # due in 4 h
    order(so, state="returned", returned=now - 2 * H)  # due tomorrow: after the shift
    order(so, state="called_back", returned=now - 30 * H, called_back_at=now - 8 * H)
    with changes.write():
        complaint = Complaint.create(
            office=so.office, number="TS-202611-001", unit=so.unit, description="噪音",
            received_at=now - 40 * H, received_by=so.clerk, handler=so.supervisor,
            state="handled", callback_due_at=now - 2 * H)
    shift_end = now + 8 * H
    result = panes.due_callbacks(so.office, shift_end=shift_end, now=now)
    assert (result.overdue, result.due_in_shift) == (2, 1)
    assert [(r.kind, r.id) for r in result.rows] == [
        ("order", late.id), ("complaint", complaint.id), ("order", soon.id)]
    assert result.rows[1].who == "刘芳"


def test_callback_rate_counts_closed_windows_and_early_callbacks(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    order(so, state="called_back", returned=now - 30 * H, callback_on_time=True)
    order(so, state="called_back", returned=now - 40 * H, callback_on_time=False)
    order(so, state="returned", returned=now - 30 * H)  # window closed, never called: a miss
    order(so, state="called_back", returned=now - 2 * H, callback_on_time=True)  # early
    order(so, state="returned", returned=now - 2 * H)  # window still open: not counted
    order(so, state="called_back", returned=now - 9 * 24 * H, callback_on_time=False)  # too old
    rate = panes.callback_rate(so.office, now=now)
    assert (rate.on_time, rate.counted) == (2, 4)
    assert rate.rate == 0.5 and not rate.meets_standard


def _cash_session(so, day, *, taken, deposited=0, opening=20000, state="open"):
    now = now_utc()
    with changes.write():
        session = CashSession.create(office=so.office, clerk=so.clerk, day=day, opened_at=now,
                                     opening_float=opening, state=state)
        CashEntry.create(office=so.office, session=session, at=now, kind="float",
                         amount=opening, clerk=so.clerk)
        for amount in taken:
            CashEntry.create(office=so.office, session=session, at=now, kind="payment",
                             amount=amount, clerk=so.clerk)
        if deposited:
            deposit = BankDeposit.create(office=so.office, at=now, amount=deposited,
                                         slip_number=f"SLIP-{session.id}", deposited_by=so.clerk)
            CashEntry.create(office=so.office, session=session, at=now, kind="deposit",
                             amount=-deposited, deposit=deposit, clerk=so.clerk)
    return session


def test_cash_not_banked_is_late_after_five_and_carried_from_earlier_days(desk_db, frozen_clock):
    frozen_clock(NOW)
    so = small_office()
    today, yesterday = dt.date(2026, 11, 26), dt.date(2026, 11, 25)
    old = _cash_session(so, yesterday, taken=[10010, 20020], deposited=10010, state="closed")
    new = _cash_session(so, today, taken=[5050, 33])
    _cash_session(so, dt.date(2026, 11, 24), taken=[100], deposited=100, state="banked")
    state = panes.cash_state(so.office)
    assert state.undeposited == 20020 + 5083  # exact fen
    assert state.late == 20020 and state.oldest_day == yesterday
    rows = {r.session_id: r for r in state.rows}
    assert set(rows) == {old.id, new.id}
    assert rows[old.id].late and not rows[new.id].late
    assert rows[new.id].expected == 20000 + 5083
    frozen_clock("2026-11-26T09:05:00")  # 17:05: today's cash is late too
    assert panes.cash_state(so.office).late == 20020 + 5083


def test_cash_says_since_when_carried_open_drawers_and_todays_differences(
        desk_db, frozen_clock):
    from deskterm.duties.cashdesk import cash
    from tests.cashdesk.test_cash import take_cash

    at = frozen_clock("2026-11-25T01:00:00")  # yesterday 09:00: a drawer left open
    so = small_office()
    left_open = cash.open_session(so.office, so.supervisor, "100")
    take_cash(so, left_open, 4000, clerk=so.supervisor, at=at + H)
    now = frozen_clock(NOW)
    mine = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, mine, 1234, at=now - H)
    state = panes.cash_state(so.office)
    assert (state.undeposited, state.late, state.carried) == (5234, 4000, 4000)
    assert state.since == at + H  # yesterday's payment, the oldest not yet in the bank
    assert (state.open_drawers, state.stale_drawers, state.deposit_by) == (2, 1, "17:00")
    assert [(r.session_id, r.since) for r in state.rows] == [(left_open.id, at + H),
                                                             (mine.id, now - H)]
    # Today's drawer banked and counted ¥0.50 over: its difference stays on the pane today.
    cash.record_deposit(so.office, so.clerk, "52.34", "S-1")
    cash.close_session(so.office, so.clerk, "300.50")
    state = panes.cash_state(so.office)
    assert state.undeposited == 0 and state.since is None
    rows = {r.session_id: r for r in state.rows}
    assert rows[mine.id].state == "banked" and rows[mine.id].difference == 50
    assert rows[left_open.id].state == "open" and state.open_drawers == 1
    frozen_clock("2026-11-26T16:05:00")  # the next day: yesterday's difference is history
    assert mine.id not in {r.session_id for r in panes.cash_state(so.office).rows}


def test_receipts_payments_and_voids_today(desk_db, frozen_clock):
    now = frozen_clock(NOW)
    so = small_office()
    with changes.write():
        book = ReceiptBook.create(office=so.office, clerk=so.clerk, first_number=1,
                                  last_number=100, next_number=3, issued_at=now, issued_by=so.supervisor)
        paid = Payment.create(office=so.office, unit=so.unit, method="wechat", amount=12345,
                              taken_at=now, clerk=so.clerk)
        receipt = Receipt.create(office=so.office, book=book, number=1, payment=paid,
                                 issued_at=now, clerk=so.clerk, total=12345)
        reversal = Payment.create(office=so.office, unit=so.unit, method="wechat",
                                  amount=-12345, taken_at=now, clerk=so.clerk, reverses=paid)
        ReceiptVoid.create(office=so.office, receipt=receipt, reversal=reversal, reason="开错",
                           voided_at=now, voided_by=so.clerk, approved_by=so.supervisor)
        again = Payment.create(office=so.office, unit=so.unit, method="wechat", amount=12345,
                               taken_at=now, clerk=so.clerk)
        Receipt.create(office=so.office, book=book, number=2, payment=again, issued_at=now,
                       clerk=so.clerk, total=12345)
        Payment.create(office=so.office, unit=so.unit, method="card", amount=100,
                       taken_at=now - 30 * H, clerk=so.clerk)  # yesterday
    state = panes.cash_state(so.office)
    assert (state.receipts_today, state.payments_today, state.voided_today) == (2, 2, 1)
    assert state.undeposited == 0 and state.rows == ()
