"""Rows for the payment and receipt tests, written through the models: fee items,
charges, a receipt book, an open cash drawer, and (for the void tests) a payment made by
hand the way the demo and ``take_payment`` make one."""

from __future__ import annotations

from deskterm.clock import now_utc, today_local
from deskterm.db import changes
from deskterm.db.models import (
    CashEntry,
    CashSession,
    Charge,
    FeeItem,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    Staff,
    Unit,
)
from tests.factories import SmallOffice

FLOAT = 30000


def fee_item(so: SmallOffice, code: str = "PM", name: str = "物业服务费",
             kind: str = "property") -> FeeItem:
    found = FeeItem.get_or_none((FeeItem.office == so.office) & (FeeItem.code == code))
    if found is not None:
        return found
    with changes.write():
        return FeeItem.create(office=so.office, code=code, name=name, kind=kind,
                              basis="fixed", rate=0)


def charge(so: SmallOffice, amount: int, period: str = "2026-11", *,
           item: FeeItem | None = None, unit: Unit | None = None, note: str = "") -> Charge:
    item = item or fee_item(so)
    with changes.write():
        row = Charge.create(office=so.office, unit=unit or so.unit, fee_item=item,
                            period=period, amount=amount, created_at=now_utc(), note=note)
        changes.record("charge", row.id, "create", office=so.office)
    return row


def book(so: SmallOffice, clerk: Staff | None = None, first: int = 1, last: int = 500,
         prefix: str = "A", next_number: int | None = None) -> ReceiptBook:
    with changes.write():
        return ReceiptBook.create(
            office=so.office, clerk=clerk or so.clerk, prefix=prefix, first_number=first,
            last_number=last, next_number=first if next_number is None else next_number,
            issued_at=now_utc(), issued_by=so.supervisor)


def drawer(so: SmallOffice, clerk: Staff | None = None, opening_float: int = FLOAT,
           state: str = "open") -> CashSession:
    """Today's (office-local) open cash session of the clerk, with its float entry."""
    clerk = clerk or so.clerk
    now = now_utc()
    with changes.write():
        session = CashSession.create(office=so.office, clerk=clerk,
                                     day=today_local(so.office.timezone), opened_at=now,
                                     opening_float=opening_float, state=state)
        CashEntry.create(office=so.office, session=session, at=now, kind="float",
                         amount=opening_float, clerk=clerk)
    return session


def cash_office(so: SmallOffice, *amounts: int) -> list[Charge]:
    """A book and an open drawer for the clerk, and charges of ``amounts`` on the unit
    (one period each, oldest first)."""
    book(so)
    drawer(so)
    return [charge(so, amount, f"2026-{month:02d}") for month, amount in
            enumerate(amounts, start=1)]


def hand_payment(so: SmallOffice, charges: list[Charge], *, method: str = "cash",
                 book_row: ReceiptBook | None = None,
                 session: CashSession | None = None) -> Receipt:
    """A payment of every charge in full, made with the models (not ``take_payment``)."""
    now = now_utc()
    total = sum(c.amount for c in charges)
    book_row = book_row or ReceiptBook.get((ReceiptBook.office == so.office)
                                           & ReceiptBook.closed_at.is_null())
    if method == "cash" and session is None:
        session = CashSession.get((CashSession.office == so.office)
                                  & (CashSession.clerk == book_row.clerk_id))
    with changes.write():
        payment = Payment.create(
            office=so.office, unit=so.unit, payer_name="张三", method=method, amount=total,
            tendered=total if method == "cash" else None,
            change_given=0 if method == "cash" else None, taken_at=now,
            clerk=book_row.clerk_id, cash_session=session if method == "cash" else None)
        for c in charges:
            PaymentLine.create(payment=payment, charge=c, amount=c.amount)
        number = book_row.next_number
        ReceiptBook.update(next_number=number + 1).where(ReceiptBook.id == book_row.id).execute()
        receipt = Receipt.create(office=so.office, book=book_row, number=number, payment=payment,
                                 issued_at=now, clerk=book_row.clerk_id, total=total)
        if method == "cash":
            CashEntry.create(office=so.office, session=session, at=now, kind="payment",
                             amount=total, payment=payment, clerk=book_row.clerk_id)
    return receipt
