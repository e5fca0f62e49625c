"""Taking a fee payment at the counter [5.1][7.4.13]: the unit's dues settled (in full or
in part), a numbered receipt from the clerk's book, and for cash the drawer's entry.

``take_payment`` writes, in ONE ``changes.write()`` transaction with a change-log row for
each row: the ``Payment`` (cash: ``tendered``, ``change_given`` and the clerk's open cash
session of today), one ``PaymentLine`` per charge settled, the ``Receipt`` numbered with
the book's ``next_number`` (the book then moves on, and is closed after its last
number), and for cash a ``CashEntry`` "payment". A refusal stores nothing.

Receipt numbers stay unique and gapless when several desks take payments at once: the
book row is read with ``locked()`` (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's
IMMEDIATE write transaction holds the whole database), and the charges are locked in id
order before what is still owed is read, so two desks cannot both settle the same due.
What is owed is ``dues.paid_by_charge``'s, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deskterm.clock import now_utc, today_local
from deskterm.db import changes
from deskterm.db.models import (
    CashEntry,
    CashSession,
    Charge,
    FeeItem,
    Office,
    Payment,
    PaymentLine,
    Receipt,
    Staff,
    Unit,
)
from deskterm.duties.cashdesk.dues import paid_by_charge
from deskterm.duties.cashdesk.receipts import BOOK_HOLDERS, book_range, open_book, receipt_number
from deskterm.duties.records import (
    NAME_LIMIT,
    clean_text,
    create_row,
    desk_person,
    locked,
    update_row,
)
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import MAX_FEN, format_fen, parse_amount

#: The words of ``Payment.METHODS`` (untranslated; call ``_()`` when shown).
METHOD_WORDS = {"cash": N_("cash"), "card": N_("card"), "transfer": N_("bank transfer"),
                "wechat": N_("WeChat"), "alipay": N_("Alipay")}


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    receipt_id: int
    receipt_number: str  # as printed: A0001234
    total: int  # fen
    change: int  # fen handed back (0 unless cash was tendered over the total)
    book_closed: bool = False  # this was the book's last number: the clerk needs a new book


def method_word(method: str) -> str:
    return _(METHOD_WORDS[method]) if method in METHOD_WORDS else method


def _checked_lines(lines: Iterable) -> list[tuple[int, int]]:
    checked: list[tuple[int, int]] = []
    seen: set[int] = set()
    for line in lines or ():
        try:
            charge_id, amount = line
        except (TypeError, ValueError):
            raise DutyError(_("Choose what to pay."), "lines") from None
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise DutyError(_("Each amount paid must be more than ¥0.00."), "lines")
        if isinstance(charge_id, bool) or not isinstance(charge_id, int) or charge_id in seen:
            raise DutyError(_("Each due can be paid once in a payment."), "lines")
        seen.add(charge_id)
        checked.append((charge_id, amount))
    if not checked:
        raise DutyError(_("Choose what to pay."), "lines")
    if sum(amount for _id, amount in checked) > MAX_FEN:
        raise DutyError(_("That amount is too large for the desk."), "lines")
    return checked


def _tendered(value, total: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return total  # exact money
    if isinstance(value, str):
        value = parse_amount(value, field="tendered")
    if isinstance(value, bool) or not isinstance(value, int):
        raise DutyError(_("Enter the amount tendered."), "tendered")
    if value < total:
        raise DutyError(_("Less than the total of {total}.").format(total=format_fen(total)),
                        "tendered")
    if value > MAX_FEN:
        raise DutyError(_("That amount is too large for the desk."), "tendered")
    return value


def open_drawer(office: Office, clerk: Staff | int, *, lock: bool = False
                ) -> CashSession | None:
    """The clerk's cash session of today (office-local), when it is open."""
    query = CashSession.select().where(
        (CashSession.office == office) & (CashSession.clerk == clerk)
        & (CashSession.day == today_local(office.timezone)) & (CashSession.state == "open"))
    return (locked(query) if lock else query).first()


def take_payment(office: Office, clerk: Staff | int, *, unit_id, lines, method: str,
                 tendered=None, payer_name: str = "") -> PaymentResult:
    """Settle ``lines`` (``[(charge_id, fen), ...]``) of unit ``unit_id`` by ``method``.

    ``tendered`` (fen, or typed text) is for cash only: None or empty means exact money;
    less than the total is refused. Refusals name the field: "lines" (nothing chosen, an
    amount of zero or more than is owed, a charge not on this unit's account), "method"
    (unknown; cash without the clerk's drawer open today), "tendered", "book" (no open
    receipt book, or a used-up one), "unit", "clerk", "payer_name".
    """
    now = now_utc()
    if method not in Payment.METHODS:
        raise DutyError(_("Choose how the owner pays: cash, card, transfer, WeChat or "
                          "Alipay."), "method")
    wanted = _checked_lines(lines)
    total = sum(amount for _id, amount in wanted)
    cash = method == "cash"
    given = _tendered(tendered, total) if cash else None
    payer_name = clean_text(payer_name, "payer_name", limit=NAME_LIMIT, required=False)
    with changes.write():
        clerk = desk_person(office, clerk)
        if clerk.role not in BOOK_HOLDERS:
            raise DutyError(_("Payments are taken by a clerk or a supervisor."), "clerk")
        unit = Unit.get_or_none((Unit.id == unit_id) & (Unit.office == office))
        if unit is None:
            raise DutyError(_("Choose a unit of this office."), "unit")
        ids = sorted(charge_id for charge_id, _amount in wanted)
        charges = {c.id: c for c in locked(  # in id order: two desks never deadlock
            Charge.select().where(Charge.id.in_(ids) & (Charge.office == office))
            .order_by(Charge.id))}
        paid = paid_by_charge(ids)
        for charge_id, amount in wanted:
            row = charges.get(charge_id)
            if row is None or row.unit_id != unit.id:
                raise DutyError(_("That due is not on the account of unit {unit}.").format(
                    unit=unit.code), "lines")
            owed = row.amount - paid.get(charge_id, 0)
            if amount > owed:
                item = FeeItem.get_by_id(row.fee_item_id).name
                raise DutyError(_("{item} {period}: {owed} is owed, not {amount}.").format(
                    item=item, period=row.period, owed=format_fen(max(owed, 0)),
                    amount=format_fen(amount)), "lines")
        session = None
        if cash:
            session = open_drawer(office, clerk, lock=True)
            if session is None:
                raise DutyError(_("Open your cash drawer first (F6): count the float in."),
                                "method")
        book = open_book(office, clerk, lock=True)
        if book is None:
            raise DutyError(_("No receipt book: ask the supervisor to issue one."), "book")
        number = book.next_number
        if number > book.last_number:
            raise DutyError(_("Receipt book {range} is used up: ask the supervisor for a new "
                              "one.").format(range=book_range(book)), "book")
        payment = create_row(
            Payment, office, clerk, office=office, unit=unit, payer_name=payer_name,
            method=method, amount=total, tendered=given if cash else None,
            change_given=given - total if cash else None, taken_at=now, clerk=clerk,
            cash_session=session)
        for charge_id, amount in wanted:
            create_row(PaymentLine, office, clerk, payment=payment, charge=charge_id,
                       amount=amount)
        full = number >= book.last_number
        update_row(book, office, clerk, "use", next_number=number + 1,
                   **({"closed_at": now} if full else {}))
        receipt = create_row(Receipt, office, clerk, office=office, book=book, number=number,
                             payment=payment, issued_at=now, clerk=clerk, total=total)
        if cash:
            create_row(CashEntry, office, clerk, office=office, session=session, at=now,
                       kind="payment", amount=total, payment=payment, clerk=clerk)
    return PaymentResult(payment.id, receipt.id, receipt_number(book.prefix, number), total,
                         given - total if cash else 0, full)
