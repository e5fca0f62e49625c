"""Cash sessions [5.3]: opening with a counted float, the drawer's figures, the blind count
at close and a difference beyond the limit, on SQLite and PostgreSQL. Deposits and the
undeposited cash are in test_cash_bank.py."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.db import changes
from deskterm.db.models import CashEntry, CashSession, ChangeLog, Payment, Staff
from deskterm.duties.cashdesk import cash
from deskterm.duties.pins import hash_pin
from deskterm.errors import DutyError
from tests.factories import PIN, small_office

NOW = "2026-11-26T02:05:00"  # Thursday 26 November, 10:05 in Shanghai
TODAY = dt.date(2026, 11, 26)
M = dt.timedelta(minutes=1)


def take_cash(so, session, amount, *, clerk=None, at=None):
    """A cash payment as the payment duty writes its cash side: Payment + CashEntry."""
    clerk = clerk or so.clerk
    at = at or cash.now_utc()
    with changes.write():
        payment = Payment.create(office=so.office, unit=so.unit, method="cash", amount=amount,
                                 tendered=amount, change_given=0, taken_at=at, clerk=clerk,
                                 cash_session=session)
        entry = CashEntry.create(office=so.office, session=session, at=at, kind="payment",
                                 amount=amount, payment=payment, clerk=clerk)
    return payment, entry


def reverse_cash(so, payment, entry, *, at=None):
    """A voided receipt's cash side: the reversal payment and its cash entry."""
    at = at or cash.now_utc()
    with changes.write():
        reversal = Payment.create(office=so.office, unit=so.unit, method="cash",
                                  amount=-payment.amount, taken_at=at, clerk=payment.clerk,
                                  cash_session=entry.session, reverses=payment, reason="错")
        CashEntry.create(office=so.office, session=entry.session, at=at, kind="reversal",
                         amount=-payment.amount, payment=reversal, reverses=entry,
                         clerk=payment.clerk)
    return reversal


def refused(call, field):
    with pytest.raises(DutyError) as caught:
        call()
    assert caught.value.field == field, caught.value.message
    return caught.value


def counts():
    return (CashSession.select().count(), CashEntry.select().count(),
            ChangeLog.select().count())


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(NOW)
    return small_office()


# --- opening ---------------------------------------------------------------------------------

def test_open_session_counts_the_float_in(so):
    session = cash.open_session(so.office, so.clerk, "¥300")
    assert (session.state, session.opening_float, session.day) == ("open", 30000, TODAY)
    entry = CashEntry.get(CashEntry.session == session)
    assert (entry.kind, entry.amount, entry.clerk_id) == ("float", 30000, so.clerk.id)
    assert cash.my_session(so.office, so.clerk).id == session.id
    assert cash.my_session(so.office, so.supervisor) is None
    logged = {(c.topic, c.action) for c in ChangeLog.select().where(ChangeLog.staff == so.clerk)}
    assert logged == {("cash_session", "create"), ("cash_entry", "create")}


def test_the_float_by_denominations_is_summed_exactly(so):
    pieces = {10000: 2, 5000: 1, 1000: 4, 100: 7, 50: 3, 10: 9, 1: 3}
    session = cash.open_session(so.office, so.clerk, None, denominations=pieces)
    assert session.opening_float == 20000 + 5000 + 4000 + 700 + 150 + 90 + 3
    count = ChangeLog.get((ChangeLog.topic == "cash_session") & (ChangeLog.action == "count"))
    assert '"10000": 2' in count.detail


def test_one_session_per_clerk_per_day(so, frozen_clock):
    cash.open_session(so.office, so.clerk, "300")
    before = counts()
    refused(lambda: cash.open_session(so.office, so.clerk, "300"), "session")
    cash.close_session(so.office, so.clerk, "300")
    error = refused(lambda: cash.open_session(so.office, so.clerk, "300"), "session")
    assert "once a day" in error.message
    assert CashSession.select().count() == before[0]
    frozen_clock("2026-11-27T00:30:00")  # 08:30 the next morning: a new day, a new drawer
    assert cash.open_session(so.office, so.clerk, "300").day == TODAY + dt.timedelta(days=1)


def test_yesterdays_open_drawer_must_be_closed_first(so, frozen_clock):
    yesterday = cash.open_session(so.office, so.clerk, "300")
    frozen_clock("2026-11-27T00:30:00")
    before = counts()
    error = refused(lambda: cash.open_session(so.office, so.clerk, "300"), "session")
    assert "11-26" in error.message and counts() == before
    result = cash.close_session(so.office, so.clerk, "300")  # the count of yesterday's
    assert result.session_id == yesterday.id and result.difference == 0
    assert cash.open_session(so.office, so.clerk, "200").opening_float == 20000


@pytest.mark.parametrize(("value", "pieces", "field"), [
    ("-5", None, "float"), ("abc", None, "float"), ("1.234", None, "float"),
    ("", None, "float"), (None, None, "float"), ("1" * 30, None, "float"),
    (None, {300: 1}, "denominations"), (None, {100: -1}, "denominations"),
    (None, {100: "x"}, "denominations"), (None, {100: 10**9}, "denominations"),
    ("5", {100: 4}, "float"),  # the typed total and the notes disagree
])
def test_a_bad_float_stores_nothing(so, value, pieces, field):
    before = counts()
    refused(lambda: cash.open_session(so.office, so.clerk, value, denominations=pieces), field)
    assert counts() == before


def test_only_clerks_and_supervisors_keep_a_drawer(so):
    with changes.write():
        manager = Staff.create(office=so.office, name="赵建国", role="manager",
                               pin_hash=hash_pin(PIN), created_at=so.office.created_at)
    before = counts()
    refused(lambda: cash.open_session(so.office, manager, "300"), "clerk")
    refused(lambda: cash.open_session(so.office, so.technician, "300"), "clerk")
    other = small_office("另一个管理处")
    refused(lambda: cash.open_session(so.office, other.clerk, "300"), "clerk")
    assert counts()[:2] == before[:2]
    assert cash.open_session(so.office, so.supervisor, "0").opening_float == 0


# --- the drawer ------------------------------------------------------------------------------

def test_the_drawer_is_derived_from_its_entries(so):
    session = cash.open_session(so.office, so.clerk, "300.00")
    take_cash(so, session, 12345)
    paid, entry = take_cash(so, session, 101)
    reverse_cash(so, paid, entry)
    take_cash(so, session, 9)
    drawer = cash.drawer(so.office, session.id)
    assert (drawer.opening_float, drawer.taken, drawer.payments, drawer.reversals) == (
        30000, 12345 + 101 + 9, 3, 101)
    assert drawer.expected == 30000 + 12345 + 9
    assert drawer.undeposited == 12345 + 9 and drawer.deposited == 0
    assert (drawer.clerk, drawer.state, drawer.day) == ("李静", "open", TODAY)
    other = small_office("另一个管理处")
    refused(lambda: cash.drawer(other.office, session.id), "session")


# --- closing: the blind count ---------------------------------------------------------------

def test_close_within_the_limit_records_count_and_difference(so, frozen_clock):
    session = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, session, 25050)
    frozen_clock("2026-11-26T08:40:00")  # 16:40
    result = cash.close_session(so.office, so.clerk, "553.00", reason="少了五角")
    assert (result.expected, result.counted, result.difference) == (55050, 55300, 250)
    row = CashSession.get_by_id(session.id)
    assert (row.state, row.counted, row.difference, row.difference_reason) == (
        "closed", 55300, 250, "少了五角")
    assert row.closed_at == dt.datetime(2026, 11, 26, 8, 40)
    assert row.difference_approved_by is None
    log = ChangeLog.get((ChangeLog.topic == "cash_session") & (ChangeLog.action == "close"))
    assert '"difference": 250' in log.detail and '"state": "closed"' in log.detail
    assert cash.my_session(so.office, so.clerk).state == "closed"
    refused(lambda: cash.close_session(so.office, so.clerk, "553"), "session")


def test_close_by_denominations(so):
    session = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, session, 12345)
    pieces = {10000: 4, 1000: 2, 100: 3, 50: 0, 10: 4, 5: 1}
    result = cash.close_session(so.office, so.clerk, None, denominations=pieces)
    assert result.counted == 40000 + 2000 + 300 + 40 + 5 == 42345
    assert result.difference == 0
    refused(lambda: cash.close_session(so.office, so.clerk, None, denominations=pieces),
            "session")


def test_bad_counts_store_nothing(so):
    cash.open_session(so.office, so.clerk, "300")
    before = counts()
    for value, pieces, field in [("x", None, "counted"), ("-1", None, "counted"),
                                 (None, None, "counted"), ("2", {100: 1}, "counted"),
                                 (None, {3: 1}, "denominations")]:
        refused(lambda v=value, p=pieces: cash.close_session(so.office, so.clerk, v,
                                                             denominations=p), field)
    refused(lambda: cash.close_session(so.office, so.clerk, "300", reason="\x1b[31m" + "x" * 300),
            "reason")
    refused(lambda: cash.close_session(so.office, so.supervisor, "300"), "session")
    assert counts() == before
    assert CashSession.get().state == "open"


def test_beyond_the_limit_needs_a_reason_and_a_supervisors_pin(so):
    session = cash.open_session(so.office, so.clerk, "300")
    take_cash(so, session, 5000)
    with pytest.raises(cash.NeedsApproval) as caught:  # ¥10.01 short: the limit is ¥10.00
        cash.close_session(so.office, so.clerk, "339.99")
    error = caught.value
    assert error.field == "reason" and error.limit == 1000
    assert (error.result.expected, error.result.counted, error.result.difference) == (
        35000, 33999, -1001)
    assert CashSession.get_by_id(session.id).state == "open"
    shown = ChangeLog.get((ChangeLog.topic == "cash_session") & (ChangeLog.action == "count"))
    assert '"difference": -1001' in shown.detail  # the count was shown: it is kept
    attempt = dict(reason="点钞少了", approver_id=so.supervisor.id, approver_pin=PIN)
    for change, field in [({"reason": ""}, "reason"), ({"approver_id": None}, "approver"),
                          ({"approver_id": so.clerk.id}, "approver"),
                          ({"approver_id": so.technician.id}, "approver"),
                          ({"approver_pin": ""}, "pin"), ({"approver_pin": "9999"}, "pin")]:
        with pytest.raises(cash.NeedsApproval) as caught:
            cash.close_session(so.office, so.clerk, "339.99", **{**attempt, **change})
        assert caught.value.field == field and caught.value.result.difference == -1001
        assert CashSession.get_by_id(session.id).state == "open"
    result = cash.close_session(so.office, so.clerk, "339.99", **attempt)
    row = CashSession.get_by_id(session.id)
    assert (row.state, row.difference, row.difference_reason) == ("closed", -1001, "点钞少了")
    assert row.difference_approved_by_id == so.supervisor.id and result.difference == -1001
    assert cash.drawer(so.office, session.id).approved_by == "刘芳"


def test_exactly_the_limit_needs_no_approval(so):
    cash.open_session(so.office, so.clerk, "300")
    assert cash.close_session(so.office, so.clerk, "310").difference == 1000


def test_a_supervisor_cannot_approve_their_own_count(so):
    cash.open_session(so.office, so.supervisor, "300")
    with pytest.raises(cash.NeedsApproval) as caught:
        cash.close_session(so.office, so.supervisor, "0", reason="丢了",
                           approver_id=so.supervisor.id, approver_pin=PIN)
    assert caught.value.field == "approver"


def test_approvers_are_supervisors_and_managers(so):
    with changes.write():
        Staff.create(office=so.office, name="赵建国", role="manager",
                     created_at=so.office.created_at)
        Staff.create(office=so.office, name="王离职", role="supervisor", active=False,
                     created_at=so.office.created_at)
    assert [name for _id, name in cash.approvers(so.office)] == ["刘芳", "赵建国"]


def test_denominations_total_is_exact():
    assert cash.denominations_total({}) == 0
    assert cash.denominations_total({"10000": "3", 1: "０７"}) == 30007
    assert cash.DENOMINATIONS == tuple(sorted(cash.DENOMINATIONS, reverse=True))
