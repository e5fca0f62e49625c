"""Fee records for the fees, account and summary tests, written straight through the models
the way the demo office (deskterm/demo/money.py) writes them: fee items, charges, payments
with their lines, receipts and cash entries, voids with their reversals.

The payment duties belong to another part of the desk; these builders only need rows that
read like theirs, so the tests can check what the fee duties make of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from deskterm.clock import now_utc
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
    ReceiptVoid,
    Staff,
    Unit,
)
from tests.factories import SmallOffice, small_office


@dataclass
class FeeOffice:
    so: SmallOffice
    property: FeeItem
    parking: FeeItem
    water: FeeItem
    repair: FeeItem
    units: list[Unit]  # 3-2-501 (89.56 m²), 3-2-502 (120.34 m²), 3-2-503 (no area yet)
    books: dict[int, ReceiptBook] = field(default_factory=dict)
    sessions: dict[tuple[int, dt.date], CashSession] = field(default_factory=dict)

    @property
    def office(self):
        return self.so.office

    @property
    def clerk(self) -> Staff:
        return self.so.clerk


def fee_office(name: str = "非凡物业翠湖管理处") -> FeeOffice:
    so = small_office(name)
    with changes.write():
        items = [FeeItem.create(office=so.office, code=code, name=label, kind=kind,
                                basis=basis, rate=rate)
                 for code, label, kind, basis, rate in (
                     ("WYF", "物业服务费", "property", "area", 180),
                     ("CWF", "车位管理费", "parking", "fixed", 15000),
                     ("SF", "水费", "water", "metered", 410),
                     ("WXF", "有偿维修费", "repair", "fixed", 0))]
        more = [Unit.create(office=so.office, building=so.building, entrance="2", room=room,
                            code=f"3-2-{room}", area_centi_m2=area)
                for room, area in (("502", 12034), ("503", 0))]
    return FeeOffice(so, *items, units=[so.unit, *more])


def charge(fo: FeeOffice, unit: Unit, item: FeeItem, period: str, amount: int, *,
           key: str | None = None, at: dt.datetime | None = None, note: str = "") -> Charge:
    with changes.write():
        return Charge.create(office=fo.office, unit=unit, fee_item=item, period=period,
                             amount=amount, key=key, created_at=at or now_utc(), note=note)


def monthly(fo: FeeOffice, unit: Unit, period: str, *, at: dt.datetime | None = None
            ) -> Charge:
    """The generated property-fee charge of ``unit`` for ``period``."""
    amount = (unit.area_centi_m2 * fo.property.rate + 50) // 100
    return charge(fo, unit, fo.property, period, amount, key=f"property:{unit.id}:{period}",
                  at=at)


def _book(fo: FeeOffice, clerk: Staff, at: dt.datetime) -> ReceiptBook:
    book = fo.books.get(clerk.id)
    if book is None:
        book = ReceiptBook.create(office=fo.office, clerk=clerk, prefix="AB"[len(fo.books) % 2],
                                  first_number=1, last_number=500, next_number=1,
                                  issued_at=at, issued_by=fo.so.supervisor)
        fo.books[clerk.id] = book
    return book


def _session(fo: FeeOffice, clerk: Staff, at: dt.datetime) -> CashSession:
    day = (at + dt.timedelta(hours=8)).date()  # Asia/Shanghai
    session = fo.sessions.get((clerk.id, day))
    if session is None:
        session = CashSession.create(office=fo.office, clerk=clerk, day=day, opened_at=at,
                                     opening_float=30000)
        CashEntry.create(office=fo.office, session=session, at=at, kind="float",
                         amount=30000, clerk=clerk)
        fo.sessions[(clerk.id, day)] = session
    return session


def pay(fo: FeeOffice, unit: Unit, lines: list[tuple[Charge, int]], *, method: str = "cash",
        clerk: Staff | None = None, at: dt.datetime | None = None) -> Payment:
    """A payment of ``lines`` with its receipt (and cash entry), as take_payment makes one."""
    clerk = clerk or fo.clerk
    at = at or now_utc()
    amount = sum(a for _c, a in lines)
    with changes.write():
        session = _session(fo, clerk, at) if method == "cash" else None
        payment = Payment.create(office=fo.office, unit=unit, payer_name="张三", method=method,
                                 amount=amount, tendered=amount if session else None,
                                 change_given=0 if session else None, taken_at=at,
                                 clerk=clerk, cash_session=session)
        for c, a in lines:
            PaymentLine.create(payment=payment, charge=c, amount=a)
        book = _book(fo, clerk, at)
        Receipt.create(office=fo.office, book=book, number=book.next_number, payment=payment,
                       issued_at=at, clerk=clerk, total=amount)
        ReceiptBook.update(next_number=book.next_number + 1).where(
            ReceiptBook.id == book.id).execute()
        book.next_number += 1
        if session:
            CashEntry.create(office=fo.office, session=session, at=at, kind="payment",
                             amount=amount, payment=payment, clerk=clerk)
    return payment


def void(fo: FeeOffice, payment: Payment, *, at: dt.datetime | None = None,
         reason: str = "金额录入错误") -> Payment:
    """The receipt of ``payment`` voided: a reversal with negative lines (and cash entry)."""
    at = at or now_utc()
    with changes.write():
        reversal = Payment.create(office=fo.office, unit=payment.unit_id,
                                  payer_name=payment.payer_name, method=payment.method,
                                  amount=-payment.amount, taken_at=at, clerk=payment.clerk_id,
                                  cash_session=payment.cash_session_id, reverses=payment,
                                  reason=reason)
        for line in PaymentLine.select().where(PaymentLine.payment == payment):
            PaymentLine.create(payment=reversal, charge=line.charge_id, amount=-line.amount)
        receipt = Receipt.get(Receipt.payment == payment)
        ReceiptVoid.create(office=fo.office, receipt=receipt, reversal=reversal, reason=reason,
                           voided_at=at, voided_by=payment.clerk_id,
                           approved_by=fo.so.supervisor)
        if payment.cash_session_id:
            original = CashEntry.get(CashEntry.payment == payment)
            CashEntry.create(office=fo.office, session=payment.cash_session_id, at=at,
                             kind="reversal", amount=-payment.amount, payment=reversal,
                             reverses=original, clerk=payment.clerk_id)
    return reversal
