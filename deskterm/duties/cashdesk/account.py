"""A unit's account [5.1][7.4.13]: what it owes, what it has paid, and its history.

``unit_account(office, unit_id)`` reads the unit (code, floor area), who lives there, its
dues (``dues.unit_dues``: the charges with something outstanding, oldest first), the totals
(charged, paid, owed) and one history, newest first, of its charges and of the payments
taken for it, each payment with its receipt number (``A0001234``) and id (to open it); a
voided receipt's payment is marked voided and the reversal shows beside it with the reason
and the voided receipt, so the history adds up to what is owed. Plain reads (no
transaction), each through an index that starts with the unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from deskterm.db.models import (
    Charge,
    FeeItem,
    Office,
    Owner,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
    RepairOrder,
    Staff,
)
from deskterm.duties.cashdesk.dues import Due, unit_dues
from deskterm.duties.cashdesk.fees import unit_of
from deskterm.duties.cashdesk.receipts import receipt_number
from deskterm.duties.parsing import parse_unit_code
from deskterm.duties.residents.roster import _phones_of, unit_id_by_code
from deskterm.errors import DutyError

#: At most this many history lines (newest first); ``more`` says when there were more.
LIMIT = 500
#: History kinds. Within one moment a payment or reversal shows above a charge, and
#: payments and reversals by their id (both are Payment rows: a reversal comes after the
#: payment it reverses).
KINDS = ("reversal", "payment", "charge")


def receipt_label(prefix: str | None, number: int | None) -> str:
    """``A0001234`` as printed (``receipts.receipt_number``); ``""`` for no receipt."""
    if number is None:
        return ""
    return receipt_number(prefix or "", number)


@dataclass(frozen=True)
class AccountOwner:
    name: str
    kind: str  # owner / tenant
    active: bool
    phones: tuple[str, ...]


@dataclass(frozen=True)
class AccountLine:
    """One charge or payment. ``amount`` is signed fen: a charge and a payment are
    positive, a reversal negative. ``text`` is the fee item's name for a charge; for a
    payment or a reversal, what it settled (``物业服务费 2026-10, 车位管理费 2026-10``)."""

    at: dt.datetime  # naive UTC
    kind: str  # one of KINDS
    ref_id: int
    amount: int
    text: str = ""
    period: str = ""  # a charge's
    fee_kind: str = ""  # a charge's FeeItem.kind
    method: str = ""  # a payment's
    receipt: str = ""  # a payment's receipt; for a reversal, the receipt it voided
    voided: bool = False  # a payment whose receipt was voided
    clerk: str = ""
    payer: str = ""
    note: str = ""  # a charge's note or order number; a reversal's (the void's) reason
    receipt_id: int | None = None  # the Receipt of ``receipt`` (None for a charge)


@dataclass(frozen=True)
class UnitAccount:
    unit_id: int
    code: str
    area_centi_m2: int
    owners: tuple[AccountOwner, ...]
    dues: tuple[Due, ...]  # what is owed, oldest period first
    charged: int  # fen, every charge
    paid: int  # fen settled of them (reversals taken off)
    owed: int  # fen outstanding
    history: tuple[AccountLine, ...]  # newest first
    more: bool = False  # the history was cut at LIMIT


def _owners(unit_id: int) -> tuple[AccountOwner, ...]:
    rows = list(Owner.select(Owner.id, Owner.name, Owner.kind, Owner.active)
                .where(Owner.unit == unit_id).tuples())
    rows.sort(key=lambda r: (not r[3], r[2] != "owner", r[0]))
    phones = _phones_of([r[0] for r in rows])
    return tuple(AccountOwner(name, kind, bool(active), phones.get(owner_id, ()))
                 for owner_id, name, kind, active in rows)


def _charge_lines(office: Office, unit_id: int) -> list[AccountLine]:
    query = (Charge.select(Charge.id, Charge.created_at, Charge.amount, FeeItem.name,
                           FeeItem.kind, Charge.period, Charge.note, RepairOrder.number)
             .join(FeeItem, on=(Charge.fee_item == FeeItem.id))
             .switch(Charge)
             .join(RepairOrder, JOIN.LEFT_OUTER, on=(Charge.order == RepairOrder.id))
             .where((Charge.office == office) & (Charge.unit == unit_id)).tuples())
    lines = []
    for cid, at, amount, name, kind, period, note, number in query:
        lines.append(AccountLine(at, "charge", cid, int(amount), name, period, kind,
                                 note=_note(number, note)))
    return lines


def _note(number: str | None, note: str) -> str:
    """The order number and the note, once each (a repair charge's note is its number)."""
    parts = [p for p in (number or "", note or "") if p]
    return " ".join(dict.fromkeys(parts))


def _payment_lines(office: Office, unit_id: int) -> list[AccountLine]:
    voided_of = ReceiptVoid.alias()
    reversed_receipt = Receipt.alias()
    reversed_book = ReceiptBook.alias()
    query = (Payment.select(Payment.id, Payment.taken_at, Payment.amount, Payment.method,
                            Payment.reverses, Payment.reason, Payment.payer_name, Staff.name,
                            ReceiptBook.prefix, Receipt.number, ReceiptVoid.id,
                            reversed_book.prefix, reversed_receipt.number, voided_of.reason,
                            Receipt.id, reversed_receipt.id)
             .join(Staff, on=(Payment.clerk == Staff.id))
             .switch(Payment)
             .join(Receipt, JOIN.LEFT_OUTER, on=(Receipt.payment == Payment.id))
             .join(ReceiptBook, JOIN.LEFT_OUTER, on=(Receipt.book == ReceiptBook.id))
             .switch(Payment)
             .join(ReceiptVoid, JOIN.LEFT_OUTER, on=(ReceiptVoid.receipt == Receipt.id))
             .switch(Payment)
             .join(voided_of, JOIN.LEFT_OUTER, on=(voided_of.reversal == Payment.id))
             .join(reversed_receipt, JOIN.LEFT_OUTER,
                   on=(voided_of.receipt == reversed_receipt.id))
             .join(reversed_book, JOIN.LEFT_OUTER,
                   on=(reversed_receipt.book == reversed_book.id))
             .where((Payment.office == office) & (Payment.unit == unit_id)).tuples())
    rows = list(query)
    settled = _settled([r[0] for r in rows])
    lines = []
    for (pid, at, amount, method, reverses, reason, payer, clerk, prefix, number, void_id,
         voided_prefix, voided_number, void_reason, receipt_id, voided_receipt_id) in rows:
        reversal = reverses is not None
        lines.append(AccountLine(
            at, "reversal" if reversal else "payment", pid, int(amount),
            ", ".join(settled.get(pid, ())), method=method,
            receipt=(receipt_label(voided_prefix, voided_number) if reversal
                     else receipt_label(prefix, number)),
            voided=void_id is not None, clerk=clerk or "", payer=payer or "",
            note=(void_reason or reason or "") if reversal else "",
            receipt_id=voided_receipt_id if reversal else receipt_id))
    return lines


def _settled(payment_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """``物业服务费 2026-10`` for each charge each payment settled (part of)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(payment_ids), 500):
        chunk = payment_ids[start:start + 500]
        for pid, name, period in (
                PaymentLine.select(PaymentLine.payment, FeeItem.name, Charge.period)
                .join(Charge, on=(PaymentLine.charge == Charge.id))
                .join(FeeItem, on=(Charge.fee_item == FeeItem.id))
                .where(PaymentLine.payment.in_(chunk))
                .order_by(PaymentLine.payment, Charge.period, FeeItem.code, PaymentLine.id)
                .tuples()):
            found.setdefault(pid, []).append(f"{name} {period}")
    return {pid: tuple(texts) for pid, texts in found.items()}


def unit_by_code(office: Office, text: str) -> int | None:
    """The id of this office's unit whose code is ``text`` (``3-2-501``, ``3栋2单元501``...),
    for a unit nobody on the roster lives in; None when it is not one."""
    try:
        code = parse_unit_code(text).code
    except DutyError:
        return None
    return unit_id_by_code(office, code)


def unit_account(office: Office, unit_id: int) -> UnitAccount:
    """The unit's account; DutyError ("unit") for a unit not of this office."""
    unit = unit_of(office, unit_id)
    every = unit_dues(office, unit.id, include_settled=True)
    dues = tuple(d for d in every if d.outstanding > 0)
    history = _charge_lines(office, unit.id) + _payment_lines(office, unit.id)
    history.sort(key=lambda line: (line.at, line.kind != "charge", line.ref_id),
                 reverse=True)
    return UnitAccount(
        unit_id=unit.id, code=unit.code, area_centi_m2=int(unit.area_centi_m2 or 0),
        owners=_owners(unit.id), dues=dues, charged=sum(d.amount for d in every),
        paid=sum(d.paid for d in every), owed=sum(d.outstanding for d in dues),
        history=tuple(history[:LIMIT]), more=len(history) > LIMIT)
