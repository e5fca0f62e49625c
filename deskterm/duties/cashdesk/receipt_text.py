"""The receipt as the owner gets it [7.4.13]: what it shows, and its lines.

- ``receipt_view(office, receipt_id)``: everything a receipt shows, read once: office,
  unit, payer, items with their periods and amounts, total in figures and in Chinese
  capital numerals (大写金额), method, tendered and change, clerk, time, number, and the
  VOID mark with the reason and who approved it once voided.
- ``receipt_lines(view, width=40)`` / ``receipt_text``: plain lines at most ``width``
  terminal cells wide (CJK characters count two), for the screen and the printout.

Printing it (customer copy and stub, 补打 on a reprint, to this terminal's printer, the file
kept) is ``receipt_print.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.cells import cell_len

from deskterm.capital import capital_amount
from deskterm.clock import local
from deskterm.db.models import (
    Charge,
    FeeItem,
    Office,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
    Staff,
    Unit,
)
from deskterm.display import fit
from deskterm.duties.cashdesk.payments import method_word
from deskterm.duties.cashdesk.receipts import receipt_number
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import format_fen


@dataclass(frozen=True)
class ReceiptItem:
    fee_item: str  # 物业服务费
    period: str  # 2026-11
    amount: int  # fen settled of that due by this receipt


@dataclass(frozen=True)
class VoidMark:
    reason: str
    at: str  # office-local "2026-11-26 10:20"
    by: str
    approved_by: str


@dataclass(frozen=True)
class ReceiptView:
    receipt_id: int
    number: str  # A0001234
    office: str
    unit: str  # 3-2-501
    payer: str
    items: tuple[ReceiptItem, ...]
    total: int
    total_capital: str  # 伍佰叁拾柒元叁角陆分
    method: str  # Payment.METHODS
    tendered: int | None
    change: int | None
    clerk: str
    issued_at: dt.datetime  # naive UTC
    issued: str  # office-local "2026-11-26 10:05"
    void: VoidMark | None = None

    @property
    def voided(self) -> bool:
        return self.void is not None


def receipt_view(office: Office, receipt_id) -> ReceiptView:
    """The receipt ``receipt_id`` of this office as it is printed (DutyError "receipt")."""
    receipt = Receipt.get_or_none((Receipt.id == receipt_id) & (Receipt.office == office))
    if receipt is None:
        raise DutyError(_("There is no such receipt at this office."), "receipt")
    tz = office.timezone
    payment = Payment.get_by_id(receipt.payment_id)
    book = ReceiptBook.get_by_id(receipt.book_id)
    unit = Unit.get_by_id(payment.unit_id) if payment.unit_id else None
    items = tuple(
        ReceiptItem(name, period, int(amount)) for name, period, amount in
        PaymentLine.select(FeeItem.name, Charge.period, PaymentLine.amount)
        .join(Charge, on=(PaymentLine.charge == Charge.id))
        .join(FeeItem, on=(Charge.fee_item == FeeItem.id))
        .where(PaymentLine.payment == payment)
        .order_by(Charge.period, FeeItem.code, PaymentLine.id).tuples())
    mark = None
    void = ReceiptVoid.get_or_none(ReceiptVoid.receipt == receipt)
    if void is not None:
        mark = VoidMark(void.reason, local(void.voided_at, tz).format("YYYY-MM-DD HH:mm"),
                        Staff.get_by_id(void.voided_by_id).name,
                        Staff.get_by_id(void.approved_by_id).name)
    return ReceiptView(
        receipt_id=receipt.id, number=receipt_number(book.prefix, receipt.number),
        office=office.name, unit=unit.code if unit else "", payer=payment.payer_name,
        items=items, total=receipt.total, total_capital=capital_amount(receipt.total),
        method=payment.method, tendered=payment.tendered, change=payment.change_given,
        clerk=Staff.get_by_id(receipt.clerk_id).name, issued_at=receipt.issued_at,
        issued=local(receipt.issued_at, tz).format("YYYY-MM-DD HH:mm"), void=mark)


# --- lines ------------------------------------------------------------------------------------

def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def _pair(left: str, right: str, width: int) -> str:
    """``left`` and ``right`` on one line, ``right`` against the right edge."""
    right = fit(right, width)
    room = width - cell_len(right) - 1
    if room < 1:
        return right
    return _pad(fit(left, room), room) + " " + right


def _center(text: str, width: int) -> str:
    text = fit(text, width)
    return " " * ((width - cell_len(text)) // 2) + text


def _wrap(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` cells (at any character: CJK has no
    spaces to break at)."""
    lines, line = [], ""
    for char in "".join(ch if ch.isprintable() else " " for ch in text):
        if cell_len(line + char) > width:
            lines.append(line.rstrip())
            line = char.lstrip()
        else:
            line += char
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def receipt_lines(view: ReceiptView, width: int = 40, *, yen: str = "¥"
                  ) -> list[tuple[str, str]]:
    """``(style, line)``: style "title" (centred, bold on a printer), "center" or "".
    ``yen``: the currency sign (the printer file uses the full-width ￥ of GB2312)."""
    width = max(width, 24)

    def money(fen: int) -> str:
        return ("-" if fen < 0 else "") + yen + format_fen(abs(fen), symbol=False)

    rule = "-" * width
    out: list[tuple[str, str]] = [("title", _center(view.office, width)),
                                  ("title", _center(_("Receipt"), width))]
    if view.voided:
        out.append(("title", _center("*** " + _("VOID") + " ***", width)))
    out.append(("", _pair(_("No. {number}").format(number=view.number), view.issued, width)))
    out.append(("", fit(_("Unit: {unit}").format(unit=view.unit or "—"), width)))
    out.append(("", fit(_("Payer: {name}").format(name=view.payer or "—"), width)))
    out.append(("", rule))
    for item in view.items:
        amount = money(item.amount)
        name_room = width - cell_len(amount) - 1 - 8
        label = _pad(fit(item.fee_item, name_room), name_room) + " " + fit(item.period, 7)
        out.append(("", _pair(label, amount, width)))
    out.append(("", rule))
    out.append(("", _pair(_("Total"), money(view.total), width)))
    for line in _wrap(_("In words: {capital}").format(capital=view.total_capital), width):
        out.append(("", line))
    out.append(("", fit(_("Paid by: {method}").format(method=method_word(view.method)),
                        width)))
    if view.tendered is not None:
        out.append(("", _pair(_("Tendered"), money(view.tendered), width)))
        out.append(("", _pair(_("Change"), money(view.change or 0), width)))
    out.append(("", fit(_("Clerk: {name}").format(name=view.clerk), width)))
    if view.void is not None:
        out.append(("", rule))
        text = _("VOID {at}: {reason} (by {by}, approved by {approver})").format(
            at=view.void.at, reason=view.void.reason, by=view.void.by,
            approver=view.void.approved_by)
        out.extend(("", line) for line in _wrap(text, width))
    return out


def receipt_text(view: ReceiptView, width: int = 40) -> str:
    """The receipt as plain lines, each at most ``width`` cells, ending with a newline."""
    return "\n".join(line.rstrip() for _style, line in receipt_lines(view, width)) + "\n"
