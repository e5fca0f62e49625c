"""take_payment (duties/cashdesk/payments.py) on SQLite and PostgreSQL: the rows one payment
writes, part payments, the book moving on and closing, every refusal storing nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from deskterm.db import changes
from deskterm.db.models import (
    CashEntry,
    CashSession,
    ChangeLog,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    Staff,
    Unit,
)
from deskterm.duties.cashdesk.dues import unit_dues
from deskterm.duties.cashdesk.payments import take_payment
from deskterm.duties.cashdesk.receipts import issue_book, void_receipt
from deskterm.errors import DutyError
from tests.factories import MORNING, PIN, small_office
from tests.payment_factories import FLOAT, book, cash_office, charge, drawer


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


def counts() -> tuple[int, ...]:
    return tuple(m.select().count() for m in (Payment, PaymentLine, Receipt, CashEntry,
                                               ChangeLog))


def refused(field: str, so, **kwargs) -> str:
    before = counts()
    books = [(b.id, b.next_number, b.closed_at) for b in ReceiptBook.select()]
    with pytest.raises(DutyError) as caught:
        take_payment(so.office, kwargs.pop("clerk", so.clerk.id), **kwargs)
    assert caught.value.field == field, caught.value.message
    assert counts() == before
    assert [(b.id, b.next_number, b.closed_at) for b in ReceiptBook.select()] == books
    return caught.value.message


def test_cash_payment_of_all_dues(so):
    charges = cash_office(so, 26868, 26868)
    result = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                          lines=[(c.id, c.amount) for c in charges], method="cash",
                          tendered=60000, payer_name="张三")
    assert (result.receipt_number, result.total, result.change) == ("A0000001", 53736, 6264)
    assert not result.book_closed
    payment = Payment.get_by_id(result.payment_id)
    assert (payment.method, payment.amount, payment.tendered, payment.change_given) == (
        "cash", 53736, 60000, 6264)
    assert payment.payer_name == "张三" and payment.unit_id == so.unit.id
    assert payment.cash_session_id == CashSession.get().id and payment.reverses_id is None
    assert sorted((line.charge_id, line.amount) for line in payment.lines) == sorted(
        (c.id, c.amount) for c in charges)
    receipt = Receipt.get_by_id(result.receipt_id)
    assert (receipt.number, receipt.total, receipt.payment_id) == (1, 53736, payment.id)
    assert ReceiptBook.get().next_number == 2
    entry = CashEntry.get(CashEntry.payment == payment)
    assert (entry.kind, entry.amount, entry.session_id) == ("payment", 53736, CashSession.get().id)
    assert sum(e.amount for e in CashEntry.select()) == FLOAT + 53736
    assert unit_dues(so.office, so.unit.id) == []
    logged = {(c.topic, c.action) for c in ChangeLog.select().where(ChangeLog.staff == so.clerk)}
    assert logged == {("payment", "create"), ("payment_line", "create"), ("receipt", "create"),
                      ("cash_entry", "create"), ("receipt_book", "use")}


def test_exact_money_and_part_payment(so):
    first, second = cash_office(so, 26868, 3000)
    result = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                          lines=[(first.id, 10000)], method="cash")
    assert result.change == 0
    payment = Payment.get_by_id(result.payment_id)
    assert (payment.tendered, payment.change_given) == (10000, 0)
    dues = unit_dues(so.office, so.unit.id)
    assert [(d.charge_id, d.outstanding) for d in dues] == [(first.id, 16868), (second.id, 3000)]
    again = take_payment(so.office, so.clerk.id, unit_id=so.unit.id,
                         lines=[(first.id, 16868)], method="cash", tendered="¥200")
    assert again.receipt_number == "A0000002" and again.change == 3132
    assert [d.charge_id for d in unit_dues(so.office, so.unit.id)] == [second.id]


@pytest.mark.parametrize("method", ["card", "transfer", "wechat", "alipay"])
def test_other_methods_need_no_drawer(so, method):
    book(so)
    due = charge(so, 5000)
    result = take_payment(so.office, so.clerk.id, unit_id=so.unit.id, lines=[(due.id, 5000)],
                          method=method, tendered=99999)
    payment = Payment.get_by_id(result.payment_id)
    assert payment.method == method and payment.cash_session_id is None
    assert payment.tendered is None and payment.change_given is None and result.change == 0
    assert CashEntry.select().count() == 0


def test_the_last_number_closes_the_book(so):
    book(so, first=41, last=42, prefix="B")
    drawer(so)
    dues = [charge(so, 100, f"2026-0{m}") for m in range(1, 4)]
    assert take_payment(so.office, so.clerk.id, unit_id=so.unit.id, lines=[(dues[0].id, 100)],
                        method="cash").receipt_number == "B0000041"
    last = take_payment(so.office, so.clerk.id, unit_id=so.unit.id, lines=[(dues[1].id, 100)],
                        method="cash")
    assert last.receipt_number == "B0000042" and last.book_closed
    row = ReceiptBook.get()
    assert row.next_number == 43 and row.closed_at is not None
    message = refused("book", so, unit_id=so.unit.id, lines=[(dues[2].id, 100)], method="cash")
    assert message == "No receipt book: ask the supervisor to issue one."
    issue_book(so.office, so.supervisor.id, PIN, so.clerk.id, 43, 100, "B")
    assert take_payment(so.office, so.clerk.id, unit_id=so.unit.id, lines=[(dues[2].id, 100)],
                        method="cash").receipt_number == "B0000043"


def test_a_used_up_open_book_is_refused(so):
    book(so, first=1, last=5, next_number=6)
    due = charge(so, 100)
    assert "used up" in refused("book", so, unit_id=so.unit.id, lines=[(due.id, 100)],
                                method="card")


def test_each_clerk_numbers_from_their_own_book(so):
    book(so, prefix="A")
    book(so, clerk=so.supervisor, prefix="B")
    drawer(so)
    dues = [charge(so, 100, f"2026-0{m}") for m in range(1, 3)]
    a = take_payment(so.office, so.clerk.id, unit_id=so.unit.id, lines=[(dues[0].id, 100)],
                     method="wechat")
    b = take_payment(so.office, so.supervisor.id, unit_id=so.unit.id,
                     lines=[(dues[1].id, 100)], method="card")
    assert (a.receipt_number, b.receipt_number) == ("A0000001", "B0000001")
    refused("method", so, clerk=so.supervisor.id, unit_id=so.unit.id,
            lines=[(charge(so, 5).id, 5)], method="cash")  # the drawer is the clerk's


def test_a_voided_payment_can_be_paid_again(so):
    due, = cash_office(so, 26868)
    first = take_payment(so.office, so.clerk.id, unit_id=so.unit.id, lines=[(due.id, 26868)],
                         method="cash")
    refused("lines", so, unit_id=so.unit.id, lines=[(due.id, 1)], method="cash")
    void_receipt(so.office, so.clerk.id, first.receipt_id, reason="金额录入错误",
                 approver_id=so.supervisor.id, approver_pin=PIN)
    second = take_payment(so.office, so.clerk.id, unit_id=so.unit.id, lines=[(due.id, 26868)],
                          method="cash")
    assert second.receipt_number == "A0000002"
    cash = sum(e.amount for e in CashEntry.select().where(CashEntry.kind != "float"))
    assert cash == 26868


@pytest.fixture
def ready(so):
    """A book, an open drawer and two dues on the unit; another unit with a due."""
    dues = cash_office(so, 26868, 3000)
    with changes.write():
        other = Unit.create(office=so.office, building=so.building, entrance="2", room="502",
                            code="3-2-502", area_centi_m2=9000)
    return so, dues, charge(so, 5000, unit=other)


@pytest.mark.parametrize(("case", "field"), [
    ("no lines", "lines"),
    ("zero", "lines"),
    ("negative", "lines"),
    ("more than owed", "lines"),
    ("same due twice", "lines"),
    ("another unit's due", "lines"),
    ("another office's due", "lines"),
    ("no such due", "lines"),
    ("unknown method", "method"),
    ("tendered short", "tendered"),
    ("tendered not money", "tendered"),
    ("cash without a drawer", "method"),
    ("yesterday's drawer", "method"),
    ("no book", "book"),
    ("another office's unit", "unit"),
    ("a technician", "clerk"),
    ("a manager", "clerk"),
])
def test_refusals_store_nothing(ready, case, field):
    so, (first, second), elsewhere = ready
    kwargs = dict(unit_id=so.unit.id, lines=[(first.id, 26868), (second.id, 3000)],
                  method="cash")
    if case == "no lines":
        kwargs["lines"] = []
    elif case == "zero":
        kwargs["lines"] = [(first.id, 0)]
    elif case == "negative":
        kwargs["lines"] = [(first.id, -100)]
    elif case == "more than owed":
        kwargs["lines"] = [(first.id, 26869)]
    elif case == "same due twice":
        kwargs["lines"] = [(first.id, 100), (first.id, 100)]
    elif case == "another unit's due":
        kwargs["lines"] = [(first.id, 100), (elsewhere.id, 5000)]
    elif case == "another office's due":
        other = small_office("别的管理处")
        kwargs["lines"] = [(charge(other, 5000).id, 5000)]
    elif case == "no such due":
        kwargs["lines"] = [(999999, 5000)]
    elif case == "unknown method":
        kwargs["method"] = "cheque"
    elif case == "tendered short":
        kwargs["tendered"] = 29867
    elif case == "tendered not money":
        kwargs["tendered"] = "12.345"
    elif case == "cash without a drawer":
        CashSession.update(state="closed").execute()
    elif case == "yesterday's drawer":
        CashSession.update(day=dt.date(2026, 11, 25)).execute()
    elif case == "no book":
        ReceiptBook.update(closed_at=ReceiptBook.issued_at).execute()
    elif case == "another office's unit":
        kwargs["unit_id"] = small_office("别的管理处").unit.id
    elif case == "a technician":
        kwargs["clerk"] = so.technician.id
    elif case == "a manager":
        kwargs["clerk"] = Staff.create(office=so.office, name="王经理", role="manager",
                                       created_at=so.office.created_at).id
    message = refused(field, ready[0], **kwargs)
    if case == "cash without a drawer":
        assert message == "Open your cash drawer first (F6): count the float in."
    if case == "more than owed":
        assert "¥268.68 is owed" in message and "物业服务费 2026-01" in message
    if case == "tendered short":
        assert "¥298.68" in message
