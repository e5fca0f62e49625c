"""Receipt books (收据本) and voiding a receipt [5.3][7.4.13]: receipts are never deleted.

- ``issue_book``: a supervisor or manager, with their own PIN (every PIN here is counted
  and logged by ``pin_checks.check_pin``), issues a book of numbers
  (``prefix``, ``first``..``last``) to a clerk. A range may not overlap another book of the
  same prefix at the office; the clerk's previous open book is closed (a clerk writes in
  one book at a time).
- ``open_book``: the book the clerk writes in now (``take_payment`` numbers from it).
- ``book_problems``: what a supervisor checks [5.3] (票据的管理): numbers of a book skipped
  (below its next number and with no receipt: a voided receipt keeps its number, and the
  unused end of a closed book is not a gap), receipts out of their book's range or past
  its next number, books of one prefix overlapping, a clerk with two open books.
- ``void_receipt``: a wrong receipt is voided with a reason and a supervisor's or
  manager's PIN. Its payment is reversed: a reversal ``Payment`` (amount negated, same
  method, ``reverses`` the original), negative ``PaymentLine`` rows (so the charges are
  owed again), the ``ReceiptVoid`` and, for cash, a ``CashEntry`` "reversal" in the
  original's drawer pointing at the original entry. The voided receipt stays.

A receipt's number on paper is ``receipt_number(prefix, number)``: ``A0001234``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from peewee import IntegrityError, fn

from deskterm.clock import now_utc
from deskterm.db import changes
from deskterm.db.models import (
    CashEntry,
    CashSession,
    Office,
    Payment,
    PaymentLine,
    Receipt,
    ReceiptBook,
    ReceiptVoid,
    Staff,
)
from deskterm.duties.pin_checks import check_pin, pin_ok
from deskterm.duties.records import (
    clean_text,
    create_row,
    desk_person,
    locked,
    staff_of,
    update_row,
)
from deskterm.errors import DutyError
from deskterm.i18n import _

#: Who keeps a receipt book (and a cash drawer) and takes payments.
BOOK_HOLDERS = ("clerk", "supervisor")
#: Who may issue a book or approve a void, with their own PIN.
APPROVERS = ("supervisor", "manager")
#: Receipt numbers are printed with this many digits after the prefix.
NUMBER_DIGITS = 7
MAX_NUMBER = 10**NUMBER_DIGITS - 1
PREFIX_LIMIT = 4
REASON_LIMIT = 200


def receipt_number(prefix: str, number: int) -> str:
    """The number as printed: ``A0001234``."""
    return f"{prefix}{number:0{NUMBER_DIGITS}d}"


def book_range(book: ReceiptBook) -> str:
    """``A0000001–A0000500``."""
    return (f"{receipt_number(book.prefix, book.first_number)}–"
            f"{receipt_number(book.prefix, book.last_number)}")


def _number(value, field: str) -> int:
    """A receipt number given as an int or typed digits (full-width ones too)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        value = int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
    if not isinstance(value, int):
        raise DutyError(_("Enter a receipt number (digits)."), field)
    if not 1 <= value <= MAX_NUMBER:
        raise DutyError(_("A receipt number is 1 to {max}.").format(max=MAX_NUMBER), field)
    return value


def clean_prefix(value: str | None) -> str:
    """The letters before the number (``A``): up to four Latin letters, upper case."""
    text = unicodedata.normalize("NFKC", value or "").strip().upper()
    if len(text) > PREFIX_LIMIT or not (text.isascii() and (text.isalpha() or not text)):
        raise DutyError(_("The prefix is up to {n} Latin letters, such as A.").format(
            n=PREFIX_LIMIT), "prefix")
    return text


def approver_of(office: Office, approver_id, pin: str, *, purpose: str,
                field: str = "approver", at_desk=None) -> Staff:
    """A supervisor or manager of this office whose own ``pin`` matches, else DutyError
    (a clerk is refused whatever the PIN, and not counted; a wrong PIN at "pin", counted
    and logged for ``purpose`` by ``pin_checks.check_pin``). Checked before the write
    transaction: scrypt takes tens of milliseconds, and a refusal must commit."""
    person = staff_of(office, approver_id, field,
                      message=_("Choose a supervisor or manager of this office."))
    if person.role not in APPROVERS:
        raise DutyError(_("A supervisor or manager must approve: {name} cannot.").format(
            name=person.name), field)
    return check_pin(office, person, pin, purpose, "pin", at_desk=at_desk)


# --- books ---------------------------------------------------------------------------------

def open_book(office: Office, clerk: Staff | int, *, lock: bool = False) -> ReceiptBook | None:
    """The clerk's book in use (the newest open one); ``lock`` takes it FOR UPDATE."""
    query = (ReceiptBook.select()
             .where((ReceiptBook.office == office) & (ReceiptBook.clerk == clerk)
                    & ReceiptBook.closed_at.is_null())
             .order_by(ReceiptBook.issued_at.desc(), ReceiptBook.id.desc()))
    return (locked(query) if lock else query).first()


def issue_book(office: Office, by_id, by_pin: str, clerk_id, first, last,
               prefix: str = "", *, at_desk=None) -> ReceiptBook:
    """Issue the numbers ``first``..``last`` (with ``prefix``) to the clerk ``clerk_id``,
    approved by ``by_id`` (supervisor or manager) with their own PIN (counted; ``at_desk``:
    who was at the desk, for the log). Closes the clerk's open book. Refuses a range
    overlapping another book of the same prefix."""
    now = now_utc()
    prefix = clean_prefix(prefix)
    first, last = _number(first, "first"), _number(last, "last")
    if last < first:
        raise DutyError(_("The last number comes before the first."), "last")
    clerk = staff_of(office, clerk_id, "clerk", roles=BOOK_HOLDERS,
                     message=_("Choose a clerk or supervisor of this office."))
    by = approver_of(office, by_id, by_pin, purpose="receipt_books", field="supervisor",
                     at_desk=at_desk)
    with changes.write():
        clash = (ReceiptBook.select()
                 .where((ReceiptBook.office == office) & (ReceiptBook.prefix == prefix)
                        & (ReceiptBook.first_number <= last)
                        & (ReceiptBook.last_number >= first))
                 .order_by(ReceiptBook.first_number).first())
        if clash is not None:
            raise DutyError(_("These numbers overlap book {range} ({name}).").format(
                range=book_range(clash), name=clash.clerk.name), "first")
        for book in list(locked(ReceiptBook.select().where(
                (ReceiptBook.office == office) & (ReceiptBook.clerk == clerk)
                & ReceiptBook.closed_at.is_null()))):
            update_row(book, office, by, "close", closed_at=now)
        pin_ok(office, by, "receipt_books", at_desk=at_desk)
        return create_row(ReceiptBook, office, by, office=office, clerk=clerk, prefix=prefix,
                          first_number=first, last_number=last, next_number=first,
                          issued_at=now, issued_by=by)


def next_free_number(office: Office, prefix: str) -> int:
    """The number after every book of ``prefix`` (what the issue form proposes)."""
    top = (ReceiptBook.select(fn.MAX(ReceiptBook.last_number))
           .where((ReceiptBook.office == office) & (ReceiptBook.prefix == prefix)).scalar())
    return int(top or 0) + 1


def staff_choices(office: Office, roles) -> list[tuple[int, str]]:
    """``(id, name)`` of the office's active staff in ``roles`` (for the forms' choices)."""
    return list(Staff.select(Staff.id, Staff.name)
                .where((Staff.office == office) & Staff.role.in_(tuple(roles)) & Staff.active)
                .order_by(Staff.name, Staff.id).tuples())


@dataclass(frozen=True)
class BookRow:
    """One receipt book as the book list shows it."""

    id: int
    prefix: str
    first: int
    last: int
    next: int
    clerk: str
    issued_by: str
    issued_at: dt.datetime  # naive UTC
    closed: bool

    @property
    def range(self) -> str:
        return (f"{receipt_number(self.prefix, self.first)}–"
                f"{receipt_number(self.prefix, self.last)}")

    @property
    def used(self) -> int:
        return self.next - self.first

    @property
    def left(self) -> int:
        return 0 if self.closed else max(0, self.last - self.next + 1)


def receipt_books(office: Office) -> list[BookRow]:
    """The office's books: those in use first, then the newest issued."""
    issuer = Staff.alias()
    rows = (ReceiptBook.select(ReceiptBook.id, ReceiptBook.prefix, ReceiptBook.first_number,
                               ReceiptBook.last_number, ReceiptBook.next_number, Staff.name,
                               issuer.name, ReceiptBook.issued_at, ReceiptBook.closed_at)
            .join(Staff, on=(ReceiptBook.clerk == Staff.id))
            .switch(ReceiptBook).join(issuer, on=(ReceiptBook.issued_by == issuer.id))
            .where(ReceiptBook.office == office)
            .order_by(ReceiptBook.closed_at.is_null(False), ReceiptBook.issued_at.desc(),
                      ReceiptBook.id.desc()).tuples())
    return [BookRow(i, p, f, la, n, c, b, at, closed is not None)
            for i, p, f, la, n, c, b, at, closed in rows]


@dataclass(frozen=True)
class BookProblem:
    """Something a supervisor must look into; ``text`` says what, for a person."""

    kind: str  # gap / out_of_range / past_next / overlap / two_open
    book_id: int
    text: str

    def __str__(self) -> str:
        return self.text


def _runs(numbers: list[int], prefix: str, shown: int = 6) -> str:
    """``A0000012–A0000014, A0000020`` (at most ``shown`` runs, then "…")."""
    runs: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    parts = [receipt_number(prefix, a) if a == b
             else f"{receipt_number(prefix, a)}–{receipt_number(prefix, b)}"
             for a, b in runs[:shown]]
    return ", ".join(parts) + (", …" if len(runs) > shown else "")


def book_problems(office: Office) -> list[BookProblem]:
    """Every problem of the office's receipt books, book by book (see the module)."""
    books = list(ReceiptBook.select(ReceiptBook, Staff.name)
                 .join(Staff, on=(ReceiptBook.clerk == Staff.id))
                 .where(ReceiptBook.office == office)
                 .order_by(ReceiptBook.prefix, ReceiptBook.first_number, ReceiptBook.id)
                 .objects())
    problems: list[BookProblem] = []
    by_prefix: dict[str, list[ReceiptBook]] = defaultdict(list)
    open_of: dict[int, list[ReceiptBook]] = defaultdict(list)
    for book in books:
        by_prefix[book.prefix].append(book)
        if book.closed_at is None:
            open_of[book.clerk_id].append(book)
    for same in by_prefix.values():
        for i, book in enumerate(same):
            for other in same[i + 1:]:
                if other.first_number <= book.last_number:
                    problems.append(BookProblem("overlap", other.id, _(
                        "Books {a} ({name_a}) and {b} ({name_b}) share numbers.").format(
                        a=book_range(book), name_a=book.name, b=book_range(other),
                        name_b=other.name)))
    for held in open_of.values():
        if len(held) > 1:
            problems.append(BookProblem("two_open", held[-1].id, _(
                "{name} has {n} open books: {ranges}.").format(
                name=held[0].name, n=len(held), ranges=", ".join(map(book_range, held)))))
    stats = {book_id: (count, low, high) for book_id, count, low, high in (
        Receipt.select(Receipt.book, fn.COUNT(Receipt.id), fn.MIN(Receipt.number),
                       fn.MAX(Receipt.number))
        .where(Receipt.office == office).group_by(Receipt.book).tuples())}
    for book in books:
        count, low, high = stats.get(book.id, (0, None, None))
        used = book.next_number - book.first_number
        if count == used and (not count or (low == book.first_number
                                            and high == book.next_number - 1)):
            continue  # exactly first..next-1: the usual case, no need to read the numbers
        numbers = [n for (n,) in Receipt.select(Receipt.number)
                   .where(Receipt.book == book.id).tuples()]
        outside = [n for n in numbers if not book.first_number <= n <= book.last_number]
        past = [n for n in numbers if book.next_number <= n <= book.last_number]
        missing = sorted(set(range(book.first_number, book.next_number)) - set(numbers))
        where = _("Book {range} ({name})").format(range=book_range(book), name=book.name)
        if outside:
            problems.append(BookProblem("out_of_range", book.id, _(
                "{book}: receipts outside its numbers: {numbers}.").format(
                book=where, numbers=_runs(outside, book.prefix))))
        if past:
            problems.append(BookProblem("past_next", book.id, _(
                "{book}: receipts numbered past the next number {next}: {numbers}.").format(
                book=where, next=receipt_number(book.prefix, book.next_number),
                numbers=_runs(past, book.prefix))))
        if missing:
            problems.append(BookProblem("gap", book.id, _(
                "{book}: {n} numbers skipped, no receipt: {numbers}.").format(
                book=where, n=len(missing), numbers=_runs(missing, book.prefix))))
    return problems


# --- voiding ---------------------------------------------------------------------------------

def _drawer_for_the_cash(office: Office, clerk: Staff, payment: Payment, number: str):
    """The drawer a cash reversal comes out of (locked): the payment's own while it is open,
    else the voiding person's open drawer of today, so a counted drawer never changes."""
    own = locked(CashSession.select().where(CashSession.id == payment.cash_session_id)).get()
    if own.state == "open":
        return own
    from deskterm.duties.cashdesk.cash import today_of  # cash does not import receipts

    today = today_of(office)
    drawer = locked(CashSession.select().where(
        (CashSession.office == office) & (CashSession.clerk == clerk)
        & (CashSession.day == today) & (CashSession.state == "open"))).first()
    if drawer is None:
        raise DutyError(_(
            "Receipt {number} was paid in cash into a drawer that is closed now: open your "
            "drawer (F6) to hand the cash back from it, then void.").format(number=number),
            "receipt")
    return drawer


def void_receipt(office: Office, clerk: Staff | int, receipt_id, *, reason: str,
                 approver_id, approver_pin: str) -> ReceiptVoid:
    """Void the receipt ``receipt_id``: the reversal of its payment (and of its cash), the
    void with ``reason``, approved by a supervisor's or manager's own PIN. Refuses a
    receipt of another office and one already voided. A cash receipt's reversal goes into
    the drawer the payment went into while that drawer is open; once it is closed (counted,
    perhaps banked) the cash is handed back from the voiding person's open drawer of today,
    and without one the void is refused until they open it (F6)."""
    now = now_utc()
    reason = clean_text(reason, "reason", limit=REASON_LIMIT,
                        message=_("Say why the receipt is voided."))
    approver = approver_of(office, approver_id, approver_pin, purpose="void", at_desk=clerk)
    try:
        with changes.write():
            clerk = desk_person(office, clerk)
            receipt = locked(Receipt.select().where(
                (Receipt.id == receipt_id) & (Receipt.office == office))).first()
            if receipt is None:
                raise DutyError(_("There is no such receipt at this office."), "receipt")
            payment = Payment.get_by_id(receipt.payment_id)
            number = receipt_number(receipt.book.prefix, receipt.number)
            if payment.reverses_id is not None or payment.amount <= 0:
                raise DutyError(_("Receipt {number} is a reversal: it cannot be voided.")
                                .format(number=number), "receipt")
            if (ReceiptVoid.select().where(ReceiptVoid.receipt == receipt).exists()
                    or Payment.select().where(Payment.reverses == payment).exists()):
                raise DutyError(_("Receipt {number} is already void.").format(number=number),
                                "receipt")
            pin_ok(office, approver, "void", at_desk=clerk)
            session = entry = None
            if payment.cash_session_id is not None:
                session = _drawer_for_the_cash(office, clerk, payment, number)
                entry = CashEntry.get_or_none((CashEntry.payment == payment)
                                              & (CashEntry.kind == "payment"))
            reversal = create_row(
                Payment, office, clerk, office=office, unit=payment.unit_id,
                payer_name=payment.payer_name, method=payment.method, amount=-payment.amount,
                tendered=None, change_given=None, taken_at=now, clerk=clerk,
                cash_session=session, reverses=payment, reason=reason)
            for line in PaymentLine.select().where(PaymentLine.payment == payment).order_by(
                    PaymentLine.id):
                create_row(PaymentLine, office, clerk, payment=reversal,
                           charge=line.charge_id, amount=-line.amount)
            void = create_row(ReceiptVoid, office, clerk, office=office, receipt=receipt,
                              reversal=reversal, reason=reason, voided_at=now, voided_by=clerk,
                              approved_by=approver)
            if session is not None:
                create_row(CashEntry, office, clerk, office=office, session=session, at=now,
                           kind="reversal", amount=-payment.amount, payment=reversal,
                           reverses=entry, clerk=clerk)
    except IntegrityError:  # another desk voided it at the same instant (UNIQUE refused)
        raise DutyError(_("This receipt is already void."), "receipt") from None
    return void
