"""Receipt books and voids (duties/cashdesk/receipts.py) on SQLite and PostgreSQL: what is stored,
what is refused (and that nothing is stored then), and the problems a supervisor sees."""

from __future__ import annotations

import pytest

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    CashEntry,
    CashSession,
    ChangeLog,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
    Staff,
)
from deskterm.duties.cashdesk.dues import unit_dues
from deskterm.duties.cashdesk.receipts import (
    book_problems,
    issue_book,
    next_free_number,
    open_book,
    receipt_books,
    receipt_number,
    staff_choices,
    void_receipt,
)
from deskterm.errors import DutyError
from tests.factories import MORNING, PIN, _pin_hash, small_office
from tests.payment_factories import book, cash_office, charge, hand_payment


@pytest.fixture
def so(desk_db, frozen_clock):
    frozen_clock(MORNING)
    return small_office()


def counts() -> tuple[int, ...]:
    return tuple(m.select().count() for m in (ReceiptBook, Payment, PaymentLine, ReceiptVoid,
                                               CashEntry, ChangeLog))


def refused(field: str, call, *args, pin_refused: int = 0, **kwargs) -> str:
    """``call`` raises DutyError on ``field`` and stores nothing but ``pin_refused``
    change-log rows of a wrong PIN (those are kept, and counted towards a lockout)."""
    before = counts()
    refusals = ChangeLog.select().where(ChangeLog.action == "pin_refused").count()
    with pytest.raises(DutyError) as caught:
        call(*args, **kwargs)
    assert caught.value.field == field, caught.value.message
    after = counts()
    assert after[:-1] == before[:-1] and after[-1] == before[-1] + pin_refused
    assert (ChangeLog.select().where(ChangeLog.action == "pin_refused").count()
            == refusals + pin_refused)
    return caught.value.message


# --- issuing books ----------------------------------------------------------------------------

def test_issue_a_book(so):
    row = issue_book(so.office, so.supervisor.id, PIN, so.clerk.id, 1, 500, "a")
    row = ReceiptBook.get_by_id(row.id)
    assert (row.prefix, row.first_number, row.last_number, row.next_number) == ("A", 1, 500, 1)
    assert row.clerk_id == so.clerk.id and row.issued_by_id == so.supervisor.id
    assert row.closed_at is None
    assert open_book(so.office, so.clerk).id == row.id
    log = ChangeLog.get((ChangeLog.topic == "receipt_book") & (ChangeLog.row_id == row.id))
    assert log.action == "create" and log.staff_id == so.supervisor.id
    assert next_free_number(so.office, "A") == 501 and next_free_number(so.office, "B") == 1


def test_a_new_book_closes_the_clerks_open_one(so):
    old = issue_book(so.office, so.supervisor.id, PIN, so.clerk.id, 1, 500, "A")
    new = issue_book(so.office, so.supervisor.id, "１２３４", so.clerk.id, "501", "1000", "A")
    assert ReceiptBook.get_by_id(old.id).closed_at == now_utc()
    assert open_book(so.office, so.clerk).id == new.id
    assert ChangeLog.get((ChangeLog.topic == "receipt_book") & (ChangeLog.row_id == old.id)
                         & (ChangeLog.action == "close")).staff_id == so.supervisor.id


def test_a_manager_may_issue_and_a_supervisor_may_hold_a_book(so):
    with changes.write():
        manager = Staff.create(office=so.office, name="王经理", role="manager",
                               pin_hash=_pin_hash(), created_at=now_utc())
    row = issue_book(so.office, manager.id, PIN, so.supervisor.id, 1, 50, "S")
    assert open_book(so.office, so.supervisor).id == row.id


def test_overlapping_ranges_are_refused(so):
    issue_book(so.office, so.supervisor.id, PIN, so.clerk.id, 1, 500, "A")
    message = refused("first", issue_book, so.office, so.supervisor.id, PIN, so.supervisor.id,
                      400, 900, "A")
    assert "A0000001–A0000500" in message and "李静" in message
    # another prefix is another series
    issue_book(so.office, so.supervisor.id, PIN, so.supervisor.id, 400, 900, "B")


def test_other_offices_books_do_not_clash(so):
    other = small_office("别的管理处")
    issue_book(other.office, other.supervisor.id, PIN, other.clerk.id, 1, 500, "A")
    issue_book(so.office, so.supervisor.id, PIN, so.clerk.id, 1, 500, "A")


@pytest.mark.parametrize(("args", "field"), [
    (("clerk", PIN, "clerk", 1, 10, "A"), "supervisor"),  # a clerk cannot issue, right PIN
    (("supervisor", "9999", "clerk", 1, 10, "A"), "pin"),
    (("supervisor", PIN, "technician", 1, 10, "A"), "clerk"),
    (("supervisor", PIN, "clerk", 0, 10, "A"), "first"),
    (("supervisor", PIN, "clerk", "x", 10, "A"), "first"),
    (("supervisor", PIN, "clerk", 10, 9, "A"), "last"),
    (("supervisor", PIN, "clerk", 1, 10**7, "A"), "last"),
    (("supervisor", PIN, "clerk", 1, 10, "A1"), "prefix"),
    (("supervisor", PIN, "clerk", 1, 10, "ABCDE"), "prefix"),
])
def test_bad_issues_are_refused(so, args, field):
    by, pin, clerk, first, last, prefix = args
    refused(field, issue_book, so.office, getattr(so, by).id, pin, getattr(so, clerk).id,
            first, last, prefix, pin_refused=1 if pin == "9999" else 0)


def test_another_offices_people_are_refused(so):
    other = small_office("别的管理处")
    refused("supervisor", issue_book, so.office, other.supervisor.id, PIN, so.clerk.id, 1, 9)
    refused("clerk", issue_book, so.office, so.supervisor.id, PIN, other.clerk.id, 1, 9)


# --- problems ------------------------------------------------------------------------------------

def test_a_clean_book_has_no_problems(so):
    charges = cash_office(so, 10000, 20000, 30000)
    for c in charges:
        hand_payment(so, [c])
    assert book_problems(so.office) == []


def test_gaps_out_of_range_and_past_next(so):
    """Receipts are append-only, so a broken book is made by moving the book's numbers
    (an ordinary row) under its receipts."""
    item = charge(so, 100)
    books = [book(so, first=1, last=10, prefix=p) for p in "ABC"]
    for row, paid in zip(books, (3, 2, 3), strict=True):
        for _ in range(paid):
            hand_payment(so, [item], method="wechat", book_row=ReceiptBook.get_by_id(row.id))
    with changes.write():
        ReceiptBook.update(next_number=6).where(ReceiptBook.id == books[0].id).execute()
        ReceiptBook.update(first_number=2).where(ReceiptBook.id == books[1].id).execute()
        ReceiptBook.update(next_number=2).where(ReceiptBook.id == books[2].id).execute()
    problems = {p.kind: p for p in book_problems(so.office) if p.kind != "two_open"}
    assert problems.keys() == {"gap", "out_of_range", "past_next"}
    gap, outside, past = problems["gap"], problems["out_of_range"], problems["past_next"]
    assert gap.book_id == books[0].id
    assert "2 numbers skipped" in gap.text and "A0000004–A0000005" in gap.text
    assert outside.book_id == books[1].id and "B0000001" in outside.text
    assert past.book_id == books[2].id and "C0000002–C0000003" in past.text
    assert "C0000002" in past.text.split(":")[1]  # the next number named


def test_overlapping_and_doubly_open_books_are_reported(so):
    book(so, first=1, last=100, prefix="A")
    book(so, first=90, last=200, prefix="A")
    book(so, clerk=so.supervisor, first=90, last=200, prefix="B")
    kinds = sorted(p.kind for p in book_problems(so.office))
    assert kinds == ["overlap", "two_open"]
    texts = " / ".join(map(str, book_problems(so.office)))
    assert "A0000001–A0000100" in texts and "A0000090–A0000200" in texts
    assert "李静 has 2 open books" in texts


# --- voiding ---------------------------------------------------------------------------------------

def test_void_a_cash_receipt(so):
    charges = cash_office(so, 26868, 3000)
    receipt = hand_payment(so, charges)
    assert unit_dues(so.office, so.unit.id) == []
    void = void_receipt(so.office, so.clerk.id, receipt.id, reason="金额录入错误",
                        approver_id=so.supervisor.id, approver_pin=PIN)
    void = ReceiptVoid.get_by_id(void.id)
    original = receipt.payment
    reversal = void.reversal
    assert (void.reason, void.voided_by_id, void.approved_by_id) == (
        "金额录入错误", so.clerk.id, so.supervisor.id)
    assert reversal.reverses_id == original.id and reversal.amount == -29868
    assert reversal.method == "cash" and reversal.cash_session_id == original.cash_session_id
    assert reversal.tendered is None and reversal.reason == "金额录入错误"
    assert sorted(line.amount for line in reversal.lines) == [-26868, -3000]
    entry = CashEntry.get(CashEntry.payment == reversal)
    assert entry.kind == "reversal" and entry.amount == -29868
    assert entry.reverses_id == CashEntry.get(CashEntry.payment == original).id
    # the charges are owed again; the receipt is still there
    assert [d.outstanding for d in unit_dues(so.office, so.unit.id)] == [26868, 3000]
    assert Receipt.get_by_id(receipt.id).total == 29868
    topics = {c.topic for c in ChangeLog.select().where(ChangeLog.action == "create")}
    assert {"payment", "payment_line", "receipt_void", "cash_entry"} <= topics
    # twice is refused
    message = refused("receipt", void_receipt, so.office, so.clerk.id, receipt.id,
                      reason="again", approver_id=so.supervisor.id, approver_pin=PIN)
    assert "already void" in message


def test_void_a_wechat_receipt_writes_no_cash(so):
    charges = cash_office(so, 5000)
    receipt = hand_payment(so, charges, method="wechat")
    before = CashEntry.select().count()
    void = void_receipt(so.office, so.supervisor.id, receipt.id, reason="业主要求分开开票",
                        approver_id=so.supervisor.id, approver_pin=PIN)
    assert void.reversal.cash_session_id is None and void.reversal.method == "wechat"
    assert CashEntry.select().count() == before


@pytest.mark.parametrize(("change", "field"), [
    ({"approver_id": "clerk"}, "approver"),  # a clerk's PIN is refused, even the right one
    ({"approver_pin": "4321"}, "pin"),
    ({"approver_pin": ""}, "pin"),
    ({"reason": "   "}, "reason"),
    ({"approver_id": None}, "approver"),
])
def test_bad_voids_are_refused(so, change, field):
    receipt = hand_payment(so, cash_office(so, 5000))
    kwargs = dict(reason="错了", approver_id=so.supervisor.id, approver_pin=PIN)
    kwargs.update(change)
    if kwargs["approver_id"] == "clerk":
        kwargs["approver_id"] = so.clerk.id
    refused(field, void_receipt, so.office, so.clerk.id, receipt.id, **kwargs,
            pin_refused=1 if kwargs["approver_pin"] == "4321" else 0)


def test_another_offices_receipt_is_refused(so):
    receipt = hand_payment(so, cash_office(so, 5000))
    other = small_office("别的管理处")
    message = refused("receipt", void_receipt, other.office, other.clerk.id, receipt.id,
                      reason="错了", approver_id=other.supervisor.id, approver_pin=PIN)
    assert "no such receipt" in message


def test_a_closed_drawers_cash_is_handed_back_from_todays_open_drawer(so):
    """Yesterday's drawer is counted and closed: the void takes the cash out of the
    voiding clerk's drawer of today, and the counted drawer's figures do not move."""
    import datetime as dt

    from deskterm.duties.cashdesk.cash import open_session

    receipt = hand_payment(so, cash_office(so, 5000))
    yesterday = CashSession.get().day - dt.timedelta(days=1)
    with changes.write():
        CashSession.update(state="closed", day=yesterday).execute()
    old = CashSession.get()
    old_entries = [(e.kind, e.amount) for e in old.entries]
    message = refused("receipt", void_receipt, so.office, so.clerk.id, receipt.id,
                      reason="错了", approver_id=so.supervisor.id, approver_pin=PIN)
    assert "open your drawer (F6)" in message
    today = open_session(so.office, so.clerk.id, "300")
    void = void_receipt(so.office, so.clerk.id, receipt.id, reason="错了",
                        approver_id=so.supervisor.id, approver_pin=PIN)
    entry = CashEntry.get(CashEntry.payment == void.reversal)
    assert (entry.session_id, entry.kind, entry.amount) == (today.id, "reversal", -5000)
    assert entry.reverses_id == CashEntry.get(CashEntry.payment == receipt.payment).id
    assert void.reversal.cash_session_id == today.id
    assert [(e.kind, e.amount) for e in CashSession.get_by_id(old.id).entries] == old_entries


def test_receipt_numbers_as_printed():
    assert receipt_number("A", 1234) == "A0001234"
    assert receipt_number("", 7) == "0000007"


def test_the_book_list_shows_books_in_use_first(so):
    old = issue_book(so.office, so.supervisor.id, PIN, so.clerk.id, 1, 500, "A")
    new = issue_book(so.office, so.supervisor.id, PIN, so.clerk.id, 501, 1000, "A")
    held = issue_book(so.office, so.supervisor.id, PIN, so.supervisor.id, 1, 100, "B")
    rows = receipt_books(so.office)
    assert [r.id for r in rows] == [held.id, new.id, old.id]
    assert (rows[1].range, rows[1].clerk, rows[1].issued_by) == (
        "A0000501–A0001000", "李静", "刘芳")
    assert (rows[1].left, rows[1].used, rows[2].left, rows[2].closed) == (500, 0, 0, True)
    assert staff_choices(so.office, ("supervisor", "manager")) == [(so.supervisor.id, "刘芳")]


def test_a_reversal_cannot_be_voided(so):
    """Reversals carry no receipt; were one given a receipt, voiding it is refused."""
    receipt = hand_payment(so, cash_office(so, 5000), method="card")
    original = receipt.payment
    with changes.write():
        reversal = Payment.create(office=so.office, unit=so.unit, method="card", amount=-5000,
                                  taken_at=now_utc(), clerk=so.clerk, reverses=original,
                                  reason="错了")
        odd = Receipt.create(office=so.office, book=receipt.book, number=2, payment=reversal,
                             issued_at=now_utc(), clerk=so.clerk, total=-5000)
    message = refused("receipt", void_receipt, so.office, so.clerk.id, odd.id, reason="错了",
                      approver_id=so.supervisor.id, approver_pin=PIN)
    assert "A0000002 is a reversal" in message
    # and the original, already reversed by it, counts as void
    assert "already void" in refused("receipt", void_receipt, so.office, so.clerk.id,
                                     receipt.id, reason="错了", approver_id=so.supervisor.id,
                                     approver_pin=PIN)
